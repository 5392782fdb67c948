"""Compiling packs to SQL for the population engine (DuckDB embedded, Spark distributed).

SQL's NULL logic *is* Kleene logic: ``NULL AND FALSE`` is false, ``NULL OR TRUE`` is true,
so an unknown fact becomes NULL and each condition compiles to one boolean expression with
the same three-valued meaning as the per-person engine. Quantifiers over list facts map
each element to 2 (true), 1 (unknown) or 0 (false) and take the maximum (``some``) or the
minimum (``every``). The two dialects differ only in spelling: lambdas, list functions,
date arithmetic and identifier quotes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ruta.i18n import N_
from ruta.pathways._errors import PathwaysError
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
    walk,
)
from ruta.pathways._facts import fact_catalog
from ruta.pathways._logic import add_business_days
from ruta.pathways._model import Pathway, Timeline

__all__ = [
    "DUCKDB",
    "SPARK",
    "CompiledPathway",
    "Dialect",
    "Hoist",
    "column_of",
    "compile_pathway",
    "decode_failed",
]

_OPS = {"eq": "=", "ne": "<>", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one SQL engine spells the few constructs the compiler needs."""

    name: str
    quote: str

    def ident(self, name: str) -> str:
        return f"{self.quote}{name}{self.quote}"

    def lam(self, var: str, body: str) -> str:
        return f"lambda {var}: {body}" if self.name == "duckdb" else f"{var} -> {body}"

    def transform(self, items: str, var: str, body: str) -> str:
        fn = "list_transform" if self.name == "duckdb" else "transform"
        return f"{fn}({items}, {self.lam(var, body)})"

    def list_max(self, items: str) -> str:
        return f"list_max({items})" if self.name == "duckdb" else f"array_max({items})"

    def list_min(self, items: str) -> str:
        return f"list_min({items})" if self.name == "duckdb" else f"array_min({items})"

    def first(self, items: str, var: str, body: str) -> str:
        if self.name == "duckdb":
            return f"list_filter({items}, {self.lam(var, body)})[1]"
        return f"try_element_at(filter({items}, {self.lam(var, body)}), 1)"

    def contains(self, items: str, value: str) -> str:
        fn = "list_contains" if self.name == "duckdb" else "array_contains"
        return f"{fn}({items}, {value})"

    def array(self, values: Sequence[str]) -> str:
        inner = ", ".join(values)
        return f"[{inner}]" if self.name == "duckdb" else f"array({inner})"

    def add_days(self, day: str, n: str) -> str:
        if self.name == "duckdb":
            return f"CAST({day} + to_days(CAST({n} AS INTEGER)) AS DATE)"
        return f"date_add({day}, CAST({n} AS INT))"

    def add_months(self, day: str, n: str) -> str:
        if self.name == "duckdb":
            return f"CAST({day} + to_months(CAST({n} AS INTEGER)) AS DATE)"
        return f"add_months({day}, CAST({n} AS INT))"

    def days_between(self, start: str, end: str) -> str:
        if self.name == "duckdb":
            return f"date_diff('day', {start}, {end})"
        return f"datediff({end}, {start})"

    def first_day(self, text: str) -> str:
        """The first day a ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` text may be."""
        return (
            f"CAST(CASE length({text}) WHEN 4 THEN {text} || '-01-01' "
            f"WHEN 7 THEN {text} || '-01' ELSE {text} END AS DATE)"
        )

    def last_day(self, text: str) -> str:
        """The last day a ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` text may be."""
        return (
            f"CASE length({text}) WHEN 4 THEN CAST({text} || '-12-31' AS DATE) "
            f"WHEN 7 THEN last_day(CAST({text} || '-01' AS DATE)) ELSE CAST({text} AS DATE) END"
        )

    def non_null_list(self, values: Sequence[str]) -> str:
        arr = self.array(values)
        if self.name == "duckdb":
            return f"list_filter({arr}, {self.lam('f', 'f IS NOT NULL')})"
        return f"filter({arr}, {self.lam('f', 'f IS NOT NULL')})"


