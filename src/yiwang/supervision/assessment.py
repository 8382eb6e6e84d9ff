"""Assessment (考核) per department and period, rankings, and the platform's KPIs (SPEC §3.6).

Everything is aggregated in the database (GROUP BY); handling times come from ``Watch.used_days``, stored
when a clock stops, so the average and the 90th percentile are read off a histogram of working days per
department (portable: SQLite has no percentile function). docs/supervision.md defines each figure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yiwang.identity.public import Organisation

from .models import AppealStatus, Complaint, Grade, Rating, Rectification, Watch

ASSESSED_KINDS_EXCLUDE_PREFIX = "supervision."  # the office's own clocks are not the departments' services


@dataclass
class DepartmentFigures:
    organisation_id: int
    name: str = ""
    closed: int = 0
    on_time: int = 0
    overdue: int = 0  # closed after the deadline in the period
    open_red: int = 0  # still open and overdue now
    avg_days: float | None = None
    p90_days: int | None = None
    yellow_cards: int = 0
    red_cards: int = 0
    complaints: int = 0
    ratings: int = 0
    satisfied: int = 0
    bad: int = 0
    bad_rectified: int = 0
    rank: int = 0
    histogram: dict[int, int] = field(default_factory=dict)

    @property
    def on_time_rate(self) -> float | None:
        """Closed on time / (closed in the period + still open and overdue now): sitting on a late case
        counts against the department as much as closing it late."""
        total = self.closed + self.open_red
        return self.on_time / total if total else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.ratings if self.ratings else None

    @property
    def rectification_rate(self) -> float | None:
        return self.bad_rectified / self.bad if self.bad else None


def _percentile(histogram: dict[int, int], share: float) -> int | None:
    total = sum(histogram.values())
    if not total:
        return None
    target = share * total
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= target:
            return days
    return max(histogram)


def _rank(rows: list[DepartmentFigures]) -> None:
    """Rank: on-time rate (higher first), then satisfaction rate, then fewer complaints; departments with
    nothing closed in the period come last. Equal keys share a rank."""
    def key(row: DepartmentFigures) -> tuple:
        return (row.on_time_rate is None, -(row.on_time_rate or 0), -(row.satisfaction_rate or 0), row.complaints)

    rows.sort(key=lambda r: (*key(r), r.name))
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if key(row) != previous:
            rank, previous = position, key(row)
        row.rank = rank


def department_assessment(*, start: dt.date, end: dt.date,
                          organisation_ids: list[int] | None = None) -> list[DepartmentFigures]:
    """The figures of every department with anything in ``start``..``end`` (inclusive), ranked."""
    figures: dict[int, DepartmentFigures] = {}
    # moments as a range of instants (index- and cast-free), days as dates
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))

    def row(org: int) -> DepartmentFigures:
        if org not in figures:
            figures[org] = DepartmentFigures(organisation_id=org)
        return figures[org]

    def scoped(qs: Any) -> Any:
        qs = qs.filter(organisation__isnull=False)
        return qs.filter(organisation_id__in=organisation_ids) if organisation_ids is not None else qs

    watches = scoped(Watch.objects.exclude(kind__startswith=ASSESSED_KINDS_EXCLUDE_PREFIX))
    closed = (watches.filter(stopped_on__gte=start, stopped_on__lte=end)
              # late: stopped after the due day, or (a clock in hours, ADR 0029) after the due moment
              .annotate(late=Case(When(Q(due_at__isnull=True, stopped_on__gt=F("due_on"))
                                       | Q(due_at__isnull=False, stopped_at__gt=F("due_at")), then=Value(1)),
                                  default=Value(0),
                                  output_field=IntegerField()))
              .values("organisation_id", "used_days", "late").annotate(n=Count("id")).order_by())
    for item in closed:
        figure = row(item["organisation_id"])
        figure.closed += item["n"]
        if item["late"]:
            figure.overdue += item["n"]
        else:
            figure.on_time += item["n"]
        days = item["used_days"] or 0
        figure.histogram[days] = figure.histogram.get(days, 0) + item["n"]
    for item in (watches.filter(clock_state__in=["running", "paused"], grade=Grade.RED)
                 .values("organisation_id").annotate(n=Count("id")).order_by()):
        row(item["organisation_id"]).open_red = item["n"]
    yellow_in = Q(yellow_at__gte=since, yellow_at__lt=until)
    red_in = Q(red_at__gte=since, red_at__lt=until)
    for item in (watches.filter(yellow_in | red_in).values("organisation_id")
                 .annotate(yellow=Count("id", filter=yellow_in), red=Count("id", filter=red_in)).order_by()):
        figure = row(item["organisation_id"])
        figure.yellow_cards, figure.red_cards = item["yellow"], item["red"]
    for item in (scoped(Complaint.objects.filter(filed_at__gte=since, filed_at__lt=until))
                 .values("organisation_id").annotate(n=Count("id")).order_by()):
        row(item["organisation_id"]).complaints = item["n"]
    for item in (scoped(Rating.objects.filter(rated_at__gte=since, rated_at__lt=until))
                 .exclude(appeal_status=AppealStatus.UPHELD).values("organisation_id")
                 .annotate(n=Count("id"), satisfied=Count("id", filter=Q(score__gte=3)),
                           bad=Count("id", filter=Q(score__lte=2))).order_by()):
        figure = row(item["organisation_id"])
        figure.ratings, figure.satisfied, figure.bad = item["n"], item["satisfied"], item["bad"]
    for item in (scoped(Rectification.objects.filter(rating__rated_at__gte=since,
                                                     rating__rated_at__lt=until))
                 .exclude(rating__appeal_status=AppealStatus.UPHELD)
                 .values("organisation_id").annotate(n=Count("id", filter=Q(done_at__isnull=False))).order_by()):
        row(item["organisation_id"]).bad_rectified = item["n"]
    names = dict(Organisation.objects.filter(pk__in=list(figures)).values_list("pk", "name"))
    for figure in figures.values():
        figure.name = names.get(figure.organisation_id, "")
        if figure.closed:
            figure.avg_days = sum(d * n for d, n in figure.histogram.items()) / figure.closed
            figure.p90_days = _percentile(figure.histogram, 0.9)
    rows = list(figures.values())
    _rank(rows)
    return rows


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    end = (dt.date(year + (month == 12), month % 12 + 1, 1)) - dt.timedelta(days=1)
    return start, end


# --- KPIs ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kpi:
    key: str
    label: str | Promise
    goal: float  # e.g. 0.9
    how: str | Promise  # how it is computed, shown beside the figure
    compute: Callable[[dt.date, dt.date], tuple[int, int]]  # (numerator, denominator) for a period


_KPIS: dict[str, Kpi] = {}


def register_kpi(kpi: Kpi) -> None:
    """Modules that own a KPI's data (disclosure, sharing) register how to compute it."""
    _KPIS[kpi.key] = kpi


