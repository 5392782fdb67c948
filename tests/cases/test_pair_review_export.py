"""Exporting review decisions (for ``ruta link dedupe --decisions``) on SQLite and
PostgreSQL: decided pairs only, one state's officers and auditors, audited, intake pairs
left out unless asked for."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from ruta.cases.actions import (
    do_decide_review_pair,
    do_import_review_pairs,
    export_review_decisions,
    list_review_pairs,
)
from ruta.cases.errors import PermissionDeniedError
from ruta.store.models import AuditEvent, ReviewPairRow

from .test_pair_review import review_pairs


def test_export_lists_decided_pairs_with_decider_and_is_audited(session, cast):
    do_import_review_pairs(session, None, review_pairs(), "COL-2026", country="COL")
    assert export_review_decisions(session, cast.caseworker, "COL-2026") == []
    pending = list_review_pairs(session, cast.caseworker)[0]
    do_decide_review_pair(session, cast.caseworker, pending[0].id, "distinct", "Other mother")
    do_decide_review_pair(session, cast.supervisor, pending[1].id, "merged", "Same passport")
    rows = export_review_decisions(session, cast.auditor, "COL-2026")
    assert [(r["record_id_a"], r["record_id_b"], r["decision"], r["decided_by"]) for r in rows] == [
        ("r3", "r4", "distinct", "cw-col"),
        ("r1", "r2", "merged", "sup-col"),
    ]
    assert rows[1]["reason"] == "Same passport"
    assert datetime.fromisoformat(rows[0]["decided_at"]).tzinfo is not None
    exports = session.scalars(select(AuditEvent).where(AuditEvent.action == "review_pair.export"))
    assert [(e.actor, e.data["exported"]) for e in exports] == [("cw-col", 0), ("aud-col", 2)]


def test_export_is_scoped_to_the_actors_state_and_role(session, cast):
    do_import_review_pairs(session, None, review_pairs(), "COL-2026", country="COL")
    with pytest.raises(PermissionDeniedError, match="may not export decisions of COL"):
        export_review_decisions(session, cast.per_caseworker, "COL-2026", country="COL")
    # Without --country a PER officer sees PER's registry of that name: nothing.
    assert export_review_decisions(session, cast.per_caseworker, "COL-2026") == []
    with pytest.raises(PermissionDeniedError):
        export_review_decisions(session, cast.applicant, "COL-2026")


def test_intake_pairs_are_left_out_unless_asked_for(session, cast):
    session.add(
        ReviewPairRow(
            registry_name="COL-2026",
            country="COL",
            record_id_a="application:7",
            record_id_b="r1",
            probability=0.8,
            record_a={},
            record_b={},
            differing_fields=[],
            status="pending",
        )
    )
    session.commit()
    (row,) = list_review_pairs(session, cast.caseworker)[0]
    do_decide_review_pair(session, cast.caseworker, row.id, "merged", "Same person applied")
    assert export_review_decisions(session, cast.caseworker, "COL-2026") == []
    (only,) = export_review_decisions(session, cast.caseworker, "COL-2026", include_intake=True)
    assert only["record_id_a"] == "application:7"
