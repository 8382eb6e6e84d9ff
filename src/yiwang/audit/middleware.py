from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import RequestContext, current


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current.set(RequestContext(client_ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            current.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    # The same resolver django-axes uses: behind a proxy, production settings make it read
    # X-Forwarded-For (AXES_IPWARE_*); otherwise REMOTE_ADDR.
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR")
