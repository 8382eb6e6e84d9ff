"""The staff password policy (等保 L3): at least 12 characters from at least three character classes."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils import translation

from yiwang.core.public import ValidationFailed
from yiwang.identity import services
from yiwang.identity.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("password", "message"), [
    ("Pudong-2026", "at least 12 characters"),                      # 11 characters, four classes
    ("pudongxinqu-shanghai", "at least 3 of"),                      # long, but two classes
    ("PUDONGXINQU2026", "at least 3 of"),                          # long, but two classes
])
def test_weak_staff_passwords_are_refused_with_a_reason_and_nothing_is_created(tax, password, message):
    with pytest.raises(ValidationFailed) as caught:
        services.staff_create(username="new_clerk", password=password, real_name="新职员", organisation=tax,
                              roles=[Role.HANDLER])
    assert any(message in error for error in caught.value.field_errors["password"])
    assert not User.objects.filter(username="new_clerk").exists()


@pytest.mark.parametrize("password", ["Pudong-Xinqu-26", "pudong-xinqu-2026", "PudongXinqu2026"])
def test_strong_staff_passwords_are_accepted(tax, password):
    user = services.staff_create(username="new_clerk", password=password, real_name="新职员", organisation=tax)
    assert user.check_password(password)


def test_citizens_keep_the_general_rules(db):
    user = services.citizen_register(username="lisi", password="lujiazui88", real_name="李四",
                                     id_number="440524188001010014")
    assert user.check_password("lujiazui88")


def test_the_policy_is_explained_in_the_help_text():
    with translation.override("en"):
        assert any("Staff passwords have at least 12 characters" in text for text in password_validators_help_texts())
