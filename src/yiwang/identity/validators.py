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