DUCKDB = Dialect("duckdb", '"')
SPARK = Dialect("spark", "`")


def column_of(fact: str) -> str:
    """The population column that holds a fact (dots become underscores).

    Examples:
        >>> column_of("entry.date")
        'entry_date'
    """
    return fact.replace(".", "_")


def _literal(value: Any, d: Dialect) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, tuple | list):
        return d.array([_literal(v, d) for v in value])
    raise PathwaysError(N_("cannot compile the literal %(value)s to SQL"), value=repr(value))


@dataclass(slots=True)
class Hoist:
    """Quantifiers lifted out of lambdas: each becomes an aggregate over the exploded list.

    Lambdas over lists are the slow part of the SQL; a top-level ``some`` / ``every`` is
    instead computed once per distinct predicate by exploding the list (one row per element),
    coding each element 2/1/0 (true/unknown/false) and taking max/min per person. Identical
    quantifiers in different pathways share one aggregate.
    """

    dialect: Dialect
    aliases: dict[tuple[str, str], str] = field(default_factory=dict)
    aggregates: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    columns: dict[str, set[str]] = field(default_factory=dict)

    def add(self, list_fact: str, agg: str, facts: set[str]) -> str:
        key = (list_fact, agg)
        if key not in self.aliases:
            alias = f"q{len(self.aliases)}"
            self.aliases[key] = alias
            self.aggregates.setdefault(list_fact, []).append((alias, agg))
            self.columns.setdefault(list_fact, set()).update(facts)
        return self.aliases[key]

    def ctes(self, source: str, where: str = "TRUE", name: str = "l") -> tuple[list[str], str]:
        """The aggregate CTEs (over the rows ``where`` selects, named ``{name}{index}``) and
        the FROM clause that joins them to ``source``."""
        q = self.dialect.ident
        explode = "unnest" if self.dialect.name == "duckdb" else "explode"
        ctes, joins = [], [f"{source}"]
        for index, (list_fact, aggs) in enumerate(sorted(self.aggregates.items())):
            name_ = f"{name}{index}"
            extra = "".join(f", {q(c)}" for c in sorted(self.columns[list_fact]))
            inner = (
                f"SELECT {q('_row')}, {q('as_of')}{extra}, "
                f"{explode}({q(column_of(list_fact))}) AS x FROM {source} WHERE {where}"
            )
            cols = ", ".join(f"{agg} AS {q(alias)}" for alias, agg in aggs)
            ctes.append(
                f"{name_} AS (SELECT {q('_row')}, {cols} FROM ({inner}) e GROUP BY {q('_row')})"
            )
            joins.append(f"LEFT JOIN {name_} USING ({q('_row')})")
        return ctes, " ".join(joins)


def _partial_facts() -> frozenset[str]:
    return frozenset(p for p, info in fact_catalog().items() if info.kind == "partial_date")


def _all_of(parts: Sequence[str]) -> str:
    """True when every part is, false when every part is false, otherwise NULL (unknown)."""
    both = " AND ".join(parts)
    either = " OR ".join(parts)
    return f"(CASE WHEN {both} THEN TRUE WHEN NOT ({either}) THEN FALSE ELSE NULL END)"


