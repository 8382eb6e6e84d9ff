"""Writes of the service catalogue. Each runs in one transaction and leaves an audit record.

The life of a version: a draft is edited freely (guide, form definition, materials, process);
publishing it retires the version published before it; a published version is never edited — a
change starts a new draft, copied from the newest version. Cases hold a foreign key to the version
they were accepted under, so they keep it whatever is published later.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.audit.public import audit_record
from yiwang.core.public import FieldErrors as _Errors
from yiwang.core.public import NotFound, ValidationFailed
from yiwang.identity.public import AssuranceLevel, Organisation, OrgKind, User

from . import formschema
from .models import (
    ApplicantKind,
    LifeEvent,
    MaterialForm,
    MaterialMedium,
    MaterialRequirement,
    Matter,
    MatterType,
    MatterVersion,
    VersionStatus,
)

MATTER_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,31}$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
CONTENT_TYPE = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")

# Text fields of the guide, with their length limits (0: unlimited text).
TEXT_FIELDS: dict[str, int] = {
    "name": 120, "name_en": 200, "summary": 0, "legal_basis": 0, "acceptance_conditions": 0, "fees": 0,
    "fee_basis": 0, "windows": 0, "hours": 200, "result_name": 200, "result_delivery": 0, "consultation": 0,
    "complaint": 0, "change_note": 200,
}
BOOL_FIELDS = ("on_the_spot", "charges_fee", "apply_online")
DAY_FIELDS = ("statutory_days", "promised_days", "visits_needed")
# Every key a guide may carry (services take a dict of these; missing keys keep their value).
GUIDE_FIELDS = (*TEXT_FIELDS, *BOOL_FIELDS, *DAY_FIELDS, "matter_type", "applicant_kind", "required_assurance",
                "lead_department", "departments", "life_events", "form_schema")
MATERIAL_FIELDS = ("code", "name", "name_en", "description", "form", "copies", "medium", "required",
                   "content_types", "max_bytes", "sample_url")
MAX_DAYS = 365


def _require_draft(version: MatterVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ValidationFailed(
            _("Version %(number)s of %(code)s is %(status)s: a published or retired version is never changed; "
              "start a new draft.") % {"number": version.number, "code": version.matter.code,
                                       "status": version.get_status_display()},
            code="version_not_draft")


def _locked(version: MatterVersion) -> MatterVersion:
    """The version re-read under a row lock, so two admins never publish or edit it at once."""
    return MatterVersion.objects.select_for_update().select_related("matter").get(pk=version.pk)


# --- life events -------------------------------------------------------------------------------------


@transaction.atomic
def life_event_create(*, code: str, name: str, by: User | None, name_en: str = "",
                      audience: str = ApplicantKind.BOTH, sort_order: int = 0) -> LifeEvent:
    """Add a life event (出生, 就业, 开办企业 …) the public catalogue can be browsed by."""
    errors = _Errors()
    code, name, name_en = (code or "").strip(), (name or "").strip(), (name_en or "").strip()
    if not SLUG.match(code):
        errors.add("code", _("Use lower-case letters, digits, - and _ (at most 40)."))
    elif LifeEvent.objects.filter(code=code).exists():
        errors.add("code", _("A life event with this code exists."))
    if not name or len(name) > 60:
        errors.add("name", _("Give a name of at most 60 characters."))
    if len(name_en) > 100:
        errors.add("name_en", _("Give a name of at most 100 characters."))
    if audience not in ApplicantKind.values:
        errors.add("audience", _("Choose who the life event is for."))
    errors.raise_if_any()
    event = LifeEvent.objects.create(code=code, name=name, name_en=name_en, audience=audience,
                                     sort_order=sort_order)
    audit_record(action="catalog.life_event.create", actor=by, obj=event, details={"code": code})
    return event


# --- the guide ---------------------------------------------------------------------------------------


def _apply_guide(version: MatterVersion, guide: Mapping[str, Any], errors: _Errors) -> dict[str, Any]:
    """Check the given guide fields and set them on ``version`` (unsaved); return the many-to-many values."""
    unknown = sorted(set(guide) - set(GUIDE_FIELDS))
    for key in unknown:
        errors.add(key, _("The service guide has no such element."))
    for key, limit in TEXT_FIELDS.items():
        if key in guide:
            value = str(guide[key] if guide[key] is not None else "").strip()
            if limit and len(value) > limit:
                errors.add(key, _("Enter at most %(n)d characters.") % {"n": limit})
            setattr(version, key, value)
    for key in BOOL_FIELDS:
        if key in guide:
            if not isinstance(guide[key], bool):
                errors.add(key, _("Enter true or false."))
            else:
                setattr(version, key, guide[key])
    for key in DAY_FIELDS:
        if key in guide:
            value = guide[key]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
                errors.add(key, _("Enter a whole number from 0 to %(max)d.") % {"max": MAX_DAYS})
            else:
                setattr(version, key, value)
    if "matter_type" in guide:
        if guide["matter_type"] not in MatterType.values:
            errors.add("matter_type", _("Choose one of the matter types."))
        else:
            version.matter_type = guide["matter_type"]
    if "applicant_kind" in guide:
        if guide["applicant_kind"] not in ApplicantKind.values:
            errors.add("applicant_kind", _("Choose who may apply."))
        else:
            version.applicant_kind = guide["applicant_kind"]
    if "required_assurance" in guide:
        if guide["required_assurance"] not in AssuranceLevel.values:
            errors.add("required_assurance", _("Choose one of the identity assurance levels."))
        else:
            version.required_assurance = guide["required_assurance"]
    if "lead_department" in guide:
        lead = guide["lead_department"]
        if lead is not None and not isinstance(lead, Organisation):
            errors.add("lead_department", _("Choose a department."))
        else:
            version.lead_department = lead
    if "form_schema" in guide:
        schema = guide["form_schema"] or {}
        problems = formschema.schema_errors(schema) if schema else []
        for problem in problems:
            errors.add("form_schema", problem)
        if not problems:
            version.form_schema = dict(schema)
            version.form_order = list(schema.get("properties", {})) if schema else []
    many: dict[str, Any] = {}
    if "departments" in guide:
        departments = list(guide["departments"] or [])
        if not all(isinstance(d, Organisation) for d in departments):
            errors.add("departments", _("Choose departments."))
        many["departments"] = departments
    if "life_events" in guide:
        events = list(guide["life_events"] or [])
        if not all(isinstance(e, LifeEvent) for e in events):
            errors.add("life_events", _("Choose life events."))
        many["life_events"] = events
    # Rules across fields, checked on the values the version will have.
    if version.on_the_spot and version.promised_days != 0:
        errors.add("promised_days", _("A matter decided on the spot (即办件) has a promised limit of 0 days."))
    if not version.on_the_spot and version.statutory_days and version.promised_days > version.statutory_days:
        errors.add("promised_days", _("The promised limit cannot be longer than the statutory limit."))
    return many


def _save_guide(version: MatterVersion, many: Mapping[str, Any]) -> None:
    version.save()
    if "life_events" in many:
        version.life_events.set(many["life_events"])
    departments = list(many["departments"]) if "departments" in many else None
    if version.lead_department is not None:
        # The lead department is always one of the responsible departments.
        current = departments if departments is not None else list(version.departments.all())
        if version.lead_department not in current:
            departments = [version.lead_department, *current]
    if departments is not None:
        version.departments.set(departments)


@transaction.atomic
def matter_create(*, code: str, guide: Mapping[str, Any], by: User | None) -> MatterVersion:
    """Create a matter with a stable code and its first draft version (version 1)."""
    errors = _Errors()
    code = (code or "").strip().upper()
    if not MATTER_CODE.match(code):
        errors.add("code", _("Use 3 to 32 capital letters, digits and hyphens, e.g. PD-SWJ-0001."))
    elif Matter.objects.filter(code=code).exists():
        errors.add("code", _("A matter with this code exists."))
    version = MatterVersion(number=1, status=VersionStatus.DRAFT, created_by=by)
    many = _apply_guide(version, guide, errors)
    if not version.name:
        errors.add("name", _("Give the matter a name."))
    if not version.matter_type:
        errors.add("matter_type", _("Choose one of the matter types."))
    errors.raise_if_any()
    matter = Matter.objects.create(code=code, created_by=by)
    version.matter = matter
    _save_guide(version, many)
    audit_record(action="catalog.matter.create", actor=by, obj=version,
                 details={"code": code, "version": 1, "name": version.name})
    return version


def _copy_version(source: MatterVersion, *, number: int, by: User | None) -> MatterVersion:
    copy = MatterVersion.objects.get(pk=source.pk)
    departments = list(source.departments.all())
    life_events = list(source.life_events.all())
    materials = list(source.materials.all())
    copy.pk = None
    copy.number = number
    copy.status = VersionStatus.DRAFT
    copy.change_note = ""
    copy.created_by = by
    copy.published_at = copy.published_by = copy.retired_at = None  # type: ignore[assignment]
    copy._state.adding = True
    copy.save()  # an insert: auto_now_add stamps created_at anew
    copy.departments.set(departments)
    copy.life_events.set(life_events)
    for material in materials:
        material.pk = None
        material.version = copy
        material._state.adding = True
    MaterialRequirement.objects.bulk_create(materials)
    return copy


@transaction.atomic
def matter_version_draft_create(*, matter: Matter, by: User | None) -> MatterVersion:
    """Start a new draft of ``matter``, a copy of its newest version (guide, form, materials, process)."""
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    if matter.versions.filter(status=VersionStatus.DRAFT).exists():
        raise ValidationFailed(_("%(code)s already has a draft: edit that one.") % {"code": matter.code},
                               code="draft_exists")
    newest = matter.versions.order_by("-number").first()
    if newest is None:  # pragma: no cover - matter_create always makes version 1
        raise NotFound(_("The matter has no version to copy."))
    number = (matter.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = _copy_version(newest, number=number, by=by)
    audit_record(action="catalog.version.create", actor=by, obj=draft,
                 details={"code": matter.code, "version": number, "copied_from": newest.number})
    return draft


@transaction.atomic
def matter_version_update(*, version: MatterVersion, guide: Mapping[str, Any], by: User | None) -> MatterVersion:
    """Change elements of a draft's service guide and its form definition. Drafts only."""
    version = _locked(version)
    _require_draft(version)
    errors = _Errors()
    before = {key: getattr(version, key) for key in (*TEXT_FIELDS, *BOOL_FIELDS, *DAY_FIELDS, "form_schema")}
    many = _apply_guide(version, guide, errors)
    if not version.name:
        errors.add("name", _("Give the matter a name."))
    errors.raise_if_any()
    _save_guide(version, many)
    changed = sorted(k for k, v in before.items() if getattr(version, k) != v)
    audit_record(action="catalog.version.update", actor=by, obj=version,
                 details={"code": version.matter.code, "version": version.number,
                          "changed": changed + sorted(k for k in ("lead_department", "required_assurance",
                                                                 "matter_type", "applicant_kind",
                                                                 "departments", "life_events") if k in guide)})
    return version


