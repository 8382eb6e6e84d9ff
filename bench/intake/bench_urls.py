"""The benchmark's URLconf: all of yiwang, plus ``/bench/baseline/`` — a plain Django view that inserts one row.

Not product code: only ``bench/intake/run.py`` serves it (``bench_settings``). The baseline goes through the same
middleware as the API (session, CSRF, authentication, second factor, audit context …) and the same database
connection settings; what it does not do is everything a submission or a task completion does on top.
"""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from yiwang.urls import urlpatterns as yiwang_urlpatterns

TABLE = "bench_intake_baseline"  # created by run.py


@require_POST
def baseline(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "log in first"}, status=401)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (user_id, body, created_at) VALUES (%s, %s, now()) RETURNING id",  # noqa: S608
                       [request.user.pk, request.body.decode()[:1000]])
        (pk,) = cursor.fetchone()
    return JsonResponse({"id": pk}, status=201)


urlpatterns = [path("bench/baseline/", baseline), *yiwang_urlpatterns]
