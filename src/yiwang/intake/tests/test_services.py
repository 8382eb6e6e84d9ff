import re

import pytest
from django.core.exceptions import PermissionDenied

from yiwang.audit.public import AuditRecord
from yiwang.catalog import services as catalog
from yiwang.conftest import PASSWORD
from yiwang.core.public import ClockState, NotFound, ValidationFailed
from yiwang.identity import services as identity
from yiwang.identity.models import Role
from yiwang.intake import services
from yiwang.intake.models import Application, Channel, Material, Status, SupplementRequest
from yiwang.intake.uploads import Upload
from yiwang.notifications.public import Notification
from yiwang.workflow.public import InstanceStatus, instance_of_subject, task_approve, task_reject, tasks_of_subject

from .conftest import EXE, FORM, PDF, PNG, licence, make_matter, media_files

pytestmark = pytest.mark.django_db


def submit(applicant, *, code="PD-SWJ-0001", by=None, channel=Channel.PORTAL, form=None, files=None, **kw):
    return services.application_submit(code=code, applicant=applicant, by=by or applicant, channel=channel,
                                       form_data=FORM if form is None else form,
                                       files=[licence()] if files is None else files, **kw)


def nothing_written():
    return not Application.objects.exists() and not Material.objects.exists() and media_files() == []


# --- submission ---------------------------------------------------------------------------------------------

def test_portal_submission_accepts_the_case_with_number_clock_process_and_stored_material(citizen, matter):
    application = submit(citizen, files=[licence(), Upload("photo", "shop.jpg", PNG)])
    assert re.fullmatch(r"PD\d{8}\d{6}", application.number)
    assert application.status == Status.ACCEPTED
    assert application.version == matter
    assert application.form_data == FORM
    assert application.clock.limit_days == 5 and application.clock.state == ClockState.RUNNING
    instance = instance_of_subject(subject=application.subject)
    assert instance is not None and instance.status == InstanceStatus.RUNNING
    assert [t.organisation.code for t in tasks_of_subject(subject=application.subject)] == ["SWJ"]
    materials = {m.requirement_code: m for m in application.materials.all()}
    assert materials["licence"].content_type == "application/pdf"
    assert materials["photo"].content_type == "image/png"  # judged by content: the name said .jpg
    assert "licence" not in materials["licence"].file.name  # random stored name
    assert materials["licence"].file.read() == PDF
    assert len(media_files()) == 2
    record = AuditRecord.objects.get(action="intake.application.submit")
    assert record.object_id == str(application.pk) and record.details["channel"] == "portal"
    notice = Notification.objects.get(recipient=citizen, kind="intake.accepted")
    assert application.number in notice.subject and application.clock.due_on.isoformat() in notice.body


def test_case_numbers_are_sequential_per_day(citizen, matter):
    first = submit(citizen)
    second = submit(citizen)
    assert first.number[:10] == second.number[:10]
    assert int(second.number[10:]) == int(first.number[10:]) + 1


@pytest.mark.parametrize(("form", "field"), [
    ({"employees": 3}, "company_name"),  # required field missing
    ({"company_name": "x" * 51}, "company_name"),  # too long
    ({"company_name": "ok", "employees": -1}, "employees"),  # below minimum
    ({"company_name": "ok", "surprise": 1}, "surprise"),  # not in the definition
])
def test_form_data_violating_the_definition_is_refused_and_nothing_written(citizen, matter, form, field):
    with pytest.raises(ValidationFailed) as exc:
        submit(citizen, form=form)
    assert field in exc.value.field_errors
    assert nothing_written()


def test_missing_required_material_is_refused_but_paper_only_material_is_not_asked_for(citizen, matter):
    with pytest.raises(ValidationFailed) as exc:
        submit(citizen, files=[])
    assert set(exc.value.field_errors) == {"materials.licence"}  # "lease" is paper: handed in at the counter
    assert nothing_written()


def test_a_file_lying_about_its_type_is_refused(citizen, matter):
    with pytest.raises(ValidationFailed) as exc:
        submit(citizen, files=[licence(EXE, "licence.pdf")])
    assert "judged by its content" in exc.value.field_errors["materials.licence"][0]
    assert nothing_written()


