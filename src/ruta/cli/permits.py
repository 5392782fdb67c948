"""``ruta permits``: development keys, trust lists, status lists and offline verification.

Commands parse input, call one function of :mod:`ruta.permits` and print; every rule
lives in the domain package. ``verify`` exits 0 for a valid permit, 1 for any not-valid
answer and 2 for a usage error (through ``ruta.cli.main``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ruta.cli._lang import UserLangOption, cli_language
from ruta.i18n import N_, expected_languages, os_reason, translator
from ruta.permits import (
    PURPOSES,
    CardSize,
    KeyStore,
    NotAQrCode,
    PermitsError,
    StatusList,
    StatusListError,
    TrustList,
    TrustListError,
    VerificationResult,
    field_label,
    is_purpose,
    make_qr,
    merge_trust_lists,
    permit_card_pdf,
    public_key_from_pem,
    purpose_view,
    read_qr,
    rejected,
    right_label,
    status_label,
    verify,
    write_atomic,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ruta.settings import Settings
    from ruta.store.models import User

__all__ = ["app"]

app = typer.Typer(
    help="Verifiable residence permits: keys, trust lists, status, verify.", no_args_is_help=True
)
keys_app = typer.Typer(help="Development signing keys.", no_args_is_help=True)
trust_app = typer.Typer(help="Signed trust lists of issuing keys.", no_args_is_help=True)
status_app = typer.Typer(help="Signed revocation status lists.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(trust_app, name="trust-list")
app.add_typer(status_app, name="status-list")

DEFAULT_DIR = Path("var/keys")
DirOpt = Annotated[Path, typer.Option("--dir", help="Key store directory.")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Output file (default: stdout).")]
OperatorOpt = Annotated[
    Path | None,
    typer.Option(
        "--operator-key", help="PEM public key of the list operator to pin (recommended)."
    ),
]


def _emit(text: str, out: Path | None, lang: str) -> None:
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(out, text)
        _ = translator(lang, "permits").gettext
        typer.echo(_("Wrote %(path)s") % {"path": out}, err=True)


def _read(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PermitsError(
            N_("cannot read %(path)s (%(reason)s); expected a readable file"),
            field=name,
            path=str(path),
            reason=os_reason(exc),
        ) from None


def _pinned(path: Path | None) -> list[bytes] | None:
    if path is None:
        return None
    return [public_key_from_pem(_read(path, "operator_key"))]


@keys_app.command("init")
def keys_init(
    country: Annotated[str | None, typer.Option(help="Issuing country, ISO alpha-3.")] = None,
    directory: DirOpt = DEFAULT_DIR,
    rotate: Annotated[
        bool, typer.Option(help="Add a new key; the old one keeps verifying.")
    ] = False,
    lang: UserLangOption = None,
) -> None:
    """Create the operator key and (with --country) an issuing key and status list."""
    _ = translator(cli_language(lang), "permits").gettext
    store = KeyStore(directory)
    issuer = store.init(country.upper() if country else None, rotate=rotate)
    typer.echo(
        _("Key store ready in %(dir)s (trust list: %(path)s)")
        % {"dir": directory, "path": directory / "trust-list.json"}
    )
    if issuer is not None:
        until = f"{issuer.valid_until:%Y-%m-%d}" if issuer.valid_until else _("open end")
        typer.echo(
            _("Issuing key for %(country)s: kid %(kid)s, signs from %(start)s to %(end)s")
            % {
                "country": issuer.country,
                "kid": issuer.kid.hex(),
                "start": f"{issuer.valid_from:%Y-%m-%d}",
                "end": until,
            }
        )


@trust_app.command("export")
def trust_export(
    directory: DirOpt = DEFAULT_DIR, out: OutOpt = None, lang: UserLangOption = None
) -> None:
    """Write the store's signed trust list, for verifiers and regional hubs."""
    lang = cli_language(lang)
    store = KeyStore(directory)
    _emit(store.trust_list().to_json(store.operator_signer()), out, lang)


@trust_app.command("import")
def trust_import(
    file: Annotated[Path, typer.Argument(help="A trust list from another operator.")],
    directory: DirOpt = DEFAULT_DIR,
    operator_key: OperatorOpt = None,
    lang: UserLangOption = None,
) -> None:
    """Check another operator's list and add its issuers to this store's list."""
    _ = translator(cli_language(lang), "permits").gettext
    other = TrustList.from_json(_read(file, "file"), _pinned(operator_key))
    added = KeyStore(directory).import_trust_list(other)
    typer.echo(
        _("Imported %(added)s new issuer key(s) from %(file)s; %(listed)s listed.")
        % {"added": added, "file": file, "listed": len(other.issuers)}
    )


