"""The base registries (基础信息库, SPEC §3.5): actual population, legal persons, geospatial addresses.

Every record names its source department and carries a version counter; every change after the
first load writes a ``RecordVersion`` (who, when, which source, old and new value of each changed
field — encrypted when the field is). Which fields a department may read is decided per field
(``RegistryFieldGrant`` plus registered grant sources, see ``selectors.granted_fields``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.core.public import EncryptedTextField

from .reference import Industry, LegalPersonKind, LegalPersonStatus, Sex


class Registry(models.TextChoices):
    PERSON = "person", _("Actual population (实有人口)")
    LEGAL_PERSON = "legal_person", _("Legal persons (法人)")
    ADDRESS = "address", _("Geospatial addresses (地址)")


class RegistryImport(models.Model):
    """One bulk load (the synthetic generator, a migration from a department's system).

    Bulk-loaded records start at version 1 without a ``RecordVersion`` row: their first version is this
    import (source, time, who). Writing 5.7 million copies of the first version would double the
    registry for no information.
    """

    registry = models.CharField(_("registry"), max_length=16, choices=Registry.choices)
    source = models.ForeignKey("identity.Organisation", verbose_name=_("source department"),
                               on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("loaded by"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField(_("loaded by"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    requested = models.PositiveIntegerField(_("records requested"), default=0)
    created = models.PositiveIntegerField(_("records created"), default=0)

    class Meta:
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_registry_display()} · {self.note or self.pk}"


class RegistryRecord(models.Model):
    """What every registry record has: a source department, a version, and when it last changed."""

    source = models.ForeignKey("identity.Organisation", verbose_name=_("source department"),
                               on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("version"), default=1)
    import_batch = models.ForeignKey(RegistryImport, verbose_name=_("bulk import"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        abstract = True


class Person(RegistryRecord):
    """A resident of the actual population (实有人口): registered (户籍) or not, living in the district.

    The identity number, name and both addresses are encrypted at rest; the number is found through a
    keyed blind index. Sex and birth date are kept in clear for statistics (age structure by street) and
    always agree with the number (GB 11643-1999).
    """

    id_number = EncryptedTextField(_("resident identity number"))
    id_number_index = models.CharField(max_length=64, unique=True, editable=False)
    name = EncryptedTextField(_("name"))
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    household_code = models.CharField(_("household number (户号)"), max_length=20, blank=True, db_index=True)
    household_address = EncryptedTextField(_("household registration address (户籍地址)"), blank=True, default="")
    actual_address = EncryptedTextField(_("actual address (实际居住地址)"), blank=True, default="")
    area_code = models.CharField(_("street or town"), max_length=12, db_index=True,
                                 help_text=_("GB/T 10114 code of the street or town of the actual address."))

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        # Never personal data: this is what audit records and logs show.
        return f"person #{self.pk}"


class LegalPerson(RegistryRecord):
    """A legal person or other registered entity (法人), identified by its unified social credit code.

    Its registration data is public (企业信用信息公示), so nothing here is encrypted.
    """

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=24, choices=LegalPersonKind.choices)
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    registered_address = models.CharField(_("registered address"), max_length=300)
    status = models.CharField(_("status"), max_length=16, choices=LegalPersonStatus.choices,
                              default=LegalPersonStatus.ACTIVE)
    industry = models.CharField(_("industry (GB/T 4754)"), max_length=1, choices=Industry.choices)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    area_code = models.CharField(_("street or town"), max_length=12, blank=True, db_index=True)

    class Meta:
        verbose_name = _("legal person")
        verbose_name_plural = _("legal persons")

    def __str__(self) -> str:
        return self.credit_code


class Address(RegistryRecord):
    """A geocoded address. ``grid_cell`` stays empty until the grid module (SPEC §3.9) assigns cells."""

    text = models.CharField(_("address"), max_length=300)
    area_code = models.CharField(_("street or town"), max_length=12, db_index=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    grid_cell = models.CharField(_("unit grid cell"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [models.UniqueConstraint(fields=["text"], name="registries_address_unique_text")]

    def __str__(self) -> str:
        return f"address #{self.pk}"


class RecordVersion(models.Model):
    """One change of one record: who, when, on which source's authority, each changed field's old and new
    value. Values of encrypted fields are stored as ciphertext (``changes[field] = [old, new]``)."""

    registry = models.CharField(_("registry"), max_length=16, choices=Registry.choices)
    record_id = models.BigIntegerField(_("record"))
    number = models.PositiveIntegerField(_("version"))
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField(_("by"), max_length=150, blank=True)
    source = models.ForeignKey("identity.Organisation", verbose_name=_("source department"),
                               on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        verbose_name = _("record version")
        verbose_name_plural = _("record versions")
        ordering = ["registry", "record_id", "number"]
        constraints = [models.UniqueConstraint(fields=["registry", "record_id", "number"],
                                               name="registries_version_unique")]

    def __str__(self) -> str:
        return f"{self.registry} #{self.record_id} v{self.number}"


class RegistryFieldGrant(models.Model):
    """Fields of one registry that one department may read.

    ``origin`` says where the grant comes from: ``local`` for one set here by a platform administrator,
    or e.g. ``sharing:42`` for one the sharing catalogue created (one row per origin, so revoking a
    sharing grant never touches a local one).
    """

    organisation = models.ForeignKey("identity.Organisation", verbose_name=_("department"),
                                     on_delete=models.CASCADE, related_name="+")
    registry = models.CharField(_("registry"), max_length=16, choices=Registry.choices)
    fields = models.JSONField(_("fields"), default=list)
    origin = models.CharField(_("origin"), max_length=40, default="local")
    granted_at = models.DateTimeField(_("granted at"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("granted by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("registry field grant")
        verbose_name_plural = _("registry field grants")
        constraints = [models.UniqueConstraint(fields=["organisation", "registry", "origin"],
                                               name="registries_grant_unique")]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.registry} · {', '.join(self.fields)}"