def test_an_oversized_upload_is_refused(citizen, matter):
    big = PDF + b"0" * 2000  # the requirement allows 1000 bytes
    with pytest.raises(ValidationFailed) as exc:
        submit(citizen, files=[licence(big)])
    assert "larger than" in exc.value.field_errors["materials.licence"][0]
    assert nothing_written()


def test_the_global_upload_limit_caps_every_requirement(citizen, matter, settings):
    settings.YIWANG_INTAKE_MAX_UPLOAD_BYTES = 50
    with pytest.raises(ValidationFailed) as exc:
        submit(citizen, files=[licence(PDF + b"0" * 60)])
    assert "materials.licence" in exc.value.field_errors
    assert nothing_written()


def test_an_upload_for_a_material_the_matter_does_not_list_is_refused(citizen, matter):
    with pytest.raises(ValidationFailed) as exc:
        submit(citizen, files=[licence(), Upload("passport", "p.pdf", PDF)])
    assert "materials.passport" in exc.value.field_errors
    assert nothing_written()


def test_all_problems_are_reported_at_once(citizen, matter):
    with pytest.raises(ValidationFailed) as exc:
        submit(citizen, form={}, files=[Upload("photo", "x.png", EXE)])
    assert {"company_name", "materials.licence", "materials.photo"} <= set(exc.value.field_errors)


