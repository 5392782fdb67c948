"""People applying with the applicant: add or remove household members before sending.

The GOV.UK "add another" pattern without JavaScript: the check-your-application page lists
the members with a Remove button and offers "Add a person", which opens a one-person form.
Until the application is sent, the members travel in the form's hidden ``household`` field
(JSON), like the other details; ``do_submit_application`` validates them again, including
the rule that a minor names a guardian.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from ruta.partial_dates import ages_on
from ruta.store.models import User
from ruta.web.deps import PageUser
from ruta.web.i18n import render, request_language
from ruta.web.ui._countries import country_options
from ruta.web.ui._forms import (
    ErrorList,
    FormError,
    csrf_context,
    form_birth_date,
    form_text,
    gettext_for,
    not_found_page,
)
from ruta.web.ui._post import FormPost
from ruta.web.ui.applicant import FIELDS, check_page, household_of, pathway_title

__all__ = ["RELATIONSHIPS", "router"]

router = APIRouter(tags=["pages: household"])

#: The relationships the casework schema accepts, in the order the form lists them.
RELATIONSHIPS = ("spouse", "partner", "child", "parent", "sibling", "other")
#: The most people one application may carry (the schema's limit).
MAX_MEMBERS = 30
_MEMBER_FIELDS = (
    "member_given_names",
    "member_surname_1",
    "member_surname_2",
    "member_dob-day",
    "member_dob-month",
    "member_dob-year",
    "member_relationship",
    "member_nationality",
    "member_guardian",
)


def _surely_adult(born: object, today: date) -> bool:
    """Whether every day the birth may be makes the person at least 18 (a guardian must be)."""
    try:
        return isinstance(born, str) and ages_on(born, today)[0] >= 18
    except ValueError:
        return False


def _may_be_minor(born: str, today: date) -> bool:
    """Whether some day the birth may be makes the person under 18 (then a guardian is asked)."""
    return ages_on(born, today)[0] < 18


def _guardians(household: list[dict[str, Any]], _: Any) -> list[tuple[str, str]]:
    """Who may be a minor's guardian: the applicant, or a member already added who is an
    adult whatever the unknown part of their birth date."""
    today = datetime.now(UTC).date()
    names = [
        f"{m.get('given_names', '')} {m.get('surname_1', '')}".strip()
        for m in household
        if _surely_adult(m.get("date_of_birth"), today)
    ]
    return [("applicant", _("Me (the applicant)")), *((n, n) for n in names)]


def _carried(form: FormData) -> dict[str, str]:
    return {name: form_text(form, name) for name in FIELDS}


def _member_page(
    request: Request,
    user: User,
    pathway_id: str,
    title: str,
    carried: dict[str, str],
    member: dict[str, str],
    errors: ErrorList,
) -> Response:
    _ = gettext_for(request)
    context = {
        **csrf_context(request, user),
        "pathway_id": pathway_id,
        "pathway_title": title,
        "carried": carried,
        "member": member,
        "errors": errors,
        "error_for": dict(errors),
        "has_errors": bool(errors),
        "relationships": RELATIONSHIPS,
        "guardians": _guardians(household_of(carried), _),
        "countries": country_options(request_language(request)),
    }
    return render(request, "apply/member.html", context, status_code=422 if errors else 200)


@router.post("/apply/{pathway_id}/household/new", name="household_new")
async def new_member(request: Request, pathway_id: str, user: PageUser) -> Response:
    """The form for one more person applying with the applicant."""
    title = pathway_title(pathway_id, request_language(request))
    if title is None:
        return not_found_page(request, user)
    form = await request.form()
    return _member_page(request, user, pathway_id, title, _carried(form), {}, [])


def _validate_member(member: dict[str, str], carried: dict[str, str], _: Any) -> ErrorList:
    errors: ErrorList = []
    if not member["member_given_names"]:
        errors.append(("member_given_names", _("Enter the person's given names")))
    if not member["member_surname_1"]:
        errors.append(("member_surname_1", _("Enter the person's first surname")))
    message = _(
        "Enter the person's date of birth, for example 3 9 2015, or only the month and year, "
        "or only the year"
    )
    born: str | None = None
    try:
        born = form_birth_date(member, "member_dob", message, _)
    except FormError as exc:
        errors.append((exc.field_id, exc.message))
    if member["member_relationship"] not in RELATIONSHIPS:
        errors.append(("member_relationship", _("Select how the person is related to you")))
    guardians = {code for code, _label in _guardians(household_of(carried), _)}
    minor = born is not None and _may_be_minor(born, datetime.now(UTC).date())
    if minor and member["member_guardian"] not in guardians:
        errors.append(("member_guardian", _("Select who is the child's guardian")))
    if len(household_of(carried)) >= MAX_MEMBERS:
        errors.append(("member_given_names", _("One application can include at most 30 people")))
    return errors


@router.post("/apply/{pathway_id}/household/add", name="household_add")
async def add_member(request: Request, pathway_id: str, user: PageUser) -> Response:
    """Add the person and go back to the check page (or show what to fix)."""
    _ = gettext_for(request)
    title = pathway_title(pathway_id, request_language(request))
    if title is None:
        return not_found_page(request, user)
    post = await FormPost.read(request, None, user, field="member_given_names")
    carried = _carried(post.form)
    member = {name: post.text(name) for name in _MEMBER_FIELDS}
    post.extend(_validate_member(member, carried, _))
    if not post.valid:
        return post.page(
            lambda errors: _member_page(request, user, pathway_id, title, carried, member, errors)
        )
    born = form_birth_date(member, "member_dob", "", _)  # checked above
    minor = _may_be_minor(born, datetime.now(UTC).date())
    household = household_of(carried)
    household.append(
        {
            "given_names": member["member_given_names"],
            "surname_1": member["member_surname_1"],
            "surname_2": member["member_surname_2"] or None,
            "date_of_birth": born,
            "relationship": member["member_relationship"],
            "nationality": member["member_nationality"].upper() or None,
            "guardian": member["member_guardian"] if minor else None,
        }
    )
    carried["household"] = json.dumps(household, ensure_ascii=False)
    return check_page(request, user, pathway_id, title, carried)


@router.post("/apply/{pathway_id}/household/remove", name="household_remove")
async def remove_member(request: Request, pathway_id: str, user: PageUser) -> Response:
    """Remove one person (by position) and show the check page again."""
    title = pathway_title(pathway_id, request_language(request))
    if title is None:
        return not_found_page(request, user)
    post = await FormPost.read(request, None, user, field="household")
    carried = _carried(post.form)
    household = household_of(carried)
    try:
        index = int(post.text("remove"))
    except ValueError:
        index = -1
    if post.fresh and 0 <= index < len(household):
        person = household[index]
        name = f"{person.get('given_names', '')} {person.get('surname_1', '')}".strip()
        message = post.gettext(
            "%(name)s is the guardian of a child on this application: remove the child first"
        )
        # Removing a guardian would leave a child without one; say so, change nothing.
        if post.check(
            not any(m.get("guardian") == name for m in household),
            "household",
            message % {"name": name},
        ):
            household.pop(index)
    if not post.valid:
        return post.page(
            lambda errors: check_page(request, user, pathway_id, title, carried, errors)
        )
    carried["household"] = json.dumps(household, ensure_ascii=False)
    return check_page(request, user, pathway_id, title, carried)
