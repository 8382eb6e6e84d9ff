"""Workbench pages of core (the official calendar). Mounted under /workbench/calendar/."""

from django.urls import path

app_name = "core"

urlpatterns: list = []
