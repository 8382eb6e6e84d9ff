from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yiwang.identity import public as identity
from yiwang.intake import public as intake
from yiwang.notifications import public as notifications

RECENT = 5


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """The applicant's own home page: who they are, which enterprises they act for."""
    user = identity.access_own_account(user=request.user)
    return render(request, "portal/me.html", {
        "account": user, "enterprises": identity.enterprises_of(user=user),
        # The latest few of each; the full lists are one click away (/me/cases/, /me/inbox/).
        "recent_cases": list(intake.applications_of(user=user)[:RECENT]),
        "recent_messages": list(notifications.access_inbox(user=user)[:RECENT]),
        "unread": notifications.unread_count(user=user),
    })
