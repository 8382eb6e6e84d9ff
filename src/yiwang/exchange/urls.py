"""Pages of exchange. Public pages live under their own path, staff pages under /workbench/exchange/."""

from django.urls import path  # noqa: F401

app_name = "exchange"
urlpatterns: list = []
