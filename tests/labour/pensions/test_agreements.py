"""The agreements as data: parties and dates as the reference gives them, every text in
every language, confidence copied from the reference, malformed files rejected."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ruta.i18n import LANGUAGES
from ruta.labour.pensions import AgreementDataError, agreements_between, default_catalog
from ruta.labour.pensions._agreements import DATA_DIR, load_catalog

D = dt.date

# legal.md §4.4, "Americas states applying (effective from)", HIGH (seg-social.es).
CMISS = {
    "BOL": D(2011, 5, 1),
    "ESP": D(2011, 5, 1),
    "BRA": D(2011, 5, 19),
    "ECU": D(2011, 6, 20),
    "CHL": D(2011, 9, 1),
    "URY": D(2011, 10, 1),
    "PRY": D(2011, 10, 28),
    "SLV": D(2012, 11, 17),
    "PRT": D(2014, 7, 21),
    "ARG": D(2016, 8, 1),
    "PER": D(2016, 10, 20),
    "DOM": D(2020, 7, 14),
    "COL": D(2023, 8, 1),
}


def test_parties_and_dates_are_the_references() -> None:
    catalog = default_catalog()
    mercosur, cmiss = catalog.get("mercosur"), catalog.get("iberoamerican")
    assert {p.country: p.applies_from for p in mercosur.spec.parties} == dict.fromkeys(
        ["ARG", "BRA", "PRY", "URY"], D(2005, 6, 1)
    )
    assert {p.country: p.applies_from for p in cmiss.spec.parties} == CMISS
    assert [s.country for s in cmiss.spec.not_applying] == ["CRI", "VEN"]
    assert cmiss.spec.in_force.date == D(2011, 5, 1)


def test_confidence_is_copied_from_the_reference() -> None:
    mercosur, cmiss = default_catalog().get("mercosur"), default_catalog().get("iberoamerican")
    assert mercosur.spec.in_force.citation.confidence == "MEDIUM"  # 2005, from memory
    assert {p.citation.confidence for p in mercosur.spec.parties} == {"MEDIUM"}
    rules = mercosur.spec.rules
    assert (rules.minimum_period.months, rules.minimum_period.citation.confidence) == (12, "HIGH")
    assert rules.minimum_period.citation.article == "art. 7.2"
    assert rules.totalization.citation.confidence == "MEDIUM"  # wording from memory
    assert (
        rules.pro_rata.citation.confidence == "MEDIUM" and rules.pro_rata.citation.article is None
    )
    assert rules.independent.citation.confidence == "UNCERTAIN"
    assert rules.pre_agreement.citation.article == "art. 8"
    assert {p.citation.confidence for p in cmiss.spec.parties} == {"HIGH"}
    assert cmiss.spec.rules.minimum_period.citation.confidence == "UNCERTAIN"  # open item 13
    assert cmiss.spec.rules.pro_rata.citation.article == "art. 13.1 b)"
    assert cmiss.spec.rules.independent.citation.article == "art. 13.1 a)"
    assert {s.citation.confidence for s in cmiss.spec.not_applying} == {"MEDIUM"}
    conventions = default_catalog().conventions
    assert conventions.overlap.citation.confidence == "UNCERTAIN"
    assert conventions.months.citation.confidence == "UNCERTAIN"


def _texts(value):
    if isinstance(value, dict):
        if set(value) == set(LANGUAGES):
            yield value
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def test_every_text_exists_in_every_language() -> None:
    catalog = default_catalog()
    texts = [t for a in catalog.agreements for t in _texts(a.spec.model_dump())]
    texts += list(_texts(catalog.conventions.model_dump()))
    assert len(texts) >= 16
    assert all(all(t[lang].strip() for lang in LANGUAGES) for t in texts)


@pytest.mark.parametrize(
    ("first", "second", "on", "expected"),
    [
        ("ARG", "URY", D(2005, 5, 31), []),
        ("ARG", "URY", D(2005, 6, 1), ["mercosur"]),
        ("ARG", "URY", D(2016, 7, 31), ["mercosur"]),
        ("ARG", "URY", D(2016, 8, 1), ["mercosur", "iberoamerican"]),
        ("COL", "PER", D(2023, 7, 31), []),
        ("COL", "PER", D(2023, 8, 1), ["iberoamerican"]),
        ("ESP", "BOL", D(2011, 5, 1), ["iberoamerican"]),
        ("MEX", "ARG", D(2026, 1, 1), []),
        ("CRI", "ESP", D(2026, 1, 1), []),
    ],
)
def test_which_agreement_applies_between_two_states_on_a_date(first, second, on, expected) -> None:
    assert [a.id for a in agreements_between(first, second, on)] == expected
    assert [a.id for a in agreements_between(second, first, on)] == expected


def _copy(tmp_path: Path) -> tuple[Path, Path]:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target / "agreements", target / "conventions.yaml"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("months: 12", "months: twelve", "rules.minimum_period.months"),
        (
            "  - {country: BRA, applies_from: 2005-06-01, citation: *party}",
            "  - {country: BRA, applies_from: 2004-06-01, citation: *party}",
            "applies_from is before the entry into force",
        ),
        (
            "  - {country: URY, applies_from: 2005-06-01, citation: *party}",
            "  - {country: ARG, applies_from: 2005-06-01, citation: *party}",
            "repeated: ARG",
        ),
        ("      confidence: HIGH", "      confidence: CERTAIN", "confidence"),
        ("  fr: Accord multilatéral de sécurité sociale du MERCOSUR\n", "", "missing or empty: fr"),
        ("rules:", "rulez:", "rulez: Extra inputs are not permitted"),
    ],
)
def test_malformed_agreement_files_are_rejected(tmp_path: Path, old, new, message) -> None:
    agreements, conventions = _copy(tmp_path)
    path = agreements / "mercosur.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(AgreementDataError, match=message) as caught:
        load_catalog(agreements, conventions)
    assert "mercosur.yaml" in str(caught.value)


def test_tie_order_must_name_every_agreement(tmp_path: Path) -> None:
    agreements, conventions = _copy(tmp_path)
    conventions.write_text(
        conventions.read_text(encoding="utf-8").replace(
            "tie_order: [mercosur, iberoamerican]", "tie_order: [mercosur]"
        ),
        encoding="utf-8",
    )
    with pytest.raises(AgreementDataError, match="tie_order must list each agreement"):
        load_catalog(agreements, conventions)
