"""Refused partial dates are pathways catalog texts (``PartialDateError``, a ValueError):
English as before in ``str()``, said whole in the reader's language by the pathways
refusal that carries them on; every raise site of ruta.partial_dates passes a catalog
message."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.catalog_scan import raise_sites, wrong_sites

import ruta.partial_dates
from ruta.i18n import LANGUAGES, Text, read_catalog
from ruta.partial_dates import PartialDateError, join_partial, parse_partial_date
from ruta.pathways import ProfileError, apply_answer, parse_profile

_EXPECTED = (
    "expected YYYY-MM-DD, or YYYY-MM or YYYY when only the month or the year is known, "
    "e.g. 1990-05-17"
)


def test_every_refusal_of_a_partial_date_is_a_pathways_catalog_message() -> None:
    sites = raise_sites([Path(ruta.partial_dates.__file__)], {"PartialDateError"})
    assert len(sites) >= 5  # the scan sees the raise sites (not an empty walk)
    for lang in LANGUAGES:
        msgids = {m.id for m in read_catalog(lang, "pathways") if m.id}
        wrong = wrong_sites(sites, msgids, "pathways")
        assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("value", "english"),
    [
        ("17/05/1990", f"'17/05/1990' is not a date; {_EXPECTED}, 1990-05 or 1990"),
        ("1990-13-45", f"'1990-13-45' names no real day or month; {_EXPECTED}, 1990-05 or 1990"),
        (3.5, f"3.5 is not a date; {_EXPECTED}"),
        (
            dt.datetime(1990, 5, 17, tzinfo=dt.UTC),
            "expected a date (YYYY-MM-DD, YYYY-MM or YYYY), not a timestamp",
        ),
    ],
)
def test_the_english_is_as_before_and_a_value_error(value: object, english: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_partial_date(value)
    assert isinstance(caught.value, PartialDateError)
    assert str(caught.value) == english
    assert isinstance(caught.value.text, Text) and caught.value.text == english


def test_an_unknown_precision_is_refused_as_before() -> None:
    with pytest.raises(PartialDateError) as caught:
        join_partial(dt.date(1990, 1, 1), "week")
    assert str(caught.value) == "precision 'week': expected one of day, month, year"


def test_a_profile_refusal_says_the_date_problem_whole_in_each_language() -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile({"date_of_birth": "1990-13-45"})
    error = caught.value
    assert error.field == "date_of_birth"
    assert error.message == (
        f"'1990-13-45' names no real day or month; {_EXPECTED}, 1990-05 or 1990"
    )
    assert error.say("es") == (
        "'1990-13-45' no corresponde a ningún día o mes real; se espera AAAA-MM-DD, o AAAA-MM "
        "o AAAA cuando solo se conoce el mes o el año, p. ej. 1990-05-17, 1990-05 o 1990"
    )
    for lang in ("pt", "fr", "ht"):
        said = error.say(lang)
        assert said.startswith("'1990-13-45' ") and "expected" not in said, (lang, said)


def test_an_answered_birth_date_is_refused_in_the_readers_language() -> None:
    with pytest.raises(ProfileError) as caught:
        apply_answer({}, "date_of_birth", "1990/05")
    assert caught.value.say("pt").startswith("'1990/05' não é uma data; espera-se AAAA-MM-DD")
    assert str(caught.value).endswith(f"'1990/05' is not a date; {_EXPECTED}, 1990-05 or 1990")
