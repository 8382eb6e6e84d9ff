"""yiwang's rules on top of django-oauth-toolkit's request validator (OAUTH2_VALIDATOR_CLASS).

- Claims: pairwise ``sub`` and ``acr`` in the ID token; personal data only from userinfo (``claims.py``).
- Keys: ID tokens are signed with the key store's active key; any kept key verifies (``keys.py``).
- Failures: each refusal at the token endpoint notes *why* (replayed code, PKCE mismatch, reused refresh
  token …) for the token view to audit. A replayed authorisation code revokes every token issued for it
  (RFC 6749 §4.1.2); a replayed refresh token revokes its family (DOT's REFRESH_TOKEN_REUSE_PROTECTION).
- Confidential clients' secrets are hashed with the password hasher; a verified secret is remembered in
  the process (as a SHA-256 digest), so a busy department system does not pay Argon2 on every call.
- The refresh grant is DOT's, with fewer statements (bench/oidc, ADR 0011 "Performance"): the presented
  refresh token is read *and locked* once, with its access token and user; rotation then revokes it and
  deletes its access token (one statement on PostgreSQL), and nothing runs in a savepoint of its own (the
  token endpoint's transaction covers the whole grant). Reads and inserts on this path are hand-written
  SQL with the ORM's own field conversions (``rows.py``). Anything unusual (a revoked token inside a grace period,
  rotation off) takes DOT's own path.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import uuid
from collections import OrderedDict
from contextvars import ContextVar
from datetime import timedelta
from typing import Any
from urllib.parse import unquote_plus

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.contrib.auth import get_user_model
from django.db import connections, router, transaction
from django.utils import timezone
from jwcrypto import jws, jwt
from oauth2_provider.exceptions import FatalClientError
from oauth2_provider.models import (
    AccessToken,
    Grant,
    IDToken,
    RefreshToken,
    get_application_model,
    refresh_token_expire_timedelta,
)
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings

from yiwang.audit.public import AuditResult, audit_record

from . import claims
from .keys import signing_keys, verification_key
from .models import Authorisation
from .rows import Columns, insert

Application = get_application_model()
_failure: ContextVar[dict[str, Any] | None] = ContextVar("yiwang_sso_failure", default=None)


def generate_token(request: Any, refresh_token: bool = False) -> str:
    """Access and refresh token values (``ACCESS_TOKEN_GENERATOR``): 256 random bits, URL-safe (RFC 6750 b64token)."""
    return secrets.token_urlsafe(32)


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def track_failures() -> tuple[dict[str, Any], Any]:
    """Start collecting the reason of a refusal for this request; returns the dict and a reset token."""
    found: dict[str, Any] = {}
    return found, _failure.set(found)


def stop_tracking(token: Any) -> None:
    _failure.reset(token)


def note_failure(reason: str, **details: Any) -> None:
    found = _failure.get()
    if found is not None and "reason" not in found:
        found["reason"] = reason
        found.update(details)


class _VerifiedSecrets:
    """Client secrets already checked against their hash in this process (keyed by SHA-256, never plaintext)."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._seen

    def add(self, key: tuple[str, str]) -> None:
        self._seen[key] = None
        while len(self._seen) > self.size:
            self._seen.popitem(last=False)


_verified = _VerifiedSecrets()


_REFRESH = Columns(RefreshToken, "r")
_ACCESS = Columns(AccessToken, "a")
_USER = Columns(get_user_model(), "u")
_refresh_sql: dict[str, str] = {}


