"""The final decision a workflow step records (issue 10 §6).

``transitions.decision_id``: on a step written by a final decision (approved, denied or
withdrawn by decision), that decision; NULL on every other step. The decision action
writes both in one transaction; the statistics mark a decision step that overrode the
engine by this link instead of ranking every decided case's steps and decisions.

Existing rows are linked as the statistics matched them before: a case's k-th approval
or denial step is its k-th final approval or denial, and its withdrawal step its final
withdrawal decision (a case is withdrawn once), both in the order they were recorded.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 02:00:00+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_KIND = "CASE WHEN {} = 'withdrawn' THEN 'w' ELSE 'd' END"
#: Window functions and a keyed temporary table: valid on SQLite and PostgreSQL alike, and
#: linear in the rows (a correlated window per row would not be).
_BACKFILL = (
    "CREATE TEMPORARY TABLE _step_decision (transition_id INTEGER PRIMARY KEY, "
    "decision_id INTEGER NOT NULL)",
    "INSERT INTO _step_decision (transition_id, decision_id) "
    "SELECT s.id, d.id FROM "
    f"(SELECT id, application_id, {_KIND.format('to_status')} AS kind, row_number() OVER "
    f"(PARTITION BY application_id, {_KIND.format('to_status')} ORDER BY id) AS k "
    "FROM transitions WHERE to_status IN ('approved', 'denied', 'withdrawn')) s "
    f"JOIN (SELECT id, application_id, {_KIND.format('outcome')} AS kind, row_number() OVER "
    f"(PARTITION BY application_id, {_KIND.format('outcome')} ORDER BY id) AS k "
    "FROM decisions WHERE status = 'final' AND outcome IN ('approved', 'denied', 'withdrawn')) d "
    "ON d.application_id = s.application_id AND d.kind = s.kind AND d.k = s.k",
    "UPDATE transitions SET decision_id = (SELECT m.decision_id FROM _step_decision m "
    "WHERE m.transition_id = transitions.id) "
    "WHERE id IN (SELECT transition_id FROM _step_decision)",
    "DROP TABLE _step_decision",
)


def upgrade() -> None:
    with op.batch_alter_table("transitions") as batch:
        batch.add_column(sa.Column("decision_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_transitions_decision_id", "decisions", ["decision_id"], ["id"])
    for statement in _BACKFILL:
        op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table("transitions") as batch:
        batch.drop_constraint("fk_transitions_decision_id", type_="foreignkey")
        batch.drop_column("decision_id")
