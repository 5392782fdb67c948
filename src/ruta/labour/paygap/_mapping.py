"""Which survey column plays which part: options, or a small YAML mapping file.

A real labour-force survey never uses our names (``ingreso_mensual``, ``fex_c``,
``p6040`` ...), so every column is named by the user. The mapping file holds the same
keys as the command's options; options given on the command line win over the file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from ruta.i18n import N_, os_reason
from ruta.labour.paygap._errors import SurveyError

__all__ = ["ColumnMap", "load_mapping"]

HoursPer = Literal["week", "month"]
# The roles that may name a factor-weighted cell (parameters.yaml lists the ones used).
_ROLES = ("education", "age", "occupation", "sex")


@dataclass(frozen=True)
class ColumnMap:
    """Survey column names for each part of the analysis.

    Attributes:
        wage: Hourly wage, or monthly earnings when ``hours`` is given.
        migrant: 1/true for migrants, 0/false for nationals.
        hours: Usual hours worked (per ``hours_per``); makes ``wage`` monthly earnings.
        hours_per: Whether ``hours`` are weekly (default) or monthly hours.
        weight: The survey (expansion) weight; every row weighs 1 when omitted.
        covariates: Regressors of the wage equation, in order.
        categorical: The covariates to expand into one dummy per level.
        factors: The cells of the factor-weighted gap; defaults to the roles below.
        age: The age column (banded when it is a factor-weighted cell).
        occupation: The ISCO-08 occupation column (reduced to the major group).
        education: The education column (a default factor-weighted cell).
        sex: The sex column (a default factor-weighted cell).

    Examples:
        >>> m = ColumnMap(wage="w", migrant="m", covariates=("edad", "educ"),
        ...               categorical=("educ",))
        >>> m.numeric_covariates
        ('edad',)
    """

    wage: str
    migrant: str
    hours: str | None = None
    hours_per: HoursPer = "week"
    weight: str | None = None
    covariates: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    factors: tuple[str, ...] | None = None
    age: str | None = None
    occupation: str | None = None
    education: str | None = None
    sex: str | None = None

    def __post_init__(self) -> None:
        stray = [c for c in self.categorical if c not in self.covariates]
        if stray:
            raise SurveyError(
                N_(
                    "%(columns)s listed as categorical but not among the covariates; "
                    "add them to --covariates or remove them from --categorical"
                ),
                field="categorical",
                columns=", ".join(stray),
            )
        if self.hours_per not in ("week", "month"):
            raise SurveyError(
                N_("got %(value)s; expected week or month"),
                field="hours_per",
                value=repr(self.hours_per),
            )

    @property
    def numeric_covariates(self) -> tuple[str, ...]:
        """The covariates that enter the wage equation as numbers."""
        return tuple(c for c in self.covariates if c not in self.categorical)

    def default_factors(self, roles: Sequence[str] = _ROLES) -> tuple[str, ...]:
        """The factor-weighted cells: explicit ``factors``, else the columns of the ILO
        roles (``roles``, in order) that are mapped, else the categorical covariates."""
        if self.factors is not None:
            return self.factors
        named = tuple(getattr(self, role) for role in roles if getattr(self, role, None))
        return named or self.categorical

    def columns(self) -> tuple[str, ...]:
        """Every survey column the analysis reads, each once."""
        named = [
            self.wage,
            self.migrant,
            self.hours,
            self.weight,
            *self.covariates,
            *self.default_factors(),
            self.age,
            self.occupation,
        ]
        return tuple(dict.fromkeys(c for c in named if c))


_LISTS = ("covariates", "categorical", "factors")


def _clean(key: str, value: Any) -> Any:
    if key in _LISTS:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise SurveyError(N_("expected a list of column names"), field=f"mapping.{key}")
        return tuple(i.strip() for i in items if i.strip())
    if not isinstance(value, str) or not value.strip():
        raise SurveyError(
            N_("got %(value)s; expected a column name"), field=f"mapping.{key}", value=repr(value)
        )
    return value.strip()


def load_mapping(path: Path | None, overrides: Mapping[str, Any]) -> ColumnMap:
    """A :class:`ColumnMap` from a YAML file, with non-empty ``overrides`` winning.

    Raises:
        SurveyError: When the file is unreadable, has unknown keys, or ``wage`` or
            ``migrant`` is named nowhere.

    Examples:
        >>> load_mapping(None, {"wage": "salario", "migrant": "migra",
        ...                     "covariates": "edad,sexo", "categorical": "sexo"}).categorical
        ('sexo',)
    """
    known = {f.name for f in fields(ColumnMap)}
    data: dict[str, Any] = {}
    if path is not None:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise SurveyError(
                N_("cannot read %(path)s (%(reason)s)"),
                field="mapping",
                path=str(path),
                reason=os_reason(exc),
            ) from None
        except yaml.YAMLError as exc:
            raise SurveyError(
                N_("%(path)s is not valid YAML (%(reason)s)"),
                field="mapping",
                path=str(path),
                reason=str(exc),
            ) from None
        if not isinstance(loaded, dict):
            raise SurveyError(
                N_("%(path)s must be a YAML mapping of key: column"),
                field="mapping",
                path=str(path),
            )
        unknown = sorted(set(loaded) - known)
        if unknown:
            raise SurveyError(
                N_("unknown keys %(unknown)s; expected some of %(known)s"),
                field="mapping",
                unknown=", ".join(map(str, unknown)),
                known=", ".join(sorted(known)),
            )
        data = {k: _clean(k, v) for k, v in loaded.items() if v is not None}
    data.update({k: _clean(k, v) for k, v in overrides.items() if v not in (None, "", ())})
    for required in ("wage", "migrant"):
        if required not in data:
            raise SurveyError(
                N_("no column named; pass --%(key)s COL or put '%(key)s: COL' in the mapping file"),
                field=required,
                key=required,
            )
    return replace(ColumnMap(wage=data.pop("wage"), migrant=data.pop("migrant")), **data)
