"""Signals core sends to the apps above it (they connect in their ``AppConfig.ready()``)."""

from django.dispatch import Signal

# A change of the working-day calendar moved the due dates of these clocks (``clock_ids``: a list of primary
# keys), inside the transaction that changed the calendar. Apps keeping a copy of a clock's due date (the
# workflow's task list orders by it) update their copy.
clocks_moved = Signal()
