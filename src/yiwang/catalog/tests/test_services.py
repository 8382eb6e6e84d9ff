"""The life of a matter: create, edit drafts, attach a process, publish, retire; versions are pinned."""

from __future__ import annotations

import pytest

from yiwang.audit.public import AuditRecord
from yiwang.catalog import services
from yiwang.catalog.models import LifeEvent, MaterialRequirement, Matter, MatterVersion, VersionStatus
from yiwang.catalog.public import materials_of, matter_version_for_application
from yiwang.conftest import run_together
from yiwang.core.public import NotFound, ValidationFailed
from yiwang.workflow.models import ProcessDefinition

from .conftest import BPMN, MATERIALS


def _actions() -> list[str]:
    return list(AuditRecord.objects.filter(action__startswith="catalog.").values_list("action", flat=True))


def _counts() -> tuple[int, ...]:
    return (Matter.objects.count(), MatterVersion.objects.count(), MaterialRequirement.objects.count(),
            ProcessDefinition.objects.count(), AuditRecord.objects.count())


def test_matter_create_makes_draft_version_one(draft, market):
    assert (draft.number, draft.status, draft.matter.code) == (1, VersionStatus.DRAFT, "PD-SCJGJ-0001")
    assert list(draft.departments.all()) == [market]  # the lead department is always responsible
    assert draft.form_order[:2] == ["company_name", "kind"]
    assert _actions() == ["catalog.matter.create"]


@pytest.mark.parametrize(("code", "changes", "fields"), [
    ("PD X/1", {}, {"code"}),
    ("PD-SCJGJ-0002", {"name": ""}, {"name"}),
    ("PD-SCJGJ-0002", {"matter_type": "tax"}, {"matter_type"}),
    ("PD-SCJGJ-0002", {"promised_days": 11}, {"promised_days"}),
    ("PD-SCJGJ-0002", {"on_the_spot": True}, {"promised_days"}),
    ("PD-SCJGJ-0002", {"statutory_days": -1, "visits_needed": "2"}, {"statutory_days", "visits_needed"}),
    ("PD-SCJGJ-0002", {"required_assurance": 9}, {"required_assurance"}),
    ("PD-SCJGJ-0002", {"form_schema": {"type": "object", "properties": {"x": {"type": "file"}}}}, {"form_schema"}),
    ("PD-SCJGJ-0002", {"colour": "red"}, {"colour"}),
])
def test_bad_guides_are_refused_and_nothing_is_written(guide, platform_admin, code, changes, fields):
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        services.matter_create(code=code, guide={**guide, **changes}, by=platform_admin)
    assert set(caught.value.field_errors) == fields
    assert _counts() == before


def test_a_matter_code_is_unique(draft, guide, platform_admin):
    with pytest.raises(ValidationFailed) as caught:
        services.matter_create(code="pd-scjgj-0001", guide=guide, by=platform_admin)
    assert "code" in caught.value.field_errors


def test_update_changes_a_draft(draft, platform_admin):
    services.matter_version_update(version=draft, guide={"promised_days": 3, "hours": "全天"}, by=platform_admin)
    draft.refresh_from_db()
    assert (draft.promised_days, draft.hours) == (3, "全天")
    record = AuditRecord.objects.filter(action="catalog.version.update").get()
    assert set(record.details["changed"]) >= {"promised_days", "hours"}


def test_materials_set_replaces_the_list_in_order(draft, platform_admin):
    services.matter_version_materials_set(version=draft, materials=MATERIALS, by=platform_admin)
    assert [m.code for m in materials_of(version=draft)] == ["application", "lease"]
    services.matter_version_materials_set(version=draft, materials=MATERIALS[1:], by=platform_admin)
    assert [(m.code, m.copies, m.required) for m in materials_of(version=draft)] == [("lease", 2, False)]


@pytest.mark.parametrize("row", [
    {"code": "Bad Code", "name": "x"},
    {"code": "a", "name": ""},
    {"code": "a", "name": "x", "form": "scan"},
    {"code": "a", "name": "x", "copies": 0},
    {"code": "a", "name": "x", "content_types": ["pdf"]},
    {"code": "a", "name": "x", "max_bytes": 0},
    {"code": "a", "name": "x", "colour": "red"},
])
def test_bad_materials_are_refused_and_the_list_is_unchanged(draft, platform_admin, row):
    services.matter_version_materials_set(version=draft, materials=MATERIALS, by=platform_admin)
    with pytest.raises(ValidationFailed) as caught:
        services.matter_version_materials_set(version=draft, materials=[MATERIALS[0], row], by=platform_admin)
    assert "materials.1" in caught.value.field_errors
    assert [m.code for m in materials_of(version=draft)] == ["application", "lease"]


