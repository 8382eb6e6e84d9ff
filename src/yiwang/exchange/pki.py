"""The platform's own certificate authority, certificates and private keys (ADR 0020).

Ed25519 everywhere: the CA, the gateway and the members. The CA is created on first use (its key goes to the key
store, its certificate to the database); a race between two processes creating it is settled by a unique
constraint, and the loser forgets its key. Parsed certificates and loaded keys are cached per process by their
fingerprint or key name — both are immutable, so the caches never go stale; what can change (revocation,
rotation) is read from the database on every use.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .backends.base import KeyStore, KeyStoreError
from .models import Certificate, CertificateRole, Member

CA_NAME = "yiwang exchange CA"
GATEWAY_NAME = "yiwang exchange gateway"


def key_store() -> KeyStore:
    store_class = import_string(settings.YIWANG_EXCHANGE_KEY_STORE)
    return store_class()  # type: ignore[no-any-return]


def private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_key(pem: str) -> Ed25519PublicKey:
    """A member's own public key (it keeps the private key); only Ed25519 is accepted."""
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError) as exc:
        raise ValueError("not a PEM public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the key must be Ed25519")
    return key


@lru_cache(maxsize=4096)
def parsed(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


@lru_cache(maxsize=256)
def _private_key(name: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(key_store().get(name), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyStoreError(f"key {name} is not an Ed25519 key")
    return key


def private_key_of(cert: Certificate) -> Ed25519PrivateKey:
    if not cert.key_name:
        raise KeyStoreError(f"the platform does not hold the private key of certificate {cert.serial}")
    return _private_key(cert.key_name)


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64] or common_name),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
    ])


def _store(cert: x509.Certificate, *, role: str, member: Member | None, key_name: str) -> Certificate:
    return Certificate.objects.create(
        role=role, member=member, serial=format(cert.serial_number, "x"), fingerprint=fingerprint(cert),
        subject=cert.subject.rfc4514_string()[:300], pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc, key_name=key_name)


def ca_certificate() -> Certificate:
    """The live CA certificate, created on first use."""
    existing = Certificate.objects.filter(role=CertificateRole.CA, superseded_at__isnull=True).first()
    if existing is not None:
        return existing
    key = Ed25519PrivateKey.generate()
    serial = x509.random_serial_number()
    key_name = f"ca-{format(serial, 'x')}"
    store = key_store()
    store.put(key_name, private_pem(key))
    now = datetime.now(UTC)
    name = _name(CA_NAME, f"{settings.YIWANG_EXCHANGE_INSTANCE} yiwang")
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(serial).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=settings.YIWANG_EXCHANGE_CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, algorithm=None))
    try:
        with transaction.atomic():
            return _store(cert, role=CertificateRole.CA, member=None, key_name=key_name)
    except IntegrityError:
        store.discard(key_name)  # another process made the CA first
        return Certificate.objects.get(role=CertificateRole.CA, superseded_at__isnull=True)


@dataclass(frozen=True)
class IssuedCertificate:
    certificate: Certificate
    private_key_pem: bytes | None  # only when the platform generated the key and the caller must hand it out


def issue(*, role: str, common_name: str, organisation: str, member: Member | None,
          public_key: Ed25519PublicKey | None = None, days: int | None = None) -> IssuedCertificate:
    """A new certificate from the platform CA: for ``public_key`` (the member keeps its own key), or for a new
    key pair kept in the key store. Call inside the caller's transaction."""
    ca = ca_certificate()
    ca_key = private_key_of(ca)
    ca_cert = parsed(ca.pem)
    serial = x509.random_serial_number()
    key_name, key_pem = "", None
    if public_key is None:
        generated = Ed25519PrivateKey.generate()
        public_key = generated.public_key()
        key_pem = private_pem(generated)
        key_name = f"{role}-{format(serial, 'x')}"
        key_store().put(key_name, key_pem)
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(common_name, organisation)).issuer_name(ca_cert.subject)
            .public_key(public_key).serial_number(serial).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=days or settings.YIWANG_EXCHANGE_CERT_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, algorithm=None))
    stored = _store(cert, role=role, member=member, key_name=key_name)
    return IssuedCertificate(stored, key_pem if role == CertificateRole.MEMBER else None)


@lru_cache(maxsize=4096)
def _chain_ok(cert_pem: str, ca_pem: str) -> bool:
    try:
        parsed(cert_pem).verify_directly_issued_by(parsed(ca_pem))
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def verified_public_key(cert: Certificate, *, at: datetime | None = None) -> Ed25519PublicKey | None:
    """The certificate's key when the certificate chains to one of our CA certificates and is valid ``at``
    (default now); None otherwise."""
    moment = at or timezone.now()
    if not (cert.not_before <= moment <= cert.not_after):
        return None
    cas = _ca_pems()
    if not any(_chain_ok(cert.pem, ca) for ca in cas):
        return None
    key = parsed(cert.pem).public_key()
    return key if isinstance(key, Ed25519PublicKey) else None


_ca_cache: tuple[float, tuple[str, ...]] = (0.0, ())
_ca_lock = threading.Lock()


def _ca_pems() -> tuple[str, ...]:
    """Every CA certificate (a new CA does not orphan certificates the old one issued); re-read each minute."""
    global _ca_cache
    loaded_at, pems = _ca_cache
    if pems and time.monotonic() - loaded_at < 60:
        return pems
    with _ca_lock:
        pems = tuple(Certificate.objects.filter(role=CertificateRole.CA).values_list("pem", flat=True))
        _ca_cache = (time.monotonic(), pems)
    return pems


def forget_caches() -> None:
    global _ca_cache, _gateway_cache
    _ca_cache = (0.0, ())
    _gateway_cache = None
    _chain_ok.cache_clear()
    _private_key.cache_clear()


# --- the gateway's own signing certificate -------------------------------------------------------------------

_gateway_cache: tuple[float, Certificate, Ed25519PrivateKey] | None = None
GATEWAY_RECHECK_SECONDS = 30


def gateway_signer() -> tuple[Certificate, Ed25519PrivateKey]:
    """The certificate and key the gateway signs log entries with; created on first use.

    Re-read every few seconds, so a rotation reaches every server quickly; an entry signed with the previous
    key in between still verifies (the entry names its certificate, which is never deleted).
    """
    global _gateway_cache
    cached = _gateway_cache
    if cached is not None and time.monotonic() - cached[0] < GATEWAY_RECHECK_SECONDS:
        return cached[1], cached[2]
    cert = Certificate.objects.filter(role=CertificateRole.GATEWAY, superseded_at__isnull=True).first()
    if cert is None:
        cert = _gateway_create()
    key = private_key_of(cert)
    _gateway_cache = (time.monotonic(), cert, key)
    return cert, key


def _gateway_create() -> Certificate:
    try:
        with transaction.atomic():
            return issue(role=CertificateRole.GATEWAY, common_name=GATEWAY_NAME,
                         organisation=f"{settings.YIWANG_EXCHANGE_INSTANCE} yiwang", member=None).certificate
    except IntegrityError:
        return Certificate.objects.get(role=CertificateRole.GATEWAY, superseded_at__isnull=True)
