"""Pages: the public catalogue and guides (no login), the administration pages (platform admins only)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yiwang.audit.public import AuditRecord
from yiwang.catalog import services
from yiwang.catalog.models import LifeEvent, Matter, MatterVersion, VersionStatus
from yiwang.conftest import english_client, staff_login
from yiwang.identity.models import Role

from .conftest import BPMN, SCHEMA

# --- public ------------------------------------------------------------------------------------------


def test_the_catalogue_lists_published_matters_only(published, guide, platform_admin):
    services.matter_create(code="PD-SCJGJ-0003", guide={**guide, "name": "草稿事项"}, by=platform_admin)
    page = Client().get("/matters/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "食品经营许可" in text and "PD-SCJGJ-0001" in text
    assert "草稿事项" not in text


@pytest.mark.parametrize(("query", "found"), [
    ("?q=食品", True), ("?q=scjgj-0001", True), ("?q=licence", True), ("?q=户口", False),
    ("?department=PD-SWJ", True), ("?department=PD-MZJ", False),
    ("?event=business_startup", True), ("?event=birth", False),
])
def test_the_catalogue_filters_by_search_department_and_life_event(published, platform_admin, query, found):
    event = services.life_event_create(code="business_startup", name="开办企业", by=platform_admin)
    published.life_events.add(event)
    services.life_event_create(code="birth", name="出生", by=platform_admin)
    page = Client().get(f"/matters/{query}")
    assert page.status_code == 200
    assert ("/matters/PD-SCJGJ-0001/" in page.content.decode()) is found


def test_the_guide_page_shows_every_element_and_links_to_apply(published):
    page = Client().get("/matters/PD-SCJGJ-0001/")
    assert page.status_code == 200
    text = page.content.decode()
    for element in ("食品经营许可", "《中华人民共和国食品安全法》第三十五条", "已取得营业执照。", "申请书", "租赁合同",
                    "浦东新区市民中心", "工作日 9:00—17:00", "食品经营许可证", "电子证照", "区市场监管局", "区税务局",
                    "企业名称", "不收费"):
        assert element in text, element
    assert 'href="/matters/PD-SCJGJ-0001/apply/"' in text


def test_the_guide_page_in_english(published):
    text = english_client().get("/matters/PD-SCJGJ-0001/").content.decode()
    assert "Food business licence" in text and "Company name" in text and "No fee" in text


def test_a_retired_matter_shows_its_guide_without_apply(published, platform_admin):
    services.matter_version_retire(version=published, by=platform_admin)
    text = Client().get("/matters/PD-SCJGJ-0001/").content.decode()
    assert "/apply/" not in text
    assert Client().get("/matters/").content.decode().count("PD-SCJGJ-0001") == 0


def test_unknown_and_draft_only_matters_are_404(draft):
    assert Client().get("/matters/PD-SCJGJ-0001/").status_code == 404
    assert Client().get("/matters/PD-NONE-0001/").status_code == 404


# --- administration ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(platform_admin) -> Client:
    return staff_login(Client(), platform_admin)


ADMIN_GETS = ["/workbench/catalog/", "/workbench/catalog/new/", "/workbench/catalog/life-events/",
              "/workbench/catalog/matters/PD-SCJGJ-0001/",
              "/workbench/catalog/versions/{pk}/", "/workbench/catalog/versions/{pk}/guide/",
              "/workbench/catalog/versions/{pk}/materials/"]
ADMIN_POSTS = ["/workbench/catalog/matters/PD-SCJGJ-0001/draft/", "/workbench/catalog/versions/{pk}/publish/",
               "/workbench/catalog/versions/{pk}/retire/", "/workbench/catalog/versions/{pk}/process/",
               "/workbench/catalog/versions/{pk}/guide/", "/workbench/catalog/new/",
               "/workbench/catalog/life-events/"]


@pytest.mark.parametrize("role", [Role.HANDLER, Role.DEPARTMENT_HEAD, Role.WINDOW_CLERK, Role.SUPERVISOR])
def test_staff_who_are_not_platform_admins_are_denied_everything(published, make_staff, market, role):
    client = staff_login(Client(), make_staff(market, role))
    for url in ADMIN_GETS:
        assert client.get(url.format(pk=published.pk)).status_code == 403, url
    before = MatterVersion.objects.count()
    for url in ADMIN_POSTS:
        assert client.post(url.format(pk=published.pk)).status_code == 403, url
    published.refresh_from_db()
    assert published.status == VersionStatus.PUBLISHED and MatterVersion.objects.count() == before
    assert AuditRecord.objects.filter(action="audit.access.denied", details__what="catalog.admin").exists()


def test_anonymous_and_citizens_are_kept_out(published, citizen):
    assert Client().get("/workbench/catalog/").status_code == 302  # to the login page
    client = Client()
    client.force_login(citizen)
    assert client.get("/workbench/catalog/").status_code == 403


def test_admin_pages_render(admin_client, published):
    for url in ADMIN_GETS:
        response = admin_client.get(url.format(pk=published.pk))
        assert response.status_code in (200, 302), url
    assert "PD-SCJGJ-0001" in admin_client.get("/workbench/catalog/").content.decode()
    version_page = admin_client.get(f"/workbench/catalog/versions/{published.pk}/").content.decode()
    assert 'id="id_company_name"' in version_page  # the form preview
    assert "/retire/" in version_page and "/publish/" not in version_page


def _guide_post(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "排水许可", "name_en": "", "matter_type": "licensing", "applicant_kind": "enterprise",
        "summary": "", "legal_basis": "《城镇排水与污水处理条例》", "acceptance_conditions": "条件",
        "statutory_days": "20", "promised_days": "10", "fees": "", "fee_basis": "", "apply_online": "on",
        "windows": "市民中心", "hours": "工作日", "visits_needed": "0", "result_name": "排水许可证",
        "result_delivery": "邮寄", "consultation": "12345", "complaint": "12345", "required_assurance": "2",
        "form_schema": json.dumps(SCHEMA, ensure_ascii=False), "change_note": "",
    }
    data.update(changes)
    return data


def test_an_admin_publishes_a_new_matter_without_code(admin_client, market, pd_tax):
    response = admin_client.post("/workbench/catalog/new/",
                                 _guide_post(code="PD-SCJGJ-0100", lead_department=market.pk))
    assert response.status_code == 302
    version = MatterVersion.objects.get(matter__code="PD-SCJGJ-0100")
    assert version.form_order == list(SCHEMA["properties"])

    formset = {"materials-TOTAL_FORMS": "1", "materials-INITIAL_FORMS": "0", "materials-MIN_NUM_FORMS": "0",
               "materials-MAX_NUM_FORMS": "60", "materials-0-code": "application", "materials-0-name": "申请书",
               "materials-0-form": "original", "materials-0-copies": "1", "materials-0-medium": "electronic",
               "materials-0-required": "on", "materials-0-content_types": "application/pdf, image/jpeg",
               "materials-0-max_mb": "5", "materials-0-sample_url": "", "materials-0-description": ""}
    assert admin_client.post(f"/workbench/catalog/versions/{version.pk}/materials/", formset).status_code == 302
    assert list(version.materials.values_list("content_types", "max_bytes")) == [
        (["application/pdf", "image/jpeg"], 5 * 1024 * 1024)]

    upload = SimpleUploadedFile("process.bpmn", BPMN.encode(), content_type="application/xml")
    assert admin_client.post(f"/workbench/catalog/versions/{version.pk}/process/", {"bpmn": upload}).status_code == 302
    assert admin_client.post(f"/workbench/catalog/versions/{version.pk}/publish/").status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert Client().get("/matters/PD-SCJGJ-0100/").status_code == 200


def test_a_malformed_form_schema_is_shown_as_an_error_and_not_saved(admin_client, draft):
    bad_json = admin_client.post(f"/workbench/catalog/versions/{draft.pk}/guide/",
                                 _guide_post(form_schema="{not json", lead_department=draft.lead_department_id))
    assert bad_json.status_code == 400
    assert 'id="id_form_schema_error"' in bad_json.content.decode()
    bad_schema = admin_client.post(
        f"/workbench/catalog/versions/{draft.pk}/guide/",
        _guide_post(form_schema='{"type": "object", "properties": {"x": {"type": "file", "title": "文件"}}}',
                    lead_department=draft.lead_department_id))
    assert bad_schema.status_code == 400
    assert 'id="id_form_schema_error"' in bad_schema.content.decode()
    assert "properties/x" in bad_schema.content.decode()
    draft.refresh_from_db()
    assert draft.name == "食品经营许可" and "company_name" in draft.form_schema["properties"]


def test_a_bad_bpmn_upload_is_refused_on_the_page(admin_client, draft):
    upload = SimpleUploadedFile("process.bpmn", b"<nope", content_type="application/xml")
    response = admin_client.post(f"/workbench/catalog/versions/{draft.pk}/process/", {"bpmn": upload})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.process is None


def test_publishing_an_incomplete_draft_says_what_is_missing(admin_client, draft):
    response = admin_client.post(f"/workbench/catalog/versions/{draft.pk}/publish/")
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_new_draft_publish_and_retire_through_the_pages(admin_client, published):
    assert admin_client.post("/workbench/catalog/matters/PD-SCJGJ-0001/draft/").status_code == 302
    draft = MatterVersion.objects.get(matter__code="PD-SCJGJ-0001", status=VersionStatus.DRAFT)
    assert admin_client.post(f"/workbench/catalog/versions/{draft.pk}/publish/").status_code == 302
    published.refresh_from_db()
    assert published.status == VersionStatus.RETIRED
    assert admin_client.post(f"/workbench/catalog/versions/{draft.pk}/retire/").status_code == 302
    assert not MatterVersion.objects.filter(status=VersionStatus.PUBLISHED).exists()
    assert Matter.objects.count() == 1


def test_a_published_version_cannot_be_edited_through_the_page(admin_client, published):
    response = admin_client.post(f"/workbench/catalog/versions/{published.pk}/guide/", _guide_post())
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.name == "食品经营许可"


def test_an_admin_adds_a_life_event_and_a_duplicate_is_refused(admin_client):
    post = {"code": "birth", "name": "出生", "name_en": "Birth", "audience": "citizen", "sort_order": "10"}
    assert admin_client.post("/workbench/catalog/life-events/", post).status_code == 302
    assert LifeEvent.objects.get(code="birth").name_en == "Birth"
    again = admin_client.post("/workbench/catalog/life-events/", {**post, "name": "又一个"})
    assert again.status_code == 400
    assert 'id="id_code_error"' in again.content.decode()
    assert LifeEvent.objects.count() == 1


def test_an_oversized_bpmn_upload_is_refused(admin_client, draft, settings):
    settings.YIWANG_CATALOG_BPMN_MAX_BYTES = 100
    upload = SimpleUploadedFile("process.bpmn", BPMN.encode(), content_type="application/xml")
    response = admin_client.post(f"/workbench/catalog/versions/{draft.pk}/process/", {"bpmn": upload})
    assert response.status_code == 400
    assert 'id="id_bpmn_error"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.process is None


def test_a_matter_applied_for_in_person_has_no_apply_link(published, platform_admin):
    draft = services.matter_version_draft_create(matter=published.matter, by=platform_admin)
    services.matter_version_update(version=draft, guide={"apply_online": False}, by=platform_admin)
    services.matter_version_publish(version=draft, by=platform_admin)
    text = Client().get("/matters/PD-SCJGJ-0001/").content.decode()
    assert "/apply/" not in text and "市民中心" in text
