"""Workbench pages of core (the official calendar). Mounted under /workbench/calendar/."""

from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.calendar_admin, name="calendar"),
    path("import/", views.calendar_import, name="calendar_import"),
]
