"""Audit events name the case they concern, whatever entity they are about.

``audit_events.application_id`` links an event to its case (the application), so that
an auditor reading a case sees its permits' suspensions, its documents, appointments,
review pairs and notes, not only the events whose entity is the application itself.
``audit_head.links_from`` is, per chain, the first ``seq`` whose hash covers the link:
events written before this revision keep the hash they were written with.

The backfill links the earlier events from their entities as they stood at this
revision (applications, permits, intake review pairs); it needs the append-only triggers
lifted for its one UPDATE, and puts them back.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 21:00:00+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_PG_TRIGGER = (
    "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION ruta_audit_append_only()"
)


def _sqlite_trigger(verb: str) -> str:
    return (
        f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
    )


def _lift_append_only(postgresql: bool) -> None:
    if postgresql:
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")


def _restore_append_only(postgresql: bool) -> None:
    if postgresql:
        op.execute(_PG_TRIGGER)
    else:
        op.execute(_sqlite_trigger("UPDATE"))
        op.execute(_sqlite_trigger("DELETE"))


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.add_column("audit_events", sa.Column("application_id", sa.String(36), nullable=True))
    op.create_index("ix_audit_events_case", "audit_events", ["application_id", "id"])
    op.add_column(
        "audit_head",
        sa.Column("links_from", sa.Integer(), nullable=False, server_default="1"),
    )
    op.execute("UPDATE audit_head SET links_from = seq + 1")
    intake = "application:"
    _lift_append_only(postgresql)
    op.execute(
        "UPDATE audit_events SET application_id = CASE "
        "WHEN entity_type = 'application' AND entity_id <> '*' THEN entity_id "
        "WHEN entity_type = 'permit' THEN "
        "(SELECT p.application_id FROM permits p WHERE p.permit_id = audit_events.entity_id) "
        "WHEN entity_type = 'review_pair' THEN "
        f"(SELECT substr(r.record_id_a, {len(intake) + 1}) FROM review_pairs r "
        "WHERE CAST(r.id AS VARCHAR(20)) = audit_events.entity_id "
        f"AND r.record_id_a LIKE '{intake}%') "
        "END"
    )
    _restore_append_only(postgresql)


def downgrade() -> None:
    with op.batch_alter_table("audit_head") as batch:
        batch.drop_column("links_from")
    op.drop_index("ix_audit_events_case", table_name="audit_events")
    postgresql = op.get_bind().dialect.name == "postgresql"
    _lift_append_only(postgresql)
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("application_id")
    _restore_append_only(postgresql)
