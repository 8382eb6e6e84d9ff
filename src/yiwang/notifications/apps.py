from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "yiwang.notifications"
    label = "notifications"
    verbose_name = _("Notifications (消息通知)")

    def ready(self) -> None:
        from . import audit_actions  # noqa: F401
        menus()
        consumers()


def consumers() -> None:
    from yiwang.events.public import register_consumer

    from .services import QUEUED_TOPIC, on_notification_queued

    register_consumer("notifications.deliver", topics=[QUEUED_TOPIC], handler=on_notification_queued)


def menus() -> None:
    from yiwang.core.public import MenuItem, register_menu_item

    from .selectors import unread_count

    register_menu_item("portal", MenuItem(key="inbox", label=_("Messages"), url_name="notifications:inbox",
                                          visible=lambda user: user.is_authenticated,
                                          badge=lambda user: unread_count(user=user), order=30))
