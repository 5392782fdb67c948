"""Loading rule packs: YAML with line numbers, schema validation, template overlay.

A pack is read with YAML's safe loader only, and its conditions are parsed into the closed
expression tree of ``_expr``: a pack received from another state cannot run code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ruta.i18n import LANGUAGES, N_, os_reason, translator
from ruta.i18n import Text as CatalogText
from ruta.pathways._errors import PackError, UnknownPathwayError, problem_text, pydantic_problem
from ruta.pathways._expr import (
    ExprError,
    Fact,
    Item,
    Lit,
    Param,
    Pick,
    Pred,
    Quant,
    Term,
    facts_of,
    parse_pred,
    parse_term,
    walk,
)
from ruta.pathways._facts import country_in, fact_catalog, vocabulary
from ruta.pathways._model import (
    Condition,
    Deadline,
    Document,
    Fee,
    Pathway,
    Timeline,
    Transition,
)
from ruta.pathways._schema import (
    CitationSpec,
    ConditionSpec,
    PackFile,
    ParamStep,
    PathwaySpec,
    TemplateSpec,
    Text,
    WindowSpec,
)

__all__ = [
    "PACKS_DIR",
    "Catalog",
    "default_catalog",
    "load_catalog",
    "pack_files",
    "read_yaml",
    "shipped_catalog",
    "use_packs",
]

PACKS_DIR = Path(__file__).parent / "packs"
HOST_PARAM = "host_country"


# libyaml's parser when PyYAML was built with it: 4x faster on the shipped packs, which
# every command that evaluates loads at start (the constructors stay the safe ones).
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):  # type: ignore[valid-type,misc]  # a class chosen at import
    """Safe loader that remembers the line of every mapping key (for error messages)."""


class _Lines(dict[Any, Any]):
    lines: dict[Any, int]


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Lines:
    mapping = _Lines(loader.construct_mapping(node, deep=True))
    mapping.lines = {
        loader.construct_object(key, deep=True): key.start_mark.line + 1 for key, _ in node.value
    }
    mapping.lines["__self__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """Read a YAML file safely; syntax errors become ``PackError`` with file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackError(
            N_("%(path)s: cannot be read (%(reason)s)"), path=str(path), reason=os_reason(exc)
        ) from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506  # _LineLoader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise PackError(
            N_("%(where)s: YAML syntax error: %(problem)s"), where=where, problem=problem
        ) from None


def _line_of(raw: Any, loc: Sequence[Any]) -> int | None:
    node, line = raw, None
    for step in loc:
        if isinstance(node, _Lines):
            line = node.lines.get(step, line)
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            if isinstance(node, _Lines):
                line = node.lines.get("__self__", line)
        else:
            break
    return line


