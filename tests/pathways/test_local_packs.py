"""A ministry's own packs: loaded beside the shipped ones, replacing by id, never half-loaded."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ruta.i18n import LANGUAGES
from ruta.pathways import PackError, evaluate, get_pathway, list_pathways, use_packs
from ruta.pathways._catalog import PACKS_DIR, default_catalog, load_catalog, shipped_catalog
from ruta.pathways._packtest import coverage, run_pack_tests

EXAMPLE = Path(__file__).parents[2] / "examples" / "packs"
TITLE = "{" + ", ".join(f"{lang}: a" for lang in LANGUAGES) + "}"
ADULT = {
    "host_country": "PAN",
    "in_host_country": True,
    "nationalities": [{"country": "VEN"}],
    "date_of_birth": "1990-05-01",
    "entry": {"date": "2025-03-10"},
    "current_status": "irregular",
    "criminal_records": [],
}


@pytest.fixture(autouse=True)
def _shipped_packs_after() -> Iterator[None]:
    yield
    use_packs(())


def _override(folder: Path) -> Path:
    """A local pack that replaces dom.pnne-2021 without its stage-1 registration rule."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (PACKS_DIR / "dom.yaml").read_text(encoding="utf-8")
    text = text.replace("pack: dom\n", "pack: dom-ministry\n").replace(
        'version: "2026.12.1"', 'version: "2027.01-local"'
    )
    start = text.index("      - id: registration_stage_1")
    end = text.index("      - id: no_criminal_record")
    (folder / "dom.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    return folder


def test_example_folder_loads_beside_the_shipped_packs() -> None:
    catalog = load_catalog(extra=[EXAMPLE])
    pathway = catalog.get("pan.tutorial-regularization")
    assert not pathway.shipped and pathway.pack == "pan-tutorial"
    assert set(shipped_catalog().pathways) < set(catalog.pathways)
    assert catalog.version != shipped_catalog().version
    assert [p.id for p in catalog.from_folder(EXAMPLE)] == ["pan.tutorial-regularization"]
    assert "pan.tutorial-regularization" not in shipped_catalog().pathways


def test_use_packs_answers_everywhere_and_says_which_pack() -> None:
    use_packs([EXAMPLE])
    assert get_pathway("pan.tutorial-regularization").pack_version == "2027.1.0"
    assert [p.id for p in list_pathways("PAN")] == ["pan.tutorial-regularization"]
    result = evaluate(ADULT, as_of=dt.date(2027, 2, 1)).results[0]
    assert (result.status, result.pack, result.pack_version, result.pack_origin) == (
        "eligible",
        "pan-tutorial",
        "2027.1.0",
        "local",
    )
    shipped = evaluate({"host_country": "COL"}, as_of=dt.date(2026, 6, 1)).get("col.ppt")
    assert (shipped.pack, shipped.pack_origin) == ("col", "shipped")
    use_packs(())
    with pytest.raises(Exception, match="unknown pathway"):
        get_pathway("pan.tutorial-regularization")


def test_a_local_pathway_replaces_the_shipped_one_with_the_same_id(tmp_path: Path) -> None:
    profile = {
        "host_country": "DOM",
        "in_host_country": True,
        "nationalities": [{"country": "VEN", "acquired": "birth"}],
        "entry": {"date": "2018-07-01", "authorized_crossing": True},
        "current_status": "irregular",
        "criminal_records": [],
        "asylum_claim_pending": False,
        "migration_sanctions": False,
        "registrations": [],
    }
    day = dt.date(2021, 6, 1)  # after stage 1 closed: the shipped rule refuses
    shipped = evaluate(profile, as_of=day, pathways=["dom.pnne-2021"]).results[0]
    assert shipped.status == "ineligible" and shipped.failed == ["registration_stage_1"]
    use_packs([_override(tmp_path / "ministry")])
    local = evaluate(profile, as_of=day, pathways=["dom.pnne-2021"]).results[0]
    assert (local.status, local.pack, local.pack_version, local.pack_origin) == (
        "eligible",
        "dom-ministry",
        "2027.01-local",
        "local",
    )
    assert len([p for p in list_pathways("DOM") if p.id == "dom.pnne-2021"]) == 1


def test_later_folders_take_precedence(tmp_path: Path) -> None:
    first = _override(tmp_path / "first")
    second = tmp_path / "second"
    second.mkdir()
    text = (first / "dom.yaml").read_text(encoding="utf-8")
    (second / "dom.yaml").write_text(
        text.replace('"2027.01-local"', '"2027.02-local"'), encoding="utf-8"
    )
    catalog = load_catalog(extra=[first, second])
    assert catalog.get("dom.pnne-2021").pack_version == "2027.02-local"
    assert catalog.from_folder(first) == []


def _broken(folder: Path, text: str, name: str = "bad.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_broken_pack_is_refused_with_file_and_line_and_nothing_changes(tmp_path: Path) -> None:
    use_packs([EXAMPLE])
    before = default_catalog()
    text = (EXAMPLE / "pan.yaml").read_text(encoding="utf-8")
    broken = _broken(tmp_path / "broken", text.replace("          fr: Avoir 18 ans ou plus.\n", ""))
    with pytest.raises(PackError) as caught:
        use_packs([EXAMPLE, broken])
    message = str(caught.value)
    line = text[: text.index("      en: Be 18 or older.")].count("\n")
    assert f"{broken / 'bad.yaml'}:" in message and "text.fr" in message
    assert int(message.split("bad.yaml:")[1].split(":")[0]) in range(line - 3, line + 2)
    assert default_catalog() is before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pack: x\nversion: '1'\ntitle: [unclosed\n", "YAML syntax error"),
        (f"pack: x\nversion: '1'\ntitle: {TITLE}\nfoo: 1\n", "foo"),
    ],
)
def test_syntax_and_unknown_keys_name_the_line(tmp_path: Path, text: str, expected: str) -> None:
    folder = _broken(tmp_path / "p", text)
    with pytest.raises(PackError, match=expected) as caught:
        load_catalog(extra=[folder])
    assert f"{folder / 'bad.yaml'}:" in str(caught.value)


def test_an_unknown_fact_in_a_local_condition_is_refused(tmp_path: Path) -> None:
    text = (EXAMPLE / "pan.yaml").read_text(encoding="utf-8")
    folder = _broken(tmp_path / "p", text.replace("{fact: current_status}", "{fact: status}"))
    with pytest.raises(PackError, match="unknown fact 'status'"):
        load_catalog(extra=[folder])


def test_an_id_twice_in_one_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "twice"
    shutil.copytree(EXAMPLE, folder)
    text = (folder / "pan.yaml").read_text(encoding="utf-8")
    (folder / "pan2.yaml").write_text(text.replace("pan-tutorial", "pan-two"), encoding="utf-8")
    with pytest.raises(PackError, match="defined twice"):
        load_catalog(extra=[folder])


def test_missing_or_empty_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="not a folder of rule packs") as caught:
        load_catalog(extra=[tmp_path / "nowhere"])
    assert caught.value.field == "packs"
    (tmp_path / "empty").mkdir()
    with pytest.raises(PackError, match="no pack files"):
        load_catalog(extra=[tmp_path / "empty"])


