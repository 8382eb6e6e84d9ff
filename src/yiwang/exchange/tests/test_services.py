"""Members, the platform CA and key store, rotation, revocation, services and grants — through the services."""

from __future__ import annotations

import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command

from yiwang.audit.public import AuditRecord
from yiwang.core.public import ValidationFailed
from yiwang.exchange import pki
from yiwang.exchange.backends.base import KeyStoreError
from yiwang.exchange.backends.local import EncryptedFileKeyStore, key_dir
from yiwang.exchange.models import AccessGrant, Certificate, CertificateRole, Member, MemberStatus, Service
from yiwang.exchange.services import (
    grant_create,
    grant_revoke,
    member_create,
    member_revoke,
    member_rotate,
    parse_member_identifier,
    service_register,
)

from .conftest import OPENAPI

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("identifier", [
    "CN-SH/GOV/PD-SWJ",                 # three parts
    "CN-SH/GOV/PD-SWJ/tax-core/extra",  # five parts
    "cn-sh/GOV/PD-SWJ/tax-core",        # instance in small letters
    "CN-BJ/GOV/PD-SWJ/tax-core",        # another instance
    "CN-SH/XYZ/PD-SWJ/tax-core",        # unknown class
    "CN-SH/GOV/pd swj/tax-core",        # member code with a space
    "CN-SH/GOV/PD-SWJ/Tax_Core",        # subsystem with capitals and underscore
    "CN-SH/GOV//tax-core",              # empty member code
])
def test_bad_identifiers_are_refused_and_nothing_is_created(identifier, tax):
    with pytest.raises(ValidationFailed) as error:
        member_create(identifier=identifier, name="x", organisation=tax)
    assert error.value.field_errors["identifier"]
    assert not Member.objects.exists() and not Certificate.objects.filter(role=CertificateRole.MEMBER).exists()


def test_identifier_parts():
    parts = parse_member_identifier("CN-SH/GOV/PD-SWJ/tax-core")
    assert (parts.instance, parts.member_class, parts.member_code, parts.subsystem) == (
        "CN-SH", "GOV", "PD-SWJ", "tax-core")


def test_a_government_member_names_its_organisation(db):
    with pytest.raises(ValidationFailed) as error:
        member_create(identifier="CN-SH/GOV/PD-SWJ/tax-core", name="税务")
    assert "organisation" in error.value.field_errors
    assert not Member.objects.exists()


def test_member_gets_a_certificate_from_the_platform_ca(tax_member):
    member, cert = tax_member.member, tax_member.certificate
    assert member.current_certificate == cert and member.organisation.code == "SWJ"
    issued = x509.load_pem_x509_certificate(cert.pem.encode())
    ca = x509.load_pem_x509_certificate(pki.ca_certificate().pem.encode())
    issued.verify_directly_issued_by(ca)  # raises if not
    assert issued.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == member.identifier
    assert issued.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert pki.verified_public_key(cert) is not None
    # the key the member got is the certificate's key
    private = pki.private_key_of(cert)
    assert private.public_key().public_bytes_raw() == issued.public_key().public_bytes_raw()  # type: ignore[union-attr]
    assert AuditRecord.objects.filter(action="exchange.member.create", object_id=str(member.pk)).exists()


def test_keys_are_encrypted_at_rest_with_mode_0600(tax_member):
    path = key_dir() / f"{tax_member.certificate.key_name}.key"
    raw = path.read_bytes()
    assert b"PRIVATE KEY" not in raw and raw.startswith(b"gAAAA")  # a Fernet token, not a PEM
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_dir().stat().st_mode) == 0o700
    assert tax_member.private_key_pem is not None
    assert EncryptedFileKeyStore().get(tax_member.certificate.key_name) == tax_member.private_key_pem


def test_a_wrong_store_key_cannot_read_keys(tax_member, settings):
    from cryptography.fernet import Fernet

    settings.YIWANG_EXCHANGE_KEY_STORE_KEY = Fernet.generate_key().decode()
    with pytest.raises(KeyStoreError, match="cannot decrypt"):
        EncryptedFileKeyStore().get(tax_member.certificate.key_name)


def test_a_key_name_is_never_overwritten(tmp_path):
    store = EncryptedFileKeyStore(tmp_path)
    store.put("member-1", b"first")
    with pytest.raises(KeyStoreError):
        store.put("member-1", b"second")
    assert store.get("member-1") == b"first"
    with pytest.raises(KeyStoreError):
        store.put("../escape", b"x")


def test_a_member_may_keep_its_own_key(db):
    own = Ed25519PrivateKey.generate()
    keys = member_create(identifier="CN-SH/COM/91310115MA1K4XXX7Y/erp", name="某公司",
                         public_key_pem=pki.public_pem(own.public_key()))
    assert keys.private_key_pem is None and keys.certificate.key_name == ""
    cert = x509.load_pem_x509_certificate(keys.certificate.pem.encode())
    assert cert.public_key().public_bytes_raw() == own.public_key().public_bytes_raw()  # type: ignore[union-attr]


def test_a_bad_public_key_is_refused(db):
    with pytest.raises(ValidationFailed) as error:
        member_create(identifier="CN-SH/COM/91310115MA1K4XXX7Y/erp", name="某公司", public_key_pem="not a key")
    assert "public_key" in error.value.field_errors
    assert not Member.objects.exists()


def test_rotation_keeps_the_old_certificate(tax_member):
    old = tax_member.certificate
    rotated = member_rotate(identifier=tax_member.member.identifier)
    old.refresh_from_db()
    assert rotated.certificate != old and old.superseded_at is not None
    assert Member.objects.get().current_certificate == rotated.certificate
    assert pki.verified_public_key(old) is not None  # still verifies what it signed
    assert rotated.private_key_pem != tax_member.private_key_pem
    assert AuditRecord.objects.filter(action="exchange.member.rotate").count() == 1