def test_a_failure_after_files_were_stored_leaves_no_file_behind(citizen, matter, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("engine down")

    monkeypatch.setattr(services, "process_start", boom)
    with pytest.raises(RuntimeError):
        submit(citizen)
    assert nothing_written()


def test_unpublished_retired_and_unknown_matters_are_refused(citizen, platform_admin, tax, matter):
    make_matter(platform_admin, code="PD-SWJ-0009", publish=False)
    with pytest.raises(ValidationFailed) as exc:
        submit(citizen, code="PD-SWJ-0009")
    assert exc.value.code == "matter_not_open"
    catalog.matter_version_retire(version=matter, by=platform_admin)
    with pytest.raises(ValidationFailed) as exc:
        submit(citizen, code="PD-SWJ-0001")
    assert exc.value.code == "matter_not_open"
    with pytest.raises(NotFound):
        submit(citizen, code="PD-NOPE-0001")
    assert nothing_written()


def test_a_new_version_does_not_change_running_cases(citizen, platform_admin, matter):
    application = submit(citizen)
    make_matter(platform_admin, code="PD-SWJ-0001", promised_days=3)
    application.refresh_from_db()
    assert application.version == matter and application.clock.limit_days == 5
    assert submit(citizen).version.number == 2


def test_the_matters_assurance_level_is_enforced(citizen, platform_admin, tax):
    make_matter(platform_admin, code="PD-SWJ-0005", required_assurance=3)
    with pytest.raises(ValidationFailed) as exc:
        submit(citizen, code="PD-SWJ-0005")
    assert "applicant" in exc.value.field_errors
    assert nothing_written()


def test_nobody_applies_on_the_portal_for_someone_else(citizen, other_citizen, matter):
    with pytest.raises(PermissionDenied):
        submit(citizen, by=other_citizen)
    assert nothing_written()


def test_a_clerk_applies_at_the_counter_for_a_visitor(citizen, clerk, matter):
    application = submit(citizen, by=clerk, channel=Channel.COUNTER)
    assert (application.applicant, application.submitted_by, application.channel) == (citizen, clerk, "counter")
    assert AuditRecord.objects.get(action="intake.application.submit").on_behalf_of == "user:zhangsan"


def test_only_clerks_use_the_counter_and_only_hotline_agents_the_hotline(citizen, clerk, hotline_agent,
                                                                          tax_handler, matter):
    with pytest.raises(PermissionDenied):
        submit(citizen, by=tax_handler, channel=Channel.COUNTER)
    with pytest.raises(PermissionDenied):
        submit(citizen, by=clerk, channel=Channel.HOTLINE)
    assert submit(citizen, by=hotline_agent, channel=Channel.HOTLINE).channel == "hotline"


def test_staff_accounts_are_not_applicants(clerk, tax_handler, matter):
    with pytest.raises(ValidationFailed) as exc:
        submit(tax_handler, by=clerk, channel=Channel.COUNTER)
    assert "applicant" in exc.value.field_errors


def test_an_agent_applies_for_an_enterprise_they_may_act_for_only(citizen, other_citizen, matter):
    enterprise = identity.enterprise_register(credit_code="91350100M000100Y43", name="示例科技有限公司",
                                              legal_representative="张三", password=PASSWORD, registered_by=citizen)
    application = submit(citizen, enterprise=enterprise)
    assert application.enterprise == enterprise
    with pytest.raises(ValidationFailed) as exc:
        submit(other_citizen, enterprise=enterprise)
    assert "enterprise" in exc.value.field_errors


# --- idempotency --------------------------------------------------------------------------------------------

def test_a_replay_with_the_same_key_and_body_returns_the_same_case(citizen, matter):
    fingerprint = services.fingerprint_of({"matter": "PD-SWJ-0001", "form": FORM})
    kwargs: dict = {"code": "PD-SWJ-0001", "applicant": citizen, "by": citizen, "channel": Channel.API,
                    "form_data": FORM, "files": [licence()]}
    first, created = services.application_submit_idempotent(idempotency_key="k-1", fingerprint=fingerprint,
                                                             **kwargs)
    again, created_again = services.application_submit_idempotent(idempotency_key="k-1", fingerprint=fingerprint,
                                                                   **kwargs)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Application.objects.count() == 1 and len(media_files()) == 1


def test_the_same_key_with_another_body_is_refused(citizen, matter):
    kwargs = {"code": "PD-SWJ-0001", "applicant": citizen, "by": citizen, "channel": Channel.API,
              "files": [licence()]}
    services.application_submit_idempotent(idempotency_key="k-1", fingerprint="a", form_data=FORM, **kwargs)
    with pytest.raises(ValidationFailed) as exc:
        services.application_submit_idempotent(idempotency_key="k-1", fingerprint="b",
                                               form_data=FORM | {"employees": 99}, **kwargs)
    assert exc.value.code == "idempotency_key_reused"
    assert Application.objects.count() == 1


def test_keys_are_per_submitter(citizen, other_citizen, matter):
    kwargs: dict = {"code": "PD-SWJ-0001", "channel": Channel.API, "form_data": FORM, "files": [licence()],
                    "idempotency_key": "same", "fingerprint": "f"}
    a, _ = services.application_submit_idempotent(applicant=citizen, by=citizen, **kwargs)
    b, _ = services.application_submit_idempotent(applicant=other_citizen, by=other_citizen, **kwargs)
    assert a.pk != b.pk


def test_a_concurrent_duplicate_that_loses_the_insert_returns_the_winner(citizen, matter, monkeypatch):
    """The race: both attempts miss the look-up; the unique constraint makes the second insert fail."""
    winner, _ = services.application_submit_idempotent(idempotency_key="race", fingerprint="f", code="PD-SWJ-0001",
                                                       applicant=citizen, by=citizen, channel=Channel.API,
                                                       form_data=FORM, files=[licence()])
    real_replay = services._replay
    calls = {"n": 0}

    def miss_first(**kwargs):
        calls["n"] += 1
        return None if calls["n"] == 1 else real_replay(**kwargs)

    monkeypatch.setattr(services, "_replay", miss_first)
    again, created = services.application_submit_idempotent(
        idempotency_key="race", fingerprint="f", code="PD-SWJ-0001", applicant=citizen, by=citizen,
        channel=Channel.API, form_data=FORM, files=[licence()])
    assert (again.pk, created) == (winner.pk, False)
    assert Application.objects.count() == 1 and len(media_files()) == 1


# --- supplements ------------------------------------------------------------------------------------------------

def test_a_handler_sends_one_notice_listing_everything_and_the_clocks_pause(citizen, tax_handler, matter):
    application = submit(citizen)
    notice = services.supplement_request(
        application=application, by=tax_handler, note="请一次补齐",
        items=[{"code": "licence", "reason": "扫描件不清晰"}, {"code": "photo", "reason": "缺少门头照片"},
               {"code": "", "reason": "经营地址填写有误"}])
    application.refresh_from_db()
    assert application.status == Status.AWAITING_SUPPLEMENT
    assert application.clock.state == ClockState.PAUSED
    assert all(t.clock.state == ClockState.PAUSED for t in tasks_of_subject(subject=application.subject) if t.clock)
    assert [i["name"] for i in notice.items] == ["营业执照", "经营场所照片", ""]
    sent = Notification.objects.filter(recipient=citizen, kind="intake.supplement_requested")
    assert sent.count() == 1
    body = sent.get().body
    assert "扫描件不清晰" in body and "缺少门头照片" in body and "经营地址填写有误" in body and "请一次补齐" in body
    assert AuditRecord.objects.filter(action="intake.supplement.request", object_id=str(application.pk)).exists()


def test_only_handlers_of_an_involved_department_ask_for_supplements(citizen, finance_handler, clerk, matter):
    application = submit(citizen)
    for outsider in (finance_handler, clerk, citizen):
        with pytest.raises(PermissionDenied):
            services.supplement_request(application=application, by=outsider, items=[{"code": "licence"}])
    assert not SupplementRequest.objects.exists()


def test_a_notice_must_list_something_known_and_only_one_is_open(citizen, tax_handler, matter):
    application = submit(citizen)
    with pytest.raises(ValidationFailed):
        services.supplement_request(application=application, by=tax_handler, items=[])
    with pytest.raises(ValidationFailed) as exc:
        services.supplement_request(application=application, by=tax_handler, items=[{"code": "nope"}])
    assert "items.0" in exc.value.field_errors
    services.supplement_request(application=application, by=tax_handler, items=[{"code": "licence"}])
    with pytest.raises(ValidationFailed):
        services.supplement_request(application=application, by=tax_handler, items=[{"code": "photo"}])
    assert SupplementRequest.objects.count() == 1


def test_the_applicant_supplements_and_the_clocks_resume(citizen, tax_handler, matter):
    application = submit(citizen)
    services.supplement_request(application=application, by=tax_handler,
                                items=[{"code": "licence", "reason": "不清晰"}, {"code": "", "reason": "地址有误"}])
    with pytest.raises(ValidationFailed) as exc:
        services.supplement_submit(application=application, by=citizen, files=[])
    assert {"materials.licence", "note"} <= set(exc.value.field_errors)
    assert Material.objects.count() == 1 and len(media_files()) == 1  # nothing half-written
    notice = services.supplement_submit(application=application, by=citizen, files=[licence()],
                                        note="地址已更正为浦东大道1号")
    application.refresh_from_db()
    assert notice.answered_at is not None and application.status == Status.IN_PROGRESS
    assert application.clock.state == ClockState.RUNNING and application.clock.pauses.count() == 1
    assert application.materials.filter(supplement=notice).count() == 1
    assert Notification.objects.filter(recipient=tax_handler, kind="intake.supplement_received").exists()


def test_someone_else_cannot_supplement(citizen, other_citizen, tax_handler, matter):
    application = submit(citizen)
    services.supplement_request(application=application, by=tax_handler, items=[{"code": "licence"}])
    with pytest.raises(PermissionDenied):
        services.supplement_submit(application=application, by=other_citizen, files=[licence()])


# --- results --------------------------------------------------------------------------------------------------

def test_when_the_process_finishes_the_applicant_is_told_once_with_every_opinion(
        citizen, tax_handler, commerce_handler, parallel_matter):
    application = submit(citizen, code="PD-SCJGJ-0002")
    tasks = {t.organisation.code: t for t in tasks_of_subject(subject=application.subject)}
    task_approve(task=tasks["SWJ"], opinion="税务登记完成", by=tax_handler)
    application.refresh_from_db()
    assert application.is_open
    task_reject(task=tasks["SCJGJ"], opinion="名称与在册企业重复", by=commerce_handler)
    application.refresh_from_db()
    assert (application.status, application.outcome) == (Status.REJECTED, "rejected")
    assert application.clock.state == ClockState.STOPPED
    assert {(d["code"], d["decision"]) for d in application.decisions} == {("SWJ", "approved"),
                                                                          ("SCJGJ", "rejected")}
    results = Notification.objects.filter(recipient=citizen, kind="intake.result")
    assert results.count() == 1
    assert "税务登记完成" in results.get().body and "名称与在册企业重复" in results.get().body
    # A second signal for the same case changes nothing and tells nobody again.
    assert services.application_finish(application=application, outcome="approved") is None
    assert results.count() == 1


def test_approval_by_the_only_department_approves_the_case(citizen, tax_handler, matter):
    application = submit(citizen)
    task_approve(task=tasks_of_subject(subject=application.subject)[0], opinion="同意", by=tax_handler)
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.decided_at is not None


def test_an_on_the_spot_matter_has_no_process_and_is_decided_at_the_counter(citizen, clerk, spot_matter):
    application = submit(citizen, code="PD-SWJ-0003", by=clerk, channel=Channel.COUNTER, files=[])
    assert instance_of_subject(subject=application.subject) is None and application.clock is None
    with pytest.raises(ValidationFailed) as exc:
        services.application_decide_on_spot(application=application, outcome="approved", opinion="", by=clerk)
    assert "opinion" in exc.value.field_errors
    services.application_decide_on_spot(application=application, outcome="approved", opinion="材料齐全，当场办结",
                                        by=clerk)
    application.refresh_from_db()
    assert (application.status, application.outcome) == (Status.DECIDED_ON_SPOT, "approved")
    assert "材料齐全，当场办结" in Notification.objects.get(recipient=citizen, kind="intake.result").body


def test_on_the_spot_decisions_are_for_on_the_spot_matters_and_the_right_people(
        citizen, clerk, make_staff, centre, tax_handler, spot_matter, matter):
    application = submit(citizen, code="PD-SWJ-0003", files=[])
    other_clerk = make_staff(centre, Role.WINDOW_CLERK)
    with pytest.raises(PermissionDenied):
        services.application_decide_on_spot(application=application, outcome="approved", opinion="ok",
                                            by=other_clerk)
    services.application_decide_on_spot(application=application, outcome="approved", opinion="ok", by=tax_handler)
    regular = submit(citizen)
    with pytest.raises(ValidationFailed):
        services.application_decide_on_spot(application=regular, outcome="approved", opinion="ok", by=tax_handler)


def test_the_applicant_withdraws_an_open_case(citizen, other_citizen, matter):
    application = submit(citizen)
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=application, reason="", by=other_citizen)
    services.application_withdraw(application=application, reason="不再需要", by=citizen)
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    instance = instance_of_subject(subject=application.subject)
    assert instance is not None and instance.status == InstanceStatus.CANCELLED
    assert application.clock.state == ClockState.STOPPED
    with pytest.raises(ValidationFailed):
        services.application_withdraw(application=application, reason="", by=citizen)


