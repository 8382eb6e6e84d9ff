"""Login throttling per account *and* per address, each with its own limit (django-axes handler).

django-axes compares one number with one limit. With ``AXES_LOCKOUT_PARAMETERS = ["username",
"ip_address"]`` it counts the failures of the user name (from any address) and of the address
(across user names) and takes the larger. We want different limits — an office behind one NAT
address makes more honest mistakes than one person — so this handler reports:

- the account's failures, locked at ``AXES_FAILURE_LIMIT`` (``YIWANG_LOGIN_FAILURE_LIMIT``);
- or, when the address has reached ``YIWANG_ADDRESS_FAILURE_LIMIT``, the account limit itself.

A successful login forgives that account's failures only, not the address's failures on other
accounts: otherwise someone spraying passwords across accounts from one address could reset the
count by logging in to an account of their own.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class AccountAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        by_account, by_address = self.get_user_attempts(request, credentials)  # AXES_LOCKOUT_PARAMETERS order
        account_limit = int(settings.AXES_FAILURE_LIMIT)
        address_locked = _failures(by_address) >= int(settings.YIWANG_ADDRESS_FAILURE_LIMIT)
        return max(_failures(by_account), account_limit if address_locked else 0)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
