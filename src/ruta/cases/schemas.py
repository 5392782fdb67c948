"""Input shapes of the casework actions (also the API's request bodies).

Pydantic validates them, so a malformed field is reported with its dotted path; the
actions accept these models, never loose dicts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ruta.cases.errors import CasesError, InvalidValueError
from ruta.i18n import (
    LANGUAGES,
    N_,
    UnsupportedLanguage,
    expected_languages,
    require_language,
)
from ruta.partial_dates import parse_partial_date, partial_bounds

__all__ = [
    "ApplicantIn",
    "ApplicationCreate",
    "BirthDateIn",
    "HouseholdMemberIn",
    "IdentityDocumentIn",
    "StrictInput",
    "nul_path",
    "parse_model",
]

M = TypeVar("M", bound=BaseModel)

_Alpha3 = Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code, e.g. VEN.")
_Name = Field(min_length=1, max_length=200)


def nul_path(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string holding a NUL character, if any.

    PostgreSQL cannot store NUL in text or JSONB, so such input is refused up front.

    Examples:
        >>> nul_path({"a": [{"b": "x" + chr(0)}]})
        'a.0.b'
        >>> nul_path({"a": "fine"}) is None
        True
    """
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return f"{path}.{key}".strip(".")
        found = nul_path(item, f"{path}.{key}".strip("."))
        if found:
            return found
    return None


class StrictInput(BaseModel):
    """Base of every request body: unknown fields refused, whitespace stripped, no NUL."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        where = nul_path(data)
        if where:
            raise InvalidValueError(N_("%(path)s contains a NUL character; remove it"), path=where)
        return data


def _language(tag: str) -> str:
    # Stored as the supported language itself, so that whoever reads the profile later
    # (letters, the permit card) needs no tag parsing.
    try:
        return require_language(tag)
    except UnsupportedLanguage as exc:
        # Raised again without its field (pydantic's location names the item), so that the
        # English stays "Value error, got ..."; still the i18n catalog refusal (a ValueError),
        # which the API says in the reader's language.
        raise UnsupportedLanguage(exc.message) from None


LanguageTag = Annotated[
    str,
    Field(
        max_length=35,
        description=f"A BCP 47 language tag: {expected_languages()}, or one with a region "
        "(pt-BR, es-419, ht-HT), stored as its language.",
        examples=["pt-BR"],
    ),
    AfterValidator(_language),
]


def _birth_date(value: Any) -> str:
    """A birth date to the day, the month or the year, none of whose days is still to come."""
    text = parse_partial_date(value)
    if partial_bounds(text)[0] > datetime.now(UTC).date():
        raise InvalidValueError(
            N_(
                "a date of birth cannot be in the future; use YYYY-MM-DD, or YYYY-MM or YYYY "
                "when only the month or the year is known"
            )
        )
    return text


#: ``date_of_birth`` in applications: ``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY`` when only the
#: month or the year is known (ISO 8601 reduced precision, as UNHCR and registries record it).
BirthDateIn = Annotated[
    str,
    Field(
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description=(
            "Date of birth: YYYY-MM-DD, or YYYY-MM or YYYY when only the month or the year "
            "is known."
        ),
        examples=["1990-05-17", "1990-05", "1990"],
    ),
    # Listed after the Field so that the JSON schema (OpenAPI) keeps the pattern.
    BeforeValidator(_birth_date),
]


class IdentityDocumentIn(StrictInput):
    """The identity document the applicant holds (valid or expired)."""

    type: str = Field(min_length=1, max_length=40, examples=["passport"])
    number: str = Field(min_length=1, max_length=60)


class ApplicantIn(StrictInput):
    """Who applies: identity, contact and languages."""

    given_names: str = _Name
    surname_1: str = _Name
    surname_2: str | None = Field(None, max_length=200)
    date_of_birth: BirthDateIn
    sex: Literal["F", "M", "X"]
    nationality: str = _Alpha3
    document: IdentityDocumentIn
    email: str | None = Field(None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    phone: str | None = Field(None, max_length=40)
    languages: list[LanguageTag] = Field(default_factory=list, max_length=len(LANGUAGES))

    @field_validator("languages")
    @classmethod
    def _each_language_once(cls, languages: list[str]) -> list[str]:
        return list(dict.fromkeys(languages))


class HouseholdMemberIn(StrictInput):
    """A dependant; a minor names their guardian (``applicant`` or a member's name)."""

    given_names: str = _Name
    surname_1: str = _Name
    surname_2: str | None = Field(None, max_length=200)
    date_of_birth: BirthDateIn
    relationship: Literal["spouse", "partner", "child", "parent", "sibling", "other"]
    nationality: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    guardian: str | None = Field(None, max_length=200)


class ApplicationCreate(StrictInput):
    """A submission: the pathway, the finder profile, the applicant and the household."""

    pathway: str = Field(min_length=3, max_length=80, examples=["col.ppt"])
    profile: dict[str, Any]
    applicant: ApplicantIn
    household: list[HouseholdMemberIn] = Field(default_factory=list, max_length=30)
    office: str | None = Field(None, max_length=40)


def parse_model(model: type[M], data: Any) -> M:
    """Validate ``data`` into ``model``, turning the first error into a :class:`CasesError`.

    Examples:
        >>> parse_model(IdentityDocumentIn, {"type": "passport"})
        Traceback (most recent call last):
        ...
        ruta.cases.errors.CasesError: number: Field required
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise CasesError(err["msg"], field=field) from None