def test_the_folder_runs_its_own_scenario_tests_and_coverage(tmp_path: Path) -> None:
    catalog = load_catalog(extra=[EXAMPLE])
    outcomes = list(run_pack_tests(None, catalog, EXAMPLE))
    assert len(outcomes) >= 6 and all(o.passed for o in outcomes)
    assert coverage(catalog, EXAMPLE, only=["pan.tutorial-regularization"]) == {}
    folder = tmp_path / "few"
    shutil.copytree(EXAMPLE, folder)
    tests = (folder / "pan.tests.yaml").read_text(encoding="utf-8")
    (folder / "pan.tests.yaml").write_text(
        tests.replace(
            "expect: {pan.tutorial-regularization: eligible}",
            "expect: {pan.tutorial-regularization: ineligible}",
            1,
        ),
        encoding="utf-8",
    )
    catalog = load_catalog(extra=[folder])
    failed = [o for o in run_pack_tests(None, catalog, folder) if not o.passed]
    assert len(failed) == 1 and "expected ineligible, got eligible" in failed[0].problems[0]


def test_a_transition_to_a_missing_pathway_names_the_file_and_line(tmp_path: Path) -> None:
    text = (EXAMPLE / "pan.yaml").read_text(encoding="utf-8")
    anchor = "    next_steps:\n"
    transition = (
        "    transitions:\n      - to: pan.nothing\n        text: {"
        + ", ".join(f"{lang}: x" for lang in LANGUAGES)
        + "}\n"
    )
    folder = _broken(tmp_path / "p", text.replace(anchor, transition + anchor))
    with pytest.raises(PackError, match=r"transition to unknown 'pan\.nothing'") as caught:
        load_catalog(extra=[folder])
    line = text[: text.index(anchor)].count("\n") + 1
    assert f"{folder / 'bad.yaml'}:{line}:" in str(caught.value)
