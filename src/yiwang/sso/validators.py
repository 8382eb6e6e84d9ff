"""yiwang's rules on top of django-oauth-toolkit's request validator (OAUTH2_VALIDATOR_CLASS).

- Claims: pairwise ``sub`` and ``acr`` in the ID token; personal data only from userinfo (``claims.py``).
- Keys: ID tokens are signed with the key store's active key; any kept key verifies (``keys.py``).
- Failures: each refusal at the token endpoint notes *why* (replayed code, PKCE mismatch, reused refresh
  token …) for the token view to audit. A replayed authorisation code revokes every token issued for it
  (RFC 6749 §4.1.2); a replayed refresh token revokes its family (DOT's REFRESH_TOKEN_REUSE_PROTECTION).
- Confidential clients' secrets are hashed with the password hasher; a verified secret is remembered in
  the process (as a SHA-256 digest), so a busy department system does not pay Argon2 on every call.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import OrderedDict
from contextvars import ContextVar
from typing import Any
from urllib.parse import unquote_plus

from django.db import transaction
from django.utils import timezone
from jwcrypto import jws
from oauth2_provider.models import AccessToken, Grant, RefreshToken, get_application_model
from oauth2_provider.oauth2_validators import OAuth2Validator

from yiwang.audit.public import AuditResult, audit_record

from . import claims
from .keys import signing_keys, verification_key
from .models import Authorisation

Application = get_application_model()
_failure: ContextVar[dict[str, Any] | None] = ContextVar("yiwang_sso_failure", default=None)


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
        cached = getattr(request, "_yiwang_grant", None)
        if cached is None or cached.code != code:
            cached = Grant.objects.filter(code=code, application=request.client).first()
            request._yiwang_grant = cached
        return cached

    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        ok = bool(super().validate_code(client_id, code, client, request, *args, **kwargs))
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
        ok = bool(super().confirm_redirect_uri(client_id, code, redirect_uri, client, *args, **kwargs))
        if not ok:
            note_failure("redirect_uri_mismatch", redirect_uri=redirect_uri)
        return ok

    # --- refresh tokens -----------------------------------------------------------------------------------
    def validate_refresh_token(self, refresh_token: str, client: Any, request: Any, *args: Any,
                               **kwargs: Any) -> bool:
        ok = bool(super().validate_refresh_token(refresh_token, client, request, *args, **kwargs))
        if not ok:
            self._refresh_refused(refresh_token, client)
        return ok

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
        access_token.save()
        found = _failure.get()
        if found is not None:
            found["issued"] = access_token  # for the token view's app_authorized signal, without a lookup
        return access_token

    def _create_refresh_token(self, request: Any, refresh_token_code: str, access_token: Any,
                              previous_refresh_token: Any) -> Any:
        refresh = super()._create_refresh_token(request, refresh_token_code, access_token, previous_refresh_token)
        request._yiwang_new_refresh_token = refresh
        return refresh

    def save_bearer_token(self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        with transaction.atomic(savepoint=False):
            result = super().save_bearer_token(token, request, *args, **kwargs)
            if request.grant_type == "authorization_code" and request.code:
                refresh = getattr(request, "_yiwang_new_refresh_token", None)
                Authorisation.objects.filter(code_hash=code_hash(request.code)).update(
                    redeemed_at=timezone.now(), token_family=getattr(refresh, "token_family", None))
        return result

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
        signing_keys()  # publishes the current active key to DOT before it signs
        return str(super().finalize_id_token(id_token, token, token_handler, request))

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
