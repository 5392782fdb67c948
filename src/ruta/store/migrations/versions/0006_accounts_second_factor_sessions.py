"""Accounts: a TOTP second factor, recovery codes, listed sessions (issue 12, section 4).

- ``users``: ``totp_secret`` (the RFC 6238 secret, encrypted with a key derived from
  ``RUTA_SECRET_KEY``; never shown again after enrolment), ``totp_enabled``,
  ``totp_last_step`` (the time step of the last code accepted, so that a code cannot be
  replayed within its step) and ``last_login_at``.
- ``auth_tokens``: ``id`` (a public, random handle for revoking a session from a page:
  the token's hash is never put in a page), ``last_seen_at``, ``client`` and
  ``user_agent``. Existing sessions get a fresh handle here, so nobody is signed out.
- ``recovery_codes``: ten single-use codes per account, hashed like passwords.
- ``login_attempts``: ``username`` and ``client`` of each failure, so that the throttle
  counts the accounts one address fails on (spraying) without one account's attacker
  locking out the other people behind the same address.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 00:30:00+00:00
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN everywhere (no batch copy): SQLite allows it with a constant default, and
    # the foreign keys pointing at users forbid copying that table there.
    op.add_column("users", sa.Column("totp_secret", sa.String(length=300), nullable=True))
    op.add_column(
        "users",
        sa.Column("totp_enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("users", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    op.add_column("users", sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("auth_tokens", sa.Column("id", sa.String(length=32), nullable=True))
    op.add_column(
        "auth_tokens", sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("auth_tokens", sa.Column("client", sa.String(length=64), nullable=True))
    op.add_column("auth_tokens", sa.Column("user_agent", sa.String(length=200), nullable=True))
    bind = op.get_bind()
    tokens = sa.table("auth_tokens", sa.column("token_hash", sa.String), sa.column("id", sa.String))
    for (token_hash,) in bind.execute(sa.select(tokens.c.token_hash)).all():
        bind.execute(
            tokens.update()
            .where(tokens.c.token_hash == token_hash)
            .values(id=secrets.token_urlsafe(16))
        )
    op.create_index("ix_auth_tokens_id", "auth_tokens", ["id"], unique=True)
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_recovery_codes_user_id", "recovery_codes", ["user_id"], unique=False)
    op.add_column("login_attempts", sa.Column("username", sa.String(length=80), nullable=True))
    op.add_column("login_attempts", sa.Column("client", sa.String(length=64), nullable=True))
    op.create_index("ix_login_attempts_client_at", "login_attempts", ["client", "at"])


def downgrade() -> None:
    op.drop_index("ix_login_attempts_client_at", table_name="login_attempts")
    op.drop_column("login_attempts", "client")
    op.drop_column("login_attempts", "username")
    op.drop_index("ix_recovery_codes_user_id", table_name="recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_index("ix_auth_tokens_id", table_name="auth_tokens")
    for column in ("user_agent", "client", "last_seen_at", "id"):
        op.drop_column("auth_tokens", column)
    for column in ("last_login_at", "totp_last_step", "totp_enabled", "totp_secret"):
        op.drop_column("users", column)
