"""The schema of the agreement, conventions and national-parameters files (YAML).

Validated with pydantic, read with YAML's safe loader: an agreement file received from
another state cannot run code. Unknown keys are errors, so a misspelt key never passes.
Texts must exist in every language of :data:`ruta.i18n.LANGUAGES` (the list is read, not
copied, so a new language makes every file without it fail until it is translated).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator, model_validator

from ruta.i18n import LANGUAGES, ReviewStatus, language_of, review_languages
from ruta.pathways import CONFIDENCE_RANK, CitationSpec

__all__ = [
    "CONFIDENCE_RANK",
    "Accrual",
    "AgreementFile",
    "Citation",
    "Confidence",
    "ConventionsFile",
    "InForce",
    "MinimumPeriodRule",
    "ParametersFile",
    "Party",
    "PreAgreementRule",
    "ReferenceWage",
    "Rule",
    "Rules",
    "Signatory",
    "StateParameters",
    "Text",
]

Confidence = Literal["HIGH", "MEDIUM", "UNCERTAIN"]  # the values of CitationSpec.confidence
COUNTRY = r"^[A-Z]{3}$"
SLUG = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _Reviewed(_Strict):
    """A file that may mark languages no native speaker has reviewed (``review: {ht: unreviewed}``,
    the convention of :func:`ruta.i18n.unreviewed_languages`)."""

    review: dict[str, ReviewStatus] = Field(default_factory=dict)

    _review_languages = field_validator("review")(review_languages)


class Text(RootModel[dict[str, str]]):
    """A text in every supported language; none may be missing or empty."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="after")
    def _every_language(self) -> Text:
        missing = [lang for lang in LANGUAGES if not self.root.get(lang, "").strip()]
        extra = sorted(set(self.root) - set(LANGUAGES))
        if missing or extra:
            raise ValueError(
                f"a text needs exactly the languages {', '.join(LANGUAGES)}"
                + (f"; missing or empty: {', '.join(missing)}" if missing else "")
                + (f"; not supported: {', '.join(extra)}" if extra else "")
            )
        return self

    def get(self, lang: str) -> str:
        """The text in ``lang`` (a BCP 47 tag falls back to its language; English otherwise)."""
        return self.root[language_of(lang) or "en"]


#: A citation reads exactly as in the rule packs (docs/rule-packs.md §4): one model for both.
Citation = CitationSpec


class Rule(_Strict):
    """One rule of an agreement: its plain-language statement and citation."""

    text: Text
    citation: Citation


class MinimumPeriodRule(Rule):
    """Below this many months in a state, that state is not bound to pay a benefit."""

    months: int = Field(ge=1)


class PreAgreementRule(Rule):
    """Whether periods from before the agreement applied count (``always``), or only when
    the worker also has periods after its entry into force (``if_later_periods``)."""

    counts: Literal["always", "if_later_periods"]


class Rules(_Strict):
    """The rules Ruta applies, each cited."""

    totalization: Rule
    minimum_period: MinimumPeriodRule
    pre_agreement: PreAgreementRule
    pro_rata: Rule
    independent: Rule
    third_country: Rule | None = None
    precedence: Rule | None = None


class Party(_Strict):
    """A state that applies the agreement, and the date it applies it from."""

    country: Annotated[str, Field(pattern=COUNTRY)]
    applies_from: dt.date
    citation: Citation


class Signatory(_Strict):
    """A state that signed the agreement but does not apply it."""

    country: Annotated[str, Field(pattern=COUNTRY)]
    citation: Citation


class InForce(_Strict):
    """The date the agreement entered into force, with its citation."""

    date: dt.date
    citation: Citation


class AgreementFile(_Reviewed):
    """One agreement: parties with their dates, and its rules."""

    agreement: Annotated[str, Field(pattern=SLUG.pattern)]
    version: Annotated[str, Field(min_length=1)]
    title: Text
    instrument: Citation
    signed: dt.date
    in_force: InForce
    parties: Annotated[list[Party], Field(min_length=2)]
    not_applying: list[Signatory] = Field(default_factory=list)
    rules: Rules

    @model_validator(mode="after")
    def _consistent(self) -> AgreementFile:
        countries = [p.country for p in self.parties] + [s.country for s in self.not_applying]
        repeated = sorted({c for c in countries if countries.count(c) > 1})
        if repeated:
            raise ValueError(f"each state may be listed once; repeated: {', '.join(repeated)}")
        early = [p.country for p in self.parties if p.applies_from < self.in_force.date]
        if early:
            raise ValueError(
                f"applies_from is before the entry into force ({self.in_force.date}) for "
                f"{', '.join(early)}; a state cannot apply an agreement that is not in force"
            )
        if self.in_force.date < self.signed:
            raise ValueError("in_force.date is before the signature date")
        return self


class CountingRule(Rule):
    """How days are turned into months where the agreements' texts were not verified."""

    days_per_month: int = Field(ge=28, le=31)


class ConventionsFile(_Reviewed):
    """Ruta's own counting rules, each cited and flagged where the law was not verified."""

    version: Annotated[str, Field(min_length=1)]
    tie_order: Annotated[list[str], Field(min_length=1)]
    months: CountingRule
    overlap: Rule


class Accrual(_Strict):
    """Percent of the reference wage: ``base + per_year × (years − base_years)``, capped."""

    base_percent: Decimal = Field(ge=0, le=100)
    base_years: Decimal = Field(default=Decimal(0), ge=0)
    percent_per_year: Decimal = Field(ge=0, le=100)
    max_percent: Decimal = Field(gt=0, le=200)

    @model_validator(mode="after")
    def _cap_above_base(self) -> Accrual:
        if self.max_percent < self.base_percent:
            raise ValueError("max_percent is below base_percent")
        return self


class ReferenceWage(_Strict):
    """Which wages the benefit is computed on: the whole career or its last N years."""

    rule: Literal["career", "last_years"]
    years: int | None = Field(default=None, ge=1, le=60)

    @model_validator(mode="after")
    def _years_with_last_years(self) -> ReferenceWage:
        if (self.rule == "last_years") != (self.years is not None):
            raise ValueError("give 'years' with rule 'last_years', and only then")
        return self


class StateParameters(_Strict):
    """One state's benefit parameters."""

    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    minimum_years: Decimal = Field(ge=0, le=60)
    accrual: Accrual
    reference_wage: ReferenceWage
    citation: Citation


class ParametersFile(_Reviewed):
    """National benefit parameters per state; ``illustrative`` files are labelled so."""

    illustrative: bool
    title: Text
    states: dict[str, StateParameters]

    @field_validator("states")
    @classmethod
    def _alpha3(cls, states: dict[str, StateParameters]) -> dict[str, StateParameters]:
        bad = sorted(code for code in states if not re.match(COUNTRY, code))
        if bad:
            raise ValueError(f"states are ISO 3166-1 alpha-3 codes such as ARG; got {bad}")
        return states
