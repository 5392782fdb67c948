from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from ruta.linkage import (
    EncodingParams,
    LinkageError,
    SecretError,
    encode_registry,
    fold,
    read_secret,
    write_encoded,
)
from ruta.linkage._clk import CLK_BITS, clk_matrix
from ruta.linkage._match import _words

from .conftest import as_registry

SECRET = b"a-shared-secret-of-two-states"


def _cell_strings(value: object) -> list[str]:
    if isinstance(value, bytes):
        return [value.hex(), value.decode("latin-1")]
    return [str(value)]


def test_no_raw_identifier_in_any_column(tmp_path: Path, split_2000) -> None:  # type: ignore[no-untyped-def]
    frame = split_2000[0].head(300)
    out = write_encoded(encode_registry(as_registry(frame), SECRET), tmp_path / "enc.parquet")
    table = pq.read_table(out)
    assert table.column_names == [
        "record_id",
        "clk",
        "block_1",
        "block_2",
        "block_3",
        "document_token",
    ]
    # Every cell of every column except record_id, as text (bytes both as hex and raw).
    blob = "\n".join(
        s
        for name in table.column_names
        if name != "record_id"
        for v in table.column(name).to_pylist()
        for s in _cell_strings(v)
    ).casefold()
    dates = {d for d in frame["date_of_birth"] if d}
    compact_dates = {d.replace("-", "") for d in dates}
    docs = {d for d in frame["document_number"] if len(d) >= 6}
    names = {fold(v) for col in ("surname_1", "surname_2") for v in frame[col] if len(v) >= 6}
    for needle in dates | compact_dates | docs | names:
        assert needle.casefold() not in blob, needle
    # The file metadata holds parameters only.
    meta = (table.schema.metadata or {})[b"ruta.linkage.encoding"].decode()
    assert "balance" in meta and not any(n in meta for n in names)


def test_swapped_surnames_encode_identically() -> None:
    base = pd.DataFrame(
        {
            "given_all": ["ana maria"],
            "surname_p": ["perez"],
            "surname_m": ["gomez"],
            "dob_any": ["1990-07-03"],
            "sex": ["F"],
        }
    )
    swapped = base.assign(surname_p=["gomez"], surname_m=["perez"])
    assert (clk_matrix(base, SECRET) == clk_matrix(swapped, SECRET)).all()
    assert not (clk_matrix(base, SECRET) == clk_matrix(base, b"another-secret-here!")).all()


def test_balanced_encodings_have_exactly_half_the_bits(split_2000) -> None:  # type: ignore[no-untyped-def]
    table = encode_registry(as_registry(split_2000[0].head(200)), SECRET)
    words = _words(table)
    assert words.shape == (200, 2 * CLK_BITS // 64)
    assert (np.bitwise_count(words).sum(axis=1) == CLK_BITS).all()


def test_blip_flips_about_the_configured_share(split_2000) -> None:  # type: ignore[no-untyped-def]
    reg = as_registry(split_2000[0].head(500))
    plain = _words(encode_registry(reg, SECRET, EncodingParams(hardening="none")))
    flipped = _words(
        encode_registry(reg, SECRET, EncodingParams(hardening="blip", blip_flip=0.1), seed=3)
    )
    share = np.bitwise_count(plain ^ flipped).sum() / plain.size / 64
    assert 0.09 < share < 0.11


def test_document_token_is_keyed(split_2000) -> None:  # type: ignore[no-untyped-def]
    reg = as_registry(split_2000[0].head(50))
    t1 = encode_registry(reg, SECRET).column("document_token").to_pylist()
    t2 = encode_registry(reg, b"a-different-secret-entirely").column("document_token").to_pylist()
    assert any(t1) and all(a != b for a, b in zip(t1, t2, strict=True) if a)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        (EncodingParams(hardening="salt"), "hardening"),  # type: ignore[arg-type]
        (EncodingParams(hardening="blip", blip_flip=0.6), "blip_flip"),
    ],
)
def test_bad_parameters(split_2000, params: EncodingParams, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LinkageError) as err:
        encode_registry(as_registry(split_2000[0].head(5)), SECRET, params)
    assert err.value.field == field


def test_secret_file_rules(tmp_path: Path) -> None:
    weak = tmp_path / "weak"
    weak.write_text("short\n")
    with pytest.raises(SecretError, match="at least 16"):
        read_secret(weak)
    with pytest.raises(SecretError, match="does not exist"):
        read_secret(tmp_path / "nope")
    good = tmp_path / "good"
    good.write_text("  0123456789abcdef0123 \n")
    assert read_secret(good) == b"0123456789abcdef0123"
