"""The schema of rule-pack files (YAML), validated with pydantic.

A pack file holds *templates* (a treaty's pathway written once) and *pathways* (a host
state's pathway: a template plus its parameters, or a pathway written in full). See
``docs/rule-packs.md`` for the reference with examples.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from ruta.i18n import LANGUAGES, N_, ReviewStatus, language_of, translator
from ruta.pathways._errors import BadValue

__all__ = [
    "CONFIDENCE_RANK",
    "CitationSpec",
    "ConditionSpec",
    "DeadlineSpec",
    "DocumentSpec",
    "FeeSpec",
    "GrantsSpec",
    "PackFile",
    "ParamStep",
    "PathwaySpec",
    "TemplateSpec",
    "TestCaseFile",
    "TestCaseSpec",
    "Text",
    "TransitionSpec",
    "WindowSpec",
    "confidence_label",
    "names_in_place",
]

Confidence = Literal["HIGH", "MEDIUM", "UNCERTAIN"]
#: Confidence from the surest (0) to the least sure: what rests on several citations takes
#: the least sure of them.
CONFIDENCE_RANK: dict[str, int] = {"HIGH": 0, "MEDIUM": 1, "UNCERTAIN": 2}
#: Each level as a reader sees it; JSON, CSV and the packs keep the English codes.
_CONFIDENCE_LABELS: dict[str, str] = {
    "HIGH": N_("HIGH"),
    "MEDIUM": N_("MEDIUM"),
    "UNCERTAIN": N_("UNCERTAIN"),
}


def confidence_label(level: str, lang: str) -> str:
    """A confidence level said in ``lang`` (a code Ruta does not know is shown as it is).

    Examples:
        >>> confidence_label("UNCERTAIN", "es"), confidence_label("MEDIUM", "en")
        ('INCIERTO', 'MEDIUM')
    """
    if level not in _CONFIDENCE_LABELS:
        return level
    return translator(lang, "pathways").gettext(_CONFIDENCE_LABELS[level])


PATHWAY_ID = re.compile(r"^[a-z]{3}\.[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _TextBase(_Strict):
    def get(self, lang: str) -> str:
        """The text in ``lang`` or the language of its BCP 47 tag (English when not served)."""
        texts = self.__dict__
        value = texts.get(lang)
        return str(value if value is not None else texts[language_of(lang) or "en"])


_TEXT_DOC = """A text in every language of :data:`ruta.i18n.LANGUAGES`, none missing or empty.

