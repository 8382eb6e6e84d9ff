from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "yiwang.workflow"
    label = "workflow"
    verbose_name = _("Collaborative handling (协同办理)")

    def ready(self) -> None:
        from . import audit_actions  # noqa: F401
