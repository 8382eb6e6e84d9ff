"""The admin: read-only lists; a platform administrator re-queues dead letters from the delivery list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from yiwang.audit.models import AuditRecord
from yiwang.conftest import staff_login
from yiwang.events.models import Delivery, DeliveryStatus
from yiwang.events.public import event_publish

pytestmark = pytest.mark.django_db


def test_a_platform_admin_requeues_a_dead_letter_from_the_admin(platform_admin):
    message_id = event_publish(topic="a.b", payload={})
    dead = Delivery.objects.create(message_id=message_id, consumer="test.admin", status=DeliveryStatus.DEAD,
                                   attempts=8, last_error="boom", dead_at=timezone.now())
    client = staff_login(Client(), platform_admin)
    assert client.get("/admin/events/delivery/").status_code == 200
    assert client.get("/admin/events/outboxmessage/").status_code == 200

    response = client.post("/admin/events/delivery/", {"action": "requeue", "_selected_action": [dead.pk]})

    assert response.status_code == 302
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == (DeliveryStatus.PENDING, 0)
    assert AuditRecord.objects.get(action="events.delivery.requeue").actor == platform_admin
    assert client.get(f"/admin/events/delivery/{dead.pk}/change/").status_code == 200  # view only
    assert client.post(f"/admin/events/delivery/{dead.pk}/delete/", {"post": "yes"}).status_code == 403