def test_revocation(tax_member):
    member = member_revoke(identifier=tax_member.member.identifier, reason="system decommissioned")
    assert member.status == MemberStatus.REVOKED
    assert not Certificate.objects.filter(member=member, revoked_at__isnull=True).exists()
    with pytest.raises(ValidationFailed):
        member_rotate(identifier=member.identifier)
    with pytest.raises(ValidationFailed):
        member_revoke(identifier=member.identifier, reason="again")
    assert AuditRecord.objects.filter(action="exchange.member.revoke").count() == 1


def test_the_ca_is_created_once(db):
    first = pki.ca_certificate()
    pki.forget_caches()
    assert pki.ca_certificate() == first
    assert Certificate.objects.filter(role=CertificateRole.CA).count() == 1


@pytest.mark.parametrize("document, problem", [
    ("not json", "not JSON"),
    ({"openapi": "3.0.0"}, "paths"),
    ({"paths": {}}, "openapi"),
    (["openapi"], "JSON object"),
])
def test_a_service_needs_an_openapi_document(commerce_member, document, problem):
    with pytest.raises(ValidationFailed) as error:
        service_register(provider=commerce_member.member, code="x-service", version="1", title="x",
                         openapi=document, kind="http", base_url="https://example.gov.cn")
    assert problem in " ".join(error.value.field_errors["openapi"])
    assert not Service.objects.exists()


def test_service_registration_rules(commerce_member, tax_member):
    with pytest.raises(ValidationFailed) as error:
        service_register(provider=commerce_member.member, code="no-handler", version="1", title="x",
                         openapi=OPENAPI, kind="local")
    assert "kind" in error.value.field_errors
    with pytest.raises(ValidationFailed) as error:
        service_register(provider=commerce_member.member, code="plain-http", version="1", title="x",
                         openapi=OPENAPI, kind="http", base_url="http://example.gov.cn")
    assert "base_url" in error.value.field_errors
    service = service_register(provider=commerce_member.member, code="ok-http", version="1", title="x",
                               openapi=OPENAPI, kind="http", base_url="https://example.gov.cn/api")
    with pytest.raises(ValidationFailed) as error:  # another member cannot take over the code
        service_register(provider=tax_member.member, code="ok-http", version="2", title="x",
                         openapi=OPENAPI, kind="http", base_url="https://example.gov.cn/api")
    assert "code" in error.value.field_errors
    service_register(provider=commerce_member.member, code="ok-http", version="2", title="y",
                     openapi=OPENAPI, kind="http", base_url="https://example.gov.cn/api")
    service.refresh_from_db()
    assert service.version == "2" and Service.objects.count() == 1


@pytest.mark.parametrize("fields", [[], ["name", "name"], ["bad name"], ["ok", 3]])
def test_bad_grants_are_refused(local_service, tax_member, fields):
    with pytest.raises(ValidationFailed) as error:
        grant_create(service=local_service, consumer=tax_member.member, fields=fields)
    assert "fields" in error.value.field_errors
    assert not AccessGrant.objects.exists()


def test_grant_and_revoke(local_service, tax_member, tax_handler):
    grant = grant_create(service="legal-person", consumer=tax_member.member.identifier, fields=["name", "credit_code"],
                         granted_by=tax_handler, purpose="税务登记核验")
    assert grant.fields == ["credit_code", "name"] and grant.granted_by == tax_handler
    grant_revoke(grant=grant.pk, revoked_by=tax_handler)
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    with pytest.raises(ValidationFailed):
        grant_revoke(grant=grant)
    assert AuditRecord.objects.filter(action__startswith="exchange.grant.").count() == 2


def test_grant_for_unknown_or_revoked_member_is_refused(local_service, tax_member):
    with pytest.raises(ValidationFailed) as error:
        grant_create(service="legal-person", consumer="CN-SH/GOV/NOPE/x", fields=None)
    assert "consumer" in error.value.field_errors
    member_revoke(identifier=tax_member.member.identifier, reason="gone")
    with pytest.raises(ValidationFailed):
        grant_create(service="legal-person", consumer=tax_member.member.identifier, fields=None)
    assert not AccessGrant.objects.exists()


def test_member_command(tax, tmp_path, capsys):
    key_out, cert_out = tmp_path / "m.key", tmp_path / "m.pem"
    call_command("exchange", "member-create", "CN-SH/GOV/PD-SWJ/tax-web", "--name", "税务网站",
                 "--organisation", "SWJ", "--key-out", str(key_out), "--cert-out", str(cert_out))
    assert stat.S_IMODE(key_out.stat().st_mode) == 0o600 and b"PRIVATE KEY" in key_out.read_bytes()
    assert x509.load_pem_x509_certificate(cert_out.read_bytes())
    call_command("exchange", "rotate", "CN-SH/GOV/PD-SWJ/tax-web")
    call_command("exchange", "revoke", "CN-SH/GOV/PD-SWJ/tax-web", "--reason", "test")
    assert Member.objects.get().status == MemberStatus.REVOKED
    assert Certificate.objects.filter(member__isnull=False).count() == 2
    with pytest.raises(CommandError, match="identifier"):
        call_command("exchange", "member-create", "bad", "--name", "x")


def test_demo_members_for_every_department(tax, commerce, district):
    from yiwang.exchange.demo import exchange_demo_load

    assert exchange_demo_load() == (2, 0)
    assert set(Member.objects.values_list("identifier", flat=True)) == {"CN-SH/GOV/SWJ/main", "CN-SH/GOV/SCJGJ/main"}
    assert exchange_demo_load() == (0, 2)  # idempotent
