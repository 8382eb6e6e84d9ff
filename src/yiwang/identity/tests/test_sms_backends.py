"""SMS backends: the console one keeps an outbox, the HTTP one talks to a gateway (httpx.MockTransport)."""

from __future__ import annotations

import json

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from yiwang.identity import sms
from yiwang.identity.sms.console import ConsoleBackend
from yiwang.identity.sms.http import HttpGatewayBackend


def test_the_default_backend_is_the_console_one_and_keeps_an_outbox():
    assert isinstance(sms.get_backend(), ConsoleBackend)
    sms.send_sms("13700137000", "hello 123456")
    sent = ConsoleBackend.last_to("13700137000")
    assert sent is not None and sent.message == "hello 123456"


@override_settings(YIWANG_SMS_BACKEND="yiwang.identity.sms.http.HttpGatewayBackend",
                   YIWANG_SMS_GATEWAY_URL="", YIWANG_SMS_GATEWAY_TOKEN="")
def test_the_backend_is_picked_by_the_setting_and_the_http_one_needs_a_url():
    with pytest.raises(ImproperlyConfigured, match="YIWANG_SMS_GATEWAY_URL"):
        sms.get_backend()


def test_the_http_backend_posts_json_with_a_bearer_token():
    seen: list[httpx.Request] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202, json={"id": "m-1"})

    backend = HttpGatewayBackend(url="https://sms.example.test/send", token="s3cret", timeout=2,
                                 sender="【浦东政务】", transport=httpx.MockTransport(gateway))
    backend.send("13800138000", "code 654321")
    (request,) = seen
    assert request.method == "POST" and str(request.url) == "https://sms.example.test/send"
    assert request.headers["Authorization"] == "Bearer s3cret"
    assert json.loads(request.content) == {"to": "13800138000", "message": "code 654321", "sender": "【浦东政务】"}


@pytest.mark.parametrize("answer", [httpx.Response(500, text="code 654321 failed"), httpx.Response(401)])
def test_a_gateway_refusal_is_a_clear_error_without_the_message(answer):
    backend = HttpGatewayBackend(url="https://sms.example.test/send", token="t",
                                 transport=httpx.MockTransport(lambda request: answer))
    with pytest.raises(sms.SmsDeliveryError, match=f"HTTP {answer.status_code}") as exc:
        backend.send("13800138000", "code 654321")
    assert "654321" not in str(exc.value)


def test_an_unreachable_gateway_is_a_clear_error():
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    backend = HttpGatewayBackend(url="https://sms.example.test/send", transport=httpx.MockTransport(down))
    with pytest.raises(sms.SmsDeliveryError, match="unreachable: ConnectTimeout"):
        backend.send("13800138000", "x")


def test_the_deploy_check_refuses_the_console_backend_on_a_live_system(settings):
    from django.core import checks

    def errors() -> set[str]:
        return {str(m.id) for m in checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])}

    settings.DEBUG = False
    settings.YIWANG_SMS_BACKEND = "yiwang.identity.sms.console.ConsoleBackend"
    assert "yiwang.identity.E001" in errors()
    settings.YIWANG_SMS_BACKEND = "yiwang.identity.sms.http.HttpGatewayBackend"
    assert "yiwang.identity.E001" not in errors()
    settings.DEBUG, settings.YIWANG_SMS_BACKEND = True, "yiwang.identity.sms.console.ConsoleBackend"
    assert "yiwang.identity.E001" not in errors()  # development and the demo use the console
