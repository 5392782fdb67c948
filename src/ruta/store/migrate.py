"""Run the Alembic migrations that ship inside the package (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

# Alembic is imported by the functions that use it: it is a noticeable part of the web
# service's start-up, which imports this module only for its readiness check.

__all__ = ["alembic_config", "schema_revisions", "upgrade"]

_HERE = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic configuration pointing at the packaged migrations and ``url``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_HERE))
    # Why: Alembic's ini interpolation treats % specially; URLs may contain escapes.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (default: the latest).

    Args:
        engine_or_url: An engine (its connection is reused, e.g. with a schema
            ``search_path``) or a URL.
        revision: Target revision.
    """
    from alembic import command

    if isinstance(engine_or_url, str):
        command.upgrade(alembic_config(engine_or_url), revision)
        return
    cfg = alembic_config(engine_or_url.url.render_as_string(hide_password=False))
    with engine_or_url.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def schema_revisions(engine: Engine) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The database's current revisions and the packaged head revisions.

    The schema is current when the two are equal (``ruta db upgrade`` makes them so).

    Args:
        engine: An engine on the database (its connection settings, e.g. a schema
            ``search_path``, are used).
    """
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
    return tuple(sorted(current)), tuple(sorted(script.get_heads()))
