from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "yiwang.sharing"
    label = "sharing"
    verbose_name = _("Data sharing catalogue (共享目录)")

    def ready(self) -> None:
        from yiwang.exchange.public import grant_revoked

        from . import audit_actions, demo  # noqa: F401
        from .services import exchange_grant_revoked

        grant_revoked.connect(exchange_grant_revoked, dispatch_uid="sharing.exchange_grant_revoked")
        demo.register()
        menus()
        supervision()


def supervision() -> None:
    """E-supervision watches the provider's 10 working days to answer a conditional request, and shows the
    outline's data sharing rate (goal 95 %) on its dashboard."""
    from yiwang.supervision.public import ClockKind, Kpi, register_clock_kind, register_kpi

    from .models import SharingRequest
    from .selectors import sharing_rate

    register_kpi(Kpi(
        key="sharing", label=_("Data sharing rate"), goal=0.95, compute=sharing_rate,
        how=_("Published catalogue resources shared unconditionally or on conditions, divided by all published "
              "resources (the catalogue as it is today).")))

    register_clock_kind(ClockKind(key="sharing.request", label=_("Sharing request"), model=SharingRequest,
                                  organisation="resource__provider", reference="pk", label_field="resource__name",
                                  url=lambda pk: f"/workbench/sharing/requests/{pk}/"))


def menus() -> None:
    from yiwang.core.public import MenuItem, register_menu_item
    from yiwang.identity.public import Role, roles_of

    def staff(user) -> bool:  # type: ignore[no-untyped-def]
        return bool(roles_of(user))

    def steward(user) -> bool:  # type: ignore[no-untyped-def]
        return any(role == Role.DATA_STEWARD for role, _org in roles_of(user))

    def requester(user) -> bool:  # type: ignore[no-untyped-def]
        return any(role in (Role.DATA_STEWARD, Role.DEPARTMENT_HEAD) for role, _org in roles_of(user))

    def authority(user) -> bool:  # type: ignore[no-untyped-def]
        from .selectors import is_authority

        return is_authority(user)

    register_menu_item("workbench", MenuItem(key="sharing", label=_("Sharing catalogue"),
                                             url_name="sharing:catalogue", visible=staff, order=50))
    register_menu_item("workbench", MenuItem(key="sharing-answer", label=_("Sharing requests to answer"),
                                             url_name="sharing:to_answer", visible=steward, order=51))
    register_menu_item("workbench", MenuItem(key="sharing-mine", label=_("My department's sharing requests"),
                                             url_name="sharing:mine", visible=requester, order=52))
    register_menu_item("workbench", MenuItem(key="sharing-use", label=_("Use of our shared resources"),
                                             url_name="sharing:usage", visible=requester, order=53))
    register_menu_item("workbench", MenuItem(key="sharing-disputes", label=_("Sharing disputes"),
                                             url_name="sharing:disputes", visible=authority, order=54))
