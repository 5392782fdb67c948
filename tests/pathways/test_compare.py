"""The comparison of the states' versions of a treaty pathway, checked against the packs
themselves (read here with PyYAML, not through the module under test)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from ruta.pathways import (
    CONFIDENCE_RANK,
    PathwaysError,
    compare,
    comparison_csv,
    comparison_json,
    get_pathway,
    template_ids,
)

PACKS = Path(__file__).parents[2] / "src" / "ruta" / "pathways" / "packs"


def _pack(name: str) -> dict:
    return yaml.safe_load((PACKS / f"{name}.yaml").read_text(encoding="utf-8"))


def _condition(rules: dict, condition_id: str) -> dict:
    """One condition of a pathway or a template as the pack YAML writes it."""
    return next(c for c in rules["conditions"] if c["id"] == condition_id)


def _pathway(pack: dict, pathway_id: str) -> dict:
    return next(p for p in pack["pathways"] if p["id"] == pathway_id)


def test_every_template_of_the_packs_is_offered_with_its_states():
    expected = sorted(
        f"{name}-{template.replace('_', '-')}"
        for name in ("andean", "caricom", "mercosur")
        for template in _pack(name).get("templates", {})
    )
    assert template_ids() == expected
    for template in expected:
        table = compare(template)
        assert table.states == tuple(sorted(table.states)) and table.states
        for state, pathway_id in table.pathways.items():
            assert get_pathway(pathway_id).host_country == state
            for row in table.rows:
                assert state in row.cells


def test_argentina_criminal_record_rule_departs_with_its_own_citation():
    pack = _pack("mercosur")
    own = _condition(_pathway(pack, "arg.mercosur-temporary"), "no_criminal_record")
    treaty = _condition(pack["templates"]["temporary"], "no_criminal_record")
    table = compare("mercosur-temporary", "es")
    row = table.row("condition", "no_criminal_record")
    arg, bra = row.cells["ARG"], row.cells["BRA"]
    assert arg.value == own["text"]["es"] and arg.departs and arg.origin == "state"
    assert own["citation"]["article"] in arg.citation
    assert arg.confidence == own["citation"]["confidence"] == "MEDIUM"
    # Brazil keeps the treaty's rule: its text and citation, no departure.
    assert bra.value == treaty["text"]["es"] == row.treaty.value
    assert not bra.departs and bra.origin == "treaty" and bra.confidence == "HIGH"
    # The parameter behind it: 3 years in Argentina against the treaty's 5.
    years = table.row("parameter", "residence_years")
    assert years.treaty.value == str(
        pack["templates"]["temporary"]["parameters"]["residence_years"]
    )
    assert years.cells["ARG"].value == "3" and years.cells["ARG"].departs
    assert years.cells["BRA"].value == years.treaty.value and not years.cells["BRA"].departs


def test_fees_a_state_adds_are_departures_and_absent_elsewhere():
    pack = _pack("mercosur")
    fees = _pathway(pack, "bra.mercosur-temporary")["fees"]
    table = compare("mercosur-temporary", "en")
    for fee in fees:
        row = table.row("fee", fee["id"])
        assert row.treaty is None
        assert row.cells["BRA"].value.startswith(f"{fee['amount']} {fee['currency']}")
        assert row.cells["BRA"].departs and row.cells["BRA"].origin == "state"
        assert row.cells["ARG"].origin == "absent" and not row.cells["ARG"].departs


def test_a_version_written_whole_is_compared_item_by_item():
    """Uruguay writes its MERCOSUR permanence without the template: what it leaves out of
    the treaty's conditions is marked as not required, and a departure."""
    own = _pathway(_pack("mercosur"), "ury.mercosur-permanent")
    table = compare("mercosur-permanent")
    own_ids = {c["id"] for c in own["conditions"]}
    for row in (r for r in table.rows if r.kind == "condition" and r.treaty is not None):
        cell = row.cells["URY"]
        if row.id not in own_ids:
            assert cell.origin == "absent" and cell.departs, row.id


