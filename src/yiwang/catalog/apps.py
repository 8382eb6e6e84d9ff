from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "yiwang.catalog"
    label = "catalog"
    verbose_name = _("Service catalogue (事项目录)")

    def ready(self) -> None:
        from yiwang.core.public import register_demo_loader

        from . import audit_actions  # noqa: F401
        from .demo import demo_matters_load

        register_demo_loader("catalogue", demo_matters_load)
