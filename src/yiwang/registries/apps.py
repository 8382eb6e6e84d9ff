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
        menus()


def menus() -> None:
    from yiwang.core.public import MenuItem, register_menu_item
    from yiwang.identity.public import roles_of

    register_menu_item("workbench", MenuItem(
        key="registries", label=_("Base registries"), url_name="registries:lookup",
        visible=lambda user: getattr(user, "organisation_id", None) in {org for _r, org in roles_of(user)},
        order=45))