def _clean_material(row: Mapping[str, Any], index: int, errors: _Errors) -> MaterialRequirement | None:
    where = f"materials.{index}"
    unknown = sorted(set(row) - set(MATERIAL_FIELDS))
    if unknown:
        errors.add(where, _("Unknown material elements: %(keys)s.") % {"keys": ", ".join(unknown)})
        return None
    code = str(row.get("code") or "").strip()
    name = str(row.get("name") or "").strip()
    problems: list[str] = []
    if not SLUG.match(code):
        problems.append(_("code: use lower-case letters, digits, - and _ (at most 40)."))
    if not name or len(name) > 200:
        problems.append(_("name: give a name of at most 200 characters."))
    form = row.get("form", MaterialForm.ORIGINAL)
    if form not in MaterialForm.values:
        problems.append(_("form: choose original, copy or original_and_copy."))
    medium = row.get("medium", MaterialMedium.ELECTRONIC)
    if medium not in MaterialMedium.values:
        problems.append(_("medium: choose paper, electronic or both."))
    copies = row.get("copies", 1)
    if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= 99:
        problems.append(_("copies: enter a whole number from 1 to 99."))
    required = row.get("required", True)
    if not isinstance(required, bool):
        problems.append(_("required: enter true or false."))
    content_types = row.get("content_types", [])
    if not isinstance(content_types, list) or not all(isinstance(t, str) and CONTENT_TYPE.match(t)
                                                       for t in content_types):
        problems.append(_("content_types: give a list of media types such as application/pdf."))
    max_bytes = row.get("max_bytes", 10 * 1024 * 1024)
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or not 1 <= max_bytes <= 200 * 1024 * 1024:
        problems.append(_("max_bytes: enter a size from 1 byte to 200 MB."))
    sample_url = str(row.get("sample_url") or "").strip()
    if sample_url and not re.match(r"^(https?://|/)\S+$", sample_url):
        problems.append(_("sample_url: give a web address."))
    for problem in problems:
        errors.add(where, problem)
    if problems:
        return None
    return MaterialRequirement(code=code, name=name, name_en=str(row.get("name_en") or "").strip()[:300],
                               description=str(row.get("description") or "").strip(), form=form,
                               copies=copies, medium=medium, required=required, content_types=content_types,
                               max_bytes=max_bytes, sample_url=sample_url, sort_order=index)


