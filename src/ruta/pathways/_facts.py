"""The catalog of facts a profile may state, and the shared vocabulary of the packs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Final

import yaml

from ruta.i18n import REVIEW_KEY, format_list, language_of, territory_names
from ruta.pathways._schema import Text

__all__ = [
    "COUNTRIES",
    "FactInfo",
    "Vocabulary",
    "countries_in",
    "country_in",
    "country_name",
    "fact_catalog",
    "nationality_adjective",
    "vocabulary",
]

KINDS = ("bool", "date", "partial_date", "country", "enum", "list")


@dataclass(frozen=True, slots=True)
class FactInfo:
    """One fact: its kind, question, answer options and the documents that prove it."""

    path: str
    kind: str
    question: Text | None = None
    options: Mapping[str, Text] = field(default_factory=dict)
    proves_with: tuple[str, ...] = ()
    items: Mapping[str, FactInfo] = field(default_factory=dict)
    ask: str | None = None
    key: str | None = None
    #: When the finder asks it: 1 first (where and who), 2 (default), 3 last (a record).
    stage: int = 2


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Codes packs may use, with labels in every language."""

    documents: Mapping[str, Text]
    permit_types: Mapping[str, Text]
    registration_programs: Mapping[str, Text]
    rights: Mapping[str, Text]
    statuses: Mapping[str, Text]

    def section(self, name: str) -> Mapping[str, Text]:
        """A section by name (``documents``, ``rights`` ...)."""
        value: Mapping[str, Text] = getattr(self, name)
        return value


def _data(name: str) -> Any:
    text = resources.files("ruta.pathways").joinpath("data", name).read_text(encoding="utf-8")
    # libyaml's parser when available (the facts and vocabulary load with every check).
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


@cache
def _countries() -> dict[str, str]:
    return {str(k): str(v) for k, v in _data("countries.yaml").items()}


COUNTRIES: Mapping[str, str] = _countries()


def country_name(code: str, lang: str) -> str:
    """The name of an ISO 3166-1 alpha-3 country in ``lang``.

    Examples:
        >>> country_name("BRA", "pt"), country_name("PER", "fr")
        ('Brasil', 'Pérou')
    """
    alpha2 = COUNTRIES.get(code)
    if alpha2 is None:
        return code
    return territory_names(language_of(lang) or "en").get(alpha2, code)


#: A country not listed in country_forms.yaml for a language: its name after the language's
#: usual preposition (every language Ruta speaks, as the data file's header says).
_FALLBACK: Final[Mapping[str, Mapping[str, str]]] = {
    "in": {
        "es": "en {name}",
        "pt": "em {name}",
        "fr": "en {name}",
        "en": "in {name}",
        "ht": "nan {name}",
    },
    "adj": {
        "es": "de {name}",
        "pt": "de {name}",
        "fr": "de {name}",
        "en": "{name}",
        "ht": "{name}",
    },
}


@cache
def _country_forms() -> dict[str, dict[str, dict[str, str]]]:
    raw = _data("country_forms.yaml")
    return {
        str(form): {
            str(lang): {str(c): str(t) for c, t in by_code.items()}
            for lang, by_code in langs.items()
        }
        for form, langs in raw.items()
    }


def _country_form(form: str, code: str, lang: str) -> str:
    lang = language_of(lang) or "en"
    known = _country_forms().get(form, {}).get(lang, {}).get(code)
    if known is not None:
        return known
    return _FALLBACK[form][lang].format(name=country_name(code, lang))


def country_in(code: str, lang: str) -> str:
    """Where: a country's name after "live", "apply", "be" in ``lang``, with its preposition
    and article ("no Brasil", "au Brésil", "en Colombia", "in the United States").

    Examples:
        >>> country_in("BRA", "pt"), country_in("BRA", "fr"), country_in("COL", "es")
        ('no Brasil', 'au Brésil', 'en Colombia')
        >>> country_in("USA", "en"), country_in("DEU", "es")
        ('in the United States', 'en Alemania')
    """
    return _country_form("in", code, lang)


