"""Services of the sharing catalogue: resources, requests, answers, disputes, revocation; bad input and refusals."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from yiwang.audit.models import AuditRecord
from yiwang.core.public import ClockState, ValidationFailed, add_working_days
from yiwang.exchange.models import AccessGrant
from yiwang.identity.models import Role
from yiwang.notifications.models import Notification
from yiwang.registries.models import RegistryFieldGrant
from yiwang.sharing import services
from yiwang.sharing.models import RequestStatus, Resource, ResourceField, ResourceStatus, SharingRequest

from .conftest import POPULATION, TAX_CREDIT


def counts() -> tuple[int, ...]:
    return (Resource.objects.count(), ResourceField.objects.count(), SharingRequest.objects.count(),
            AccessGrant.objects.count(), RegistryFieldGrant.objects.count())


def denied(what: str) -> int:
    return AuditRecord.objects.filter(action="audit.access.denied", details__what=what).count()


# --- resources -------------------------------------------------------------------------------------------


def test_a_steward_creates_and_publishes_a_resource_with_every_metadata_element(police_steward, police,
                                                                                 on_exchange):
    resource = services.resource_create(user=police_steward, provider=police, data=POPULATION)
    assert resource.service is not None
    assert resource.status == ResourceStatus.DRAFT and resource.service.code == "population-lookup"
    assert [(f.name, f.data_type, f.length) for f in resource.fields.all()][:2] == [
        ("name", "string", 50), ("birth_date", "date", 10)]
    assert (resource.classification, resource.sharing_type, resource.open_attribute, resource.update_cycle) == (
        "1", "conditional", "closed", "realtime")
    published = services.resource_publish(user=police_steward, resource=resource)
    assert published.status == ResourceStatus.PUBLISHED and published.published_at is not None
    with pytest.raises(ValidationFailed):
        services.resource_publish(user=police_steward, resource=published)
    assert AuditRecord.objects.filter(action="sharing.resource.publish", result="success").count() == 1
    assert AuditRecord.objects.filter(action="sharing.resource.publish", result="failure").count() == 1  # logged


@pytest.mark.parametrize(("change", "field"), [
    ({"code": "1-01/1"}, "code"),
    ({"code": "30101/000001"}, "code"),  # first digit is not the classification 1
    ({"classification": "9"}, "classification"),
    ({"legal_basis": ""}, "legal_basis"),  # conditional without a legal basis
    ({"conditions": ""}, "conditions"),
    ({"sharing_type": "sometimes"}, "sharing_type"),
    ({"open_attribute": ""}, "open_attribute"),
    ({"update_cycle": "hourly"}, "update_cycle"),
    ({"service": "no-such-service"}, "service"),
    ({"registry": "cars"}, "registry"),
    ({"fields": []}, "fields"),
    ({"fields": [{"name": "Name!", "label": "x", "type": "string", "length": 5}]}, "fields.0"),
    ({"fields": [{"name": "name", "label": "", "type": "string", "length": 5}]}, "fields.0"),
    ({"fields": [{"name": "name", "label": "姓名", "type": "blob", "length": 5}]}, "fields.0"),
    ({"fields": [{"name": "name", "label": "姓名", "type": "string", "length": 0}]}, "fields.0"),
    ({"fields": [{"name": "salary", "label": "工资", "type": "string", "length": 5}]}, "fields.0"),  # not in registry
    ({"fields": [{"name": "name", "label": "a", "type": "string", "length": 5},
                 {"name": "name", "label": "b", "type": "string", "length": 5}]}, "fields.1"),
])
def test_malformed_resources_are_refused_and_nothing_is_written(police_steward, police, on_exchange, change, field):
    data = {**copy.deepcopy(POPULATION), **change}
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        services.resource_create(user=police_steward, provider=police, data=data)
    assert field in exc.value.field_errors
    assert counts() == before
    (logged,) = AuditRecord.objects.filter(action="sharing.resource.create", result="failure")  # logged, once
    assert logged.actor == police_steward and field in logged.details["refused"]


def test_only_the_providers_steward_or_an_admin_manages_its_resources(make_staff, police, tax_steward,
                                                                      platform_admin, on_exchange):
    handler = make_staff(police, Role.HANDLER)
    for user in (handler, tax_steward):
        with pytest.raises(PermissionDenied):
            services.resource_create(user=user, provider=police, data=POPULATION)
    assert denied("sharing.resource.edit") == 2 and Resource.objects.count() == 0
    assert services.resource_create(user=platform_admin, provider=police, data=POPULATION).pk


def test_a_service_of_another_department_cannot_serve_a_resource(tax_steward, tax, on_exchange):
    with pytest.raises(ValidationFailed) as exc:
        services.resource_create(user=tax_steward, provider=tax, data={**POPULATION, "code": "10101/000002"})
    assert "service" in exc.value.field_errors


def test_only_drafts_change_and_withdrawal_stops_requests(population, police_steward, civil_steward):
    with pytest.raises(ValidationFailed):
        services.resource_update(user=police_steward, resource=population, data={**POPULATION, "name": "新"})
    withdrawn = services.resource_withdraw(user=police_steward, resource=population)
    draft = services.resource_reopen(user=police_steward, resource=withdrawn)
    changed = services.resource_update(user=police_steward, resource=draft,
                                       data={**POPULATION, "name": "实有人口信息（新）"})
    assert changed.name == "实有人口信息（新）" and changed.fields.count() == 4
    with pytest.raises(ValidationFailed) as exc:
        services.request_submit(user=civil_steward, resource=changed, fields=["name"], purpose="核对",
                                legal_basis="依据")
    assert "resource" in exc.value.field_errors and SharingRequest.objects.count() == 0


# --- requests --------------------------------------------------------------------------------------------


def test_an_unconditional_request_is_granted_at_once(tax_credit, commerce, make_staff, members, on_exchange):
    steward = make_staff(commerce, Role.DATA_STEWARD)
    req = services.request_submit(user=steward, resource=tax_credit, fields=["grade", "credit_code"],
                                  purpose="信用分类监管")
    assert req.status == RequestStatus.GRANTED and req.clock is None and req.answered_at is not None
    assert req.fields == ["credit_code", "grade"]  # in the resource's order
    # Not on the exchange: no exchange grant to make, the request is the record of the grant.
    assert req.exchange_grant_id is None


def test_a_conditional_request_waits_ten_working_days_and_tells_the_providers_stewards(
        population, civil_steward, police_steward):
    req = services.request_submit(user=civil_steward, resource=population, fields=["name"], purpose="救助核对",
                                  legal_basis="《社会救助暂行办法》")
    assert req.clock is not None
    assert req.status == RequestStatus.SUBMITTED and req.clock.limit_days == 10
    assert req.clock.due_on == add_working_days(timezone.localdate(), 10).date
    assert Notification.objects.filter(recipient=police_steward, kind="sharing").count() == 1
    assert AccessGrant.objects.count() == 0
    assert RegistryFieldGrant.objects.filter(origin__startswith="sharing").count() == 0


def test_granting_makes_the_exchange_grant_and_the_registry_field_grant(population, civil, civil_steward,
                                                                        police_steward):
    req = services.request_submit(user=civil_steward, resource=population, fields=["name", "birth_date"],
                                  purpose="救助核对", legal_basis="依据")
    req = services.request_answer(user=police_steward, request=req, grant=True, reasons="同意")
    assert req.exchange_grant_id is not None and req.clock is not None
    assert AccessGrant.objects.get(pk=req.exchange_grant_id).fields == ["birth_date", "name"]
    row = RegistryFieldGrant.objects.get(organisation=civil, origin=f"sharing:{req.pk}")
    assert row.fields == ["name", "birth_date"]
    req.clock.refresh_from_db()
    assert req.clock.state == ClockState.STOPPED
    assert Notification.objects.filter(recipient=civil_steward, kind="sharing").count() == 1


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"fields": ["name", "salary"]}, "fields"),  # a field outside the resource
    ({"fields": []}, "fields"),
    ({"fields": ["name", "name"]}, "fields"),
    ({"purpose": "  "}, "purpose"),
    ({"legal_basis": ""}, "legal_basis"),  # conditional without a legal basis
])
def test_bad_requests_are_refused_and_nothing_is_written(population, civil_steward, kwargs, field):
    args = {"fields": ["name"], "purpose": "救助核对", "legal_basis": "依据", **kwargs}
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        services.request_submit(user=civil_steward, resource=population, **args)
    assert field in exc.value.field_errors and counts() == before
    (logged,) = AuditRecord.objects.filter(action="sharing.request.submit", result="failure")
    assert logged.actor == civil_steward and field in logged.details["refused"]


def test_the_provider_does_not_request_its_own_resource(population, police_steward):
    with pytest.raises(ValidationFailed) as exc:
        services.request_submit(user=police_steward, resource=population, fields=["name"], purpose="p",
                                legal_basis="b")
    assert "consumer" in exc.value.field_errors and SharingRequest.objects.count() == 0


def test_an_unshared_resource_cannot_be_requested(police_steward, police, civil_steward):
    resource = services.resource_create(user=police_steward, provider=police, data={
        **TAX_CREDIT, "code": "30201/000001", "sharing_type": "none", "legal_basis": "《出境入境管理法》"})
    services.resource_publish(user=police_steward, resource=resource)
    with pytest.raises(ValidationFailed) as exc:
        services.request_submit(user=civil_steward, resource=resource, fields=["grade"], purpose="p")
    assert "出境入境管理法" in exc.value.field_errors["resource"][0] and SharingRequest.objects.count() == 0


def test_a_handler_cannot_request_and_the_refusal_is_audited(population, make_staff, civil):
    handler = make_staff(civil, Role.HANDLER)
    with pytest.raises(PermissionDenied):
        services.request_submit(user=handler, resource=population, fields=["name"], purpose="p", legal_basis="b")
    assert denied("sharing.request.submit") == 1 and SharingRequest.objects.count() == 0


def test_a_second_waiting_request_for_the_same_resource_is_refused(population, civil_steward):
    services.request_submit(user=civil_steward, resource=population, fields=["name"], purpose="p", legal_basis="b")
    with pytest.raises(ValidationFailed):
        services.request_submit(user=civil_steward, resource=population, fields=["birth_date"], purpose="p",
                                legal_basis="b")
    assert SharingRequest.objects.count() == 1


# --- answers, disputes, revocation ------------------------------------------------------------------------


@pytest.fixture
def waiting(population, civil_steward):
    return services.request_submit(user=civil_steward, resource=population, fields=["name"], purpose="救助核对",
                                   legal_basis="依据")


def test_answering_twice_is_refused_and_changes_nothing(waiting, police_steward):
    services.request_answer(user=police_steward, request=waiting, grant=False, reasons="超出必要范围")
    before = (counts(), AuditRecord.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        services.request_answer(user=police_steward, request=waiting, grant=True)
    assert "status" in exc.value.field_errors
    assert (counts(), AuditRecord.objects.count()) == (before[0], before[1] + 1)  # only the refusal, logged
    refused = AuditRecord.objects.order_by("-pk")[0]
    assert (refused.action, refused.result, refused.actor) == ("sharing.request.answer", "failure", police_steward)
    assert "status" in refused.details["refused"]
    assert SharingRequest.objects.get().status == RequestStatus.REFUSED


def test_answering_someone_elses_request_is_refused_and_audited(waiting, tax_steward, civil_steward):
    for user in (tax_steward, civil_steward):
        with pytest.raises(PermissionDenied):
            services.request_answer(user=user, request=waiting, grant=True)
    assert denied("sharing.request.answer") == 2
    assert SharingRequest.objects.get().status == RequestStatus.SUBMITTED and AccessGrant.objects.count() == 0


def test_refusing_without_reasons_is_refused_and_nothing_changes(waiting, police_steward):
    with pytest.raises(ValidationFailed) as exc:
        services.request_answer(user=police_steward, request=waiting, grant=False, reasons="  ")
    assert "reasons" in exc.value.field_errors
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.SUBMITTED and waiting.clock.state == ClockState.RUNNING


def test_a_refusal_is_disputed_and_the_authority_grants(waiting, police_steward, civil_steward, platform_admin,
                                                        members):
    services.request_answer(user=police_steward, request=waiting, grant=False, reasons="超出必要范围")
    with pytest.raises(ValidationFailed):
        services.request_dispute(user=civil_steward, request=waiting, reasons="")
    disputed = services.request_dispute(user=civil_steward, request=waiting, reasons="已列入免交材料清单")
    assert disputed.status == RequestStatus.DISPUTED
    assert Notification.objects.filter(recipient=platform_admin, kind="sharing").count() == 1
    with pytest.raises(PermissionDenied):
        services.dispute_decide(user=police_steward, request=disputed, grant=True, reasons="x")
    decided = services.dispute_decide(user=platform_admin, request=disputed, grant=True, reasons="应当共享")
    assert decided.status == RequestStatus.GRANTED
    assert decided.exchange_grant_id is not None
    assert AccessGrant.objects.get(pk=decided.exchange_grant_id).consumer == members["civil"].member


def test_a_decided_dispute_cannot_be_disputed_again(waiting, police_steward, civil_steward, platform_admin):
    services.request_answer(user=police_steward, request=waiting, grant=False, reasons="超出必要范围")
    services.request_dispute(user=civil_steward, request=waiting, reasons="需要")
    services.dispute_decide(user=platform_admin, request=waiting, grant=False, reasons="拒绝理由成立")
    with pytest.raises(ValidationFailed):
        services.request_dispute(user=civil_steward, request=waiting, reasons="再议")
    assert SharingRequest.objects.get().status == RequestStatus.REFUSED


def test_an_authority_named_by_setting_decides(settings, waiting, police_steward, civil_steward, make_staff, tax):
    settings.YIWANG_SHARING_AUTHORITY = tax.code
    officer = make_staff(tax, Role.HANDLER)
    services.request_answer(user=police_steward, request=waiting, grant=False, reasons="理由")
    services.request_dispute(user=civil_steward, request=waiting, reasons="异议")
    assert services.dispute_decide(user=officer, request=waiting, grant=False, reasons="维持").status == "refused"


def test_withdrawing_a_waiting_request_stops_its_clock(waiting, civil_steward, police_steward):
    withdrawn = services.request_withdraw(user=civil_steward, request=waiting)
    assert withdrawn.clock is not None
    assert withdrawn.status == RequestStatus.WITHDRAWN and withdrawn.clock.state == ClockState.STOPPED
    with pytest.raises(ValidationFailed):
        services.request_answer(user=police_steward, request=waiting, grant=True)


def test_revoking_needs_reasons_and_a_granted_request(waiting, police_steward, civil):
    with pytest.raises(ValidationFailed):
        services.grant_revoke(user=police_steward, request=waiting, reasons="x")
    services.request_answer(user=police_steward, request=waiting, grant=True)
    with pytest.raises(ValidationFailed):
        services.grant_revoke(user=police_steward, request=waiting, reasons="")
    revoked = services.grant_revoke(user=police_steward, request=waiting, reasons="用途完成")
    assert revoked.status == RequestStatus.REVOKED
    assert revoked.exchange_grant_id is not None
    assert AccessGrant.objects.get(pk=revoked.exchange_grant_id).revoked_at is not None
    assert not RegistryFieldGrant.objects.filter(organisation=civil, origin__startswith="sharing").exists()
    # the catalogue's own revocation is recorded once, not again as one made on the exchange
    assert AuditRecord.objects.filter(action="sharing.grant.revoke", result="success").count() == 1


def test_a_grant_revoked_on_the_exchange_revokes_the_request_in_the_catalogue(waiting, police_steward, civil,
                                                                              platform_admin):
    from yiwang.exchange.public import grant_revoke as exchange_grant_revoke

    granted = services.request_answer(user=police_steward, request=waiting, grant=True)
    assert RegistryFieldGrant.objects.filter(organisation=civil, origin__startswith="sharing").exists()
    assert granted.exchange_grant_id is not None
    exchange_grant_revoke(grant=granted.exchange_grant_id, revoked_by=platform_admin)
    granted.refresh_from_db()
    assert granted.status == RequestStatus.REVOKED and granted.revoked_at is not None
    assert platform_admin.username in granted.revoke_reasons
    assert not RegistryFieldGrant.objects.filter(organisation=civil, origin__startswith="sharing").exists()
    record = AuditRecord.objects.get(action="sharing.grant.revoke")
    assert record.actor == platform_admin and record.details["on_exchange"] is True
    assert Notification.objects.filter(recipient=granted.requested_by, subject__contains="revoked").exists()
    with pytest.raises(ValidationFailed):  # nothing left to revoke in the catalogue
        services.grant_revoke(user=police_steward, request=granted, reasons="再次撤销")


def test_granting_needs_an_exchange_member_of_the_consumer(population, make_staff, commerce, police_steward):
    # commerce has a member (the legal-person provider); a department without one cannot be granted.
    from yiwang.identity import services as identity
    from yiwang.identity.models import OrgKind

    other = identity.organisation_create(kind=OrgKind.DEPARTMENT, code="JYJ", name="区教育局",
                                         parent=commerce.parent)
    steward = make_staff(other, Role.DATA_STEWARD)
    req = services.request_submit(user=steward, resource=population, fields=["name"], purpose="入学核验",
                                  legal_basis="《义务教育法》")
    with pytest.raises(ValidationFailed) as exc:
        services.request_answer(user=police_steward, request=req, grant=True)
    assert "consumer" in exc.value.field_errors
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED and AccessGrant.objects.count() == 0


# --- e-supervision ---------------------------------------------------------------------------------------


def test_supervision_watches_the_answer_clock_and_reports_the_sharing_rate(population, tax_credit, police,
                                                                           police_steward, civil_steward):
    from yiwang.supervision.assessment import kpis
    from yiwang.supervision.public import Watch, sweep

    unshared = services.resource_create(user=police_steward, provider=police, data={
        **TAX_CREDIT, "code": "30201/000001", "sharing_type": "none", "legal_basis": "《出境入境管理法》"})
    services.resource_publish(user=police_steward, resource=unshared)
    today = timezone.localdate()
    rate = next(value for value in kpis(start=today, end=today) if value.kpi.key == "sharing")
    assert (rate.numerator, rate.denominator) == (2, 3) and not rate.meets_goal

    req = services.request_submit(user=civil_steward, resource=population, fields=["name"], purpose="救助核对",
                                  legal_basis="《社会救助暂行办法》")
    assert req.clock is not None
    sweep(today=req.clock.started_on, notify=False)  # the sweep finds the request's clock by itself
    watch = Watch.objects.get(clock=req.clock)
    assert (watch.kind, watch.organisation, watch.limit_days) == ("sharing.request", police, 10)
    assert watch.url == f"/workbench/sharing/requests/{req.pk}/"


def test_the_requester_names_which_of_its_systems_receives_the_grant(population, civil_steward, civil, police_steward):
    from yiwang.exchange.services import member_create

    second = member_create(identifier="CN-SH/GOV/MZJ/marriage", name="民政 婚姻登记系统", organisation=civil).member
    req = services.request_submit(user=civil_steward, resource=population, fields=["name"], purpose="婚姻登记核验",
                                  legal_basis="《婚姻登记条例》", consumer_member=second.identifier)
    assert req.consumer_member == second.identifier
    granted = services.request_answer(user=police_steward, request=req, grant=True)
    assert AccessGrant.objects.get(pk=granted.exchange_grant_id or 0).consumer == second


def test_a_system_of_another_department_cannot_receive_the_grant(population, civil_steward):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        services.request_submit(user=civil_steward, resource=population, fields=["name"], purpose="核验",
                                legal_basis="依据", consumer_member="CN-SH/GOV/GAFJ/population")  # the police's
    assert "consumer_member" in exc.value.field_errors and counts() == before
