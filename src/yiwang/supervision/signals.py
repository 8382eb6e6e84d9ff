"""Keep a watched clock's copy current the moment core saves the clock (paused, resumed, stopped).

Core's calendar reloads move due dates with bulk UPDATEs, which send no signal: the sweep's
``watches_sync`` catches those (ADR 0024)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from yiwang.core.public import Clock, current_calendar


def _clock_saved(sender: Any, instance: Clock, created: bool, **kwargs: Any) -> None:
    if created or kwargs.get("raw"):
        return
    from .models import Watch
    from .services import _copy_of_clock

    percent = Watch.objects.filter(clock_id=instance.pk).values_list("warn_percent", flat=True).first()
    if percent is None:
        return
    Watch.objects.filter(clock_id=instance.pk).update(**_copy_of_clock(instance, percent, current_calendar()))


def connect() -> None:
    post_save.connect(_clock_saved, sender=Clock, dispatch_uid="supervision.clock_saved")
