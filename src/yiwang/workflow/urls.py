"""Pages of workflow: staff pages under /workbench/workflow/ (there are no public ones)."""

from django.urls import path

from . import views

app_name = "workflow"
urlpatterns = [
    path("workbench/workflow/", views.worklist, name="worklist"),
    path("workbench/workflow/tasks/<int:pk>/", views.task_detail, name="task"),
    path("workbench/workflow/tasks/<int:pk>/claim/", views.task_claim, name="task_claim"),
    path("workbench/workflow/tasks/<int:pk>/decide/", views.task_decide, name="task_decide"),
    path("workbench/workflow/tasks/<int:pk>/transfer/", views.task_transfer, name="task_transfer"),
    path("workbench/workflow/tasks/<int:pk>/countersign/", views.task_countersign, name="task_countersign"),
    path("workbench/workflow/countersigns/<int:pk>/answer/", views.countersign_answer, name="countersign_answer"),
]
