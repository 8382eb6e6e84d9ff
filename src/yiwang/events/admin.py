"""Read-only admin views of the event bus; dead letters can be re-queued from the delivery list."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Delivery, DeliveryStatus, OutboxMessage, ProcessedMessage
from .services import dead_letter_requeue


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("published_at", "topic", "key", "sent_at", "id")
    list_filter = ("topic",)
    search_fields = ("=id", "topic", "key")
    date_hierarchy = "published_at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("consumer", "message", "status", "attempts", "available_at", "dead_at")
    list_filter = ("status", "consumer")
    search_fields = ("=message__id", "consumer", "last_error")
    list_select_related = ("message",)
    actions = ["requeue"]

    @admin.action(description=_("Re-queue the selected dead letters"))
    def requeue(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = 0
        for delivery in queryset.filter(status=DeliveryStatus.DEAD):
            count += dead_letter_requeue(consumer=delivery.consumer, message_id=str(delivery.message_id),
                                         actor=request.user)
        self.message_user(request, ngettext("%(n)d dead letter re-queued.", "%(n)d dead letters re-queued.",
                                            count) % {"n": count}, messages.SUCCESS)


@admin.register(ProcessedMessage)
class ProcessedMessageAdmin(ReadOnlyAdmin):
    list_display = ("consumer", "message_id", "processed_at")
    list_filter = ("consumer",)
    search_fields = ("=message_id", "consumer")
