"""What the gateway knows about members, services and grants, cached per process and checked on every call.

``DirectoryVersion`` is bumped by every service that changes a member, a certificate, a service or a grant, in
the same transaction. ``current()`` reads the number (one indexed single-row select) and throws the cache away
when it moved, so a revocation takes effect at the very next call on every server. Only what exists is cached
(an unknown member is looked up every time), so a flood of made-up identifiers cannot grow the cache.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import F

from .models import AccessGrant, DirectoryVersion, Member, Service

VERSION_TABLE = DirectoryVersion._meta.db_table
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class GrantWindow:
    fields: frozenset[str] | None
    valid_from: datetime
    valid_until: datetime | None

    def live(self, now: datetime) -> bool:
        return self.valid_from <= now and (self.valid_until is None or now < self.valid_until)


@dataclass
class Directory:
    version: int
    members: dict[str, Member] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    grants: dict[tuple[int, int], tuple[GrantWindow, ...]] = field(default_factory=dict)

    def member(self, identifier: str) -> Member | None:
        member = self.members.get(identifier)
        if member is None:
            member = (Member.objects.select_related("current_certificate", "organisation")
                      .filter(identifier=identifier).first())
            if member is not None and len(self.members) < MAX_ENTRIES:
                self.members[identifier] = member
        return member

    def service(self, code: str) -> Service | None:
        service = self.services.get(code)
        if service is None:
            service = Service.objects.select_related("provider").filter(code=code, active=True).first()
            if service is not None and len(self.services) < MAX_ENTRIES:
                self.services[code] = service
        return service

    def grant_windows(self, service: Service, member: Member) -> tuple[GrantWindow, ...]:
        key = (service.pk, member.pk)
        windows = self.grants.get(key)
        if windows is None:
            windows = tuple(
                GrantWindow(frozenset(f) if f is not None else None, start, end)
                for f, start, end in AccessGrant.objects.filter(service=service, consumer=member,
                                                                revoked_at__isnull=True)
                .values_list("fields", "valid_from", "valid_until"))
            if len(self.grants) < MAX_ENTRIES:
                self.grants[key] = windows
        return windows


_lock = threading.Lock()
_current: Directory | None = None


def current() -> Directory:
    global _current
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {VERSION_TABLE} WHERE id = 1")  # noqa: S608 (our table)
        row = cursor.fetchone()
    version = int(row[0]) if row else -1
    directory = _current
    if directory is None or directory.version != version:
        with _lock:
            directory = _current = Directory(version)
    return directory


def changed() -> None:
    """Call inside the transaction of any change the gateway must see at once."""
    if not DirectoryVersion.objects.filter(pk=1).update(version=F("version") + 1):
        DirectoryVersion.objects.get_or_create(pk=1)


def forget() -> None:
    global _current
    _current = None
