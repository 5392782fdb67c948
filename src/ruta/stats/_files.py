"""Atomic output: every file of an export appears complete, or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from ruta.i18n import N_, os_reason
from ruta.stats._errors import ExportError

__all__ = ["atomic_files", "check_target"]


def check_target(target: Path, field: str = "out") -> Path:
    """Check that ``target`` can be an output file: its directory exists, it is no directory.

    A command checks its output before it reads and protects the release, so that a
    mistyped path fails in a second, naming the option, not after the work.

    Args:
        target: The file to be written.
        field: The option that names it in a refusal.

    Returns:
        The directory the file goes to.

    Raises:
        ExportError: naming ``field``: the directory does not exist or the target is one.
    """
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise ExportError(
            N_("directory %(directory)s does not exist; create it first"),
            field=field,
            directory=str(directory),
        )
    if target.is_dir():
        raise ExportError(
            N_("%(path)s is a directory; give a file name"), field=field, path=str(target)
        )
    return directory


@contextlib.contextmanager
def atomic_files(targets: Sequence[Path], field: str = "out") -> Iterator[list[Path]]:
    """Yield temporary paths beside ``targets``; on success each replaces its target.

    The renames come last and together, so a failure while writing leaves every target
    as it was (a data file is never left beside the structure of another run).

    Raises:
        ExportError: a target's directory does not exist or cannot be written in, or the
            target is a directory.
    """
    temporaries: list[Path] = []
    try:
        for target in targets:
            directory = check_target(target, field)
            try:
                fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
            except OSError as exc:
                raise ExportError(
                    N_("cannot write in %(directory)s (%(reason)s); choose a writable directory"),
                    field=field,
                    directory=str(directory),
                    reason=os_reason(exc),
                ) from None
            os.close(fd)
            temporaries.append(Path(name))
        yield temporaries
        # mkstemp makes its files private to their owner; a published release gets the
        # mode any new file of this user gets, as the other exports do.
        mode = _new_file_mode()
        for temporary in temporaries:
            os.chmod(temporary, mode)
        for temporary, target in zip(temporaries, targets, strict=True):
            os.replace(temporary, target)
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)


def _new_file_mode() -> int:
    """The mode a newly created file gets under the process's umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
