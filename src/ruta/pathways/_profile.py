"""The profile: what a person has told us. An absent field is unknown; an empty list is none."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StrictBool,
    ValidationError,
)

from ruta.i18n import N_, Text
from ruta.pathways._dates import fact_of, parse_partial_date
from ruta.pathways._errors import (
    SAYABLE,
    BadValue,
    ProfileError,
    problem_text,
    pydantic_problem,
)
from ruta.pathways._facts import COUNTRIES, fact_catalog, vocabulary

__all__ = ["Profile", "apply_answer", "fact_value", "parse_date", "parse_profile"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: Any) -> dt.date:
    """Accept a ``date`` or an ISO 8601 ``YYYY-MM-DD`` string.

    Examples:
        >>> parse_date("2025-02-01")
        datetime.date(2025, 2, 1)
    """
    if isinstance(value, dt.datetime):
        raise BadValue(N_("expected a date (YYYY-MM-DD), not a timestamp"))
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise BadValue(
        N_("'%(value)s' is not a date; expected the form YYYY-MM-DD, e.g. 2025-02-01"),
        value=str(value),
    )


def _country(value: str) -> str:
    if value not in COUNTRIES:
        raise BadValue(
            N_(
                "'%(value)s' is not a country code; expected an ISO 3166-1 alpha-3 code in "
                "capitals, e.g. VEN, COL, BRA"
            ),
            value=str(value),
        )
    return value


def _in_vocabulary(section: str) -> AfterValidator:
    def check(value: str) -> str:
        codes = vocabulary().section(section)
        if value not in codes:
            raise BadValue(
                N_("'%(value)s' is not one of: %(codes)s"), value=value, codes=", ".join(codes)
            )
        return value

    return AfterValidator(check)


Date = Annotated[dt.date, BeforeValidator(parse_date)]
# A birth date may be known only to the month or the year (ISO 8601 reduced precision).
PartialDate = Annotated[str, BeforeValidator(parse_partial_date)]
Country = Annotated[str, AfterValidator(_country)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Nationality(_Part):
    country: Country
    acquired: Literal["birth", "naturalization"] | None = None
    since: Date | None = None


class Entry(_Part):
    date: Date | None = None
    authorized_crossing: StrictBool | None = None


class CriminalRecord(_Part):
    country: Country | None = None
    date: Date | None = None


class Residence(_Part):
    country: Country
    since: Date | None = None
    until: Date | None = None


class DocumentHeld(_Part):
    type: Annotated[str, _in_vocabulary("documents")]
    expires: Date | None = None
    issued: Date | None = None


def _permit_type(value: str) -> str:
    # A permit is named by a vocabulary code (the finder's options) or by the pathway id
    # that granted it; the population engine checks the same set.
    from ruta.pathways._catalog import default_catalog  # the catalog loads the vocabulary

    if value not in vocabulary().permit_types and value not in default_catalog().pathways:
        raise BadValue(
            N_(
                "'%(value)s' is not a permit type; expected one of %(types)s or a pathway id "
                "such as col.ppt"
            ),
            value=value,
            types=", ".join(vocabulary().permit_types),
        )
    return value


class PermitHeld(_Part):
    country: Country | None = None
    type: Annotated[str, AfterValidator(_permit_type)] | None = None
    valid_from: Date | None = None
    valid_until: Date | None = None


class Registration(_Part):
    country: Country | None = None
    program: Annotated[str, _in_vocabulary("registration_programs")] | None = None
    date: Date | None = None


class Profile(_Part):
    """A person's situation, as far as it is known."""

    host_country: Country | None = None
    in_host_country: StrictBool | None = None
    nationalities: list[Nationality] | None = None
    date_of_birth: PartialDate | None = None
    entry: Entry | None = None
    arrival_date: Date | None = None
    current_status: Literal["regular", "irregular", "asylum_seeker"] | None = None
    criminal_records: list[CriminalRecord] | None = None
    residences: list[Residence] | None = None
    documents: list[DocumentHeld] | None = None
    permits: list[PermitHeld] | None = None
    registrations: list[Registration] | None = None
    means_of_subsistence: StrictBool | None = None
    asylum_claim_pending: StrictBool | None = None
    migration_sanctions: StrictBool | None = None
    crime_victim_or_witness: StrictBool | None = None
    unaccompanied_minor: StrictBool | None = None
    humanitarian_cause: StrictBool | None = None
    guardian_of_minor_with_ppt: StrictBool | None = None
    in_school_or_child_protection: StrictBool | None = None
    refugee_claim_filed: Date | None = None
    refugee_claim_denied: Date | None = None

    def facts(self) -> dict[str, Any]:
        """The known facts as plain Python values (dates as ``date``; a birth date known only
        to the month or the year as a ``DateRange``)."""
        facts = self.model_dump(exclude_none=True)
        if self.date_of_birth is not None:
            facts["date_of_birth"] = fact_of(self.date_of_birth)
        return facts


