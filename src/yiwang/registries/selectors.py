"""Reads of the registries, always field by field: a department gets only the fields it is granted.

Where grants come from is open: ``RegistryFieldGrant`` rows (set here, or by the sharing catalogue with
its own ``origin``) and any *grant source* another app registers with ``register_grant_source`` — so the
exchange's or sharing catalogue's grants can feed lookups without this app importing them.

Every lookup is audited (who, for which department, which fields, which record — never the values); a
request for a field outside the grant is refused as a whole and audited as a denial.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from yiwang.audit.public import AuditResult, audit_record
from yiwang.core.public import NotFound, ValidationFailed, decrypt
from yiwang.identity.public import Organisation, deny, normalise_credit_code, normalise_id_number, roles_of

from .catalogue import LEGAL_PERSON, PERSON, SPECS, FieldSpec, RegistrySpec, display_value, read_value
from .models import LegalPerson, Person, RecordVersion, Registry, RegistryFieldGrant, RegistryImport
from .services import person_index

GrantSource = Callable[[Organisation, str], Iterable[str]]
_grant_sources: dict[str, GrantSource] = {}


def register_grant_source(name: str, source: GrantSource) -> None:
    """Let another app add readable fields: ``source(organisation, registry)`` returns field names.

    Called from that app's ``AppConfig.ready()`` (e.g. the sharing catalogue, for the registry resources
    it has granted). Registering the same name again replaces the source.
    """
    _grant_sources[name] = source


def granted_fields(*, organisation: Organisation | None, registry: str) -> frozenset[str]:
    """Every field of ``registry`` that ``organisation`` may read (its key field always)."""
    spec = SPECS[registry]
    if organisation is None:
        return frozenset()
    fields: set[str] = {spec.key}
    for granted in RegistryFieldGrant.objects.filter(organisation=organisation, registry=registry).values_list(
            "fields", flat=True):
        fields.update(granted)
    for source in _grant_sources.values():
        fields.update(source(organisation, registry))
    return frozenset(f for f in fields if f in spec.fields)


def grants_of(*, organisation: Organisation) -> list[RegistryFieldGrant]:
    return list(RegistryFieldGrant.objects.filter(organisation=organisation).order_by("registry", "origin"))


# --- lookups ---------------------------------------------------------------------------------------------


def _requested(spec: RegistrySpec, fields: Iterable[str]) -> list[str]:
    requested = list(dict.fromkeys(fields or ()))
    if not requested:
        raise ValidationFailed(_("Name at least one field."), field_errors={"fields": [_("Name at least one field.")]})
    unknown = [f for f in requested if f not in spec.fields]
    if unknown:
        message = _("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)}
        raise ValidationFailed(message, field_errors={"fields": [message]})
    return requested


def _columns(spec: RegistrySpec, fields: Iterable[str]) -> list[str]:
    columns: set[str] = {"source_id"}
    for field in fields:
        for column in spec.fields[field].needs:
            columns.add("source__code" if column == "source" else column)
    return sorted(columns)


@contextmanager
def _lookup_audit() -> Iterator[None]:
    """The transaction of a lookup's audit record.

    With ``YIWANG_REGISTRIES_DURABLE_LOOKUP_AUDIT`` off (PostgreSQL only, and only when the lookup is not
    part of a caller's transaction), it commits without waiting for the WAL flush: a power failure may lose
    the last fraction of a second of *lookup* records — the chain stays intact, as the head row is in the same
    transaction — and each lookup saves a disk sync. Changes to the registries are always durable.
    """
    with transaction.atomic():
        if (not settings.YIWANG_REGISTRIES_DURABLE_LOOKUP_AUDIT and connection.vendor == "postgresql"
                and not _outer_atomic()):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _outer_atomic() -> bool:
    """Whether the caller opened a transaction before ours (then its durability rules apply)."""
    return len(connection.atomic_blocks) > 1


def _refuse(*, spec: RegistrySpec, context: dict[str, str], refused: list[str], by: Any,
            record: Any = None, what: str = "lookup") -> PermissionDenied:
    with _lookup_audit():
        audit_record(action="audit.access.denied", actor=by, obj=record, result=AuditResult.DENIED,
                     details={"what": f"registries.{spec.registry}.{what}", **context, "fields": refused})
    return PermissionDenied(_("Your department is not granted these fields: %(fields)s")
                            % {"fields": ", ".join(refused)})


class _AllFields:
    """The exchange's "every field" grant (an ``AccessGrant`` whose ``fields`` is None)."""

    def __contains__(self, name: object) -> bool:
        return True


ALL_FIELDS = _AllFields()


def _lookup(*, spec: RegistrySpec, record_query: Any, fields: Iterable[str], organisation: Organisation | None,
            by: Any, granted: Any = None, consumer: str = "") -> dict[str, Any]:
    """``granted`` given: the exchange's grant decides (a set, or ``ALL_FIELDS``); else the department's."""
    requested = _requested(spec, fields)
    if granted is None:
        granted = granted_fields(organisation=organisation, registry=spec.registry)
    else:
        granted = granted if isinstance(granted, _AllFields) else {*granted, spec.key}
    refused = [f for f in requested if f not in granted]
    org_code = organisation.code if organisation is not None else ""
    context = {"organisation": org_code, **({"consumer": consumer} if consumer else {})}
    columns = _columns(spec, requested)
    query = spec.model._default_manager.filter(**record_query)
    if "source__code" in columns:
        query = query.select_related("source")
    record: Any = query.only(*columns).first()
    owner = organisation is not None and record is not None and record.source_id == organisation.pk
    if refused and not owner:
        # The source department reads every field of its own records; anyone else needs a grant.
        # Refused before saying whether the record exists, so probing with ungranted fields reveals nothing.
        raise _refuse(spec=spec, context=context, refused=refused, by=by, record=record)
    by_user = by if getattr(by, "is_authenticated", False) else None
    with _lookup_audit():
        audit_record(action=f"registries.{spec.registry}.lookup", actor=by_user, obj=record,
                     result=AuditResult.SUCCESS if record is not None else AuditResult.FAILURE,
                     details={**context, "fields": requested, "found": record is not None})
    if record is None:
        raise NotFound(_("No such record in the registry."))
    return {field: read_value(record, spec.fields[field]) for field in requested}


def _normalised(field: str, fn: Callable[[str], str], value: str) -> str:
    try:
        return fn(value)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], field_errors={field: list(exc.messages)}) from exc


