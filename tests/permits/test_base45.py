"""Base45 against the RFC 9285 examples and as a round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ruta.permits import b45decode, b45encode


@pytest.mark.parametrize(
    "raw,text",
    [
        (b"AB", "BB8"),
        (b"Hello!!", "%69 VD92EX0"),
        (b"base-45", "UJCLQE7W581"),
        (b"ietf!", "QED8WEX0"),
        (b"", ""),
        (b"\x00", "00"),
        (b"\xff\xff", "FGW"),
    ],
)
def test_rfc_9285_examples(raw: bytes, text: str) -> None:
    assert b45encode(raw) == text
    assert b45decode(text) == raw


@given(st.binary(max_size=600))
def test_round_trip(data: bytes) -> None:
    assert b45decode(b45encode(data)) == data


@pytest.mark.parametrize(
    "text,message",
    [
        ("GGW", "above 65535"),
        ("A", "length % 3 == 1"),
        ("ABCD", "length % 3 == 1"),
        ("ab", "not a Base45 character"),
        ("AÉ", "ASCII"),
        (":;", "not a Base45 character"),
        ("::", "above 255"),
    ],
)
def test_invalid_text_names_the_problem(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        b45decode(text)
