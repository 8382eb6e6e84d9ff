"""Registries' public surface: the only module other apps import from ``yiwang.registries``.

Lookups return only the fields the asking department is granted (docs/registries.md)::

    person_lookup(id_number="310115199306151033", fields=["name", "birth_date"], organisation=tax)
    legal_person_lookup(credit_code="91310115MA1YW0012F", fields=["name", "status"], organisation=tax)

The sharing catalogue grants fields with ``field_grant_set(..., origin="sharing:<id>")`` or feeds them in
through ``register_grant_source``.
"""

from .catalogue import SPECS as REGISTRY_FIELDS
from .models import Address, LegalPerson, Person, RecordVersion, Registry, RegistryFieldGrant, RegistryImport
from .reference import AREAS, Industry, LegalPersonKind, LegalPersonStatus, Sex, area_name
from .selectors import (
    FieldChange,
    VersionView,
    granted_fields,
    legal_person_lookup,
    person_lookup,
    record_history,
    register_grant_source,
)
from .services import (
    address_register,
    address_update,
    field_grant_set,
    legal_person_register,
    legal_person_update,
    person_register,
    person_update,
)

__all__ = [
    "AREAS", "Address", "FieldChange", "Industry", "LegalPerson", "LegalPersonKind", "LegalPersonStatus", "Person",
    "REGISTRY_FIELDS", "RecordVersion", "Registry", "RegistryFieldGrant", "RegistryImport", "Sex", "VersionView",
    "address_register", "address_update", "area_name", "field_grant_set", "granted_fields", "legal_person_lookup",
    "legal_person_register", "legal_person_update", "person_lookup", "person_register", "person_update",
    "record_history", "register_grant_source",
]
