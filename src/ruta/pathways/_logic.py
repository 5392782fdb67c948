"""Three-valued (Kleene) evaluation of condition expressions for one person.

``True`` and ``False`` are known outcomes, ``None`` is unknown. An unknown fact makes a
comparison unknown, but ``all`` is false as soon as one part is false and ``any`` is true as
soon as one part is true: a known fact that rules a pathway out settles it. Each evaluation
also returns the facts whose absence made the outcome unknown (empty when it is known).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ruta.pathways._dates import DateRange
from ruta.pathways._expr import (
    All,
    Any_,
    AsOf,
    Cmp,
    DateShift,
    Fact,
    In,
    Item,
    Known,
    Lit,
    Not,
    Param,
    Pick,
    Pred,
    Quant,
    Span,
    Term,
    Truthy,
)
from ruta.pathways._model import Timeline
from ruta.pathways._profile import fact_value

__all__ = [
    "Bounds",
    "Context",
    "add_business_days",
    "add_months",
    "eval_pred",
    "eval_term",
    "whole_years",
]

Missing = frozenset[str]
_NONE: Missing = frozenset()


@dataclass(frozen=True, slots=True)
class Bounds:
    """A value known only to lie between ``lo`` and ``hi``: a birth date given to the year or
    the month, or a term computed from one (an age). ``facts`` made it imprecise."""

    lo: Any
    hi: Any
    facts: frozenset[str]


@dataclass(frozen=True, slots=True)
class Context:
    """What an expression is evaluated against."""

    facts: Mapping[str, Any]
    as_of: dt.date
    params: Mapping[str, Timeline]
    item: Mapping[str, Any] | None = None
    item_path: str = ""
    # Elements bound by name (``as:``) in the enclosing quantifiers: name -> (element, path).
    bound: Mapping[str, tuple[Mapping[str, Any], str]] = field(default_factory=dict)

    def enter(self, item: Mapping[str, Any], path: str, name: str | None = None) -> Context:
        """The context inside a quantifier, with ``item`` as the current element."""
        bound = {**self.bound, name: (item, path)} if name else self.bound
        return Context(self.facts, self.as_of, self.params, item, path, bound)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clamped to the end of a shorter month.

    Examples:
        >>> add_months(dt.date(2024, 1, 31), 1)
        datetime.date(2024, 2, 29)
        >>> add_months(dt.date(2024, 3, 15), -6)
        datetime.date(2023, 9, 15)
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_business_days(day: dt.date, count: int, holidays: Sequence[dt.date] = ()) -> dt.date:
    """The date ``count`` business days after ``day`` (weekends and holidays skipped).

    Examples:
        >>> add_business_days(dt.date(2021, 4, 20), 5)
        datetime.date(2021, 4, 27)
    """
    skip = set(holidays)
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    current = day
    while remaining:
        current += dt.timedelta(days=step)
        if current.weekday() < 5 and current not in skip:
            remaining -= 1
    return current


def whole_years(start: dt.date, end: dt.date) -> int:
    """Completed years from ``start`` to ``end`` (an age).

    Examples:
        >>> whole_years(dt.date(1990, 5, 1), dt.date(2026, 4, 30))
        35
    """
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def _shift(base: dt.date, amount: int, unit: str, holidays: Sequence[dt.date]) -> dt.date:
    if unit == "days":
        return base + dt.timedelta(days=amount)
    if unit == "months":
        return add_months(base, amount)
    if unit == "years":
        return add_months(base, 12 * amount)
    return add_business_days(base, amount, holidays)


def eval_term(term: Term, ctx: Context) -> tuple[Any, Missing]:
    """A term's value (None when unknown) and the facts that made it unknown."""
    match term:
        case Lit(value):
            return value, _NONE
        case Fact(path):
            value = fact_value(ctx.facts, path)
            if isinstance(value, DateRange):
                return Bounds(value.earliest, value.latest, frozenset({path})), _NONE
            return value, (_NONE if value is not None else frozenset({path}))
        case Item(name, None):
            value = ctx.item.get(name) if ctx.item is not None else None
            return value, (_NONE if value is not None else frozenset({f"{ctx.item_path}.{name}"}))
        case Item(name, scope):
            element, where = ctx.bound[str(scope)]
            value = element.get(name)
            return value, (_NONE if value is not None else frozenset({f"{where}.{name}"}))
        case Param(name):
            return ctx.params[name].at(ctx.as_of), _NONE
        case AsOf():
            return ctx.as_of, _NONE
        case DateShift(base, amount, unit, sign):
            base_value, m1 = eval_term(base, ctx)
            amount_value, m2 = eval_term(amount, ctx)
            if base_value is None or amount_value is None:
                return None, m1 | m2
            holidays = ctx.params["holidays"].at(ctx.as_of) if "holidays" in ctx.params else ()
            n = sign * int(amount_value)
            if isinstance(base_value, Bounds):
                lo = _shift(base_value.lo, n, unit, holidays or ())
                hi = _shift(base_value.hi, n, unit, holidays or ())
                return Bounds(lo, hi, base_value.facts), _NONE
            return _shift(base_value, n, unit, holidays or ()), _NONE
        case Span(start, end, unit):
            a, m1 = eval_term(start, ctx)
            b, m2 = eval_term(end, ctx)
            if a is None or b is None:
                return None, m1 | m2

            def span(x: dt.date, y: dt.date) -> int:
                return whole_years(x, y) if unit == "years" else (y - x).days

            if isinstance(a, Bounds) or isinstance(b, Bounds):
                ends = [span(x, y) for x in _ends(a) for y in _ends(b)]
                if min(ends) == max(ends):
                    return ends[0], _NONE
                return Bounds(min(ends), max(ends), _sources(a, b)), _NONE
            return span(a, b), _NONE
        case Pick(list_fact, where, name):
            items = fact_value(ctx.facts, list_fact)
            if items is None:
                return None, frozenset({list_fact})
            for index, item in enumerate(items):
                sub = ctx.enter(item, f"{list_fact}.{index}")
                if eval_pred(where, sub)[0] is True:
                    return item.get(name), _NONE
            return None, _NONE
    raise TypeError(f"not a term: {term!r}")


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: bool(a == b),
    "ne": lambda a, b: bool(a != b),
    "lt": lambda a, b: bool(a < b),
    "le": lambda a, b: bool(a <= b),
    "gt": lambda a, b: bool(a > b),
    "ge": lambda a, b: bool(a >= b),
}


