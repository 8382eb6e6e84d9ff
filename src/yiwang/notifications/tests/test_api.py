import pytest
from django.test import Client

from yiwang.notifications.public import notification_send, unread_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(citizen):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(citizen)
    return client


def test_inbox_unread_count_and_mark_read(api, citizen, tax_handler):
    first = notification_send(recipient=citizen, subject="one", body="b", channels=["inbox"])
    notification_send(recipient=citizen, subject="two", body="b", channels=["inbox"])
    notification_send(recipient=tax_handler, subject="not yours", body="b", channels=["inbox"])
    listed = api.get("/api/v1/notifications").json()
    assert [n["subject"] for n in listed] == ["two", "one"] and listed[0]["read"] is False
    assert api.get("/api/v1/notifications/unread-count").json() == {"unread": 2}
    response = api.post("/api/v1/notifications/read", {"ids": [first.pk]}, content_type="application/json")
    assert response.json() == {"unread": 1}
    assert [n["subject"] for n in api.get("/api/v1/notifications?unread_only=true").json()] == ["two"]
    assert api.post("/api/v1/notifications/read", {}, content_type="application/json").json() == {"unread": 0}
    assert unread_count(user=tax_handler) == 1


def test_anonymous_callers_are_refused():
    assert Client().get("/api/v1/notifications").status_code == 401
