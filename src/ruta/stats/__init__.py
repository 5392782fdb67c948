"""Migration statistics the region can compare: indicators, disclosure control, SDMX.

``build_release`` reads the case store through the caller's connection and computes
every indicator of a period (applications, decisions, approvals, denials, approval rate,
processing time by stage, backlog and its age, SLA breaches, no-shows, permits in force,
expiring and revoked, take-up, fees) as SDMX observations, with threshold and dominance
rules, secondary suppression proven by a linear-programming audit, and optional random
rounding. ``write_export`` writes SDMX-CSV 2.0 with its structure, CSV or Parquet.
``forecast_backlog`` projects an office's backlog and answers the staffing questions.
See docs/stats.md.
"""

from __future__ import annotations

from ruta.stats._api import CALENDARS, build_release, check_calendar, load_simulation
from ruta.stats._audit import Interval
from ruta.stats._cache import (
    ReleaseCache,
    StoreVersion,
    moment_key,
    population_key,
    store_version,
)
from ruta.stats._codes import CODE_LISTS, code_names, concept_names
from ruta.stats._design import (
    DEFAULT_STATISTICS,
    DEFAULT_TABLES,
    DIMENSIONS,
    POPULATIONS,
    RATES,
    StatisticSpec,
    TableSpec,
)
from ruta.stats._errors import (
    DisclosureError,
    ExportError,
    ForecastError,
    PeriodError,
    SourceError,
    StatsError,
)
from ruta.stats._files import check_target
from ruta.stats._forecast import Forecast, Model, ProjectedWeek, fit_model, forecast_backlog
from ruta.stats._history import OfficeHistory, office_histories
from ruta.stats._params import Cited, disclosure_rules, sla_rule
from ruta.stats._period import Period, parse_period
from ruta.stats._release import AuditReport, CellAudit, Observation, Release, compute_release
from ruta.stats._sdmx import FORMATS, STRUCTURE_ID, structure_path, write_export
from ruta.stats._source import load_case_store
from ruta.stats._units import build_units, pathway_code

__all__ = [
    "CALENDARS",
    "CODE_LISTS",
    "DEFAULT_STATISTICS",
    "DEFAULT_TABLES",
    "DIMENSIONS",
    "FORMATS",
    "POPULATIONS",
    "RATES",
    "STRUCTURE_ID",
    "AuditReport",
    "CellAudit",
    "Cited",
    "DisclosureError",
    "ExportError",
    "Forecast",
    "ForecastError",
    "Interval",
    "Model",
    "Observation",
    "OfficeHistory",
    "Period",
    "PeriodError",
    "ProjectedWeek",
    "Release",
    "ReleaseCache",
    "SourceError",
    "StatisticSpec",
    "StatsError",
    "StoreVersion",
    "TableSpec",
    "build_release",
    "build_units",
    "check_calendar",
    "check_target",
    "code_names",
    "compute_release",
    "concept_names",
    "disclosure_rules",
    "fit_model",
    "forecast_backlog",
    "load_case_store",
    "load_simulation",
    "moment_key",
    "office_histories",
    "parse_period",
    "pathway_code",
    "population_key",
    "sla_rule",
    "store_version",
    "structure_path",
    "write_export",
]
