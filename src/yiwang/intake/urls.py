"""Pages of intake. Public pages live under their own path, staff pages under /workbench/intake/."""

from django.urls import path  # noqa: F401

app_name = "intake"
urlpatterns: list = []
