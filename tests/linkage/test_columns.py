"""Column mappings (--columns): pairs, YAML files, joined columns, errors that say how to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from ruta.linkage import RegistryError, parse_columns, parse_keep


def test_pairs_and_yaml_give_the_same_mapping(tmp_path: Path) -> None:
    yaml_file = tmp_path / "columns.yaml"
    yaml_file.write_text(
        "record_id: expediente\ngiven_names: nombres\naddress: [calle, numero]\n",
        encoding="utf-8",
    )
    pairs = parse_columns("record_id=expediente, given_names=nombres, address=calle+numero")
    assert parse_columns(yaml_file) == parse_columns(str(yaml_file)) == pairs
    assert pairs.fields["address"] == ("calle", "numero")


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("nombre=nombres", "unknown field 'nombre'"),
        ("given_names", "expected field=column pairs"),
        ("given_names=nombres,given_names=nombre", "mapped twice"),
        ("given_names=a+", "expected a column name"),
        ("missing.yaml", "is not a file"),
    ],
)
def test_bad_mappings_say_what_is_expected(spec: str, words: str) -> None:
    with pytest.raises(RegistryError) as err:
        parse_columns(spec)
    assert err.value.field == "columns" and words in str(err.value)


def test_yaml_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "c.yml"
    path.write_text("- record_id\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="expected a mapping"):
        parse_columns(path)


def test_keep_lists_are_trimmed_and_deduplicated() -> None:
    assert parse_keep(" oficina, region ,oficina,") == ("oficina", "region")
    assert parse_keep(None) == ()
