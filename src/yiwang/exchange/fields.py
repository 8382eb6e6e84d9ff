"""Field-by-field enforcement of an access grant on a JSON answer (docs/exchange.md, "Which fields come back").

A *record* is a JSON object; its *fields* are its top-level member names. The rule:

- the answer is an object → it is a record, except that a member named ``data`` or ``records`` whose value is
  a list (or an object) is an envelope: it is kept, and every record inside it is filtered;
- the answer is a list → every record in it is filtered;
- inside a record, a granted field is kept whole (granting ``address`` grants all of it), any other is removed;
- anything in a list that is not a record (a bare string or number) is removed: it has no field name, so no
  grant can cover it;
- an answer that is not JSON cannot be filtered: with a field-limited grant the gateway refuses to pass it on.
"""

from __future__ import annotations

from typing import Any

ENVELOPE_KEYS = ("data", "records")


def _record(obj: dict[str, Any], allowed: frozenset[str], removed: set[str]) -> dict[str, Any]:
    kept = {}
    for key, value in obj.items():
        if key in allowed:
            kept[key] = value
        else:
            removed.add(key)
    return kept


def _list(items: list[Any], allowed: frozenset[str], removed: set[str]) -> list[Any]:
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append(_record(item, allowed, removed))
        else:
            removed.add("[non-record item]")
    return out


def filter_fields(data: Any, allowed: frozenset[str]) -> tuple[Any, set[str]]:
    """``data`` with every field outside ``allowed`` removed, and the names removed."""
    removed: set[str] = set()
    if isinstance(data, list):
        return _list(data, allowed, removed), removed
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key in ENVELOPE_KEYS and key not in allowed and isinstance(value, list):
                out[key] = _list(value, allowed, removed)
            elif key in ENVELOPE_KEYS and key not in allowed and isinstance(value, dict):
                out[key] = _record(value, allowed, removed)
            elif key in allowed:
                out[key] = value
            else:
                removed.add(key)
        return out, removed
    if data is None:
        return None, removed
    # A bare scalar answer has no field name.
    return None, {"[scalar answer]"}


def requested_fields(values: list[str]) -> list[str]:
    """``?fields=a,b&fields=c`` → ``["a", "b", "c"]``."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]
