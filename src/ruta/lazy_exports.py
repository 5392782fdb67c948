"""Names a package exports but imports on first use (PEP 562).

A package whose ``__init__`` would otherwise import a heavy module (DuckDB, Spark, Faker,
a template engine) for a name few callers use lists that name in a table, name -> module,
and takes its module ``__getattr__`` from :func:`lazy_exports`. ``ruta.pathways`` and
``ruta.linkage`` do; their ``TYPE_CHECKING`` imports keep the names typed.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, table: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``table[name]``'s module on first use.

    The value is then kept in the package's namespace, so that the next look-up is an
    ordinary attribute and this function runs once per name.

    Args:
        package: The package's ``__name__``.
        table: Exported name -> the module that defines it.

    Examples:
        >>> import types
        >>> sys.modules["demo_pkg"] = types.ModuleType("demo_pkg")
        >>> getter = lazy_exports("demo_pkg", {"dumps": "json"})
        >>> getter("dumps") is sys.modules["demo_pkg"].dumps
        True
        >>> getter("loads")
        Traceback (most recent call last):
        AttributeError: module 'demo_pkg' has no attribute 'loads'
        >>> del sys.modules["demo_pkg"]
    """

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
