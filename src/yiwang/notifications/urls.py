"""Pages of notifications. Public pages live under their own path, staff pages under /workbench/notifications/."""

from django.urls import path  # noqa: F401

app_name = "notifications"
urlpatterns: list = []