@transaction.atomic
def matter_version_materials_set(*, version: MatterVersion, materials: Iterable[Mapping[str, Any]],
                                 by: User | None) -> list[MaterialRequirement]:
    """Replace a draft's materials list with ``materials`` (dicts of MATERIAL_FIELDS), in that order."""
    version = _locked(version)
    _require_draft(version)
    errors = _Errors()
    rows: list[MaterialRequirement] = []
    seen: set[str] = set()
    for index, row in enumerate(materials):
        material = _clean_material(row, index, errors)
        if material is None:
            continue
        if material.code in seen:
            errors.add(f"materials.{index}", _("code: \"%(code)s\" appears twice.") % {"code": material.code})
        seen.add(material.code)
        material.version = version
        rows.append(material)
    errors.raise_if_any(_("The materials list has errors."))
    version.materials.all().delete()
    MaterialRequirement.objects.bulk_create(rows)
    audit_record(action="catalog.version.materials", actor=by, obj=version,
                 details={"code": version.matter.code, "version": version.number, "materials": [m.code for m in rows]})
    return list(version.materials.all())


@transaction.atomic
def matter_version_process_attach(*, version: MatterVersion, bpmn: bytes | str, by: User) -> MatterVersion:
    """Store a BPMN 2.0 file as the draft's process (a new immutable process definition version).

    The workflow app parses and checks it (every user task in a known department's lane). Each
    department with a lane in the process becomes one of the matter's responsible departments.
    """
    from yiwang.workflow.public import process_definition_create, process_definition_departments

    version = _locked(version)
    _require_draft(version)
    definition = process_definition_create(bpmn=bpmn, name=version.matter.code, by=by)
    version.process = definition
    version.save(update_fields=["process"])
    lanes = [org for org in process_definition_departments(definition=definition)
             if org.kind != OrgKind.CENTRE and org.kind != OrgKind.WINDOW]
    version.departments.add(*lanes)
    audit_record(action="catalog.version.process", actor=by, obj=version,
                 details={"code": version.matter.code, "version": version.number,
                          "process": definition.pk, "process_version": definition.version,
                          "departments": [org.code for org in lanes]})
    return version


