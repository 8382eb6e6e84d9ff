"""Sending notices and marking them read.

The inbox copy is written in the caller's transaction, with one :class:`Delivery` row per other channel and an
event on the bus (``notifications.notification.queued``, through the transactional outbox): a rolled-back case
sends nothing, and the request that caused the notice never waits for a mail server or an SMS gateway. The
events worker (``yiwang events work``) carries the deliveries (:func:`on_notification_queued`), each channel on
its own, so one failing channel neither loses the inbox copy nor stops the others. Failures are logged and kept
on the :class:`Delivery` row; ``yiwang notifications retry`` tries them again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.audit.public import audit_record
from yiwang.core.public import ValidationFailed
from yiwang.events.public import Event, event_publish

from . import backends
from .models import Delivery, DeliveryStatus, Notification

logger = logging.getLogger("yiwang.notifications")

QUEUED_TOPIC = "notifications.notification.queued"  # an event per notice with e-mail or SMS copies to send


def default_channels() -> list[str]:
    return list(getattr(settings, "YIWANG_NOTIFICATION_DEFAULT_CHANNELS", [backends.INBOX]))


def notification_send(*, recipient: Any, subject: str, body: str, url: str = "", kind: str = "",
                      channels: Sequence[str] | None = None) -> Notification:
    """Put a notice in ``recipient``'s site inbox and queue it for the other ``channels`` (sent by the events worker).

    ``channels`` defaults to ``YIWANG_NOTIFICATION_DEFAULT_CHANNELS``; the inbox is always included. A channel
    that is not configured, or on which the recipient has no address, is recorded as skipped, not refused: the
    notice still reaches the inbox, and only the copies that can go out are queued.
    """
    errors: dict[str, list[str]] = {}
    subject = (subject or "").strip()
    if recipient is None or getattr(recipient, "pk", None) is None:
        errors.setdefault("recipient", []).append(_("A notice needs a recipient."))
    if not subject or len(subject) > 200:
        errors.setdefault("subject", []).append(_("Give the notice a subject of at most 200 characters."))
    if not (body or "").strip():
        errors.setdefault("body", []).append(_("A notice needs a text."))
    if len(url) > 500 or (url and not url.startswith(("/", "https://", "http://"))):
        errors.setdefault("url", []).append(_("The link must be a path on this site or a web address."))
    wanted = list(dict.fromkeys(default_channels() if channels is None else channels))
    unknown = [c for c in wanted if c not in backends.known_channels() | set(backends.DEFAULT_BACKENDS)]
    if unknown:
        errors.setdefault("channels", []).append(_("Unknown channel: %(names)s.") % {"names": ", ".join(unknown)})
    if errors:
        raise ValidationFailed(_("The notice cannot be sent."), field_errors=errors)
    with transaction.atomic(savepoint=False):  # no savepoint round trips inside the caller's transaction
        notification = Notification.objects.create(recipient=recipient, subject=subject, body=body.strip(), url=url,
                                                   kind=kind[:60])
        outward = [c for c in wanted if c != backends.INBOX]
        deliveries = []
        for channel in outward:
            # a copy that cannot go anywhere is recorded as skipped now, not queued for the worker to find out
            backend = backends.get_backend(channel)
            reason = "channel not configured" if backend is None else backend.unreachable(recipient)
            deliveries.append(Delivery(notification=notification, channel=channel, error=reason,
                                       status=DeliveryStatus.SKIPPED if reason else DeliveryStatus.PENDING))
        Delivery.objects.bulk_create(deliveries)
        audit_record(action="notifications.notification.send", obj=notification,
                     details={"recipient": recipient.pk, "kind": kind, "channels": [backends.INBOX, *outward]})
        if any(d.status == DeliveryStatus.PENDING for d in deliveries):
            event_publish(topic=QUEUED_TOPIC, payload={"notification_id": notification.pk},
                          key=f"notifications.notification:{notification.pk}")
    return notification


def on_notification_queued(event: Event) -> None:
    """The events consumer ``notifications.deliver``: carry the queued notification's pending deliveries.

    It runs in the worker's transaction with the consumer's dedup row, so a redelivered event finds the
    deliveries already sent. A worker that dies between a send and its commit sends that notice again when the
    event is redelivered: e-mail and SMS are at least once.
    """
    deliver_pending(notification_id=int(event.payload["notification_id"]))


def deliver_pending(*, notification_id: int) -> int:
    """Carry one notification's pending deliveries; returns how many were sent. Never raises for a channel."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None:
        return 0
    sent = 0
    for delivery in Delivery.objects.filter(notification=notification, status=DeliveryStatus.PENDING):
        if _deliver_one(notification, delivery):
            sent += 1
    return sent


def _deliver_one(notification: Notification, delivery: Delivery) -> bool:
    backend = backends.get_backend(delivery.channel)
    delivery.attempts += 1
    delivery.attempted_at = timezone.now()
    try:
        if backend is None:
            raise backends.NoAddress("channel not configured")
        backend.deliver(recipient=notification.recipient, subject=notification.subject, body=notification.body,
                        url=notification.url)
    except backends.NoAddress as exc:
        delivery.status, delivery.error = DeliveryStatus.SKIPPED, str(exc)[:300]
    except Exception as exc:  # any channel failure: keep the inbox copy, log, record, move on
        logger.warning("notification %s: %s delivery failed: %s", notification.pk, delivery.channel, exc)
        delivery.status, delivery.error = DeliveryStatus.FAILED, str(exc)[:300] or type(exc).__name__
    else:
        delivery.status, delivery.error = DeliveryStatus.SENT, ""
    delivery.save(update_fields=["status", "error", "attempts", "attempted_at"])
    return delivery.status == DeliveryStatus.SENT


def deliveries_retry(*, limit: int = 500) -> int:
    """Try failed deliveries again (``yiwang notifications retry``); returns how many went out.

    Pending ones are left to the events worker, whose event for them is delivered at least once: retrying them
    here too would race it and send a notice twice.
    """
    ids = list(Delivery.objects.filter(status=DeliveryStatus.FAILED)
               .order_by("pk").values_list("notification_id", flat=True).distinct()[:limit])
    sent = 0
    for notification_id in ids:
        Delivery.objects.filter(notification_id=notification_id, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING)
        sent += deliver_pending(notification_id=notification_id)
    return sent


@transaction.atomic
def notifications_mark_read(*, user: Any, ids: Sequence[int] | None = None) -> int:
    """Mark the user's own notices read (all unread ones when ``ids`` is None); returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    changed_ids = list(unread.values_list("pk", flat=True))
    if not changed_ids:
        return 0
    Notification.objects.filter(pk__in=changed_ids).update(read_at=timezone.now())
    audit_record(action="notifications.notification.read", actor=user, details={"ids": changed_ids[:100],
                                                                                  "count": len(changed_ids)})
    return len(changed_ids)
