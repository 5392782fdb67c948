"""The review round trip through the real entry point on both backends: dedupe -> import
the pairs -> decide (casework action) -> ``ruta review export`` -> ``ruta link dedupe
--decisions`` changes the clusters as decided."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from ruta.cases.actions import do_decide_review_pair
from ruta.cases.actions.authentication import do_create_user
from ruta.store.models import ReviewPairRow, User

HANDMADE = Path(__file__).parents[1] / "linkage" / "data" / "handmade_registry.csv"


def clusters_of(path: Path) -> pd.Series:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame.set_index("record_id")["cluster_id"]


def test_decisions_round_trip_changes_the_clusters(ruta, session, tmp_path):
    for name, role in (("cw", "caseworker"), ("aud", "auditor")):
        do_create_user(
            session,
            None,
            username=name,
            password="correct-horse-battery",
            role=role,
            country="COL",
        )
    do_create_user(
        session,
        None,
        username="per",
        password="correct-horse-battery",
        role="caseworker",
        country="PER",
    )
    before, pairs = tmp_path / "before.csv", tmp_path / "pairs.csv"
    run = ruta("link", "dedupe", str(HANDMADE), "--out", str(before), "--pairs-out", str(pairs))
    assert run.returncode == 0, run.stderr
    first = clusters_of(before)
    assert first["H07"] == first["H08"] and first["H05"] != first["H06"]
    # Two sisters the model was unsure of (a borderline pair), next to the model's pairs.
    with pairs.open("a", encoding="utf-8") as handle:
        handle.write("H05,H06,0.6\n")
    run = ruta(
        "review",
        "import",
        str(pairs),
        str(HANDMADE),
        "--registry",
        "COL-HM",
        "--as",
        "cw",
        "--high",
        "1.0",
    )
    assert run.returncode == 0, run.stderr
    cw = session.scalar(select(User).where(User.username == "cw"))
    queued = {
        (row.record_id_a, row.record_id_b): row.id for row in session.scalars(select(ReviewPairRow))
    }
    do_decide_review_pair(session, cw, queued[("H05", "H06")], "merged", "Same person, new DNI")
    do_decide_review_pair(session, cw, queued[("H07", "H08")], "distinct", "Father and son")

    decisions = tmp_path / "decisions.csv"
    run = ruta("review", "export", "COL-HM", "--out", str(decisions), "--as", "aud")
    assert run.returncode == 0, run.stderr
    assert "2 decided pairs of COL-HM (1 merged, 1 distinct)" in run.stdout
    with decisions.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["record_id_a"], r["record_id_b"], r["decision"], r["decided_by"]) for r in rows] == [
        ("H05", "H06", "merged", "cw"),
        ("H07", "H08", "distinct", "cw"),
    ]

    after = tmp_path / "after.csv"
    run = ruta("link", "dedupe", str(HANDMADE), "--out", str(after), "--decisions", str(decisions))
    assert run.returncode == 0, run.stderr
    assert "1 merges applied, 1 model links removed" in run.stderr
    second = clusters_of(after)
    assert second["H05"] == second["H06"] and second["H07"] != second["H08"]
    # Clusters no decision touched are the same as before, ids included.
    untouched = [r for r in first.index if r not in {"H05", "H06", "H07", "H08"}]
    assert (second[untouched] == first[untouched]).all()

    refused = ruta(
        "review", "export", "COL-HM", "--out", str(decisions), "--as", "per", "--country", "COL"
    )
    assert refused.returncode == 2 and "may not export decisions of COL" in refused.stderr
    nobody = ruta("review", "export", "COL-HM", "--out", str(decisions), "--as", "ghost")
    assert nobody.returncode == 2 and "no user 'ghost'" in nobody.stderr
