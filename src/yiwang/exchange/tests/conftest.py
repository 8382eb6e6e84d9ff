"""Exchange test fixtures: members, a provider with an in-process service and an HTTP one, grants; a signer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from django.test import Client

from yiwang.exchange import directory, gateway, pki
from yiwang.exchange.client import load_private_key, signed_headers
from yiwang.exchange.registry import LocalRequest, LocalResponse, register_local_service
from yiwang.exchange.services import MemberKeys, grant_create, member_create, service_register

OPENAPI = {"openapi": "3.1.0", "info": {"title": "Legal persons", "version": "1"},
           "paths": {"/persons/{code}": {"get": {"responses": {"200": {"description": "a legal person"}}}}}}
PERSON = {"credit_code": "91350100M000100Y43", "name": "浦东示例有限公司", "legal_representative": "李四",
          "registered_address": "上海市浦东新区张江路1号", "status": "存续"}


class LocalProvider:
    """An in-process provider that records its calls; tests set ``answer`` or ``error``."""

    def __init__(self) -> None:
        self.calls: list[LocalRequest] = []
        self.answer: LocalResponse | None = None
        self.error: Exception | None = None

    def __call__(self, request: LocalRequest) -> LocalResponse:
        self.calls.append(request)
        if self.error is not None:
            raise self.error
        return self.answer or LocalResponse(data=dict(PERSON))


provider_handler = LocalProvider()
register_local_service("legal-person", provider_handler)


@pytest.fixture(autouse=True)
def _fresh(settings):
    """Each test's database starts without our CA: forget certificates cached by an earlier test."""
    settings.YIWANG_EXCHANGE_INSTANCE = "CN-SH"
    pki.forget_caches()
    directory.forget()
    provider_handler.calls.clear()
    provider_handler.answer = provider_handler.error = None
    gateway._http_client = None
    yield
    pki.forget_caches()
    directory.forget()
    gateway._http_client = None


@pytest.fixture
def provider() -> LocalProvider:
    return provider_handler


@pytest.fixture
def tax_member(tax) -> MemberKeys:
    return member_create(identifier="CN-SH/GOV/PD-SWJ/tax-core", name="区税务局 税务核心系统", organisation=tax)


@pytest.fixture
def commerce_member(commerce) -> MemberKeys:
    return member_create(identifier="CN-SH/GOV/PD-SCJGJ/registry", name="区市场监管局 登记系统", organisation=commerce)


@pytest.fixture
def outsider_member(db) -> MemberKeys:
    return member_create(identifier="CN-SH/COM/91310115MA1K4XXX7Y/erp", name="某公司 ERP")


@pytest.fixture
def local_service(commerce_member):
    return service_register(provider=commerce_member.member, code="legal-person", version="1",
                            title="法人库查询", openapi=OPENAPI, kind="local")


@pytest.fixture
def http_service(commerce_member):
    return service_register(provider=commerce_member.member, code="legal-person-http", version="1",
                            title="法人库查询 (HTTP)", openapi=OPENAPI, kind="http",
                            base_url="https://scjgj.example.gov.cn/api")


@pytest.fixture
def name_only_grant(local_service, tax_member):
    return grant_create(service=local_service, consumer=tax_member.member, fields=["credit_code", "name"],
                        granted_by_name="test")


def mock_provider(handler: Callable[[httpx.Request], httpx.Response]) -> list[httpx.Request]:
    """Route the gateway's HTTP client to ``handler``; returns the list of requests it received."""
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    gateway._http_client = httpx.Client(transport=httpx.MockTransport(record))
    return seen


def signed_call(client: Client, keys: MemberKeys, method: str, target: str, body: bytes = b"",
                key_pem: bytes | None = None, **overrides: Any) -> Any:
    """Call the gateway as ``keys.member`` (or with another key), optionally overriding signed headers."""
    key = load_private_key(key_pem or keys.private_key_pem or b"")
    headers = signed_headers(private_key=key, member=keys.member.identifier, method=method, target=target,
                             body=body, **{k: v for k, v in overrides.items() if k in {"timestamp", "nonce"}})
    headers.update({k: v for k, v in overrides.items() if k.startswith("X-")})
    return client.generic(method, target, data=body, content_type="application/json", headers=headers)
