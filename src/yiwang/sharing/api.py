"""sharing's JSON API, mounted at /api/v1/sharing/ by yiwang.api."""

from ninja import Router

router = Router(tags=["sharing"])
