"""How the states' versions of one treaty pathway differ: the comparison a forum reads.

A pack writes a treaty's pathway once as a template (``templates: temporary:`` in the
MERCOSUR pack) and each state's version as an overlay on it: parameters, conditions or
documents it replaces, drops or adds, its own fees, window and domestic instrument. A
state may also write its version whole (Uruguay's MERCOSUR permanence). The comparison
puts the versions side by side, one row per condition, document, fee, parameter and
validity, window or permanence rule, one column per state, and marks where a state
departs from the treaty text: an item it replaced with different content or a different
test, one whose test reads a parameter the state set otherwise, one it does not require,
one it adds. Every cell with content carries a citation and a confidence: a parameter
cites the rules of the version that read it (the packs cite rules, not parameters), and
a cell the pack cites nothing for says so and is ``UNCERTAIN``.

Examples:
    >>> "mercosur-temporary" in template_ids()
    True
    >>> table = compare("mercosur-temporary", "en")
    >>> "ARG" in table.states and "BRA" in table.states
    True
    >>> row = table.row("condition", "no_criminal_record")
    >>> row.cells["ARG"].departs, row.cells["ARG"].confidence
    (True, 'MEDIUM')
    >>> table.row("parameter", "residence_years").cells["ARG"].value
    '3'
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from ruta.i18n import N_, translator
from ruta.pathways._catalog import PACKS_DIR, _read_pack, default_catalog, pack_files
from ruta.pathways._errors import PathwaysError
from ruta.pathways._facts import vocabulary
from ruta.pathways._schema import (
    CONFIDENCE_RANK,
    CitationSpec,
    PackFile,
    PathwaySpec,
    TemplateSpec,
    WindowSpec,
    _PathwayBody,
)

__all__ = [
    "KINDS",
    "Comparison",
    "ComparisonCell",
    "ComparisonRow",
    "compare",
    "comparison_csv",
    "comparison_json",
    "template_ids",
]

#: Row kinds, in the order rows are listed (stable codes: the CSV and JSON use them).
KINDS = (
    "instrument",
    "condition",
    "document",
    "fee",
    "parameter",
    "validity",
    "window",
    "permanence",
    "deadline",
)

#: Where a cell's content comes from.
Origin = Literal["treaty", "state", "absent"]


@dataclass(frozen=True)
class ComparisonCell:
    """What one state's version says on one row.

    Attributes:
        value: The text, amount or value, in the reader's language ("" when absent).
        citation: Instrument and article the state's pack cites for it; for a parameter,
            what it cites for the rules that read it. Where the pack cites nothing for a
            cell with content, a text saying so (in the reader's language).
        confidence: ``HIGH``, ``MEDIUM`` or ``UNCERTAIN`` (the pack's own judgement; the
            lowest of the rules a parameter rests on; ``UNCERTAIN`` where nothing is cited).
        origin: ``treaty`` (inherited from the template unchanged), ``state`` (the
            state's own wording) or ``absent`` (the state does not have this item).
        departs: Whether the state's rule differs from the treaty text.
    """

    value: str
    citation: str = ""
    confidence: str = ""
    origin: Origin = "treaty"
    departs: bool = False


@dataclass(frozen=True)
class ComparisonRow:
    """One condition, document, fee, parameter or rule across the states."""

    kind: str
    id: str
    treaty: ComparisonCell | None
    cells: Mapping[str, ComparisonCell]


@dataclass(frozen=True)
class Comparison:
    """The states' versions of one template, row by row."""

    template: str
    title: str
    treaty: str
    lang: str
    states: tuple[str, ...]
    pathways: Mapping[str, str]
    rows: tuple[ComparisonRow, ...] = field(default_factory=tuple)

    def row(self, kind: str, item_id: str) -> ComparisonRow:
        """The row of ``kind`` and ``item_id`` (KeyError when there is none)."""
        for row in self.rows:
            if row.kind == kind and row.id == item_id:
                return row
        raise KeyError(f"{kind} {item_id}")


@cache
def _packs(directory: Path) -> tuple[PackFile, ...]:
    # The shipped packs are validated when the catalog loads; loading it first means a
    # malformed pack fails here with the catalog's message (file and line).
    default_catalog() if directory == PACKS_DIR else None
    return tuple(_read_pack(p)[1] for p in pack_files(directory))


def _template_key(pack: str, name: str) -> str:
    return f"{pack}-{name.replace('_', '-')}"


def template_ids(directory: Path = PACKS_DIR) -> list[str]:
    """Every template of the packs, as ``<pack>-<template>`` (e.g. ``mercosur-temporary``).

    Examples:
        >>> template_ids()[:2]
        ['andean-permanent', 'andean-temporary']
    """
    return sorted(_template_key(p.pack, t) for p in _packs(directory) for t in p.templates)


def _find(template: str, directory: Path) -> tuple[PackFile, str, TemplateSpec]:
    for pack in _packs(directory):
        for name, spec in pack.templates.items():
            if _template_key(pack.pack, name) == template:
                return pack, name, spec
    raise PathwaysError(
        N_("no template '%(template)s'; use one of %(templates)s"),
        field="--template",
        template=template,
        templates=", ".join(template_ids(directory)),
    )


def _versions(pack: PackFile, name: str, key: str) -> list[PathwaySpec]:
    """The pathways built on template ``name``, or written whole under its slug."""
    found = [
        p
        for p in pack.pathways
        if p.template == name or (p.template is None and p.id.split(".", 1)[1] == key)
    ]
    return sorted(found, key=lambda p: p.host_country)


def _params_read(test: Any) -> set[str]:
    """Names of the parameters an expression reads (``{param: name}`` anywhere in it)."""
    if isinstance(test, Mapping):
        found = {str(test["param"])} if set(test) == {"param"} else set()
        for value in test.values():
            found |= _params_read(value)
        return found
    if isinstance(test, list):
        return set().union(*(_params_read(v) for v in test)) if test else set()
    return set()


def _same_value(treaty: Any, state: Any, host: str) -> bool:
    """Whether a state's parameter says what the treaty's does.

    A list of countries that leaves out only the host itself is the treaty's list: the
    host's own nationals are not migrants there.

    Examples:
        >>> _same_value(["BOL", "COL", "PER"], ["BOL", "PER"], "COL")
        True
        >>> _same_value(["BOL", "COL", "PER"], ["BOL"], "COL")
        False
    """
    if treaty == state:
        return True
    if isinstance(treaty, list) and isinstance(state, list):
        return {str(t) for t in treaty} - {host} == {str(v) for v in state}
    return False


def _cite(citation: CitationSpec | None) -> tuple[str, str]:
    return (str(citation), citation.confidence) if citation is not None else ("", "")


def _uncited(lang: str) -> tuple[str, str]:
    """The citation and confidence of a cell the pack cites nothing for.

    Said in the cell, where a citation goes, rather than left blank: a blank would read
    as an omission of the comparison, not of the pack.
    """
    _ = translator(lang, "pathways").gettext
    return _("no citation in the pack"), "UNCERTAIN"


def _window_cite(window: WindowSpec | None, shown: str, lang: str) -> tuple[str, str]:
    """A window's citation; the pack's silence said only where the cell shows a date."""
    if window is None:
        return "", ""
    if window.citation is not None:
        return _cite(window.citation)
    return _uncited(lang) if shown else ("", "")


def _param_cite(items: Iterable[_Item], param: str, lang: str) -> tuple[str, str]:
    """What a version cites for a parameter: the citations of the rules that read it.

    The packs cite rules, not parameters; a parameter's value is law only through the
    conditions, documents and fees whose test reads it. Several rules give their distinct
    citations joined and the lowest of their confidences.

    Examples:
        >>> rule = _Item("", CitationSpec(instrument="Ley 1", confidence="MEDIUM"), None, {"x"})
        >>> _param_cite([rule], "x", "en")
        ('Ley 1', 'MEDIUM')
        >>> _param_cite([rule], "y", "en")
        ('no citation in the pack', 'UNCERTAIN')
    """
    cited = [i.citation for i in items if param in i.reads and i.citation is not None]
    if not cited:
        return _uncited(lang)
    texts = list(dict.fromkeys(str(c) for c in cited))
    return "; ".join(texts), max((c.confidence for c in cited), key=CONFIDENCE_RANK.__getitem__)


def _show(value: Any, lang: str) -> str:
    """A parameter value as text: lists joined, booleans in words, timelines by date."""
    _ = translator(lang, "pathways").gettext
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Mapping) and set(value) == {"timeline"}:
        steps = []
        for step in value["timeline"]:
            since = step.get("from")
            shown = _show(step.get("value"), lang)
            since_text = _("from %(date)s") % {"date": since} if since else ""
            steps.append(f"{shown} ({since_text})" if since else shown)
        return "; ".join(steps)
    if isinstance(value, list | tuple):
        return ", ".join(_show(v, lang) for v in value)
    return str(value)


@dataclass
class _Item:
    """One item of a version: its text, citation, the content compared, the params read."""

    value: str
    citation: CitationSpec | None
    content: Any
    reads: set[str]


def _items(body: _PathwayBody, kind: str, lang: str, labels: Mapping[str, str]) -> dict[str, _Item]:
    if kind == "condition":
        return {
            c.id: _Item(c.text.get(lang), c.citation, (c.text, c.test), _params_read(c.test))
            for c in body.conditions
        }
    if kind == "document":
        return {
            d.id: _Item(
                labels.get(d.id) or " / ".join(d.any_of),
                d.citation,
                (
                    d.any_of,
                    d.when,
                    d.valid_for_months,
                    d.issued_within_months,
                    d.expired_accepted_years,
                ),
                _params_read(d.when),
            )
            for d in body.documents
        }
    if kind == "fee":
        return {
            f.id: _Item(
                f"{f.amount} {f.currency}: {f.text.get(lang)}",
                f.citation,
                (f.amount, f.currency, f.exempt_when),
                _params_read(f.exempt_when),
            )
            for f in body.fees
        }
    if kind == "deadline":
        return {
            d.id: _Item(d.text.get(lang), None, (d.text, d.date), _params_read(d.date))
            for d in body.deadlines
        }
    raise ValueError(kind)


def _merged(
    base: dict[str, _Item], own: dict[str, _Item], dropped: Iterable[str]
) -> dict[str, _Item]:
    """The version's items as the catalog builds them: template, less dropped, overlaid."""
    merged = {k: v for k, v in base.items() if k not in set(dropped)}
    merged.update(own)
    return merged


def compare(template: str, lang: str = "en", directory: Path = PACKS_DIR) -> Comparison:
    """Every state's version of ``template`` side by side, with departures marked.

    Args:
        template: ``<pack>-<template>``, e.g. ``mercosur-temporary`` (see
            :func:`template_ids`).
        lang: The language of the texts (the packs' own translations).
        directory: The packs folder (the shipped packs by default).

    Raises:
        PathwaysError: an unknown template (``field="--template"``, naming the valid ones).

    Examples:
        >>> table = compare("andean-temporary", "es")
        >>> table.states
        ('BOL', 'COL', 'ECU', 'PER')
        >>> table.row("validity", "duration_months").treaty.value
        '24'
    """
    _ = translator(lang, "pathways").gettext
    pack, name, base = _find(template, directory)
    versions = _versions(pack, name, template)
    catalog = default_catalog() if directory == PACKS_DIR else None
    states = tuple(v.host_country for v in versions)
    rows: list[ComparisonRow] = []

    def labels_of(pathway_id: str) -> dict[str, str]:
        if catalog is None or pathway_id not in catalog.pathways:
            return {}
        return {d.id: d.label(lang) for d in catalog.get(pathway_id).documents}

    # The treaty's document labels: those of the first version that inherits them.
    treaty_labels: dict[str, str] = {}
    for v in versions:
        treaty_labels = {**labels_of(v.id), **treaty_labels}
    base_params = dict(base.parameters)

    def changed_params(spec: PathwaySpec) -> set[str]:
        own = spec.parameters
        return {
            k
            for k, v in own.items()
            if k in base_params and not _same_value(base_params[k], v, spec.host_country)
        }

    # Instrument: the state's domestic instrument (a departure only in being domestic law
    # is not one: every state cites its own act), compared on the treaty's.
    # The cell is the instrument itself, so it carries no citation of its own; only its
    # confidence.
    rows.append(
        ComparisonRow(
            "instrument",
            "instrument",
            ComparisonCell(str(base.instrument), confidence=base.instrument.confidence)
            if base.instrument
            else None,
            {
                v.host_country: ComparisonCell(
                    str(v.instrument or base.instrument or ""),
                    confidence=_cite(v.instrument or base.instrument)[1],
                    origin="state" if v.instrument else "treaty",
                )
                for v in versions
            },
        )
    )
    # The rules of each version (and of the treaty), to cite its parameters by.
    rules_of: dict[str, list[_Item]] = {v.host_country: [] for v in versions}
    treaty_rules: list[_Item] = []
    for kind in ("condition", "document", "fee"):
        treaty_items = _items(base, kind, lang, treaty_labels)
        treaty_rules += treaty_items.values()
        per_state: dict[str, dict[str, _Item]] = {}
        own_ids: dict[str, set[str]] = {}
        for v in versions:
            own = _items(v, kind, lang, labels_of(v.id))
            own_ids[v.host_country] = set(own)
            if v.template is None:
                per_state[v.host_country] = own
            else:
                drop = (
                    v.drop_conditions
                    if kind == "condition"
                    else (v.drop_documents if kind == "document" else [])
                )
                per_state[v.host_country] = _merged(treaty_items, own, drop)
            rules_of[v.host_country] += per_state[v.host_country].values()
        order = list(treaty_items)
        for v in versions:
            order += [k for k in per_state[v.host_country] if k not in order]
        for item_id in order:
            treaty = treaty_items.get(item_id)
            cells: dict[str, ComparisonCell] = {}
            for v in versions:
                state = v.host_country
                item = per_state[state].get(item_id)
                if item is None:
                    cells[state] = ComparisonCell(
                        _("not required in this state"), origin="absent", departs=treaty is not None
                    )
                    continue
                inherited = item_id not in own_ids[state]
                departs = (
                    treaty is None
                    or item.content != treaty.content
                    or bool(item.reads & changed_params(v))
                )
                cells[state] = ComparisonCell(
                    item.value,
                    *_cite(item.citation),
                    origin="treaty" if inherited else "state",
                    departs=departs,
                )
            rows.append(
                ComparisonRow(
                    kind,
                    item_id,
                    ComparisonCell(treaty.value, *_cite(treaty.citation)) if treaty else None,
                    cells,
                )
            )
    # Parameters: the template's defaults beside each state's values.
    names = list(base_params)
    for v in versions:
        names += [k for k in v.parameters if k not in names]
    for param in names:
        treaty_cell = (
            ComparisonCell(_show(base_params[param], lang), *_param_cite(treaty_rules, param, lang))
            if param in base_params
            else None
        )
        cells = {}
        for v in versions:
            cited = _param_cite(rules_of[v.host_country], param, lang)
            if param in v.parameters:
                value = v.parameters[param]
                cells[v.host_country] = ComparisonCell(
                    _show(value, lang),
                    *cited,
                    origin="state",
                    departs=param in base_params
                    and not _same_value(base_params[param], value, v.host_country),
                )
            elif param in base_params and v.template is not None:
                cells[v.host_country] = ComparisonCell(_show(base_params[param], lang), *cited)
            else:
                cells[v.host_country] = ComparisonCell(
                    "", origin="absent", departs=param in base_params
                )
        rows.append(ComparisonRow("parameter", param, treaty_cell, cells))
    rows += _validity_rows(base, versions, lang)
    rows += _window_rows(base, versions, lang)
    rows += _permanence_rows(base, versions, lang)
    deadline_items = _items(base, "deadline", lang, {})
    for item_id, treaty_item in deadline_items.items():
        cells = {}
        for v in versions:
            own = _items(v, "deadline", lang, {})
            item = own.get(item_id, treaty_item if v.template is not None else None)
            if item is None:
                cells[v.host_country] = ComparisonCell(
                    _("not required in this state"), origin="absent", departs=True
                )
            else:
                # A pack writes no citation for a deadline: the cell says so.
                cells[v.host_country] = ComparisonCell(
                    item.value,
                    *_uncited(lang),
                    origin="state" if item_id in own else "treaty",
                    departs=item.content != treaty_item.content,
                )
        rows.append(
            ComparisonRow(
                "deadline", item_id, ComparisonCell(treaty_item.value, *_uncited(lang)), cells
            )
        )
    title = base.title.get(lang) if base.title else template
    return Comparison(
        template,
        title,
        str(base.instrument or pack.title.get(lang)),
        lang,
        states,
        {v.host_country: v.id for v in versions},
        tuple(rows),
    )


def _validity_rows(
    base: TemplateSpec, versions: list[PathwaySpec], lang: str
) -> list[ComparisonRow]:
    """What the residence grants: its status, how long it lasts, a fixed end date."""
    vocab = vocabulary()
    rows = []
    for attr in ("status", "duration_months", "valid_until"):

        def value(body: _PathwayBody, attr: str = attr) -> str:
            grants = body.grants
            found = getattr(grants, attr) if grants is not None else None
            if found is None:
                return ""
            if attr == "status" and found in vocab.statuses:
                return vocab.statuses[found].get(lang)
            return str(found)

        treaty = value(base)
        cells = {}
        for v in versions:
            own = v.grants is not None
            shown = value(v) if own else treaty
            cells[v.host_country] = ComparisonCell(
                shown,
                *_cite(v.instrument if own else base.instrument),
                origin="state" if own else "treaty",
                departs=shown != treaty,
            )
        if treaty or any(c.value for c in cells.values()):
            rows.append(
                ComparisonRow(
                    "validity", attr, ComparisonCell(treaty, *_cite(base.instrument)), cells
                )
            )
    return rows


def _window_rows(base: TemplateSpec, versions: list[PathwaySpec], lang: str) -> list[ComparisonRow]:
    """When a state's version opens and closes (a date the treaty does not set)."""
    rows = []
    for attr in ("opens", "closes"):
        treaty_window = base.window
        treaty = str(getattr(treaty_window, attr) or "") if treaty_window else ""
        cells = {}
        for v in versions:
            window = v.window or base.window
            shown = str(getattr(window, attr) or "") if window else ""
            cells[v.host_country] = ComparisonCell(
                shown,
                *_window_cite(window, shown, lang),
                origin="state" if v.window else "treaty",
                # The treaty sets no dates: a state's own window is its calendar, not a
                # departure; one is only where the template sets a date and a state moves it.
                departs=bool(treaty) and shown != treaty,
            )
        if any(c.value for c in cells.values()) or treaty:
            treaty_cite = _window_cite(treaty_window, treaty, lang)
            rows.append(ComparisonRow("window", attr, ComparisonCell(treaty, *treaty_cite), cells))
    return rows


def _permanence_rows(
    base: TemplateSpec, versions: list[PathwaySpec], lang: str
) -> list[ComparisonRow]:
    """Where the residence leads (the permanence rule each state writes)."""
    treaty = "; ".join(t.text.get(lang) for t in base.transitions)
    cells = {}
    for v in versions:
        own = v.transitions or (base.transitions if v.template is not None else [])
        shown = "; ".join(f"{t.to}: {t.text.get(lang)}" for t in own)
        # A pack writes no citation for a transition: the cell says so.
        cells[v.host_country] = ComparisonCell(
            shown,
            *(_uncited(lang) if shown else ("", "")),
            origin="state" if v.transitions else "treaty",
            # Every state names its own permanence pathway; a departure is only where the
            # template writes the rule and a state words it otherwise.
            departs=bool(base.transitions)
            and [t.text for t in own] != [t.text for t in base.transitions],
        )
    if not treaty and not any(c.value for c in cells.values()):
        return []
    return [
        ComparisonRow(
            "permanence",
            "leads_to",
            ComparisonCell(treaty, *_uncited(lang)) if treaty else None,
            cells,
        )
    ]


def _cell_text(cell: ComparisonCell | None, lang: str) -> str:
    """A cell as one CSV field: marker, value, citation and confidence."""
    if cell is None:
        return ""
    _ = translator(lang, "pathways").gettext
    parts = [("≠ " if cell.departs else "") + cell.value]
    confidence = _("confidence")
    if cell.citation:
        parts.append(f"({cell.citation}; {confidence} {cell.confidence})")
    elif cell.confidence:
        parts.append(f"({confidence} {cell.confidence})")
    return " ".join(p for p in parts if p)


def comparison_csv(table: Comparison) -> str:
    """One row per rule, one column per state (after ``kind``, ``id`` and ``treaty``).

    A departure from the treaty text starts with ``≠``; each cell ends with its citation
    and confidence.

    Examples:
        >>> text = comparison_csv(compare("mercosur-temporary"))
        >>> header = text.splitlines()[0]
        >>> header.startswith("kind,id,treaty,ARG,BOL,BRA")
        True
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kind", "id", "treaty", *table.states])
    for row in table.rows:
        writer.writerow(
            [
                row.kind,
                row.id,
                _cell_text(row.treaty, table.lang),
                *(_cell_text(row.cells[s], table.lang) for s in table.states),
            ]
        )
    return out.getvalue()


def comparison_json(table: Comparison) -> str:
    """The comparison as JSON: template, title, states, pathways and rows with cells."""
    body = {
        "template": table.template,
        "title": table.title,
        "treaty": table.treaty,
        "lang": table.lang,
        "states": list(table.states),
        "pathways": dict(table.pathways),
        "rows": [
            {
                "kind": r.kind,
                "id": r.id,
                "treaty": asdict(r.treaty) if r.treaty else None,
                "cells": {s: asdict(r.cells[s]) for s in table.states},
            }
            for r in table.rows
        ],
    }
    return json.dumps(body, ensure_ascii=False, indent=2)
