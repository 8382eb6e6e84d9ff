"""Signals core sends to the apps above it (they connect in their ``AppConfig.ready()``)."""

from django.dispatch import Signal

# Core moved the due dates of these clocks (``clock_ids``: a list of primary keys), inside the transaction that
# moved them: a change of the working-day calendar, or a resumption or stop that closed a pause. Apps keeping a
# copy of a clock's due date (the workflow's task list orders by it) update their copy.
clocks_moved = Signal()