def _describe(error: Mapping[str, Any]) -> tuple[str, str]:
    """The field of a profile's first problem and the problem, a ``pathways`` catalog text
    (said in the reader's language by the refusal that carries it)."""
    loc = ".".join(str(p) for p in error["loc"] if not str(p).startswith("function-"))
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        return loc, Text(
            N_("unknown field; remove it or check its spelling (see docs/rule-packs.md)")
        )
    if kind in ("bool_type", "bool_parsing"):
        return loc, Text(
            N_("%(value)s is not a boolean; expected true or false"), value=repr(value)
        )
    if kind == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", ""))
        return loc, Text(
            N_("%(value)s is not allowed; expected one of %(expected)s"),
            value=repr(value),
            expected=expected,
        )
    if kind in ("list_type",):
        return loc, Text(N_("expected a list, got %(kind)s"), kind=type(value).__name__)
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return loc, Text(N_("expected an object, got %(kind)s"), kind=type(value).__name__)
    if kind == "string_type":
        return loc, Text(N_("expected a text value, got %(kind)s"), kind=type(value).__name__)
    if kind == "missing":
        return loc, Text(N_("is required here"))
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, SAYABLE):
        return loc, cause.text
    problem = pydantic_problem(error)
    if problem.startswith("Value error, ") and not isinstance(problem, Text):
        # A validator's English ValueError: its own words, without pydantic's prefix.
        return loc, problem.removeprefix("Value error, ")
    return loc, problem


def parse_profile(data: Mapping[str, Any] | Profile) -> Profile:
    """Validate a profile; the first problem raises ``ProfileError`` naming the field.

    Examples:
        >>> parse_profile({"host_country": "ARG"}).host_country
        'ARG'
        >>> try:
        ...     parse_profile({"entry": {"date": "2025-13-01"}})
        ... except ProfileError as exc:
        ...     print(exc.field)
        entry.date
    """
    if isinstance(data, Profile):
        return data
    if not isinstance(data, Mapping):
        raise ProfileError(
            N_("a profile is a JSON object, got %(kind)s"),
            field="profile",
            kind=type(data).__name__,
        )
    try:
        return Profile.model_validate(dict(data))
    except ValidationError as exc:
        loc, message = _describe(exc.errors()[0])
        raise ProfileError(N_("%(problem)s"), field=loc or "profile", problem=message) from None


def fact_value(facts: Mapping[str, Any], path: str) -> Any:
    """Read a dotted path from plain facts; None when any step is unknown.

    Examples:
        >>> fact_value({"entry": {"date": "2025-02-01"}}, "entry.date")
        '2025-02-01'
        >>> fact_value({"nationalities": [{"country": "BOL"}]}, "nationalities.0.country")
        'BOL'
    """
    node: Any = facts
    for step in path.split("."):
        if isinstance(node, Mapping):
            node = node.get(step)
        elif isinstance(node, Sequence) and not isinstance(node, str) and step.isdigit():
            index = int(step)
            node = node[index] if index < len(node) else None
        else:
            return None
        if node is None:
            return None
    return node


