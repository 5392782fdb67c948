"""Notifications to applicants (issue 12, section 3): contact preferences and the outbox.

``notification_preferences`` holds, per applicant account, the channel (e-mail, SMS,
WhatsApp), an opt-out, the language and optional contact addresses. ``outbox`` holds each
rendered message, written in the same transaction as the action that caused it, with the
delivery state the notifier (``ruta notify run``) moves forward; ``dedupe_key`` is unique so
that a producer run twice (reminders) queues one message per cause.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 00:45:00+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=12), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint(
            "channel IN ('email', 'sms', 'whatsapp')", name="ck_notify_pref_channel"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=12), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _TS, nullable=False),
        sa.Column("lease_until", _TS, nullable=True),
        sa.Column("claim_token", sa.String(length=36), nullable=True),
        sa.Column("idempotency_key", sa.String(length=36), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("sent_at", _TS, nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'claimed', 'sending', 'sent', 'unknown', 'dead', 'withheld')",
            name="ck_outbox_state",
        ),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
        sa.UniqueConstraint("idempotency_key"),
    )
    op.create_index("ix_outbox_application_id", "outbox", ["application_id"])
    op.create_index("ix_outbox_state_next", "outbox", ["state", "next_attempt_at"])
    op.create_index("ix_outbox_country_state", "outbox", ["country", "state"])


def downgrade() -> None:
    op.drop_index("ix_outbox_country_state", table_name="outbox")
    op.drop_index("ix_outbox_state_next", table_name="outbox")
    op.drop_index("ix_outbox_application_id", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("notification_preferences")