def _online_share(start: dt.date, end: dt.date) -> tuple[int, int]:
    from yiwang.catalog.public import MatterVersion, VersionStatus

    published = MatterVersion.objects.filter(status=VersionStatus.PUBLISHED)
    return published.filter(apply_online=True, visits_needed=0).count(), published.count()


def _satisfaction(start: dt.date, end: dt.date) -> tuple[int, int]:
    ratings = Rating.objects.filter(rated_at__date__gte=start, rated_at__date__lte=end).exclude(
        appeal_status=AppealStatus.UPHELD)
    return ratings.filter(score__gte=3).count(), ratings.count()


register_kpi(Kpi(
    key="online", label=_("Matters that can be handled fully online"), goal=0.9, compute=_online_share,
    how=_("Published matters that can be applied for online and need no visit in person, divided by all "
          "published matters (the catalogue as it is today).")))
register_kpi(Kpi(
    key="satisfaction", label=_("Satisfaction"), goal=0.9, compute=_satisfaction,
    how=_("Ratings of 3 to 5 (fairly satisfied or better) divided by all ratings in the period; ratings "
          "taken out on appeal do not count.")))


@dataclass(frozen=True)
class KpiValue:
    kpi: Kpi
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def meets_goal(self) -> bool:
        return self.rate is not None and self.rate >= self.kpi.goal


def kpis(*, start: dt.date, end: dt.date) -> list[KpiValue]:
    return [KpiValue(kpi, *kpi.compute(start, end)) for kpi in _KPIS.values()]


def registered_kpi_keys() -> set[str]:
    return set(_KPIS)


def open_by_grade(organisation_ids: list[int] | None = None) -> dict[str, int]:
    qs = Watch.objects.filter(clock_state__in=["running", "paused"])
    if organisation_ids is not None:
        qs = qs.filter(organisation_id__in=organisation_ids)
    counts = defaultdict(int, dict(qs.values_list("grade").annotate(n=Count("id")).order_by()))
    return {grade: counts[grade] for grade in Grade.values}
