"""Pages of catalog: the public catalogue under /matters/, administration under /workbench/catalog/.

/matters/<code>/apply/ belongs to the intake app (it is linked from every guide page).
"""

from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("matters/", views.catalogue, name="catalogue"),
    path("matters/<str:code>/", views.guide, name="guide"),
    path("workbench/catalog/", views.admin_list, name="admin_list"),
    path("workbench/catalog/life-events/", views.admin_life_events, name="admin_life_events"),
    path("workbench/catalog/new/", views.admin_matter_new, name="admin_matter_new"),
    path("workbench/catalog/matters/<str:code>/", views.admin_matter, name="admin_matter"),
    path("workbench/catalog/matters/<str:code>/draft/", views.admin_draft_new, name="admin_draft_new"),
    path("workbench/catalog/versions/<int:pk>/", views.admin_version, name="admin_version"),
    path("workbench/catalog/versions/<int:pk>/guide/", views.admin_guide_edit, name="admin_guide_edit"),
    path("workbench/catalog/versions/<int:pk>/materials/", views.admin_materials_edit, name="admin_materials_edit"),
    path("workbench/catalog/versions/<int:pk>/process/", views.admin_process_upload, name="admin_process_upload"),
    path("workbench/catalog/versions/<int:pk>/publish/", views.admin_publish, name="admin_publish"),
    path("workbench/catalog/versions/<int:pk>/retire/", views.admin_retire, name="admin_retire"),
]
