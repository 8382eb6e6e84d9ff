"""``workbench_menu`` and ``portal_menu`` for the layouts (see ``core.menus``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .menus import menu_links


def menus(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # Lazy: a page that shows neither menu (the API, a receipt) computes none.
    return {
        menu + "_menu": SimpleLazyObject(lambda menu=menu: menu_links(menu, user=user, path=request.path))
        for menu in ("workbench", "portal")
    }
