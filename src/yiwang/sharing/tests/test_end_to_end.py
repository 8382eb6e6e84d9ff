"""Done-when of the issue: a department reads another's registry fields through the gateway only after the
provider grants its request, and then exactly the granted fields."""

from __future__ import annotations

from yiwang.exchange.models import AccessGrant, MessageLogEntry
from yiwang.registries.public import granted_fields
from yiwang.sharing import services
from yiwang.sharing.models import RequestStatus

from .conftest import ID_PUDONG, exchange_call

TARGET = "/exchange/v1/population-lookup/lookup?fields=name,actual_address"


def test_request_approve_then_the_gateway_returns_exactly_the_granted_fields(
        population, person, members, civil, civil_steward, police_steward):
    civil_keys = members["civil"]
    before = exchange_call(civil_keys, "POST", TARGET, {"id_number": ID_PUDONG})
    assert before.status_code == 403 and "张三" not in before.content.decode()

    req = services.request_submit(user=civil_steward, resource=population, fields=["name", "actual_address"],
                                  purpose="最低生活保障家庭经济状况核对", legal_basis="《社会救助暂行办法》第十一条")
    assert req.status == RequestStatus.SUBMITTED and req.exchange_grant_id is None
    waiting = exchange_call(civil_keys, "POST", TARGET, {"id_number": ID_PUDONG})
    assert waiting.status_code == 403 and "张三" not in waiting.content.decode()

    req = services.request_answer(user=police_steward, request=req, grant=True)
    assert req.status == RequestStatus.GRANTED
    assert req.exchange_grant_id is not None
    grant = AccessGrant.objects.get(pk=req.exchange_grant_id)
    assert grant.consumer == civil_keys.member and grant.fields == ["actual_address", "name"]
    assert granted_fields(organisation=civil, registry="person") >= {"name", "actual_address"}

    answer = exchange_call(civil_keys, "POST", TARGET, {"id_number": ID_PUDONG})
    assert answer.status_code == 200
    assert answer.json() == {"data": {"name": "张三", "actual_address": "上海市浦东新区锦绣路1001弄12号702室"}}
    # A field of the resource that was not requested (and so not granted) is never returned.
    more = exchange_call(civil_keys, "POST", "/exchange/v1/population-lookup/lookup?fields=name,birth_date",
                         {"id_number": ID_PUDONG})
    assert more.status_code == 403 and "1993" not in more.content.decode()
    assert MessageLogEntry.objects.filter(service_code="population-lookup",
                                          consumer_identifier=civil_keys.member.identifier).exists()

    services.grant_revoke(user=police_steward, request=req, reasons="用途已完成")
    after = exchange_call(civil_keys, "POST", TARGET, {"id_number": ID_PUDONG})
    assert after.status_code == 403 and "张三" not in after.content.decode()
    assert granted_fields(organisation=civil, registry="person") == {"id_number"}
