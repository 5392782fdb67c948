"""The migrant pay gap: how much less migrants earn than nationals, and why.

From labour-force-survey microdata (CSV or Parquet, any column names):

- the raw gap on weighted mean and median hourly wages (log points and percent);
- the ILO factor-weighted gap: gaps inside cells of similar workers (education, age band,
  occupation group, sex), weighted by each cell's share of wage employment;
- Oaxaca-Blinder decompositions with survey weights: twofold against four references
  (pooled with a migrant dummy, Neumark's pooled, nationals', migrants'), threefold, and
  detailed per-variable contributions with categorical effects normalized (Yun 2005);
- standard errors by the delta method and, on request, by a seeded bootstrap.

Examples:
    >>> import pyarrow as pa
    >>> table = pa.table({"w": [10.0, 12.0, 8.0, 9.0, 11.0, 7.0],
    ...                   "m": [0, 0, 1, 1, 0, 1], "age": [30.0, 40, 35, 45, 50, 25]})
    >>> survey = survey_from_table(table, ColumnMap(wage="w", migrant="m",
    ...                                              covariates=("age",)))
    >>> result = analyse(survey)
    >>> round(result["raw_gap", "mean_log"].value, 4)
    0.3209
    >>> parts = result["twofold", "pooled", "explained"], result["twofold", "pooled", "unexplained"]
    >>> round(sum(p.value for p in parts), 4)
    0.3209
"""

from __future__ import annotations

from ruta.labour.paygap._analysis import Estimate, PayGap, analyse
from ruta.labour.paygap._decompose import REFERENCES, THREEFOLD
from ruta.labour.paygap._errors import PayGapError, SurveyError
from ruta.labour.paygap._json import to_json
from ruta.labour.paygap._mapping import ColumnMap, load_mapping
from ruta.labour.paygap._parameters import MethodParameters, method_parameters
from ruta.labour.paygap._report import write_report
from ruta.labour.paygap._survey import Survey, read_survey, survey_from_table
from ruta.labour.paygap._synth import SurveyTruth, synthetic_survey

__all__ = [
    "REFERENCES",
    "THREEFOLD",
    "ColumnMap",
    "Estimate",
    "MethodParameters",
    "PayGap",
    "PayGapError",
    "Survey",
    "SurveyError",
    "SurveyTruth",
    "analyse",
    "load_mapping",
    "method_parameters",
    "read_survey",
    "survey_from_table",
    "synthetic_survey",
    "to_json",
    "write_report",
]
