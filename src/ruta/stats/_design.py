"""What a release publishes: the populations counted and the tables cut from them.

A *population* is a set of units counted once each (applications submitted in the
period, decisions taken, open cases at the period's end ...), with the attributes a table
may break it down by. Some attributes are *hidden*: they only select an indicator
(``OUTCOME`` turns decisions into approvals and denials), so approvals + denials =
decisions is part of the tables' additive structure that disclosure control protects.

A *table* publishes indicators of one population by a few dimensions, with every margin
(``_T``). Tables of the same population share cells and are protected together.

Examples:
    >>> spec = TableSpec("decisions", ("DECISIONS", "APPROVALS", "DENIALS"), ("PATHWAY",))
    >>> spec.attributes(POPULATIONS["decisions"])
    ('PATHWAY', 'OUTCOME')
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "DEFAULT_STATISTICS",
    "DEFAULT_TABLES",
    "DIMENSIONS",
    "POPULATIONS",
    "RATES",
    "Population",
    "StatisticSpec",
    "TableSpec",
]

#: The SDMX dimensions of every observation, in key order.
DIMENSIONS = (
    "REF_AREA",
    "INDICATOR",
    "PATHWAY",
    "CITIZENSHIP",
    "SEX",
    "AGE",
    "OFFICE",
    "STAGE",
    "WAITING_TIME",
    "TIME_PERIOD",
)


@dataclass(frozen=True, slots=True)
class Population:
    """Units counted once each, with the attributes tables may use.

    Attributes:
        name: The unit table's name (``u_<name>`` in DuckDB).
        attributes: Dimensions and hidden attributes of a unit, in the order of the key.
        hidden: Hidden attributes with their full code lists.
        indicators: Indicator code -> the hidden attribute values that select it.
        flow: Whether units are events in the period (they then have a month, ``TIME``).
        magnitude: Whether the indicator sums an amount (``value``) instead of counting.
        unit: The SDMX unit of measure (``NUMBER``, or ``CURRENCY`` for per-pathway money).
    """

    name: str
    attributes: tuple[str, ...]
    indicators: dict[str, dict[str, str]]
    hidden: dict[str, tuple[str, ...]] = field(default_factory=dict)
    flow: bool = True
    magnitude: bool = False
    unit: str = "NUMBER"


_PERSON = ("PATHWAY", "CITIZENSHIP", "SEX", "AGE", "OFFICE")

POPULATIONS: dict[str, Population] = {
    p.name: p
    for p in (
        Population("applications", (*_PERSON, "TIME"), {"APPLICATIONS": {}}),
        Population(
            "decisions",
            (*_PERSON, "TIME", "OUTCOME", "SLA", "OVERRIDE"),
            {
                "DECISIONS": {},
                "APPROVALS": {"OUTCOME": "APPROVED"},
                "DENIALS": {"OUTCOME": "DENIED"},
                "SLA_BREACHES": {"SLA": "BREACH"},
                # Decided against the engine's assessment (ruta.cases.override).
                "OVERRIDES": {"OVERRIDE": "YES"},
            },
            hidden={
                "OUTCOME": ("APPROVED", "DENIED"),
                "SLA": ("BREACH", "WITHIN"),
                "OVERRIDE": ("YES", "NO"),
            },
        ),
        Population(
            "backlog",
            (*_PERSON, "WAITING_TIME", "SLA"),
            {"BACKLOG": {}, "BACKLOG_OVER_SLA": {"SLA": "BREACH"}},
            hidden={"SLA": ("BREACH", "WITHIN")},
            flow=False,
        ),
        Population(
            "appointments",
            ("OFFICE", "TIME", "ATTENDANCE"),
            {"APPOINTMENTS": {}, "NO_SHOWS": {"ATTENDANCE": "NO_SHOW"}},
            hidden={"ATTENDANCE": ("ATTENDED", "NO_SHOW")},
        ),
        Population(
            "permits",
            ("PATHWAY", "CITIZENSHIP", "SEX", "AGE", "EXPIRY"),
            {"PERMITS_IN_FORCE": {}, "PERMITS_EXPIRING": {"EXPIRY": "SOON"}},
            hidden={"EXPIRY": ("SOON", "LATER")},
            flow=False,
        ),
        Population("revocations", ("PATHWAY", "TIME"), {"PERMITS_REVOKED": {}}),
        Population("applications_to_date", ("PATHWAY",), {"APPLICATIONS_TO_DATE": {}}, flow=False),
        Population("eligible", ("PATHWAY",), {"ELIGIBLE_POPULATION": {}}, flow=False),
        Population(
            "fees",
            ("PATHWAY", "OFFICE", "TIME"),
            {"FEES_DUE": {}},
            magnitude=True,
            unit="CURRENCY",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class TableSpec:
    """Indicators of one population by some of its dimensions, with every margin."""

    population: str
    indicators: tuple[str, ...]
    dimensions: tuple[str, ...]

    def attributes(self, population: Population) -> tuple[str, ...]:
        """The population attributes of this table's finest cells, in population order."""
        fixed = {a for i in self.indicators for a in population.indicators[i]}
        used = set(self.dimensions) | fixed
        return tuple(a for a in population.attributes if a in used)


