"""The citizen's account page (SPEC §3.1, issue part 6): profile, identity assurance level and how it was
reached, linked enterprises, live sessions, authorised applications and login history."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yiwang.identity import public as identity
from yiwang.sso import public as sso


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = identity.access_own_account(user=request.user)
    context: dict[str, Any] = {
        "account": user,
        "assurance_history": identity.assurance_history_of(user=user)[:20],
        "agencies": identity.agencies_of(user=user),
        "sessions": identity.sessions_of(user=user, current_session_key=request.session.session_key),
        "login_history": identity.login_history_of(user=user),
        # Withdrawal posts to the sso app's own view, which checks ownership and audits.
        "authorised_apps": sso.authorised_apps_for(user=user),
    }
    return render(request, "portal/account.html", context)
