"""Birth dates as registries write them: other formats, reduced precision, impossible values.

Dates are read with the caller's strftime patterns (tried in order), then the ISO 8601 forms
``YYYY-MM-DD``, ``YYYY-MM`` and ``YYYY``; each value is stored as ISO 8601 with the
precision its pattern has (a pattern without a day gives ``1990-05``, one without a month
``1990``). A value that no pattern reads, or a date in the future, is impossible: the caller
blanks it and warns, the record is kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import pandas as pd

from ruta.i18n import N_
from ruta.linkage._errors import RegistryError
from ruta.linkage._text import Text, put

__all__ = ["ISO_FORMATS", "normalise_dates", "parse_date_formats"]

ISO_FORMATS: tuple[str, ...] = ("%Y-%m-%d", "%Y-%m", "%Y")
_DIRECTIVE = re.compile(r"%.")
_KNOWN = frozenset("dmbBYyjeA aHMSfpzZ%".replace(" ", ""))


def parse_date_formats(spec: str | Sequence[str] | None) -> tuple[str, ...]:
    """The patterns to try, in order: the caller's (``|``-separated), then the ISO forms.

    Raises:
        RegistryError: A pattern without a year, or with a directive Python does not know.

    Examples:
        >>> parse_date_formats("%d/%m/%Y|%Y%m%d")
        ('%d/%m/%Y', '%Y%m%d', '%Y-%m-%d', '%Y-%m', '%Y')
        >>> parse_date_formats(None)
        ('%Y-%m-%d', '%Y-%m', '%Y')
    """
    if spec is None:
        given: list[str] = []
    elif isinstance(spec, str):
        given = [p.strip() for p in spec.split("|") if p.strip()]
    else:
        given = [p.strip() for p in spec if p.strip()]
    for pattern in given:
        directives = {d[1] for d in _DIRECTIVE.findall(pattern)}
        if not directives & {"Y", "y"} or directives - _KNOWN:
            raise RegistryError(
                Text(
                    N_(
                        "got %(value)s; expected strftime patterns with a year, separated by | "
                        "(e.g. %(example)s)"
                    ),
                    value=repr(pattern),
                    example="'%d/%m/%Y|%Y%m%d'",
                ),
                field="date_format",
            )
    return tuple(dict.fromkeys([*given, *ISO_FORMATS]))


def _precision(pattern: str) -> int:
    directives = {d[1] for d in _DIRECTIVE.findall(pattern)}
    if directives & {"d", "e", "j"}:
        return 10
    return 7 if directives & {"m", "b", "B"} else 4


def normalise_dates(
    values: pd.Series, formats: Sequence[str] = ISO_FORMATS, *, today: date | None = None
) -> tuple[pd.Series, pd.Series]:
    """Read date strings with ``formats``; return ISO values and the problem of each row.

    Args:
        values: The date column as written (``""`` for missing).
        formats: Patterns from :func:`parse_date_formats`.
        today: Dates after this day are impossible (default: today, UTC).

    Returns:
        ``(iso, problem)``: ISO 8601 of the precision the pattern has, ``""`` where missing
        or impossible; and ``""`` or what is wrong with the value.

    Examples:
        >>> iso, problem = normalise_dates(pd.Series(["17/03/1990", "1990", "1990-02-30", ""]),
        ...     parse_date_formats("%d/%m/%Y"), today=date(2026, 1, 1))
        >>> list(iso)
        ['1990-03-17', '1990', '', '']
        >>> problem[2]
        'value 1990-02-30 is not a date; expected %d/%m/%Y, YYYY-MM-DD, YYYY-MM, YYYY'
    """
    today = today or pd.Timestamp.now(tz="UTC").date()
    codes, uniques = pd.factorize(values.fillna("").astype(str), sort=False)
    texts = pd.Series(uniques, dtype=object)
    iso = pd.Series("", index=texts.index, dtype=object)
    problem = pd.Series("", index=texts.index, dtype=object)
    todo = texts != ""
    for pattern in formats:
        if not todo.any():
            break
        parsed = pd.to_datetime(texts[todo], format=pattern, errors="coerce")
        ok = parsed.notna()
        if ok.any():
            width = _precision(pattern)
            hit = parsed[ok]
            iso[hit.index] = hit.dt.strftime("%Y-%m-%d").str[:width]
            future = hit.dt.date > today
            problem[hit.index[future.to_numpy()]] = "future"
            todo[hit.index] = False
    shown = ", ".join(
        {"%Y-%m-%d": "YYYY-MM-DD", "%Y-%m": "YYYY-MM", "%Y": "YYYY"}.get(f, f) for f in formats
    )
    # One text per distinct value (factorized above), said again in the user's language.
    problem = put(
        problem,
        todo,
        [
            Text(N_("value %(value)s is not a date; expected %(formats)s"), value=v, formats=shown)
            for v in texts[todo]
        ],
    )
    future = problem == "future"
    problem = put(
        problem,
        future,
        [
            Text(N_("value %(value)s is in the future; expected a birth date"), value=v)
            for v in texts[future]
        ],
    )
    iso[problem != ""] = ""
    index = values.index
    return (
        pd.Series(iso.to_numpy()[codes], index=index, dtype=object),
        pd.Series(problem.to_numpy()[codes], index=index, dtype=object),
    )
