"""A quarter's release and its months' releases, published side by side, protect together.

Each month's release withholds its own cells; the quarter's release publishes the
quarter and each month of its tables by time. If the two disagreed on a cell (withheld in
one, published in the other) or the quarter published a cell only one of whose month parts
is withheld, an attacker holding both would subtract: the quarter minus two months is the
third.
Likewise applications to date: two of them a month apart give that month's applications.
Random small case stores (many small cells) from the unit tables' oracle test.
"""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.stats.test_units_oracle import PATHWAYS, _load, _store

from ruta.stats import DIMENSIONS, Release, build_units, compute_release, parse_period
from ruta.stats._units import pathway_code

QUARTER = parse_period("2026-Q3")
#: The end of the quarter, or a moment while its second month runs.
MOMENTS = (datetime(2026, 10, 1), datetime(2026, 8, 15, 12))
AT = DIMENSIONS.index("TIME_PERIOD")
#: Indicators that count events of the period (stocks are taken at its end).
FLOWS = {
    "APPLICATIONS",
    "DECISIONS",
    "APPROVALS",
    "DENIALS",
    "SLA_BREACHES",
    "OVERRIDES",
    "APPOINTMENTS",
    "NO_SHOWS",
    "PERMITS_REVOKED",
}


def _releases(
    seed: int, moment: datetime, threshold: int, rounding: int | None, *, linked: bool = True
) -> tuple[Release, list[Release]]:
    duck = _load(*_store(seed))
    pathways = {area: [pathway_code(p) for p in ids] for area, ids in PATHWAYS.items()}

    def release(code: str) -> Release:
        period = parse_period(code)
        as_of = min(datetime.combine(period.end, datetime.min.time()), moment)
        build_units(duck, period, as_of)
        return compute_release(
            duck,
            period,
            as_of,
            pathways,
            threshold=threshold,
            rounding=rounding,
            seed=11,
            linked=linked,
        )

    if not linked:  # where quarters are published alone: the quarter before instead
        return release(QUARTER.code), [release("2026-Q2")]
    months = [release(m.code) for m in QUARTER.months if m.start < moment.date()]
    return release(QUARTER.code), months


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    moment=st.sampled_from(MOMENTS),
    threshold=st.sampled_from((3, 5)),
    rounding=st.sampled_from((None, 3)),
)
def test_a_quarter_and_its_months_agree_and_cannot_be_subtracted(
    seed: int, moment: datetime, threshold: int, rounding: int | None
) -> None:
    quarter, months = _releases(seed, moment, threshold, rounding)
    shown = {o.key: o for o in quarter.observations}
    in_month: dict[tuple[str, ...], dict[str, float | None]] = {}
    for month in months:
        for o in month.observations:
            # A cell both publish: the same decision and (rounded the same way) value.
            if o.key in shown:
                assert (shown[o.key].status, shown[o.key].value) == (o.status, o.value), o.key
            if o.key[1] in FLOWS:
                in_month.setdefault((*o.key[:AT], *o.key[AT + 1 :]), {})[o.key[AT]] = o.value
    # The quarter minus its other months: a month cell withheld alone is not given back
    # (two withheld months may share what the quarter says; the audit judges that).
    for key, values in in_month.items():
        whole = shown.get((*key[:AT], QUARTER.code, *key[AT:]))
        if whole is None or whole.value is None or rounding:
            continue
        assert list(values.values()).count(None) != 1, (key, values, whole.value)
    _to_date_tells_nothing_new(months)
    assert quarter.audit().passed


def _to_date_tells_nothing_new(months: list[Release]) -> None:
    """Applications to date at two month ends differ by the later month's applications:
    where both are published, that month publishes the difference itself."""
    pathway = DIMENSIONS.index("PATHWAY")

    def by_pathway(release: Release, indicator: str) -> dict[tuple[str, str], float | None]:
        return {
            (o.key[0], o.key[pathway]): o.value
            for o in release.observations
            if o.key[1] == indicator and all(c in ("_T", "_Z") for c in o.key[3:AT])
        }

    for before, month in pairwise(months):
        earlier = by_pathway(before, "APPLICATIONS_TO_DATE")
        later = by_pathway(month, "APPLICATIONS_TO_DATE")
        applied = by_pathway(month, "APPLICATIONS")
        for cell, value in later.items():
            if value is None or earlier.get(cell) is None:
                continue
            assert applied.get(cell, 0.0) is not None, cell
            if month.rounding is None:
                assert value - earlier[cell] == applied.get(cell, 0.0), cell


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), threshold=st.sampled_from((3, 5)))
def test_quarters_published_alone_keep_their_applications_to_date_safe(
    seed: int, threshold: int
) -> None:
    """Where only quarters are published (RUTA_STATS_CALENDAR=quarters) a quarter is
    protected on its own, and two quarters' applications to date differ by a published
    quarter's applications."""
    quarter, (before,) = _releases(seed, MOMENTS[0], threshold, None, linked=False)
    _to_date_tells_nothing_new([before, quarter])
    assert quarter.audit().passed
