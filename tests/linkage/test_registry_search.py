from __future__ import annotations

import pandas as pd
import pytest

from ruta.linkage import Registry, RegistryIndex, SynthConfig, synth_registry

from .conftest import as_registry, record


@pytest.fixture(scope="module")
def base() -> pd.DataFrame:
    return synth_registry(5000, SynthConfig(seed=41, dup_rate=0.0))


@pytest.fixture(scope="module")
def index(base: pd.DataFrame) -> RegistryIndex:
    return RegistryIndex(as_registry(base))


#: A Peruvian woman surnamed Quispe Mamani, and a Venezuelan one named Jessica González Pérez.
_QUISPE = {
    "given_names": "Ana",
    "surname_1": "Quispe",
    "surname_2": "Mamani",
    "sex": "F",
    "date_of_birth": "1990-01-01",
    "nationality": "PER",
}
_JESSICA = {
    "given_names": "Jessica",
    "surname_1": "González",
    "surname_2": "Pérez",
    "sex": "F",
    "date_of_birth": "1990-03-07",
    "nationality": "VEN",
}


def _quispe(**values: str) -> dict[str, str]:
    """A registry row of Ms Quispe Mamani (Ana, born 1990-01-01 unless told)."""
    return record(**{**_QUISPE, **values})


def _jessica(**values: str) -> dict[str, str]:
    """A registry row of Jessica González Pérez, born 1990-03-07, with ``values`` changed."""
    return record(**{**_JESSICA, **values})


def _query(row: pd.Series, **changes: str) -> dict[str, str]:
    fields = {k: str(v) for k, v in row.items() if k not in ("record_id", "person_id")}
    fields.update(changes)
    return fields


def test_finds_the_same_person_despite_corruptions(
    index: RegistryIndex, base: pd.DataFrame
) -> None:
    found = 0
    for _, row in base.sample(60, random_state=1).iterrows():
        dob = row["date_of_birth"]
        swapped = dob[:5] + dob[8:10] + "-" + dob[5:7] if dob[8:10] <= "12" else dob
        query = _query(
            row,
            surname_1=row["surname_2"].upper(),
            surname_2=row["surname_1"],
            date_of_birth=swapped,
            document_number="",
        )
        hits = index.search(query)
        found += bool(hits) and hits[0].record["record_id"] == row["record_id"]
    assert found >= 57


def test_a_new_person_finds_no_likely_duplicate(index: RegistryIndex) -> None:
    query = record(
        given_names="Zacarías",
        surname_1="Xochiquetzal",
        surname_2="Quispe",
        sex="M",
        date_of_birth="1931-02-02",
        nationality="PER",
        document_number="99999999",
    )
    assert index.search(query) == []


def test_sibling_is_not_a_likely_duplicate() -> None:
    reg = Registry(
        pd.DataFrame(
            [
                _quispe(record_id="1", document_number="1"),
                _quispe(
                    record_id="2",
                    given_names="Rosa",
                    date_of_birth="1992-05-05",
                    document_number="2",
                ),
            ]
        )
    )
    query = _quispe(given_names="Rosa", date_of_birth="1992-05-05")
    hits = RegistryIndex(reg).search(query, min_probability=0.1)
    assert [h.record["record_id"] for h in hits] == ["2"]
    assert "surnames equal (any order)" in hits[0].reasons


#: Both surnames spelled as they sound and the day mistyped (17 for 07).
_MISSPELT = {"surname_1": "Gonsales", "surname_2": "Peres", "date_of_birth": "1990-03-17"}


@pytest.fixture(scope="module")
def with_jessica(base: pd.DataFrame) -> RegistryIndex:
    jessica = _jessica(record_id="jessica", document_number="17345678")
    frame = pd.concat([base.drop(columns=["person_id"]), pd.DataFrame([jessica])])
    return RegistryIndex(Registry(frame.reset_index(drop=True)))


def test_sound_alike_duplicate_with_mistyped_date_is_found(with_jessica: RegistryIndex) -> None:
    # Every name spelled otherwise and the day mistyped: none of the date or exact-name keys
    # holds, only the sound-alike one (given name + paternal surname codes, sex, nationality).
    query = _jessica(given_names="Jesica", **_MISSPELT)
    hits = with_jessica.search(query)
    assert [h.record["record_id"] for h in hits][:1] == ["jessica"]
    assert "surnames sound alike" in hits[0].reasons
    assert "date of birth one digit off" in hits[0].reasons


def test_y_and_j_spellings_of_one_given_name_are_found(with_jessica: RegistryIndex) -> None:
    # Yessica/Jessica is one name written two ways in the region; with the day mistyped only
    # the sound-alike key can bring the pair together.
    query = _jessica(given_names="Yessica", **_MISSPELT)
    assert [h.record["record_id"] for h in with_jessica.search(query)][:1] == ["jessica"]


def test_sound_alike_first_surname_with_second_missing(with_jessica: RegistryIndex) -> None:
    query = _jessica(
        given_names="JESSICA", surname_1="Gonzales", surname_2="", date_of_birth="1990-03-17"
    )
    hits = with_jessica.search(query, min_probability=0.0)
    top = next(h for h in hits if h.record["record_id"] == "jessica")
    assert "first surname sounds alike, second missing" in top.reasons


def test_sound_alike_names_alone_are_not_a_likely_duplicate(with_jessica: RegistryIndex) -> None:
    # Same sound codes, different date and second surname: not the same person.
    query = _jessica(
        given_names="Jesica", surname_1="Gonsales", surname_2="Rojas", date_of_birth="1975-11-30"
    )
    assert all(h.record["record_id"] != "jessica" for h in with_jessica.search(query))


def test_a_date_in_another_shape_is_compared_not_crashed_on() -> None:
    reg = Registry(pd.DataFrame([_quispe(record_id="1")]))
    query = _quispe(date_of_birth="990-01-01")
    hits = RegistryIndex(reg).search(query, min_probability=0.0)
    assert "date of birth differs" in hits[0].reasons


def test_every_reason_a_caseworker_sees_is_in_the_linkage_catalog() -> None:
    # The case page translates each candidate's reasons with the linkage catalog
    # (_duplicates.html: dgettext("linkage", reason)).
    import inspect
    import re

    from babel.messages.pofile import read_po

    import ruta.linkage._registry_search as search_module
    from ruta.i18n import LANGUAGES, LOCALES_DIR

    source = inspect.getsource(search_module)
    reasons = set(re.findall(r'add\([^,]+, N_\("([^"]+)"\)\)', source))
    assert "same year (month or day unknown)" in reasons
    for lang in LANGUAGES:
        with (LOCALES_DIR / lang / "LC_MESSAGES" / "linkage.po").open("rb") as handle:
            catalog = read_po(handle)
        missing = [r for r in reasons if not catalog.get(r) or not catalog.get(r).string]
        assert not missing, (lang, missing)
