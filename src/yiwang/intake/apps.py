from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "yiwang.intake"
    label = "intake"
    verbose_name = _("One-window intake (一口受理)")

    def ready(self) -> None:
        from yiwang.workflow.public import register_subject_type

        from . import audit_actions, demo, signals  # noqa: F401
        from .models import SUBJECT_PREFIX
        from .subjects import describe

        register_subject_type(SUBJECT_PREFIX, describe=describe)
        demo.register()