class _Compiler:
    def __init__(
        self, pathway: Pathway, dialect: Dialect, as_of: str, hoist: Hoist | None = None
    ) -> None:
        self.pathway, self.d, self.as_of = pathway, dialect, as_of
        self.depth = 0
        self.hoist = hoist
        self.bound: dict[str, str] = {}  # quantifier name (as:) -> its lambda variable
        self.partial = _partial_facts()

    def param(self, timeline: Timeline) -> str:
        if timeline.constant:
            return _literal(timeline.steps[0][1], self.d)
        branches = [
            f"WHEN {self.as_of} >= {_literal(start, self.d)} THEN {_literal(value, self.d)}"
            for start, value in reversed(timeline.steps)
            if start is not None
        ]
        default = next((v for s, v in timeline.steps if s is None), None)
        return f"(CASE {' '.join(branches)} ELSE {_literal(default, self.d)} END)"

    def constant(self, term: Term) -> Any:
        if isinstance(term, Lit):
            return term.value
        if isinstance(term, Param) and self.pathway.params[term.name].constant:
            return self.pathway.params[term.name].steps[0][1]
        raise PathwaysError(
            N_(
                "%(pathway)s: add_business_days needs constant arguments in the population "
                "engine (a literal date or a constant parameter)"
            ),
            pathway=self.pathway.id,
        )

    def term(self, term: Term, item: str | None) -> str:
        d = self.d
        match term:
            case Lit(value):
                return _literal(value, d)
            case Fact(path):
                return d.ident(column_of(path))
            case Item(field, None):
                if item is None:
                    raise PathwaysError(N_("item.%(item)s outside a quantifier"), item=field)
                return f"{item}.{d.ident(field)}"
            case Item(field, scope):
                return f"{self.bound[str(scope)]}.{d.ident(field)}"
            case Param(name):
                return self.param(self.pathway.params[name])
            case AsOf():
                return self.as_of
            case DateShift(base, amount, "business_days", sign):
                holidays = self.pathway.params.get("holidays")
                days = holidays.steps[0][1] if holidays is not None else ()
                start = self.constant(base)
                return _literal(
                    add_business_days(start, sign * int(self.constant(amount)), days or ()), d
                )
            case DateShift(base, amount, unit, sign):
                b, n = self.term(base, item), self.term(amount, item)
                n = n if sign > 0 else f"(-({n}))"
                if unit == "days":
                    return d.add_days(b, n)
                return d.add_months(b, n if unit == "months" else f"(12 * {n})")
            case Span(start, end, unit):
                return self.span(self.term(start, item), self.term(end, item), unit)
            case Pick(list_fact, where, field):
                var = self.var()
                body = self.pred(where, var)
                self.depth -= 1
                return f"({d.first(d.ident(column_of(list_fact)), var, body)}).{d.ident(field)}"
        raise PathwaysError(N_("cannot compile %(term)s"), term=repr(term))

    def bounds(self, term: Term, item: str | None) -> tuple[str, str] | None:
        """First and last possible value of a term that reads a reduced-precision date (a
        birth year or month), as the per-person engine's ``Bounds``; None for exact terms."""
        d = self.d
        match term:
            case Fact(path) if path in self.partial:
                column = d.ident(column_of(path))
                return d.first_day(column), d.last_day(column)
            case DateShift(base, amount, unit, sign) if unit != "business_days":
                ends = self.bounds(base, item)
                if ends is None:
                    return None
                n = self.term(amount, item)
                n = n if sign > 0 else f"(-({n}))"
                if unit == "days":
                    return d.add_days(ends[0], n), d.add_days(ends[1], n)
                months = n if unit == "months" else f"(12 * {n})"
                return d.add_months(ends[0], months), d.add_months(ends[1], months)
            case Span(start, end, unit):
                a, b = self.bounds(start, item), self.bounds(end, item)
                if a is None and b is None:
                    return None
                starts = a or (self.term(start, item),)
                ends_ = b or (self.term(end, item),)
                spans = [self.span(x, y, unit) for x in starts for y in ends_]
                return f"least({', '.join(spans)})", f"greatest({', '.join(spans)})"
        return None

    def span(self, s: str, e: str, unit: str) -> str:
        if unit == "days":
            return self.d.days_between(s, e)
        # Completed years, spelled the same way in both dialects (an age).
        return (
            f"(year({e}) - year({s}) - CASE WHEN month({e}) * 100 + day({e}) < "
            f"month({s}) * 100 + day({s}) THEN 1 ELSE 0 END)"
        )

    def compare(self, op: str, left: Term, right: Term, item: str | None) -> str:
        """A comparison; with an imprecise side, decided only when every value agrees."""
        lb, rb = self.bounds(left, item), self.bounds(right, item)
        if lb is None and rb is None:
            return f"({self.term(left, item)} {_OPS[op]} {self.term(right, item)})"
        if op in ("eq", "ne"):
            # Equal: neither below nor above (unknown when the other value is inside).
            below = self.compare("le", left, right, item)
            above = self.compare("ge", left, right, item)
            same = f"({below} AND {above})"
            return same if op == "eq" else f"(NOT {same})"
        lefts = lb or (self.term(left, item),)
        rights = rb or (self.term(right, item),)
        return _all_of([f"({x} {_OPS[op]} {y})" for x in lefts for y in rights])

    def var(self) -> str:
        self.depth += 1
        return f"x{self.depth}"

    def bound_pred(self, pred: Pred, var: str, name: str | None) -> str:
        """``pred`` compiled with ``var`` as the element, also reachable as ``name``."""
        if name is None:
            return self.pred(pred, var)
        outer = self.bound.get(name)
        self.bound[name] = var
        try:
            return self.pred(pred, var)
        finally:
            if outer is None:
                del self.bound[name]
            else:
                self.bound[name] = outer

    def pred(self, pred: Pred, item: str | None) -> str:
        d = self.d
        match pred:
            case All(items):
                return "(" + " AND ".join(self.pred(p, item) for p in items) + ")"
            case Any_(items):
                return "(" + " OR ".join(self.pred(p, item) for p in items) + ")"
            case Not(inner):
                return f"(NOT {self.pred(inner, item)})"
            case Cmp(op, left, right):
                return self.compare(op, left, right, item)
            case In(value, container):
                v, c = self.term(value, item), self.term(container, item)
                return f"(CASE WHEN {v} IS NULL THEN NULL ELSE {d.contains(c, v)} END)"
            case Known(term):
                return f"({self.term(term, item)} IS NOT NULL)"
            case Truthy(term):
                return f"({self.term(term, item)})"
            case Quant(kind, list_fact, where, name) if self.hoist is not None and not any(
                isinstance(n, Quant | Pick) or (isinstance(n, Item) and n.scope not in (None, name))
                for n in walk(where)
            ):
                # Hoisted out of any lambda: only a predicate that reads no enclosing element.
                column = d.ident(column_of(list_fact))
                body = f"coalesce(CAST({self.bound_pred(where, 'x', name)} AS INTEGER) * 2, 1)"
                facts = {column_of(n.path) for n in walk(where) if isinstance(n, Fact)}
                agg = f"max({body})" if kind == "some" else f"min({body})"
                alias = d.ident(self.hoist.add(list_fact, agg, facts))
                empty = 0 if kind == "some" else 2
                return (
                    f"(CASE WHEN {column} IS NULL THEN NULL ELSE "
                    f"CASE coalesce({alias}, {empty}) WHEN 2 THEN TRUE WHEN 0 THEN FALSE "
                    f"ELSE NULL END END)"
                )
            case Quant(kind, list_fact, where, name):
                column = d.ident(column_of(list_fact))
                var = self.var()
                body = f"coalesce(CAST({self.bound_pred(where, var, name)} AS INTEGER) * 2, 1)"
                self.depth -= 1
                codes = d.transform(column, var, body)
                if kind == "some":
                    agg, empty = d.list_max(codes), 0
                else:
                    agg, empty = d.list_min(codes), 2
                return (
                    f"(CASE WHEN {column} IS NULL THEN NULL ELSE "
                    f"CASE coalesce({agg}, {empty}) WHEN 2 THEN TRUE WHEN 0 THEN FALSE "
                    f"ELSE NULL END END)"
                )
        raise PathwaysError(N_("cannot compile %(term)s"), term=repr(pred))


