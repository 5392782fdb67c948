"""The password policy (issue 16, finding 6): common passwords and passwords built from the
username are refused, in the action (so the CLI and the pages alike), with how to fix."""

from __future__ import annotations

import pytest
from tests.cases.conftest import PASSWORD

from ruta.cases.actions.authentication import do_create_user, do_register_applicant
from ruta.cases.passwords import PasswordPolicyError, check_password
from ruta.cli._demo import DEMO_LOGINS


@pytest.mark.parametrize(
    ("password", "username", "reason"),
    [
        ("short", "lucia", "short"),
        ("password1234", "lucia", "common"),
        ("qwertyuiop12", "lucia", "common"),
        ("iloveyou2024", "lucia", "common"),
        ("aaaaaaaaaaaa", "lucia", "guessable"),
        ("lucia.mamani-2025", "lucia.mamani", "username"),
        ("inama-aicul-99", "lucia.mamani", "username"),  # backwards
        ("MAMANI-lucia-x7", "lucia.mamani", "username"),  # parts, any case
        ("col-supervisor-1", "col-supervisor", "username"),
    ],
)
def test_refused_with_the_rule_that_refused_it(password: str, username: str, reason: str) -> None:
    with pytest.raises(PasswordPolicyError) as refused:
        check_password(password, username)
    assert refused.value.reason == reason and refused.value.field == "password"
    assert refused.value.message  # says how to fix, e.g. "three or four unrelated words"


@pytest.mark.parametrize(
    "password", [PASSWORD, "cafe orchid river", "Tr0ub4dor&3x-lago", "orchid river " + "x" * 190]
)
def test_good_passwords_pass(password: str) -> None:
    check_password(password, "lucia.mamani")


def test_demo_logins_obey_the_policy() -> None:
    for username, password, *_ in DEMO_LOGINS:
        check_password(password, username)


def test_every_way_to_make_an_account_applies_the_policy(session) -> None:
    with pytest.raises(PasswordPolicyError):
        do_create_user(
            session, None, username="ana", password="password1234", role="applicant", country=None
        )
    with pytest.raises(PasswordPolicyError):
        do_register_applicant(session, name="ana.lima", password="ana.lima.2025")


def test_the_cli_refuses_a_common_password_with_exit_2(ruta) -> None:
    made = ruta("users", "create", "lucia", "--role", "caseworker", "--country", "PER",
                stdin="password1234\n")  # fmt: skip
    assert made.returncode == 2 and "Traceback" not in made.stderr
    assert "most common passwords" in made.stderr and "password" in made.stderr
