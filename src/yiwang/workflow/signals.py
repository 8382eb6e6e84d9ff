"""Signals workflow sends to the apps above it (they connect in their ``AppConfig.ready()``)."""

from django.dispatch import Signal

# Sent inside the transaction that completes a process; kwargs ``instance``, ``subject``, ``outcome``.
# Receivers write in the same transaction, so the case and its process finish together or not at all.
process_finished = Signal()
