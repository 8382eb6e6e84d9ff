"""``workbench_menu`` and ``portal_menu`` for the layouts (see ``core.menus``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .menus import menu_links


def menus(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # Lazy: a page that shows neither menu (the API, a receipt) computes none.
    return {menu + "_menu": SimpleLazyObject(_links(menu, user, request.path)) for menu in ("workbench", "portal")}


def _links(menu: str, user: Any, path: str) -> Callable[[], list[Any]]:
    def compute() -> list[Any]:
        return menu_links(menu, user=user, path=path)

    return compute
