"""Birth dates known only to the year or the month (issue 11, section 3).

``date_of_birth`` stays a DATE and holds the first day the birth may be; the new column
``date_of_birth_precision`` (``day``, ``month`` or ``year``) says how much of it is known.
Every existing row was entered with its day, so it becomes ``day`` and nothing else
changes: queries, indexes and the statistics' ages keep reading a real date.

Downgrade drops the precision only when every birth date is known to the day: turning
``1990`` back into ``1990-01-01`` would invent a birthday, so it refuses and says which
rows to correct first.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 22:30:00+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TABLES = {
    "applicants": "ck_applicants_birth_precision",
    "household_members": "ck_household_members_birth_precision",
}


_CHECK = "date_of_birth_precision IN ('day', 'month', 'year')"


def upgrade() -> None:
    # Why not batch mode on SQLite: it copies and drops the table, which the foreign keys
    # of applications forbid; ADD COLUMN may carry a CHECK there, and costs no copy anywhere.
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, check in _TABLES.items():
        if sqlite:
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN date_of_birth_precision VARCHAR(5) "
                f"DEFAULT 'day' NOT NULL CONSTRAINT {check} CHECK ({_CHECK})"
            )
            continue
        op.add_column(
            table,
            sa.Column(
                "date_of_birth_precision", sa.String(length=5), server_default="day", nullable=False
            ),
        )
        op.create_check_constraint(check, table, _CHECK)


def downgrade() -> None:
    bind = op.get_bind()
    for table in _TABLES:
        query = f"SELECT count(*) FROM {table} WHERE date_of_birth_precision <> 'day'"
        partial = bind.execute(sa.text(query)).scalar()
        if partial:
            raise RuntimeError(
                f"{table} holds {partial} birth dates known only to the month or the year; "
                "revision 0004 can store only full dates. Correct those rows (or keep 0005) "
                "before downgrading"
            )
    for table in _TABLES:
        # Dropping the column drops its CHECK too (SQLite allows it: the check is the
        # column's own), with no copy of the table.
        op.drop_column(table, "date_of_birth_precision")
