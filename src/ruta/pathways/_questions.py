"""Questions that ask for a missing fact, in the person's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ruta.i18n import translator
from ruta.pathways._facts import (
    COUNTRIES,
    FactInfo,
    country_in,
    country_name,
    fact_catalog,
    nationality_adjective,
    vocabulary,
)
from ruta.pathways._profile import fact_value

__all__ = ["Question", "generic_fact", "question_for"]

Kind = Literal["bool", "date", "partial_date", "country", "countries", "enum", "multi"]


def _yes_no(lang: str) -> list[tuple[str, str]]:
    _ = translator(lang, "pathways").gettext
    return [("true", _("Yes")), ("false", _("No"))]


class Question(BaseModel):
    """One question of the guided finder."""

    model_config = ConfigDict(frozen=True)

    fact: str
    text: str
    kind: Kind
    options: list[tuple[str, str]]
    proves_with: list[str]


def generic_fact(path: str) -> str:
    """The catalog path of a fact, without list indexes.

    Examples:
        >>> generic_fact("nationalities.0.acquired")
        'nationalities.acquired'
    """
    return ".".join(p for p in path.split(".") if not p.isdigit())


def _info(path: str) -> tuple[FactInfo, FactInfo | None]:
    catalog = fact_catalog()
    parts = path.split(".")
    if len(parts) >= 2 and parts[0] in catalog and catalog[parts[0]].kind == "list":
        parent = catalog[parts[0]]
        field = parts[-1]
        if len(parts) == 3 and field in parent.items:
            return parent.items[field], parent
        if len(parts) == 2 and field in parent.items:
            return parent.items[field], parent
        return parent, None
    return catalog[path], None


def _options(info: FactInfo, lang: str) -> list[tuple[str, str]]:
    if info.kind == "country":
        names = [(code, country_name(code, lang)) for code in COUNTRIES]
        return sorted(names, key=lambda pair: pair[1])
    return [(code, text.get(lang)) for code, text in info.options.items()]


def question_for(path: str, facts: Mapping[str, Any], lang: str) -> Question:
    """The question that asks for ``path`` (indexed item paths name the item in the text).

    Examples:
        >>> question_for("nationalities.0.acquired", {"nationalities": [{"country": "VEN"}]},
        ...              "en").text
        'How did you acquire your Venezuelan nationality?'
    """
    info, parent = _info(path)
    docs = vocabulary().documents
    proves = [
        docs[d].get(lang) for d in (info.proves_with or (parent.proves_with if parent else ()))
    ]
    if parent is None and info.kind == "list":
        question = info.question.get(lang) if info.question else path
        if info.ask == "choose" and info.key:
            key = info.items[info.key]
            kind: Kind = "countries" if key.kind == "country" else "multi"
            return Question(
                fact=path, text=question, kind=kind, options=_options(key, lang), proves_with=proves
            )
        return Question(
            fact=path, text=question, kind="bool", options=_yes_no(lang), proves_with=proves
        )
    text = info.question.get(lang) if info.question else path
    parts = path.split(".")
    if parent is not None and len(parts) == 3:
        item = fact_value(facts, ".".join(parts[:2])) or {}
        country = str(item.get("country") or "")
        kind_code = str(item.get("type") or "")
        known = country in COUNTRIES
        # A country stands in a sentence with its preposition, article or adjective in each
        # language ("morou no Brasil", "la nacionalidad boliviana"), not as a bare name.
        text = (
            text.replace("{country}", country_name(country, lang) if known else "")
            .replace("{in_country}", country_in(country, lang) if known else "")
            .replace("{nationality}", nationality_adjective(country, lang) if known else "")
        )
        label = docs[kind_code].get(lang) if kind_code in docs else ""
        text = text.replace("{type}", label)
    options = _yes_no(lang) if info.kind == "bool" else _options(info, lang)
    return Question(
        fact=path,
        text=text,
        kind=info.kind,  # type: ignore[arg-type]  # bool|date|partial_date|country|enum
        options=options,
        proves_with=proves,
    )
