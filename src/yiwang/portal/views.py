from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yiwang.identity import public as identity


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """The applicant's own home page: who they are, which enterprises they act for."""
    user = identity.access_own_account(user=request.user)
    return render(request, "portal/me.html", {"account": user, "enterprises": identity.enterprises_of(user=user)})
