"""Pages of catalog. Public pages live under their own path, staff pages under /workbench/catalog/."""

from django.urls import path  # noqa: F401

app_name = "catalog"
urlpatterns: list = []
