"""Writes to the base registries. Each runs in one transaction, writes a version row, an audit record and
an outbox event (``registries.<registry>.changed``) together, or nothing at all.

Events carry only the record's id, its new version, the names of the changed fields and the source
department — never personal data: a subscriber that needs values asks through a granted lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from yiwang.audit.public import audit_record
from yiwang.core.public import FieldErrors as _Errors
from yiwang.core.public import ValidationFailed, blind_index, encrypt
from yiwang.events.public import event_publish
from yiwang.identity.public import Organisation, normalise_credit_code, normalise_id_number

from .catalogue import ADDRESS, LEGAL_PERSON, PERSON, SPECS, RegistrySpec, jsonable
from .models import Address, LegalPerson, Person, RecordVersion, Registry, RegistryFieldGrant
from .reference import AREAS_BY_CODE, Industry, LegalPersonKind, LegalPersonStatus, Sex

ID_NUMBER_PURPOSE = "registries.person.id_number"
MAX_NAME = 50


def person_index(id_number: str) -> str:
    """The blind index of a (normalised) identity number in the population registry."""
    return blind_index(id_number, purpose=ID_NUMBER_PURPOSE)


def sex_of(id_number: str) -> str:
    """GB 11643-1999: the 17th digit (end of the sequence code) is odd for men, even for women."""
    return Sex.MALE if int(id_number[16]) % 2 else Sex.FEMALE


def birth_date_of(id_number: str) -> date:
    return ric.get_birth_date(id_number)  # type: ignore[no-any-return]


# --- field checks: each takes the raw value, records errors, returns the clean value ----------------------


def _text(errors: _Errors, field: str, value: Any, *, required: bool, max_length: int) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    elif len(text) > max_length:
        errors.add(field, _("At most %(n)d characters.") % {"n": max_length})
    return text


def _choice(errors: _Errors, field: str, value: Any, choices: Iterable[str]) -> str:
    value = str(value or "")
    if value not in set(choices):
        errors.add(field, _("Not one of the allowed values."))
    return value


def _area(errors: _Errors, field: str, value: Any, *, required: bool = True) -> str:
    code = str(value or "").strip()
    if not code and not required:
        return ""
    if code not in AREAS_BY_CODE:
        errors.add(field, _("Not the code of a street or town of Pudong (SPEC §5.3)."))
    return code


def _date(errors: _Errors, field: str, value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.add(field, _("Enter a date as YYYY-MM-DD."))
        return None


def _coordinate(errors: _Errors, field: str, value: Any, low: float, high: float) -> Decimal | None:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors.add(field, _("Enter a number."))
        return None
    if not low <= number <= high:
        errors.add(field, _("Outside the district (%(low)s to %(high)s).") % {"low": low, "high": high})
    return number


# --- versions, audit and events ---------------------------------------------------------------------------


def _changed_values(spec: RegistrySpec, old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value differs; encrypted fields' values as ciphertext."""
    changes: dict[str, list[Any]] = {}
    for field, value in new.items():
        before = old.get(field)
        if jsonable(before) == jsonable(value):
            continue
        pair = [jsonable(before), jsonable(value)]
        if spec.fields[field].encrypted:
            pair = [encrypt(str(v)) if v not in (None, "") else v for v in pair]
        changes[field] = pair
    return changes


def _record_change(*, spec: RegistrySpec, record: Any, changes: dict[str, list[Any]], source: Organisation,
                   by: Any, verb: str) -> None:
    by_user = by if getattr(by, "is_authenticated", False) else None
    RecordVersion.objects.create(registry=spec.registry, record_id=record.pk, number=record.version,
                                 at=record.updated_at, by=by_user, by_name=by_user.get_username() if by_user else "",
                                 source=source, changes=changes)
    fields = sorted(changes)
    audit_record(action=f"registries.{spec.registry}.{verb}", actor=by_user, obj=record,
                 details={"source": source.code, "version": record.version, "fields": fields})
    event_publish(topic=f"registries.{spec.registry}.changed", key=f"{spec.registry}:{record.pk}",
                  payload={"registry": spec.registry, "id": record.pk, "version": record.version,
                           "change": verb, "fields": fields, "source": source.code})


def _check_source(errors: _Errors, source: Any) -> None:
    if not isinstance(source, Organisation) or source.pk is None:
        errors.add("source", _("Name the source department."))


# --- actual population (实有人口) -------------------------------------------------------------------------


