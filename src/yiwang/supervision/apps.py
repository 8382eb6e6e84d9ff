from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "yiwang.supervision"
    label = "supervision"
    verbose_name = _("E-supervision (电子监察)")

    def ready(self) -> None:
        from . import audit_actions, demo, signals  # noqa: F401

        signals.connect()
        register_own_kinds()
        demo.register()
        menus()


def register_own_kinds() -> None:
    """Supervision's own clocks go through the same registry as everyone else's."""
    from .models import Complaint, Notice, Rectification
    from .registry import ClockKind, register_clock_kind

    register_clock_kind(ClockKind(key="supervision.complaint", label=_("Complaint"), model=Complaint,
                                  organisation="organisation", reference="reference"))
    register_clock_kind(ClockKind(key="supervision.rectification", label=_("Callback and rectification"),
                                  model=Rectification, organisation="organisation", reference="rating__reference"))
    register_clock_kind(ClockKind(key="supervision.notice", label=_("Supervision notice"), model=Notice,
                                  organisation="organisation"))


def menus() -> None:
    from yiwang.core.public import MenuItem, register_menu_item
    from yiwang.identity.public import roles_of

    from .selectors import may_see_dashboard

    register_menu_item("workbench", MenuItem(
        key="supervision", label=_("Supervision"), url_name="supervision:dashboard",
        visible=may_see_dashboard, order=70))
    register_menu_item("workbench", MenuItem(
        key="supervision-work", label=_("Supervision tasks"), url_name="supervision:work",
        visible=lambda user: bool(roles_of(user)), order=71))
    register_menu_item("portal", MenuItem(
        key="supervision-public", label=_("Service performance"), url_name="supervision:public",
        visible=lambda user: True, order=80))
