"""The capped paginator counts at most cap + 1 rows and pages only the first cap."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiwang.core.public import CappedPaginator
from yiwang.identity.models import Organisation


def test_a_short_list_is_counted_exactly():
    paginator = CappedPaginator(list(range(120)), 50, cap=200)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (120, False, 3)


def test_a_long_list_pages_its_first_rows_and_says_so():
    paginator = CappedPaginator(list(range(1000)), 50, cap=200)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (200, True, 4)
    assert list(paginator.get_page(99).object_list) == list(range(150, 200))  # the last page within the cap


def test_exactly_the_cap_is_not_capped():
    assert CappedPaginator(list(range(200)), 50, cap=200).capped is False


def test_a_cap_smaller_than_a_page_is_refused():
    with pytest.raises(ValueError):
        CappedPaginator([], 50, cap=10)


@pytest.mark.django_db
def test_a_queryset_is_counted_through_a_limit_without_its_order():
    Organisation.objects.bulk_create(Organisation(code=f"T{n:03}", name=f"测试{n}", kind="department")
                                     for n in range(12))
    total = Organisation.objects.count()
    with CaptureQueriesContext(connection) as queries:
        paginator = CappedPaginator(Organisation.objects.order_by("-name"), 5, cap=10)
        assert (paginator.count, paginator.capped) == (10, total > 10)
    sql = queries[0]["sql"].upper()
    assert "LIMIT 11" in sql and "ORDER BY" not in sql
