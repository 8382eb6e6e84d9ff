"""Intake listens to the workflow engine: when a case's process ends, the case gets its result."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from yiwang.workflow.public import process_finished

from .models import SUBJECT_PREFIX, Application


@receiver(process_finished, dispatch_uid="intake.process_finished")
def on_process_finished(sender: Any, *, instance: Any = None, subject: str = "", outcome: str = "",
                        **kwargs: Any) -> None:
    prefix, _, pk = (subject or "").partition(":")
    if prefix != SUBJECT_PREFIX or not pk.isdigit():
        return
    application = Application.objects.filter(pk=int(pk)).first()
    if application is None:
        return
    from .services import application_finish

    application_finish(application=application, outcome=outcome)
