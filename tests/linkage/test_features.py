from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ruta.linkage import comparison_features
from ruta.linkage._features import record_features

from .conftest import record


def _features(*rows: dict[str, str]) -> pd.DataFrame:
    return comparison_features(pd.DataFrame(list(rows)))


def test_swapped_surnames_share_the_order_free_key() -> None:
    f = _features(
        record(record_id="1", given_names="Ana", surname_1="Pérez", surname_2="Gómez"),
        record(record_id="2", given_names="ANA", surname_1="GOMEZ", surname_2="PEREZ"),
    )
    assert f.loc[0, "surnames_sorted"] == f.loc[1, "surnames_sorted"] == "gomez perez"
    assert f.loc[0, "surname_p"] == f.loc[1, "surname_m"]


def test_day_month_swap_column_only_when_day_can_be_a_month() -> None:
    f = _features(
        record(record_id="1", date_of_birth="1990-03-07"),
        record(record_id="2", date_of_birth="1990-03-27"),
        record(record_id="3", date_of_birth=""),
    )
    assert f.loc[0, "dob_swapped"] == "1990-07-03"
    assert f.loc[1, "dob_swapped"] is None
    assert f.loc[2, "dob"] is None and f.loc[2, "birth_year"] is None


def test_missing_values_are_null_not_empty_strings() -> None:
    f = _features(record(record_id="1", given_names="Luis", surname_1="Paz"))
    assert f.loc[0, "surname_m"] is None and f.loc[0, "doc"] is None
    assert f.loc[0, "given_first"] == "luis"


_names = st.text(alphabet="aáeéiíoóuúñçAÉÑ -'bcdlmnprstyDELAS", max_size=20)
_dates = st.dates().map(lambda d: d.isoformat()) | st.just("")


# No deadline: the machine is shared, and a slow example is not a wrong one.
@settings(deadline=None)
@given(
    given_names=_names,
    surname_1=_names,
    surname_2=_names,
    dob=_dates,
    nationality=st.sampled_from(["", "VEN", "BRA", "PER", "COL", "ECU"]),
    doc=st.text(alphabet="0123456789.-VEK ", max_size=14),
    sex=st.sampled_from(["", "F", "M"]),
)
def test_scalar_and_frame_features_agree(
    given_names: str, surname_1: str, surname_2: str, dob: str, nationality: str, doc: str, sex: str
) -> None:
    row = record(
        record_id="1",
        given_names=given_names,
        surname_1=surname_1,
        surname_2=surname_2,
        date_of_birth=dob,
        nationality=nationality,
        document_number=doc,
        sex=sex,
    )
    stripped = {k: v.strip() for k, v in row.items()}
    frame = comparison_features(pd.DataFrame([stripped])).iloc[0].to_dict()
    assert record_features(row) == {k: frame[k] for k in record_features(row)}


def test_blocking_keys_tolerate_a_typo_in_each_name() -> None:
    f = _features(
        record(record_id="1", given_names="Mariano", surname_1="Ruiz", surname_2="Zamora"),
        record(record_id="2", given_names="MRAIANO", surname_1="Riuz"),
    )
    assert f.loc[0, "given_phonetic"] == f.loc[1, "given_phonetic"] == "m650"
    assert f.loc[0, "surname_phonetic"] == f.loc[1, "surname_phonetic"]
    assert f.loc[0, "given_initial"] == f.loc[1, "given_initial"] == "m"
