"""The sharing catalogue's demo: after the exchange members and the registries, idempotent, six departments."""

from __future__ import annotations

import pytest

from yiwang.core.public import demo_loaders
from yiwang.exchange.demo import exchange_demo_load
from yiwang.exchange.models import AccessGrant
from yiwang.identity.demo import demo_data_load
from yiwang.registries import demo as registries_demo
from yiwang.sharing import demo
from yiwang.sharing.models import RequestStatus, Resource, ResourceStatus, SharingRequest


def test_the_loader_runs_after_the_exchange_members_and_the_registries():
    names = [step.name for step in demo_loaders()]
    assert names.index("exchange members") < names.index("registries") < names.index("sharing catalogue")


@pytest.mark.django_db
def test_demo_catalogue_and_requests_are_loaded_once(monkeypatch):
    monkeypatch.setattr(registries_demo, "DEMO_PEOPLE", 20)  # the registries' own test loads the full size
    monkeypatch.setattr(registries_demo, "DEMO_LEGAL_PERSONS", 10)
    demo_data_load()
    exchange_demo_load()
    registries_demo.registries_demo_load()
    created, present = demo.sharing_demo_load()
    assert created == len(demo.RESOURCES) + len(demo.REQUESTS) and present == 0
    published = Resource.objects.filter(status=ResourceStatus.PUBLISHED)
    assert published.count() >= 6 and len({r.provider_id for r in published}) >= 6
    population = Resource.objects.get(code="10101/000001")
    assert population.service is not None and population.service.code == "population-lookup"
    statuses = set(SharingRequest.objects.values_list("status", flat=True))
    assert statuses == {RequestStatus.GRANTED, RequestStatus.SUBMITTED, RequestStatus.REFUSED,
                        RequestStatus.DISPUTED}
    granted = SharingRequest.objects.filter(status=RequestStatus.GRANTED)
    assert len({(r.resource.provider_id, r.consumer_id) for r in granted}) >= 3
    assert AccessGrant.objects.filter(purpose__startswith="sharing #").count() == 2  # the two registry lookups
    again = demo.sharing_demo_load()
    assert again == (0, len(demo.RESOURCES) + len(demo.REQUESTS))
    assert SharingRequest.objects.count() == len(demo.REQUESTS)