def _locked_refresh_token(checksum: str) -> Any:
    """The refresh token with this checksum, its access token and user, the token row locked (FOR UPDATE OF).

    As DOT's ``filter(token_checksum=…).select_related("access_token", "user").order_by(revoked desc nulls
    first).first()`` under ``select_for_update(of=("self",))``, in hand-written SQL (``rows.py``). Several rows
    share a checksum only when all but one are revoked: the live one wins, else the latest revoked.
    """
    connection = connections[router.db_for_write(RefreshToken)]
    sql = _refresh_sql.get(connection.alias)
    if sql is None:
        qn = connection.ops.quote_name
        lock = ""
        if connection.features.has_select_for_update:
            lock = f" FOR UPDATE OF {qn('r')}" if connection.features.has_select_for_update_of else " FOR UPDATE"
        refresh = RefreshToken._meta

        def column(alias: str, meta: Any, name: str) -> str:
            return f"{qn(alias)}.{qn(meta.get_field(name).column)}"

        sql = (  # identifiers from the models' metadata; the checksum is a parameter
            f"SELECT {_REFRESH.select(connection)}, {_ACCESS.select(connection)}, {_USER.select(connection)} "  # noqa: S608
            f"FROM {_REFRESH.table(connection)} LEFT OUTER JOIN {_ACCESS.table(connection)} "
            f"ON {column('a', AccessToken._meta, 'id')} = {column('r', refresh, 'access_token')} "
            f"INNER JOIN {_USER.table(connection)} "
            f"ON {column('u', _USER.model._meta, _USER.model._meta.pk.name)} = {column('r', refresh, 'user')} "
            f"WHERE {column('r', refresh, 'token_checksum')} = %s{lock}")
        _refresh_sql[connection.alias] = sql
    with connection.cursor() as cursor:
        cursor.execute(sql, [checksum])
        rows = cursor.fetchall()
    found = []
    for row in rows:
        rt = _REFRESH.instance(row, 0, connection)
        RefreshToken.access_token.field.set_cached_value(rt, _ACCESS.instance(row, len(_REFRESH), connection))
        RefreshToken.user.field.set_cached_value(rt, _USER.instance(row, len(_REFRESH) + len(_ACCESS), connection))
        found.append(rt)
    if not found:
        return None
    live = [rt for rt in found if rt.revoked is None]
    return live[0] if live else max(found, key=lambda rt: rt.revoked)


def _b64(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _sign_rs256(key: Any, header: dict[str, Any], claims_: dict[str, Any]) -> str:
    """A compact JWS (RFC 7515 §7.1) signed RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3)."""
    signing_input = f"{_b64(json.dumps(header, default=str))}.{_b64(json.dumps(claims_, default=str))}"
    signature = key.get_op_key("sign").sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64(signature)}"


_thumbprints: dict[int, tuple[Any, str]] = {}


def _thumbprint(key: Any) -> str:
    """The key's RFC 7638 thumbprint (its ``kid``), remembered per key object (DOT caches the key objects)."""
    cached = _thumbprints.get(id(key))
    if cached is None or cached[0] is not key:
        cached = _thumbprints[id(key)] = (key, str(key.thumbprint()))
    return cached[1]


_APPLICATION = Columns(Application, "c")
_application_sql: dict[str, str] = {}


def _application(client_id: str) -> Any:
    """``Application.objects.filter(client_id=…).first()`` in hand-written SQL (``rows.py``)."""
    connection = connections[router.db_for_read(Application)]
    sql = _application_sql.get(connection.alias)
    if sql is None:
        qn = connection.ops.quote_name
        column = qn(Application._meta.get_field("client_id").column)
        sql = (f"SELECT {_APPLICATION.select(connection)} FROM {_APPLICATION.table(connection)} "  # noqa: S608
               f"WHERE {qn('c')}.{column} = %s")  # identifiers from the model's metadata
        _application_sql[connection.alias] = sql
    with connection.cursor() as cursor:
        cursor.execute(sql, [client_id])
        row = cursor.fetchone()
    return _APPLICATION.instance(row, 0, connection) if row is not None else None


