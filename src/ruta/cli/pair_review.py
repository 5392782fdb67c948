"""``ruta review``: fill the casework review queue with borderline linkage pairs, list it,
export its decisions.

``import`` reads the scored pairs of ``ruta link dedupe --pairs-out`` and the registry they
were scored on, keeps the pairs the model could not decide on
(:func:`ruta.linkage.borderline_pairs`) and queues them through the casework action
:func:`ruta.cases.actions.do_import_review_pairs`; decisions are made in the web pages.
``export`` writes the decided pairs for ``ruta link dedupe --decisions``, so that the next
deduplication keeps them (:mod:`ruta.linkage._decisions`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ruta.cli._lang import UserLangOption, cli_language
from ruta.cli._link_common import MaxSkippedOpt, load
from ruta.cli._store import store_session, user_named

if TYPE_CHECKING:
    from gettext import NullTranslations

    from sqlalchemy.orm import Session

    from ruta.store.models import User

__all__ = ["app"]

app = typer.Typer(
    help="The registry review queue (borderline duplicate pairs).", no_args_is_help=True
)

AsOpt = Annotated[
    str | None, typer.Option("--as", help="Username of the caseworker or supervisor acting.")
]


def _texts(lang: str) -> NullTranslations:
    # The review queue's summaries are linkage texts: one catalog for the subject.
    from ruta.i18n import translator

    return translator(lang, "linkage")


def _actor(session: Session, username: str | None, lang: str) -> User | None:
    from ruta.i18n import translator

    if username is None:
        return None
    return user_named(session, username, "as", translator(lang, "cli").gettext)


@app.command("import")
def import_pairs(
    pairs: Annotated[Path, typer.Argument(help="Scored pairs CSV (ruta link dedupe --pairs-out).")],
    registry: Annotated[Path, typer.Argument(help="The registry CSV or Parquet they score.")],
    name: Annotated[str, typer.Option("--registry", help="Registry name, e.g. COL-2026.")],
    low: Annotated[float, typer.Option(help="Review pairs at or above this probability.")] = 0.5,
    high: Annotated[float, typer.Option(help="... and below this one.")] = 0.95,
    on_error: Annotated[
        str, typer.Option("--on-error", help="Bad registry rows: skip them or stop.")
    ] = "stop",
    country: Annotated[
        str | None,
        typer.Option(help="ISO 3166-1 alpha-3 of the registry's state (default: --as's)."),
    ] = None,
    actor: AsOpt = None,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            help="The registry's own column names, as for ruta link dedupe: field=column pairs "
            "separated by commas, or a YAML file.",
        ),
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option(
            "--date-format",
            help="strftime patterns of date_of_birth separated by |, as for ruta link dedupe.",
        ),
    ] = None,
    max_skipped: MaxSkippedOpt = "1%",
    lang: UserLangOption = None,
) -> None:
    """Queue the borderline pairs for review; pairs already queued are kept as they are."""
    lang = cli_language(lang)
    from ruta.cases.actions import do_import_review_pairs
    from ruta.linkage import borderline_pairs, read_pairs

    # As ruta link reads a registry: --max-skipped caps the skipped rows (the error that
    # stops the run says to raise it), and the rows skipped and dates blanked are said.
    reg = load(
        registry,
        on_error,
        columns=columns,
        date_format=date_format,
        max_skipped=max_skipped,
        lang=lang,
    )
    band = borderline_pairs(read_pairs(pairs), reg, low=low, high=high)
    with store_session() as session:
        added = do_import_review_pairs(
            session, _actor(session, actor, lang), band, name, country=country
        )
    typer.echo(
        _texts(lang).gettext(
            "%(n)s pairs in [%(low)s, %(high)s); queued %(added)s new, %(old)s already queued "
            "(registry %(name)s)"
        )
        % {
            "n": len(band),
            "low": low,
            "high": high,
            "added": added,
            "old": len(band) - added,
            "name": name,
        }
    )


@app.command("list")
def list_pairs(
    actor: Annotated[
        str, typer.Option("--as", help="Username of the caseworker or supervisor acting.")
    ],
    decided: Annotated[bool, typer.Option(help="Decided pairs instead of pending ones.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="At most this many pairs.")] = 50,
    lang: UserLangOption = None,
) -> None:
    """Print the queue: id, registry, record ids, probability, status (tab-separated)."""
    lang = cli_language(lang)
    from ruta.cases.actions import list_review_pairs

    with store_session() as session:
        user = _actor(session, actor, lang)
        assert user is not None  # --as is required here
        rows, total = list_review_pairs(session, user, decided=decided, page_size=limit)
        for row in rows:
            typer.echo(
                f"{row.id}\t{row.registry_name}\t{row.record_id_a}\t{row.record_id_b}\t"
                f"{row.probability:.3f}\t{row.status}"
            )
    t = _texts(lang)
    counted = (
        t.gettext("%(n)s of %(total)s decided pairs")
        if decided
        else t.gettext("%(n)s of %(total)s pending pairs")
    )
    typer.echo(counted % {"n": len(rows), "total": total}, err=True)


@app.command("export")
def export_decisions(
    registry: Annotated[str, typer.Argument(help="Registry name, e.g. COL-2026.")],
    out: Annotated[Path, typer.Option("--out", help="Decisions CSV to write.")],
    actor: Annotated[
        str,
        typer.Option("--as", help="Username of the caseworker, supervisor or auditor acting."),
    ],
    country: Annotated[
        str | None,
        typer.Option(help="ISO 3166-1 alpha-3 of the registry's state (default: --as's)."),
    ] = None,
    include_intake: Annotated[
        bool,
        typer.Option(
            "--include-intake",
            help="Also export intake pairs (record_id_a application:<id>), which no "
            "registry file holds.",
        ),
    ] = False,
    lang: UserLangOption = None,
) -> None:
    """Write the decided pairs for ruta link dedupe --decisions (an audited read).

    Columns: record_id_a, record_id_b, decision (merged or distinct), decided_by,
    decided_at, reason.
    """
    import csv

    lang = cli_language(lang)
    from ruta.cases.actions import export_review_decisions
    from ruta.linkage import DECISION_COLUMNS, atomic_path

    with store_session() as session:
        user = _actor(session, actor, lang)
        assert user is not None  # --as is required here
        rows = export_review_decisions(
            session, user, registry, country=country, include_intake=include_intake
        )
    with atomic_path(out) as tmp, tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(DECISION_COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    merged = sum(1 for row in rows if row["decision"] == "merged")
    typer.echo(
        _texts(lang).gettext(
            "%(n)s decided pairs of %(registry)s (%(merged)s merged, %(distinct)s distinct); "
            "wrote %(out)s"
        )
        % {
            "n": len(rows),
            "registry": registry,
            "merged": merged,
            "distinct": len(rows) - merged,
            "out": out,
        }
    )
