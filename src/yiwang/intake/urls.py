"""Pages of intake: applying and following one's cases at the top level, staff pages under /workbench/intake/."""

from django.urls import path

from . import views
from .models import Channel

app_name = "intake"
urlpatterns = [
    path("matters/<str:code>/apply/", views.apply, name="apply"),
    path("me/cases/", views.my_cases, name="my_cases"),
    path("me/cases/<str:number>/", views.my_case, name="my_case"),
    path("me/cases/<str:number>/receipt/", views.my_receipt, name="my_receipt"),
    path("me/cases/<str:number>/supplement/", views.supplement, name="supplement"),
    path("me/cases/<str:number>/withdraw/", views.withdraw, name="withdraw"),
    path("me/materials/<int:pk>/", views.material, name="my_material"),
    path("cases/<str:number>/status/", views.status, name="status"),
    path("workbench/intake/counter/", views.take_in, {"channel": Channel.COUNTER}, name="counter"),
    path("workbench/intake/hotline/", views.take_in, {"channel": Channel.HOTLINE}, name="hotline"),
    path("workbench/intake/taken-in/", views.taken_in, name="taken_in"),
    path("workbench/intake/cases/<int:pk>/", views.staff_case, name="staff_case"),
    path("workbench/intake/cases/<int:pk>/receipt/", views.staff_receipt, name="staff_receipt"),
    path("workbench/intake/cases/<int:pk>/supplement/", views.staff_supplement_request, name="staff_supplement"),
    path("workbench/intake/cases/<int:pk>/supplement-answer/", views.staff_supplement_answer,
         name="staff_supplement_answer"),
    path("workbench/intake/cases/<int:pk>/decide/", views.staff_decide, name="staff_decide"),
    path("workbench/intake/materials/<int:pk>/", views.material, name="material"),
]