@dataclass(frozen=True, slots=True)
class CompiledPathway:
    """SQL for one pathway: one boolean column per condition, then status and failed ids.

    ``failed`` lists the ids of the failed conditions; ``mask`` is the same answer as an
    integer, bit ``i`` set when ``failed_ids[i]`` failed (bit 0 is the window), which costs
    a fraction of a list per row and is decoded on demand (``decode_failed``).
    """

    pathway: str
    conditions: Mapping[str, str]
    window: str | None
    status: str
    failed: str
    mask: str = "0"
    failed_ids: tuple[str, ...] = ()


def decode_failed(mask: int, failed_ids: Sequence[str]) -> list[str]:
    """The ids of the failed conditions that a bitmask encodes (see ``CompiledPathway``).

    Examples:
        >>> decode_failed(0b1010, ("window", "host_country", "nationality", "no_record"))
        ['host_country', 'no_record']
        >>> decode_failed(0, ("window", "host_country"))
        []
    """
    return [cid for bit, cid in enumerate(failed_ids) if mask >> bit & 1]


def compile_pathway(
    pathway: Pathway,
    dialect: Dialect = DUCKDB,
    prefix: str = "c",
    as_of: str = "as_of",
    hoist: Hoist | None = None,
) -> CompiledPathway:
    """Compile a pathway; condition columns are named ``{prefix}_{index}``.

    ``status`` and ``failed`` refer to those columns, so they go in an outer query over a
    query that computes the condition columns (each condition is computed once).

    Examples:
        >>> from ruta.pathways import get_pathway
        >>> sql = compile_pathway(get_pathway("arg.mercosur-temporary"))
        >>> sql.conditions["c_0"]
        '("host_country" = \\'ARG\\')'
    """
    as_of_sql = dialect.ident(as_of)
    comp = _Compiler(pathway, dialect, as_of_sql, hoist)
    conditions: dict[str, str] = {}
    names: list[tuple[str, str]] = []
    for index, cond in enumerate(pathway.conditions):
        column = f"{prefix}_{index}"
        sql = comp.pred(cond.pred, None)
        if cond.valid_from or cond.valid_to:
            lower = (
                f"{as_of_sql} >= {_literal(cond.valid_from, dialect)}"
                if cond.valid_from
                else "TRUE"
            )
            upper = (
                f"{as_of_sql} <= {_literal(cond.valid_to, dialect)}" if cond.valid_to else "TRUE"
            )
            sql = f"(CASE WHEN {lower} AND {upper} THEN {sql} ELSE TRUE END)"
        conditions[column] = sql
        names.append((column, cond.id))
    window_parts = []
    if pathway.window.opens:
        window_parts.append(f"{as_of_sql} < {_literal(pathway.window.opens, dialect)}")
    if pathway.window.closes:
        window_parts.append(f"{as_of_sql} > {_literal(pathway.window.closes, dialect)}")
    window = " OR ".join(window_parts) or None
    q = dialect.ident
    false_any = " OR ".join(f"{q(c)} = FALSE" for c, _ in names) or "FALSE"
    null_any = " OR ".join(f"{q(c)} IS NULL" for c, _ in names) or "FALSE"
    if window:
        false_any = f"({window}) OR {false_any}"
    status = (
        f"CASE WHEN {false_any} THEN 'ineligible' WHEN {null_any} THEN 'undetermined' "
        "ELSE 'eligible' END"
    )
    flags = [f"CASE WHEN {q(c)} = FALSE THEN '{cid}' END" for c, cid in names]
    if window:
        flags.insert(0, f"CASE WHEN {window} THEN 'window' END")
    failed = dialect.non_null_list(flags)
    # The same answer as a bitmask: a sum of integer constants, no list built per row.
    bits = [
        f"CASE WHEN {q(c)} = FALSE THEN {1 << (i + 1)} ELSE 0 END" for i, (c, _) in enumerate(names)
    ]
    if window:
        bits.insert(0, f"CASE WHEN {window} THEN 1 ELSE 0 END")
    mask = " + ".join(bits) or "0"
    failed_ids = ("window", *(cid for _, cid in names))
    return CompiledPathway(pathway.id, conditions, window, status, failed, mask, failed_ids)
