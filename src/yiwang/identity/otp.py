"""The second factor: a TOTP authenticator app plus ten one-time recovery codes (django-otp).

Mandatory for staff (等保 L3: two-factor login for staff and administrators), optional for citizens
and enterprises: whoever enrolled must present it at every login. ``identity/middleware.py``
enforces it; ``identity/views_otp.py`` holds the pages. See docs/decisions/0012-staff-two-factor.md.

Every enrolment, verification, failure, use of a recovery code and new set of recovery codes leaves
an audit record. The secret and the codes never appear in one.
"""

from __future__ import annotations

import re
from base64 import b32decode, b32encode
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import verify_token
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from yiwang.audit.public import AuditResult, audit_record
from yiwang.core.public import FieldErrors, ValidationFailed

from .models import AccountKind, User

TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
_TOTP_CODE = re.compile(r"^\d{6}$")


class SecondFactorRefused(ValidationFailed):
    """A wrong, throttled or unknown code. ``reason`` is "wrong" or "throttled"."""

    def __init__(self, message: Any, *, reason: str) -> None:
        super().__init__(message, code=f"second_factor_{reason}", field_errors={"code": [str(message)]})
        self.reason = reason


# --- reads ---------------------------------------------------------------------------------------------


def totp_device_of(user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator, if they enrolled one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def second_factor_required(user: Any) -> bool:
    """Staff always; anyone else once they enrolled an authenticator."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.kind == AccountKind.STAFF:
        return True
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def base32_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps ask for it when typed in by hand."""
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code (no image service sees the secret)."""
    return str(segno.make(device.config_url, error="m").svg_inline(
        scale=4, title=str(_("QR code for your authenticator app"))))


def totp_code_now(device: TOTPDevice) -> str:
    """The code the device shows right now (the ``yiwang otp code`` command, tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


# --- writes --------------------------------------------------------------------------------------------


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator; the pending one is reused so a reload keeps the QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < settings.YIWANG_RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in sorted(codes))
    return sorted(codes)


def totp_enrolment_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with a current code; replace any older one; new recovery codes.

    Returns the device and the recovery codes, which are shown once and never again. A wrong code is
    audited and changes nothing else (django-otp's per-device back-off counts it).
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        message = _("Start again: open the set-up page to get a new QR code.")
        raise ValidationFailed(message, field_errors={"code": [str(message)]})
    with transaction.atomic():
        accepted = verify_token(user, device.persistent_id, normalise_code(code))
    if accepted is None:
        audit_record(action="identity.otp.verify_failed", actor=user, result=AuditResult.FAILURE,
                     details={"during": "enrolment"})
        raise SecondFactorRefused(_("That code is not right. Check the time on your phone and try the newest code."),
                                  reason="wrong")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        audit_record(action="identity.otp.enrol", actor=user, obj=device,
                     details={"recovery_codes": len(codes)})
    return device, codes


def second_factor_reset(*, by: Any, user: User, reason: str) -> int:
    """A platform administrator removes ``user``'s authenticator and recovery codes (a lost or replaced phone)
    and ends their sessions: at the next login they must set up a new authenticator before any staff page.

    Only a platform administrator may, never on their own account (a second administrator does it), and
    always with a reason; the reset is audited. Returns the number of sessions ended.
    """
    from .selectors import deny, is_platform_admin
    from .services_accounts import _end_sessions

    if not is_platform_admin(by):
        raise deny(by, "identity.otp.reset", obj=user)  # outside the transaction: the refusal stays recorded
    errors = FieldErrors()
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        errors.add("reason", str(_("Say in at most 200 characters why the second factor is reset.")))
    if getattr(by, "pk", None) == user.pk:
        errors.add("user", str(_("Another administrator must reset your own second factor.")))
    if not errors.fields and not (TOTPDevice.objects.filter(user=user).exists()
                                  or StaticDevice.objects.filter(user=user).exists()):
        errors.add("user", str(_("This account has no second factor to reset.")))
    errors.raise_if_any(_("The second factor cannot be reset."))
    with transaction.atomic():
        removed = (TOTPDevice.objects.filter(user=user).delete()[0]
                   + StaticDevice.objects.filter(user=user).delete()[0])
        ended = _end_sessions(user)
        audit_record(action="identity.otp.reset", actor=by, obj=user,
                     details={"reason": reason, "devices_removed": removed, "sessions_ended": ended})
    return ended


def totp_device_install(*, user: User, key_hex: str) -> tuple[TOTPDevice, bool]:
    """Give ``user`` a confirmed authenticator with a known key, unless they have one (demo data only).

    Returns the device and whether it was created. An existing device is left as it is.
    """
    existing = totp_device_of(user)
    if existing is not None:
        return existing, False
    with transaction.atomic():
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key_hex, confirmed=True)
        audit_record(action="identity.otp.enrol", obj=device, details={"user": user.username, "demo": True})
    return device, True


@dataclass(frozen=True)
class Verified:
    device: Device
    recovery_code: bool
    recovery_codes_left: int


def second_factor_verify(*, user: User, code: str) -> Verified:
    """Check a code from the authenticator (six digits) or a recovery code (used up on success).

    Raises ``SecondFactorRefused``: reason "wrong" for a wrong code, "throttled" while django-otp's
    back-off after earlier wrong codes is running (then nothing is checked). Both are audited.
    """
    token = normalise_code(code)
    devices: list[Device]
    if _TOTP_CODE.match(token):
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
        recovery = False
    else:
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
        recovery = True
    if any(not device.verify_is_allowed()[0] for device in devices):
        audit_record(action="identity.otp.verify_failed", actor=user, result=AuditResult.FAILURE,
                     details={"reason": "throttled", "recovery_code": recovery})
        raise SecondFactorRefused(_("Too many wrong codes just now. Wait a minute, then enter the newest code."),
                                  reason="throttled")
    accepted = None
    for device in devices:
        with transaction.atomic():
            accepted = verify_token(user, device.persistent_id, token)
        if accepted is not None:
            break
    if accepted is None:
        audit_record(action="identity.otp.verify_failed", actor=user, result=AuditResult.FAILURE,
                     details={"reason": "wrong", "recovery_code": recovery})
        raise SecondFactorRefused(_("That code is not right."), reason="wrong")
    left = recovery_codes_left(user)
    if recovery:
        audit_record(action="identity.otp.recovery_code_use", actor=user, obj=accepted,
                     details={"recovery_codes_left": left})
    else:
        audit_record(action="identity.otp.verify", actor=user, obj=accepted)
    return Verified(accepted, recovery, left)


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working. Shown once, never stored readable elsewhere."""
    codes = _new_recovery_codes(user)
    audit_record(action="identity.otp.recovery_codes_regenerate", actor=user, details={"count": len(codes)})
    return codes


def demo_key_hex(base32: str) -> str:
    """A base32 secret (as typed into an authenticator app) as the hex key django-otp stores."""
    padded = base32 + "=" * (-len(base32) % 8)
    return b32decode(padded).hex()
