"""Every module's ``__all__`` is what it offers, and a package exports what its modules declare.

The rules (issue 14 §2), for every module under ``ruta``:

1. Every module declares ``__all__``, without duplicates, and every name in it exists.
2. A package's ``__init__`` exports exactly the public names it imports from its own
   modules (eagerly, or for type checkers under ``TYPE_CHECKING`` when ``__getattr__`` loads
   them on first use): nothing imported is left out of ``__all__``, and nothing in
   ``__all__`` is neither imported nor defined in the ``__init__``.
3. A name a package re-exports is declared in the ``__all__`` of the module it comes from,
   and is the very same object there (no copy, no shadowing by a later import).

The reverse of rule 3 does not hold: a private module's ``__all__`` is also its interface
to its sibling modules (``_catalog.read_yaml`` for the pack tests), as in httpx; the
import-linter contract "private modules are imported only inside their package" keeps
those names from being used outside the package.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest

import ruta

ROOT = Path(ruta.__file__).parent


@dataclass(frozen=True)
class Source:
    """A module file under ``ruta`` and its dotted name."""

    name: str
    path: Path

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]


def _sources() -> list[Source]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if parts[-1] == "__main__" or parts[:3] == ("ruta", "store", "migrations"):
            continue  # run as a program, or Alembic's scripts: never imported for names
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.append(Source(".".join(parts), path))
    return found


SOURCES = _sources()
PACKAGES = [s for s in SOURCES if s.is_package]


def _declared_all(source: Source) -> list[str] | None:
    """The literal ``__all__`` of a module's top level, or None when it has none."""
    tree = ast.parse(source.path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return list(ast.literal_eval(value))
    return None


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """A module's top-level statements, with those under ``if TYPE_CHECKING:`` and in
    ``try`` blocks (a fallback when a distribution is not installed)."""
    statements: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            statements.extend(_top_level(node.body))
        elif isinstance(node, ast.Try):
            for block in (node.body, *(h.body for h in node.handlers), node.orelse):
                statements.extend(_top_level(block))
        else:
            statements.append(node)
    return statements


def _own_imports(source: Source) -> dict[str, str]:
    """Public names an ``__init__`` imports from its own modules: name -> module."""
    tree = ast.parse(source.path.read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    for node in _top_level(tree.body):
        if not isinstance(node, ast.ImportFrom) or node.level or node.module is None:
            continue
        if not node.module.startswith(source.name + "."):
            continue
        for alias in node.names:
            bound = alias.asname or alias.name
            if not bound.startswith("_"):
                names[bound] = node.module
    return names


def _defined(source: Source) -> set[str]:
    """Names an ``__init__`` defines or imports at its top level (any origin)."""
    tree = ast.parse(source.path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in _top_level(tree.body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_every_module_declares_what_it_offers(source: Source) -> None:
    declared = _declared_all(source)
    assert declared is not None, f"{source.path}: add __all__ (the names it offers)"
    assert len(declared) == len(set(declared)), f"{source.name}.__all__ repeats a name"
    module = importlib.import_module(source.name)
    missing = [name for name in declared if not hasattr(module, name)]
    assert not missing, f"{source.name}.__all__ names what it lacks: {missing}"


@pytest.mark.parametrize("source", PACKAGES, ids=lambda s: s.name)
def test_a_package_exports_exactly_what_it_imports(source: Source) -> None:
    exported = set(_declared_all(source) or ())
    imported = _own_imports(source)
    left_out = sorted(set(imported) - exported)
    assert not left_out, f"{source.name} imports but does not export: {left_out}"
    unknown = sorted(exported - _defined(source))
    assert not unknown, f"{source.name}.__all__ lists names its __init__ never binds: {unknown}"


@pytest.mark.parametrize("source", PACKAGES, ids=lambda s: s.name)
def test_a_reexported_name_is_the_one_its_module_declares(source: Source) -> None:
    package = importlib.import_module(source.name)
    for name, origin in _own_imports(source).items():
        module = importlib.import_module(origin)
        declared = getattr(module, "__all__", ())
        assert name in declared, f"{source.name} exports {name}, which {origin}.__all__ lacks"
        assert getattr(package, name) is getattr(module, name), (
            f"{source.name}.{name} is not {origin}.{name}"
        )


def test_the_rules_see_the_packages() -> None:
    """The walk finds the packages and their re-exports (the rules above are not vacuous)."""
    names = {s.name for s in PACKAGES}
    assert {"ruta.pathways", "ruta.linkage", "ruta.cases", "ruta.web.ui"} <= names
    assert _own_imports(next(s for s in PACKAGES if s.name == "ruta.pathways"))["simulate"] == (
        "ruta.pathways._population"
    )
