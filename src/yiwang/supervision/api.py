"""supervision's JSON API, mounted at /api/v1/supervision/ by yiwang.api."""

from ninja import Router

router = Router(tags=["supervision"])
