"""The case store: engines, sessions, typed models and migrations.

Public surface: :func:`make_engine`, :func:`make_sessionmaker`, :func:`upgrade` (run the
Alembic migrations shipped inside this package) and the models in :mod:`ruta.store.models`.
"""

from ruta.store.engine import make_engine, make_sessionmaker
from ruta.store.migrate import upgrade
from ruta.store.models import Base

__all__ = ["Base", "make_engine", "make_sessionmaker", "upgrade"]
