import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from yiwang.audit.public import AuditRecord
from yiwang.conftest import english_client, staff_login
from yiwang.intake import services
from yiwang.intake.models import Application, Channel, Status
from yiwang.workflow.public import describe_subject

from .conftest import EXE, FORM, PDF, licence, make_matter, media_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(citizen):
    client = english_client()
    client.force_login(citizen)
    return client


@pytest.fixture
def case(citizen, matter):
    return services.application_submit(code="PD-SWJ-0001", applicant=citizen, by=citizen, channel=Channel.PORTAL,
                                       form_data=FORM, files=[licence()])


def staff(user):
    return staff_login(english_client(), user)


def test_apply_page_shows_the_form_and_the_materials(browser, matter):
    page = browser.get("/matters/PD-SWJ-0001/apply/").content.decode()
    assert "Company name" in page and "营业执照" in page and 'enctype="multipart/form-data"' in page
    assert 'accept="application/pdf"' in page


def test_apply_on_the_portal(browser, matter):
    response = browser.post("/matters/PD-SWJ-0001/apply/", {
        "company_name": "浦东测试有限公司", "employees": "3",
        "material__licence": SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf")})
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/me/cases/{application.number}/"
    assert application.channel == "portal" and application.form_data == {"company_name": "浦东测试有限公司",
                                                                          "employees": 3}
    page = browser.get(response["Location"]).content.decode()
    assert application.number in page and "区税务局" in page and "Accepted" in page


def test_apply_with_bad_input_shows_errors_and_writes_nothing(browser, matter):
    response = browser.post("/matters/PD-SWJ-0001/apply/", {
        "company_name": "浦东测试有限公司",
        "material__licence": SimpleUploadedFile("licence.pdf", EXE, content_type="application/pdf")})
    assert response.status_code == 400
    assert "judged by its content" in response.content.decode()
    assert not Application.objects.exists() and media_files() == []
    response = browser.post("/matters/PD-SWJ-0001/apply/", {"employees": "x"})
    assert response.status_code == 400 and not Application.objects.exists()


def test_apply_to_a_draft_matter_says_it_is_not_open(browser, platform_admin, tax):
    make_matter(platform_admin, code="PD-SWJ-0009", publish=False)
    response = browser.get("/matters/PD-SWJ-0009/apply/")
    assert response.status_code == 409
    assert browser.get("/matters/PD-NOPE-0001/apply/").status_code == 404


def test_apply_needs_login(matter):
    assert Client().get("/matters/PD-SWJ-0001/apply/").status_code == 302


def test_my_cases_lists_only_my_cases(browser, other_citizen, case):
    assert case.number in browser.get("/me/cases/").content.decode()
    other = english_client()
    other.force_login(other_citizen)
    assert case.number not in other.get("/me/cases/").content.decode()
    assert other.get(f"/me/cases/{case.number}/").status_code == 403
    assert other.get(f"/me/cases/{case.number}/receipt/").status_code == 403


def test_receipt_has_masked_applicant_materials_promised_date_and_qr(browser, case):
    whole = browser.get(f"/me/cases/{case.number}/receipt/").content.decode()
    page = whole[whole.index("<article"):whole.index("</article>")]  # the header names whoever is logged in
    assert case.number in page and "<svg" in page and "营业执照" in page
    assert case.clock.due_on.strftime("%Y-%m-%d") in page
    assert "张*" in page and "张三" not in page and "11010519491231002X" not in page
    assert f"/cases/{case.number}/status/?t={case.status_token}" in page


def test_public_status_page_needs_the_token_and_shows_no_personal_data(case):
    client = english_client()
    url = f"/cases/{case.number}/status/"
    assert client.get(url).status_code == 404
    assert client.get(url + "?t=wrong").status_code == 404
    page = client.get(f"{url}?t={case.status_token}").content.decode()
    assert "Accepted" in page and case.clock.due_on.strftime("%Y-%m-%d") in page
    assert "张" not in page and "浦东测试有限公司" not in page


def test_staff_case_page_for_involved_departments_only(case, tax_handler, finance_handler):
    page = staff(tax_handler).get(f"/workbench/intake/cases/{case.pk}/").content.decode()
    assert case.number in page and "Ask for supplements" in page and "intake.application.submit" in page
    assert staff(finance_handler).get(f"/workbench/intake/cases/{case.pk}/").status_code == 403


def test_supplement_round_trip_through_the_pages(browser, case, tax_handler):
    response = staff(tax_handler).post(f"/workbench/intake/cases/{case.pk}/supplement/", {
        "missing": ["licence"], "reason__licence": "扫描件不清晰", "correction": "地址有误", "note": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.AWAITING_SUPPLEMENT
    page = browser.get(f"/me/cases/{case.number}/").content.decode()
    assert "扫描件不清晰" in page and "地址有误" in page
    bad = browser.post(f"/me/cases/{case.number}/supplement/", {"note": ""})
    assert bad.status_code == 400
    good = browser.post(f"/me/cases/{case.number}/supplement/", {
        "note": "地址已更正", "material__licence": SimpleUploadedFile("new.pdf", PDF)})
    assert good.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_counter_intake_for_a_visitor(citizen, clerk, matter):
    client = staff(clerk)
    found = client.post("/workbench/intake/counter/", {"id_number": "11010519491231002X", "matter": "PD-SWJ-0001"})
    assert found.status_code == 200 and "Company name" in found.content.decode()
    response = client.post("/workbench/intake/counter/", {
        "step": "apply", "id_number": "11010519491231002X", "matter": "PD-SWJ-0001", "company_name": "浦东测试有限公司",
        "material__licence": SimpleUploadedFile("licence.pdf", PDF)})
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/workbench/intake/cases/{application.pk}/"
    assert (application.applicant, application.submitted_by, application.channel) == (citizen, clerk, "counter")
    assert application.number in client.get("/workbench/intake/taken-in/").content.decode()
    assert "<svg" in client.get(f"/workbench/intake/cases/{application.pk}/receipt/").content.decode()


def test_counter_page_is_for_clerks(tax_handler, citizen):
    assert staff(tax_handler).get("/workbench/intake/counter/").status_code == 403
    browser = english_client()
    browser.force_login(citizen)
    assert browser.get("/workbench/intake/counter/").status_code == 403


def test_unknown_visitor_at_the_counter(clerk, matter):
    response = staff(clerk).post("/workbench/intake/counter/", {"id_number": "440524188001010014",
                                                                "matter": "PD-SWJ-0001"})
    assert response.status_code == 400 and "Nobody has registered" in response.content.decode()


def test_on_the_spot_decision_from_the_staff_page(citizen, clerk, spot_matter):
    application = services.application_submit(code="PD-SWJ-0003", applicant=citizen, by=clerk,
                                               channel=Channel.COUNTER, form_data=FORM)
    client = staff(clerk)
    assert "Decide on the spot" in client.get(f"/workbench/intake/cases/{application.pk}/").content.decode()
    client.post(f"/workbench/intake/cases/{application.pk}/decide/", {"outcome": "approved", "opinion": "当场办结"})
    application.refresh_from_db()
    assert application.status == Status.DECIDED_ON_SPOT


def test_withdraw_from_the_case_page(browser, case):
    assert browser.post(f"/me/cases/{case.number}/withdraw/", {"reason": ""}).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN


def test_materials_open_for_those_who_see_the_case_and_staff_opening_is_audited(browser, case, tax_handler,
                                                                               other_citizen):
    material = case.materials.get()
    response = staff(tax_handler).get(f"/workbench/intake/materials/{material.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert AuditRecord.objects.filter(action="intake.material.download", actor=tax_handler).exists()
    assert browser.get(f"/me/materials/{material.pk}/").status_code == 200
    other = english_client()
    other.force_login(other_citizen)
    assert other.get(f"/me/materials/{material.pk}/").status_code == 403


def test_worklists_describe_the_case_with_a_link_to_the_staff_page(case):
    info = describe_subject(case.subject)
    assert info.reference == case.number and info.title == "税务登记"
    assert info.url == f"/workbench/intake/cases/{case.pk}/" and info.applicant.startswith("张*")
    assert info.paused is False


def test_the_worklist_page_describes_its_cases_in_a_fixed_number_of_statements(citizen, matter, tax_handler,
                                                                              django_assert_max_num_queries):
    def submit(n: int) -> Application:
        return services.application_submit(code="PD-SWJ-0001", applicant=citizen, by=citizen,
                                           channel=Channel.PORTAL, form_data=dict(FORM, company_name=f"公司{n}"),
                                           files=[licence()])

    client = staff(tax_handler)
    first = submit(0)
    with CaptureQueriesContext(connection) as one:
        response = client.get("/workbench/workflow/")
    assert response.status_code == 200 and first.number in response.content.decode()
    more = [submit(n) for n in range(1, 6)]
    with django_assert_max_num_queries(len(one)):  # six cases: not one statement more than for one case
        response = client.get("/workbench/workflow/")
    page = response.content.decode()
    assert all(case.number in page for case in [first, *more])


def test_hotline_intake_for_a_caller(citizen, hotline_agent, matter):
    client = staff(hotline_agent)
    assert client.get("/workbench/intake/hotline/").status_code == 200
    response = client.post("/workbench/intake/hotline/", {
        "step": "apply", "id_number": "11010519491231002X", "matter": "PD-SWJ-0001", "company_name": "浦东测试有限公司",
        "material__licence": SimpleUploadedFile("licence.pdf", PDF)})
    assert response.status_code == 302
    application = Application.objects.get()
    assert (application.applicant, application.submitted_by, application.channel) == (citizen, hotline_agent,
                                                                                      "hotline")
    assert AuditRecord.objects.filter(action="identity.assurance.counter_lookup", actor=hotline_agent,
                                      details__channel="hotline").exists()


def test_clerks_do_not_use_the_hotline_page(clerk):
    assert staff(clerk).get("/workbench/intake/hotline/").status_code == 403


def test_case_page_shows_the_answers_by_title_and_every_notice_about_the_case(browser, case, tax_handler):
    services.supplement_request(application=case, by=tax_handler, items=[{"code": "licence", "reason": "模糊"}])
    page = browser.get(f"/me/cases/{case.number}/").content.decode()
    assert "Company name" in page and "浦东测试有限公司" in page
    assert page.count("Messages about this case") == 1 and "模糊" in page
    staff_page = staff(tax_handler).get(f"/workbench/intake/cases/{case.pk}/").content.decode()
    assert "Company name" in staff_page and "Employees" in staff_page


def test_an_agent_acting_for_an_enterprise_applies_for_it(citizen, matter):
    from yiwang.conftest import PASSWORD
    from yiwang.identity import services as identity
    from yiwang.identity.public import ACTING_ENTERPRISE_SESSION_KEY

    enterprise = identity.enterprise_register(credit_code="91350100M000100Y43", name="示例科技有限公司",
                                              legal_representative="张三", password=PASSWORD, registered_by=citizen)
    client = english_client()
    client.force_login(citizen)
    session = client.session
    session[ACTING_ENTERPRISE_SESSION_KEY] = enterprise.pk
    session.save()
    assert "You are applying for 示例科技有限公司" in client.get("/matters/PD-SWJ-0001/apply/").content.decode()
    client.post("/matters/PD-SWJ-0001/apply/", {"company_name": "示例科技有限公司",
                                                "material__licence": SimpleUploadedFile("l.pdf", PDF)})
    assert Application.objects.get().enterprise == enterprise


def test_the_clerk_receives_a_supplement_at_the_counter(citizen, clerk, tax_handler, matter):
    application = services.application_submit(code="PD-SWJ-0001", applicant=citizen, by=clerk,
                                               channel=Channel.COUNTER, form_data=FORM, files=[licence()])
    services.supplement_request(application=application, by=tax_handler, items=[{"code": "licence",
                                                                                 "reason": "盖章不清"}])
    client = staff(clerk)
    page = client.get(f"/workbench/intake/cases/{application.pk}/").content.decode()
    assert "Receive the supplement at the counter" in page and "盖章不清" in page
    assert "Receive the supplement" not in staff(tax_handler).get(
        f"/workbench/intake/cases/{application.pk}/").content.decode()
    client.post(f"/workbench/intake/cases/{application.pk}/supplement-answer/",
                {"material__licence": SimpleUploadedFile("scan.pdf", PDF)})
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS and application.materials.count() == 2


def test_pages_are_chinese_by_default(citizen, case):
    client = Client()
    client.force_login(citizen)
    for url in (f"/me/cases/{case.number}/", "/me/cases/", f"/me/cases/{case.number}/receipt/",
                "/matters/PD-SWJ-0001/apply/"):
        response = client.get(url)
        assert response.status_code == 200 and '<html lang="zh-hans">' in response.content.decode()