def test_duplicate_material_codes_are_refused(draft, platform_admin):
    with pytest.raises(ValidationFailed):
        services.matter_version_materials_set(version=draft, materials=[MATERIALS[0], MATERIALS[0]],
                                              by=platform_admin)
    assert materials_of(version=draft) == []


def test_process_attach_stores_the_bpmn_and_adds_lane_departments(complete_draft, pd_tax, market):
    assert complete_draft.process is not None
    assert complete_draft.process.name == "PD-SCJGJ-0001"
    assert {d.code for d in complete_draft.departments.all()} == {"PD-SCJGJ", "PD-SWJ"}


def test_a_bad_bpmn_is_refused_and_nothing_is_stored(draft, platform_admin):
    unassigned = BPMN.replace("PD-SWJ 区税务局", "PD-NOWHERE 不存在")
    for bpmn in ("<not-xml", unassigned):
        before = _counts()
        with pytest.raises(ValidationFailed) as caught:
            services.matter_version_process_attach(version=draft, bpmn=bpmn, by=platform_admin)
        assert "bpmn" in caught.value.field_errors
        assert _counts() == before
    draft.refresh_from_db()
    assert draft.process is None


def test_an_incomplete_draft_is_not_published(draft, platform_admin):
    with pytest.raises(ValidationFailed) as caught:
        services.matter_version_publish(version=draft, by=platform_admin)
    assert caught.value.code == "version_incomplete"
    assert "process" in caught.value.field_errors
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_an_on_the_spot_matter_is_published_without_a_process(guide, platform_admin):
    version = services.matter_create(
        code="PD-MZJ-0001", by=platform_admin,
        guide={**guide, "on_the_spot": True, "promised_days": 0, "statutory_days": 0})
    services.matter_version_publish(version=version, by=platform_admin)
    assert matter_version_for_application(code="PD-MZJ-0001").process is None


def test_publish_opens_the_matter_for_applications(published, platform_admin):
    assert published.status == VersionStatus.PUBLISHED and published.published_by == platform_admin
    assert matter_version_for_application(code="PD-SCJGJ-0001") == published
    assert "catalog.version.publish" in _actions()


def test_a_published_version_is_never_edited(published, platform_admin):
    for call in (
        lambda: services.matter_version_update(version=published, guide={"hours": "x"}, by=platform_admin),
        lambda: services.matter_version_materials_set(version=published, materials=[], by=platform_admin),
        lambda: services.matter_version_process_attach(version=published, bpmn=BPMN, by=platform_admin),
        lambda: services.matter_version_publish(version=published, by=platform_admin),
    ):
        with pytest.raises(ValidationFailed) as caught:
            call()
        assert caught.value.code == "version_not_draft"
    published.refresh_from_db()
    assert published.hours == "工作日 9:00—17:00" and len(materials_of(version=published)) == 2


def test_a_new_version_retires_the_old_one_and_cases_keep_theirs(published, platform_admin):
    pinned = matter_version_for_application(code="PD-SCJGJ-0001")  # what a running case holds
    draft = services.matter_version_draft_create(matter=published.matter, by=platform_admin)
    assert (draft.number, draft.status, draft.process_id) == (2, VersionStatus.DRAFT, published.process_id)
    assert [m.code for m in materials_of(version=draft)] == ["application", "lease"]
    assert set(draft.departments.all()) == set(published.departments.all())
    with pytest.raises(ValidationFailed) as caught:
        services.matter_version_draft_create(matter=published.matter, by=platform_admin)
    assert caught.value.code == "draft_exists"

    services.matter_version_update(version=draft, guide={"promised_days": 3}, by=platform_admin)
    services.matter_version_publish(version=draft, by=platform_admin)

    pinned.refresh_from_db()
    assert pinned.status == VersionStatus.RETIRED and pinned.promised_days == 5  # unchanged for its cases
    current = matter_version_for_application(code="PD-SCJGJ-0001")
    assert (current.number, current.promised_days) == (2, 3)
    assert MatterVersion.objects.filter(matter=published.matter, status=VersionStatus.PUBLISHED).count() == 1


