import pytest
from django.core import mail
from django.test import override_settings

from yiwang.audit.public import AuditRecord
from yiwang.core.public import ValidationFailed
from yiwang.identity.sms.console import ConsoleBackend
from yiwang.notifications.backends.base import ChannelBackend, DeliveryError
from yiwang.notifications.models import Delivery, DeliveryStatus, Notification
from yiwang.notifications.public import notification_send, unread_count
from yiwang.notifications.services import deliveries_retry, notifications_mark_read

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


def test_inbox_copy_and_email_and_sms_on_commit(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        n = notification_send(recipient=person, subject="Case PD1 accepted", body="Your case was accepted.",
                              url="/me/cases/PD1/", kind="intake.accepted", channels=["inbox", "email", "sms"])
        assert len(mail.outbox) == 0  # nothing leaves before commit
    assert Notification.objects.get(pk=n.pk).recipient == person
    assert [m.to for m in mail.outbox] == [["zhangsan@example.cn"]]
    assert mail.outbox[0].subject == "Case PD1 accepted"
    assert "http://localhost:8000/me/cases/PD1/" in mail.outbox[0].body
    texted = ConsoleBackend.last_to("13800138000")
    assert texted is not None and texted.message.startswith("Case PD1 accepted")
    assert set(n.deliveries.values_list("channel", "status")) == {("email", "sent"), ("sms", "sent")}
    assert AuditRecord.objects.filter(action="notifications.notification.send", object_id=str(n.pk)).exists()


def test_rollback_sends_nothing(person, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notification_send(recipient=person, subject="s", body="b", channels=["email"])
        raise RuntimeError
    assert mail.outbox == []
    assert not Notification.objects.exists()


@override_settings(YIWANG_NOTIFICATION_BACKENDS={"email": "yiwang.notifications.tests.test_services.BrokenChannel"})
def test_failing_channel_keeps_the_inbox_copy_and_records_the_failure(person, django_capture_on_commit_callbacks,
                                                                      caplog):
    with django_capture_on_commit_callbacks(execute=True):
        n = notification_send(recipient=person, subject="Broken", body="b", channels=["email", "sms"])
    assert Notification.objects.filter(pk=n.pk).exists()
    email = n.deliveries.get(channel="email")
    assert (email.status, email.error, email.attempts) == (DeliveryStatus.FAILED, "gateway down", 1)
    assert n.deliveries.get(channel="sms").status == DeliveryStatus.SKIPPED  # sms switched off here
    assert "delivery failed" in caplog.text
    assert unread_count(user=person) == 1


def test_retry_sends_failed_deliveries(person):
    n = notification_send(recipient=person, subject="Retry me", body="b", channels=["email"])
    Delivery.objects.filter(notification=n).update(status=DeliveryStatus.FAILED, error="earlier failure")
    assert deliveries_retry() == 1
    assert n.deliveries.get().status == DeliveryStatus.SENT
    assert mail.outbox[-1].subject == "Retry me"


def test_no_address_is_skipped_not_failed(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        n = notification_send(recipient=citizen, subject="s", body="b", channels=["email"])
    d = n.deliveries.get()
    assert (d.status, d.error) == (DeliveryStatus.SKIPPED, "no e-mail address")
    assert mail.outbox == []


def test_default_channels_come_from_settings(person, settings, django_capture_on_commit_callbacks):
    settings.YIWANG_NOTIFICATION_DEFAULT_CHANNELS = ["inbox", "email"]
    with django_capture_on_commit_callbacks(execute=True):
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


def test_the_retry_command_sends_failed_deliveries(person):
    from io import StringIO

    from django.core.management import call_command

    n = notification_send(recipient=person, subject="Again", body="b", channels=["email"])
    Delivery.objects.filter(notification=n).update(status=DeliveryStatus.FAILED)
    out = StringIO()
    call_command("notifications", "retry", stdout=out)
    assert "1 deliveries sent" in out.getvalue()
    assert n.deliveries.get().status == DeliveryStatus.SENT
