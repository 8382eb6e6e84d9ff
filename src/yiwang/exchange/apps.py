from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "yiwang.exchange"
    label = "exchange"
    verbose_name = _("Data exchange (统一交换)")

    def ready(self) -> None:
        from yiwang.core.public import register_demo_loader

        from . import audit_actions  # noqa: F401
        from .demo import exchange_demo_load

        register_demo_loader("exchange members", exchange_demo_load)
        menus()


def menus() -> None:
    from yiwang.core.public import MenuItem, register_menu_item
    from yiwang.identity.public import roles_of

    register_menu_item("workbench", MenuItem(key="exchange", label=_("Data exchange"), url_name="exchange:services",
                                             visible=lambda user: bool(roles_of(user)), order=40))