def _ends(value: Any) -> tuple[Any, ...]:
    return (value.lo, value.hi) if isinstance(value, Bounds) else (value,)


def _sources(*values: Any) -> frozenset[str]:
    return frozenset().union(*(v.facts for v in values if isinstance(v, Bounds)))


def _compare_bounds(op: str, a: Any, b: Any) -> tuple[bool | None, Missing]:
    """Compare when a side is an interval: decided only if every possible value agrees."""
    if op in ("eq", "ne"):
        # Equal means "not below and not above": unknown whenever the other value is inside.
        le, m1 = _compare_bounds("le", a, b)
        ge, m2 = _compare_bounds("ge", a, b)
        same = False if le is False or ge is False else None if le is None or ge is None else True
        if same is None:
            return None, m1 | m2
        return (same if op == "eq" else not same), _NONE
    outcomes = {_COMPARE[op](x, y) for x in _ends(a) for y in _ends(b)}
    if len(outcomes) == 1:
        return outcomes.pop(), _NONE
    return None, _sources(a, b)


def _kleene(items: Sequence[Pred], ctx: Context, decisive: bool) -> tuple[bool | None, Missing]:
    # `decisive` is the value that settles the connective: False for all, True for any.
    unknown: set[str] = set()
    undecided = False
    for item in items:
        value, missing = eval_pred(item, ctx)
        if value is decisive:
            return decisive, _NONE
        if value is None:
            undecided = True
            unknown |= missing
    return (None, frozenset(unknown)) if undecided else (not decisive, _NONE)


def _quantify(pred: Quant, ctx: Context) -> tuple[bool | None, Missing]:
    items = fact_value(ctx.facts, pred.list_fact)
    if items is None:
        return None, frozenset({pred.list_fact})
    decisive = pred.kind == "some"
    unknown: set[str] = set()
    undecided = False
    for index, item in enumerate(items):
        sub = ctx.enter(item, f"{pred.list_fact}.{index}", pred.name)
        value, missing = eval_pred(pred.where, sub)
        if value is decisive:
            return decisive, _NONE
        if value is None:
            undecided = True
            unknown |= missing
    return (None, frozenset(unknown)) if undecided else (not decisive, _NONE)


def eval_pred(pred: Pred, ctx: Context) -> tuple[bool | None, Missing]:
    """A predicate's three-valued outcome and, when unknown, the facts it waits for."""
    match pred:
        case All(items):
            return _kleene(items, ctx, decisive=False)
        case Any_(items):
            return _kleene(items, ctx, decisive=True)
        case Not(item):
            value, missing = eval_pred(item, ctx)
            return (None if value is None else not value), missing
        case Cmp(op, left, right):
            a, m1 = eval_term(left, ctx)
            b, m2 = eval_term(right, ctx)
            if a is None or b is None:
                return None, m1 | m2
            if isinstance(a, Bounds) or isinstance(b, Bounds):
                return _compare_bounds(op, a, b)
            return _COMPARE[op](a, b), _NONE
        case In(value, container):
            a, m1 = eval_term(value, ctx)
            b, m2 = eval_term(container, ctx)
            if a is None or b is None:
                return None, m1 | m2
            if isinstance(a, Bounds):
                return None, a.facts
            return a in b, _NONE
        case Known(term):
            value, _ = eval_term(term, ctx)
            return value is not None, _NONE
        case Quant():
            return _quantify(pred, ctx)
        case Truthy(term):
            value, missing = eval_term(term, ctx)
            if isinstance(value, Bounds):
                return None, value.facts
            return (None if value is None else bool(value)), missing
    raise TypeError(f"not a predicate: {pred!r}")
