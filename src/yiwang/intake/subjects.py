"""How the workflow worklists show a case (``workflow.public.register_subject_type``)."""

from __future__ import annotations

from django.urls import reverse

from yiwang.workflow.public import SubjectInfo

from .models import Application, Status

_RELATED = ("version", "version__matter", "applicant", "enterprise")
# Only what a worklist row shows: not the form data, the version's form schema and guide texts nor the
# applicant's other encrypted fields (each would be decoded once per row).
_FIELDS = ("number", "status", "version__name", "version__matter__code",
           "applicant__real_name", "applicant__username", "applicant__id_number", "enterprise__name")


def _pk(subject: str) -> int:
    _, _, pk = subject.partition(":")
    return int(pk) if pk.isdigit() else 0


def _info(subject: str, application: Application | None) -> SubjectInfo:
    if application is None:
        return SubjectInfo(reference=subject, title="", applicant="", url="", state="")
    from .services import applicant_masked, matter_name

    return SubjectInfo(reference=application.number, title=matter_name(application.version),
                       applicant=applicant_masked(application),
                       url=reverse("intake:staff_case", kwargs={"pk": application.pk}),
                       paused=application.status == Status.AWAITING_SUPPLEMENT,
                       state=str(application.get_status_display()))


def describe(subject: str) -> SubjectInfo:
    return _info(subject, Application.objects.select_related(*_RELATED).only(*_FIELDS).filter(pk=_pk(subject)).first())


def describe_many(subjects: list[str]) -> dict[str, SubjectInfo]:
    """A worklist page's cases in one query."""
    found = Application.objects.select_related(*_RELATED).only(*_FIELDS).in_bulk({_pk(s) for s in subjects})
    return {subject: _info(subject, found.get(_pk(subject))) for subject in subjects}
