"""Review decisions fed back into the clustering: must-link, cannot-link, conflicts, and the
decisions file's line-numbered errors. The clustering is tested on hand-made pairs (no model
run needed); the CLI test runs the real dedupe on the hand-made registry."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tests.linkage.conftest import run_link

from ruta.linkage import Decisions, LinkageError, apply_decisions, read_decisions
from ruta.linkage._decisions import Decision

IDS = ["a", "b", "c", "d", "e", "f"]
# a-b-c-d is a chain of model links; e and f are alone; e~f scored below the threshold.
PAIRS = pd.DataFrame(
    {
        "record_id_l": ["a", "b", "c", "e"],
        "record_id_r": ["b", "c", "d", "f"],
        "match_probability": [0.99, 0.95, 0.92, 0.6],
    }
)
CLUSTERS = pd.DataFrame(
    {
        "record_id": IDS,
        "cluster_id": ["a", "a", "a", "a", "e", "f"],
        "cluster_size": [4, 4, 4, 4, 1, 1],
        "weakest_link_probability": [0.92] * 4 + [None, None],
    }
)


def decide(*items: tuple[str, str, str]) -> Decisions:
    return Decisions(
        [Decision(a, b, kind, line) for line, (a, b, kind) in enumerate(items, start=2)]  # type: ignore[arg-type]
    )


def groups(clusters: pd.DataFrame) -> list[list[str]]:
    return sorted(sorted(g) for g in clusters.groupby("cluster_id")["record_id"].apply(list))


def test_no_decisions_gives_the_model_clusters_unchanged() -> None:
    out = apply_decisions(CLUSTERS, PAIRS, 0.9, Decisions())
    assert out.clusters[["record_id", "cluster_id", "cluster_size"]].equals(
        CLUSTERS[["record_id", "cluster_id", "cluster_size"]]
    )
    assert out.clusters["weakest_link_probability"].iloc[0] == pytest.approx(0.92)
    assert (out.clusters["decided"] == "").all() and out.conflicts == []
    assert (out.pairs["decided"] == "").all()


def test_merge_links_records_the_model_left_apart() -> None:
    out = apply_decisions(CLUSTERS, PAIRS, 0.9, decide(("e", "f", "merged")))
    assert groups(out.clusters) == [["a", "b", "c", "d"], ["e", "f"]]
    ef = out.clusters[out.clusters["record_id"].isin(["e", "f"])]
    assert (ef["weakest_link_probability"] == 1.0).all() and (ef["decided"] == "merged").all()
    assert out.merges_applied == 1
    assert out.pairs.loc[out.pairs["record_id_l"] == "e", "decided"].item() == "merged"


def test_distinct_removes_the_direct_link() -> None:
    out = apply_decisions(CLUSTERS, PAIRS, 0.9, decide(("a", "b", "distinct")))
    assert groups(out.clusters) == [["a"], ["b", "c", "d"], ["e"], ["f"]]
    assert out.links_removed == 1 and out.conflicts == []
    # The changed cluster is named after its smallest record id; "a" is a new singleton.
    assert set(out.clusters["cluster_id"]) == {"a", "b", "e", "f"}
    assert out.clusters.set_index("record_id").at["b", "decided"] == "distinct"


def test_distinct_pair_chained_by_others_is_split_at_the_weakest_link() -> None:
    out = apply_decisions(CLUSTERS, PAIRS, 0.9, decide(("a", "d", "distinct")))
    assert groups(out.clusters) == [["a", "b", "c"], ["d"], ["e"], ["f"]]
    (conflict,) = out.conflicts
    assert (conflict.record_id_a, conflict.record_id_b, conflict.line) == ("a", "d", 2)
    assert conflict.kind == "split" and conflict.links_removed == 1
    assert conflict.strongest_removed == pytest.approx(0.92) and "c~d" in conflict.detail
    weakest = out.clusters.set_index("record_id")["weakest_link_probability"]
    assert weakest["a"] == pytest.approx(0.95)
    frame = out.conflicts_frame()
    assert list(frame.columns)[:4] == ["record_id_a", "record_id_b", "line", "kind"]


def test_a_merge_that_contradicts_a_distinct_decision_is_not_applied() -> None:
    # a = e and e = d would make a and d one person, but a != d was decided.
    decisions = decide(("a", "e", "merged"), ("d", "e", "merged"), ("a", "d", "distinct"))
    out = apply_decisions(CLUSTERS, PAIRS, 0.9, decisions)
    together = out.clusters.set_index("record_id")["cluster_id"]
    assert together["a"] == together["e"] and together["a"] != together["d"]
    kinds = {c.kind for c in out.conflicts}
    assert "contradiction" in kinds
    contradiction = next(c for c in out.conflicts if c.kind == "contradiction")
    assert "d~e:merged(line 3)" in contradiction.detail and contradiction.line == 4


def test_merge_decisions_outrank_model_links_when_splitting() -> None:
    # b = d by decision, a != d: the split must keep the human merge and cut the model.
    out = apply_decisions(
        CLUSTERS, PAIRS, 0.9, decide(("b", "d", "merged"), ("a", "d", "distinct"))
    )
    together = out.clusters.set_index("record_id")["cluster_id"]
    assert together["b"] == together["d"] and together["a"] != together["d"]
    (conflict,) = out.conflicts
    assert conflict.kind == "split" and "a~b" in conflict.detail


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_read_decisions_accepts_the_export_format(tmp_path: Path) -> None:
    path = write(
        tmp_path / "d.csv",
        "record_id_a,record_id_b,decision,decided_by,decided_at,reason\n"
        "b,a,merged,cw,2026-11-28T10:00:00+00:00,Same passport\n"
        'c,d,distinct,cw,2026-11-28T10:01:00+00:00,"Other mother,\nother birth place"\n'
        "a,b,merge,sup,,again\n",
    )
    decisions = read_decisions(path, IDS)
    assert [(d.record_id_a, d.record_id_b, d.kind) for d in decisions.items] == [
        ("a", "b", "merged"),
        ("c", "d", "distinct"),
    ]
    assert decisions.skipped == []


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("a,zz,merged", "line 3, column record_id_b: record 'zz' is not in the registry"),
        (",b,merged", "line 3, column record_id_a: is empty"),
        ("a,b,maybe", "line 3, column decision: got 'maybe'; expected merged or distinct"),
        ("a,a,merged", "line 3, column record_id_b: is the same record"),
        ("b,c,distinct", "line 3, column decision: got distinct but line 2 decided merged"),
    ],
)
def test_bad_rows_stop_naming_line_and_column(tmp_path: Path, row: str, expected: str) -> None:
    path = write(tmp_path / "d.csv", f"record_id_a,record_id_b,decision\nc,b,merged\n{row}\n")
    with pytest.raises(LinkageError, match=expected) as caught:
        read_decisions(path, IDS)
    assert caught.value.field == "decisions"


def test_bad_rows_are_skipped_with_their_line_on_request(tmp_path: Path) -> None:
    path = write(
        tmp_path / "d.csv", "record_id_a,record_id_b,decision\nzz,a,merged\na,b,distinct\n"
    )
    decisions = read_decisions(path, IDS, on_error="skip")
    assert len(decisions.items) == 1
    (bad,) = decisions.skipped
    assert (bad.line, bad.field) == (2, "record_id_a") and "'zz'" in bad.message


def test_missing_file_or_column_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LinkageError, match="does not exist"):
        read_decisions(tmp_path / "none.csv", IDS)
    path = write(tmp_path / "d.csv", "record_id_a,record_id_b,outcome\na,b,merged\n")
    with pytest.raises(LinkageError, match="lacks column decision"):
        read_decisions(path, IDS)


HANDMADE = Path(__file__).parent / "data" / "handmade_registry.csv"


def test_cli_dedupe_applies_decisions_and_writes_conflicts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    decisions = write(
        tmp_path / "d.csv",
        "record_id_a,record_id_b,decision\nH05,H06,merged\nH01,H02,distinct\n",
    )
    out, conflicts = tmp_path / "c.csv", tmp_path / "conflicts.csv"
    args = ["dedupe", str(HANDMADE), "--out", str(out), "--decisions", str(decisions)]
    assert run_link(monkeypatch, *args, "--conflicts-out", str(conflicts)) == 0
    err = capsys.readouterr().err
    assert "decisions: 2 read, 1 merges applied, 1 model links removed, 0 conflicts" in err
    clusters = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("record_id")
    assert clusters.at["H05", "cluster_id"] == clusters.at["H06", "cluster_id"]
    assert clusters.at["H05", "decided"] == "merged"
    assert clusters.at["H01", "cluster_id"] != clusters.at["H02", "cluster_id"]
    assert list(pd.read_csv(conflicts).columns)[:2] == ["record_id_a", "record_id_b"]


def test_cli_unknown_record_in_decisions_stops_or_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    decisions = write(
        tmp_path / "d.csv", "record_id_a,record_id_b,decision\nH01,H99,merged\nH05,H06,merged\n"
    )
    out = tmp_path / "c.csv"
    args = ["dedupe", str(HANDMADE), "--out", str(out), "--decisions", str(decisions)]
    assert run_link(monkeypatch, *args) == 2
    err = capsys.readouterr().err
    assert "line 2, column record_id_b: record 'H99' is not in the registry" in err
    assert "Traceback" not in err and not out.exists()
    assert run_link(monkeypatch, *args, "--on-error", "skip") == 0
    err = capsys.readouterr().err
    assert "skipped 1 bad decision of" in err and "1 merges applied" in err
    conflicts_alone = ["dedupe", str(HANDMADE), "--out", str(out), "--conflicts-out", "x.csv"]
    assert run_link(monkeypatch, *conflicts_alone) == 2
    assert "needs --decisions" in capsys.readouterr().err