@trust_app.command("merge")
def trust_merge(
    files: Annotated[list[Path], typer.Argument(help="Trust lists to aggregate.")],
    directory: DirOpt = DEFAULT_DIR,
    out: OutOpt = None,
    lang: UserLangOption = None,
) -> None:
    """Merge several lists (each signature checked) into one signed by this store's operator."""
    lang = cli_language(lang)
    lists = [TrustList.from_json(_read(f, "files")) for f in files]
    op = KeyStore(directory).operator_signer()
    _emit(merge_trust_lists(lists, op.public_key_der).to_json(op), out, lang)


@status_app.command("export")
def status_export(
    country: Annotated[str, typer.Option(help="Issuing country, ISO alpha-3.")],
    directory: DirOpt = DEFAULT_DIR,
    out: OutOpt = None,
    lang: UserLangOption = None,
) -> None:
    """Re-sign the country's status list with a fresh issue time and write it."""
    lang = cli_language(lang)
    _emit(KeyStore(directory).signed_status_list(country.upper()), out, lang)


def _parse_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(12), UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise PermitsError(
            N_(
                "got %(value)s; expected YYYY-MM-DD or an ISO timestamp with a timezone such "
                "as 2027-01-31T10:00:00Z"
            ),
            field="--at",
            value=repr(text),
        )
    return moment.astimezone(UTC)


def _payload_text(arg: str) -> str | VerificationResult:
    """The payload itself, or from ``@FILE`` (text, or a photo of the QR)."""
    if not arg.startswith("@"):
        return arg
    data = _read(Path(arg[1:]), "PAYLOAD")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return read_qr(data)
        except NotAQrCode as exc:
            return rejected("not_a_qr", str(exc))


def _verifier_material(
    directory: Path, trust_file: Path | None, status_files: list[Path], operator_key: Path | None
) -> tuple[TrustList, list[StatusList]]:
    if trust_file is None:
        trust_file = directory / "trust-list.json"
        if not status_files and (directory / "status").is_dir():
            status_files = sorted((directory / "status").glob("*.json"))
    trust = TrustList.from_json(_read(trust_file, "--trust-list"), _pinned(operator_key))
    return trust, [StatusList.from_json(_read(f, "--status-list"), trust) for f in status_files]


def _render_text(r: VerificationResult, lang: str) -> str:
    def f(name: str) -> str:
        return field_label(name, lang)

    _ = translator(lang, "permits").gettext
    lines = [f"{status_label(r.status, lang).upper()}: {r.reason(lang)}"]
    p = r.permit
    if p is not None:
        h = p.holder
        issued = _("issued by %(country)s on %(date)s") % {
            "country": p.issuer_country,
            "date": f"{p.issued_at:%Y-%m-%d}",
        }
        validity = _("%(start)s to %(end)s") % {"start": p.valid_from, "end": p.valid_until}
        lines += [
            f"  {f('permit')}: {p.permit_id} ({p.permit_type or p.profile}), {issued}",
            f"  {f('holder')}: {h.full_name}"
            + (f", {f('born')} {h.date_of_birth}" if h.date_of_birth else "")
            + (f", {h.nationality}" if h.nationality else ""),
            f"  {f('validity')}: {validity}",
        ]
    if r.rights:
        lines.append(f"  {f('rights')}: " + ", ".join(right_label(x, lang) for x in r.rights))
    if r.status_list_age_seconds is not None:
        lines.append(f"  {f('status_list_age')}: {r.status_list_age_seconds // 3600} h")
    return "\n".join(lines)


def _render_purpose(view: dict[str, Any], lang: str) -> str:
    """The text form of a purpose view: the verdict and the purpose's lines only."""
    _ = translator(lang, "permits").gettext
    yes_no = {True: _("yes"), False: _("no")}
    until = _("until")
    lines = [f"{view['status_label'].upper()}: {view['reason']}"]
    if view["purpose"] == "employer":
        work = view["right_to_work"]
        label = _("right to work")
        lines.append(
            f"  {label}: {yes_no[work['granted']]}"
            + (f", {until} {work['until']}" if work["granted"] else "")
        )
        if work["restrictions"]:
            label = _("restrictions")
            lines.append(f"  {label}: " + "; ".join(r["label"] for r in work["restrictions"]))
    else:
        who = view["identity"]
        if who is not None:
            born = (
                f", {field_label('born', lang)} {who['date_of_birth']}"
                if who["date_of_birth"]
                else ""
            )
            lines.append(f"  {field_label('holder', lang)}: {who['full_name']}{born}")
            lines.append(
                f"  {field_label('permit', lang)}: {who['document']['number']} "
                f"({who['document']['issuer_country']})"
            )
        stay = view["lawful_residence"]
        label = _("lawful residence")
        lines.append(
            f"  {label}: {yes_no[stay['granted']]}"
            + (f", {until} {stay['until']}" if stay["granted"] else "")
        )
    if view["status_list_age_seconds"] is not None:
        lines.append(
            f"  {field_label('status_list_age', lang)}: {view['status_list_age_seconds'] // 3600} h"
        )
    return "\n".join(lines)


