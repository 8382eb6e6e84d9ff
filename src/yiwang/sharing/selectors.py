"""Reads and permission checks of the sharing catalogue (``access_*`` raise ``deny``, which audits)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from yiwang.core.public import NotFound
from yiwang.exchange.public import Member, entries_of
from yiwang.identity.public import Organisation, Role, access_workbench, deny, has_role, roles_of

from .models import RequestStatus, Resource, ResourceStatus, SharingRequest, SharingType


def sharing_rate(start: dt.date, end: dt.date) -> tuple[int, int]:
    """(shared, all) published resources: the outline's data sharing rate; the catalogue as it is today."""
    published = Resource.objects.filter(status=ResourceStatus.PUBLISHED)
    return published.exclude(sharing_type=SharingType.NONE).count(), published.count()


def steward_orgs(user: Any) -> set[int]:
    return {org for role, org in roles_of(user) if role == Role.DATA_STEWARD}


def requester_orgs(user: Any) -> set[int]:
    return {org for role, org in roles_of(user) if role in (Role.DATA_STEWARD, Role.DEPARTMENT_HEAD)}


def is_authority(user: Any) -> bool:
    """The sharing authority: platform admins, or anyone with a role in the organisation the setting names."""
    if has_role(user, Role.PLATFORM_ADMIN):
        return True
    code = getattr(settings, "YIWANG_SHARING_AUTHORITY", "")
    if not code:
        return False
    org_ids = {org for _role, org in roles_of(user)}
    return Organisation.objects.filter(code=code, pk__in=org_ids).exists()


def can_manage(user: Any, provider: Organisation) -> bool:
    return has_role(user, Role.PLATFORM_ADMIN) or has_role(user, Role.DATA_STEWARD, organisation=provider)


# --- catalogue -------------------------------------------------------------------------------------------


def access_catalogue(*, user: Any, query: str = "") -> QuerySet[Resource]:
    """Published resources (any staff member), plus the drafts and withdrawn ones of the user's departments."""
    access_workbench(user=user)
    own = steward_orgs(user)
    qs = Resource.objects.select_related("provider", "service")
    if not has_role(user, Role.PLATFORM_ADMIN):
        qs = qs.filter(Q(status=ResourceStatus.PUBLISHED) | Q(provider_id__in=own))
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__icontains=query) | Q(provider__name__icontains=query)
                       | Q(description__icontains=query) | Q(fields__label__icontains=query)
                       | Q(fields__name__icontains=query)).distinct()
    return qs.order_by("code")


def access_resource(*, user: Any, pk: int) -> Resource:
    access_workbench(user=user)
    resource = Resource.objects.select_related("provider", "service").filter(pk=pk).first()
    if resource is None:
        raise NotFound(_("No such resource."))
    if resource.status != ResourceStatus.PUBLISHED and not can_manage(user, resource.provider):
        raise deny(user, "sharing.resource", resource)
    return resource


def access_resource_edit(*, user: Any, provider: Organisation, resource: Resource | None = None) -> None:
    access_workbench(user=user)
    if not can_manage(user, provider):
        raise deny(user, "sharing.resource.edit", resource or provider)


# --- requests --------------------------------------------------------------------------------------------


def access_request(*, user: Any, pk: int) -> SharingRequest:
    """A request: for its consumer's and its provider's stewards / heads, and the authority."""
    access_workbench(user=user)
    req = SharingRequest.objects.select_related("resource__provider", "consumer", "clock").filter(pk=pk).first()
    if req is None:
        raise NotFound(_("No such request."))
    orgs = {org for _r, org in roles_of(user)}
    if not (req.consumer_id in requester_orgs(user) or req.resource.provider_id in orgs or is_authority(user)):
        raise deny(user, "sharing.request", req)
    return req


def requests_to_answer(*, user: Any) -> QuerySet[SharingRequest]:
    access_workbench(user=user)
    own = steward_orgs(user)
    if not own:
        raise deny(user, "sharing.requests_to_answer")
    return (SharingRequest.objects.filter(resource__provider_id__in=own, status=RequestStatus.SUBMITTED)
            .select_related("resource", "consumer", "clock").order_by("clock__due_on", "pk"))


def requests_of_my_department(*, user: Any) -> QuerySet[SharingRequest]:
    access_workbench(user=user)
    own = requester_orgs(user)
    if not own:
        raise deny(user, "sharing.my_requests")
    return SharingRequest.objects.filter(consumer_id__in=own).select_related("resource__provider", "consumer",
                                                                              "clock")


def disputes(*, user: Any) -> QuerySet[SharingRequest]:
    access_workbench(user=user)
    if not is_authority(user):
        raise deny(user, "sharing.disputes")
    return (SharingRequest.objects.filter(status=RequestStatus.DISPUTED)
            .select_related("resource__provider", "consumer").order_by("disputed_at", "pk"))


# --- use -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UseByConsumer:
    consumer: str
    calls: int
    last_at: Any


def access_usage(*, user: Any, organisation_id: int | None = None) -> tuple[Organisation, list[UseByConsumer], Any]:
    """Calls to the services of a provider's resources from the exchange message log, by consumer.

    For the provider's stewards and heads (their own department) and the authority (any department).
    """
    access_workbench(user=user)
    own = requester_orgs(user)
    org_id = organisation_id or (min(own) if own else None)
    organisation = Organisation.objects.filter(pk=org_id).first() if org_id else None
    if organisation is None or not (organisation.pk in own or is_authority(user)):
        raise deny(user, "sharing.usage", organisation)
    codes = list(Resource.objects.filter(provider=organisation, service__isnull=False)
                 .values_list("service__code", flat=True).distinct())
    members = list(Member.objects.filter(organisation=organisation))
    entries = entries_of(members=members).filter(service_code__in=codes, kind__in=["request", "refusal"],
                                                  provider__organisation=organisation)
    by_consumer = [UseByConsumer(consumer=row["consumer_identifier"], calls=row["calls"], last_at=row["last_at"])
                   for row in entries.order_by().values("consumer_identifier")
                   .annotate(calls=Count("pk"), last_at=Max("at")).order_by("-calls", "consumer_identifier")]
    return organisation, by_consumer, entries[:200]

