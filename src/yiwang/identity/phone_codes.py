"""SMS one-time codes: send one to a mobile number, check what the person typed.

Rules (docs/decisions/0013-sms-codes-and-assurance.md):

- a code is 6 digits from ``secrets``; only a keyed hash (HMAC with SECRET_KEY) is stored, and the number
  is stored encrypted, found through a blind index;
- it expires after ``YIWANG_SMS_CODE_TTL_SECONDS`` (5 minutes) and dies after
  ``YIWANG_SMS_CODE_MAX_ATTEMPTS`` (5) wrong guesses; a newer code for the same number and purpose
  replaces the older one;
- a number gets at most one code per ``YIWANG_SMS_RESEND_SECONDS`` (60 s) and
  ``YIWANG_SMS_DAILY_LIMIT`` (10) per 24 hours, whatever the purpose;
- sending and failed checks are audited; the code never appears in the audit trail.

A failed check is counted in its own committed transaction, so call :func:`sms_code_check` outside
any ``transaction.atomic`` block that the failure will roll back, or the count is lost.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from yiwang.audit.public import AuditResult, audit_record
from yiwang.core.public import ValidationFailed, blind_index, mask

from .models import PhonePurpose, PhoneVerification
from .sms import SmsDeliveryError, send_sms

PHONE_PURPOSE = "identity.phone"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def code_ttl() -> timedelta:
    return timedelta(seconds=_setting("YIWANG_SMS_CODE_TTL_SECONDS", 300))


def max_attempts() -> int:
    return _setting("YIWANG_SMS_CODE_MAX_ATTEMPTS", 5)


def normalise_phone(value: str) -> str:
    """A mainland mobile number as 11 digits; accepts spaces, dashes and a +86 / 0086 prefix."""
    number = re.sub(r"[\s\-()]", "", value or "")
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            number = number[len(prefix):]
    if not _MOBILE.match(number):
        raise ValidationFailed(_("Enter an 11-digit mainland mobile number."),
                               field_errors={"phone": [_("Enter an 11-digit mainland mobile number.")]})
    return number


def phone_index(phone: str) -> str:
    return blind_index(phone, purpose=PHONE_PURPOSE)


def _hash_code(verification_phone_index: str, purpose: str, code: str) -> str:
    # Bound to the number and purpose so a stolen hash cannot be replayed for another one.
    return salted_hmac("yiwang.identity.sms_code", f"{verification_phone_index}:{purpose}:{code}",
                       algorithm="sha256").hexdigest()


def _masked(phone: str) -> str:
    return mask(phone, keep_start=3, keep_end=4)


def _refuse(field: str, message: str, *, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, code=code, field_errors={field: [message]})


def sms_code_send(*, phone: str, purpose: str) -> PhoneVerification:
    """Send a fresh one-time code to ``phone`` for ``purpose``; refuse when the number asked too often.

    The code row is committed before the message goes out (the gateway call must not hold the database
    write lock); when the backend fails, the row is voided and the caller gets a clear error.
    """
    if purpose not in PhonePurpose.values:
        raise ValueError(f"unknown purpose {purpose!r}")
    phone = normalise_phone(phone)
    index = phone_index(phone)
    now = timezone.now()
    with transaction.atomic():
        recent = PhoneVerification.objects.filter(phone_index=index, created_at__gt=now - timedelta(days=1))
        last = recent.order_by("-created_at").first()
        message = None
        if last is not None and last.created_at > now - timedelta(seconds=_setting("YIWANG_SMS_RESEND_SECONDS", 60)):
            message = _("A code was sent to this number a moment ago. Wait a minute before asking again.")
        elif recent.count() >= _setting("YIWANG_SMS_DAILY_LIMIT", 10):
            message = _("This number has received too many codes today. Try again tomorrow.")
        if message is not None:
            audit_record(action="identity.sms.code_refused", result=AuditResult.DENIED,
                         details={"purpose": purpose, "phone": _masked(phone), "reason": "throttled"})
        else:
            code = f"{secrets.randbelow(10**6):06d}"
            # A newer code replaces the older unused ones for the same number and purpose.
            PhoneVerification.objects.filter(phone_index=index, purpose=purpose, used_at__isnull=True).update(
                expires_at=now)
            verification = PhoneVerification.objects.create(
                purpose=purpose, phone=phone, phone_index=index, code_hash=_hash_code(index, purpose, code),
                created_at=now, expires_at=now + code_ttl())
            audit_record(action="identity.sms.code_sent", obj=verification,
                         details={"purpose": purpose, "phone": _masked(phone)})
    if message is not None:
        raise _refuse("phone", message, code="throttled")
    minutes = int(code_ttl().total_seconds() // 60)
    text = _("Your Pudong e-government code is %(code)s, valid for %(minutes)d minutes. "
             "Never tell it to anyone, including staff.") % {"code": code, "minutes": minutes}
    try:
        send_sms(phone, text)
    except SmsDeliveryError as exc:
        with transaction.atomic():
            PhoneVerification.objects.filter(pk=verification.pk).update(expires_at=now)
            audit_record(action="identity.sms.code_refused", obj=verification, result=AuditResult.FAILURE,
                         details={"purpose": purpose, "phone": _masked(phone), "reason": str(exc)[:200]})
        raise _refuse("phone", _("The text message could not be sent. Please try again later."),
                      code="sms_unavailable") from exc
    return verification


def sms_code_check(*, phone: str, purpose: str, code: str) -> PhoneVerification:
    """Check ``code`` against the newest code sent to ``phone`` for ``purpose``; returns it, still unused.

    A wrong code counts as an attempt (committed even though the check fails). The caller consumes the
    code with :func:`sms_code_consume` in the same transaction as the change the code authorises.
    """
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code):
        raise _refuse("code", _("Enter the 6-digit code from the text message."))
    phone = normalise_phone(phone)
    index = phone_index(phone)
    now = timezone.now()
    with transaction.atomic():
        verification = (PhoneVerification.objects.select_for_update()
                        .filter(phone_index=index, purpose=purpose).order_by("-created_at", "-pk").first())
        problem = None
        if verification is None:
            problem = "none"
        elif verification.used_at is not None:
            problem = "used"
        elif verification.expires_at <= now:
            problem = "expired"
        elif verification.attempts >= max_attempts():
            problem = "exhausted"
        elif not constant_time_compare(verification.code_hash, _hash_code(index, purpose, code)):
            verification.attempts += 1
            verification.save(update_fields=["attempts"])
            problem = "exhausted" if verification.attempts >= max_attempts() else "wrong"
        if problem is not None:
            audit_record(action="identity.sms.code_check_failed", obj=verification, result=AuditResult.FAILURE,
                         details={"purpose": purpose, "phone": _masked(phone), "reason": problem})
    if problem is None:
        assert verification is not None
        return verification
    messages = {
        "none": _("No code was sent to this number. Ask for a code first."),
        "used": _("This code has been used already. Ask for a new code."),
        "expired": _("This code has expired. Ask for a new code."),
        "exhausted": _("Too many wrong codes. Ask for a new code."),
        "wrong": _("The code is wrong. Check the text message and try again."),
    }
    raise _refuse("code", messages[problem], code=f"code_{problem}")


def sms_code_consume(*, verification: PhoneVerification) -> None:
    """Mark a checked code used, inside the caller's transaction; refuses a code used in the meantime."""
    updated = PhoneVerification.objects.filter(pk=verification.pk, used_at__isnull=True).update(
        used_at=timezone.now())
    if not updated:
        raise _refuse("code", _("This code has been used already. Ask for a new code."), code="code_used")
