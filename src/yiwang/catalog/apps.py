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
        menus()


def menus() -> None:
    from yiwang.core.public import MenuItem, register_menu_item
    from yiwang.identity.public import is_platform_admin

    register_menu_item("portal", MenuItem(key="catalogue", label=_("Services"), url_name="catalog:catalogue", order=10))
    register_menu_item("workbench", MenuItem(key="catalog", label=_("Catalogue"), url_name="catalog:admin_list",
                                             visible=is_platform_admin, order=70))
