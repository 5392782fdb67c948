"""Assembly of the sub-applications into the ``ruta`` Typer app."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="ruta",
    help="Ruta: regular migration pathways, casework, verifiable permits and linkage.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# (module, attribute, group name or None to merge its commands at the top level)
_SUBAPPS: list[tuple[str, str, str | None]] = [
    ("ruta.cli.pathways", "app", "pathways"),
    ("ruta.cli.link", "app", "link"),
    ("ruta.cli.permits", "app", "permits"),
    ("ruta.cli.casework", "register", None),
    ("ruta.cli.review", "app", "review"),
    ("ruta.cli.labour", "app", "labour"),
    ("ruta.cli.stats", "app", "stats"),
]

for _module, _attr, _name in _SUBAPPS:
    _obj = getattr(importlib.import_module(_module), _attr)
    if _name is None:
        _obj(app)
    else:
        app.add_typer(_obj, name=_name)
