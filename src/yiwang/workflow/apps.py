from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "yiwang.workflow"
    label = "workflow"
    verbose_name = _("Collaborative handling (协同办理)")

    def ready(self) -> None:
        from yiwang.core.public import clocks_moved

        from . import audit_actions  # noqa: F401
        from .services import task_due_dates_follow

        clocks_moved.connect(task_due_dates_follow, dispatch_uid="workflow.task_due_dates_follow")
        menus()
        clocks()


def clocks() -> None:
    """E-supervision watches each department task's clock (docs/supervision.md)."""
    from yiwang.supervision.public import ClockKind, register_clock_kind

    from .models import DepartmentTask
    from .registry import describe_subjects

    def case_numbers(subjects: list[str]) -> dict[str, str]:
        """A task's subject ("intake.application:42") as staff quote it (the case number)."""
        return {subject: info.reference for subject, info in describe_subjects(subjects).items()}

    register_clock_kind(ClockKind(key="workflow.task", label=_("Department task"), model=DepartmentTask,
                                  organisation="organisation", user="assignee", reference="instance__subject",
                                  references=case_numbers, label_field="name",
                                  url=lambda pk: f"/workbench/workflow/tasks/{pk}/"))


def menus() -> None:
    from yiwang.core.public import MenuItem, register_menu_item
    from yiwang.identity.public import roles_of

    from .selectors import open_task_count

    register_menu_item("workbench", MenuItem(
        key="worklist", label=_("Worklist"), url_name="workflow:worklist",
        visible=lambda user: bool(roles_of(user)), badge=lambda user: open_task_count(user=user), order=10))