def publish_problems(version: MatterVersion) -> dict[str, list[str]]:
    """What keeps a draft from being published (empty when it is complete)."""
    errors = _Errors()
    for key in ("name", "legal_basis", "acceptance_conditions", "windows", "hours", "result_name",
                "result_delivery", "consultation", "complaint"):
        if not getattr(version, key):
            errors.add(key, _("The service guide needs this element before it is published."))
    if version.lead_department is None:
        errors.add("lead_department", _("Choose the lead department."))
    if version.charges_fee and not (version.fees and version.fee_basis):
        errors.add("fees", _("A matter that charges a fee states the fees and their basis."))
    if not version.on_the_spot:
        if not version.promised_days:
            errors.add("promised_days", _("Give the promised time limit, or mark the matter as decided on the spot."))
        if not version.statutory_days:
            errors.add("statutory_days", _("Give the statutory time limit."))
        if version.process_id is None:
            errors.add("process", _("Upload the BPMN process: only a matter decided on the spot may go without."))
    if not version.form_schema:
        errors.add("form_schema", _("Give the application form definition."))
    else:
        for problem in formschema.schema_errors(version.form_schema):
            errors.add("form_schema", problem)
    return errors.fields


@transaction.atomic
def matter_version_publish(*, version: MatterVersion, by: User | None) -> MatterVersion:
    """Publish a complete draft. The version published before it is retired in the same transaction;
    cases already running keep the version they hold."""
    version = _locked(version)
    _require_draft(version)
    problems = publish_problems(version)
    if problems:
        raise ValidationFailed(_("The draft is not complete and cannot be published."), field_errors=problems,
                               code="version_incomplete")
    now = timezone.now()
    previous = (MatterVersion.objects.select_for_update()
                .filter(matter=version.matter, status=VersionStatus.PUBLISHED).first())
    if previous is not None:
        previous.status = VersionStatus.RETIRED
        previous.retired_at = now
        previous.save(update_fields=["status", "retired_at"])
        audit_record(action="catalog.version.retire", actor=by, obj=previous,
                     details={"code": version.matter.code, "version": previous.number,
                              "replaced_by": version.number})
    version.status = VersionStatus.PUBLISHED
    version.published_at = now
    version.published_by = by
    version.save(update_fields=["status", "published_at", "published_by"])
    audit_record(action="catalog.version.publish", actor=by, obj=version,
                 details={"code": version.matter.code, "version": version.number,
                          "replaces": previous.number if previous else None})
    return version