#: Languages whose sentences say the preposition once before a list of plain names ("in
#: Chile and Peru"), as the English messages always have, rather than each country's form.
_PREPOSITION_ONCE: Final[Mapping[str, str]] = {"en": "in {names}"}


def countries_in(codes: Sequence[str], lang: str) -> str:
    """Where, for one country or several: each country's :func:`country_in` form joined by
    the language's list pattern ("au Chili et au Pérou", "no Chile e no Peru"), so that every
    name keeps its own preposition and article. Spanish repeats "en" too ("en Chile y en
    Perú"): dropping it reads well only when no name takes an article ("en la República
    Dominicana y los Estados Unidos" would not). English keeps the preposition once before
    the plain names ("in Chile and Peru"), as its sentences always have.

    Examples:
        >>> countries_in(["CHL", "PER"], "fr"), countries_in(["CHL", "PER"], "pt")
        ('au Chili et au Pérou', 'no Chile e no Peru')
        >>> countries_in(["CHL", "PER"], "es"), countries_in(["CHL", "PER"], "en")
        ('en Chile y en Perú', 'in Chile and Peru')
        >>> countries_in(["BRA"], "pt"), countries_in(["CHL", "PER"], "ht")
        ('no Brasil', 'nan Chili ak nan Pewou')
    """
    code = language_of(lang) or "en"
    once = _PREPOSITION_ONCE.get(code)
    if once is not None:
        return once.format(names=format_list([country_name(c, code) for c in codes], code))
    return format_list([country_in(c, code) for c in codes], code)


def nationality_adjective(code: str, lang: str) -> str:
    """A nationality after the word for nationality in ``lang`` (feminine where the noun is):
    "la nacionalidad boliviana", "a nacionalidade brasileira", "your Venezuelan nationality";
    a country without a listed adjective is named ("la nacionalidad de Alemania").

    Examples:
        >>> nationality_adjective("BOL", "es"), nationality_adjective("BRA", "pt-BR")
        ('boliviana', 'brasileira')
        >>> nationality_adjective("VEN", "en"), nationality_adjective("DEU", "es")
        ('Venezuelan', 'de Alemania')
    """
    return _country_form("adj", code, lang)


def _text(raw: Any) -> Text:
    return Text.model_validate(raw)


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary shipped with the packs."""
    raw = _data("vocabulary.yaml")
    sections = {name: value for name, value in raw.items() if name != REVIEW_KEY}
    return Vocabulary(
        **{name: {str(k): _text(v) for k, v in items.items()} for name, items in sections.items()}
    )


def _fact(path: str, raw: Mapping[str, Any], vocab: Vocabulary) -> FactInfo:
    kind = raw["kind"]
    if kind not in KINDS:
        raise ValueError(f"fact {path}: unknown kind {kind}")
    options: Mapping[str, Text] = {}
    if "options" in raw:
        options = {str(k): _text(v) for k, v in raw["options"].items()}
    elif "options_from" in raw:
        options = vocab.section(raw["options_from"])
    items = {
        name: _fact(f"{path}.{name}", sub, vocab) for name, sub in (raw.get("items") or {}).items()
    }
    return FactInfo(
        path=path,
        kind=kind,
        question=_text(raw["question"]) if "question" in raw else None,
        options=options,
        proves_with=tuple(raw.get("proves_with") or ()),
        items=items,
        ask=raw.get("ask"),
        key=raw.get("key"),
        stage=_stage(path, raw.get("stage", 2)),
    )


def _stage(path: str, value: Any) -> int:
    if value not in (1, 2, 3):
        raise ValueError(f"fact {path}: stage must be 1, 2 or 3 (got {value!r})")
    return int(value)


@cache
def fact_catalog() -> Mapping[str, FactInfo]:
    """Every fact a profile may state, by dotted path."""
    vocab = vocabulary()
    facts = {str(path): raw for path, raw in _data("facts.yaml").items() if path != REVIEW_KEY}
    return {path: _fact(path, raw, vocab) for path, raw in facts.items()}
