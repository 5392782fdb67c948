"""Contribution periods: one row per period and country, read from JSON or CSV.

A row has ``country`` (ISO 3166-1 alpha-3; alpha-2 is read as the same country), ``from``
and ``to`` (ISO dates, both days included) and, optionally, ``scheme`` (a free label such
as ``INSS``), ``voluntary`` (true for voluntary contributions, which give way to compulsory
ones on overlapping days) and ``wage`` (the monthly wage in that state's currency, needed
only for amounts).

Every bad row is reported at once, by line and field, before anything is computed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from ruta.i18n import N_, Text
from ruta.labour.pensions._errors import PeriodsError
from ruta.pathways import COUNTRIES

__all__ = ["FIELDS", "Period", "check_periods", "problem_list", "read_periods"]

#: The fields a row may have; the first three are required.
FIELDS: Final = ("country", "from", "to", "scheme", "voluntary", "wage")
_REQUIRED: Final = FIELDS[:3]
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}
#: ISO 3166-1 alpha-2 -> alpha-3, for the countries Ruta names.
_ALPHA3: Final = {alpha2: alpha3 for alpha3, alpha2 in COUNTRIES.items()}
# A file with more problems than this is almost certainly the wrong file; say so briefly.
_SHOWN = 20
# TRANSLATORS: the problems found in a file of contribution periods, each already said in
# your language ("line 3, from: ...; line 5: ..."): keep it as it is.
_LISTED = N_("%(problems_shown)s")


@dataclass(frozen=True, slots=True)
class Period:
    """One contribution period in one state (both days included).

    Examples:
        >>> Period("ARG", dt.date(2020, 1, 1), dt.date(2020, 12, 31)).days
        366
    """

    country: str
    start: dt.date
    end: dt.date
    scheme: str | None = None
    voluntary: bool = False
    wage: Decimal | None = None
    line: int = 0

    @property
    def days(self) -> int:
        """Days in the period, both ends included."""
        return (self.end - self.start).days + 1


def _date(value: Any) -> dt.date | Text:
    text = str(value).strip() if value is not None else ""
    if not _ISO_DATE.match(text):
        return Text(N_("expected an ISO date YYYY-MM-DD, got %(value)s"), value=repr(text))
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return Text(N_("%(value)s is not a calendar date"), value=repr(text))


def _late(end: dt.date, as_of: dt.date) -> Text:
    return Text(
        N_("%(end)s is after the date of the claim (%(as_of)s)"),
        end=end.isoformat(),
        as_of=as_of.isoformat(),
    )


def problem_list(problems: Iterable[tuple[int, str, str]], *, bare: bool = True) -> Text:
    """The problems as one text, ``line 3, from: ...; line 5: ...``, each part said in the
    reader's language where it is a :class:`Text`.

    Args:
        problems: ``(line, field, message)``, in the order to show them.
        bare: A problem of no field reads ``line 5: ...`` (else ``line 5, : ...``).

    Examples:
        >>> text = problem_list([(2, "to", _late(dt.date(2031, 1, 1), dt.date(2030, 1, 1))),
        ...                      (1200, "", "not a list")])
        >>> text
        'line 2, to: 2031-01-01 is after the date of the claim (2030-01-01); line 1200: not a list'
    """
    parts = {
        f"p{i}": (
            Text(N_("line %(line)s: %(problem)s"), line=str(line), problem=message)
            if bare and not name
            else Text(
                N_("line %(line)s, %(field)s: %(problem)s"),
                line=str(line),
                field=name,
                problem=message,
            )
        )
        for i, (line, name, message) in enumerate(problems)
    }
    # Not a catalog message: the separator is the same in every language, and each part is
    # said from its own catalog message. One flat text, however many problems there are.
    return Text("; ".join(f"%({key})s" for key in parts), **parts)


def _row(
    values: Mapping[str, Any], line: int, as_of: dt.date, problems: list[tuple[int, str, str]]
) -> Period:
    found = len(problems)
    unknown = sorted(str(k) for k in values if k not in FIELDS)
    if unknown:
        expected = Text(N_("unknown field; expected %(fields)s"), fields=", ".join(FIELDS))
        problems.append((line, unknown[0], expected))
    for name in _REQUIRED:
        if values.get(name) in (None, ""):
            problems.append((line, name, Text(N_("is required"))))
    country = str(values.get("country") or "").strip().upper()
    # Payroll and social-security exports often write the two-letter code (AR, BR): it names
    # one country as surely as the three-letter one, so it is read as that country.
    country = _ALPHA3.get(country, country)
    if country and country not in COUNTRIES:
        problems.append(
            (
                line,
                "country",
                Text(
                    N_("%(value)s is not an ISO 3166-1 alpha-3 code (e.g. ARG, BRA)"),
                    value=repr(country),
                ),
            )
        )
    start, end = _date(values.get("from")), _date(values.get("to"))
    for name, parsed in (("from", start), ("to", end)):
        if isinstance(parsed, str) and values.get(name) not in (None, ""):
            problems.append((line, name, parsed))
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        before = Text(
            N_("%(end)s is before from (%(start)s)"), end=end.isoformat(), start=start.isoformat()
        )
        problems.append((line, "to", before))
    if isinstance(end, dt.date) and end > as_of:
        problems.append((line, "to", _late(end, as_of)))
    voluntary = str(values.get("voluntary", "")).strip().lower()
    if voluntary not in _TRUE | _FALSE:
        problems.append(
            (
                line,
                "voluntary",
                Text(N_("expected true or false, got %(value)s"), value=repr(voluntary)),
            )
        )
    wage: Decimal | None = None
    if values.get("wage") not in (None, ""):
        try:
            wage = Decimal(str(values["wage"]).strip())
        except InvalidOperation:
            wage = Decimal(-1)
        if not wage.is_finite() or wage <= 0:
            amount = Text(
                N_("expected a positive amount, got %(value)s"), value=repr(values["wage"])
            )
            problems.append((line, "wage", amount))
    if len(problems) > found or not isinstance(start, dt.date) or not isinstance(end, dt.date):
        return Period("", dt.date.min, dt.date.min, line=line)
    scheme = str(values.get("scheme") or "").strip() or None
    return Period(country, start, end, scheme, voluntary in _TRUE, wage, line)


def _json_rows(text: str, source: str) -> Iterable[tuple[int, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PeriodsError(
            N_("%(source)s is not valid JSON: %(reason)s at line %(line)s, column %(column)s"),
            field="PERIODS",
            problems=[(exc.lineno, "", exc.msg)],
            source=source,
            reason=exc.msg,
            line=str(exc.lineno),
            column=str(exc.colno),
        ) from None
    if not isinstance(data, list):
        raise PeriodsError(
            N_('%(source)s: expected a JSON list of {"country", "from", "to"} objects'),
            field="PERIODS",
            problems=[(1, "", "not a list")],
            source=source,
        )
    # Walk the list again to learn the line each element starts on, for the messages.
    decoder, position = json.JSONDecoder(), text.index("[") + 1
    for item in data:
        position = re.compile(r"[\s,]*").match(text, position).end()  # type: ignore[union-attr]
        yield text.count("\n", 0, position) + 1, item
        _, position = decoder.raw_decode(text, position)


def _csv_rows(text: str, source: str) -> Iterable[tuple[int, Any]]:
    # Spreadsheets in Spanish and Portuguese write CSV with ';' (and a decimal comma): the
    # header line decides, a comma on a tie.
    header_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=lambda d: (header_line.count(d), d == ","))
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in _REQUIRED if name not in header]
    if missing:
        raise PeriodsError(
            N_(
                "%(source)s: the CSV header must name the columns %(required)s "
                "(optional: %(optional)s); missing: %(missing)s"
            ),
            field="PERIODS",
            problems=[(1, name, "missing column") for name in missing],
            source=source,
            required=", ".join(_REQUIRED),
            optional=", ".join(FIELDS[3:]),
            missing=", ".join(missing),
        )
    reader.fieldnames = header
    for row in reader:
        if any((value or "").strip() for value in row.values() if isinstance(value, str)):
            values = {k: v for k, v in row.items() if v is not None}
            if delimiter != "," and isinstance(values.get("wage"), str):
                values["wage"] = values["wage"].replace(",", ".")
            yield reader.line_num, values


def check_periods(periods: Iterable[Period], as_of: dt.date) -> list[tuple[int, str, str]]:
    """Problems of already-built periods against the date of the claim.

    Examples:
        >>> late = Period("ARG", dt.date(2020, 1, 1), dt.date(2031, 1, 1), line=2)
        >>> check_periods([late], dt.date(2030, 1, 1))
        [(2, 'to', '2031-01-01 is after the date of the claim (2030-01-01)')]
    """
    return [(p.line, "to", _late(p.end, as_of)) for p in periods if p.end > as_of]


def read_periods(
    text: str, *, as_of: dt.date, source: str = "PERIODS", fmt: str | None = None
) -> list[Period]:
    """Read contribution periods from JSON (a list of objects) or CSV (with a header).

    Args:
        text: The file's content.
        as_of: The date of the claim; a period may not end after it.
        source: The file's name, for messages.
        fmt: ``json`` or ``csv``; by default JSON when the text starts with ``[`` or ``{``.

    Returns:
        The periods, in file order, each with the line it was read from.

    Raises:
        PeriodsError: Every bad row, by line and field, and what was expected.

    Examples:
        >>> rows = read_periods("country,from,to\\nARG,2001-01-01,2001-12-31\\n",
        ...                     as_of=dt.date(2026, 1, 1))
        >>> [(p.country, p.days, p.line) for p in rows]
        [('ARG', 365, 2)]
        >>> read_periods('[{"country": "ARG", "from": "2001-31-01", "to": "2002-01-01"}]',
        ...              as_of=dt.date(2026, 1, 1))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ruta.labour.pensions._errors.PeriodsError: PERIODS: line 1, from: '2001-31-01' is not ...
    """
    # A spreadsheet's "CSV UTF-8" (and some JSON writers) start with a byte-order mark: it is
    # no part of the first column's name or of the JSON.
    text = text.removeprefix("\ufeff")
    is_json = fmt == "json" or (fmt is None and text.lstrip()[:1] in ("[", "{"))
    rows = _json_rows(text, source) if is_json else _csv_rows(text, source)
    problems: list[tuple[int, str, str]] = []
    periods = []
    for line, item in rows:
        if not isinstance(item, Mapping):
            expected = Text(N_('expected an object {"country", "from", "to"}'))
            problems.append((line, "", expected))
            continue
        periods.append(_row(item, line, as_of, problems))
    if not periods and not problems:
        problems.append((1, "", Text(N_("no periods: give at least one row"))))
    if problems:
        problems.sort()
        shown = problem_list(problems[:_SHOWN])
        if len(problems) > _SHOWN:
            raise PeriodsError(
                N_("%(problems_shown)s (and %(more)s more)"),
                field=source,
                problems=problems,
                problems_shown=shown,
                more=str(len(problems) - _SHOWN),
            )
        raise PeriodsError(_LISTED, field=source, problems=problems, problems_shown=shown)
    return periods