def person_lookup(*, id_number: str, fields: Iterable[str], organisation: Organisation | None,
                  by: Any = None, granted: Any = None, consumer: str = "") -> dict[str, Any]:
    """The requested fields of the resident with this identity number, if ``organisation`` is granted them
    all (else ``PermissionDenied``, audited). Unknown fields or an invalid number: ``ValidationFailed``;
    nobody with this number: ``NotFound``.

    The exchange's handler passes the gateway's grant as ``granted`` (and the calling member as ``consumer``):
    on the exchange, the sharing grant the gateway enforces is the one that counts.
    """
    number = _normalised("id_number", normalise_id_number, id_number)
    return _lookup(spec=PERSON, record_query={"id_number_index": person_index(number)}, fields=fields,
                   organisation=organisation, by=by, granted=granted, consumer=consumer)


def legal_person_lookup(*, credit_code: str, fields: Iterable[str], organisation: Organisation | None,
                        by: Any = None, granted: Any = None, consumer: str = "") -> dict[str, Any]:
    """The requested fields of the legal person with this credit code (rules as ``person_lookup``)."""
    code = _normalised("credit_code", normalise_credit_code, credit_code)
    return _lookup(spec=LEGAL_PERSON, record_query={"credit_code": code}, fields=fields,
                   organisation=organisation, by=by, granted=granted, consumer=consumer)


# --- version history -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any
    old_display: str
    new_display: str


@dataclass(frozen=True)
class VersionView:
    number: int
    at: Any
    by: str
    source: str
    changes: list[FieldChange]
    hidden: int  # changed fields the department may not see (counted, never shown)
    bulk_import: bool = False


def _plain(spec: FieldSpec, value: Any) -> Any:
    if spec.encrypted and value not in (None, ""):
        return decrypt(value)
    return value


