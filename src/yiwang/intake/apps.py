from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "yiwang.intake"
    label = "intake"
    verbose_name = _("One-window intake (一口受理)")

    def ready(self) -> None:
        from yiwang.workflow.public import register_subject_type

        from . import audit_actions, demo, signals  # noqa: F401
        from .models import SUBJECT_PREFIX
        from .subjects import describe, describe_many

        register_subject_type(SUBJECT_PREFIX, describe=describe, describe_many=describe_many)
        demo.register()
        menus()
        clocks()


def clocks() -> None:
    """E-supervision watches every case's clock (docs/supervision.md)."""
    from yiwang.supervision.public import ClockKind, register_clock_kind

    from .models import Application

    register_clock_kind(ClockKind(key="intake.case", label=_("Case"), model=Application,
                                  organisation="version__lead_department", reference="number",
                                  label_field="version__name", url=lambda pk: f"/workbench/intake/cases/{pk}/"))


def menus() -> None:
    from yiwang.core.public import MenuItem, register_menu_item
    from yiwang.identity.public import Role, has_role

    register_menu_item("portal", MenuItem(key="my_cases", label=_("My cases"), url_name="intake:my_cases",
                                          visible=lambda user: user.is_authenticated, order=20))
    register_menu_item("workbench", MenuItem(
        key="counter", label=_("Counter intake"), url_name="intake:counter",
        visible=lambda user: has_role(user, Role.WINDOW_CLERK), order=20))
    register_menu_item("workbench", MenuItem(
        key="hotline", label=_("Hotline intake"), url_name="intake:hotline",
        visible=lambda user: has_role(user, Role.HOTLINE_AGENT), order=21))
    register_menu_item("workbench", MenuItem(
        key="taken_in", label=_("Cases taken in"), url_name="intake:taken_in",
        visible=lambda user: has_role(user, Role.WINDOW_CLERK, Role.HOTLINE_AGENT), order=22))
