"""The demo: months of history with clocks in every grade, cards, complaints, ratings; idempotent."""

import datetime as dt
import io

import pytest
from django.db.models import Count

from yiwang.identity.demo import demo_data_load
from yiwang.supervision.assessment import department_assessment
from yiwang.supervision.demo import supervision_demo_load
from yiwang.supervision.models import Complaint, Notice, Rating, Rectification, SweepRun, Watch

pytestmark = pytest.mark.django_db


def test_the_demo_history_shows_every_grade_and_loads_once():
    demo_data_load()
    out = io.StringIO()
    created, present = supervision_demo_load(out)
    assert created > 260 and present == 0 and "supervision history" in out.getvalue()
    demo = Watch.objects.filter(kind="demo.history")
    open_grades = set(demo.exclude(clock_state="stopped").values_list("grade", flat=True))
    assert open_grades == {"normal", "yellow", "red"}
    assert demo.filter(clock_state="stopped").count() > 150
    moments = Watch.objects.filter(yellow_at__isnull=False).values_list("yellow_at", flat=True)
    months = {at.strftime("%Y-%m") for at in moments if at}
    assert len(months) >= 3  # the cards carry the days they were reached, months back
    assert Watch.objects.filter(red_at__isnull=False).exists()
    assert Complaint.objects.count() == 6 and Rating.objects.count() == 80
    assert Rectification.objects.exists() and Notice.objects.count() == 1
    assert Rating.objects.filter(appeal_status="pending").count() == 1
    rated_months = {at.strftime("%Y-%m") for at in Rating.objects.values_list("rated_at", flat=True)}
    assert len(rated_months) >= 3  # satisfaction has a history too, not only this month
    assert not SweepRun.objects.filter(notified_at__isnull=True).exists()  # today's run told everyone
    last = max(months)
    rows = department_assessment(start=dt.date.fromisoformat(f"{last}-01"), end=dt.date.fromisoformat(f"{last}-28"))
    assert len(rows) >= 7 and len({r.rank for r in rows}) > 1
    assert dict(Watch.objects.values_list("kind").annotate(n=Count("id")))["demo.history"] == 260
    assert supervision_demo_load(None) == (0, 260)  # a second run creates nothing
    assert Watch.objects.filter(kind="demo.history").count() == 260
