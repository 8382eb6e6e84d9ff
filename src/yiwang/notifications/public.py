"""Notifications' public surface: the only module other apps import from ``yiwang.notifications``."""

from .backends import ChannelBackend, DeliveryError, NoAddress
from .models import Delivery, DeliveryStatus, Notification
from .selectors import access_inbox, notifications_about, unread_count
from .services import notification_send

__all__ = [
    "ChannelBackend", "Delivery", "DeliveryError", "DeliveryStatus", "NoAddress", "Notification",
    "access_inbox", "notification_send", "notifications_about", "unread_count",
]
