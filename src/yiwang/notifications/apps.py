from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "yiwang.notifications"
    label = "notifications"
    verbose_name = _("Notifications (消息通知)")

    def ready(self) -> None:
        from . import audit_actions  # noqa: F401