@app.command("verify")
def verify_cmd(
    payload: Annotated[
        str | None, typer.Argument(help="RUTA1:... text, or @FILE (text or QR image).")
    ] = None,
    trust_list: Annotated[Path | None, typer.Option(help="Trust list JSON.")] = None,
    status_list: Annotated[
        list[Path] | None, typer.Option(help="Status list JSON (repeatable).")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            help="Check validity at YYYY-MM-DD (noon UTC) or an ISO timestamp with timezone."
        ),
    ] = None,
    output: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    lang: UserLangOption = None,
    directory: DirOpt = DEFAULT_DIR,
    operator_key: OperatorOpt = None,
    purpose: Annotated[
        str | None,
        typer.Option(
            help="Show only what this purpose may see: employer (right to work, until when) or "
            "bank (identity, lawful residence); the JSON of POST /api/v1/verify/purpose."
        ),
    ] = None,
) -> None:
    """Verify a permit offline. Exit 0 valid, 1 not valid, 2 usage error."""
    lang = cli_language(lang)  # first: the refusals below are said in it
    if payload is None:
        raise PermitsError(N_("missing; expected RUTA1:... text or @FILE"), field="PAYLOAD")
    if output not in ("text", "json"):
        raise PermitsError(
            N_("got %(value)s; expected text or json"), field="--format", value=repr(output)
        )
    if purpose is not None and not is_purpose(purpose):
        raise PermitsError(
            N_("got %(value)s; expected one of %(expected)s"),
            field="--purpose",
            value=repr(purpose),
            expected=", ".join(PURPOSES),
        )
    moment = _parse_at(at)
    text = _payload_text(payload)
    if isinstance(text, VerificationResult):
        result = text
    else:
        try:
            trust, statuses = _verifier_material(
                directory, trust_list, status_list or [], operator_key
            )
            result = verify(text, trust, statuses, at=moment)
        except TrustListError as exc:
            result = rejected("trust_list_untrusted", str(exc), at=moment)
        except StatusListError as exc:
            result = rejected("status_list_untrusted", str(exc), at=moment)
    if is_purpose(purpose):
        view = purpose_view(result, purpose, lang)
        typer.echo(
            json.dumps(view, ensure_ascii=False, indent=2)
            if output == "json"
            else _render_purpose(view, lang)
        )
    elif output == "json":
        typer.echo(json.dumps(result.to_dict(lang), ensure_ascii=False, indent=2))
    else:
        typer.echo(_render_text(result, lang))
    # SystemExit rather than typer.Exit: in non-standalone mode click swallows Exit codes.
    raise SystemExit(0 if result.is_valid else 1)


# --- Casework-backed commands: the permit row and its audit live in ruta.cases. ---

ActorOpt = Annotated[str, typer.Option("--as", help="Username of the officer acting (audited).")]


@contextmanager
def _casework(username: str) -> Iterator[tuple[Session, User, Settings]]:
    # Imported lazily so that `ruta permits verify` never loads the database stack.
    from sqlalchemy import select

    from ruta.settings import get_settings
    from ruta.store import make_engine, make_sessionmaker
    from ruta.store.models import User

    settings = get_settings()
    engine = make_engine(settings.resolved_database_url)
    try:
        with make_sessionmaker(engine)() as session:
            actor = session.scalar(select(User).where(User.username == username))
            if actor is None or not actor.active:
                raise PermitsError(
                    N_(
                        "no active user %(user)s; expected an existing officer "
                        "(see `ruta users create`)"
                    ),
                    field="--as",
                    user=repr(username),
                )
            yield session, actor, settings
    finally:
        engine.dispose()


