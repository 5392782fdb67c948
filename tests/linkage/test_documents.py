from __future__ import annotations

import pytest

from ruta.linkage import normalize_document


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
