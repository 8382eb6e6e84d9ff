"""Production SMS backend: POSTs JSON to the operator's SMS gateway.

Settings: ``YIWANG_SMS_GATEWAY_URL`` (required), ``YIWANG_SMS_GATEWAY_TOKEN`` (sent as a bearer token;
read from the environment, never committed), ``YIWANG_SMS_GATEWAY_TIMEOUT`` seconds (default 5) and
``YIWANG_SMS_SENDER`` (the registered signature, e.g. 【浦东政务】, optional).
"""

from __future__ import annotations

from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import SmsBackend, SmsDeliveryError


class HttpGatewayBackend(SmsBackend):
    def __init__(self, *, url: str | None = None, token: str | None = None, timeout: float | None = None,
                 sender: str | None = None, transport: httpx.BaseTransport | None = None) -> None:
        self.url = url if url is not None else getattr(settings, "YIWANG_SMS_GATEWAY_URL", "")
        if not self.url:
            raise ImproperlyConfigured("YIWANG_SMS_GATEWAY_URL is empty but the HTTP SMS backend is selected")
        self.token = token if token is not None else getattr(settings, "YIWANG_SMS_GATEWAY_TOKEN", "")
        self.timeout = timeout if timeout is not None else float(getattr(settings, "YIWANG_SMS_GATEWAY_TIMEOUT", 5))
        self.sender = sender if sender is not None else getattr(settings, "YIWANG_SMS_SENDER", "")
        # ``transport`` lets tests use httpx.MockTransport instead of the network.
        self.transport = transport

    def send(self, phone: str, message: str) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        payload: dict[str, Any] = {"to": phone, "message": message}
        if self.sender:
            payload["sender"] = self.sender
        try:
            with httpx.Client(transport=self.transport, timeout=self.timeout) as client:
                response = client.post(self.url, json=payload, headers=headers)
        except httpx.HTTPError as exc:
            raise SmsDeliveryError(f"SMS gateway unreachable: {type(exc).__name__}") from exc
        if not response.is_success:
            # The body may echo the message (and so the code); keep it out of the error.
            raise SmsDeliveryError(f"SMS gateway answered HTTP {response.status_code}")
