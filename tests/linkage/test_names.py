from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from ruta.linkage import fold, given_name_tokens, surname_pair
from ruta.linkage._names import surname_core


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
