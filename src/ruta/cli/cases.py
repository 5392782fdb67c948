"""``ruta cases``: propose and take decisions from the command line.

The same actions as the case page and ``POST /api/v1/applications/{id}/decision``
(:mod:`ruta.cases.actions.decisions`), so the same rules hold: the four-eyes rule, the
decision being the outcome proposed, and an override reason exactly when the outcome goes
against the engine's assessment (``--override-reason``). A refusal is an error naming the
option, with exit code 2. What the commands print comes from the ``cli`` catalog in the
language of ``--lang``, with the outcome and the engine's assessment said as the words of
the ``cases`` catalog (:func:`ruta.cases.errors.word`, the one table of those words); the
actions' refusals are worded by the actions, as for the API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from ruta.cli._lang import UserLangOption, cli_language
from ruta.cli._store import store_session, user_named
from ruta.errors import RutaError
from ruta.i18n import say_in, translator

if TYPE_CHECKING:
    from ruta.store.models import Decision

__all__ = ["app"]

app = typer.Typer(
    help="Casework from the command line: propose and take decisions.", no_args_is_help=True
)

AppArg = Annotated[str, typer.Argument(help="The application's id.")]
AsOpt = Annotated[
    str, typer.Option("--as", help="Username of the officer acting (a supervisor to decide).")
]
OutcomeOpt = Annotated[str, typer.Option("--outcome", help="approved, denied or withdrawn.")]
ReasonOpt = Annotated[
    list[str], typer.Option("--reason", help="A reason for the decision; repeat for several.")
]
OverrideOpt = Annotated[
    str | None,
    typer.Option(
        "--override-reason",
        help="Why the outcome goes against the engine's assessment (approving a case it "
        "assessed ineligible or undetermined, denying one it assessed eligible); required "
        "then, refused otherwise.",
    ),
]

#: The actions' field names -> this command's options, so that an error names the option.
_OPTIONS = {
    "override_reason": "--override-reason",
    "reasons": "--reason",
    "outcome": "--outcome",
    "status": "application",
}


def _run(
    username: str,
    step: str,
    application_id: str,
    outcome: str,
    reasons: list[str],
    override_reason: str | None,
    lang: str | None,
) -> None:
    from ruta.cases import actions
    from ruta.cases.errors import CasesError
    from ruta.settings import get_settings

    language = cli_language(lang)
    gettext = translator(language, "cli").gettext
    with store_session() as session:
        actor = user_named(session, username, "--as", gettext)
        try:
            decision = actions.do_decision(
                session,
                actor,
                application_id,
                outcome,
                reasons,
                override_reason=override_reason,
                keys_dir=get_settings().resolved_keys_dir,
                step=step,
            )
        except CasesError as exc:
            # The option's name, not the action's field: what the user typed.
            field = _OPTIONS.get(exc.field or "", exc.field)
            raise RutaError(exc.say(language), field=field) from None
        typer.echo(_summary(decision, language))


def _summary(decision: Decision, language: str) -> str:
    """The line that says what was proposed or decided, in ``language``.

    The sentence is the ``cli`` catalog's; the outcome and the engine's assessment are
    words of :func:`ruta.cases.errors.word`, said through the ``cases`` catalog, so that the
    summary names them as the refusals of the same command and the case page do.
    """
    from ruta.cases.errors import word

    gettext = translator(language, "cli").gettext
    cases_gettext = translator(language, "cases").gettext

    def said(code: str) -> str:
        # A word has no number in it; a code the catalog has no word for stays as it is.
        return say_in(word(code), cases_gettext, str)

    if decision.status == "proposed":
        state = gettext("%(case)s: proposed %(outcome)s")
    else:
        state = gettext("%(case)s: decided %(outcome)s")
    line = state % {"case": decision.application_id, "outcome": said(decision.outcome)}
    if decision.override:
        status = (decision.engine_assessment or {}).get("status", "undetermined")
        override = gettext("override of the engine's assessment, %(status)s: %(reason)s")
        line += f" ({override % {'status': said(status), 'reason': decision.override_reason}})"
    return line


def _command(step: str, summary: str) -> Callable[..., None]:
    # propose and decide take the same options and differ only in the action's step.
    def command(
        application_id: AppArg,
        actor: AsOpt,
        outcome: OutcomeOpt,
        reason: ReasonOpt,
        override_reason: OverrideOpt = None,
        lang: UserLangOption = None,
    ) -> None:
        _run(actor, step, application_id, outcome, reason, override_reason, lang)

    command.__doc__ = summary
    return command


app.command("propose")(
    _command("propose", "Propose an outcome for a case in review (a caseworker or a supervisor).")
)
app.command("decide")(
    _command(
        "decide",
        "Take the final decision on a proposal (a supervisor; approval issues the permit).",
    )
)
