"""The condition language of rule packs: a small, closed expression tree.

Packs are data received from other states, so the language has no names that reach Python:
only the node types below, parsed from YAML mappings of one key each. Terms produce values
(dates, strings, numbers, booleans, lists); predicates produce three-valued truth.

Predicates::

    all: [P, ...]            any: [P, ...]            not: P
    eq|ne|lt|le|gt|ge: [T, T]
    in: [T, T]               (membership in a list)
    known: T                 (the fact is answered; never unknown itself)
    some|every|none: {list: FACT, where: P}   (P may read {item: FIELD}; without where,
                                               any element counts: none = the list is empty)
    some|every|none: {list: FACT, as: NAME, where: P}   (NAME binds the element, so that a
                                               quantifier nested in P can read {item: NAME.FIELD})
    T                        (a boolean term used as a predicate, e.g. {fact: in_host_country})

Terms::

    literal (string, number, boolean, date, list of literals)
    {fact: PATH}  {item: FIELD}  {item: NAME.FIELD}  {param: NAME}  {as_of: true}
    {add_days|add_months|add_years|sub_days|sub_months|sub_years: [T, N]}
    {add_business_days: [DATE, N]}  (constant arguments only; holidays from param `holidays`)
    {years_between: [T, T]}  {days_between: [T, T]}
    {first: {list: FACT, where: P, field: FIELD}}  (a field of the first matching element)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from ruta.i18n import N_, Text
from ruta.pathways._errors import BadValue

__all__ = [
    "All",
    "Any_",
    "AsOf",
    "Cmp",
    "DateShift",
    "Expr",
    "ExprError",
    "Fact",
    "In",
    "Item",
    "Known",
    "Lit",
    "Not",
    "Param",
    "Pick",
    "Pred",
    "Quant",
    "Span",
    "Term",
    "Truthy",
    "facts_of",
    "parse_pred",
    "walk",
]

CmpOp = Literal["eq", "ne", "lt", "le", "gt", "ge"]
Unit = Literal["days", "months", "years", "business_days"]


class ExprError(BadValue):
    """A malformed expression; ``path`` says where inside the condition.

    Args:
        message: The catalog message (``N_("unknown term '%(key)s'")``).
        path: Where inside the condition (``all[1].eq``); empty at its top.
        values: The message's placeholders.

    Examples:
        >>> error = ExprError(N_("unknown term '%(key)s'"), "all[0]", key="fcat")
        >>> str(error)
        "all[0]: unknown term 'fcat'"
    """

    def __init__(self, message: str, path: str = "", **values: str | int | float) -> None:
        text = Text(message, **values)
        if path:
            text = Text(N_("%(path)s: %(problem)s"), path=path, problem=text)
        super().__init__(text)
        self.path = path


# --- terms -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lit:
    """A literal value."""

    value: Any


@dataclass(frozen=True, slots=True)
class Fact:
    """A profile fact by dotted path (``entry.date``)."""

    path: str


@dataclass(frozen=True, slots=True)
class Item:
    """A field of the list element bound by the enclosing quantifier, or by the enclosing
    quantifier named ``scope`` (``{item: record.country}`` inside ``as: record``)."""

    field: str
    scope: str | None = None


@dataclass(frozen=True, slots=True)
class Param:
    """A pathway parameter, resolved for the pathway and the date of evaluation."""

    name: str


@dataclass(frozen=True, slots=True)
class AsOf:
    """The evaluation date."""


@dataclass(frozen=True, slots=True)
class DateShift:
    """``base`` moved by ``amount`` units (negative ``sign`` moves it back)."""

    base: Term
    amount: Term
    unit: Unit
    sign: int


@dataclass(frozen=True, slots=True)
class Span:
    """Whole years or days from ``start`` to ``end``."""

    start: Term
    end: Term
    unit: Literal["years", "days"]


@dataclass(frozen=True, slots=True)
class Pick:
    """A field of the first element of a list fact that satisfies ``where``."""

    list_fact: str
    where: Pred
    field: str


Term: TypeAlias = Lit | Fact | Item | Param | AsOf | DateShift | Span | Pick


# --- predicates --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class All:
    """Kleene conjunction."""

    items: tuple[Pred, ...]


@dataclass(frozen=True, slots=True)
class Any_:
    """Kleene disjunction."""

    items: tuple[Pred, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """Kleene negation."""

    item: Pred


@dataclass(frozen=True, slots=True)
class Cmp:
    """A comparison of two terms."""

    op: CmpOp
    left: Term
    right: Term


@dataclass(frozen=True, slots=True)
class In:
    """Membership of a value in a list."""

    value: Term
    container: Term


@dataclass(frozen=True, slots=True)
class Known:
    """Whether a term has a value (always true or false, never unknown)."""

    term: Term


@dataclass(frozen=True, slots=True)
class Quant:
    """``some`` / ``every`` element of a list fact satisfies ``where``."""

    kind: Literal["some", "every"]
    list_fact: str
    where: Pred
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Truthy:
    """A boolean term used as a predicate."""

    term: Term


Pred: TypeAlias = All | Any_ | Not | Cmp | In | Known | Quant | Truthy
Expr: TypeAlias = Pred | Term

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_QUANT_KEYS = ({"list"}, {"list", "where"}, {"list", "as", "where"})
_CMP_OPS: tuple[CmpOp, ...] = ("eq", "ne", "lt", "le", "gt", "ge")
_SHIFTS: dict[str, tuple[Unit, int]] = {
    "add_days": ("days", 1),
    "add_months": ("months", 1),
    "add_years": ("years", 1),
    "sub_days": ("days", -1),
    "sub_months": ("months", -1),
    "sub_years": ("years", -1),
    "add_business_days": ("business_days", 1),
}


def _single_key(node: Mapping[str, Any], path: str) -> tuple[str, Any]:
    if len(node) != 1:
        keys = ", ".join(sorted(map(str, node))) or "nothing"
        raise ExprError(
            N_("an expression is a mapping of exactly one key, got %(keys)s"), path, keys=keys
        )
    ((key, value),) = node.items()
    return str(key), value


def _pair(value: Any, key: str, path: str) -> tuple[Any, Any]:
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 2:
        raise ExprError(N_("'%(key)s' takes a list of two operands"), path, key=key)
    return value[0], value[1]


def parse_term(node: Any, path: str = "", scope: tuple[str, ...] = ()) -> Term:
    """Parse a term from its YAML form.

    Examples:
        >>> parse_term({"fact": "entry.date"})
        Fact(path='entry.date')
        >>> parse_term({"sub_years": [{"as_of": True}, 5]}).unit
        'years'
        >>> parse_term({"item": "record.country"}, scope=("record",))
        Item(field='country', scope='record')

    ``scope`` holds the names bound by the enclosing quantifiers (``as:``).
    """
    if isinstance(node, str) and _ISO_DATE.fullmatch(node):
        # Quoted dates in YAML stay strings; a date-shaped literal always means a date.
        return Lit(dt.date.fromisoformat(node))
    if isinstance(node, bool | int | float | str | dt.date) or node is None:
        return Lit(node)
    if isinstance(node, list):
        values = [parse_term(v, f"{path}[{i}]", scope) for i, v in enumerate(node)]
        if not all(isinstance(v, Lit) for v in values):
            raise ExprError(N_("a list literal may hold only literal values"), path)
        return Lit(tuple(v.value for v in values if isinstance(v, Lit)))
    if not isinstance(node, Mapping):
        raise ExprError(N_("unexpected %(kind)s in a term"), path, kind=type(node).__name__)
    key, value = _single_key(node, path)
    sub = f"{path}.{key}" if path else key
    if key in ("fact", "item", "param"):
        if not isinstance(value, str) or not value:
            raise ExprError(N_("'%(key)s' takes a name"), sub, key=key)
        if key == "item" and "." in value:
            name, field_name = value.split(".", 1)
            if name not in scope:
                raise ExprError(
                    N_(
                        "'%(value)s' names no enclosing some/every/none; bind one with "
                        "'as: %(name)s'"
                    ),
                    sub,
                    value=value,
                    name=name,
                )
            return Item(field_name, name)
        return Fact(value) if key == "fact" else Item(value) if key == "item" else Param(value)
    if key == "as_of":
        return AsOf()
    if key in _SHIFTS:
        base, amount = _pair(value, key, sub)
        shift_unit, sign = _SHIFTS[key]
        return DateShift(
            parse_term(base, f"{sub}[0]", scope),
            parse_term(amount, f"{sub}[1]", scope),
            shift_unit,
            sign,
        )
    if key in ("years_between", "days_between"):
        start, end = _pair(value, key, sub)
        unit: Literal["years", "days"] = "years" if key == "years_between" else "days"
        return Span(
            parse_term(start, f"{sub}[0]", scope), parse_term(end, f"{sub}[1]", scope), unit
        )
    if key == "first":
        if not isinstance(value, Mapping) or set(value) != {"list", "where", "field"}:
            raise ExprError(N_("'first' takes a mapping with 'list', 'where' and 'field'"), sub)
        return Pick(
            str(value["list"]),
            parse_pred(value["where"], f"{sub}.where", scope),
            str(value["field"]),
        )
    raise ExprError(N_("unknown term '%(key)s'"), path, key=key)


def parse_pred(node: Any, path: str = "", scope: tuple[str, ...] = ()) -> Pred:
    """Parse a predicate from its YAML form; a list means ``all``.

    Examples:
        >>> parse_pred({"ge": [{"fact": "entry.date"}, "2021-01-31"]}).op
        'ge'
        >>> parse_pred([{"fact": "in_host_country"}])
        All(items=(Truthy(term=Fact(path='in_host_country')),))
        >>> parse_pred({"none": {"list": "criminal_records", "as": "record", "where": {"some": {
        ...     "list": "nationalities", "where": {"eq": [{"item": "country"},
        ...     {"item": "record.country"}]}}}}}).item.name
        'record'
    """
    if isinstance(node, list):
        return All(tuple(parse_pred(p, f"{path}[{i}]", scope) for i, p in enumerate(node)))
    if not isinstance(node, Mapping):
        raise ExprError(
            N_("a condition must be a mapping, got %(kind)s"), path, kind=type(node).__name__
        )
    key, value = _single_key(node, path)
    sub = f"{path}.{key}" if path else key
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise ExprError(N_("'%(key)s' takes a non-empty list of conditions"), sub, key=key)
        items = tuple(parse_pred(p, f"{sub}[{i}]", scope) for i, p in enumerate(value))
        return All(items) if key == "all" else Any_(items)
    if key == "not":
        return Not(parse_pred(value, sub, scope))
    if key in _CMP_OPS:
        left, right = _pair(value, key, sub)
        op: CmpOp = key  # narrowed by the membership test above
        return Cmp(op, parse_term(left, f"{sub}[0]", scope), parse_term(right, f"{sub}[1]", scope))
    if key == "in":
        left, right = _pair(value, key, sub)
        return In(parse_term(left, f"{sub}[0]", scope), parse_term(right, f"{sub}[1]", scope))
    if key == "known":
        return Known(parse_term(value, sub, scope))
    if key in ("some", "every", "none"):
        if not isinstance(value, Mapping) or set(value) not in _QUANT_KEYS:
            raise ExprError(
                N_(
                    "'%(key)s' takes a mapping with 'list', optionally 'where', and 'as' "
                    "with 'where'"
                ),
                sub,
                key=key,
            )
        name = value.get("as")
        if name is not None and (not isinstance(name, str) or not _NAME.fullmatch(name)):
            raise ExprError(N_("'as' takes a name of lower-case letters, digits and _"), sub)
        inner = (*scope, name) if name else scope
        # Without `where`, every element counts: `none: {list: criminal_records}` = no records.
        where = (
            parse_pred(value["where"], f"{sub}.where", inner)
            if "where" in value
            else Truthy(Lit(True))
        )
        quant = Quant("every" if key == "every" else "some", str(value["list"]), where, name)
        return Not(quant) if key == "none" else quant
    return Truthy(parse_term(node, path, scope))


def walk(expr: Expr) -> Iterator[Expr]:
    """Yield ``expr`` and every node below it, depth first."""
    yield expr
    children: tuple[Expr, ...]
    match expr:
        case All(items) | Any_(items):
            children = items
        case Not(item):
            children = (item,)
        case Cmp(_, left, right):
            children = (left, right)
        case In(value, container):
            children = (value, container)
        case Known(term) | Truthy(term):
            children = (term,)
        case Quant(_, _, where, _) | Pick(_, where, _):
            children = (where,)
        case DateShift(base, amount, _, _):
            children = (base, amount)
        case Span(start, end, _):
            children = (start, end)
        case _:
            children = ()
    for child in children:
        yield from walk(child)


def facts_of(expr: Expr) -> list[str]:
    """The profile facts an expression reads, in order of first use.

    Examples:
        >>> facts_of(parse_pred({"some": {"list": "nationalities",
        ...     "where": {"eq": [{"item": "country"}, "BOL"]}}}))
        ['nationalities']
    """
    seen: dict[str, None] = {}
    for node in walk(expr):
        if isinstance(node, Fact):
            seen.setdefault(node.path)
        elif isinstance(node, Quant | Pick):
            seen.setdefault(node.list_fact)
    return list(seen)
