from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .registry import all_actions
from .selectors import audit_records_for


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "")[:100]
    records = audit_records_for(user=request.user, action_prefix=action)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page, "action": action, "actions": all_actions()})
