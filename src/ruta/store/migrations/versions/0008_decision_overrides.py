"""Decisions against the engine's assessment (issue 15, section 3): the override.

- ``decisions.engine_assessment``: the engine's assessment the outcome was compared with
  (status, the conditions failed and unknown, and the packs, engine and date of the
  evaluation), recorded at proposal and again at decision.
- ``decisions.override``: the outcome goes against that assessment (an approval of a case
  assessed ineligible or undetermined, a denial of one assessed eligible).
- ``decisions.override_reason``: why, as the officer who proposed or the supervisor who
  decided gave it. Earlier decisions were never compared: ``override`` false, no assessment.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 22:00:00+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN with constant defaults: no table copy on SQLite (other tables point here).
    op.add_column(
        "decisions",
        sa.Column(
            "engine_assessment",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
    )
    op.add_column(
        "decisions",
        sa.Column("override", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("decisions", sa.Column("override_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("override_reason")
        batch.drop_column("override")
        batch.drop_column("engine_assessment")
