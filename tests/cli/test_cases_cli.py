"""``ruta cases propose`` and ``ruta cases decide``: the decision actions from the command
line, with ``--override-reason`` for a decision against the engine's assessment."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.cases.conftest import PASSWORD, submission

from ruta.cases import actions
from ruta.cases.actions.authentication import do_create_user
from ruta.i18n import translator
from ruta.store.models import Decision


@pytest.fixture
def ppt_case(session) -> str:
    """A case in review that the engine finds ineligible (an adult on Colombia's PPT)."""
    cw = do_create_user(
        session, None, username="cw", password=PASSWORD, role="caseworker", country="COL"
    )
    do_create_user(
        session, None, username="sup", password=PASSWORD, role="supervisor", country="COL"
    )
    app, _ = actions.do_submit_application(session, cw, submission(pathway="col.ppt"))
    actions.do_transition(session, cw, app.id, "in_review", "picked")
    return app.id


def test_an_override_needs_its_reason_on_the_command_line(ruta, session, ppt_case, tmp_path):
    base = ("--outcome", "approved", "--reason", "RUMV certificate seen")
    refused = ruta("cases", "propose", ppt_case, "--as", "cw", *base)
    assert refused.returncode == 2
    assert "--override-reason" in refused.stderr and "ineligible" in refused.stderr
    proposed = ruta("cases", "propose", ppt_case, "--as", "cw", *base, "--override-reason", "seen")
    assert proposed.returncode == 0, proposed.stderr
    assert "proposed approved (override of the engine's assessment, ineligible: seen)" in (
        proposed.stdout
    )
    again = ruta("cases", "decide", ppt_case, "--as", "sup", *base)
    assert again.returncode == 2 and "--override-reason" in again.stderr
    decided = ruta("cases", "decide", ppt_case, "--as", "sup", *base, "--override-reason", "agreed")
    assert decided.returncode == 0, decided.stderr
    session.expire_all()
    query = select(Decision).where(Decision.application_id == ppt_case)
    (decision,) = session.scalars(query).all()
    assert decision.status == "final" and decision.override
    assert decision.override_reason == "agreed"


def test_a_needless_override_reason_and_an_unknown_user_exit_2(ruta, ppt_case):
    needless = ruta(
        "cases",
        "propose",
        ppt_case,
        "--as",
        "cw",
        "--outcome",
        "denied",
        "--reason",
        "closed to adults",
        "--override-reason",
        "x",
    )
    assert needless.returncode == 2 and "agrees" in needless.stderr
    nobody = ruta(
        "cases", "propose", ppt_case, "--as", "nobody", "--outcome", "denied", "--reason", "r"
    )
    assert nobody.returncode == 2 and "--as" in nobody.stderr


def test_the_commands_speak_the_users_language_and_keep_their_step(ruta, ppt_case):
    base = ("--outcome", "approved", "--reason", "RUMV", "--override-reason", "visto")
    # decide names its step: a case still in review is refused, not proposed.
    early = ruta("cases", "decide", ppt_case, "--as", "sup", *base, "--lang", "es")
    assert early.returncode == 2 and "application" in early.stderr
    proposed = ruta("cases", "propose", ppt_case, "--as", "cw", *base, "--lang", "es")
    assert proposed.returncode == 0, proposed.stderr
    assert (
        f"{ppt_case}: propuesta: aprobada (en contra de la evaluación del motor, no cumple los "
        "requisitos: visto)" in proposed.stdout
    )
    nobody = ruta("cases", "propose", ppt_case, "--as", "nadie", *base, "--lang", "es")
    assert nobody.returncode == 2 and "no hay usuario 'nadie'" in nobody.stderr
    decided = ruta("cases", "decide", ppt_case, "--as", "sup", *base, "--lang", "pt-BR")
    assert decided.returncode == 0, decided.stderr
    assert f"{ppt_case}: decisão final: aprovado (contra a avaliação do motor" in decided.stdout


def test_the_summary_says_its_words_from_the_cases_catalog(ruta, ppt_case):
    """The outcome and the engine's assessment are the words of the ``cases`` catalog, those
    of the command's refusals and of the case page; the ``cli`` catalog keeps no copy."""
    base = ("--outcome", "approved", "--reason", "RUMV", "--override-reason", "wè")
    proposed = ruta("cases", "propose", ppt_case, "--as", "cw", *base, "--lang", "ht")
    assert proposed.returncode == 0, proposed.stderr
    assert (
        f"{ppt_case}: pwopozisyon: apwouve (kont evalyasyon motè a, pa kalifye: wè)\n"
        in proposed.stdout
    )
    decided = ruta("cases", "decide", ppt_case, "--as", "sup", *base, "--lang", "es")
    assert decided.returncode == 0, decided.stderr
    assert (
        f"{ppt_case}: decisión final: aprobada (en contra de la evaluación del motor, "
        "no cumple los requisitos: wè)\n" in decided.stdout
    )
    for lang, said in (("ht", proposed.stdout), ("es", decided.stdout)):
        cases = translator(lang, "cases").gettext
        assert f": {cases('approved')} (" in said and f", {cases('ineligible')}: wè)" in said
        assert translator(lang, "cli").gettext("ineligible") == "ineligible"


def test_a_refusal_is_said_in_the_language_of_lang(ruta, ppt_case):
    base = ("--as", "cw", "--outcome", "denied", "--reason", "closed to adults")
    needless = ruta("cases", "propose", ppt_case, *base, "--override-reason", "x", "--lang", "pt")
    assert needless.returncode == 2
    assert needless.stderr.startswith(
        "Error: --override-reason: o motor avaliou este caso como «não cumpre os requisitos» e "
        "«negado» concorda com essa avaliação"
    )
    english = ruta("cases", "propose", ppt_case, *base, "--override-reason", "x", "--lang", "en")
    assert english.stderr.startswith(
        "Error: --override-reason: the engine assessed this case ineligible and denied agrees "
        "with it: leave override_reason empty"
    )
    # A command whose refusal reaches the entry point (ruta users) speaks --lang too.
    nobody = ruta("users", "disable", "nobody", "--lang", "pt")
    assert nobody.returncode == 2
    assert nobody.stderr == (
        "Error: username: não há nenhum usuário 'nobody'; verifique o nome de usuário\n"
    )
