"""supervision's JSON API, mounted at /api/v1/ by yiwang.api: the published assessment (anyone), cards
(staff, scoped like the page), ratings of one's own finished intake cases, and complaints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from yiwang.core.public import NotFound
from yiwang.identity.public import Organisation

from . import assessment, selectors, services
from .cases import own_case, rating_subject_of
from .models import Channel

router = Router(tags=["supervision"])


class DepartmentOut(Schema):
    rank: int
    organisation_id: int
    name: str
    closed: int
    on_time_rate: float | None
    avg_days: float | None
    p90_days: int | None
    overdue: int
    open_red: int
    yellow_cards: int
    red_cards: int
    complaints: int
    satisfaction_rate: float | None
    rectification_rate: float | None


class CardOut(Schema):
    grade: str
    yellow_at: dt.datetime | None
    red_at: dt.datetime | None
    organisation_id: int | None
    kind: str
    reference: str
    label: str
    due_on: dt.date
    due_at: dt.datetime | None = Field(None, description="Clocks in hours only: the due moment.")


class RatingIn(Schema):
    case_number: str = Field(..., max_length=20, description="Intake case number of one of your finished cases")
    score: int = Field(..., description="5 very satisfied … 1 very dissatisfied (GB/T 39734-2020)")
    comment: str = ""


class RatingOut(Schema):
    id: int
    subject: str
    score: int
    rectification_due_on: dt.date | None


class ComplaintIn(Schema):
    organisation_code: str = ""
    case_number: str = ""
    text: str = ""


class ComplaintOut(Schema):
    id: int
    organisation_id: int
    due_on: dt.date


def _month(month: str) -> tuple[dt.date, dt.date]:
    try:
        year, number = (int(part) for part in month.split("-", 1))
        return assessment.month_bounds(year, number)
    except (ValueError, TypeError) as exc:
        raise NotFound("month must be YYYY-MM") from exc


@router.get("/supervision/assessment", response=list[DepartmentOut], auth=None,
            summary="Published per-department figures and ranks for a month (aggregates only)")
def assessment_of_month(request: HttpRequest, month: str) -> list[Any]:
    start, end = _month(month)
    return [{**vars(row), "on_time_rate": row.on_time_rate, "satisfaction_rate": row.satisfaction_rate,
             "rectification_rate": row.rectification_rate} for row in assessment.department_assessment(
                 start=start, end=end)]


@router.get("/supervision/cards", response=list[CardOut], summary="Yellow and red cards you may see (latest 200)")
def cards(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"grade": w.grade, "yellow_at": w.yellow_at, "red_at": w.red_at, "organisation_id": w.organisation_id,
             "kind": w.kind, "reference": w.reference, "label": w.label, "due_on": w.due_on,
             "due_at": w.due_at}
            for w in selectors.cards_for(user=request.user)[:200]]


@router.post("/supervision/ratings", response={201: RatingOut}, summary="Rate one of your finished cases")
def rate(request: HttpRequest, body: RatingIn) -> Status:
    application = own_case(user=request.user, number=body.case_number)
    if application is None:
        raise NotFound("No such case of yours.")
    rating = services.rating_submit(by=request.user, subject=rating_subject_of(application), score=body.score,
                                    channel=Channel.APP, comment=body.comment)
    item = getattr(rating, "rectification", None)
    return Status(201, {"id": rating.pk, "subject": rating.subject, "score": rating.score,
                 "rectification_due_on": item.clock.due_on if item else None})


@router.post("/supervision/complaints", response={201: ComplaintOut}, summary="Complain about a department")
def complain(request: HttpRequest, body: ComplaintIn) -> Status:
    organisation = Organisation.objects.filter(code=body.organisation_code).first() if body.organisation_code else None
    complaint = services.complaint_file(by=request.user, channel=Channel.APP, organisation=organisation,
                                        reference=body.case_number.strip(), text=body.text)
    return Status(201, {"id": complaint.pk, "organisation_id": complaint.organisation_id,
                        "due_on": complaint.clock.due_on})
