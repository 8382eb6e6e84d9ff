from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistriesConfig(AppConfig):
    name = "yiwang.registries"
    label = "registries"
    verbose_name = _("Base registries (基础信息库)")

    def ready(self) -> None:
        from . import audit_actions, demo, exchange  # noqa: F401

        demo.register()
        exchange.register_handlers()
