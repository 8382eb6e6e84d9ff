"""Resident identity numbers (GB 11643-1999) and unified social credit codes (GB 32100-2015).

python-stdnum supplies the check-character arithmetic and the birth-date parsing. We do not use
``ric.validate`` whole: it also rejects address codes whose county did not exist in the birth year,
but an identity number keeps its original address code forever (SPEC §5.1: 440524188001010014 is
valid). We add that the birth date is not in the future. Messages are translated; callers show them next to the field.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError


def normalise_id_number(value: str) -> str:
    """Validate a resident identity number and return it in canonical form (upper-case X)."""
    number = ric.compact(value or "").upper()
    try:
        if len(number) != 18:
            raise InvalidLength()
        if not number[:-1].isdigit() or not (number[-1].isdigit() or number[-1] == "X"):
            raise InvalidFormat()
        if number[-1] != ric.calc_check_digit(number):
            raise InvalidChecksum()
        ric.get_birth_date(number)
    except InvalidLength as exc:
        raise ValidationError(_("A resident identity number has 18 characters."), code="length") from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("The check character of this identity number is wrong."), code="checksum") from exc
    except InvalidComponent as exc:
        raise ValidationError(_("The birth date in this identity number does not exist."), code="birth_date") from exc
    except (InvalidFormat, StdnumError) as exc:
        raise ValidationError(_("This is not a valid resident identity number."), code="invalid") from exc
    if ric.get_birth_date(number) > timezone.localdate():
        raise ValidationError(_("The birth date in this identity number is in the future."), code="birth_date")
    return number


def normalise_credit_code(value: str) -> str:
    """Validate a unified social credit code and return it in canonical (upper-case) form."""
    code = uscc.compact(value or "")
    try:
        uscc.validate(code)
    except InvalidLength as exc:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="length") from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("The check character of this credit code is wrong."), code="checksum") from exc
    except (InvalidFormat, InvalidComponent, StdnumError) as exc:
        raise ValidationError(_("This is not a valid unified social credit code."), code="invalid") from exc
    return code.upper()


class StaffPasswordValidator:
    """Password policy for staff accounts (等保 L3): long, and mixed from several character classes.

    A Django password validator (AUTH_PASSWORD_VALIDATORS). It applies only when the account is a
    staff account; citizens and enterprises keep the general rules.
    """

    CLASSES = 4  # lower-case letters, upper-case letters, digits, everything else

    def __init__(self, min_length: int = 12, min_classes: int = 3) -> None:
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        from .models import AccountKind  # the validator is loaded by settings, before the models

        if getattr(user, "kind", None) != AccountKind.STAFF:
            return
        errors = []
        if len(password) < self.min_length:
            errors.append(ValidationError(
                _("A staff password needs at least %(min_length)d characters."),
                code="staff_password_too_short", params={"min_length": self.min_length}))
        classes = sum([any(c.islower() for c in password), any(c.isupper() for c in password),
                       any(c.isdigit() for c in password), any(not c.isalnum() for c in password)])
        if classes < self.min_classes:
            errors.append(ValidationError(
                _("A staff password mixes at least %(min_classes)d of: lower-case letters, upper-case letters, "
                  "digits, other characters."),
                code="staff_password_too_simple", params={"min_classes": self.min_classes}))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return str(_("Staff passwords have at least %(min_length)d characters and mix at least %(min_classes)d of: "
                     "lower-case letters, upper-case letters, digits, other characters.")
                   % {"min_length": self.min_length, "min_classes": self.min_classes})
