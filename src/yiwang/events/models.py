"""The outbox, the per-consumer deliveries (the database queue and every dead letter) and the dedup ledger."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One published event, written in the publisher's transaction (the transactional outbox).

    ``sent_at`` is set when the message has left the outbox: at once for the database transport (which
    fans it out into :class:`Delivery` rows in the same transaction), and only after the broker confirmed
    it for the RabbitMQ transport.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.CharField(_("topic"), max_length=200, db_index=True)
    key = models.CharField(_("key"), max_length=200, blank=True)
    payload = models.JSONField(_("payload"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # The relay's work list: unsent rows, oldest first.
            models.Index(fields=["published_at"], name="events_outbox_unsent",
                         condition=Q(sent_at__isnull=True)),
            models.Index(fields=["published_at"], name="events_outbox_published"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DEAD = "dead", _("dead-lettered")


class Delivery(models.Model):
    """A message owed to one consumer.

    With the database transport every delivery lives here until the consumer applied it (then the row is
    deleted in the handler's transaction). With a broker, messages travel through the broker and a row
    appears only when a handler failed: the retries then run from here, and after the last attempt the row
    stays as a dead letter (``status=dead``) until an operator re-queues it.
    """

    message = models.ForeignKey(OutboxMessage, on_delete=models.PROTECT, related_name="deliveries",
                                verbose_name=_("message"))
    consumer = models.CharField(_("consumer"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    available_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    dead_at = models.DateTimeField(_("dead-lettered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["consumer", "message"], name="events_delivery_once_per_consumer"),
        ]
        indexes = [
            models.Index(fields=["consumer", "status", "available_at", "id"], name="events_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.consumer} ← {self.message_id} ({self.status})"


class ProcessedMessage(models.Model):
    """The consumer-dedup ledger: a row per (consumer, message) applied, written in the handler's transaction.

    A redelivered message finds its row and is skipped, so at-least-once delivery applies its effect once.
    """

    consumer = models.CharField(_("consumer"), max_length=100)
    message_id = models.UUIDField(_("message"))
    processed_at = models.DateTimeField(_("processed at"), default=timezone.now)

    class Meta:
        verbose_name = _("processed message")
        verbose_name_plural = _("processed messages")
        constraints = [
            models.UniqueConstraint(fields=["consumer", "message_id"], name="events_processed_once"),
        ]
        indexes = [models.Index(fields=["consumer", "processed_at"], name="events_processed_recent")]

    def __str__(self) -> str:
        return f"{self.consumer} ✓ {self.message_id}"
