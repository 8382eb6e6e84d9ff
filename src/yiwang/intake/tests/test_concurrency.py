"""Submissions at the same instant on PostgreSQL: unique case numbers, and one case per Idempotency-Key."""

from __future__ import annotations

import pytest
from django.db import connection

from yiwang.conftest import run_together
from yiwang.intake import services
from yiwang.intake.models import Application, Channel

from .conftest import FORM, licence, media_files

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: SQLite runs one write transaction at a time, so there is no race"),
]


def test_concurrent_submissions_get_distinct_consecutive_case_numbers(citizen, matter):
    def submit(_: int) -> str:
        return services.application_submit(code="PD-SWJ-0001", applicant=citizen, by=citizen,
                                           channel=Channel.PORTAL, form_data=FORM, files=[licence()]).number

    numbers, errors = run_together(6, submit)
    assert not errors
    assert len(set(numbers)) == 6
    assert sorted(int(n[10:]) for n in numbers) == list(range(1, 7))


def test_concurrent_retries_with_one_idempotency_key_make_one_case(citizen, matter):
    def submit(_: int) -> int:
        application, _created = services.application_submit_idempotent(
            idempotency_key="retry-storm", fingerprint="same-body", code="PD-SWJ-0001", applicant=citizen,
            by=citizen, channel=Channel.API, form_data=FORM, files=[licence()])
        return application.pk

    pks, errors = run_together(4, submit)
    assert not errors
    assert len(set(pks)) == 1 and len(pks) == 4
    assert Application.objects.count() == 1
    assert len(media_files()) == 1  # the losers' files were removed with their rolled-back transactions
