"""Enterprise agents: who confirms them, pending agents cannot act, the acting-for choice on every page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from yiwang.audit.models import AuditRecord
from yiwang.conftest import PASSWORD, english_client
from yiwang.core.public import ValidationFailed
from yiwang.identity import services, services_accounts
from yiwang.identity.models import AgentRole, AgentStatus, EnterpriseAgent
from yiwang.identity.public import ACTING_ENTERPRISE_SESSION_KEY, acting_enterprise, enterprises_of

pytestmark = pytest.mark.django_db
CODE = "91350100M000100Y43"


@pytest.fixture
def enterprise(citizen):
    """Registered by 张三 (citizen), who is confirmed as its agent at once."""
    return services.enterprise_register(credit_code=CODE, name="示例科技有限公司", legal_representative="张三",
                                        password=PASSWORD, registered_by=citizen)


@pytest.fixture
def lisi(db):
    return services.citizen_register(username="lisi", password=PASSWORD, real_name="李四",
                                     id_number="440524188001010014")


@pytest.fixture
def wangwu(db):
    return services.citizen_register(username="wangwu", password=PASSWORD, real_name="王五",
                                     id_number="110101199003070011")


def test_the_registering_citizen_is_confirmed_at_once(enterprise, citizen):
    agent = EnterpriseAgent.objects.get(enterprise=enterprise, user=citizen)
    assert agent.status == AgentStatus.CONFIRMED and agent.confirmed_by == citizen
    assert list(enterprises_of(user=citizen)) == [enterprise]


def test_a_further_agent_is_pending_and_cannot_act(enterprise, lisi):
    agent = services_accounts.enterprise_agent_request(user=lisi, credit_code=CODE.lower())
    assert agent.status == AgentStatus.PENDING
    assert not enterprises_of(user=lisi).exists()
    client = Client()
    client.force_login(lisi)
    assert client.post(reverse("identity:acting_switch"), {"enterprise": enterprise.pk}).status_code == 403
    assert AuditRecord.objects.filter(action="audit.access.denied", actor=lisi,
                                      details__what="identity.acting").exists()
    assert ACTING_ENTERPRISE_SESSION_KEY not in client.session
    assert AuditRecord.objects.filter(action="identity.enterprise.agent_request", actor=lisi).exists()


@pytest.mark.parametrize("decider", ["enterprise_account", "legal_representative", "platform_admin"])
def test_who_may_confirm(enterprise, lisi, wangwu, platform_admin, decider):
    services.enterprise_agent_add(enterprise=enterprise, user=wangwu, role=AgentRole.LEGAL_REPRESENTATIVE,
                                  by=platform_admin)
    by = {"enterprise_account": enterprise.account, "legal_representative": wangwu,
          "platform_admin": platform_admin}[decider]
    agent = services_accounts.enterprise_agent_request(user=lisi, credit_code=CODE)
    services_accounts.enterprise_agent_confirm(agent=agent, by=by)
    agent.refresh_from_db()
    assert agent.status == AgentStatus.CONFIRMED and agent.confirmed_by == by
    assert list(enterprises_of(user=lisi)) == [enterprise]
    record = AuditRecord.objects.get(action="identity.enterprise.agent_confirm")
    assert record.actor == by and record.on_behalf_of == f"enterprise:{CODE}"


def test_an_ordinary_agent_or_a_pending_legal_representative_may_not_confirm(enterprise, citizen, lisi, wangwu):
    pending_rep = services_accounts.enterprise_agent_request(user=wangwu, credit_code=CODE,
                                                             as_legal_representative=True)
    agent = services_accounts.enterprise_agent_request(user=lisi, credit_code=CODE)
    for by in (citizen, wangwu, lisi):  # confirmed plain agent, pending legal representative, the agent
        with pytest.raises((PermissionDenied, ValidationFailed)):
            services_accounts.enterprise_agent_confirm(agent=agent, by=by)
    agent.refresh_from_db()
    pending_rep.refresh_from_db()
    assert agent.status == pending_rep.status == AgentStatus.PENDING
    assert AuditRecord.objects.filter(action="audit.access.denied", details__what="identity.enterprise_agent"
                                      ).count() == 3


def test_refused_agents_stay_out_and_may_ask_again(enterprise, lisi):
    agent = services_accounts.enterprise_agent_request(user=lisi, credit_code=CODE)
    services_accounts.enterprise_agent_refuse(agent=agent, by=enterprise.account, reason="不认识")
    agent.refresh_from_db()
    assert agent.status == AgentStatus.REVOKED and not enterprises_of(user=lisi).exists()
    with pytest.raises(ValidationFailed, match="decided already"):
        services_accounts.enterprise_agent_confirm(agent=agent, by=enterprise.account)
    again = services_accounts.enterprise_agent_request(user=lisi, credit_code=CODE)
    assert again.pk == agent.pk and again.status == AgentStatus.PENDING


def test_asking_for_an_unknown_or_already_held_enterprise_is_explained(enterprise, citizen, lisi):
    with pytest.raises(ValidationFailed, match="No enterprise is registered"):
        services_accounts.enterprise_agent_request(user=lisi, credit_code="91110108551385082Q")
    with pytest.raises(ValidationFailed, match="already act for"):
        services_accounts.enterprise_agent_request(user=citizen, credit_code=CODE)


def test_the_agents_page_request_and_confirmation(enterprise, lisi):
    client = english_client()
    client.force_login(lisi)
    response = client.post(reverse("identity:enterprise_agents"), {"credit_code": CODE})
    assert response.status_code == 302
    assert "Waiting for confirmation" in client.get(reverse("identity:enterprise_agents")).content.decode()
    agent = EnterpriseAgent.objects.get(user=lisi)
    # lisi may not decide about himself; the enterprise account may
    assert client.post(reverse("identity:enterprise_agent_decide", args=[agent.pk]),
                       {"decision": "confirm"}).status_code == 403
    boss = english_client()
    boss.force_login(enterprise.account)
    assert "李四" in boss.get(reverse("identity:enterprise_agents")).content.decode()
    boss.post(reverse("identity:enterprise_agent_decide", args=[agent.pk]), {"decision": "confirm"})
    agent.refresh_from_db()
    assert agent.status == AgentStatus.CONFIRMED


def test_acting_for_an_enterprise_is_visible_on_every_portal_page_and_audited(enterprise, citizen):
    client = english_client()
    client.force_login(citizen)
    for url in ("/", reverse("portal:me"), reverse("portal:account")):
        assert "Acting for myself" in client.get(url).content.decode()
    response = client.post(reverse("identity:acting_switch"), {"enterprise": enterprise.pk, "next": "/me/"})
    assert response.status_code == 302 and response["Location"] == "/me/"
    for url in ("/", reverse("portal:me"), reverse("portal:account"), reverse("identity:enterprise_agents")):
        assert "Acting for 示例科技有限公司" in client.get(url).content.decode(), url
    switch = AuditRecord.objects.filter(action="identity.acting.switch").latest("seq")
    assert switch.actor == citizen and switch.on_behalf_of == f"enterprise:{CODE}"
    client.post(reverse("identity:acting_switch"), {"enterprise": ""})
    assert "Acting for myself" in client.get("/").content.decode()
    assert AuditRecord.objects.filter(action="identity.acting.switch").count() == 2


def test_a_revoked_agent_stops_acting_at_once(enterprise, lisi):
    agent = services_accounts.enterprise_agent_request(user=lisi, credit_code=CODE)
    services_accounts.enterprise_agent_confirm(agent=agent, by=enterprise.account)
    client = Client()
    client.force_login(lisi)
    client.post(reverse("identity:acting_switch"), {"enterprise": enterprise.pk})
    assert acting_enterprise(request=_request(client, lisi)) == enterprise
    assert 'id="acting-for"' in client.get("/").content.decode()
    services_accounts.enterprise_agent_refuse(agent=agent, by=enterprise.account)
    assert acting_enterprise(request=_request(client, lisi)) is None
    assert 'id="acting-for"' not in client.get("/").content.decode()  # nothing left to act for


def _request(client: Client, user):
    class _Req:
        pass

    request = _Req()
    request.user = user  # type: ignore[attr-defined]
    request.session = client.session  # type: ignore[attr-defined]
    return request