def _clean_person(errors: _Errors, data: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "name" in data:
        clean["name"] = _text(errors, "name", data["name"], required=True, max_length=MAX_NAME)
    for field in ("household_address", "actual_address"):
        if field in data:
            clean[field] = _text(errors, field, data[field], required=False, max_length=300)
    if "household_code" in data:
        clean["household_code"] = _text(errors, "household_code", data["household_code"], required=False,
                                        max_length=20)
    if "area_code" in data:
        clean["area_code"] = _area(errors, "area_code", data["area_code"])
    return clean


@transaction.atomic
def person_register(*, id_number: str, name: str, area_code: str, source: Organisation,
                    household_address: str = "", actual_address: str = "", household_code: str = "",
                    sex: str | None = None, birth_date: date | str | None = None, by: Any = None) -> Person:
    """Add a resident to the actual population.

    Sex and birth date come from the identity number (GB 11643-1999); when given they must agree with it.
    One identity number, one record.
    """
    errors = _Errors()
    _check_source(errors, source)
    number = errors.check("id_number", normalise_id_number, id_number)
    index = person_index(number) if number else None
    if index and Person.objects.filter(id_number_index=index).exists():
        errors.add("id_number", _("This identity number is already in the population registry."))
    clean = _clean_person(errors, {"name": name, "household_address": household_address,
                                   "actual_address": actual_address, "household_code": household_code,
                                   "area_code": area_code})
    if number:
        if sex not in (None, "") and sex != sex_of(number):
            errors.add("sex", _("The sex does not agree with the identity number."))
        given = _date(errors, "birth_date", birth_date)
        if given is not None and given != birth_date_of(number):
            errors.add("birth_date", _("The birth date does not agree with the identity number."))
    errors.raise_if_any()
    assert number is not None and index is not None
    now = timezone.now()
    person = Person(id_number=number, id_number_index=index, sex=sex_of(number), birth_date=birth_date_of(number),
                    source=source, version=1, created_at=now, updated_at=now, **clean)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:  # a concurrent registration of the same number won
        message = _("This identity number is already in the population registry.")
        raise ValidationFailed(message, field_errors={"id_number": [message]}) from exc
    new = {"id_number": number, "sex": person.sex, "birth_date": person.birth_date, **clean}
    _record_change(spec=PERSON, record=person, changes=_changed_values(PERSON, {}, new), source=source, by=by,
                   verb="register")
    return person


def _update(*, spec: RegistrySpec, record: Any, changes: dict[str, Any], source: Organisation, by: Any,
            clean_fn: Any) -> Any:
    errors = _Errors()
    _check_source(errors, source)
    if not changes:
        errors.add("changes", _("Name at least one field to change."))
    for field in changes:
        if field not in spec.fields:
            errors.add(field, _("Unknown field."))
        elif not spec.fields[field].updatable:
            errors.add(field, _("This field cannot be changed."))
    clean = clean_fn(errors, {k: v for k, v in changes.items() if k in spec.updatable})
    errors.raise_if_any()
    locked = type(record).objects.select_for_update().get(pk=record.pk)
    old = {field: getattr(locked, field) for field in clean}
    diff = _changed_values(spec, old, clean)
    if not diff:
        return locked  # nothing changed: no version, no event
    for field in diff:
        setattr(locked, field, clean[field])
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=[*diff, "version", "updated_at"])
    _record_change(spec=spec, record=locked, changes=diff, source=source, by=by, verb="update")
    return locked


@transaction.atomic
def person_update(*, person: Person, changes: dict[str, Any], source: Organisation, by: Any = None) -> Person:
    """Change a resident's record. The identity number, and the sex and birth date it encodes, never change
    here (a new number is a new registration by the public security bureau)."""
    return _update(spec=PERSON, record=person, changes=changes, source=source, by=by,  # type: ignore[no-any-return]
                   clean_fn=_clean_person)


# --- legal persons (法人) ---------------------------------------------------------------------------------


