from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "yiwang.sso"
    label = "sso"
    verbose_name = _("Single sign-on (OpenID Connect)")

    def ready(self) -> None:
        from . import audit_actions, signals  # noqa: F401
