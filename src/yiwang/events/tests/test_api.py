"""The event bus API: queue state and dead letters, for platform administrators only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from yiwang.audit.models import AuditRecord
from yiwang.conftest import staff_login
from yiwang.events.models import Delivery, DeliveryStatus
from yiwang.events.public import event_publish

from .conftest import relay

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/api/v1/events/queues", "/api/v1/events/dead-letters"]


@pytest.fixture
def queued(make_consumer):
    make_consumer("test.api", ["a.#"])
    event_publish(topic="a.b", payload={})
    dead_id = event_publish(topic="a.c", payload={}, key="k:1")
    relay()
    Delivery.objects.filter(message__pk=dead_id).update(status=DeliveryStatus.DEAD, attempts=8,
                                                       last_error="ValueError: boom", dead_at=timezone.now())
    return dead_id


def test_a_platform_admin_sees_each_consumers_queue(platform_admin, queued):
    client = staff_login(Client(), platform_admin)
    body = client.get("/api/v1/events/queues").json()
    [state] = [s for s in body if s["consumer"] == "test.api"]
    assert (state["pending"], state["retrying"], state["dead_lettered"]) == (1, 0, 1)
    assert state["topics"] == ["a.#"] and state["registered"] is True
    assert state["lag_seconds"] >= 0


def test_a_platform_admin_sees_dead_letters_with_their_error(platform_admin, queued):
    client = staff_login(Client(), platform_admin)
    body = client.get("/api/v1/events/dead-letters", {"consumer": "test.api"}).json()
    assert [(d["message_id"], d["topic"], d["key"], d["attempts"], d["last_error"]) for d in body] == [
        (queued, "a.c", "k:1", 8, "ValueError: boom")]
    assert client.get("/api/v1/events/dead-letters", {"consumer": "other"}).json() == []


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("persona", ["citizen", "tax_handler"])
def test_everyone_else_is_refused_and_the_refusal_is_audited(request, persona, endpoint, queued):
    user = request.getfixturevalue(persona)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if persona == "citizen":
        client.force_login(user)
    else:
        staff_login(client, user)
    response = client.get(endpoint)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "a.c" not in response.content.decode()
    denial = AuditRecord.objects.get(action="audit.access.denied")
    assert denial.actor == user and denial.details["what"].startswith("events.")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_callers_must_log_in(endpoint, queued):
    response = Client().get(endpoint)
    assert response.status_code == 401
