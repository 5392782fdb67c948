"""Scenario tests shipped beside each pack (``<pack>.tests.yaml``), readable by lawyers.

Each case gives a profile, a date and the expected status per pathway (optionally the
failed condition ids and the opening date). ``coverage`` checks that every pathway has at
least six cases and that each date boundary in its rules is tested on both sides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ruta.i18n import N_, Text
from ruta.pathways._catalog import PACKS_DIR, Catalog, _fail, default_catalog, read_yaml
from ruta.pathways._engine import eligible_on, judge
from ruta.pathways._errors import PackError, ProfileError, pydantic_problem
from ruta.pathways._expr import Lit, walk
from ruta.pathways._profile import parse_profile
from ruta.pathways._schema import TestCaseFile, TestCaseSpec

__all__ = ["CaseOutcome", "coverage", "run_pack_tests", "test_files"]

MIN_CASES = 6


@dataclass(slots=True)
class CaseOutcome:
    """The outcome of one case: which expectations failed."""

    file: Path
    name: str
    pathways: list[str]
    #: Catalog texts (``pathways``): English as strings, said in any language by the CLI.
    problems: list[Text] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def test_files(
    pack: str | None = None, directory: Path = PACKS_DIR, *, missing_ok: bool = False
) -> list[Path]:
    """The test files of one pack (by pack file stem) or of all packs."""
    pattern = f"{pack}.tests.yaml" if pack else "*.tests.yaml"
    files = sorted(directory.glob(pattern))
    if pack and not files and not missing_ok:
        raise PackError(
            N_("no test file for pack '%(pack)s' (%(path)s)"),
            pack=pack,
            path=str(directory / pattern),
        )
    return files


def _load(path: Path) -> list[TestCaseSpec]:
    raw = read_yaml(path)
    try:
        return TestCaseFile.model_validate(raw).tests
    except ValidationError as exc:
        err = exc.errors()[0]
        raise _fail(path, raw, err["loc"], pydantic_problem(err)) from None


def _with(problem: Text, detail: Text) -> Text:
    return Text(N_("%(problem)s (%(detail)s)"), problem=problem, detail=detail)


def _check(case: TestCaseSpec, catalog: Catalog) -> list[Text]:
    problems: list[Text] = []
    try:
        facts = parse_profile(case.profile).facts()
    except ProfileError as exc:
        if exc.field:
            return [
                Text(
                    N_("invalid profile: %(field)s: %(problem)s"),
                    field=exc.field,
                    problem=exc.message,
                )
            ]
        return [Text(N_("invalid profile: %(problem)s"), problem=exc.message)]
    for pathway_id, expected in case.expect.items():
        if pathway_id not in catalog.pathways:
            problems.append(
                Text(N_("%(pathway)s: no pack defines this pathway"), pathway=pathway_id)
            )
            continue
        verdict = judge(catalog.get(pathway_id), facts, case.as_of)
        if verdict.status != expected:
            problem = Text(
                N_("%(pathway)s: expected %(expected)s, got %(got)s"),
                pathway=pathway_id,
                expected=expected,
                got=verdict.status,
            )
            if verdict.failed:
                failed = Text(N_("failed: %(conditions)s"), conditions=", ".join(verdict.failed))
                problem = _with(problem, failed)
            waiting = sorted(set().union(*verdict.missing.values())) if verdict.missing else []
            if waiting:
                problem = _with(
                    problem, Text(N_("waiting for: %(facts)s"), facts=", ".join(waiting))
                )
            problems.append(problem)
        if pathway_id in case.failed and sorted(case.failed[pathway_id]) != sorted(verdict.failed):
            problems.append(
                Text(
                    N_("%(pathway)s: expected failed %(expected)s, got %(got)s"),
                    pathway=pathway_id,
                    expected=str(sorted(case.failed[pathway_id])),
                    got=str(sorted(verdict.failed)),
                )
            )
        if pathway_id in case.opens_on:
            got = eligible_on(verdict, facts, case.as_of)
            if got != case.opens_on[pathway_id]:
                problems.append(
                    Text(
                        N_("%(pathway)s: expected eligible on %(expected)s, got %(got)s"),
                        pathway=pathway_id,
                        expected=str(case.opens_on[pathway_id]),
                        got=str(got),
                    )
                )
    return problems


def run_pack_tests(
    pack: str | None = None,
    catalog: Catalog | None = None,
    directory: Path = PACKS_DIR,
    *,
    missing_ok: bool = False,
) -> Iterator[CaseOutcome]:
    """Run the scenario tests of ``directory`` (of one pack stem); one outcome per case.

    A case naming a pathway the catalog does not have fails with that message (a local
    folder's tests run against the shipped packs and the folder's own).
    """
    cat = catalog or default_catalog()
    for path in test_files(pack, directory, missing_ok=missing_ok):
        for case in _load(path):
            yield CaseOutcome(path, case.name, list(case.expect), _check(case, cat))


def _dates_in(value: Any) -> Iterator[dt.date]:
    if isinstance(value, dt.date):
        yield value
    elif isinstance(value, str):
        try:
            yield dt.date.fromisoformat(value)
        except ValueError:
            return
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _dates_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _dates_in(item)


def coverage(
    catalog: Catalog | None = None,
    directory: Path = PACKS_DIR,
    only: Iterable[str] | None = None,
) -> dict[str, list[Text]]:
    """Gaps in the scenario tests, per pathway (an empty dict means full coverage).

    A gap is fewer than six cases, or a date boundary of the pathway (window ends, date
    literals in conditions, dated parameter steps) without a case whose dates fall on each
    side of it. ``only`` limits the check to these pathways (a local folder's own).
    """
    cat = catalog or default_catalog()
    wanted = set(cat.pathways) if only is None else set(only)
    dates: dict[str, list[set[dt.date]]] = {pid: [] for pid in cat.pathways}
    for path in test_files(None, directory):
        for case in _load(path):
            case_dates = {case.as_of, *_dates_in(case.profile)}
            for pathway_id in case.expect:
                dates.setdefault(pathway_id, []).append(case_dates)
    gaps: dict[str, list[Text]] = {}
    for pathway_id, pathway in cat.pathways.items():
        if pathway_id not in wanted:
            continue
        cases = dates.get(pathway_id, [])
        problems = (
            []
            if len(cases) >= MIN_CASES
            else [Text(N_("%(count)s cases (need %(need)s)"), count=len(cases), need=MIN_CASES)]
        )
        boundaries = {d for d in (pathway.window.opens, pathway.window.closes) if d}
        for cond in pathway.conditions:
            boundaries |= {
                n.value
                for n in walk(cond.pred)
                if isinstance(n, Lit) and isinstance(n.value, dt.date)
            }
        for timeline in pathway.params.values():
            boundaries |= {start for start, _ in timeline.steps if start}
        seen = set().union(*cases) if cases else set()
        for boundary in sorted(boundaries):
            before = any(d < boundary for d in seen)
            after = any(d >= boundary for d in seen)
            if not (before and after):
                problems.append(
                    Text(N_("date boundary %(date)s not tested on both sides"), date=str(boundary))
                )
        if problems:
            gaps[pathway_id] = problems
    return gaps