def _parse_scalar(kind: str, raw: str, options: Sequence[str], path: str) -> Any:
    raw = raw.strip()
    if kind == "bool":
        lowered = raw.lower()
        if lowered in ("true", "yes", "1", "si", "sí", "sim", "oui"):
            return True
        if lowered in ("false", "no", "0", "não", "nao", "non"):
            return False
        raise ProfileError(N_("'%(raw)s' is not an answer; choose yes or no"), field=path, raw=raw)
    if kind in ("date", "partial_date"):
        try:
            return parse_date(raw).isoformat() if kind == "date" else parse_partial_date(raw)
        except ValueError as exc:
            raise ProfileError(N_("%(problem)s"), field=path, problem=problem_text(exc)) from None
    if kind == "country":
        code = raw.upper()
        if code not in COUNTRIES:
            raise ProfileError(
                N_("'%(raw)s' is not a country code; choose a country from the list"),
                field=path,
                raw=raw,
            )
        return code
    if raw not in options:
        raise ProfileError(
            N_("'%(raw)s' is not one of the options: %(options)s"),
            field=path,
            raw=raw,
            options=", ".join(options),
        )
    return raw


def apply_answer(profile: Mapping[str, Any], fact: str, raw: str | Sequence[str]) -> dict[str, Any]:
    """Put a form answer for ``fact`` into a copy of ``profile``, validated.

    ``fact`` is a catalog path (``entry.date``), a list fact (``nationalities``: the values
    chosen, or yes/no for "any?" lists) or an item field (``nationalities.0.acquired``).

    Examples:
        >>> apply_answer({}, "entry.date", "2025-02-01")
        {'entry': {'date': '2025-02-01'}}
        >>> apply_answer({}, "nationalities", ["VEN"])
        {'nationalities': [{'country': 'VEN'}]}
        >>> apply_answer({}, "criminal_records", "no")
        {'criminal_records': []}
    """
    catalog = fact_catalog()
    out: dict[str, Any] = copy.deepcopy(dict(profile))
    parts = fact.split(".")
    if len(parts) == 3 and parts[1].isdigit() and parts[0] in catalog:
        info = catalog[parts[0]].items.get(parts[2])
        items = out.get(parts[0])
        index = int(parts[1])
        if info is None or not isinstance(items, list) or index >= len(items):
            raise ProfileError(N_("this question does not apply to the answers so far"), field=fact)
        value = raw if isinstance(raw, str) else (raw[0] if raw else "")
        items[index][parts[2]] = _parse_scalar(info.kind, value, list(info.options), fact)
    elif fact in catalog and catalog[fact].kind == "list":
        info = catalog[fact]
        if info.ask == "choose" and info.key:
            values = [raw] if isinstance(raw, str) else list(raw)
            sub = info.items[info.key]
            chosen = [
                _parse_scalar(sub.kind, v, list(sub.options), fact) for v in values if v.strip()
            ]
            out[fact] = [{info.key: v} for v in dict.fromkeys(chosen)]
        else:
            value = raw if isinstance(raw, str) else (raw[0] if raw else "")
            out[fact] = [{}] if _parse_scalar("bool", value, (), fact) else []
    elif fact in catalog:
        info = catalog[fact]
        value = raw if isinstance(raw, str) else (raw[0] if raw else "")
        parsed = _parse_scalar(info.kind, value, list(info.options), fact)
        node = out
        for step in parts[:-1]:
            node = node.setdefault(step, {})
        node[parts[-1]] = parsed
    else:
        raise ProfileError(N_("not a question Ruta asks; see the fact catalog"), field=fact)
    parse_profile(out)
    return out
