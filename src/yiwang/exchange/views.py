"""Pages of the exchange and the gateway's HTTP entry points (thin: the work is in gateway.py and selectors.py)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from . import gateway, selectors
from .models import Member, MessageLogEntry, Service

LOG_PAGE_SIZE = 50


def _machine_language(request: HttpRequest) -> str:
    """Member systems are machines: like /api/, the gateway follows Accept-Language (pages default to Chinese)."""
    return translation.get_language_from_request(request)


@csrf_exempt  # authenticated by the member's signature, not a cookie
def exchange_call(request: HttpRequest, service_code: str, path: str = "") -> HttpResponse:
    with translation.override(_machine_language(request)):
        return gateway.handle(request, service_code, path)


def _signed_member(request: HttpRequest) -> Member:
    """The member who signed a metadata request (same rules as a call, the nonce used once)."""
    caller = gateway.authenticate(request)
    with transaction.atomic():
        gateway.use_nonce(caller)
    return caller.member


def service_json(service: Service) -> dict[str, Any]:
    return {"code": service.code, "version": service.version, "title": service.title,
            "description": service.description, "provider": service.provider.identifier,
            "provider_name": service.provider.name, "kind": service.kind,
            "openapi_url": f"/exchange/meta/services/{service.code}/openapi.json"}


def entry_json(entry: MessageLogEntry) -> dict[str, Any]:
    return {"seq": entry.seq, "at": entry.at.isoformat(), "kind": entry.kind, "message_id": entry.message_id,
            "consumer": entry.consumer_identifier, "provider": entry.provider.identifier if entry.provider else None,
            "service": entry.service_code, "method": entry.method, "path": entry.path, "status": entry.status,
            "outcome": entry.outcome, "body_sha256": entry.body_sha256, "request_hash": entry.request_hash,
            "details": {k: v for k, v in entry.details.items() if k != "consumer_signature"},
            "hash": entry.hash, "prev_hash": entry.prev_hash, "signature": entry.signature,
            "signer": entry.signer.fingerprint}


def _meta(handler: Any) -> Any:
    @csrf_exempt
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "GET":
            return gateway.error_response(405, "method_not_allowed", "GET only.")
        with translation.override(_machine_language(request)):
            try:
                member = _signed_member(request)
                return handler(request, member, *args, **kwargs)  # type: ignore[no-any-return]
            except gateway.Refusal as refusal:
                return gateway.error_response(refusal.status, refusal.code, refusal.message)
    return view


@_meta
def meta_services(request: HttpRequest, member: Member) -> HttpResponse:
    services = Service.objects.filter(active=True).select_related("provider").order_by("code")
    return JsonResponse({"services": [service_json(s) for s in services]}, json_dumps_params={"ensure_ascii": False})


@_meta
def meta_openapi(request: HttpRequest, member: Member, code: str) -> HttpResponse:
    service = Service.objects.filter(active=True, code=code).first()
    if service is None:
        return gateway.error_response(404, "unknown_service", "No such service.")
    return JsonResponse(service.openapi, json_dumps_params={"ensure_ascii": False})


@_meta
def meta_log(request: HttpRequest, member: Member) -> HttpResponse:
    """The member's own entries, newest first; ``?before=<seq>`` pages back."""
    entries = selectors.entries_of(members=[member]).select_related("signer")
    before = request.GET.get("before", "")
    if before.isdigit():
        entries = entries.filter(seq__lt=int(before))
    page = list(entries[:LOG_PAGE_SIZE])
    return JsonResponse({"entries": [entry_json(e) for e in page],
                         "next_before": page[-1].seq if len(page) == LOG_PAGE_SIZE else None},
                        json_dumps_params={"ensure_ascii": False})


# --- staff pages (/workbench/exchange/) ----------------------------------------------------------------------

@login_required
def log_page(request: HttpRequest) -> HttpResponse:
    member_param = request.GET.get("member", "")
    member_id = int(member_param) if member_param.isdigit() else None
    members, entries = selectors.access_member_log(user=request.user, member_id=member_id)
    page = Paginator(entries, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exchange/log.html", {"members": members, "page": page, "member_id": member_id})


@login_required
def log_entry_page(request: HttpRequest, seq: int) -> HttpResponse:
    entry, same_call = selectors.access_log_entry(user=request.user, seq=seq)
    return render(request, "exchange/log_entry.html", {"entry": entry, "same_call": same_call})


@login_required
def services_page(request: HttpRequest) -> HttpResponse:
    services = selectors.access_service_directory(user=request.user)
    return render(request, "exchange/services.html", {"services": services})


@login_required
def service_page(request: HttpRequest, code: str) -> HttpResponse:
    service = selectors.access_service(user=request.user, code=code)
    document = json.dumps(service.openapi, ensure_ascii=False, indent=2)
    return render(request, "exchange/service.html", {"service": service, "document": document})


@login_required
def service_openapi(request: HttpRequest, code: str) -> HttpResponse:
    service = selectors.access_service(user=request.user, code=code)
    return JsonResponse(service.openapi, json_dumps_params={"ensure_ascii": False})
