from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "yiwang.identity"
    label = "identity"
    verbose_name = _("Identity and organisation")

    def ready(self) -> None:
        from . import audit_actions, checks, session_tracking, signals  # noqa: F401
