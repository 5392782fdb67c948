"""docs/cli.md is generated from the commands' help and must not drift from them."""

from __future__ import annotations

from pathlib import Path

from ruta.cli._reference import reference

DOC = Path(__file__).parents[2] / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == reference() + "\n", (
        "docs/cli.md is stale: run `python -m ruta.cli._reference > docs/cli.md`"
    )


def test_every_command_has_help() -> None:
    text = reference()
    blocks = text.split("```text")[1:]
    for block in blocks:
        usage, _, rest = block.partition("\n\n")
        assert rest.strip(), f"a command without help: {usage.strip()}"
