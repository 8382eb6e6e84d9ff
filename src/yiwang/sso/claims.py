"""What yiwang tells a department system about a person (docs/identity.md, "Claims").

ID tokens carry only ``sub``, ``acr`` and the protocol claims: relying parties send ID tokens back in URLs
(``id_token_hint`` at logout), where they end up in logs, so personal data is served only by the userinfo
endpoint, to the holder of an access token, scope by scope.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from typing import Any

from django.db import IntegrityError, transaction

from yiwang.identity.public import AccountKind, agencies_of, enterprises_of

from .models import Authorisation, Scope, SubjectIdentifier
from .scopes import allowed_scopes_of, profile_of

ACR_PREFIX = "urn:yiwang:loa:"
ACR_VALUES = [f"{ACR_PREFIX}{level}" for level in (1, 2, 3)]
ID_NUMBER_CLAIM = "cn_resident_id"
ID_TOKEN_CLAIMS = ["sub", "acr", "auth_time"]
USERINFO_CLAIMS = {
    "name": Scope.PROFILE, "phone_number": Scope.PHONE, ID_NUMBER_CLAIM: Scope.IDCARD, "enterprise": Scope.ENTERPRISE,
}
ENTERPRISE_ACCOUNT_ROLE = "enterprise_account"


def acr_of(user: Any) -> str:
    return f"{ACR_PREFIX}{int(user.assurance_level)}"


_SECTOR_TTL_SECONDS = 60.0
_sectors: dict[int, tuple[float, str]] = {}
_subjects: OrderedDict[tuple[int, str], str] = OrderedDict()
_SUBJECTS_KEPT = 10_000


def sector_of(application: Any) -> str:
    """Clients of one department share a sector, so a person has one ``sub`` per department.

    Cached for a minute per process: the token endpoint asks on every grant, and a client changes
    department only when an administrator moves it (which changes every ``sub`` it sees — rarely wanted).
    """
    now = time.monotonic()
    cached = _sectors.get(application.pk)
    if cached is not None and cached[0] > now:
        return cached[1]
    profile = profile_of(application)
    sector = f"org:{profile.organisation_id}" if profile else f"client:{application.pk}"
    _sectors[application.pk] = (now + _SECTOR_TTL_SECONDS, sector)
    return sector


def subject_for(user: Any, application: Any) -> str:
    """The pairwise, opaque ``sub`` of ``user`` towards the department owning ``application``; stable forever."""
    sector = sector_of(application)
    key = (user.pk, sector)
    subject = _subjects.get(key)
    if subject is None:
        subject = _subject_from_database(user, sector)
        _subjects[key] = subject  # a subject never changes, so the process may remember it
        while len(_subjects) > _SUBJECTS_KEPT:
            _subjects.popitem(last=False)
    return subject


def forget_cached_subjects() -> None:
    """Drop the process caches (tests, where a rolled-back database reuses primary keys)."""
    _sectors.clear()
    _subjects.clear()


def _subject_from_database(user: Any, sector: str) -> str:
    subject = SubjectIdentifier.objects.filter(user=user, sector=sector).values_list("subject", flat=True).first()
    if subject is not None:
        return subject
    try:
        with transaction.atomic():
            return SubjectIdentifier.objects.create(user=user, sector=sector, subject=uuid.uuid4().hex).subject
    except IntegrityError:  # another request created it first
        return SubjectIdentifier.objects.get(user=user, sector=sector).subject


def phone_e164(phone: str) -> str:
    digits = phone.replace(" ", "").replace("-", "")
    return digits if digits.startswith("+") else f"+86{digits}"


def enterprise_claim(user: Any, authorisation: Authorisation | None) -> dict[str, str] | None:
    """The enterprise chosen at authorisation time, if the person may still act for it today."""
    if authorisation is None or authorisation.enterprise_id is None:
        return None
    enterprise = enterprises_of(user=user).filter(pk=authorisation.enterprise_id).first()
    if enterprise is None:
        return None
    if user.kind == AccountKind.ENTERPRISE:
        role = ENTERPRISE_ACCOUNT_ROLE
    else:
        role = agencies_of(user=user).filter(enterprise=enterprise).values_list("role", flat=True).first() or ""
    return {"credit_code": enterprise.credit_code, "name": enterprise.name, "role": role}


def userinfo_claims(*, user: Any, application: Any, scopes: list[str],
                    authorisation: Authorisation | None) -> dict[str, Any]:
    # The client's profile is checked again here: removing idcard from a client stops the identity number
    # at once, even for tokens granted before.
    granted = set(scopes) & set(allowed_scopes_of(application))
    claims: dict[str, Any] = {"sub": subject_for(user, application), "acr": acr_of(user)}
    if Scope.PROFILE in granted:
        claims["name"] = user.real_name or user.get_username()
    if Scope.PHONE in granted and user.phone:
        claims["phone_number"] = phone_e164(user.phone)
    if Scope.IDCARD in granted and user.id_number:
        claims[ID_NUMBER_CLAIM] = user.id_number
    if Scope.ENTERPRISE in granted:
        enterprise = enterprise_claim(user, authorisation)
        if enterprise is not None:
            claims["enterprise"] = enterprise
    return claims
