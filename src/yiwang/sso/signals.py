"""Successful token grants into the audit chain (django-oauth-toolkit's ``app_authorized`` signal)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from oauth2_provider.signals import app_authorized

from .services import token_issue_record


@receiver(app_authorized)
def _token_issued(sender: Any, request: Any, token: Any, **kwargs: Any) -> None:
    token_issue_record(token=token, grant_type=request.POST.get("grant_type", ""))
