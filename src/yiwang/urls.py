from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from yiwang.api import api
from yiwang.core import views as core_views
from yiwang.identity.urls import workbench_urlpatterns

workbench = [
    path("", include((workbench_urlpatterns, "workbench"))),
    path("audit/", include("yiwang.audit.urls")),
    path("calendar/", include("yiwang.core.urls")),
]

urlpatterns = [
    path("", include("yiwang.portal.urls")),
    path("accounts/", include("yiwang.identity.urls")),
    path("workbench/", include(workbench)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/", api.urls),
    path("oidc/", include("yiwang.sso.urls")),  # OpenID Connect provider (docs/identity.md)
    # Each of these apps names its own paths: public pages at the top, staff pages under /workbench/<app>/.
    path("", include("yiwang.notifications.urls")),
    path("", include("yiwang.catalog.urls")),
    path("", include("yiwang.workflow.urls")),
    path("", include("yiwang.intake.urls")),
    path("", include("yiwang.exchange.urls")),
    path("", include("yiwang.registries.urls")),
    path("", include("yiwang.sharing.urls")),
    path("", include("yiwang.supervision.urls")),
    path("admin/", admin.site.urls),
    path("healthz", core_views.healthz, name="healthz"),
]

handler403 = "yiwang.core.views.permission_denied"
handler404 = "yiwang.core.views.page_not_found"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
