"""System checks of identity's deployment settings (``yiwang check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

CONSOLE_SMS = "yiwang.identity.sms.console.ConsoleBackend"


@register(Tags.security, deploy=True)
def console_sms_in_production(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The console backend writes one-time codes to the log instead of sending them: on a live system every
    registration and password-reset code would be readable by whoever reads the logs, and nobody receives one."""
    if settings.DEBUG or getattr(settings, "YIWANG_SMS_BACKEND", CONSOLE_SMS) != CONSOLE_SMS:
        return []
    return [Error(
        "YIWANG_SMS_BACKEND is the console backend: one-time codes would be written to the log, not sent.",
        hint="Set YIWANG_SMS_BACKEND=yiwang.identity.sms.http.HttpGatewayBackend and the gateway's "
             "YIWANG_SMS_GATEWAY_* settings (docs/identity.md).",
        id="yiwang.identity.E001",
    )]
