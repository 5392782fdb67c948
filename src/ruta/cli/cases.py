"""``ruta cases``: propose and take decisions from the command line.

The same actions as the case page and ``POST /api/v1/applications/{id}/decision``
(:mod:`ruta.cases.actions.decisions`), so the same rules hold: the four-eyes rule, the
decision being the outcome proposed, and an override reason exactly when the outcome goes
against the engine's assessment (``--override-reason``). A refusal is an error naming the
option, with exit code 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ruta.errors import RutaError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ruta.store.models import Decision, User

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


def _actor(session: Session, username: str) -> User:
    from sqlalchemy import select

    from ruta.store.models import User

    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise RutaError(f"no user {username!r}; expected an existing username", field="--as")
    return user


def _run(
    username: str,
    verb: str,
    application_id: str,
    outcome: str,
    reasons: list[str],
    override_reason: str | None,
) -> None:
    from ruta.cases import actions
    from ruta.cases.errors import CasesError
    from ruta.settings import get_settings
    from ruta.store import make_engine, make_sessionmaker

    settings = get_settings()
    engine = make_engine(settings.resolved_database_url)
    try:
        with make_sessionmaker(engine)() as session:
            actor = _actor(session, username)
            try:
                if verb == "propose":
                    decision = actions.do_propose_decision(
                        session,
                        actor,
                        application_id,
                        outcome,
                        reasons,
                        override_reason=override_reason,
                    )
                else:
                    decision = actions.do_decide(
                        session,
                        actor,
                        application_id,
                        outcome,
                        reasons,
                        override_reason=override_reason,
                        keys_dir=settings.resolved_keys_dir,
                    )
            except CasesError as exc:
                # The option's name, not the action's field: what the user typed.
                field = _OPTIONS.get(exc.field or "", exc.field)
                raise RutaError(exc.message, field=field) from None
            typer.echo(_summary(decision))
    finally:
        engine.dispose()


def _summary(decision: Decision) -> str:
    state = "proposed" if decision.status == "proposed" else "decided"
    line = f"{decision.application_id}: {state} {decision.outcome}"
    if decision.override:
        status = (decision.engine_assessment or {}).get("status", "undetermined")
        line += f" (override of the engine's assessment, {status}: {decision.override_reason})"
    return line


@app.command("propose")
def propose(
    application_id: AppArg,
    actor: AsOpt,
    outcome: OutcomeOpt,
    reason: ReasonOpt,
    override_reason: OverrideOpt = None,
) -> None:
    """Propose an outcome for a case in review (a caseworker or a supervisor)."""
    _run(actor, "propose", application_id, outcome, reason, override_reason)


@app.command("decide")
def decide(
    application_id: AppArg,
    actor: AsOpt,
    outcome: OutcomeOpt,
    reason: ReasonOpt,
    override_reason: OverrideOpt = None,
) -> None:
    """Take the final decision on a proposal (a supervisor; approval issues the permit)."""
    _run(actor, "decide", application_id, outcome, reason, override_reason)
