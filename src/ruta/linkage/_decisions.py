"""Human review decisions fed back into deduplication: must-link and cannot-link pairs.

``ruta review export`` writes the decided pairs of the casework review queue as
``record_id_a, record_id_b, decision, decided_by, decided_at, reason``. Here they constrain
the clustering of ``ruta link dedupe --decisions``:

- ``merged`` (same person): the two records are linked whatever the model says (a
  must-link, reported as a link of probability 1.0 and marked ``decided``).
- ``distinct`` (not the same person): their direct link is removed (a cannot-link). When
  other records still chain them into one cluster, the cluster is split by dropping its
  weakest links between them: links are added strongest first (decided merges before every
  model link), and a link is skipped when it would put two records decided distinct into one
  cluster. Without decisions this is exactly the connected components Splink computes, so a
  decision changes only the clusters it touches. Each distinct pair that needed a split is
  reported as a conflict, with the links dropped.
- A merge that would join two records decided distinct (the decisions contradict each
  other, e.g. a = b, b = c, a != c) is not applied and is reported as a conflict: a person
  must resolve it in the review queue.

The clustering works on the scored pairs table, so it is the same for both engines.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from ruta.i18n import N_
from ruta.linkage._errors import LinkageError
from ruta.linkage._registry import BadRow
from ruta.linkage._text import Text

__all__ = [
    "DECISION_COLUMNS",
    "Conflict",
    "Decision",
    "Decisions",
    "DecisionsOutcome",
    "apply_decisions",
    "read_decisions",
]

#: The columns ``ruta review export`` writes; the first three are required on reading.
DECISION_COLUMNS: tuple[str, ...] = (
    "record_id_a",
    "record_id_b",
    "decision",
    "decided_by",
    "decided_at",
    "reason",
)
_REQUIRED = DECISION_COLUMNS[:3]
# "merge" is accepted as well because the issue and officers say it; the queue stores "merged".
_KINDS: dict[str, Literal["merged", "distinct"]] = {
    "merged": "merged",
    "merge": "merged",
    "distinct": "distinct",
}

Kind = Literal["merged", "distinct"]


@dataclass(frozen=True)
class Decision:
    """One decided pair.

    Attributes:
        record_id_a: One record (the smaller id of the two).
        record_id_b: The other record.
        kind: ``merged`` (same person) or ``distinct``.
        line: The line of the decisions file it came from (header is line 1).
    """

    record_id_a: str
    record_id_b: str
    kind: Kind
    line: int


@dataclass
class Decisions:
    """The valid decisions of a file and the rows left out.

    Attributes:
        items: Valid decisions, in file order, one per pair.
        skipped: Rows left out (``on_error="skip"``), with line and column.
        source: The file read.
    """

    items: list[Decision] = field(default_factory=list)
    skipped: list[BadRow] = field(default_factory=list)
    source: str = ""


@dataclass(frozen=True)
class Conflict:
    """A distinct pair that other links put in one cluster, or contradicting decisions.

    Attributes:
        record_id_a: One record of the distinct pair.
        record_id_b: The other.
        line: The distinct decision's line in the decisions file.
        kind: ``split`` (kept apart by dropping links) or ``contradiction`` (a merge
            decision would join them; that merge was not applied).
        links_removed: How many links were dropped (for ``split``), or merge decisions
            not applied (for ``contradiction``).
        strongest_removed: The highest probability among the dropped links (1.0 for a
            merge decision not applied).
        detail: The dropped links or decisions, ``a~b:p`` separated by spaces.
    """

    record_id_a: str
    record_id_b: str
    line: int
    kind: Literal["split", "contradiction"]
    links_removed: int
    strongest_removed: float
    detail: str


@dataclass
class DecisionsOutcome:
    """Clusters after the decisions, and what they changed.

    Attributes:
        clusters: ``record_id, cluster_id, cluster_size, weakest_link_probability, decided``
            (``decided``: ``merged``, ``distinct``, ``merged+distinct`` or empty, the kinds
            of decisions that shaped the cluster).
        pairs: The scored pairs with a ``decided`` column (``merged``, ``distinct`` or "").
        conflicts: Distinct pairs that needed a split, and contradicting decisions.
        merges_applied: Merge decisions that linked their records.
        links_removed: Model links removed (direct distinct links and links dropped by splits).
    """

    clusters: pd.DataFrame
    pairs: pd.DataFrame
    conflicts: list[Conflict]
    merges_applied: int
    links_removed: int

    def conflicts_frame(self) -> pd.DataFrame:
        """The conflicts as a table (for ``--conflicts-out``)."""
        columns = list(Conflict.__dataclass_fields__)
        return pd.DataFrame([c.__dict__ for c in self.conflicts], columns=columns)


def _key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def read_decisions(
    path: str | Path,
    known_ids: Iterable[str],
    *,
    on_error: Literal["skip", "stop"] = "stop",
) -> Decisions:
    """Read a decisions CSV (``ruta review export``) against the registry's record ids.

    Args:
        path: The CSV file.
        known_ids: Record ids of the registry being deduplicated.
        on_error: ``skip`` bad rows (listed in ``skipped``) or ``stop`` at the first.

    Returns:
        The valid decisions, one per pair.

    Raises:
        LinkageError: The file is missing or lacks a required column, or (``stop``) a row
            is bad; the message names the line and the column.
    """
    path = Path(path)
    if not path.is_file():
        raise LinkageError(
            Text(N_("%(path)s does not exist; expected a decisions CSV"), path=str(path)),
            field="decisions",
        )
    known = set(known_ids)
    out = Decisions(source=str(path))
    seen: dict[tuple[str, str], Decision] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in _REQUIRED if c not in header]
        if missing:
            raise LinkageError(
                Text(
                    N_(
                        "%(path)s lacks column %(missing)s; expected columns %(columns)s "
                        "(ruta review export)"
                    ),
                    path=str(path),
                    missing=", ".join(missing),
                    columns=", ".join(DECISION_COLUMNS),
                ),
                field="decisions",
            )
        for row in reader:
            # The row's last physical line (a reason may span lines; then it is its end).
            line = reader.line_num
            try:
                checked = _check_row(row, known, seen)
            except _BadRow as bad:
                if on_error == "stop":
                    raise LinkageError(
                        Text(
                            N_("%(path)s line %(line)s, column %(column)s: %(problem)s"),
                            path=str(path),
                            line=str(line),
                            column=bad.column,
                            problem=bad.message,
                        ),
                        field="decisions",
                    ) from None
                out.skipped.append(BadRow(line, bad.column, bad.message))
                continue
            if checked is None:
                continue  # the same decision again: nothing new
            decision = Decision(checked[0], checked[1], checked[2], line)
            seen[(decision.record_id_a, decision.record_id_b)] = decision
            out.items.append(decision)
    return out


class _BadRow(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _check_row(
    row: dict[str, str | None],
    known: set[str],
    seen: dict[tuple[str, str], Decision],
) -> tuple[str, str, Kind] | None:
    """A row's (a, b, kind), or ``None`` for a repeat.

    Raises:
        _BadRow: The row is bad (names the column).
    """
    ids = []
    for column in ("record_id_a", "record_id_b"):
        value = (row.get(column) or "").strip()
        if not value:
            raise _BadRow(column, "is empty; expected a record id of the registry")
        if value not in known:
            raise _BadRow(column, f"record {value!r} is not in the registry")
        ids.append(value)
    if ids[0] == ids[1]:
        raise _BadRow("record_id_b", f"is the same record as record_id_a ({ids[0]!r})")
    raw = (row.get("decision") or "").strip().lower()
    kind = _KINDS.get(raw)
    if kind is None:
        raise _BadRow("decision", f"got {raw!r}; expected merged or distinct")
    a, b = _key(ids[0], ids[1])
    earlier = seen.get((a, b))
    if earlier is not None:
        if earlier.kind == kind:
            return None
        raise _BadRow("decision", f"got {kind} but line {earlier.line} decided {earlier.kind}")
    return a, b, kind


class _Forest:
    """Union-find over record ids that refuses unions joining a cannot-link pair."""

    def __init__(self, ids: Iterable[str], cannot: dict[str, set[str]]) -> None:
        self.parent = {i: i for i in ids}
        # For each root, the records its component must not be joined with.
        self.forbid = {i: set(partners) for i, partners in cannot.items()}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def blocking(self, x: str, y: str) -> str | None:
        """A record of ``y``'s component that ``x``'s component must not join, if any."""
        rx, ry = self.find(x), self.find(y)
        if rx == ry:
            return None
        small, other = (
            (rx, ry) if len(self.forbid.get(rx, ())) <= len(self.forbid.get(ry, ())) else (ry, rx)
        )
        for partner in self.forbid.get(small, ()):
            if self.find(partner) == other:
                return partner
        return None

    def union(self, x: str, y: str) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx == ry:
            return
        self.parent[ry] = rx
        if ry in self.forbid:
            self.forbid.setdefault(rx, set()).update(self.forbid.pop(ry))


def apply_decisions(
    clusters: pd.DataFrame, pairs: pd.DataFrame, threshold: float, decisions: Decisions
) -> DecisionsOutcome:
    """Re-cluster with the decisions as must-links and cannot-links (see the module doc).

    Args:
        clusters: ``DedupeResult.clusters`` (its cluster ids are kept for unchanged clusters).
        pairs: ``DedupeResult.pairs`` (``record_id_l, record_id_r, match_probability``).
        threshold: The probability at which model pairs are links.
        decisions: From :func:`read_decisions`.

    Returns:
        The new clusters, the pairs marked with the decisions, and the conflicts.
    """
    ids = clusters["record_id"].astype(str).tolist()
    kinds = {(d.record_id_a, d.record_id_b): d for d in decisions.items}
    cannot: dict[str, set[str]] = {}
    for d in decisions.items:
        if d.kind == "distinct":
            cannot.setdefault(d.record_id_a, set()).add(d.record_id_b)
            cannot.setdefault(d.record_id_b, set()).add(d.record_id_a)
    forest = _Forest(ids, cannot)
    dropped: dict[tuple[str, str], list[str]] = {}
    contradicted: dict[tuple[str, str], list[str]] = {}
    strongest: dict[tuple[str, str], float] = {}
    links: list[tuple[str, str, float]] = []
    merged_links: list[tuple[str, str]] = []

    for d in decisions.items:
        if d.kind != "merged":
            continue
        partner = forest.blocking(d.record_id_a, d.record_id_b)
        if partner is None:
            forest.union(d.record_id_a, d.record_id_b)
            merged_links.append((d.record_id_a, d.record_id_b))
            continue
        culprit = _culprit(forest, d.record_id_a, d.record_id_b, partner, cannot)
        contradicted.setdefault(culprit, []).append(
            f"{d.record_id_a}~{d.record_id_b}:merged(line {d.line})"
        )

    marks = []
    for left, right in zip(
        pairs["record_id_l"].astype(str), pairs["record_id_r"].astype(str), strict=True
    ):
        found = kinds.get(_key(left, right))
        marks.append(found.kind if found is not None else "")
    marked = pairs.assign(decided=marks)
    model = marked[(marked["match_probability"] >= threshold) & (marked["decided"] == "")]
    direct = marked[(marked["match_probability"] >= threshold) & (marked["decided"] == "distinct")]
    direct_removed = len(direct)
    model = model.sort_values(
        ["match_probability", "record_id_l", "record_id_r"],
        ascending=[False, True, True],
        kind="stable",
    )
    for left, right, prob in zip(
        model["record_id_l"].astype(str),
        model["record_id_r"].astype(str),
        model["match_probability"].astype(float),
        strict=True,
    ):
        partner = forest.blocking(left, right)
        if partner is None:
            forest.union(left, right)
            links.append((left, right, prob))
            continue
        culprit = _culprit(forest, left, right, partner, cannot)
        dropped.setdefault(culprit, []).append(f"{left}~{right}:{prob:.4f}")
        strongest[culprit] = max(strongest.get(culprit, 0.0), prob)

    conflicts = []
    for d in decisions.items:
        key = (d.record_id_a, d.record_id_b)
        if key in contradicted:
            conflicts.append(
                Conflict(
                    *key,
                    d.line,
                    "contradiction",
                    len(contradicted[key]),
                    1.0,
                    " ".join(contradicted[key]),
                )
            )
        if key in dropped:
            conflicts.append(
                Conflict(
                    *key, d.line, "split", len(dropped[key]), strongest[key], " ".join(dropped[key])
                )
            )
    # A cluster is marked "distinct" when a distinct decision removed one of its links.
    touched_distinct = set(direct["record_id_l"].astype(str)) | set(
        direct["record_id_r"].astype(str)
    )
    touched_distinct.update(r for key in dropped for r in key)
    new = _clusters(clusters, forest, ids, links, merged_links, touched_distinct)
    removed = direct_removed + sum(len(v) for v in dropped.values())
    return DecisionsOutcome(
        new, marked.reset_index(drop=True), conflicts, len(merged_links), removed
    )


def _culprit(
    forest: _Forest, x: str, y: str, partner: str, cannot: dict[str, set[str]]
) -> tuple[str, str]:
    """The distinct pair that a link x~y would join (``partner`` is one of its records)."""
    side = forest.find(partner)
    other = forest.find(x) if forest.find(y) == side else forest.find(y)
    for record in sorted(cannot.get(partner, ())):
        if forest.find(record) == other:
            return _key(partner, record)
    raise AssertionError("a blocking partner always has a cannot-link in the other cluster")


def _clusters(
    clusters: pd.DataFrame,
    forest: _Forest,
    ids: list[str],
    links: list[tuple[str, str, float]],
    merged_links: list[tuple[str, str]],
    touched_distinct: set[str],
) -> pd.DataFrame:
    roots = [forest.find(i) for i in ids]
    frame = pd.DataFrame({"record_id": ids, "root": roots})
    frame["old"] = clusters["cluster_id"].astype(str).to_numpy()
    # A cluster keeps Splink's id when it has exactly the records Splink gave that id (the
    # usual case); a changed one is named after its smallest record id. Splink's ids are
    # record ids of their own cluster, so the two kinds cannot collide.
    per_root = frame.groupby("root").agg(
        n=("record_id", "size"),
        first=("record_id", "min"),
        olds=("old", "nunique"),
        old=("old", "first"),
    )
    old_sizes = frame.groupby("old")["record_id"].size()
    same = (per_root["olds"] == 1) & (per_root["n"] == per_root["old"].map(old_sizes))
    per_root["cluster_id"] = per_root["old"].where(same, per_root["first"])
    frame["cluster_id"] = frame["root"].map(per_root["cluster_id"])
    frame["cluster_size"] = frame["root"].map(per_root["n"])
    weakest: dict[str, float] = {}
    for left, _right, prob in links:
        root = forest.find(left)
        weakest[root] = min(weakest.get(root, 1.0), prob)
    merged_roots = {forest.find(a) for a, _b in merged_links}
    for root in merged_roots:
        weakest[root] = min(weakest.get(root, 1.0), 1.0)
    distinct_roots = {forest.find(r) for r in touched_distinct}
    frame["weakest_link_probability"] = frame["root"].map(weakest)
    frame["decided"] = [
        "+".join(
            k
            for k, hit in (("merged", r in merged_roots), ("distinct", r in distinct_roots))
            if hit
        )
        for r in frame["root"]
    ]
    out = frame[["record_id", "cluster_id", "cluster_size", "weakest_link_probability", "decided"]]
    return out.sort_values(["cluster_id", "record_id"]).reset_index(drop=True)
