"""The CLI reference (docs/cli.md), generated from the commands' own help.

``python -m ruta.cli._reference > docs/cli.md`` regenerates it; a test fails when the
checked-in file differs, so the reference cannot drift from the code.
"""

from __future__ import annotations

from typing import Any

import typer

from ruta.cli._app import app

__all__ = ["reference"]


def _subcommands(command: Any) -> dict[str, Any]:
    # Through list_commands/get_command: the top level imports its commands lazily.
    if not hasattr(command, "list_commands"):
        return {}
    ctx = command.context_class(command)
    return {name: command.get_command(ctx, name) for name in command.list_commands(ctx)}


def _walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    found = [(path, command)]
    subcommands = _subcommands(command)
    for name in sorted(subcommands):
        found.extend(_walk(subcommands[name], [*path, name]))
    return found


def _describe(command: Any, ctx: Any) -> list[str]:
    pieces = " ".join(command.collect_usage_pieces(ctx))
    lines = [f"Usage: {ctx.command_path} {pieces}".rstrip()]
    if command.help:
        lines += ["", inspect_clean(command.help)]
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    options = [
        p
        for p in command.params
        if p.param_type_name == "option" and not getattr(p, "hidden", False)
    ]
    if arguments:
        lines += ["", "Arguments:"]
        for arg in arguments:
            text = getattr(arg, "help", None) or ""
            name = (arg.metavar or arg.name or "").upper()
            lines.append(f"  {name:<24} {text}".rstrip())
    if options:
        lines += ["", "Options:"]
        for opt in options:
            names = ", ".join(opt.opts + opt.secondary_opts)
            extra = ""
            if opt.default not in (None, False, ()) and not opt.is_flag:
                extra = f" [default: {opt.default}]"
            lines.append(f"  {names:<24} {(opt.help or '')}{extra}".rstrip())
    subcommands = _subcommands(command)
    if subcommands:
        lines += ["", "Commands:"]
        for name in sorted(subcommands):
            sub = subcommands[name]
            lines.append(f"  {name:<24} {sub.get_short_help_str(limit=80)}".rstrip())
    return lines


def inspect_clean(text: str) -> str:
    """A docstring without its indentation."""
    import inspect

    return inspect.cleandoc(text)


def reference() -> str:
    """The markdown reference of every ``ruta`` command."""
    root = typer.main.get_command(app)
    lines = [
        "# `ruta` command reference",
        "",
        "Generated from the commands' help by `python -m ruta.cli._reference`; "
        "do not edit by hand.",
        "",
    ]
    for path, command in _walk(root, ["ruta"]):
        ctx = command.context_class(command, info_name=" ".join(path))
        lines += [f"{'#' * min(len(path) + 1, 4)} `{' '.join(path)}`", "", "```text"]
        lines += _describe(command, ctx)
        lines += ["```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(reference())
