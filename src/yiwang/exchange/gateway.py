"""The security gateway: authenticate the member, check the grant, forward, log (ADR 0019).

One call, in order:

1. **authenticate** the signed request (headers of ``client.py``): all five headers, body size, timestamp
   within ``YIWANG_EXCHANGE_CLOCK_SKEW_SECONDS``, body digest, a known and active member whose current
   certificate chains to our CA and is valid, and the Ed25519 signature;
2. **authorise**: the service exists and is active, its provider is active, a live grant exists, and a
   ``?fields=`` list asks only for granted fields;
3. **log the request** and **use the nonce** in one statement: a replayed nonce is refused; if the entry
   cannot be written, the call is refused and the provider never sees it (fail closed);
4. **forward**: an in-process handler directly, or the provider's base URL with httpx and a timeout;
5. **filter** the answer field by field (``fields.py``) and **log the response**, bound to the request entry's
   hash; if that entry cannot be written, the consumer gets 503, not the data.

Every refusal is logged too (kind ``refusal``); a refusal is a refusal even if its log entry fails.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography.exceptions import InvalidSignature
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import directory, pki
from .backends.base import KeyStoreError
from .client import (
    BODY_HEADER,
    MEMBER_HEADER,
    MESSAGE_ID_HEADER,
    NONCE_HEADER,
    RECEIPT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    b64url_decode,
    canonical_request,
)
from .fields import filter_fields, requested_fields
from .messagelog import NonceUsed, message_log_append, nonce_record
from .models import Certificate, EntryKind, Member, MemberStatus, Service, ServiceKind
from .registry import LocalRequest, local_handler

logger = logging.getLogger(__name__)
NONCE_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
LOG_HASH_HEADER = "X-Yiwang-Log-Hash"
FORWARDED_REQUEST_HEADERS = ("content-type", "accept", "accept-language")
FORWARDED_RESPONSE_HEADERS = ("content-type", "content-language", "cache-control", "etag", "last-modified")


class Refusal(Exception):
    """A call the gateway will not forward; ``code`` is stable for machines, ``message`` for people."""

    def __init__(self, status: int, code: str, message: str | Promise, **details: Any) -> None:
        super().__init__(str(message))
        self.status, self.code, self.message, self.details = status, code, str(message), details


@dataclass(frozen=True)
class Caller:
    member: Member
    certificate: Certificate
    timestamp: str
    nonce: str
    signature: str
    body: bytes
    body_sha256: str
    target: str


def error_response(status: int, code: str, message: str, message_id: str | None = None,
                   **extra: Any) -> JsonResponse:
    body: dict[str, Any] = {"code": code, "message": message, **extra}
    if message_id:
        body["message_id"] = message_id
    response = JsonResponse({"error": body}, status=status, json_dumps_params={"ensure_ascii": False})
    if message_id:
        response[MESSAGE_ID_HEADER] = message_id
    return response


# --- 1. authentication ---------------------------------------------------------------------------------------

def read_body(request: HttpRequest) -> bytes:
    limit = settings.YIWANG_EXCHANGE_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise Refusal(413, "body_too_large", _("The request body is larger than %(limit)d bytes.") % {"limit": limit})
    body = request.read(limit + 1)
    if len(body) > limit:
        raise Refusal(413, "body_too_large", _("The request body is larger than %(limit)d bytes.") % {"limit": limit})
    return body


def authenticate(request: HttpRequest, known: directory.Directory | None = None) -> Caller:
    """The member who signed ``request``; raises ``Refusal`` for anything else. Does not use the nonce."""
    known = known or directory.current()
    headers = request.headers
    values = {name: headers.get(name, "") for name in (MEMBER_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, BODY_HEADER,
                                                         SIGNATURE_HEADER)}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise Refusal(401, "unsigned", _("The request is not signed (missing %(headers)s).") % {
            "headers": ", ".join(missing)})
    body = read_body(request)
    identifier, stamp, nonce = values[MEMBER_HEADER], values[TIMESTAMP_HEADER], values[NONCE_HEADER]
    try:
        skew = abs(time.time() - int(stamp))
    except ValueError:
        skew = float("inf")
    if skew > settings.YIWANG_EXCHANGE_CLOCK_SKEW_SECONDS:
        raise Refusal(401, "stale_timestamp", _("The request's timestamp is not within %(s)d seconds of ours.") % {
            "s": settings.YIWANG_EXCHANGE_CLOCK_SKEW_SECONDS})
    if not NONCE_RE.match(nonce):
        raise Refusal(401, "bad_nonce", _("The nonce must be 16–128 characters of A–Z, a–z, 0–9, _ and -."))
    digest = hashlib.sha256(body).hexdigest()
    if digest != values[BODY_HEADER].lower():
        raise Refusal(401, "body_digest_mismatch", _("The body does not match its SHA-256 header."))
    member = known.member(identifier) if len(identifier) <= 200 else None
    if member is None:
        raise Refusal(401, "unknown_member", _("%(member)s is not a member of this exchange.") % {
            "member": identifier[:200]})
    if member.status != MemberStatus.ACTIVE:
        raise Refusal(403, "member_revoked", _("%(member)s is revoked.") % {"member": identifier}, member=member)
    cert = member.current_certificate
    key = pki.verified_public_key(cert) if cert is not None and cert.revoked_at is None else None
    if cert is None or key is None:
        raise Refusal(401, "certificate_invalid", _("The member's certificate is expired or not ours."),
                      member=member)
    target = request.get_full_path()
    try:
        key.verify(b64url_decode(values[SIGNATURE_HEADER]), canonical_request(
            method=request.method or "GET", target=target, member=identifier, timestamp=stamp, nonce=nonce,
            body_sha256=digest))
    except (InvalidSignature, ValueError):
        raise Refusal(401, "bad_signature", _("The signature does not verify with the member's certificate."),
                      member=member) from None
    return Caller(member, cert, stamp, nonce, values[SIGNATURE_HEADER], body, digest, target)


def use_nonce(caller: Caller) -> None:
    """Record the nonce of a request that is not logged (metadata); a nonce seen before raises ``Refusal``.
    A call's nonce is recorded with its request entry instead (``message_log_append(nonce=…)``)."""
    with connection.cursor() as cursor:
        if not nonce_record(cursor, caller.member.identifier, caller.nonce):
            raise replay(caller.member)


