import pytest
from django.test import Client

from yiwang.conftest import english_client
from yiwang.notifications.public import notification_send, unread_count

pytestmark = pytest.mark.django_db


def test_inbox_needs_login():
    response = Client().get("/me/inbox/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_inbox_lists_only_own_notices_and_marks_read(citizen, make_staff, tax):
    other = make_staff(tax, "handler")
    notification_send(recipient=citizen, subject="Your case was accepted", body="Details", url="/me/cases/",
                      channels=["inbox"])
    notification_send(recipient=other, subject="Someone else's notice", body="x", channels=["inbox"])
    client = english_client()
    client.force_login(citizen)
    page = client.get("/me/inbox/").content.decode()
    assert "Your case was accepted" in page
    assert "Someone else&#x27;s notice" not in page and "Someone else's notice" not in page
    assert "You have 1 unread notice." in page
    response = client.post("/me/inbox/read/")
    assert response.status_code == 302
    assert unread_count(user=citizen) == 0
    assert unread_count(user=other) == 1



def test_the_context_processor_counts_lazily(citizen):
    from django.test import RequestFactory

    from yiwang.notifications.context_processors import inbox

    request = RequestFactory().get("/")
    request.user = citizen
    badge = inbox(request)["unread_notifications"]
    notification_send(recipient=citizen, subject="a", body="b", channels=["inbox"])
    assert badge() == 1
