"""Intake cases as supervision sees them: read through ``yiwang.intake.public`` (same layer), turned into
the opaque ``RatingSubject`` that ``rating_submit`` takes."""

from __future__ import annotations

from typing import Any

from .services import RatingSubject

COMPLETED_STATUSES = ("approved", "rejected", "decided_on_spot")


def own_case(*, user: Any, number: str) -> Any:
    """The applicant's (or their enterprise's) case by number, or None."""
    from yiwang.intake.public import applications_of

    return (applications_of(user=user).select_related("version", "version__lead_department")
            .filter(number=number).first())


def rating_subject_of(application: Any) -> RatingSubject:
    from yiwang.intake.public import SUBJECT_PREFIX

    done = application.status in COMPLETED_STATUSES
    return RatingSubject(
        kind=SUBJECT_PREFIX, id=application.pk, reference=application.number, label=application.version.name,
        applicant_id=application.applicant_id, organisation=application.version.lead_department,
        completed_at=(application.decided_at or application.updated_at) if done else None)
