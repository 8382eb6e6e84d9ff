"""Second factor before anything else, and the staff idle timeout.

Installed after django-otp's ``OTPMiddleware`` (which gives ``request.user.is_verified()``), the
messages middleware and ``AuditContextMiddleware`` (so what we audit carries the client address).

- A staff member — or anyone who enrolled an authenticator — whose session has not presented the
  second factor reaches only the second-factor pages, logout, the language switch and static files.
  Pages redirect to set-up (no authenticator yet) or verification; ``/api/`` answers 401 in the API
  error shape. This covers the workbench, the Django admin and every staff page added later, because
  it is not tied to any URL list.
- A staff session idle longer than ``YIWANG_STAFF_IDLE_SECONDS`` is logged out and audited
  (``identity.user.session_timeout``), whatever ``SESSION_COOKIE_AGE`` would still allow.
- Every signed-in session notes the time of its activity, at most once per ``YIWANG_SESSION_ACTIVITY_SECONDS``
  (a minute): that write is what saves the session and renews its expiry, so both timeouts count from the first
  request of the last active minute (up to that much early), and a busy session is not written on every request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.audit.public import audit_record

from . import otp
from .models import AccountKind

LAST_ACTIVITY_SESSION_KEY = "yiwang_last_activity"


def now() -> float:
    """Seconds since the epoch; tests move this clock instead of sleeping."""
    return timezone.now().timestamp()


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def open_paths(self) -> tuple[str, ...]:
        """Path prefixes reachable before the second factor (the URLconf is loaded by the first request)."""
        otp_pages = reverse("identity:otp_verify").removesuffix("verify/")
        paths = [otp_pages, reverse("identity:logout"), reverse("set_language"), reverse("javascript-catalog"),
                 reverse("healthz"), settings.STATIC_URL or "/static/"]
        return tuple(p if p.startswith("/") else f"/{p}" for p in paths)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._idle_timeout(request) or self._second_factor(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _idle_timeout(self, request: HttpRequest) -> HttpResponse | None:
        """Log out a staff member idle too long; otherwise note the activity when the last note is stale."""
        user = request.user
        current = now()
        last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
        idle = current - last if isinstance(last, int | float) else None
        if getattr(user, "kind", None) == AccountKind.STAFF and idle is not None \
                and idle > settings.YIWANG_STAFF_IDLE_SECONDS:
            audit_record(action="identity.user.session_timeout", actor=user, details={"idle_seconds": int(idle)})
            logout(request)
            message = _("You were logged out after %(minutes)d minutes without activity. Please log in again.") % {
                "minutes": settings.YIWANG_STAFF_IDLE_SECONDS // 60}
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"code": "session_expired", "message": message}}, status=401)
            messages.info(request, message)
            return self._redirect(request, reverse(settings.LOGIN_URL))
        if idle is None or not 0 <= idle < settings.YIWANG_SESSION_ACTIVITY_SECONDS:  # stale, or a clock set back
            # Writing the key saves the session, and saving renews its expiry (SESSION_COOKIE_AGE): at most once
            # per YIWANG_SESSION_ACTIVITY_SECONDS instead of an UPDATE and a commit on every request.
            request.session[LAST_ACTIVITY_SESSION_KEY] = current
        return None

    def _second_factor(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        is_verified = getattr(user, "is_verified", None)
        if (is_verified is not None and is_verified()) or request.path.startswith(self.open_paths):
            return None
        if not otp.second_factor_required(user):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"error": {"code": "second_factor_required", "message": _(
                "Confirm your login with your second factor (authenticator app) first.")}}, status=401)
        page = "identity:otp_verify" if otp.totp_device_of(user) is not None else "identity:otp_setup"
        return self._redirect(request, reverse(page))

    @staticmethod
    def _redirect(request: HttpRequest, to: str) -> HttpResponse:
        if request.method == "GET":
            to = f"{to}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            # htmx would swap the target page into a fragment; ask it to navigate instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = to
            return response
        return HttpResponseRedirect(to)
