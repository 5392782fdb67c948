"""``ruta pathways``: list, check, explain, simulate and test the rule packs."""

from __future__ import annotations

import typer

app = typer.Typer(help="Regular migration pathways: list, check, explain, simulate, test.",
                  no_args_is_help=True)
