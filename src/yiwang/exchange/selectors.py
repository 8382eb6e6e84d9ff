"""Reads a user triggers, each with its permission check (STYLE: ``access_*``).

A member's message log is readable by the staff of the member's organisation (any role there) — and by nobody
else through pages or the API: not other departments, not platform administrators (they verify the chain with
``yiwang exchange verify-log``, which shows no content). A member's entries are the calls it made (including
refused attempts made in its name) and the calls made to its services (the provider sees every use).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from yiwang.identity.public import access_workbench, deny, roles_of

from .models import Member, MessageLogEntry, Service


def members_of(*, user: Any) -> QuerySet[Member]:
    """The exchange members whose organisation the user holds a role in."""
    org_ids = {org for _role, org in roles_of(user)}
    return Member.objects.filter(organisation_id__in=org_ids).order_by("identifier")


def entries_of(*, members: QuerySet[Member] | list[Member]) -> QuerySet[MessageLogEntry]:
    """Entries of calls these members made, or that were made to their services."""
    members = list(members)
    identifiers = [m.identifier for m in members]
    return (MessageLogEntry.objects.filter(Q(consumer_identifier__in=identifiers) | Q(provider__in=members))
            .select_related("consumer", "provider").order_by("-seq"))


def access_member_log(*, user: Any, member_id: int | None = None) -> tuple[list[Member], QuerySet[MessageLogEntry]]:
    """The user's members and the log entries of one of them (or of all of them)."""
    access_workbench(user=user)
    members = list(members_of(user=user))
    if not members:
        raise deny(user, "exchange.log")
    if member_id is not None:
        chosen = [m for m in members if m.pk == member_id]
        if not chosen:
            raise deny(user, "exchange.log", Member.objects.filter(pk=member_id).first())
        return members, entries_of(members=chosen)
    return members, entries_of(members=members)


def access_log_entry(*, user: Any, seq: int) -> tuple[MessageLogEntry, list[MessageLogEntry]]:
    """One entry and the other entries of the same call, if the entry is one of the user's members'."""
    access_workbench(user=user)
    members = list(members_of(user=user))
    entry = entries_of(members=members).filter(seq=seq).first() if members else None
    if entry is None:
        raise deny(user, "exchange.log_entry", MessageLogEntry.objects.filter(seq=seq).first())
    same_call = list(MessageLogEntry.objects.filter(message_id=entry.message_id).order_by("seq"))
    return entry, same_call


def access_service_directory(*, user: Any) -> QuerySet[Service]:
    """The services on the exchange (what they are, not their data): any staff member."""
    access_workbench(user=user)
    return Service.objects.filter(active=True).select_related("provider").order_by("code")


def access_service(*, user: Any, code: str) -> Service:
    service = access_service_directory(user=user).filter(code=code).first()
    if service is None:
        raise deny(user, "exchange.service")
    return service