@transaction.atomic
def matter_version_retire(*, version: MatterVersion, by: User | None) -> MatterVersion:
    """Close a published version to new applications. Running cases carry on under it."""
    version = _locked(version)
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationFailed(_("Only the published version can be retired."), code="version_not_published")
    version.status = VersionStatus.RETIRED
    version.retired_at = timezone.now()
    version.save(update_fields=["status", "retired_at"])
    audit_record(action="catalog.version.retire", actor=by, obj=version,
                 details={"code": version.matter.code, "version": version.number})
    return version


# --- import (the `yiwang catalog publish` command and the demo data) ----------------------------------


def _resolve(data: Mapping[str, Any], errors: _Errors) -> dict[str, Any]:
    """The guide of a matter file: department and life-event codes looked up."""
    guide: dict[str, Any] = {k: v for k, v in data.items() if k in GUIDE_FIELDS}
    if "lead_department" in data:
        code = data["lead_department"]
        guide["lead_department"] = Organisation.objects.filter(code=code).first()
        if guide["lead_department"] is None:
            errors.add("lead_department", _("No organisation has the code %(code)s.") % {"code": code})
    if "departments" in data:
        codes = list(data["departments"] or [])
        found = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
        for code in codes:
            if code not in found:
                errors.add("departments", _("No organisation has the code %(code)s.") % {"code": code})
        guide["departments"] = [found[c] for c in codes if c in found]
    if "life_events" in data:
        codes = list(data["life_events"] or [])
        events = {e.code: e for e in LifeEvent.objects.filter(code__in=codes)}
        for code in codes:
            if code not in events:
                errors.add("life_events", _("No life event has the code %(code)s.") % {"code": code})
        guide["life_events"] = [events[c] for c in codes if c in events]
    return guide


@transaction.atomic
def matter_import(*, data: Mapping[str, Any], by: User, bpmn: bytes | str | None = None,
                  publish: bool = True) -> MatterVersion:
    """Create or update a matter from a matter file (docs/adding-a-matter.md) and, by default, publish it.

    A new matter gets version 1; an existing one gets its open draft updated or a new draft. The
    whole file is applied in one transaction: any error leaves the catalogue as it was.
    """
    if not isinstance(data, Mapping):
        raise ValidationFailed(_("A matter file is a JSON object."))
    errors = _Errors()
    allowed = {"code", "materials", *GUIDE_FIELDS}
    for key in sorted(set(data) - allowed):
        errors.add(key, _("The matter file has no such element."))
    code = str(data.get("code") or "").strip().upper()
    guide = _resolve(data, errors)
    materials = data.get("materials")
    if materials is not None and not isinstance(materials, list):
        errors.add("materials", _("Give the materials as a list."))
    errors.raise_if_any(_("The matter file has errors."))
    matter = Matter.objects.filter(code=code).first()
    if matter is None:
        version = matter_create(code=code, guide=guide, by=by)
    else:
        version = matter.versions.filter(status=VersionStatus.DRAFT).first() or \
            matter_version_draft_create(matter=matter, by=by)
        version = matter_version_update(version=version, guide=guide, by=by)
    if materials is not None:
        matter_version_materials_set(version=version, materials=materials, by=by)
    if bpmn is not None:
        version = matter_version_process_attach(version=version, bpmn=bpmn, by=by)
    if publish:
        version = matter_version_publish(version=version, by=by)
    return version
