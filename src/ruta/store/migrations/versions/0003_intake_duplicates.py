"""Intake duplicate search: the result stored with each application.

One JSON column rather than a table: the result is written once, at submission, and read
only with its case file (registry file and version, searched_at, elapsed_ms, status and
the reason when the search could not run, and the candidates with record_id,
probability, reasons and the review pair queued for each). NULL means no registry was
configured for the host country.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 16:10:00+00:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.add_column("applications", sa.Column("duplicate_search", _json(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("duplicate_search")