def replay(member: Member) -> Refusal:
    return Refusal(409, "replay", _("This nonce was used before: the request is a replay."), member=member)


# --- 2. authorisation ----------------------------------------------------------------------------------------

def authorise(code: str, member: Member, known: directory.Directory) -> tuple[Service, frozenset[str] | None]:
    """The live service and the union of the member's live grants on it (None: every field)."""
    service = known.service(code)
    if service is None:
        raise Refusal(404, "unknown_service", _("There is no service %(code)s on this exchange.") % {"code": code[:64]})
    if service.provider.status != MemberStatus.ACTIVE:
        raise Refusal(503, "service_unavailable", _("The provider of %(code)s is revoked.") % {"code": code},
                      service=service)
    now = timezone.now()
    live = [window for window in known.grant_windows(service, member) if window.live(now)]
    if not live:
        raise Refusal(403, "no_grant", _("%(member)s has no grant for %(code)s.") % {
            "member": member.identifier, "code": service.code}, service=service, member=member)
    if any(window.fields is None for window in live):
        return service, None
    return service, frozenset(name for window in live for name in window.fields or ())


# --- 4. forwarding -------------------------------------------------------------------------------------------

@dataclass
class ProviderAnswer:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str]
    data: Any = None  # a local handler's JSON value, not yet serialised
    has_data: bool = False


_http_client: httpx.Client | None = None


def http_client() -> httpx.Client:
    """One pooled client per process (keep-alive to providers)."""
    global _http_client
    if _http_client is None:
        _http_client = httpx.Client(follow_redirects=False, limits=httpx.Limits(max_connections=100),
                                    timeout=settings.YIWANG_EXCHANGE_PROVIDER_TIMEOUT)
    return _http_client


