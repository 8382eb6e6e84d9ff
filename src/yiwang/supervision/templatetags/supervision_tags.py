from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def percent(value: Any) -> str:
    """0.8734 → "87.3 %"; None → "–"."""
    if value is None:
        return "–"
    return f"{value * 100:.1f} %"


@register.filter
def days(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if isinstance(value, float) else str(value)
