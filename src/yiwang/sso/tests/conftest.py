"""OIDC test fixtures: a department system registered as a client, through the services."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.conftest import PASSWORD  # noqa: F401  (re-exported for the tests)
from yiwang.sso.claims import forget_cached_subjects
from yiwang.sso.models import Scope
from yiwang.sso.services import ClientRegistration, client_create

from .helpers import LOGOUT_URI, REDIRECT_URI


@pytest.fixture(autouse=True)
def _fresh_subject_cache():
    forget_cached_subjects()
    yield
    forget_cached_subjects()


@pytest.fixture(autouse=True)
def _http_loopback_allowed(settings):
    """The live-server test runs on http://localhost; production allows https only."""
    settings.YIWANG_OIDC_ALLOW_HTTP_LOOPBACK = True
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"]}


@pytest.fixture
def tax_system(tax) -> ClientRegistration:
    """The tax bureau's system: may ask for everything, idcard included."""
    return client_create(organisation_code=tax.code, name="税务办税系统", redirect_uris=[REDIRECT_URI],
                         post_logout_redirect_uris=[LOGOUT_URI],
                         scopes=[Scope.PROFILE, Scope.PHONE, Scope.ENTERPRISE], allow_idcard=True)


@pytest.fixture
def commerce_system(commerce) -> ClientRegistration:
    """The market regulation bureau's system: name and phone only, no idcard."""
    return client_create(organisation_code=commerce.code, name="市场监管登记系统", redirect_uris=[REDIRECT_URI],
                         post_logout_redirect_uris=[LOGOUT_URI], scopes=[Scope.PROFILE, Scope.PHONE])


@pytest.fixture
def browser(citizen) -> Client:
    client = Client()
    client.force_login(citizen)
    return client
