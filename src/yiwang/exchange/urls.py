"""Exchange: the gateway at /exchange/v1/<service code>/<path> and signed metadata at /exchange/meta/ (for member
systems), staff pages under /workbench/exchange/."""

from django.urls import path, re_path

from . import views

app_name = "exchange"
urlpatterns = [
    re_path(r"^exchange/v1/(?P<service_code>[a-z0-9][a-z0-9.-]{1,63})/(?P<path>.*)$", views.exchange_call,
            name="call"),
    path("exchange/meta/services", views.meta_services, name="meta_services"),
    path("exchange/meta/services/<str:code>/openapi.json", views.meta_openapi, name="meta_openapi"),
    path("exchange/meta/log", views.meta_log, name="meta_log"),
    path("workbench/exchange/", views.log_page, name="log"),
    path("workbench/exchange/log/<int:seq>/", views.log_entry_page, name="log_entry"),
    path("workbench/exchange/services/", views.services_page, name="services"),
    path("workbench/exchange/services/<str:code>/", views.service_page, name="service"),
    path("workbench/exchange/services/<str:code>/openapi.json", views.service_openapi, name="service_openapi"),
]
