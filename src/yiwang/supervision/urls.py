"""Pages of supervision: staff under /workbench/supervision/, the public page and portal forms under /supervision/."""

from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("workbench/supervision/", views.dashboard, name="dashboard"),
    path("workbench/supervision/departments/<int:pk>/", views.department, name="department"),
    path("workbench/supervision/cards/", views.cards, name="cards"),
    path("workbench/supervision/work/", views.work, name="work"),
    path("workbench/supervision/notices/", views.notice_issue, name="notice_issue"),
    path("workbench/supervision/notices/<int:pk>/reply/", views.notice_reply, name="notice_reply"),
    path("workbench/supervision/rectifications/<int:pk>/", views.rectification, name="rectification"),
    path("workbench/supervision/complaints/<int:pk>/close/", views.complaint_close, name="complaint_close"),
    path("workbench/supervision/ratings/<int:pk>/appeal/", views.rating_appeal, name="rating_appeal"),
    path("workbench/supervision/ratings/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("supervision/", views.public, name="public"),
    path("supervision/complaints/new/", views.complain, name="complain"),
    path("supervision/rate/<str:number>/", views.rate, name="rate"),
]
