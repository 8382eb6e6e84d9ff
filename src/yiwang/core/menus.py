"""Navigation menus that apps add to without core knowing them (layers: core never imports an app).

An app registers its entries from its ``AppConfig.ready()``::

    register_menu_item("workbench", MenuItem(key="workflow", label=_("Worklist"),
                                             url_name="workflow:worklist", visible=is_department_staff))

``visible(user)`` decides only whether the link is shown: it must be cheap and must not audit (the page's
own ``access_*`` selector still decides, and audits a refusal). The layouts read the menus through the
context processor ``yiwang.core.context_processors.menus``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

MENUS = ("workbench", "portal")


def _always(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str | Promise
    url_name: str
    visible: Callable[[Any], bool] = field(default=_always)
    order: int = 50
    # A count shown beside the label (unread messages, open tasks); ``None`` or 0 shows nothing.
    badge: Callable[[Any], int | None] | None = None


@dataclass(frozen=True)
class MenuLink:
    key: str
    label: str | Promise
    url: str
    current: bool
    badge: int | None = None


_items: dict[str, dict[str, MenuItem]] = {menu: {} for menu in MENUS}


def register_menu_item(menu: str, item: MenuItem) -> None:
    """Add (or, with the same key, replace) an entry of ``menu`` ("workbench" or "portal")."""
    if menu not in _items:
        raise ValueError(f"unknown menu {menu!r}; menus are {', '.join(MENUS)}")
    _items[menu][item.key] = item


def menu_links(menu: str, *, user: Any, path: str = "") -> list[MenuLink]:
    """The entries of ``menu`` this user may see, in order; ``current`` marks the one ``path`` is under."""
    links = []
    for item in sorted(_items[menu].values(), key=lambda i: (i.order, i.key)):
        if not item.visible(user):
            continue
        url = reverse(item.url_name)
        links.append(MenuLink(key=item.key, label=item.label, url=url, current=False,
                              badge=item.badge(user) if item.badge is not None else None))
    # The longest matching prefix is the current entry ("/workbench/" must not swallow "/workbench/x/").
    best = max((link for link in links if path.startswith(link.url)), key=lambda link: len(link.url), default=None)
    return [MenuLink(link.key, link.label, link.url, link is best, link.badge) for link in links]