def _fail(path: Path, raw: Any, loc: Sequence[Any], problem: str) -> PackError:
    """The refusal of a pack file at ``loc``: ``file:line: dotted.loc: problem`` (the
    problem a catalog text, or pydantic's English)."""
    line = _line_of(raw, loc)
    where = f"{path}:{line}" if line else str(path)
    dotted = ".".join(str(p) for p in loc)
    if dotted:
        return PackError(
            N_("%(where)s: %(dotted)s: %(problem)s"), where=where, dotted=dotted, problem=problem
        )
    return PackError(N_("%(where)s: %(problem)s"), where=where, problem=problem)


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every pathway of the loaded packs, and the version that stamps results."""

    pathways: Mapping[str, Pathway]
    version: str
    pack_versions: Mapping[str, str]
    #: The folders of a ministry's own packs loaded beside the shipped ones, in order.
    folders: tuple[Path, ...] = field(default=())

    def from_folder(self, folder: Path) -> list[Pathway]:
        """The pathways that a pack of ``folder`` defines (and that answer), in id order."""
        where = folder.resolve()
        return [
            p
            for _, p in sorted(self.pathways.items())
            if p.pack_file is not None and p.pack_file.parent.resolve() == where
        ]

    def get(self, pathway_id: str) -> Pathway:
        """The pathway with this id, or ``UnknownPathwayError`` listing close ids."""
        try:
            return self.pathways[pathway_id]
        except KeyError:
            prefix = pathway_id.split(".", 1)[0]
            near = [p for p in self.pathways if p.startswith(prefix + ".")]
            if near:
                raise UnknownPathwayError(
                    N_(
                        "unknown pathway '%(pathway)s'; pathways of that country: %(near)s "
                        "(see `ruta pathways list`)"
                    ),
                    field="pathway",
                    pathway=pathway_id,
                    near=", ".join(near),
                ) from None
            raise UnknownPathwayError(
                N_("unknown pathway '%(pathway)s' (see `ruta pathways list`)"),
                field="pathway",
                pathway=pathway_id,
            ) from None

    def for_country(self, country: str | None) -> list[Pathway]:
        """Pathways of one host country (all when None), in id order."""
        return [
            p
            for _, p in sorted(self.pathways.items())
            if country is None or p.host_country == country
        ]


def _timeline(name: str, raw: Any) -> Timeline:
    if isinstance(raw, Mapping) and set(raw) == {"timeline"}:
        steps = [ParamStep.model_validate(step) for step in raw["timeline"]]
        steps.sort(key=lambda s: (s.from_ is not None, s.from_))
        return Timeline(
            tuple((s.from_, _freeze(s.value)) for s in steps),
            tuple(str(s.citation) if s.citation else None for s in steps),
        )
    return Timeline(((None, _freeze(raw)),))


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, str):
        term = parse_term(value)  # date-shaped strings become dates, as in conditions
        return term.value if isinstance(term, Lit) else value
    return value


def _host_condition(spec: PathwaySpec, instrument: CitationSpec) -> Condition:
    text = Text.model_validate(
        {
            lang: translator(lang, "pathways").gettext(
                "This pathway is for people who want to live %(in_country)s."
            )
            % {"in_country": country_in(spec.host_country, lang)}
            for lang in LANGUAGES
        }
    )
    pred = parse_pred({"eq": [{"fact": "host_country"}, spec.host_country]})
    return Condition("host_country", text, instrument, pred, ("host_country",))


def _merge_by_id(base: Iterable[Any], extra: Iterable[Any], drop: Iterable[str]) -> list[Any]:
    dropped = set(drop)
    merged = {item.id: item for item in base if item.id not in dropped}
    for item in extra:
        merged[item.id] = item
    return list(merged.values())


class _Builder:
    """Turns validated pack files into runtime pathways, checking every reference."""

    def __init__(self, path: Path, raw: Any, pack: PackFile, *, shipped: bool = True) -> None:
        self.path, self.raw, self.pack, self.shipped = path, raw, pack, shipped
        self.facts = fact_catalog()
        self.vocab = vocabulary()

    def fail(self, loc: Sequence[Any], message: str, **values: str) -> PackError:
        """The refusal of this pack at ``loc``: ``message`` is a catalog message (a literal:
        a test checks every call) with its ``values``."""
        return _fail(self.path, self.raw, loc, CatalogText(message, **values))

    def check_expr(self, expr: Pred | Term, params: Mapping[str, Timeline], loc: list[Any]) -> None:
        list_scope: list[str] = []
        for node in walk(expr):
            if isinstance(node, Fact) and node.path not in self.facts:
                raise self.fail(
                    loc, N_("unknown fact '%(fact)s' (see data/facts.yaml)"), fact=node.path
                )
            if isinstance(node, Param) and node.name not in params:
                raise self.fail(
                    loc,
                    N_("parameter '%(name)s' is not defined for this pathway"),
                    name=node.name,
                )
            if isinstance(node, Quant | Pick):
                info = self.facts.get(node.list_fact)
                if info is None or info.kind != "list":
                    raise self.fail(loc, N_("'%(fact)s' is not a list fact"), fact=node.list_fact)
                list_scope.append(node.list_fact)
            if isinstance(node, Item):
                if not list_scope:
                    raise self.fail(
                        loc,
                        N_("'item: %(item)s' used outside some/every/none"),
                        item=node.field,
                    )
                lists = list_scope
                if node.scope is not None:  # the quantifier named by `as:` (checked by the parser)
                    lists = [
                        n.list_fact
                        for n in walk(expr)
                        if isinstance(n, Quant) and n.name == node.scope
                    ]
                fields = set().union(*(self.facts[f].items for f in lists))
                if node.field not in fields:
                    raise self.fail(loc, N_("list items have no field '%(item)s'"), item=node.field)

    def parse(self, raw: Any, loc: list[Any], params: Mapping[str, Timeline]) -> Pred:
        try:
            pred = parse_pred(raw)
        except ExprError as exc:
            problem = problem_text(exc)
            raise self.fail(loc, N_("bad condition: %(problem)s"), problem=problem) from None
        self.check_expr(pred, params, loc)
        return pred

    def condition(
        self, spec: ConditionSpec, params: Mapping[str, Timeline], loc: list[Any]
    ) -> Condition:
        pred = self.parse(spec.test, [*loc, "test"], params)
        return Condition(
            spec.id,
            spec.text,
            spec.citation,
            pred,
            tuple(facts_of(pred)),
            spec.valid_from,
            spec.valid_to,
            spec.discretionary,
        )

    def pathway(self, index: int, spec: PathwaySpec) -> Pathway:
        loc: list[Any] = ["pathways", index]
        base = TemplateSpec()
        if spec.template is not None:
            if spec.template not in self.pack.templates:
                raise self.fail(
                    [*loc, "template"],
                    N_("no template '%(template)s' in this pack"),
                    template=spec.template,
                )
            base = self.pack.templates[spec.template]
        raw_params = {**base.parameters, **spec.parameters}
        if HOST_PARAM in raw_params:
            raise self.fail(
                [*loc, "parameters"], N_("'%(name)s' is set by the engine"), name=HOST_PARAM
            )
        # The pathway's own host, for conditions a template writes once for every host.
        raw_params[HOST_PARAM] = spec.host_country
        try:
            params = {name: _timeline(name, value) for name, value in raw_params.items()}
        except (ValidationError, ExprError) as exc:
            raise self.fail(
                [*loc, "parameters"], N_("bad parameter: %(problem)s"), problem=problem_text(exc)
            ) from None
        fields = {}
        for name in ("title", "summary", "instrument", "grants", "next_steps"):
            value = getattr(spec, name) or getattr(base, name)
            if value is None:
                raise self.fail(
                    loc, N_("'%(name)s' is required (in the pathway or its template)"), name=name
                )
            fields[name] = value
        instrument: CitationSpec = fields["instrument"]
        window = spec.window or base.window or WindowSpec()
        conds = _merge_by_id(base.conditions, spec.conditions, spec.drop_conditions)
        conditions = [_host_condition(spec, instrument)] + [
            self.condition(c, params, [*loc, "conditions"]) for c in conds
        ]
        for right in fields["grants"].rights:
            if right not in self.vocab.rights:
                raise self.fail([*loc, "grants"], N_("unknown right '%(right)s'"), right=right)
        documents = []
        for doc in _merge_by_id(base.documents, spec.documents, spec.drop_documents):
            for kind in doc.any_of:
                if kind not in self.vocab.documents:
                    raise self.fail(
                        [*loc, "documents"], N_("unknown document type '%(kind)s'"), kind=kind
                    )
            when = self.parse(doc.when, [*loc, "documents"], params) if doc.when else None
            documents.append(
                Document(
                    doc.id,
                    tuple(doc.any_of),
                    self.vocab.documents,
                    doc.citation,
                    when,
                    doc.valid_for_months,
                    doc.issued_within_months,
                    doc.expired_accepted_years,
                    doc.note,
                )
            )
        fees = []
        for fee in _merge_by_id(base.fees, spec.fees, ()):
            exempt = (
                self.parse(fee.exempt_when, [*loc, "fees"], params) if fee.exempt_when else None
            )
            fees.append(
                Fee(fee.id, fee.amount, fee.currency, fee.text, fee.citation, exempt, fee.exemption)
            )
        deadlines = []
        for deadline in _merge_by_id(base.deadlines, spec.deadlines, ()):
            try:
                term = parse_term(deadline.date)
            except ExprError as exc:
                raise self.fail(
                    [*loc, "deadlines"], N_("bad deadline: %(problem)s"), problem=problem_text(exc)
                ) from None
            self.check_expr(term, params, [*loc, "deadlines"])
            deadlines.append(Deadline(deadline.id, deadline.text, term))
        transitions = [Transition(t.to, t.text) for t in (spec.transitions or base.transitions)]
        return Pathway(
            id=spec.id,
            host_country=spec.host_country,
            pack=self.pack.pack,
            pack_version=self.pack.version,
            title_text=fields["title"],
            summary_text=fields["summary"],
            instrument=instrument,
            grants=fields["grants"],
            window=window,
            conditions=tuple(conditions),
            documents=tuple(documents),
            fees=tuple(fees),
            transitions=tuple(transitions),
            deadlines=tuple(deadlines),
            next_steps=fields["next_steps"],
            params=params,
            pack_file=self.path,
            shipped=self.shipped,
        )


def pack_files(directory: Path) -> list[Path]:
    """The pack files of a folder (``*.yaml``, not the ``*.tests.yaml`` scenario files)."""
    return sorted(p for p in directory.glob("*.yaml") if not p.name.endswith(".tests.yaml"))


def _folder_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise PackError(
            N_(
                "%(folder)s: not a folder of rule packs; expected a directory holding "
                "<pack>.yaml files (check --packs and RUTA_PACKS, paths separated by ':')"
            ),
            field="packs",
            folder=str(folder),
        )
    files = pack_files(folder)
    if not files:
        raise PackError(
            N_(
                "%(folder)s: no pack files; expected <pack>.yaml files (and <pack>.tests.yaml "
                "scenario tests) in this folder"
            ),
            field="packs",
            folder=str(folder),
        )
    return files


def _read_pack(path: Path) -> tuple[Any, PackFile]:
    raw = read_yaml(path)
    try:
        return raw, PackFile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise _fail(path, raw, err["loc"], pydantic_problem(err)) from None


def load_catalog(
    directory: Path | None = None,
    files: Sequence[Path] | None = None,
    extra: Sequence[Path] = (),
) -> Catalog:
    """Load every pack file of ``directory`` (the shipped packs by default), then ``extra``.

    ``extra`` are the folders of a ministry's own packs (``--packs``, ``RUTA_PACKS``), loaded
    in order beside the shipped ones: a pathway with the id of an earlier one replaces it, and
    its results name the pack and version that answered. Within one folder an id is defined
    once. Everything is checked before anything is returned: never a half-loaded catalog.

    Args:
        directory: The shipped packs' folder (tests point it elsewhere).
        files: Exactly these pack files instead of ``directory``'s.
        extra: Folders of local packs, later ones taking precedence.

    Raises:
        PackError: a folder or a file is malformed; the message names the file, the line and
            the problem.

    Examples:
        >>> catalog = load_catalog()
        >>> catalog.get("col.ppt").shipped, catalog.folders
        (True, ())
    """
    pathways: dict[str, Pathway] = {}
    versions: dict[str, str] = {}
    digest = hashlib.sha256()
    layers: list[tuple[list[Path], bool]] = []
    if directory is None and files is None and extra:
        # The shipped packs are parsed once per process; local folders come on top.
        base = shipped_catalog()
        pathways.update(base.pathways)
        versions.update(base.pack_versions)
        digest.update(base.version.encode())
    else:
        layers.append(
            (list(files) if files is not None else pack_files(directory or PACKS_DIR), True)
        )
    layers += [(_folder_files(folder), False) for folder in extra]
    origin: dict[str, tuple[_Builder, int]] = {}  # pathway id -> where it was read
    for paths, shipped in layers:
        layer: set[str] = set()
        for path in paths:
            raw, pack = _read_pack(path)
            digest.update(path.read_bytes())
            builder = _Builder(path, raw, pack, shipped=shipped)
            versions[pack.pack] = pack.version
            for index, spec in enumerate(pack.pathways):
                if spec.id in layer:
                    raise builder.fail(
                        ["pathways", index, "id"],
                        N_("pathway '%(pathway)s' defined twice"),
                        pathway=spec.id,
                    )
                layer.add(spec.id)
                pathways[spec.id] = builder.pathway(index, spec)
                origin[spec.id] = (builder, index)
    for pathway in pathways.values():
        for transition in pathway.transitions:
            if transition.to in pathways:
                continue
            if pathway.id in origin:  # point at the pathway in its file
                where, index = origin[pathway.id]
                raise where.fail(
                    ["pathways", index, "transitions"],
                    N_("pathway %(pathway)s: transition to unknown '%(to)s'"),
                    pathway=pathway.id,
                    to=transition.to,
                )
            raise PackError(
                N_("%(where)s: pathway %(pathway)s: transition to unknown '%(to)s'"),
                where=str(pathway.pack_file or pathway.pack),
                pathway=pathway.id,
                to=transition.to,
            )
    return Catalog(pathways, digest.hexdigest()[:12], versions, tuple(extra))


_shipped: Catalog | None = None
_active: Catalog | None = None


def shipped_catalog() -> Catalog:
    """The packs shipped with Ruta alone, loaded once per process."""
    global _shipped
    if _shipped is None:
        _shipped = load_catalog()
    return _shipped


def default_catalog() -> Catalog:
    """The packs in use in this process: the shipped ones and those of :func:`use_packs`."""
    return _active or shipped_catalog()


def use_packs(folders: Sequence[Path]) -> Catalog:
    """Load a ministry's own packs beside the shipped ones and use them in this process.

    The service calls it at start with its settings (``RUTA_PACKS``), the CLI with
    ``RUTA_PACKS`` and ``--packs``; every evaluation, page and list then answers with them.
    An empty list goes back to the shipped packs alone.

    Raises:
        PackError: a folder or pack is broken (file:line and the problem); the packs in use
            are left as they were.
    """
    global _active
    catalog = load_catalog(extra=folders) if folders else shipped_catalog()
    _active = catalog
    return catalog
