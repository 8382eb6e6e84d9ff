"""How the workflow worklists show a case (``workflow.public.register_subject_type``)."""

from __future__ import annotations

from django.urls import reverse

from yiwang.workflow.public import SubjectInfo

from .models import Application, Status


def describe(subject: str) -> SubjectInfo:
    _, _, pk = subject.partition(":")
    application = (Application.objects.select_related("version", "version__matter", "applicant", "enterprise")
                   .filter(pk=int(pk) if pk.isdigit() else 0).first())
    if application is None:
        return SubjectInfo(reference=subject, title="", applicant="", url="", state="")
    from .services import applicant_masked, matter_name

    applicant = applicant_masked(application)
    return SubjectInfo(reference=application.number, title=matter_name(application.version), applicant=applicant,
                       url=reverse("intake:staff_case", kwargs={"pk": application.pk}),
                       paused=application.status == Status.AWAITING_SUPPLEMENT,
                       state=str(application.get_status_display()))