def test_paper_or_electronic_material_is_uploaded_online_but_may_be_handed_in_at_the_counter(
        citizen, clerk, platform_admin, tax):
    make_matter(platform_admin, code="PD-SWJ-0007", materials=[
        {"code": "register", "name": "户口簿", "medium": "both", "required": True}])
    with pytest.raises(ValidationFailed) as exc:
        submit(citizen, code="PD-SWJ-0007", files=[])
    assert set(exc.value.field_errors) == {"materials.register"}
    assert submit(citizen, code="PD-SWJ-0007", by=clerk, channel=Channel.COUNTER, files=[]).materials.count() == 0


def test_who_may_apply_follows_the_matter(citizen, platform_admin, tax):
    make_matter(platform_admin, code="PD-SWJ-0010", applicant_kind="enterprise")
    with pytest.raises(ValidationFailed) as exc:
        submit(citizen, code="PD-SWJ-0010")
    assert "enterprise" in exc.value.field_errors
    enterprise = identity.enterprise_register(credit_code="91350100M000100Y43", name="示例科技有限公司",
                                              legal_representative="张三", password=PASSWORD, registered_by=citizen)
    assert submit(citizen, code="PD-SWJ-0010", enterprise=enterprise).enterprise == enterprise
    make_matter(platform_admin, code="PD-SWJ-0011", applicant_kind="citizen")
    with pytest.raises(ValidationFailed) as exc:
        submit(citizen, code="PD-SWJ-0011", enterprise=enterprise)
    assert "enterprise" in exc.value.field_errors
    assert submit(citizen, code="PD-SWJ-0011").enterprise is None


def test_a_matter_not_applied_for_online_is_taken_in_at_the_counter_only(citizen, clerk, platform_admin, tax):
    make_matter(platform_admin, code="PD-SWJ-0012", apply_online=False)
    with pytest.raises(ValidationFailed) as exc:
        submit(citizen, code="PD-SWJ-0012")
    assert "channel" in exc.value.field_errors
    assert nothing_written()
    assert submit(citizen, code="PD-SWJ-0012", by=clerk, channel=Channel.COUNTER).channel == "counter"
