"""``yiwang demo-data``: load Pudong's organisation tree and demo logins, then print the logins.

Idempotent: whatever exists already is kept, so ``make demo`` can run it on every start.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.audit.public import system_actor
from yiwang.core.public import ServiceError, demo_loaders
from yiwang.identity.demo import CITIZEN, ENTERPRISE, DemoLogin, Tally, demo_data_load

# Printed beside the role's identifier so the table reads in both languages without gettext.
ROLE_TERMS = {
    "handler": "承办人",
    "department_head": "部门负责人",
    "window_clerk": "窗口人员",
    "hotline_agent": "话务员",
    "supervisor": "监察",
    "leader": "领导",
    "data_steward": "数据管理员",
    "platform_admin": "平台管理员",
    CITIZEN: "自然人",
    ENTERPRISE: "法人",
}


def _width(text: str) -> int:
    """Columns the text takes on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


class Command(BaseCommand):
    help = ("Load demo data: Pudong's departments, zones, streets and towns, the citizen centre and its "
            "windows, and one demo login per role. Existing data is kept; running it again creates nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/",
                            help="Address printed for logging in (default: %(default)s).")
        parser.add_argument("--force", action="store_true",
                            help="Load even when DEBUG is off (never on a production database: the demo "
                                 "accounts have a published password).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("refusing to load demo accounts with a published password while DEBUG is off; "
                               "pass --force if this really is a demo database")
        verbose = options["verbosity"] >= 1
        if verbose:
            self.stdout.write("Loading demo data / 加载演示数据 …")
        try:
            with system_actor("cli:demo-data"):
                summary = demo_data_load(stdout=self.stdout if verbose else None)
                for step in demo_loaders():  # the other apps' demo data, registered in their ready()
                    created, present = step.load(self.stdout if verbose else None)
                    summary.tallies[step.name] = Tally(created=created, present=present)
        except ServiceError as exc:
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in exc.field_errors.items())
            raise CommandError(f"demo data not loaded (nothing was changed): {exc.message}"
                               + (f" {problems}" if problems else "")) from exc
        if summary.created:
            self.stdout.write(self.style.SUCCESS(
                f"Demo data loaded: {summary.created} created, {summary.present} already present."))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Nothing created: all {summary.present} demo objects were already present."))
        self._print_logins(summary.logins, url=options["url"])

    def _print_second_factor(self, logins: list[DemoLogin]) -> None:
        staff = [login for login in logins if login.role not in (CITIZEN, ENTERPRISE)]
        if not staff:
            return
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(
            "Staff second factor (TOTP) / 工作人员第二因素（动态口令）"))
        width = max(_width(login.username) for login in staff)
        for login in staff:
            secret = login.otp_secret or "(own authenticator; left as is / 已绑定其他验证器，未作改动)"
            self.stdout.write(f"{_pad(login.username, width)}  otpauth secret / 密钥: {secret}")
        self.stdout.write("After the password, enter the current code: add the secret to any authenticator app, "
                          "or run / 输入密码后再输入动态口令：将密钥加入验证器应用，或运行: yiwang otp code USERNAME")

    def _print_logins(self, logins: list[DemoLogin], *, url: str) -> None:
        header = ("role / 角色", "username / 用户名", "password / 密码", "organisation / 单位")
        rows = [header] + [
            (f"{login.role} {ROLE_TERMS.get(login.role, '')}".strip(), login.username,
             login.password if login.password_ok else "(changed; not the demo password / 已修改)",
             login.organisation or "—")
            for login in logins
        ]
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins / 演示账号"))
        for n, row in enumerate(rows):
            line = "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3]
            self.stdout.write(self.style.MIGRATE_LABEL(line) if n == 0 else line)
        if not all(login.password_ok for login in logins):
            self.stdout.write(self.style.WARNING(
                "Some demo accounts existed already with another password or are disabled; "
                "they were left as they are / 部分演示账号已存在且密码已修改或已停用，未作改动。"))
        self._print_second_factor(logins)
        self.stdout.write("")
        self.stdout.write(f"Open / 访问: {url}")
        self.stdout.write(f"Log in / 登录: {url.rstrip('/')}/accounts/login/  (an enterprise logs in with its "
                          "credit code / 法人以统一社会信用代码登录)")
