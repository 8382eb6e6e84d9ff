"""Sign requests to the yiwang exchange gateway — for our tests and for external systems (docs/exchange.md).

Needs only ``cryptography`` and ``httpx``; no Django. A member signs, with its Ed25519 key::

    YIWANG-EXCHANGE-1            (fixed)
    POST                         (method, upper case)
    /exchange/v1/tax-status/x?a=1  (path and query exactly as sent, percent-encoded)
    CN-SH/GOV/PD-SWJ/tax-core    (X-Yiwang-Member)
    1764322800                   (X-Yiwang-Timestamp: Unix seconds)
    3q0bX…                       (X-Yiwang-Nonce: 16–128 of A–Z a–z 0–9 _ -, never reused)
    e3b0c44298fc…                (X-Yiwang-Content-SHA256: hex SHA-256 of the body, also for an empty body)

joined with ``\\n``, and sends the base64url signature (no padding) in ``X-Yiwang-Signature``::

    from yiwang.exchange.client import ExchangeClient
    with ExchangeClient("https://yiwang.example", "CN-SH/COM/91310115MA1K4XXX7Y/erp",
                        private_key_pem=open("member.key", "rb").read()) as client:
        answer = client.get("/exchange/v1/legal-person-lookup/persons/91310115MA1K4XXX7Y")
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Generator
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

SCHEME = "YIWANG-EXCHANGE-1"
MEMBER_HEADER = "X-Yiwang-Member"
TIMESTAMP_HEADER = "X-Yiwang-Timestamp"
NONCE_HEADER = "X-Yiwang-Nonce"
BODY_HEADER = "X-Yiwang-Content-SHA256"
SIGNATURE_HEADER = "X-Yiwang-Signature"
# Set by the gateway on every answer it logged:
MESSAGE_ID_HEADER = "X-Yiwang-Message-Id"
RECEIPT_HEADER = "X-Yiwang-Receipt"  # the response entry's hash, signed by the gateway (base64url)


def canonical_request(*, method: str, target: str, member: str, timestamp: str, nonce: str,
                      body_sha256: str) -> bytes:
    """The bytes a member signs and the gateway verifies."""
    return "\n".join([SCHEME, method.upper(), target, member, timestamp, nonce, body_sha256]).encode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_private_key(pem: bytes | str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem.encode() if isinstance(pem, str) else pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("exchange member keys are Ed25519")
    return key


def signed_headers(*, private_key: Ed25519PrivateKey, member: str, method: str, target: str, body: bytes = b"",
                   timestamp: int | None = None, nonce: str | None = None) -> dict[str, str]:
    """The five headers that authenticate one request. ``target`` is the path plus ``?query`` as sent."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    once = nonce or secrets.token_urlsafe(18)
    digest = hashlib.sha256(body).hexdigest()
    signature = private_key.sign(canonical_request(method=method, target=target, member=member, timestamp=stamp,
                                                   nonce=once, body_sha256=digest))
    return {MEMBER_HEADER: member, TIMESTAMP_HEADER: stamp, NONCE_HEADER: once, BODY_HEADER: digest,
            SIGNATURE_HEADER: b64url(signature)}


class MemberSignature(httpx.Auth):
    """httpx authentication that signs every request as ``member``."""

    requires_request_body = True

    def __init__(self, member: str, private_key: Ed25519PrivateKey) -> None:
        self.member = member
        self.private_key = private_key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.update(signed_headers(private_key=self.private_key, member=self.member,
                                              method=request.method, target=request.url.raw_path.decode("ascii"),
                                              body=request.content))
        yield request


class ExchangeClient(httpx.Client):
    """An ``httpx.Client`` whose requests are signed as ``member``."""

    def __init__(self, base_url: str, member: str, *, private_key_pem: bytes | str, **kwargs: Any) -> None:
        kwargs.setdefault("timeout", 30.0)
        super().__init__(base_url=base_url, auth=MemberSignature(member, load_private_key(private_key_pem)),
                         **kwargs)