@dataclass(frozen=True, slots=True)
class StatisticSpec:
    """Median and 90th percentile of processing days by stage, by one dimension."""

    dimensions: tuple[str, ...]


#: Ratios published beside the counts: indicator -> (numerator, denominator).
RATES: dict[str, tuple[str, str]] = {
    "APPROVAL_RATE": ("APPROVALS", "DECISIONS"),
    "NO_SHOW_RATE": ("NO_SHOWS", "APPOINTMENTS"),
    "TAKE_UP_RATE": ("APPLICATIONS_TO_DATE", "ELIGIBLE_POPULATION"),
}

_OUTCOMES = ("DECISIONS", "APPROVALS", "DENIALS")

#: The default release: every indicator of issue 10, in low-dimensional linked tables.
DEFAULT_TABLES: tuple[TableSpec, ...] = (
    TableSpec("applications", ("APPLICATIONS",), ("PATHWAY", "TIME")),
    TableSpec("applications", ("APPLICATIONS",), ("PATHWAY", "CITIZENSHIP")),
    TableSpec("applications", ("APPLICATIONS",), ("PATHWAY", "SEX", "AGE")),
    TableSpec("applications", ("APPLICATIONS",), ("OFFICE", "TIME")),
    TableSpec("decisions", _OUTCOMES, ("PATHWAY", "TIME")),
    TableSpec("decisions", _OUTCOMES, ("PATHWAY", "CITIZENSHIP")),
    TableSpec("decisions", _OUTCOMES, ("SEX", "AGE")),
    TableSpec("decisions", _OUTCOMES, ("OFFICE", "TIME")),
    TableSpec("decisions", ("SLA_BREACHES",), ("PATHWAY", "TIME")),
    TableSpec("decisions", ("OVERRIDES",), ("PATHWAY", "TIME")),
    TableSpec("backlog", ("BACKLOG",), ("PATHWAY", "WAITING_TIME")),
    TableSpec("backlog", ("BACKLOG",), ("OFFICE", "WAITING_TIME")),
    TableSpec("backlog", ("BACKLOG",), ("CITIZENSHIP",)),
    TableSpec("backlog", ("BACKLOG_OVER_SLA",), ("PATHWAY",)),
    TableSpec("appointments", ("APPOINTMENTS", "NO_SHOWS"), ("OFFICE", "TIME")),
    TableSpec("permits", ("PERMITS_IN_FORCE", "PERMITS_EXPIRING"), ("PATHWAY",)),
    TableSpec("permits", ("PERMITS_IN_FORCE",), ("CITIZENSHIP",)),
    TableSpec("permits", ("PERMITS_IN_FORCE",), ("SEX", "AGE")),
    TableSpec("revocations", ("PERMITS_REVOKED",), ("PATHWAY", "TIME")),
    TableSpec("applications_to_date", ("APPLICATIONS_TO_DATE",), ("PATHWAY",)),
    TableSpec("eligible", ("ELIGIBLE_POPULATION",), ("PATHWAY",)),
    TableSpec("fees", ("FEES_DUE",), ("PATHWAY", "TIME")),
)

#: Processing times published by default (STAGE is always a dimension of these).
DEFAULT_STATISTICS: tuple[StatisticSpec, ...] = (
    StatisticSpec(("PATHWAY",)),
    StatisticSpec(("OFFICE",)),
)
