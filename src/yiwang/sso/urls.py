"""Mounted at /oidc/. DOT reverses its endpoints as ``oauth2_provider:<name>``, so they keep that namespace."""

from django.urls import include, path, re_path
from oauth2_provider import views as dot

from . import views

provider_patterns = [
    re_path(r"^\.well-known/openid-configuration/?$", views.DiscoveryView.as_view(),
            name="oidc-connect-discovery-info"),
    path(".well-known/jwks.json", views.JwksView.as_view(), name="jwks-info"),
    path("authorize/", views.ConsentView.as_view(), name="authorize"),
    path("token/", views.TokenView.as_view(), name="token"),
    path("revoke_token/", dot.RevokeTokenView.as_view(), name="revoke-token"),
    path("userinfo/", views.UserInfoView.as_view(), name="user-info"),
    path("logout/", views.LogoutView.as_view(), name="rp-initiated-logout"),
]

account_patterns = [
    path("authorisations/<int:application_id>/revoke/", views.authorisation_revoke, name="authorisation_revoke"),
]

urlpatterns = [
    path("", include((provider_patterns, "oauth2_provider"))),
    path("", include((account_patterns, "sso"))),
]
