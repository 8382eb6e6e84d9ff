"""Pages under /workbench/sharing/ and the API: who sees what, forms, errors, the use log."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from yiwang.conftest import staff_login
from yiwang.identity.models import Role
from yiwang.sharing import services
from yiwang.sharing.models import RequestStatus, Resource, SharingRequest

from .conftest import ID_PUDONG, exchange_call


@pytest.fixture
def waiting(population, civil_steward):
    return services.request_submit(user=civil_steward, resource=population, fields=["name"], purpose="救助核对",
                                   legal_basis="《社会救助暂行办法》")


def test_any_staff_member_browses_and_searches_the_catalogue(population, tax_credit, tax_handler):
    client = staff_login(Client(), tax_handler)
    page = client.get(reverse("sharing:catalogue"))
    assert page.status_code == 200 and "实有人口基础信息" in page.content.decode()
    found = client.get(reverse("sharing:catalogue"), {"q": "纳税"}).content.decode()
    assert "纳税信用等级" in found and "实有人口基础信息" not in found
    detail = client.get(reverse("sharing:resource", args=[population.pk])).content.decode()
    assert "《居民身份证法》第十九条" in detail and "household_code" in detail


def test_a_citizen_and_anonymous_cannot_see_the_catalogue(citizen):
    assert Client().get(reverse("sharing:catalogue")).status_code == 302
    client = Client()
    client.force_login(citizen)
    assert client.get(reverse("sharing:catalogue")).status_code in (302, 403)


def test_a_draft_is_hidden_from_other_departments(police_steward, police, tax_handler, on_exchange):
    from .conftest import POPULATION

    draft = services.resource_create(user=police_steward, provider=police, data=POPULATION)
    client = staff_login(Client(), tax_handler)
    assert client.get(reverse("sharing:resource", args=[draft.pk])).status_code == 403
    assert "实有人口基础信息" not in client.get(reverse("sharing:catalogue")).content.decode()


def test_the_steward_adds_a_resource_with_the_editor(tax_steward):
    client = staff_login(Client(), tax_steward)
    assert client.get(reverse("sharing:resource_new")).status_code == 200
    form = {"code": "30301/000009", "name": "欠税公告", "classification": "3", "sharing_type": "unconditional",
            "open_attribute": "open", "update_cycle": "monthly",
            "fields_text": "credit_code | 统一社会信用代码 | string | 18\namount | 欠税金额 | decimal | 16"}
    response = client.post(reverse("sharing:resource_new"), form)
    resource = Resource.objects.get(code="30301/000009")
    assert response.status_code == 302 and resource.field_names() == ["credit_code", "amount"]
    bad = client.post(reverse("sharing:resource_new"), {**form, "code": "30301/000010",
                                                        "fields_text": "amount | 金额 | decimal | lots"})
    assert bad.status_code == 400 and not Resource.objects.filter(code="30301/000010").exists()
    published = client.post(reverse("sharing:resource_status", args=[resource.pk]), {"action": "publish"})
    assert published.status_code == 302 and Resource.objects.get(pk=resource.pk).status == "published"


def test_a_handler_gets_no_editor(make_staff, tax):
    client = staff_login(Client(), make_staff(tax, Role.HANDLER))
    assert client.get(reverse("sharing:resource_new")).status_code == 403


def test_request_form_answer_page_and_lists(population, civil_steward, police_steward):
    consumer = staff_login(Client(), civil_steward)
    bad = consumer.post(reverse("sharing:request_new", args=[population.pk]), {"purpose": "救助核对"})
    assert bad.status_code == 400 and SharingRequest.objects.count() == 0
    no_basis = consumer.post(reverse("sharing:request_new", args=[population.pk]),
                             {"requested_fields": ["name"], "purpose": "救助核对"})
    assert no_basis.status_code == 400 and SharingRequest.objects.count() == 0
    ok = consumer.post(reverse("sharing:request_new", args=[population.pk]),
                       {"requested_fields": ["name"], "purpose": "救助核对", "legal_basis": "依据"})
    req = SharingRequest.objects.get()
    assert ok.status_code == 302 and req.status == RequestStatus.SUBMITTED
    assert "实有人口基础信息" in consumer.get(reverse("sharing:mine")).content.decode()
    page = consumer.get(reverse("sharing:request", args=[req.pk])).content.decode()  # Chinese by default
    assert "法律依据" in page and "设定依据" not in page  # the sharing sense, not the catalogue's (msgctxt)

    provider = staff_login(Client(), police_steward)
    listing = provider.get(reverse("sharing:to_answer")).content.decode()
    assert req.clock is not None
    assert req.clock.due_on.isoformat() in listing and ">10<" in listing.replace(" ", "")
    no_reasons = provider.post(reverse("sharing:request", args=[req.pk]), {"step": "answer", "decision": "refuse"})
    assert no_reasons.status_code == 400 and SharingRequest.objects.get().status == RequestStatus.SUBMITTED
    refused = provider.post(reverse("sharing:request", args=[req.pk]),
                            {"step": "answer", "decision": "refuse", "reasons": "超出必要范围"})
    assert refused.status_code == 302 and SharingRequest.objects.get().status == RequestStatus.REFUSED
    twice = provider.post(reverse("sharing:request", args=[req.pk]), {"step": "answer", "decision": "grant"})
    assert twice.status_code == 400 and SharingRequest.objects.get().status == RequestStatus.REFUSED


def test_someone_elses_request_page_is_refused(waiting, tax_steward):
    client = staff_login(Client(), tax_steward)
    assert client.get(reverse("sharing:request", args=[waiting.pk])).status_code == 403
    assert client.get(reverse("sharing:disputes")).status_code == 403


def test_the_authority_sees_and_decides_disputes(waiting, police_steward, civil_steward, platform_admin):
    services.request_answer(user=police_steward, request=waiting, grant=False, reasons="理由")
    services.request_dispute(user=civil_steward, request=waiting, reasons="异议")
    client = staff_login(Client(), platform_admin)
    assert "实有人口基础信息" in client.get(reverse("sharing:disputes")).content.decode()
    decided = client.post(reverse("sharing:request", args=[waiting.pk]),
                          {"step": "decide", "decide-decision": "grant", "decide-reasons": "应当共享"})
    assert decided.status_code == 302 and SharingRequest.objects.get().status == RequestStatus.GRANTED


def test_the_provider_sees_every_use_of_its_resources_by_consumer(waiting, police_steward, members, person,
                                                                  civil_steward):
    services.request_answer(user=police_steward, request=waiting, grant=True)
    for _ in range(2):
        assert exchange_call(members["civil"], "POST", "/exchange/v1/population-lookup/lookup?fields=name",
                             {"id_number": ID_PUDONG}).status_code == 200
    page = staff_login(Client(), police_steward).get(reverse("sharing:usage"))
    body = page.content.decode()
    assert page.status_code == 200 and "CN-SH/GOV/MZJ/assistance" in body and "<td>2</td>" in body
    # The consumer cannot read the provider's use log.
    other = staff_login(Client(), civil_steward).get(reverse("sharing:usage"),
                                                     {"organisation": police_steward.organisation_id})
    assert other.status_code == 403


# --- API -------------------------------------------------------------------------------------------------


def test_api_lists_requests_and_answers(population, civil_steward, police_steward):
    consumer = staff_login(Client(), civil_steward)
    listed = consumer.get("/api/v1/sharing/resources")
    assert listed.status_code == 200 and listed.json()[0]["code"] == "10101/000001"
    assert [f["name"] for f in listed.json()[0]["fields"]][:2] == ["name", "birth_date"]
    bad = consumer.post("/api/v1/sharing/requests", {"resource": population.pk, "fields": ["salary"],
                                                     "purpose": "p", "legal_basis": "b"},
                        content_type="application/json")
    assert bad.status_code == 422 and "fields" in bad.json()["error"]["fields"]
    created = consumer.post("/api/v1/sharing/requests", {"resource": population.pk, "fields": ["name"],
                                                         "purpose": "救助核对", "legal_basis": "依据"},
                            content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "submitted" and created.json()["due_on"]
    pk = created.json()["id"]
    not_mine = consumer.post(f"/api/v1/sharing/requests/{pk}/answer", {"grant": True},
                             content_type="application/json")
    assert not_mine.status_code == 403
    provider = staff_login(Client(), police_steward)
    answered = provider.post(f"/api/v1/sharing/requests/{pk}/answer", {"grant": True},
                             content_type="application/json")
    assert answered.status_code == 200 and answered.json()["status"] == "granted"
    again = provider.post(f"/api/v1/sharing/requests/{pk}/answer", {"grant": False, "reasons": "x"},
                          content_type="application/json")
    assert again.status_code == 422
    assert provider.post("/api/v1/sharing/requests/999/answer", {"grant": True},
                         content_type="application/json").status_code == 404


def test_api_needs_a_login(db):
    assert Client().get("/api/v1/sharing/resources").status_code == 401