Its fields are the language codes, so a pack that lacks a language fails to load with the
field (``title.ht``) named.
"""

if TYPE_CHECKING:

    class Text(_TextBase):
        __doc__ = _TEXT_DOC

else:
    # One field per supported language, from the one list: adding a language to
    # locales/languages.txt makes every pack text require it.
    Text = create_model(
        "Text",
        __base__=_TextBase,
        __module__=__name__,
        __doc__=_TEXT_DOC,
        **{lang: (Annotated[str, Field(min_length=1)], ...) for lang in LANGUAGES},
    )


def names_in_place(instrument: str, article: str) -> bool:
    """Whether ``instrument`` names ``article`` after one of its instruments (``X, art. 5;``).

    Examples:
        >>> names_in_place("Ley 18.250, art. 33 lit. B (texto); Decreto 45/023", "art. 33 lit. B")
        True
        >>> names_in_place("Acuerdo, art. 23; Ley", "art. 2")
        False
    """
    return re.search(rf",\s*{re.escape(article)}(?=$|[;\s(])", instrument) is not None


class CitationSpec(_Strict):
    """Where a rule comes from, and how sure the reference is of it."""

    instrument: Annotated[str, Field(min_length=1)]
    article: str | None = None
    source: str | None = None
    confidence: Confidence = "HIGH"
    note: str | None = None

    def __str__(self) -> str:
        """The instrument and its article: an article that the instrument already names in
        place (``Ley 25.871, art. 23 inc. l); Decreto 616/2010``) is not appended again,
        where it would read as an article of the last instrument.

        Examples:
            >>> str(CitationSpec(instrument="Acuerdo de Residencia", article="art. 4"))
            'Acuerdo de Residencia, art. 4'
            >>> str(CitationSpec(instrument="Acuerdo, art. 5; DNU 366/2025", article="art. 5"))
            'Acuerdo, art. 5; DNU 366/2025'
        """
        if not self.article or names_in_place(self.instrument, self.article):
            return self.instrument
        return f"{self.instrument}, {self.article}"


class ConditionSpec(_Strict):
    """One condition of a pathway: its test, plain explanation and citation."""

    id: Annotated[str, Field(pattern=SLUG.pattern)]
    text: Text
    citation: CitationSpec
    test: Any
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    discretionary: bool = False


class DocumentSpec(_Strict):
    """A required document (any of the alternatives), with its validity rules."""

    id: Annotated[str, Field(pattern=SLUG.pattern)]
    any_of: Annotated[list[str], Field(min_length=1)]
    when: Any = None
    valid_for_months: int | None = Field(default=None, ge=0)
    issued_within_months: int | None = Field(default=None, ge=1)
    expired_accepted_years: int | None = Field(default=None, ge=0)
    note: Text | None = None
    citation: CitationSpec


class FeeSpec(_Strict):
    """A fee with its currency and who is exempt."""

    id: Annotated[str, Field(pattern=SLUG.pattern)]
    amount: Decimal = Field(ge=0)
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    text: Text
    exempt_when: Any = None
    exemption: Text | None = None
    citation: CitationSpec


class WindowSpec(_Strict):
    """When applications may be filed; either end may be open."""

    opens: dt.date | None = None
    closes: dt.date | None = None
    citation: CitationSpec | None = None

    @model_validator(mode="after")
    def _ordered(self) -> WindowSpec:
        if self.opens and self.closes and self.closes < self.opens:
            raise BadValue(N_("window closes before it opens"))
        return self


class GrantsSpec(_Strict):
    """The status a pathway grants."""

    status: Literal["temporary", "permanent", "humanitarian", "protection"]
    duration_months: int | None = Field(default=None, ge=1)
    valid_until: dt.date | None = None
    rights: list[str] = Field(default_factory=list)
    note: Text | None = None


class TransitionSpec(_Strict):
    """A later pathway this one leads to (temporary -> permanent)."""

    to: Annotated[str, Field(pattern=PATHWAY_ID.pattern)]
    text: Text


class DeadlineSpec(_Strict):
    """A date the person must act by; ``date`` is a term (may read the profile)."""

    id: Annotated[str, Field(pattern=SLUG.pattern)]
    text: Text
    date: Any


class ParamStep(_Strict):
    """A parameter value in force from a date (until the next step)."""

    from_: dt.date | None = Field(default=None, alias="from")
    value: Any
    citation: CitationSpec | None = None


class _PathwayBody(_Strict):
    title: Text | None = None
    summary: Text | None = None
    instrument: CitationSpec | None = None
    grants: GrantsSpec | None = None
    window: WindowSpec | None = None
    conditions: list[ConditionSpec] = Field(default_factory=list)
    documents: list[DocumentSpec] = Field(default_factory=list)
    fees: list[FeeSpec] = Field(default_factory=list)
    transitions: list[TransitionSpec] = Field(default_factory=list)
    deadlines: list[DeadlineSpec] = Field(default_factory=list)
    next_steps: Text | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)

    @field_validator("conditions", "documents", "fees", "deadlines")
    @classmethod
    def _unique_ids(cls, items: list[Any]) -> list[Any]:
        ids = [item.id for item in items]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise BadValue(N_("ids must be unique, repeated: %(ids)s"), ids=", ".join(dupes))
        return items


class TemplateSpec(_PathwayBody):
    """A treaty pathway written once; pathways specialise it by parameters."""


class PathwaySpec(_PathwayBody):
    """A host state's pathway: a template with parameters, or a pathway in full.

    ``drop_conditions`` / ``drop_documents`` remove template entries that the host does not
    apply; ``conditions`` / ``documents`` / ``fees`` add to (or replace by id) the template's.
    """

    id: Annotated[str, Field(pattern=PATHWAY_ID.pattern)]
    host_country: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    template: str | None = None
    drop_conditions: list[str] = Field(default_factory=list)
    drop_documents: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _prefix_matches_host(self) -> PathwaySpec:
        if self.id.split(".", 1)[0] != self.host_country.lower():
            raise BadValue(
                N_(
                    "pathway id '%(pathway)s' must start with the host country in lower case "
                    "('%(prefix)s.')"
                ),
                pathway=self.id,
                prefix=self.host_country.lower(),
            )
        return self


class PackFile(_Strict):
    """One rule-pack file."""

    pack: Annotated[str, Field(pattern=SLUG.pattern)]
    version: Annotated[str, Field(min_length=1)]
    title: Text
    templates: dict[str, TemplateSpec] = Field(default_factory=dict)
    pathways: list[PathwaySpec] = Field(default_factory=list)
    #: Languages whose texts no native speaker has reviewed yet (``{ht: unreviewed}``).
    review: dict[str, ReviewStatus] = Field(default_factory=dict)

    @field_validator("review")
    @classmethod
    def _review_languages(cls, review: dict[str, ReviewStatus]) -> dict[str, ReviewStatus]:
        # As ruta.i18n.review_languages, but a pathways catalog text: a pack's problems are
        # said in the author's language (ruta pathways ... --lang).
        unknown = sorted(set(review) - set(LANGUAGES))
        if unknown:
            raise BadValue(
                N_("review names %(unknown)s; expected languages of %(languages)s"),
                unknown=", ".join(unknown),
                languages=", ".join(LANGUAGES),
            )
        return review


class TestCaseSpec(_Strict):
    """A scenario a legal officer can read: input profile, date, expected statuses."""

    name: Annotated[str, Field(min_length=1)]
    as_of: dt.date
    profile: dict[str, Any]
    expect: dict[str, Literal["eligible", "ineligible", "undetermined"]]
    failed: dict[str, list[str]] = Field(default_factory=dict)
    opens_on: dict[str, dt.date] = Field(default_factory=dict)


class TestCaseFile(_Strict):
    """A file of test cases for one or more pathways."""

    tests: Annotated[list[TestCaseSpec], Field(min_length=1)]
