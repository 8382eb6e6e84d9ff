from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "yiwang.events"
    label = "events"
    verbose_name = _("Event bus (事件总线)")

    def ready(self) -> None:
        from . import audit_actions  # noqa: F401