def forward(service: Service, caller: Caller, request: HttpRequest, path: str, message_id: str,
            allowed: frozenset[str] | None) -> ProviderAnswer:
    if service.kind == ServiceKind.LOCAL:
        handler = local_handler(service.code)
        if handler is None:
            raise Refusal(502, "provider_unavailable", _("The provider's handler is not installed."))
        local = LocalRequest(consumer=caller.member.identifier, message_id=message_id, method=request.method or "GET",
                             path=path, query={k: request.GET.getlist(k) for k in request.GET},
                             headers={k.lower(): v for k, v in request.headers.items()
                                      if k.lower() in FORWARDED_REQUEST_HEADERS},
                             body=caller.body, granted_fields=allowed,
                             consumer_organisation=caller.member.organisation)
        try:
            answer = handler(local)
        except Exception:  # a provider's bug is its own; the consumer gets a clear 502 and it is logged
            logger.exception("local provider %s failed", service.code)
            raise Refusal(502, "provider_error", _("The provider failed to answer.")) from None
        if answer.body is not None:
            return ProviderAnswer(answer.status, answer.content_type, answer.body, dict(answer.headers))
        return ProviderAnswer(answer.status, answer.content_type, b"", dict(answer.headers), answer.data, True)
    url = service.base_url.rstrip("/") + "/" + path
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    headers = {k: v for k, v in request.headers.items() if k.lower() in FORWARDED_REQUEST_HEADERS}
    headers.update({"X-Yiwang-Consumer": caller.member.identifier, MESSAGE_ID_HEADER: message_id})
    limit = settings.YIWANG_EXCHANGE_MAX_RESPONSE_BYTES
    timeout = service.timeout_seconds or settings.YIWANG_EXCHANGE_PROVIDER_TIMEOUT
    try:
        with http_client().stream(request.method or "GET", url, content=caller.body, headers=headers,
                                  timeout=timeout) as response:
            if response.status_code >= 500:
                raise Refusal(502, "provider_error", _("The provider answered with an error (HTTP %(status)d).") % {
                    "status": response.status_code}, provider_status=response.status_code)
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:  # a provider cannot flood the gateway's memory
                    raise Refusal(502, "response_too_large",
                                  _("The provider's answer is larger than %(limit)d bytes.") % {"limit": limit})
                chunks.append(chunk)
    except httpx.TimeoutException:
        raise Refusal(504, "provider_timeout", _("The provider did not answer in time.")) from None
    except httpx.HTTPError as exc:
        raise Refusal(502, "provider_unreachable", _("The provider cannot be reached."),
                      error=type(exc).__name__) from None
    return ProviderAnswer(response.status_code, response.headers.get("content-type", ""), b"".join(chunks),
                          {k: v for k, v in response.headers.items() if k.lower() in FORWARDED_RESPONSE_HEADERS})


def filtered(answer: ProviderAnswer, allowed: frozenset[str] | None) -> tuple[bytes, list[str]]:
    """The body to return and the fields removed (see fields.py); refuses an answer that cannot be filtered."""
    if allowed is None:
        if answer.has_data:
            return json.dumps(answer.data, ensure_ascii=False).encode(), []
        return answer.body, []
    if answer.has_data:
        data = answer.data
    else:
        media = answer.content_type.split(";")[0].strip().lower()
        if not answer.body:
            return b"", []
        if not (media == "application/json" or media.endswith("+json")):
            raise Refusal(502, "unfilterable_response",
                          _("The provider's answer is not JSON, so the grant's fields cannot be enforced."))
        try:
            data = json.loads(answer.body)
        except ValueError:
            raise Refusal(502, "unfilterable_response", _("The provider's answer is not valid JSON.")) from None
    kept, removed = filter_fields(data, allowed)
    return json.dumps(kept, ensure_ascii=False).encode(), sorted(removed)


# --- the whole call ------------------------------------------------------------------------------------------

def _log_refusal(refusal: Refusal, *, message_id: str, request: HttpRequest, service_code: str,
                 caller: Caller | None, request_hash: str = "") -> None:
    member = caller.member if caller is not None else refusal.details.get("member")
    service = refusal.details.get("service")
    details = {"code": refusal.code, "message": refusal.message}
    details.update({k: v for k, v in refusal.details.items() if k not in {"member", "service"}})
    try:
        _append_refusal(refusal, message_id=message_id, request=request, service_code=service_code,
                        member=member, authenticated=caller is not None, service=service, details=details,
                        request_hash=request_hash)
    except (DatabaseError, KeyStoreError):
        logger.exception("exchange: cannot log a refusal (%s)", refusal.code)