@app.command("issue")
def issue_cmd(
    application: Annotated[str, typer.Option(help="Id of an approved application.")],
    actor: ActorOpt,
    qr: Annotated[Path | None, typer.Option(help="Also write the QR code (.png or .svg).")] = None,
    card: Annotated[Path | None, typer.Option(help="Also write the printable card (.pdf).")] = None,
    card_size: Annotated[str, typer.Option(help="id1 (85.6 x 54 mm, two sides) or a6.")] = "id1",
    host_lang: Annotated[
        str,
        typer.Option(help=f"Card language of the host country: {expected_languages()} (BCP 47)."),
    ] = "es",
    holder_lang: Annotated[
        str, typer.Option(help=f"Card language of the holder: {expected_languages()} (BCP 47).")
    ] = "es",
    out: OutOpt = None,
    lang: UserLangOption = None,
) -> None:
    """Output the signed permit of an approved application (payload, and QR with --qr).

    The permit is signed when the supervisor approves (``do_decide``); this command hands
    out that permit, as a read audited by casework. ``--lang`` is the language of the
    command's messages and refusals; the card's are ``--host-lang`` and ``--holder-lang``.
    """
    from ruta.cases.actions import get_permit

    lang = cli_language(lang)
    _ = translator(lang, "permits").gettext
    if qr is not None and qr.suffix.lower() not in (".png", ".svg"):
        raise PermitsError(
            N_("got %(value)s; expected a file name ending in .png or .svg"),
            field="--qr",
            value=repr(qr.name),
        )
    if card_size not in ("id1", "a6"):
        raise PermitsError(
            N_("got %(value)s; expected id1 or a6"), field="--card-size", value=repr(card_size)
        )
    host_lang = cli_language(host_lang, "--host-lang")
    holder_lang = cli_language(holder_lang, "--holder-lang")
    with _casework(actor) as (session, user, _settings):
        permit = get_permit(session, user, application)
        payload, permit_id = permit.payload, permit.permit_id
        validity = _("%(start)s to %(end)s") % {
            "start": permit.valid_from,
            "end": permit.valid_until,
        }
    if qr is not None:
        tmp = qr.with_name(f".{qr.name}.tmp{qr.suffix}")
        make_qr(payload).save(str(tmp), scale=6, border=4)
        tmp.replace(qr)  # a half-written image never takes the final name
    if card is not None:
        size: CardSize = "a6" if card_size == "a6" else "id1"
        write_atomic(
            card, permit_card_pdf(payload, host_lang=host_lang, holder_lang=holder_lang, size=size)
        )
    _emit(payload + "\n", out, lang)
    typer.echo(
        _("Permit %(permit)s, valid %(validity)s") % {"permit": permit_id, "validity": validity}
        + (_("; QR in %(path)s") % {"path": qr} if qr else "")
        + (_("; card in %(path)s") % {"path": card} if card else ""),
        err=True,
    )


# What a status change says, one whole sentence per status (the status is a word in it).
_STATUS_CHANGED = {
    "revoked": N_(
        "Permit %(permit)s is now revoked (status-list index %(index)s); verifiers see it "
        "with the next status list."
    ),
    "suspended": N_(
        "Permit %(permit)s is now suspended (status-list index %(index)s); verifiers see it "
        "with the next status list."
    ),
    "valid": N_(
        "Permit %(permit)s is now valid (status-list index %(index)s); verifiers see it "
        "with the next status list."
    ),
}


def _set_status(permit_id: str, status: str, reason: str, actor: str, lang: str | None) -> None:
    from ruta.cases.actions import do_set_permit_status

    _ = translator(cli_language(lang), "permits").gettext
    with _casework(actor) as (session, user, settings):
        permit = do_set_permit_status(
            session, user, permit_id, status, reason, keys_dir=settings.resolved_keys_dir
        )
        typer.echo(
            _(_STATUS_CHANGED[permit.status])
            % {"permit": permit.permit_id, "index": permit.status_index}
        )


ReasonOpt = Annotated[str, typer.Option(help="Why (recorded in the audit log).")]


@app.command("revoke")
def revoke_cmd(
    permit_id: str, reason: ReasonOpt, actor: ActorOpt, lang: UserLangOption = None
) -> None:
    """Revoke a permit (final; a supervisor of the issuing country)."""
    _set_status(permit_id, "revoked", reason, actor, lang)


@app.command("suspend")
def suspend_cmd(
    permit_id: str, reason: ReasonOpt, actor: ActorOpt, lang: UserLangOption = None
) -> None:
    """Suspend a permit until it is reinstated."""
    _set_status(permit_id, "suspended", reason, actor, lang)


@app.command("reinstate")
def reinstate_cmd(
    permit_id: str, reason: ReasonOpt, actor: ActorOpt, lang: UserLangOption = None
) -> None:
    """Lift a suspension."""
    _set_status(permit_id, "valid", reason, actor, lang)