def test_a_host_left_out_of_the_treaty_list_is_no_departure():
    """Each Andean state lists the other members' nationals, not its own."""
    row = compare("andean-temporary").row("parameter", "eligible_nationalities")
    assert not any(cell.departs for cell in row.cells.values())


def test_csv_has_one_row_per_rule_and_one_column_per_state():
    table = compare("mercosur-temporary")
    rows = list(csv.reader(io.StringIO(comparison_csv(table))))
    assert rows[0] == ["kind", "id", "treaty", *table.states]
    assert len(rows) == 1 + len(table.rows)
    by_key = {(r[0], r[1]): dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    arg = by_key["condition", "no_criminal_record"]["ARG"]
    assert arg.startswith("≠ ") and "Disp. DNM 1637/2022" in arg and "MEDIUM" in arg
    assert not by_key["condition", "no_criminal_record"]["BRA"].startswith("≠")
    body = json.loads(comparison_json(table))
    assert body["states"] == list(table.states) and len(body["rows"]) == len(table.rows)


def test_an_unknown_template_names_the_valid_ones():
    with pytest.raises(PathwaysError) as caught:
        compare("mercosur-temporaria")
    assert caught.value.field == "--template"
    assert "mercosur-temporary" in caught.value.message


@pytest.mark.parametrize("template", ["mercosur-temporary", "andean-temporary", "andean-permanent"])
def test_every_cell_with_content_carries_its_citation_and_confidence(template):
    """Parameters, permanence, windows and deadlines too, not only conditions; an item a
    state does not have is the one cell with nothing to cite, and the instrument cell is
    the citation itself (its confidence beside it)."""
    table = compare(template)
    for row in table.rows:
        for state, cell in [("treaty", row.treaty), *row.cells.items()]:
            if cell is None or not cell.value or cell.origin == "absent":
                continue
            assert cell.confidence in CONFIDENCE_RANK, (row.kind, row.id, state)
            if row.kind != "instrument":
                assert cell.citation, (row.kind, row.id, state)


def test_a_parameter_cites_the_rule_that_reads_it():
    """Argentina's 3 years are read by its own criminal-record rule: the cell cites that
    rule's reference and confidence, Brazil's inherited 5 years the treaty's rule."""
    pack = _pack("mercosur")
    own_rule = _condition(_pathway(pack, "arg.mercosur-temporary"), "no_criminal_record")
    treaty_rule = _condition(pack["templates"]["temporary"], "no_criminal_record")
    # Both rules read the parameter, as the pack YAML writes them.
    for rule in (own_rule, treaty_rule):
        assert "'param': 'residence_years'" in str(rule["test"])
    own, treaty = own_rule["citation"], treaty_rule["citation"]
    years = compare("mercosur-temporary").row("parameter", "residence_years")
    arg, bra = years.cells["ARG"], years.cells["BRA"]
    assert own["instrument"] in arg.citation and own["article"] in arg.citation
    assert arg.confidence == own["confidence"] == "MEDIUM"
    assert treaty["article"] in bra.citation and bra.confidence == treaty["confidence"]
    assert treaty["article"] in years.treaty.citation
    # A parameter no rule of the version reads says so, in the reader's language.
    dropped = _pathway(pack, "col.mercosur-permanent")["drop_conditions"]
    assert "within_window" in dropped
    days = compare("mercosur-permanent", "es").row("parameter", "window_days").cells["COL"]
    assert days.value == "90"
    assert (days.citation, days.confidence) == ("el paquete no cita fuente", "UNCERTAIN")


def test_csv_writes_parameter_and_permanence_citations_like_conditions():
    table = compare("mercosur-temporary")
    rows = list(csv.reader(io.StringIO(comparison_csv(table))))
    by_key = {(r[0], r[1]): dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    years = by_key["parameter", "residence_years"]["ARG"]
    assert years.startswith("≠ 3 (") and "Disp. DNM 1637/2022" in years
    assert years.endswith("; confidence MEDIUM)")
    leads = by_key["permanence", "leads_to"]["BRA"]
    assert leads.endswith("(no citation in the pack; confidence UNCERTAIN)")
