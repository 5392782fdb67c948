"""Deduplication of a small registry written by hand, not by ``ruta link synth``.

The file mixes the corruptions of real registries (dropped second surname, Portuguese order
with one surname, particles, silent h, b/v, day/month swap, typos with a missing date) with
hard non-matches that must stay apart (sisters sharing both surnames, two women with the
same common name, siblings with consecutive document numbers).
"""

from __future__ import annotations

from pathlib import Path

from ruta.linkage import cluster_pairs, dedupe_registry, read_registry

DATA = Path(__file__).parent / "data" / "handmade_registry.csv"
SAME_PERSON = {
    ("H01", "H02"),  # second surname dropped, upper case
    ("H03", "H04"),  # compound name shortened, day and month swapped, no document
    ("H07", "H08"),  # Brazilian order, one surname kept, no date, CPF formatted differently
    ("H09", "H10"),  # Hernández / Ernandez (silent h), no document
    ("H13", "H14"),  # "de la Cruz" / "Cruz"
    ("H15", "H16"),  # typos in given name and surname, no date
    ("H19", "H20"),  # Baldez / Valdez, accent, no document type
}


def test_handmade_registry_gives_exactly_the_true_duplicates() -> None:
    registry = read_registry(DATA)
    assert not registry.skipped
    result = dedupe_registry(registry)
    clusters = result.clusters
    found = cluster_pairs(clusters["record_id"], clusters["cluster_id"])
    assert set(zip(found["id_l"], found["id_r"], strict=True)) == SAME_PERSON
