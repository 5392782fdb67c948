"""The registry review queue: borderline record pairs a caseworker decides on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ruta.store._types import JSONType
from ruta.store.models._base import Base, _now

__all__ = ["REVIEW_OUTCOMES", "REVIEW_STATUSES", "ReviewPairRow"]

#: What a reviewer may decide about a pair.
REVIEW_OUTCOMES = ("merged", "distinct")
#: Every status a pair can have (``pending`` until decided, once).
REVIEW_STATUSES = ("pending", *REVIEW_OUTCOMES)


class ReviewPairRow(Base):
    """Two registry records the linkage model could not decide on, and the human decision.

    The records are copied in (JSON, contract column -> value) so that the comparison a
    reviewer saw stays the same when the registry file later changes or is deleted.
    """

    __tablename__ = "review_pairs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registry_name: Mapped[str] = mapped_column(String(80))
    #: The state whose registry it is; only its officers see the pair (ISO 3166-1 alpha-3).
    country: Mapped[str] = mapped_column(String(3))
    record_id_a: Mapped[str] = mapped_column(String(80))
    record_id_b: Mapped[str] = mapped_column(String(80))
    probability: Mapped[float] = mapped_column(Float)
    record_a: Mapped[dict[str, Any]]
    record_b: Mapped[dict[str, Any]]
    differing_fields: Mapped[list[str]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    __table_args__ = (
        # Importing the same pairs twice must not queue them twice.
        UniqueConstraint(
            "registry_name", "record_id_a", "record_id_b", name="uq_review_pairs_pair"
        ),
        Index("ix_review_pairs_status", "country", "status", "probability"),
    )
