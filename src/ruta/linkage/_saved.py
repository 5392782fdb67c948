"""Trained models saved and reused: a ministry trains once on its registry, links every batch.

A model file is JSON: Splink's own settings (comparisons with their trained m and u, the
prior, the blocking rules) plus what Ruta needs to trust it: the file format, the Ruta and
Splink versions, the version of the normalisation that made the comparison columns, and
which columns had data when it was trained. A model from another format, another Splink
major version or another normalisation is refused with what to do instead: the comparison
columns would not mean what the parameters were trained on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ruta import __version__
from ruta.i18n import N_
from ruta.linkage._atomic import atomic_path
from ruta.linkage._errors import LinkageError
from ruta.linkage._text import Text

__all__ = [
    "FEATURES_VERSION",
    "MODEL_FORMAT",
    "SavedModel",
    "load_model",
    "save_model",
    "splink_version",
]

MODEL_FORMAT = "ruta-linkage-model"
MODEL_FORMAT_VERSION = 1
#: Bump when the normalisation behind the comparison columns changes (2: every script is
#: transliterated, reduced-precision dates, surname words, exchanged names).
FEATURES_VERSION = 2


def splink_version() -> str:
    """The installed Splink version."""
    from importlib.metadata import version

    return version("splink")


@dataclass(frozen=True)
class SavedModel:
    """A trained model read back from its file.

    Attributes:
        settings: Splink settings with trained parameters (DuckDB dialect).
        filled: Feature column -> had data when trained (rebuilds the model for Spark).
        meta: Provenance: versions, records, source, training notes, saved_at.
    """

    settings: dict[str, Any]
    filled: dict[str, bool]
    meta: dict[str, Any]


def save_model(
    path: str | Path,
    settings: dict[str, Any],
    filled: dict[str, bool],
    *,
    records: int,
    source: str,
    notes: list[str],
) -> Path:
    """Write a trained model atomically (no half-written file on failure)."""
    target = Path(path)
    document = {
        "format": MODEL_FORMAT,
        "format_version": MODEL_FORMAT_VERSION,
        "ruta_version": __version__,
        "splink_version": splink_version(),
        "features_version": FEATURES_VERSION,
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "trained_on": {"records": records, "source": Path(source).name},
        "training_notes": notes,
        "filled": filled,
        "splink_settings": settings,
    }
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")
    return target


def load_model(path: str | Path) -> SavedModel:
    """Read a model file and check that this Ruta and this Splink can use it.

    Raises:
        LinkageError: Not a model file, or one from an incompatible version (the message
            says which and how to retrain).
    """
    path = Path(path)
    if not path.is_file():
        raise LinkageError(
            Text(
                N_(
                    "%(path)s does not exist; expected a model file from ruta link dedupe "
                    "--model-out"
                ),
                path=str(path),
            ),
            field="model",
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LinkageError(
            Text(
                N_("%(path)s is not a JSON model file (%(detail)s)"),
                path=str(path),
                detail=str(exc),
            ),
            field="model",
        ) from exc
    if not isinstance(document, dict) or document.get("format") != MODEL_FORMAT:
        raise LinkageError(
            Text(
                N_(
                    "%(path)s is not a Ruta linkage model; expected a file from ruta link dedupe "
                    "--model-out"
                ),
                path=str(path),
            ),
            field="model",
        )
    retrain = Text(N_("retrain it with ruta link dedupe REGISTRY --model-out MODEL.json"))
    if document.get("format_version") != MODEL_FORMAT_VERSION:
        raise LinkageError(
            Text(
                N_(
                    "%(path)s has model format %(saved)s; this Ruta reads format %(running)s: "
                    "%(retrain)s"
                ),
                path=str(path),
                saved=str(document.get("format_version")),
                running=str(MODEL_FORMAT_VERSION),
                retrain=retrain,
            ),
            field="model",
        )
    saved, running = str(document.get("splink_version", "?")), splink_version()
    if saved.split(".")[0] != running.split(".")[0]:
        raise LinkageError(
            Text(
                N_(
                    "%(path)s was trained with Splink %(saved)s; this Ruta runs Splink "
                    "%(running)s, whose model internals differ: %(retrain)s"
                ),
                path=str(path),
                saved=saved,
                running=running,
                retrain=retrain,
            ),
            field="model",
        )
    if document.get("features_version") != FEATURES_VERSION:
        raise LinkageError(
            Text(
                N_(
                    "%(path)s was trained on comparison columns of version %(saved)s (Ruta "
                    "%(ruta)s); this Ruta normalises names and dates as version %(running)s: "
                    "%(retrain)s"
                ),
                path=str(path),
                saved=str(document.get("features_version")),
                ruta=str(document.get("ruta_version")),
                running=str(FEATURES_VERSION),
                retrain=retrain,
            ),
            field="model",
        )
    settings, filled = document.get("splink_settings"), document.get("filled")
    if not isinstance(settings, dict) or not isinstance(filled, dict):
        raise LinkageError(
            Text(N_("%(path)s lacks its settings; %(retrain)s"), path=str(path), retrain=retrain),
            field="model",
        )
    meta = {k: v for k, v in document.items() if k not in ("splink_settings", "filled")}
    return SavedModel(settings, {str(k): bool(v) for k, v in filled.items()}, meta)
