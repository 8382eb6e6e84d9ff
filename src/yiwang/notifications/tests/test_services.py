from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from yiwang.audit.public import AuditRecord
from yiwang.core.public import ValidationFailed
from yiwang.events.models import OutboxMessage
from yiwang.identity.sms.console import ConsoleBackend
from yiwang.notifications.backends.base import ChannelBackend, DeliveryError
from yiwang.notifications.models import Delivery, DeliveryStatus, Notification
from yiwang.notifications.public import notification_send, unread_count
from yiwang.notifications.services import deliver_pending, deliveries_retry, notifications_mark_read

pytestmark = pytest.mark.django_db

FAILS: list[str] = []


class BrokenChannel(ChannelBackend):
    def deliver(self, *, recipient, subject, body, url):
        FAILS.append(subject)
        raise DeliveryError("gateway down")


@pytest.fixture
def person(citizen):
    citizen.email = "zhangsan@example.cn"
    citizen.save()
    return citizen


def work() -> None:
    """What the events worker does for this app: relay the outbox, carry the queued notifications."""
    call_command("events", "work", "--once", "--consumer", "notifications.deliver", stderr=StringIO())


def queued() -> list[dict]:
    return list(OutboxMessage.objects.filter(topic="notifications.notification.queued").values_list("payload",
                                                                                                   flat=True))


def test_inbox_copy_at_once_email_and_sms_by_the_events_worker(person):
    n = notification_send(recipient=person, subject="Case PD1 accepted", body="Your case was accepted.",
                          url="/me/cases/PD1/", kind="intake.accepted", channels=["inbox", "email", "sms"])
    assert Notification.objects.get(pk=n.pk).recipient == person
    assert unread_count(user=person) == 1
    assert len(mail.outbox) == 0  # the request that caused the notice does not wait for a mail server
    assert set(n.deliveries.values_list("channel", "status")) == {("email", "pending"), ("sms", "pending")}
    assert queued() == [{"notification_id": n.pk}]
    work()
    assert [m.to for m in mail.outbox] == [["zhangsan@example.cn"]]
    assert mail.outbox[0].subject == "Case PD1 accepted"
    assert "http://localhost:8000/me/cases/PD1/" in mail.outbox[0].body
    texted = ConsoleBackend.last_to("13800138000")
    assert texted is not None and texted.message.startswith("Case PD1 accepted")
    assert set(n.deliveries.values_list("channel", "status")) == {("email", "sent"), ("sms", "sent")}
    assert AuditRecord.objects.filter(action="notifications.notification.send", object_id=str(n.pk)).exists()
    work()  # nothing is due any more: nothing goes out twice
    assert deliver_pending(notification_id=n.pk) == 0
    assert len(mail.outbox) == 1


def test_inbox_only_queues_nothing(person):
    notification_send(recipient=person, subject="s", body="b", channels=["inbox"])
    assert queued() == []


def test_rollback_sends_nothing(person):
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_send(recipient=person, subject="s", body="b", channels=["email"])
        raise RuntimeError
    work()
    assert mail.outbox == []
    assert not Notification.objects.exists()
    assert queued() == []


@override_settings(YIWANG_NOTIFICATION_BACKENDS={"email": "yiwang.notifications.tests.test_services.BrokenChannel"})
def test_failing_channel_keeps_the_inbox_copy_and_records_the_failure(person, caplog):
    FAILS.clear()
    n = notification_send(recipient=person, subject="Broken", body="b", channels=["email", "sms"])
    work()
    assert Notification.objects.filter(pk=n.pk).exists()
    email = n.deliveries.get(channel="email")
    assert (email.status, email.error, email.attempts) == (DeliveryStatus.FAILED, "gateway down", 1)
    assert n.deliveries.get(channel="sms").status == DeliveryStatus.SKIPPED  # sms switched off here
    assert "delivery failed" in caplog.text
    assert unread_count(user=person) == 1
    work()  # the event was consumed: a failed channel waits for `yiwang notifications retry`, not the bus
    assert FAILS == ["Broken"]


def test_retry_sends_failed_deliveries(person):
    n = notification_send(recipient=person, subject="Retry me", body="b", channels=["email"])
    Delivery.objects.filter(notification=n).update(status=DeliveryStatus.FAILED, error="earlier failure")
    assert deliveries_retry() == 1
    assert n.deliveries.get().status == DeliveryStatus.SENT
    assert mail.outbox[-1].subject == "Retry me"


def test_no_address_is_skipped_not_failed_and_not_queued(citizen):
    n = notification_send(recipient=citizen, subject="s", body="b", channels=["email"])
    assert queued() == []  # nothing for the worker to do
    d = n.deliveries.get()
    assert (d.status, d.error) == (DeliveryStatus.SKIPPED, "no e-mail address")
    assert mail.outbox == []


def test_an_address_gone_before_the_worker_came_is_skipped_then(person):
    n = notification_send(recipient=person, subject="s", body="b", channels=["email"])
    person.email = ""
    person.save()
    work()
    d = n.deliveries.get()
    assert (d.status, d.error, d.attempts) == (DeliveryStatus.SKIPPED, "no e-mail address", 1)
    assert mail.outbox == []


def test_default_channels_come_from_settings(person, settings):
    settings.YIWANG_NOTIFICATION_DEFAULT_CHANNELS = ["inbox", "email"]
    n = notification_send(recipient=person, subject="s", body="b")
    assert list(n.deliveries.values_list("channel", flat=True)) == ["email"]


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"subject": ""}, "subject"),
    ({"subject": "x" * 201}, "subject"),
    ({"body": "  "}, "body"),
    ({"url": "javascript:alert(1)"}, "url"),
    ({"channels": ["pigeon"]}, "channels"),
])
def test_bad_input_is_refused_and_nothing_written(person, kwargs, field):
    args = {"recipient": person, "subject": "ok", "body": "ok"} | kwargs
    with pytest.raises(ValidationFailed) as exc:
        notification_send(**args)
    assert field in exc.value.field_errors
    assert not Notification.objects.exists()


def test_mark_read_only_touches_own_notices(person, make_staff, tax):
    other = make_staff(tax, "handler")
    mine = notification_send(recipient=person, subject="a", body="b", channels=["inbox"])
    notification_send(recipient=person, subject="c", body="d", channels=["inbox"])
    theirs = notification_send(recipient=other, subject="e", body="f", channels=["inbox"])
    assert unread_count(user=person) == 2
    assert notifications_mark_read(user=person, ids=[mine.pk, theirs.pk]) == 1
    assert unread_count(user=person) == 1
    assert unread_count(user=other) == 1
    assert notifications_mark_read(user=person) == 1
    assert unread_count(user=person) == 0
    assert AuditRecord.objects.filter(action="notifications.notification.read").count() == 2


def test_retry_leaves_pending_deliveries_to_the_events_worker(person):
    notification_send(recipient=person, subject="Queued", body="b", channels=["email"])
    assert deliveries_retry() == 0
    assert mail.outbox == []
    work()
    assert [m.subject for m in mail.outbox] == ["Queued"]


def test_the_retry_command_sends_failed_deliveries(person):
    n = notification_send(recipient=person, subject="Again", body="b", channels=["email"])
    Delivery.objects.filter(notification=n).update(status=DeliveryStatus.FAILED)
    out = StringIO()
    call_command("notifications", "retry", stdout=out)
    assert "1 deliveries sent" in out.getvalue()
    assert n.deliveries.get().status == DeliveryStatus.SENT
