"""Demo data of supervision (``yiwang demo-data`` runs this after identity's loader).

Four months of SYNTHETIC handling history for seven departments: watched clocks of the kind
``demo.history`` (labelled as demo cases, references ``DEMO-…``) started on past days, closed on their
day or still open, graded by running the real sweep once per past day — so cards carry their real dates
and every grade is present. Then complaints, ratings (some bad, with their rectifications), an appeal and
a supervision notice through the services. Idempotent: nothing is created when the history exists.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.core.public import add_working_days, clock_stop, register_demo_loader
from yiwang.identity.public import Organisation, User

from . import services
from .models import Rating, Watch
from .registry import ClockKind, register_clock_kind

KIND = "demo.history"
SEED = 20261128
# department code → (cases, how fast it works: share of the limit it usually needs)
DEPARTMENTS = {"PD-SCJGJ": (60, 0.55), "PD-SWJ": (50, 0.7), "PD-CZJ": (25, 0.95), "PD-TJJ": (20, 0.8),
               "PD-SWW": (30, 1.05), "PD-MZJ": (35, 0.6), "PD-RSJ": (40, 0.9)}
HANDLERS = {"PD-SCJGJ": "demo_handler", "PD-SWJ": "demo_tax_handler", "PD-TJJ": "demo_statistics",
            "PD-SWW": "demo_commerce"}
MATTERS = ["食品经营许可", "企业开办", "税务登记", "个体工商户登记", "社会团体登记", "就业登记", "统计登记",
           "对外贸易经营者备案"]
COMMENTS = {5: "办得很快，窗口很耐心", 4: "流程清楚", 3: "还可以", 2: "材料被退回两次才说清楚", 1: "等了很久没人回复"}


def _say(stdout: Any, label: str, created: int, present: int) -> None:
    if stdout is not None:
        stdout.write(f"  {label:<28} {created:>3} created, {present:>3} already present\n")


def supervision_demo_load(stdout: Any = None) -> tuple[int, int]:
    present = Watch.objects.filter(kind=KIND).count()
    if present:
        _say(stdout, "supervision history", 0, present)
        return 0, present
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=list(DEPARTMENTS))}
    users = {u.username: u for u in User.objects.filter(username__in=[
        *HANDLERS.values(), "demo_supervisor", "demo_head", "demo_citizen", "demo_clerk"])}
    if len(orgs) < len(DEPARTMENTS) or "demo_citizen" not in users or "demo_supervisor" not in users:
        if stdout is not None:
            stdout.write("  supervision demo skipped: load identity's demo data first\n")
        return 0, 0
    with transaction.atomic():
        created = _history(orgs, users)
        created += _complaints_ratings(orgs, users)
    _say(stdout, "supervision history", created, 0)
    return created, 0


def _history(orgs: dict[str, Organisation], users: dict[str, User]) -> int:
    rng = random.Random(SEED)  # noqa: S311 - reproducible synthetic demo data
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=95)).replace(day=1)
    plan: list[tuple[dt.date, Watch]] = []
    stops: dict[dt.date, list[Watch]] = {}
    number = 0
    for code, (count, pace) in DEPARTMENTS.items():
        for _i in range(count):
            number += 1
            start = first + dt.timedelta(days=rng.randrange((today - first).days - 2))
            limit = rng.choice([5, 10, 15, 20])
            needed = max(1, round(limit * rng.gauss(pace, 0.3)))
            if rng.random() < 0.12:  # stuck cases: some still open long after their deadline
                needed = limit * 6
            watch = services.clock_open(
                kind=KIND, subject=f"{KIND}:{number}", reference=f"DEMO-{number:05d}",
                label=f"{rng.choice(MATTERS)}（演示）", limit_days=limit, started_on=start,
                organisation=orgs[code], user=users.get(HANDLERS.get(code, "")))
            stop = add_working_days(start, needed).date
            if stop < today:
                stops.setdefault(stop, []).append(watch)
            plan.append((start, watch))
    day = first
    while day < today:
        for watch in stops.get(day, []):
            clock_stop(clock=watch.clock, on=day)
        services.sweep(today=day, now=timezone.make_aware(dt.datetime.combine(day, dt.time(18, 0))), notify=False)
        day += dt.timedelta(days=1)
    services.sweep(today=today)  # today's run tells the heads, handlers and the office (one digest each)
    return len(plan)


def _complaints_ratings(orgs: dict[str, Organisation], users: dict[str, User]) -> int:
    rng = random.Random(SEED + 1)  # noqa: S311 - reproducible synthetic demo data
    citizen, supervisor = users["demo_citizen"], users["demo_supervisor"]
    created = 0
    for i, code in enumerate(["PD-SWW", "PD-SWW", "PD-CZJ", "PD-SWJ", "PD-RSJ", "PD-SCJGJ"]):
        complaint = services.complaint_file(by=citizen, channel="portal", organisation=orgs[code],
                                            text=["电话一直无人接听", "材料要求前后不一致", "办理超期未告知"][i % 3])
        created += 1
        if i % 2 == 0:
            services.complaint_close(by=supervisor, pk=complaint.pk, outcome=["upheld", "partly", "dismissed"][i % 3],
                                     note="已核实并督促整改")
    closed = list(Watch.objects.filter(kind=KIND, clock_state="stopped").select_related("organisation")
                  .order_by("pk"))
    rated = rng.sample(closed, min(80, len(closed)))
    scored_bad = False
    for watch in rated:
        pace = DEPARTMENTS[watch.organisation.code][1] if watch.organisation else 1
        score = max(1, min(5, round(rng.gauss(5.6 - 2.2 * pace, 0.9))))
        if watch.organisation and watch.organisation.code == "PD-SCJGJ" and not scored_bad:
            score, scored_bad = 2, True  # the demo head has a bad rating to call back, rectify and appeal
        completed_at = timezone.make_aware(dt.datetime.combine(watch.stopped_on or timezone.localdate(),
                                                               dt.time(16, 0)))
        rating = services.rating_submit(by=citizen, subject=services.RatingSubject(
            kind=KIND, id=watch.pk, reference=watch.reference, label=watch.label, applicant_id=citizen.pk,
            organisation=watch.organisation, completed_at=completed_at), score=score, comment=COMMENTS[score])
        if score >= 3:  # history: rated the evening the case finished, so each month has its satisfaction
            Rating.objects.filter(pk=rating.pk).update(rated_at=min(completed_at + dt.timedelta(hours=3),
                                                                    timezone.now()))
        # bad ratings stay recent: their callbacks and rectifications are today's work, on clocks started now
        created += 1
    head = users.get("demo_head")
    if head is not None:
        from .models import Rectification

        items = list(Rectification.objects.filter(organisation__code="PD-SCJGJ").order_by("pk"))
        if items:
            services.rectification_record(by=head, pk=items[0].pk, callback_note="已电话回访申请人",
                                          rectification_note="窗口一次性告知材料清单")
            services.rating_appeal(by=head, pk=items[-1].rating_id, reason="申请人评价针对的是他部门的收费")
    late = Watch.objects.filter(kind=KIND, grade="red", clock_state="running", organisation__code="PD-SWW").first()
    if late is not None:
        services.notice_issue(by=supervisor, organisation=late.organisation, watch=late,
                              text=f"{late.reference} 已超期，请说明原因并于期限内办结。")
        created += 1
    return created


def register() -> None:
    register_clock_kind(ClockKind(key=KIND, label=_("Demo case (synthetic history)")))
    register_demo_loader("supervision", supervision_demo_load)
