"""Pages of registries. Staff pages live under /workbench/registries/."""

from django.urls import path

from . import views

app_name = "registries"
urlpatterns = [
    path("workbench/registries/", views.lookup, name="lookup"),
    path("workbench/registries/people/<int:pk>/history/", views.person_history, name="person_history"),
    path("workbench/registries/legal-persons/<str:credit_code>/history/", views.legal_person_history,
         name="legal_person_history"),
]