def _clean_legal_person(errors: _Errors, data: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "name" in data:
        clean["name"] = _text(errors, "name", data["name"], required=True, max_length=200)
    if "legal_representative" in data:
        clean["legal_representative"] = _text(errors, "legal_representative", data["legal_representative"],
                                              required=True, max_length=100)
    if "registered_address" in data:
        clean["registered_address"] = _text(errors, "registered_address", data["registered_address"],
                                            required=True, max_length=300)
    if "kind" in data:
        clean["kind"] = _choice(errors, "kind", data["kind"], LegalPersonKind.values)
    if "status" in data:
        clean["status"] = _choice(errors, "status", data["status"], LegalPersonStatus.values)
    if "industry" in data:
        clean["industry"] = _choice(errors, "industry", data["industry"], Industry.values)
    if "established_on" in data:
        clean["established_on"] = _date(errors, "established_on", data["established_on"])
    if "area_code" in data:
        clean["area_code"] = _area(errors, "area_code", data["area_code"], required=False)
    return clean


@transaction.atomic
def legal_person_register(*, credit_code: str, name: str, kind: str, legal_representative: str,
                          registered_address: str, industry: str, source: Organisation,
                          status: str = LegalPersonStatus.ACTIVE, established_on: date | str | None = None,
                          area_code: str = "", by: Any = None) -> LegalPerson:
    """Add a legal person. One credit code (GB 32100-2015), one record."""
    errors = _Errors()
    _check_source(errors, source)
    code = errors.check("credit_code", normalise_credit_code, credit_code)
    if code and LegalPerson.objects.filter(credit_code=code).exists():
        errors.add("credit_code", _("This credit code is already in the legal-person registry."))
    clean = _clean_legal_person(errors, {
        "name": name, "kind": kind, "legal_representative": legal_representative,
        "registered_address": registered_address, "industry": industry, "status": status,
        "established_on": established_on, "area_code": area_code})
    errors.raise_if_any()
    now = timezone.now()
    legal_person = LegalPerson(credit_code=code, source=source, version=1, created_at=now, updated_at=now, **clean)
    try:
        with transaction.atomic():
            legal_person.save()
    except IntegrityError as exc:
        message = _("This credit code is already in the legal-person registry.")
        raise ValidationFailed(message, field_errors={"credit_code": [message]}) from exc
    _record_change(spec=LEGAL_PERSON, record=legal_person,
                   changes=_changed_values(LEGAL_PERSON, {}, {"credit_code": code, **clean}),
                   source=source, by=by, verb="register")
    return legal_person


@transaction.atomic
def legal_person_update(*, legal_person: LegalPerson, changes: dict[str, Any], source: Organisation,
                        by: Any = None) -> LegalPerson:
    """Change a legal person's record (the credit code never changes)."""
    return _update(spec=LEGAL_PERSON, record=legal_person, changes=changes,  # type: ignore[no-any-return]
                   source=source, by=by, clean_fn=_clean_legal_person)


# --- geospatial addresses ---------------------------------------------------------------------------------


def _clean_address(errors: _Errors, data: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "text" in data:
        clean["text"] = _text(errors, "text", data["text"], required=True, max_length=300)
    if "area_code" in data:
        clean["area_code"] = _area(errors, "area_code", data["area_code"])
    # Pudong lies within about 121.3–122.1 E, 30.8–31.5 N; anything outside is a typo or a swapped pair.
    if "lon" in data:
        clean["lon"] = _coordinate(errors, "lon", data["lon"], 121.3, 122.1)
    if "lat" in data:
        clean["lat"] = _coordinate(errors, "lat", data["lat"], 30.8, 31.5)
    if "grid_cell" in data:
        clean["grid_cell"] = _text(errors, "grid_cell", data["grid_cell"], required=False, max_length=20)
    return clean


@transaction.atomic
def address_register(*, text: str, area_code: str, lon: Any, lat: Any, source: Organisation,
                     by: Any = None) -> Address:
    """Add a geocoded address (grid cells are assigned later by the grid module)."""
    errors = _Errors()
    _check_source(errors, source)
    clean = _clean_address(errors, {"text": text, "area_code": area_code, "lon": lon, "lat": lat})
    if clean.get("text") and Address.objects.filter(text=clean["text"]).exists():
        errors.add("text", _("This address is already in the registry."))
    errors.raise_if_any()
    now = timezone.now()
    address = Address.objects.create(source=source, version=1, created_at=now, updated_at=now, **clean)
    _record_change(spec=ADDRESS, record=address, changes=_changed_values(ADDRESS, {}, clean), source=source,
                   by=by, verb="register")
    return address


@transaction.atomic
def address_update(*, address: Address, changes: dict[str, Any], source: Organisation, by: Any = None) -> Address:
    return _update(spec=ADDRESS, record=address, changes=changes, source=source, by=by,  # type: ignore[no-any-return]
                   clean_fn=_clean_address)


# --- field-level access ----------------------------------------------------------------------------------


@transaction.atomic
def field_grant_set(*, organisation: Organisation, registry: str, fields: Iterable[str], by: Any = None,
                    origin: str = "local") -> RegistryFieldGrant | None:
    """Set the fields of ``registry`` that ``organisation`` may read under ``origin``; no fields revokes.

    The sharing catalogue calls this with ``origin="sharing:<grant id>"`` when it grants or withdraws a
    registry resource, so each of its grants stays a separate, separately revocable row.
    """
    fields = list(dict.fromkeys(fields))
    errors = _Errors()
    if registry not in Registry.values:
        errors.add("registry", _("Unknown registry."))
    else:
        unknown = [f for f in fields if f not in SPECS[registry].fields]
        if unknown:
            errors.add("fields", _("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)})
    if not origin or len(origin) > 40:
        errors.add("origin", _("Name the grant's origin in at most 40 characters."))
    errors.raise_if_any()
    current = RegistryFieldGrant.objects.filter(organisation=organisation, registry=registry, origin=origin).first()
    by_user = by if getattr(by, "is_authenticated", False) else None
    details = {"organisation": organisation.code, "registry": registry, "origin": origin, "fields": fields}
    if not fields:
        if current is not None:
            current.delete()
            audit_record(action="registries.grant.revoke", actor=by_user, obj=organisation, details=details)
        return None
    if current is None:
        current = RegistryFieldGrant(organisation=organisation, registry=registry, origin=origin)
    elif current.fields == fields:
        return current
    current.fields = fields
    current.granted_at = timezone.now()
    current.granted_by = by_user
    current.save()
    audit_record(action="registries.grant.set", actor=by_user, obj=organisation, details=details)
    return current
