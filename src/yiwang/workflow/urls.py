"""Pages of workflow. Public pages live under their own path, staff pages under /workbench/workflow/."""

from django.urls import path  # noqa: F401

app_name = "workflow"
urlpatterns: list = []
