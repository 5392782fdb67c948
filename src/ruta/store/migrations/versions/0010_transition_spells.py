"""When each workflow step ended, and when the decision that closed it was taken (issue 10 §6).

- ``transitions.ended_at``: when the case's next step was recorded (the end of the spell
  this step began); NULL while the step is the case's current one.
- ``transitions.closed_at``: when the approval or denial that closed this step's episode
  was taken (the first such step at or after it, itself included); NULL while no
  decision has followed.

Both only change when a case moves, so the action layer (``ruta.cases.actions._common``)
sets them in the transaction that appends the next step; the statistics then read a
case's state at any instant as a range (``at <= T < ended_at``) and a spell's length and
decision per row, instead of ordering every case's history for each release.

Existing rows are filled from the history exactly as the action layer would have: the
next step is the next one recorded (by id), and a step's decision is the first approval
or denial recorded at or after it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 01:30:00+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: Correlated subqueries, valid on SQLite and PostgreSQL alike; each reads the steps of
#: one case through ``ix_transitions_application_id``.
_BACKFILL = (
    "UPDATE transitions SET "
    "ended_at = (SELECT n.at FROM transitions n "
    "WHERE n.application_id = transitions.application_id AND n.id > transitions.id "
    "ORDER BY n.id LIMIT 1), "
    "closed_at = (SELECT d.at FROM transitions d "
    "WHERE d.application_id = transitions.application_id AND d.id >= transitions.id "
    "AND d.to_status IN ('approved', 'denied') ORDER BY d.id LIMIT 1)"
)


def upgrade() -> None:
    # ADD COLUMN without a default: no table copy on SQLite (other tables point here).
    op.add_column("transitions", sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("transitions", sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(_BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("transitions") as batch:
        batch.drop_column("closed_at")
        batch.drop_column("ended_at")
