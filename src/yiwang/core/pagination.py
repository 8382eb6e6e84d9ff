"""A paginator that stops counting: large lists (a department's finished tasks, years of records) are paged
without a ``COUNT(*)`` over every row.

Django's ``Paginator`` counts the whole list to number its pages; at a million cases that count costs more than
the page itself. ``CappedPaginator`` counts at most ``cap + 1`` rows (without their ordering) and, past the cap,
pages through the first ``cap`` rows and says so (``capped``): a clerk narrows the filter rather than paging
past page 200.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

DEFAULT_CAP = 10_000


class CappedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, cap: int = DEFAULT_CAP, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        if cap < per_page:
            raise ValueError("the cap must hold at least one page")
        self.cap = cap

    @cached_property
    def _seen(self) -> int:
        if isinstance(self.object_list, QuerySet):
            # COUNT(*) over a LIMIT subquery; the order does not change how many rows there are.
            return self.object_list.order_by()[: self.cap + 1].count()
        return min(len(self.object_list), self.cap + 1)

    @cached_property
    def count(self) -> int:
        return min(self._seen, self.cap)

    @property
    def capped(self) -> bool:
        """More rows than ``cap``: only the first ``cap`` are paged."""
        return self._seen > self.cap
