"""The applicant's pages: create an account and apply for a pathway (tracking: ``track``).

Applying is open only for a pathway that an office of the host country takes (as the
finder's Apply button); for any other the pages say where to apply instead. Applying turns
the finder's answers (the signed cookie) into a submission through
``do_submit_application``. The form carries an idempotency key minted when the form is
shown, so pressing "Send application" twice, or a retry after a dropped connection, gives
the same application instead of two.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from ruta.cases.actions import do_submit_application, get_application, pathways_taken
from ruta.cases.actions.authentication import do_login, do_register_applicant
from ruta.cases.errors import NotFoundError, RateLimitedError
from ruta.cases.passwords import PasswordPolicyError
from ruta.cases.schemas import ApplicationCreate
from ruta.errors import RutaError
from ruta.pathways import UnknownPathwayError, get_pathway
from ruta.store.models import Application, User
from ruta.web.deps import OptionalPageUser, PageUser, SessionDep, SettingsDep, client_address
from ruta.web.i18n import render, request_language
from ruta.web.ratelimit import check_rate
from ruta.web.security import safe_next, set_session_cookie
from ruta.web.ui._countries import country_options
from ruta.web.ui._forms import (
    ErrorList,
    FormError,
    birth_date_parts,
    csrf_context,
    form_birth_date,
    form_partial_date,
    gettext_for,
    not_found_page,
)
from ruta.web.ui._help import authority
from ruta.web.ui._post import FormPost, see_other
from ruta.web.ui._replay import replay
from ruta.web.ui._state import read_answers
from ruta.web.validation import validation_message

__all__ = ["FIELDS", "check_page", "household_of", "pathway_title", "router"]

router = APIRouter(tags=["pages: applicant"])

DOCUMENT_TYPES = ("passport", "national_id", "other")
SEXES = ("F", "M", "X")
FIELDS = (
    "given_names",
    "surname_1",
    "surname_2",
    "date_of_birth-day",
    "date_of_birth-month",
    "date_of_birth-year",
    "sex",
    "nationality",
    "document_type",
    "document_number",
    "email",
    "phone",
    "idempotency_key",
    "household",
)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/account/new", name="account_new")
def account_form(request: Request, next: str = "/") -> Response:
    """Create an applicant account (a name and a password, nothing else)."""
    context = {**csrf_context(request), "next": safe_next(next), "errors": [], "values": {}}
    return render(request, "account/new.html", context)


def _password_message(_: Callable[[str], str], reason: str) -> str:
    messages = {
        "short": _("Enter a password of at least 10 characters"),
        "username": _(
            "Do not build the password from your username: choose words that have "
            "nothing to do with it"
        ),
        "common": _(
            "This is one of the most common passwords, which attackers try first. "
            "Choose another one, for example three or four unrelated words"
        ),
    }
    return messages.get(
        reason,
        _(
            "This password is easy to guess (a common word, a name, a date, a repetition or a "
            "keyboard pattern). Make it longer, for example three or four unrelated words"
        ),
    )


@router.post("/account/new", name="account_create")
async def account_create(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Create the account, sign in and show the username it got.

    Every attempt counts against ``RUTA_ACCOUNT_RATE_LIMIT`` for the client, and the
    answer never depends on whether the name is in use (see ``do_register_applicant``).
    """
    post = await FormPost.read(request, session, None, field="username")
    _ = post.gettext
    name = post.text("username").lower()
    password = str(post.form.get("password") or "")
    next_url = safe_next(post.text("next"))

    def page(errors: ErrorList, status: int = 422) -> Response:
        context = {
            **csrf_context(request),
            "next": next_url,
            "errors": errors,
            "values": {"username": name},
            "has_errors": True,
        }
        return render(request, "account/new.html", context, status_code=status)

    try:
        check_rate(request, "account_new", lambda s: s.account_rate_limit)
    except RateLimitedError as exc:
        minutes = -(-exc.retry_after // 60)
        message = _("Too many new accounts from this address. Try again in %(minutes)s minutes")
        return page([("username", message % {"minutes": minutes})], status=429)
    post.check(name, "username", _("Enter a username"))

    def create() -> str:
        user = do_register_applicant(session, name=name, password=password)
        _user, token = do_login(
            session,
            username=user.username,
            password=password,
            client=client_address(request),
            kind="session",
            hours=settings.session_hours,
            attempts_per_minute=settings.login_attempts_per_minute,
        )
        return token

    def refusal(exc: RutaError) -> tuple[str, str]:
        if isinstance(exc, PasswordPolicyError):
            return ("password", _password_message(_, exc.reason))
        field = exc.field if exc.field in ("username", "password") else "username"
        return (
            field,
            _(
                "Use 2 to 73 lowercase letters, digits, dots, dashes or underscores, "
                "starting with a letter or a digit"
            ),
        )

    def signed_in(token: str) -> Response:
        target = request.url_for("account_created").path
        response = see_other(f"{target}?{urlencode({'next': next_url})}")
        set_session_cookie(response, token, settings)
        return response

    return post.run(create, done=signed_in, page=page, refusal=refusal)


@router.get("/account/created", name="account_created")
def account_created(request: Request, user: PageUser, next: str = "/") -> Response:
    """The username the new account got, to write down, and the way on."""
    context = {**csrf_context(request, user), "next": safe_next(next)}
    return render(request, "account/created.html", context)


def pathway_title(pathway_id: str, lang: str) -> str | None:
    try:
        return get_pathway(pathway_id).title(lang)
    except UnknownPathwayError:
        return None


def _profile(request: Request) -> dict[str, Any]:
    profile, _answers = replay(read_answers(request))
    return profile


def _details_page(
    request: Request,
    user: User,
    pathway_id: str,
    title: str,
    values: dict[str, str],
    errors: ErrorList,
) -> Response:
    lang = request_language(request)
    profile = _profile(request)
    held = [n.get("country") for n in profile.get("nationalities", []) if n.get("country")]
    context = {
        **csrf_context(request, user),
        "pathway_id": pathway_id,
        "pathway_title": title,
        "values": values,
        "errors": errors,
        "error_for": dict(errors),
        "has_errors": bool(errors),
        "countries": country_options(lang, first=held),
        "document_types": DOCUMENT_TYPES,
        "sexes": SEXES,
    }
    return render(request, "apply/details.html", context, status_code=422 if errors else 200)


def _office_takes(session: Session, pathway_id: str) -> bool:
    """Whether an office of the pathway's host country takes it (the finder's Apply rule).

    Asked in the request's own session: a second one would wait on SQLite for the lock
    the request's session may hold (the sign-in check records the session's use).
    """
    return pathway_id in pathways_taken(session, get_pathway(pathway_id).host_country)


def _apply_elsewhere(request: Request, user: User | None, pathway_id: str, title: str) -> Response:
    """The page for a pathway no office of this service takes: where to apply instead."""
    context = {
        **csrf_context(request, user),
        "pathway_title": title,
        "authority": authority(get_pathway(pathway_id).host_country),
    }
    return render(request, "apply/elsewhere.html", context)


@router.get("/apply/{pathway_id}", name="apply_start")
def apply_start(
    request: Request, pathway_id: str, user: OptionalPageUser, session: SessionDep
) -> Response:
    """Ask who is applying (identity and contact); sign in first if needed.

    Only for a pathway that an office of its host country takes, as the finder's Apply
    button; any other gets the page that says where to apply instead.
    """
    lang = request_language(request)
    title = pathway_title(pathway_id, lang)
    if title is None:
        return not_found_page(request, user)
    if not _office_takes(session, pathway_id):
        return _apply_elsewhere(request, user, pathway_id, title)
    if user is None:
        # A path, not a URL: sign-in only follows same-site paths.
        here = request.url_for("apply_start", pathway_id=pathway_id).path
        context = {**csrf_context(request), "pathway_title": title, "next": here}
        return render(request, "apply/sign_in.html", context)
    values = {"idempotency_key": str(uuid.uuid4())}
    # The finder's answer carries on: a birth known only to the year or the month stays so.
    values.update(birth_date_parts(_profile(request).get("date_of_birth"), "date_of_birth"))
    return _details_page(request, user, pathway_id, title, values, [])


def _validate(values: dict[str, str], _: Any) -> ErrorList:
    errors: ErrorList = []
    if not values["given_names"]:
        errors.append(("given_names", _("Enter your given names")))
    if not values["surname_1"]:
        errors.append(("surname_1", _("Enter your first surname")))
    born_message = _(
        "Enter your date of birth, for example 27 3 1990, or only the month and year, or only "
        "the year"
    )
    try:
        form_birth_date(values, "date_of_birth", born_message, _)
    except FormError as exc:
        errors.append((exc.field_id, exc.message))
    if values["sex"] not in SEXES:
        errors.append(("sex", _("Select the sex shown on your identity document")))
    if len(values["nationality"]) != 3:
        errors.append(("nationality", _("Select your nationality")))
    if values["document_type"] not in DOCUMENT_TYPES:
        errors.append(("document_type", _("Select the type of identity document")))
    if not values["document_number"]:
        errors.append(("document_number", _("Enter the number of your identity document")))
    email = values["email"]
    # The form of ApplicantIn.email: one @, something on each side, no space.
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+", email):
        errors.append(
            ("email", _("Enter an email address in the right format, like name@example.com"))
        )
    return errors


def household_of(values: dict[str, str]) -> list[dict[str, Any]]:
    """The household members carried in the form's hidden ``household`` field (JSON).

    Examples:
        >>> household_of({"household": '[{"given_names": "Luz"}]'})
        [{'given_names': 'Luz'}]
        >>> household_of({"household": "not json"}), household_of({})
        ([], [])
    """
    try:
        members = json.loads(values.get("household") or "[]")
    except ValueError:
        return []
    if not isinstance(members, list):
        return []
    return [m for m in members if isinstance(m, dict)]


def _submission(pathway_id: str, values: dict[str, str], profile: dict[str, Any], lang: str) -> Any:
    born = _checked_birth_date(values)
    return ApplicationCreate.model_validate(
        {
            "pathway": pathway_id,
            "profile": profile,
            "household": household_of(values),
            "applicant": {
                "given_names": values["given_names"],
                "surname_1": values["surname_1"],
                "surname_2": values["surname_2"] or None,
                "date_of_birth": born,
                "sex": values["sex"],
                "nationality": values["nationality"],
                "document": {"type": values["document_type"], "number": values["document_number"]},
                "email": values["email"] or None,
                "phone": values["phone"] or None,
                # The language the applicant applied in: the office writes to them in it.
                "languages": [lang],
            },
        }
    )


@router.post("/apply/{pathway_id}", name="apply_check")
async def apply_check(request: Request, pathway_id: str, user: PageUser) -> Response:
    """Check the details; show them back with Change links before sending."""
    lang = request_language(request)
    title = pathway_title(pathway_id, lang)
    if title is None:
        return not_found_page(request, user)
    post = await FormPost.read(request, None, user, field="given_names")
    values = {name: post.text(name) for name in FIELDS}
    values["nationality"] = values["nationality"].upper()
    post.extend(_validate(values, post.gettext))
    if not post.valid or post.form.get("change") == "1":
        return post.page(
            lambda errors: _details_page(request, user, pathway_id, title, values, errors)
        )
    return check_page(request, user, pathway_id, title, values)


def _not_an_application(exc: ValidationError, lang: str) -> RutaError:
    """The first problem pydantic finds in the details, in the page's language (as the API
    says it, :mod:`ruta.web.validation`), at the form's field it is about."""
    err = exc.errors()[0]
    where = [str(part) for part in err["loc"]]
    field = "_".join(where[1:]) if where[:1] == ["applicant"] else ""  # document_number
    return RutaError(validation_message(err, lang), field=field if field in FIELDS else None)


def _checked_birth_date(values: dict[str, str]) -> str | None:
    """The form's birth date, or None when the form does not make one (_validate says why)."""
    try:
        return form_partial_date(values, "date_of_birth", "", "")
    except FormError:
        return None


def check_page(
    request: Request,
    user: User,
    pathway_id: str,
    title: str,
    values: dict[str, str],
    errors: ErrorList | None = None,
) -> Response:
    """Show the details and the household back, with Change links, before sending."""
    lang = request_language(request)
    context = {
        **csrf_context(request, user),
        "pathway_id": pathway_id,
        "pathway_title": title,
        "values": values,
        "household": household_of(values),
        "date_of_birth": _checked_birth_date(values),
        "nationality_name": dict(country_options(lang)).get(values["nationality"], ""),
        "errors": errors or [],
        "has_errors": bool(errors),
    }
    status = 422 if errors else 200
    return render(request, "apply/check.html", context, status_code=status)


@router.post("/apply/{pathway_id}/send", name="apply_send")
async def apply_send(
    request: Request, pathway_id: str, user: PageUser, session: SessionDep
) -> Response:
    """Submit the application (idempotent) and show the confirmation."""
    _ = gettext_for(request)
    lang = request_language(request)
    title = pathway_title(pathway_id, lang)
    if title is None:
        return not_found_page(request, user)
    post = await FormPost.read(request, session, user, field="given_names")
    values = {name: post.text(name) for name in FIELDS}
    # A form opened before the office stopped taking the pathway is refused here too.
    if not _office_takes(session, pathway_id):
        return _apply_elsewhere(request, user, pathway_id, title)
    post.extend(_validate(values, _))

    def send() -> Application:
        try:
            data = _submission(pathway_id, values, _profile(request), lang)
            app, _created = do_submit_application(
                session,
                user,
                data,
                idempotency_key=values["idempotency_key"] or None,
                registries=request.app.state.registries,
            )
        except ValidationError as exc:  # details the form's own checks let through
            raise _not_an_application(exc, lang) from exc
        return app

    def refusal(exc: RutaError) -> tuple[str, str]:
        message = _("We could not send the application: %(detail)s") % {"detail": post.said(exc)}
        return (exc.field if exc.field in FIELDS else "given_names", message)

    return post.run(
        send,
        done=lambda app: see_other(str(request.url_for("application_confirmation", app_id=app.id))),
        page=lambda errors: _details_page(request, user, pathway_id, title, values, errors),
        refusal=refusal,
    )


@router.get("/applications/{app_id}/confirmation", name="application_confirmation")
def confirmation(request: Request, app_id: str, user: PageUser, session: SessionDep) -> Response:
    """The reference number and what happens next."""
    try:
        app = get_application(session, user, app_id)
    except NotFoundError:
        return not_found_page(request, user)
    title = pathway_title(app.pathway_id, request_language(request)) or app.pathway_id
    context = {**csrf_context(request, user), "application": app, "pathway_title": title}
    return render(request, "apply/confirmation.html", context)
