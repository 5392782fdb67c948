from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ruta.linkage import normalize_document
from ruta.linkage._documents import normalize_documents


@pytest.mark.parametrize(
    ("number", "kind", "nationality", "expected"),
    [
        ("390.533.447-05", "CPF", "", ("39053344705", "valid")),
        ("39053344705", "", "BRA", ("39053344705", "valid")),
        ("390.533.447-50", "", "BRA", ("39053344750", "invalid")),
        ("10117410-2", "DNI", "PER", ("10117410", "valid")),
        ("10117410G", "", "PER", ("10117410", "valid")),
        ("10117410-5", "", "PER", ("10117410", "invalid")),
        ("10117410", "", "PER", ("10117410", "unknown")),
        ("V-12.345.678", "", "VEN", ("12345678", "unknown")),
        ("E-8.765.432", "CI", "VEN", ("8765432", "unknown")),
        ("1.020.304.050", "CC", "COL", ("1020304050", "unknown")),
        ("", "CC", "COL", ("", "unknown")),
        ("ab 123-x", "PASSPORT", "ARG", ("AB123X", "unknown")),
    ],
)
def test_normalize_document(
    number: str, kind: str, nationality: str, expected: tuple[str, str]
) -> None:
    assert normalize_document(number, kind, nationality) == expected


def test_ecuador_cedula_check_digit() -> None:
    assert normalize_document("1714307103", "", "ECU")[1] == "valid"
    assert normalize_document("1714307104", "", "ECU")[1] == "invalid"


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="0123456789.-VEKGvx ", max_size=13),
            st.sampled_from(["", "CPF", "DNI", "CUI", "CI", "CC", "CEDULA", "PASSPORT", " ci "]),
            st.sampled_from(["", "VEN", "BRA", "PER", "ECU", "COL", "bra"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_vectorised_documents_agree_with_scalar(rows: list[tuple[str, str, str]]) -> None:
    numbers, kinds, nats = (pd.Series(list(col), dtype=object) for col in zip(*rows, strict=True))
    norm, check = normalize_documents(numbers, kinds, nats)
    assert list(zip(norm, check, strict=True)) == [normalize_document(*r) for r in rows]
