"""Template helpers of the catalogue pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def localised(obj: Any) -> str:
    """The object's name in the active language (Chinese unless English is chosen and given)."""
    if obj is None:
        return ""
    display = getattr(obj, "display_name", None)
    return str(display(get_language()[:2] if get_language() else None)) if callable(display) else str(obj)