class YiwangOAuth2Validator(OAuth2Validator):
    oidc_claim_scope = None  # we choose the claims ourselves (claims.py)

    # --- client authentication ---------------------------------------------------------------------------
    def _check_secret(self, provided_secret: str, stored_secret: str) -> bool:
        key = (hashlib.sha256(provided_secret.encode()).hexdigest(), stored_secret)
        if key in _verified:
            return True
        ok = bool(super()._check_secret(provided_secret, stored_secret))
        if ok:
            _verified.add(key)
        return ok

    def _load_application(self, client_id: str, request: Any) -> Any:
        """DOT's, with the lookup of a registered client in hand-written SQL; anything else is DOT's own path."""
        if request.client or oauth2_settings.CIMD_ENABLED or not isinstance(client_id, str) or "\x00" in client_id:
            return super()._load_application(client_id, request)
        client = _application(client_id)
        if client is None:
            return super()._load_application(client_id, request)  # unknown: DOT answers (and logs) as always
        if not client.is_usable(request):
            return None
        request.client = client
        return client

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        ok = bool(super().authenticate_client(request, *args, **kwargs))
        if not ok:
            note_failure("client_authentication_failed" if self._named_client_exists(request) else "unknown_client")
        return ok

    def _named_client_exists(self, request: Any) -> bool:
        client_id = request.client_id
        encoded = self._extract_basic_auth(request)
        if encoded:
            try:
                client_id = unquote_plus(base64.b64decode(encoded).decode("utf-8").split(":", 1)[0])
            except (ValueError, UnicodeDecodeError):
                return False
        return bool(client_id) and Application.objects.filter(client_id=client_id).exists()

    def authenticate_client_id(self, client_id: str, request: Any, *args: Any, **kwargs: Any) -> bool:
        ok = bool(super().authenticate_client_id(client_id, request, *args, **kwargs))
        if not ok:
            note_failure("client_secret_missing" if request.client else "unknown_client")
        return ok

    # --- authorisation codes ------------------------------------------------------------------------------
    def _grant(self, code: str, request: Any) -> Grant | None:
        """The code's Grant with its user, read once per request (DOT reads it up to five times)."""
        cached = getattr(request, "_yiwang_grant", None)
        if cached is None or cached.code != code:
            cached = Grant.objects.select_related("user").filter(code=code, application=request.client).first()
            request._yiwang_grant = cached
        return cached

    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        grant = self._grant(code, request)
        ok = grant is not None and not grant.is_expired()
        if grant is not None and ok:  # DOT's validate_code (3.4), on the Grant already read
            request.scopes = grant.scope.split(" ")
            request.user = grant.user
            if grant.nonce:
                request.nonce = grant.nonce
            if grant.claims:
                request.claims = json.loads(grant.claims)
        if not ok:
            self._code_refused(code, client, request)
        return ok

    def _code_refused(self, code: str, client: Any, request: Any) -> None:
        if Grant.objects.filter(code=code, application=client).exists():
            note_failure("code_expired")
            return
        authorisation = Authorisation.objects.filter(code_hash=code_hash(code)).select_related("user").first()
        if authorisation is None:
            note_failure("code_unknown")
        elif authorisation.redeemed_at is None:
            note_failure("code_of_another_client", user=authorisation.user)
        else:
            # RFC 6749 §4.1.2: the code was used before; revoke what it bought.
            note_failure("code_replayed", user=authorisation.user)
            if authorisation.token_family:
                RefreshToken.revoke_family(authorisation.token_family)
            audit_record(action="sso.code.replay", actor=authorisation.user, result=AuditResult.DENIED,
                         details={"client_id": getattr(client, "client_id", ""),
                                  "token_family": str(authorisation.token_family or ""),
                                  "redeemed_at": authorisation.redeemed_at.isoformat()})

    def get_code_challenge(self, code: str, request: Any) -> str | None:
        grant = self._grant(code, request)
        if grant is None or not grant.code_challenge:
            return None
        if request.code_verifier is None:
            note_failure("pkce_verifier_missing")
        return grant.code_challenge

    def get_code_challenge_method(self, code: str, request: Any) -> str | None:
        grant = self._grant(code, request)
        if grant is None or not grant.code_challenge_method:
            return None
        if grant.code_challenge_method == "S256" and request.code_verifier is not None:
            digest = hashlib.sha256(str(request.code_verifier).encode("ascii", "replace")).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant.code_challenge:
                note_failure("pkce_mismatch", user=grant.user)
        return grant.code_challenge_method

    def confirm_redirect_uri(self, client_id: str, code: str, redirect_uri: str, client: Any, *args: Any,
                             **kwargs: Any) -> bool:
        request = args[0] if args else kwargs.get("request")
        grant = self._grant(code, request) if request is not None else None
        if grant is not None:
            ok = grant.redirect_uri_allowed(redirect_uri)
        else:
            ok = bool(super().confirm_redirect_uri(client_id, code, redirect_uri, client, *args, **kwargs))
        if not ok:
            note_failure("redirect_uri_mismatch", redirect_uri=redirect_uri)
        return ok

    def get_authorization_code_nonce(self, client_id: str, code: str, redirect_uri: str, request: Any) -> Any:
        grant = self._grant(code, request)
        return (grant.nonce or None) if grant is not None else None

    # --- refresh tokens -----------------------------------------------------------------------------------
    def validate_refresh_token(self, refresh_token: str, client: Any, request: Any, *args: Any,
                               **kwargs: Any) -> bool:
        ok = self._validate_refresh_token(refresh_token, client, request)
        if not ok:
            self._refresh_refused(refresh_token, client)
        return ok

    def _validate_refresh_token(self, refresh_token: str, client: Any, request: Any) -> bool:
        """DOT's ``validate_refresh_token`` (3.4), reading the token, its access token and user in one locked query.

        The row lock is the one DOT takes again before rotating: taken here, a second request with the same
        token waits, then sees it revoked and is refused as a reuse.
        """
        rt = _locked_refresh_token(hashlib.sha256(refresh_token.encode("utf-8")).hexdigest())
        if rt is None:
            return False
        if rt.revoked is not None:
            grace_expired = rt.revoked <= timezone.now() - timedelta(
                seconds=oauth2_settings.REFRESH_TOKEN_GRACE_PERIOD_SECONDS)
            superseded = AccessToken.objects.filter(source_refresh_token=rt).exists()
            if grace_expired or not superseded:
                if oauth2_settings.REFRESH_TOKEN_REUSE_PROTECTION and rt.token_family:
                    RefreshToken.revoke_family(rt.token_family)
                return False
        else:
            if rt.access_token is None:
                return False  # an orphan: its access token was deleted out of band
            expire_delta = refresh_token_expire_timedelta()
            if expire_delta and rt.access_token.expires + expire_delta <= timezone.now():
                return False
        request.user = rt.user
        request.refresh_token = refresh_token
        request.refresh_token_instance = rt
        request._yiwang_locked_refresh_token = rt
        return bool(rt.application_id == getattr(client, "pk", None))

    def _refresh_refused(self, refresh_token: str, client: Any) -> None:
        checksum = hashlib.sha256(refresh_token.encode("utf-8")).hexdigest()
        rt = RefreshToken.objects.filter(token_checksum=checksum).select_related("user").order_by("-pk").first()
        if rt is None:
            note_failure("refresh_token_unknown")
        elif rt.revoked is None and rt.application_id != getattr(client, "pk", None):
            note_failure("refresh_token_of_another_client", user=rt.user)
        elif rt.revoked is None:
            note_failure("refresh_token_expired", user=rt.user)
        elif rt.token_family and RefreshToken.objects.filter(token_family=rt.token_family, pk__gt=rt.pk).exists():
            # A newer token of the same family exists: this one was rotated away and is being replayed.
            note_failure("refresh_token_reused", user=rt.user)
            audit_record(action="sso.refresh_token.reuse", actor=rt.user, result=AuditResult.DENIED,
                         details={"client_id": getattr(client, "client_id", ""),
                                  "token_family": str(rt.token_family)})
        else:
            note_failure("refresh_token_revoked", user=rt.user)

    # --- saving tokens ------------------------------------------------------------------------------------
    def _create_access_token(self, expires: Any, request: Any, token: dict[str, Any],
                             source_refresh_token: Any = None) -> AccessToken:
        """As DOT's, but links the ID token saved moments ago instead of re-reading and re-verifying the JWT."""
        id_token = getattr(request, "id_token", None) if token.get("id_token") else None
        access_token = AccessToken(user=request.user, scope=token["scope"], expires=expires, id_token=id_token,
                                   application=request.client, source_refresh_token=source_refresh_token,
                                   resource=getattr(request, "resource", []))
        self._set_token_value(access_token, token["access_token"])
        insert(access_token)
        found = _failure.get()
        if found is not None:
            found["issued"] = access_token  # for the token view's app_authorized signal, without a lookup
        return access_token

    def _create_refresh_token(self, request: Any, refresh_token_code: str, access_token: Any,
                              previous_refresh_token: Any) -> Any:
        """DOT's (3.4), saved by ``rows.insert``; remembered on the request for the code's Authorisation."""
        refresh = RefreshToken(user=request.user, application=request.client, access_token=access_token,
                               token_family=previous_refresh_token.token_family if previous_refresh_token
                               else uuid.uuid4(),
                               resource=getattr(request, "resource", []))
        self._set_token_value(refresh, refresh_token_code)
        insert(refresh)
        request._yiwang_new_refresh_token = refresh
        return refresh

    def _save_id_token(self, jti: Any, request: Any, expires: Any, *args: Any, **kwargs: Any) -> IDToken:
        """DOT's (3.4), saved by ``rows.insert``."""
        id_token = IDToken(user=request.user, scope=request.scope or " ".join(request.scopes), expires=expires,
                           jti=jti, application=request.client)
        insert(id_token)
        return id_token

    def save_bearer_token(self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        # The token endpoint's transaction covers the grant: no savepoint of DOT's own around the save.
        with transaction.atomic(using=router.db_for_write(AccessToken), savepoint=False):
            result = self._save_bearer_token(token, request, *args, **kwargs)
            if request.grant_type == "authorization_code" and request.code:
                refresh = getattr(request, "_yiwang_new_refresh_token", None)
                Authorisation.objects.filter(code_hash=code_hash(request.code)).update(
                    redeemed_at=timezone.now(), token_family=getattr(refresh, "token_family", None))
        return result

    def _save_bearer_token(self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        rt = getattr(request, "refresh_token_instance", None)
        if (not token.get("refresh_token") or not self.rotate_refresh_token(request) or rt is None
                or rt is not getattr(request, "_yiwang_locked_refresh_token", None) or rt.revoked is not None):
            return super()._save_bearer_token(token, request, *args, **kwargs)
        # Rotation of a live refresh token, locked by validate_refresh_token: what DOT does, in fewer statements.
        if "scope" not in token:
            raise FatalClientError("Failed to renew access token: missing scope")
        self._check_and_set_request_resource(request)
        expires = timezone.now() + timedelta(
            seconds=token.get("expires_in", oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS))
        self._revoke_rotated(rt)
        request.refresh_token_instance = None
        access_token = self._create_access_token(expires, request, token, source_refresh_token=rt)
        self._create_refresh_token(request, token["refresh_token"], access_token, rt)
        return None

    @staticmethod
    def _revoke_rotated(rt: Any) -> None:
        """``RefreshToken.revoke()`` for a row already locked: mark it revoked, delete its access token.

        Nothing but the refresh token points at an access token (``on_delete=SET_NULL``), and the update
        clears that pointer first, so the delete is a plain statement instead of Django's collector
        (a select, an update and the delete). By primary key; on PostgreSQL one statement (the foreign keys
        are checked at commit).
        """
        now = timezone.now()
        connection = connections[router.db_for_write(RefreshToken)]
        qn = connection.ops.quote_name
        meta = RefreshToken._meta
        revoked, updated, access = (meta.get_field(name) for name in ("revoked", "updated", "access_token"))
        # identifiers from the models' metadata; values are parameters
        update = (f"UPDATE {qn(meta.db_table)} SET {qn(revoked.column)} = %s, {qn(updated.column)} = %s, "  # noqa: S608
                  f"{qn(access.column)} = NULL WHERE {qn(meta.pk.column)} = %s")
        params = [revoked.get_db_prep_save(now, connection), updated.get_db_prep_save(now, connection), rt.pk]
        delete = f"DELETE FROM {qn(AccessToken._meta.db_table)} WHERE {qn(AccessToken._meta.pk.column)} = %s"  # noqa: S608
        with connection.cursor() as cursor:
            if rt.access_token_id is None:
                cursor.execute(update, params)
            elif connection.vendor == "postgresql":  # one round trip: the delete as a data-modifying CTE
                cursor.execute(f"WITH deleted AS ({delete}) {update}", [rt.access_token_id, *params])
            else:
                cursor.execute(update, params)
                cursor.execute(delete, [rt.access_token_id])
        rt.revoked, rt.updated, rt.access_token = now, now, None

    # --- ID tokens and claims -----------------------------------------------------------------------------
    def get_oidc_claims(self, token: Any, token_handler: Any, request: Any) -> dict[str, Any]:
        """Claims of the ID token: the pairwise subject and the assurance level only."""
        return {"sub": claims.subject_for(request.user, request.client), "acr": claims.acr_of(request.user)}

    def get_userinfo_claims(self, request: Any) -> dict[str, Any]:
        return claims.userinfo_claims(user=request.user, application=request.client, scopes=list(request.scopes),
                                      authorisation=self._authorisation_of_access_token(request.access_token))

    @staticmethod
    def _authorisation_of_access_token(access_token: Any) -> Authorisation | None:
        family = (RefreshToken.objects.filter(access_token_id=access_token.pk)
                  .values_list("token_family", flat=True).first())
        if family is None:
            return None
        return Authorisation.objects.filter(token_family=family).first()

    def get_discovery_claims(self, request: Any) -> list[str]:
        return [*claims.ID_TOKEN_CLAIMS, *claims.USERINFO_CLAIMS]

    def finalize_id_token(self, id_token: dict[str, Any], token: Any, token_handler: Any, request: Any) -> str:
        """DOT's (3.4), signed with the key store's active key, and the ID token row saved without a savepoint.

        RS256 tokens are put together here (``_sign_rs256``) instead of through jwcrypto's JWT and JWS objects,
        which copied and re-encoded the same header and claims several times per token; same key, same bytes
        on the wire shape, verified by the relying-party test with another library (joserfc).
        """
        signing_keys()  # publishes the current active key to DOT before it signs
        claims_, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims_)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce  # oauthlib bug #746, as DOT
        header = {"typ": "JWT", "alg": request.client.algorithm}
        if request.client.algorithm == Application.RS256_ALGORITHM:
            key = request.client.jwk_key
            header["kid"] = _thumbprint(key)
            serialized = _sign_rs256(key, header, id_token)
        else:
            jwt_token = jwt.JWT(header=json.dumps(header, default=str), claims=json.dumps(id_token, default=str))
            jwt_token.make_signed_token(request.client.jwk_key)
            serialized = str(jwt_token.serialize())
        saved = self._save_id_token(id_token["jti"], request, expiration_time)
        request.access_token = saved
        request.id_token = saved
        return serialized

    def _get_key_for_token(self, token: str) -> Any:
        """The key named by the token's ``kid`` (active or kept after rotation), if the audience is a client."""
        unverified = jws.JWS()
        unverified.deserialize(token)  # a malformed token raises InvalidJWSObject, which DOT's callers expect
        try:
            kid = unverified.jose_header.get("kid")
            payload = json.loads(unverified.objects["payload"].decode("utf-8"))
        except (ValueError, KeyError, AttributeError, UnicodeDecodeError):
            return None
        if not isinstance(payload, dict) or not isinstance(kid, str) or "aud" not in payload:
            return None
        if self._get_client_by_audience(payload["aud"]) is None:
            return None
        return verification_key(kid)