def _append_refusal(refusal: Refusal, *, message_id: str, request: HttpRequest, service_code: str,
                    member: Member | None, authenticated: bool, service: Service | None, details: dict[str, Any],
                    request_hash: str) -> None:
    message_log_append(
        kind=EntryKind.REFUSAL, message_id=message_id, outcome=refusal.code,
        consumer=member if authenticated else None,
        consumer_identifier=member.identifier if member is not None else request.headers.get(MEMBER_HEADER, "")[:200],
        provider=service.provider if service is not None else None, service_code=service_code,
        method=request.method or "", path=request.get_full_path()[:1000], status=refusal.status,
        request_hash=request_hash, details=details)


def handle(request: HttpRequest, service_code: str, path: str) -> HttpResponse:
    message_id = str(uuid.uuid4())
    started = time.perf_counter()
    caller: Caller | None = None
    try:
        known = directory.current()
        caller = authenticate(request, known)
        service, allowed = authorise(service_code, caller.member, known)
        asked = requested_fields(request.GET.getlist("fields"))
        if allowed is not None and (outside := sorted(set(asked) - allowed)):
            raise Refusal(403, "field_not_granted", _("Not granted: %(fields)s.") % {"fields": ", ".join(outside)},
                          service=service, fields=outside)
    except Refusal as refusal:
        _log_refusal(refusal, message_id=message_id, request=request, service_code=service_code, caller=caller)
        return error_response(refusal.status, refusal.code, refusal.message, message_id)
    try:
        request_entry = message_log_append(
            kind=EntryKind.REQUEST, message_id=message_id, outcome="accepted", consumer=caller.member,
            consumer_identifier=caller.member.identifier, provider=service.provider, service_code=service.code,
            method=request.method or "GET", path=caller.target, body_sha256=caller.body_sha256,
            details={"timestamp": caller.timestamp, "nonce": caller.nonce,
                     "consumer_signature": caller.signature, "consumer_cert": caller.certificate.fingerprint,
                     "fields": sorted(allowed) if allowed is not None else None,
                     **({"asked_fields": asked} if asked else {})},
            nonce=(caller.member.identifier, caller.nonce))
    except NonceUsed:
        replayed = replay(caller.member)
        _log_refusal(replayed, message_id=message_id, request=request, service_code=service_code, caller=caller)
        return error_response(replayed.status, replayed.code, replayed.message, message_id)
    except (DatabaseError, KeyStoreError):
        logger.exception("exchange: the message log cannot be written; call %s refused", message_id)
        return error_response(503, "log_unavailable",
                              _("The exchange cannot log this call now, so it is refused. Try again later."))
    try:
        answer = forward(service, caller, request, path, message_id, allowed)
        body, removed = filtered(answer, allowed)
    except Refusal as refusal:
        refusal.details["service"] = service
        _log_refusal(refusal, message_id=message_id, request=request, service_code=service_code, caller=caller,
                     request_hash=request_entry.hash)
        return error_response(refusal.status, refusal.code, refusal.message, message_id)
    try:
        response_entry = message_log_append(
            kind=EntryKind.RESPONSE, message_id=message_id, outcome="answered", consumer=caller.member,
            consumer_identifier=caller.member.identifier, provider=service.provider, service_code=service.code,
            method=request.method or "GET", path=caller.target, status=answer.status,
            body_sha256=hashlib.sha256(body).hexdigest(), request_hash=request_entry.hash,
            details={"removed_fields": removed, "ms": round((time.perf_counter() - started) * 1000, 1)})
    except (DatabaseError, KeyStoreError):
        logger.exception("exchange: the response of call %s cannot be logged; withheld", message_id)
        return error_response(503, "log_unavailable",
                              _("The exchange cannot log the answer now, so it is withheld. Try again later."),
                              message_id)
    response = HttpResponse(body, status=answer.status,
                            content_type=answer.content_type or "application/octet-stream")
    for name, value in answer.headers.items():
        if name.lower() != "content-type":
            response[name] = value
    response[MESSAGE_ID_HEADER] = message_id
    response[LOG_HASH_HEADER] = response_entry.hash
    response[RECEIPT_HEADER] = response_entry.signature
    return response