def record_history(*, registry: str, record: Any, organisation: Organisation, by: Any = None) -> list[VersionView]:
    """The versions of ``record``, oldest first, showing only the fields ``organisation`` may read.

    A bulk-loaded record's first version is its import (no field values: the record's current values are
    what a lookup shows).
    """
    spec = SPECS[registry]
    # The key is readable in a lookup because the caller typed it; a history is reached by record number,
    # so there the key is shown only to the source department.
    granted = (frozenset(spec.fields) if record.source_id == organisation.pk
               else granted_fields(organisation=organisation, registry=registry) - {spec.key})
    if not granted:
        raise _refuse(spec=spec, context={"organisation": organisation.code}, refused=sorted(spec.fields), by=by,
                      record=record, what="history")
    versions: list[VersionView] = []
    if record.import_batch_id is not None:
        batch = RegistryImport.objects.select_related("source").get(pk=record.import_batch_id)
        versions.append(VersionView(number=1, at=batch.started_at, by=batch.by_name, source=batch.source.name,
                                    changes=[], hidden=0, bulk_import=True))
    rows = (RecordVersion.objects.filter(registry=registry, record_id=record.pk)
            .select_related("source").order_by("number"))
    for row in rows:
        changes = []
        hidden = 0
        for field, (old, new) in sorted(row.changes.items()):
            field_spec = spec.fields.get(field)
            if field_spec is None or field not in granted:
                hidden += 1
                continue
            old, new = _plain(field_spec, old), _plain(field_spec, new)
            changes.append(FieldChange(field, str(field_spec.label), old, new,
                                       display_value(field_spec, old) if old is not None else "—",
                                       display_value(field_spec, new)))
        versions.append(VersionView(number=row.number, at=row.at, by=row.by_name, source=row.source.name,
                                    changes=changes, hidden=hidden))
    by_user = by if getattr(by, "is_authenticated", False) else None
    audit_record(action=f"registries.{registry}.history", actor=by_user, obj=record,
                 details={"organisation": organisation.code})
    return versions


# --- what a staff member may do ---------------------------------------------------------------------------


def access_registry_department(*, user: Any) -> Organisation:
    """The department a staff member reads the registries for: their own, where they hold a role."""
    organisation = getattr(user, "organisation", None)
    if organisation is None or not any(org_id == organisation.pk for _, org_id in roles_of(user)):
        raise deny(user, "registries")
    return organisation  # type: ignore[no-any-return]


def access_person(*, user: Any, id_number: str, fields: Iterable[str]) -> dict[str, Any]:
    organisation = access_registry_department(user=user)
    return person_lookup(id_number=id_number, fields=fields, organisation=organisation, by=user)


def access_legal_person(*, user: Any, credit_code: str, fields: Iterable[str]) -> dict[str, Any]:
    organisation = access_registry_department(user=user)
    return legal_person_lookup(credit_code=credit_code, fields=fields, organisation=organisation, by=user)


def access_person_history(*, user: Any, pk: int) -> tuple[Person, list[VersionView]]:
    organisation = access_registry_department(user=user)
    person = Person.objects.only("id", "source_id", "import_batch_id").filter(pk=pk).first()
    if person is None:
        raise deny(user, "registries.person.history")
    return person, record_history(registry=Registry.PERSON, record=person, organisation=organisation, by=user)


def access_legal_person_history(*, user: Any, credit_code: str) -> tuple[LegalPerson, list[VersionView]]:
    organisation = access_registry_department(user=user)
    legal_person = LegalPerson.objects.filter(credit_code=str(credit_code).upper()).first()
    if legal_person is None:
        raise deny(user, "registries.legal_person.history")
    return legal_person, record_history(registry=Registry.LEGAL_PERSON, record=legal_person,
                                        organisation=organisation, by=user)


def person_pk(*, id_number: str) -> int | None:
    """The record number of a resident (for links to the history page); no field values."""
    try:
        number = normalise_id_number(id_number)
    except ValidationError:  # an invalid number simply has no record
        return None
    return Person.objects.filter(id_number_index=person_index(number)).values_list("pk", flat=True).first()

