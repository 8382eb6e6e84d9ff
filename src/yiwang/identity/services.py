"""Writes for accounts, enterprises, staff and the organisation tree. Each one is audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.audit.public import audit_record
from yiwang.core.public import FieldErrors as _Errors
from yiwang.core.public import ValidationFailed, blind_index

from .models import (
    AccountKind,
    AgentRole,
    AgentStatus,
    Enterprise,
    EnterpriseAgent,
    Organisation,
    OrgKind,
    Role,
    StaffRole,
    User,
)
from .validators import normalise_credit_code, normalise_id_number

ID_NUMBER_PURPOSE = "identity.id_number"


def id_number_index(id_number: str) -> str:
    return blind_index(id_number, purpose=ID_NUMBER_PURPOSE)


def _check_username(errors: _Errors, username: str) -> None:
    if not username or len(username) > 150:
        errors.add("username", _("Choose a user name of at most 150 characters."))
    elif User.objects.filter(username__iexact=username).exists():
        errors.add("username", _("This user name is taken."))


def _check_password(errors: _Errors, password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        for message in exc.messages:
            errors.add("password", message)


@transaction.atomic
def citizen_register(*, username: str, password: str, real_name: str, id_number: str, phone: str = "") -> User:
    """Create a citizen account. One identity number, one account (SPEC §3.1)."""
    errors = _Errors()
    username = (username or "").strip()
    real_name = (real_name or "").strip()
    _check_username(errors, username)
    if not real_name:
        errors.add("real_name", _("Enter your real name as on your identity card."))
    number = errors.check("id_number", normalise_id_number, id_number)
    index = id_number_index(number) if number else None
    if index and User.objects.filter(id_number_index=index).exists():
        errors.add("id_number", _("An account already exists for this identity number."))
    user = User(username=username, kind=AccountKind.CITIZEN, real_name=real_name,
                id_number=number or "", id_number_index=index, phone=(phone or "").strip())
    _check_password(errors, password, user)
    errors.raise_if_any()
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent registration with the same number or name won
        message = _("An account already exists for this identity number.")
        raise ValidationFailed(message, field_errors={"id_number": [message]}) from exc
    audit_record(action="identity.citizen.register", actor=user, obj=user)
    return user


@transaction.atomic
def enterprise_register(*, credit_code: str, name: str, legal_representative: str, password: str,
                        registered_by: User | None = None) -> Enterprise:
    """Register an enterprise account, logging in by its credit code.

    When ``registered_by`` is a citizen, they become its first authorised agent.
    """
    errors = _Errors()
    code = errors.check("credit_code", normalise_credit_code, credit_code)
    if code and (Enterprise.objects.filter(credit_code=code).exists()
                 or User.objects.filter(username__iexact=code).exists()):
        errors.add("credit_code", _("This enterprise is already registered."))
    name = (name or "").strip()
    legal_representative = (legal_representative or "").strip()
    if not name:
        errors.add("name", _("Enter the enterprise's registered name."))
    if not legal_representative:
        errors.add("legal_representative", _("Enter the legal representative's name."))
    account = User(username=code or "", kind=AccountKind.ENTERPRISE, real_name=name)
    _check_password(errors, password, account)
    errors.raise_if_any()
    account.set_password(password)
    try:
        with transaction.atomic():
            account.save()
            enterprise = Enterprise.objects.create(credit_code=code, name=name,
                                                   legal_representative=legal_representative, account=account)
    except IntegrityError as exc:  # a concurrent registration of the same enterprise won
        message = _("This enterprise is already registered.")
        raise ValidationFailed(message, field_errors={"credit_code": [message]}) from exc
    audit_record(action="identity.enterprise.register", actor=registered_by or account, obj=enterprise)
    if registered_by is not None and registered_by.kind == AccountKind.CITIZEN:
        enterprise_agent_add(enterprise=enterprise, user=registered_by, role=AgentRole.AGENT, by=registered_by)
    return enterprise


@transaction.atomic
def enterprise_agent_add(*, enterprise: Enterprise, user: User, role: str = AgentRole.AGENT,
                         by: User) -> EnterpriseAgent:
    """Authorise a citizen to act for an enterprise, confirmed at once (registration, demo data, trusted callers).

    A citizen who asks to act for an enterprise someone else registered goes through
    ``services_accounts.enterprise_agent_request`` and waits for confirmation instead.
    """
    if user.kind != AccountKind.CITIZEN:
        raise ValidationFailed(_("Only a citizen account can act as an enterprise agent."),
                               field_errors={"user": [_("Only a citizen account can act as an enterprise agent.")]})
    confirmed = {"status": AgentStatus.CONFIRMED, "confirmed_by": by, "confirmed_at": timezone.now()}
    agent, created = EnterpriseAgent.objects.get_or_create(enterprise=enterprise, user=user,
                                                           defaults={"role": role, **confirmed})
    if not created and agent.status != AgentStatus.CONFIRMED:
        EnterpriseAgent.objects.filter(pk=agent.pk).update(**confirmed)
        agent.refresh_from_db()
        created = True
    if created:
        audit_record(action="identity.enterprise.agent_add", actor=by, obj=agent,
                     on_behalf_of=f"enterprise:{enterprise.credit_code}", details={"role": str(role)})
    return agent


@transaction.atomic
def organisation_create(*, kind: str, code: str, name: str, parent: Organisation | None = None,
                        name_en: str = "", credit_code: str = "", sort_order: int = 0,
                        by: User | None = None) -> Organisation:
    errors = _Errors()
    if kind not in OrgKind.values:
        errors.add("kind", _("Unknown kind of organisation."))
    if not code:
        errors.add("code", _("Enter a code."))
    elif Organisation.objects.filter(code=code).exists():
        errors.add("code", _("An organisation with this code exists."))
    if credit_code:
        credit_code = errors.check("credit_code", normalise_credit_code, credit_code) or ""
        if credit_code and Organisation.objects.filter(credit_code=credit_code).exists():
            errors.add("credit_code", _("An organisation with this credit code exists."))
    if not name:
        errors.add("name", _("Enter a name."))
    errors.raise_if_any()
    org = Organisation.objects.create(kind=kind, code=code, name=name, parent=parent, name_en=name_en,
                                      credit_code=credit_code, sort_order=sort_order)
    audit_record(action="identity.organisation.create", actor=by, obj=org)
    return org


@transaction.atomic
def staff_create(*, username: str, password: str, real_name: str, organisation: Organisation,
                 roles: Iterable[str] = (), by: User | None = None) -> User:
    """Create a staff account in ``organisation`` holding ``roles`` there."""
    errors = _Errors()
    username = (username or "").strip()
    _check_username(errors, username)
    if not (real_name or "").strip():
        errors.add("real_name", _("Enter the staff member's real name."))
    user = User(username=username, kind=AccountKind.STAFF, real_name=real_name.strip(), organisation=organisation)
    _check_password(errors, password, user)
    roles = list(roles)
    for role in roles:
        if role not in Role.values:
            errors.add("roles", _("Unknown role: %(role)s") % {"role": role})
    errors.raise_if_any()
    user.set_password(password)
    user.save()
    audit_record(action="identity.staff.create", actor=by, obj=user, details={"organisation": organisation.code})
    for role in roles:
        staff_role_grant(user=user, organisation=organisation, role=role, by=by)
    return user


@transaction.atomic
def staff_role_grant(*, user: User, organisation: Organisation, role: str, by: User | None = None) -> StaffRole:
    if user.kind != AccountKind.STAFF:
        raise ValidationFailed(_("Roles can only be granted to staff accounts."))
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role: %(role)s") % {"role": role})
    grant, created = StaffRole.objects.get_or_create(user=user, organisation=organisation, role=role)
    if created:
        if role == Role.PLATFORM_ADMIN and not (user.is_staff and user.is_superuser):
            # The platform administrator also runs Django's admin site.
            User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
            user.is_staff = user.is_superuser = True
        audit_record(action="identity.staff.role_grant", actor=by, obj=grant,
                     details={"role": role, "organisation": organisation.code, "user": user.username})
    return grant


@transaction.atomic
def staff_role_revoke(*, grant: StaffRole, by: User) -> None:
    details = {"role": grant.role, "organisation": grant.organisation.code, "user": grant.user.username}
    user = grant.user
    grant.delete()
    if details["role"] == Role.PLATFORM_ADMIN and not user.staff_roles.filter(role=Role.PLATFORM_ADMIN).exists():
        User.objects.filter(pk=user.pk).update(is_staff=False, is_superuser=False)
    audit_record(action="identity.staff.role_revoke", actor=by, obj=user, details=details)
