"""Loading packs: a malformed or hostile pack is refused with file, line and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from ruta.i18n import LANGUAGES
from ruta.pathways import PackError, load_catalog
from ruta.pathways._catalog import PACKS_DIR, default_catalog

GOOD = """\
pack: demo
version: "1"
title: {es: Demo, pt: Demo, en: Demo, fr: Démo, ht: Demo}
pathways:
  - id: arg.demo
    host_country: ARG
    title: {es: Demo, pt: Demo, en: Demo, fr: Démo, ht: Demo}
    summary: {es: Demo, pt: Demo, en: Demo, fr: Démo, ht: Demo}
    instrument: {instrument: Ley demo}
    grants: {status: temporary, duration_months: 12, rights: [work]}
    next_steps: {es: Demo, pt: Demo, en: Demo, fr: Démo, ht: Demo}
    conditions:
      - id: adult
        text: {es: Mayor, pt: Maior, en: Adult, fr: Majeur, ht: Granmoun}
        citation: {instrument: Ley demo, article: art. 1}
        test: {ge: [{years_between: [{fact: date_of_birth}, {as_of: true}]}, 18]}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_minimal_pack_loads(tmp_path: Path) -> None:
    catalog = load_catalog(files=[write(tmp_path, GOOD)])
    assert [c.id for c in catalog.get("arg.demo").conditions] == ["host_country", "adult"]


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("{fact: date_of_birth}", "{fact: shoe_size}", "unknown fact 'shoe_size'"),
        ("{ge:", "{eval:", "unknown term 'eval'"),
        ("fr: Majeur, ht: Granmoun}", "}", "fr"),
        ("id: arg.demo", "id: bra.demo", "must start with the host country"),
        ("rights: [work]", "rights: [teleport]", "unknown right"),
        ("18]}", "{param: age}]}", "parameter 'age' is not defined"),
        ('version: "1"', 'version: "1"\n  bad: [', "YAML syntax error"),
    ],
)
def test_malformed_pack_names_file_line_and_problem(
    tmp_path: Path, old: str, new: str, fragment: str
) -> None:
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(PackError) as info:
        load_catalog(files=[path])
    message = str(info.value)
    assert str(path) in message and fragment in message
    assert message.split(str(path))[1].startswith(":")  # a line number follows the file


def test_a_pack_cannot_run_code(tmp_path: Path) -> None:
    hostile = GOOD.replace('version: "1"', 'version: !!python/object/apply:os.system ["touch x"]')
    with pytest.raises(PackError, match="YAML"):
        load_catalog(files=[write(tmp_path, hostile)])
    assert not (tmp_path / "x").exists()


def test_every_shipped_condition_has_citation_and_every_language() -> None:
    for pathway in default_catalog().pathways.values():
        for cond in pathway.conditions:
            assert cond.citation.instrument, (pathway.id, cond.id)
            assert all(cond.explain(lang) for lang in LANGUAGES)


def test_treaty_is_written_once() -> None:
    text = (PACKS_DIR / "mercosur.yaml").read_text(encoding="utf-8")
    assert text.count("id: nationality\n") <= 2  # the template and Uruguay's direct route
    temporary = [p for p in default_catalog().pathways if p.endswith(".mercosur-temporary")]
    assert len(temporary) == 9


REQUIRED_IDS = [
    *(
        f"{c}.mercosur-temporary"
        for c in ("arg", "bra", "pry", "ury", "bol", "chl", "per", "ecu", "col")
    ),
    *(
        f"{c}.mercosur-permanent"
        for c in ("arg", "bra", "pry", "ury", "bol", "chl", "per", "ecu", "col")
    ),
    *(f"{c}.andean-{k}" for c in ("bol", "col", "ecu", "per") for k in ("temporary", "permanent")),
    "col.ppt",
    "bra.border-residence",
    "per.cpp-2023",
    "chl.regularization-2021",
    "ecu.virte-2022",
    "mex.humanitarian-visitor",
]


@pytest.mark.parametrize("pathway_id", REQUIRED_IDS)
def test_contract_pathway_ids_exist(pathway_id: str) -> None:
    assert pathway_id in default_catalog().pathways


def test_uncertain_rules_are_marked() -> None:
    # legal.md marks the national category of Peru's MERCOSUR residence UNCERTAIN.
    assert default_catalog().get("per.mercosur-temporary").uncertain


def test_rule_pack_docs_list_every_pathway() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "rule-packs.md").read_text(encoding="utf-8")
    missing = [p for p in default_catalog().pathways if f"`{p}`" not in doc and p not in doc]
    assert not missing, f"docs/rule-packs.md does not list: {missing}"
