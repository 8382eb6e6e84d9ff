"""Reads of the service catalogue.

The published catalogue is public (no login): ``published_versions`` and ``matter_guide``. The
administration pages go through ``access_catalog_admin`` (platform administrators only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from yiwang.core.public import NotFound, ValidationFailed
from yiwang.identity.public import Organisation, deny, is_platform_admin

from .models import LifeEvent, MaterialRequirement, Matter, MatterVersion, VersionStatus


def access_catalog_admin(*, user: Any) -> None:
    """Editing, publishing and retiring matters: platform administrators only."""
    if not is_platform_admin(user):
        raise deny(user, "catalog.admin")


def access_admin_matter(*, user: Any, code: str) -> Matter:
    access_catalog_admin(user=user)
    matter = Matter.objects.filter(code=code).first()
    if matter is None:
        raise NotFound(_("No matter has this code."))
    return matter


def access_admin_version(*, user: Any, pk: int) -> MatterVersion:
    access_catalog_admin(user=user)
    version = (MatterVersion.objects.select_related("matter", "lead_department", "process")
               .prefetch_related("departments", "life_events", "materials").filter(pk=pk).first())
    if version is None:
        raise NotFound(_("No such matter version."))
    return version


def admin_matters(*, user: Any) -> list[dict[str, Any]]:
    """Every matter with its newest version and its published one, for the administration list."""
    access_catalog_admin(user=user)
    rows = []
    versions = MatterVersion.objects.select_related("lead_department").order_by("-number")
    for matter in Matter.objects.prefetch_related(Prefetch("versions", queryset=versions)).order_by("code"):
        all_versions = list(matter.versions.all())
        rows.append({
            "matter": matter,
            "newest": all_versions[0] if all_versions else None,
            "published": next((v for v in all_versions if v.status == VersionStatus.PUBLISHED), None),
            "draft": next((v for v in all_versions if v.status == VersionStatus.DRAFT), None),
        })
    return rows


def _published() -> QuerySet[MatterVersion]:
    return (MatterVersion.objects.filter(status=VersionStatus.PUBLISHED)
            .select_related("matter", "lead_department"))


def published_versions(*, q: str = "", life_event: str = "", department: str = "") -> QuerySet[MatterVersion]:
    """The public catalogue, filtered by life event code, department code and a search text.

    Search is a plain case-insensitive substring match over name, English name and code — good
    enough for a district's few thousand matters; full-text search (jieba) comes later.
    """
    versions = _published()
    q = (q or "").strip()[:100]
    if q:
        versions = versions.filter(Q(name__icontains=q) | Q(name_en__icontains=q) | Q(matter__code__icontains=q))
    if life_event:
        versions = versions.filter(life_events__code=life_event)
    if department:
        versions = versions.filter(departments__code=department)
    return versions.distinct().order_by("matter__code")


def life_events_in_use() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.filter(matter_versions__status=VersionStatus.PUBLISHED).distinct().order_by(
        "sort_order", "code")


def departments_in_use() -> QuerySet[Organisation]:
    return Organisation.objects.filter(matter_versions__status=VersionStatus.PUBLISHED).distinct().order_by(
        "sort_order", "code")


@dataclass(frozen=True)
class MatterGuide:
    """What the public guide page shows: the published version, or the last retired one (closed)."""

    matter: Matter
    version: MatterVersion

    @property
    def open(self) -> bool:
        return self.version.status == VersionStatus.PUBLISHED


def matter_guide(*, code: str) -> MatterGuide:
    """The guide of a matter for everyone: its published version; a retired matter shows its last guide
    marked closed; a matter never published is unknown to the public."""
    matter = Matter.objects.filter(code=code).first()
    if matter is None:
        raise NotFound(_("No matter has this code."))
    version = (matter.versions.filter(status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED])
               .select_related("lead_department", "process")
               .prefetch_related("departments", "life_events", "materials")
               .order_by("status", "-number").first())  # "published" sorts before "retired"
    if version is None:
        raise NotFound(_("No matter has this code."))
    return MatterGuide(matter=matter, version=version)


def matter_version_for_application(*, code: str) -> MatterVersion:
    """The version a new application is accepted under: the published one.

    An unknown code raises ``NotFound``; a matter with no published version (a draft only, or
    retired) raises ``ValidationFailed`` with code ``matter_not_open``.
    """
    # one query when the matter is open, with the process a new application starts
    version = _published().select_related("process").filter(matter__code=code).first()
    if version is None:
        if not Matter.objects.filter(code=code).exists():
            raise NotFound(_("No matter has the code %(code)s.") % {"code": code})
        raise ValidationFailed(_("The matter %(code)s is not open for applications.") % {"code": code},
                               code="matter_not_open",
                               field_errors={"matter": [_("This matter does not accept applications now.")]})
    return version


def materials_of(*, version: MatterVersion) -> list[MaterialRequirement]:
    return list(version.materials.order_by("sort_order", "pk"))