def test_retire_closes_the_matter(published, platform_admin):
    services.matter_version_retire(version=published, by=platform_admin)
    with pytest.raises(ValidationFailed) as caught:
        matter_version_for_application(code="PD-SCJGJ-0001")
    assert caught.value.code == "matter_not_open"
    with pytest.raises(ValidationFailed):
        services.matter_version_retire(version=published, by=platform_admin)


def test_a_draft_only_matter_is_not_open_and_an_unknown_one_not_found(draft):
    with pytest.raises(ValidationFailed) as caught:
        matter_version_for_application(code="PD-SCJGJ-0001")
    assert caught.value.code == "matter_not_open"
    with pytest.raises(NotFound):
        matter_version_for_application(code="PD-NONE-0001")


def test_life_event_create_and_refusals(platform_admin):
    event = services.life_event_create(code="birth", name="出生", name_en="Birth", by=platform_admin)
    assert LifeEvent.objects.get(code="birth") == event
    with pytest.raises(ValidationFailed) as caught:
        services.life_event_create(code="birth", name="", by=platform_admin)
    assert set(caught.value.field_errors) == {"code", "name"}
    assert LifeEvent.objects.count() == 1


def test_matter_import_creates_then_updates_with_a_new_version(market, pd_tax, platform_admin, guide):
    services.life_event_create(code="business_startup", name="开办企业", by=platform_admin)
    data = {**{k: v for k, v in guide.items() if k != "lead_department"}, "code": "PD-SCJGJ-0009",
            "lead_department": "PD-SCJGJ", "departments": ["PD-SCJGJ"], "life_events": ["business_startup"],
            "materials": MATERIALS}
    first = services.matter_import(data=data, bpmn=BPMN, by=platform_admin)
    assert (first.number, first.status) == (1, VersionStatus.PUBLISHED)
    assert [e.code for e in first.life_events.all()] == ["business_startup"]
    second = services.matter_import(data={**data, "promised_days": 2}, by=platform_admin)
    assert (second.number, second.status, second.promised_days) == (2, VersionStatus.PUBLISHED, 2)
    assert second.process_id == first.process_id  # copied from the version before
    first.refresh_from_db()
    assert first.status == VersionStatus.RETIRED


def test_matter_import_with_errors_changes_nothing(market, platform_admin, guide):
    data = {**{k: v for k, v in guide.items() if k != "lead_department"}, "code": "PD-SCJGJ-0009",
            "lead_department": "PD-NOWHERE", "life_events": ["nope"], "materials": MATERIALS}
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        services.matter_import(data=data, bpmn=BPMN, by=platform_admin)
    assert set(caught.value.field_errors) == {"lead_department", "life_events"}
    assert _counts() == before
    # A later step failing (the BPMN) rolls back the matter created before it.
    data.update(lead_department="PD-SCJGJ", life_events=[])
    with pytest.raises(ValidationFailed):
        services.matter_import(data=data, bpmn="<broken", by=platform_admin)
    assert _counts() == before


def test_the_database_allows_one_published_and_one_draft_version_per_matter(published):
    from django.db import IntegrityError, transaction

    def add(number: int, status: str) -> MatterVersion:
        return MatterVersion.objects.create(matter=published.matter, number=number, status=status, name="x",
                                            matter_type="licensing")

    with pytest.raises(IntegrityError), transaction.atomic():
        add(2, VersionStatus.PUBLISHED)
    add(2, VersionStatus.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        add(3, VersionStatus.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        add(2, VersionStatus.RETIRED)  # the same number twice


@pytest.mark.django_db(transaction=True)
def test_two_admins_publishing_the_same_draft_at_once_publish_it_once(published, platform_admin):
    """PostgreSQL only: row locks serialise the two publishes; the second finds no draft any more."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL)")
    draft = services.matter_version_draft_create(matter=published.matter, by=platform_admin)

    def publish(_: int) -> str:
        try:
            services.matter_version_publish(version=draft, by=platform_admin)
        except ValidationFailed as exc:
            return exc.code
        return "published"

    outcomes, errors = run_together(2, publish)
    assert not errors
    assert sorted(outcomes) == ["published", "version_not_draft"]
    assert list(MatterVersion.objects.filter(matter=published.matter).order_by("number")
                .values_list("status", flat=True)) == [VersionStatus.RETIRED, VersionStatus.PUBLISHED]
    assert AuditRecord.objects.filter(action="catalog.version.publish", object_id=str(draft.pk)).count() == 1
