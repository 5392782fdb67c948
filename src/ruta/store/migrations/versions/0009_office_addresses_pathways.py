"""Offices that take a pathway, and their addresses (issue 15, section 2).

- ``offices.address``: the office's street address as the office or its authority
  publishes it; ``offices.address_source``: where it comes from (a URL or a document).
  Both empty for existing offices: Ruta never invents an address, and the pages keep
  pointing to the authority's website until an office sets its own.
- ``office_pathways(office_code, pathway_id)``: the pathways each office takes, one row
  per pair. A child table rather than a JSON column: "which offices of COL take col.ppt"
  (asked by every results page and every submission) is an indexed join on both SQLite
  and PostgreSQL, with no JSON-path dialects; a pair is unique by its key; and the rows go
  with their office (``ON DELETE CASCADE``).

Existing offices took every application of their country before this revision, so each
is given every pathway of its country in the packs in use by the process that migrates
(the shipped packs and a ministry's own, ``RUTA_PACKS``): nothing that worked before stops
working. A pathway added to the packs later is taken only when an office says so.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 01:40:00+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("offices", sa.Column("address", sa.Text(), nullable=True))
    op.add_column("offices", sa.Column("address_source", sa.String(length=500), nullable=True))
    op.create_table(
        "office_pathways",
        sa.Column("office_code", sa.String(length=40), nullable=False),
        sa.Column("pathway_id", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["office_code"], ["offices.code"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("office_code", "pathway_id"),
    )
    op.create_index(
        op.f("ix_office_pathways_pathway_id"), "office_pathways", ["pathway_id"], unique=False
    )
    connection = op.get_bind()
    offices = connection.execute(sa.text("SELECT code, country FROM offices")).all()
    if not offices:
        # A new store (every test's, the demo's): nothing to give, so the packs are not
        # loaded (a fraction of a second of CPU per process that migrates).
        return
    from ruta.pathways import default_catalog

    catalog = default_catalog()
    rows = [
        {"office_code": code, "pathway_id": pathway.id}
        for code, country in offices
        for pathway in catalog.for_country(country)
    ]
    if rows:
        connection.execute(
            sa.text(
                "INSERT INTO office_pathways (office_code, pathway_id) "
                "VALUES (:office_code, :pathway_id)"
            ),
            rows,
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_office_pathways_pathway_id"), table_name="office_pathways")
    op.drop_table("office_pathways")
    with op.batch_alter_table("offices") as batch:
        batch.drop_column("address_source")
        batch.drop_column("address")
