"""Pages of registries. Staff pages live under /workbench/registries/."""

from django.urls import path  # noqa: F401

app_name = "registries"
urlpatterns: list = []
