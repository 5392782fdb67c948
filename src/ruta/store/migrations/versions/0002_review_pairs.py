"""Registry review queue: borderline pairs from linkage and the reviewer's decision.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 14:55:00+00:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "review_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registry_name", sa.String(length=80), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("record_id_a", sa.String(length=80), nullable=False),
        sa.Column("record_id_b", sa.String(length=80), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("record_a", _json(), nullable=False),
        sa.Column("record_b", _json(), nullable=False),
        sa.Column("differing_fields", _json(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "registry_name", "record_id_a", "record_id_b", name="uq_review_pairs_pair"
        ),
    )
    op.create_index(
        "ix_review_pairs_status", "review_pairs", ["country", "status", "probability"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_review_pairs_status", table_name="review_pairs")
    op.drop_table("review_pairs")
