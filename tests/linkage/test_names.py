from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from ruta.linkage import fold, given_name_tokens, surname_pair
from ruta.linkage._names import phonetic_key, surname_core


def test_fold_removes_accents_case_and_punctuation() -> None:
    assert fold("ÑÚÑEZ") == fold("nunez") == "nunez"
    assert fold("María-José") == "maria jose"
    assert fold("D’Ávila") == "davila"
    # NFKC: full-width letters become ASCII letters.
    assert fold("ＬＵＩＳ") == "luis"


@settings(deadline=None)
@given(st.text())
def test_fold_is_idempotent_and_ascii(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert set(once) <= set(string.ascii_lowercase + " ")
    assert not once.startswith(" ") and not once.endswith(" ") and "  " not in once


def test_compound_given_names_are_arrays_without_particles() -> None:
    assert given_name_tokens("María de los Ángeles") == ["maria", "angeles"]
    assert given_name_tokens("  JUAN   PABLO ") == ["juan", "pablo"]
    assert given_name_tokens("") == []


def test_particles_are_split_off_surnames() -> None:
    assert surname_core("De La Cruz") == surname_core("cruz") == "cruz"
    assert surname_core("dos Santos") == "santos"
    assert surname_core("Del Río") == "rio"


def test_surname_pair_handles_missing_joined_and_portuguese_order() -> None:
    assert surname_pair("Pérez", "Gómez") == ("perez", "gomez")
    assert surname_pair("Pérez Gómez", "") == ("perez", "gomez")
    assert surname_pair("", "Gómez") == ("gomez", "")
    # Brazilian order is maternal then paternal: normalised to paternal first.
    assert surname_pair("Silva", "Santos", "BRA") == ("santos", "silva")
    assert surname_pair("Silva", "Santos", "VEN") == ("silva", "santos")


def test_phonetic_key_survives_typos_and_spanish_spelling_variants() -> None:
    # A changed vowel, two swapped letters, a doubled consonant keep the key ...
    assert phonetic_key("ruiz") == phonetic_key("riuz") == phonetic_key("ruis")
    assert phonetic_key("jorquera") == phonetic_key("joroquera")
    assert phonetic_key("villalobos") == phonetic_key("vilalobos")
    # ... and so do sound-alike spellings: b/v, silent h, soft c/s/z, ll/y, qu/k.
    assert phonetic_key("valdez") == phonetic_key("baldes")
    assert phonetic_key("hernandez") == phonetic_key("ernandez")
    assert phonetic_key("cecilia") == phonetic_key("sesilia")
    assert phonetic_key("quintero") == phonetic_key("kintero")
    assert phonetic_key("yessica") == phonetic_key("jessica") == phonetic_key("jesica")
    assert phonetic_key("yohana") == phonetic_key("johana")
    assert phonetic_key("jhon") == phonetic_key("jon")
    # Different names stay apart; only the first word counts; no name, no key.
    assert phonetic_key("garcia") != phonetic_key("gomez")
    assert phonetic_key("maria jose") == phonetic_key("maria")
    assert phonetic_key("") == ""


@settings(deadline=None)
@given(st.text(alphabet=string.ascii_lowercase + " ", max_size=25))
def test_phonetic_key_is_short_and_starts_with_a_letter(name: str) -> None:
    key = phonetic_key(fold(name))
    assert len(key) in (0, 4)
    assert not key or (key[0].isalpha() and key[1:].isdigit())
