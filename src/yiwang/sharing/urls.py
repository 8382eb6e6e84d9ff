from django.urls import path

from . import views

app_name = "sharing"

urlpatterns: list = [
    path("workbench/sharing/", views.catalogue, name="catalogue"),
    path("workbench/sharing/resources/new/", views.resource_edit, name="resource_new"),
    path("workbench/sharing/resources/<int:pk>/", views.resource_detail, name="resource"),
    path("workbench/sharing/resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("workbench/sharing/resources/<int:pk>/status/", views.resource_status, name="resource_status"),
    path("workbench/sharing/resources/<int:pk>/request/", views.request_new, name="request_new"),
    path("workbench/sharing/requests/to-answer/", views.to_answer, name="to_answer"),
    path("workbench/sharing/requests/mine/", views.mine, name="mine"),
    path("workbench/sharing/requests/<int:pk>/", views.request_detail, name="request"),
    path("workbench/sharing/disputes/", views.dispute_list, name="disputes"),
    path("workbench/sharing/use/", views.usage, name="usage"),
]
