"""The registry review queue actions on SQLite and PostgreSQL: import (idempotent),
audited reads and decisions, decided once, officers only."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select

from ruta.cases.actions import (
    check_pair_review_access,
    do_decide_review_pair,
    do_import_review_pairs,
    get_review_pair,
    list_review_pairs,
)
from ruta.cases.audit import verify_chain
from ruta.cases.errors import CasesError, ConflictError, NotFoundError, PermissionDeniedError
from ruta.linkage import Registry, ReviewPair, borderline_pairs
from ruta.linkage._registry import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from ruta.store.models import AuditEvent, ReviewPairRow


def review_pairs() -> list[ReviewPair]:
    """Three scored pairs of which two fall in the default review band."""
    frame = pd.DataFrame({c: [""] * 4 for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS})
    frame["record_id"] = ["r1", "r2", "r3", "r4"]
    frame["given_names"] = ["Ana", "Ana María", "José", "Jose"]
    frame["surname_1"] = ["Peña", "PENA", "Ruiz", "Ruiz"]
    frame["date_of_birth"] = ["1990-05-01", "1990-05-01", "1985-01-02", "1985-02-01"]
    pairs = pd.DataFrame(
        {
            "record_id_l": ["r2", "r3", "r1"],
            "record_id_r": ["r1", "r4", "r4"],
            "match_probability": [0.7, 0.55, 0.1],
        }
    )
    return borderline_pairs(pairs, Registry(frame))


def events(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_import_is_idempotent_and_stores_each_pair_in_one_order(session, cast):
    pairs = review_pairs()
    assert do_import_review_pairs(session, cast.supervisor, pairs, "COL-2026") == 2
    assert do_import_review_pairs(session, None, pairs, "COL-2026", country="col") == 0
    # The same records under another registry are another review.
    assert do_import_review_pairs(session, None, pairs[:1], "PER-2026", country="PER") == 1
    rows = session.scalars(select(ReviewPairRow).order_by(ReviewPairRow.id)).all()
    assert [(r.registry_name, r.record_id_a, r.record_id_b) for r in rows] == [
        ("COL-2026", "r3", "r4"),
        ("COL-2026", "r1", "r2"),
        ("PER-2026", "r3", "r4"),
    ]
    first = rows[1]
    assert first.record_a["given_names"] == "Ana" and first.record_b["surname_1"] == "PENA"
    assert first.differing_fields == ["given_names"] and first.status == "pending"
    assert [e.data["added"] for e in events(session, "review_pair.import")] == [2, 0, 1]


def test_import_refuses_a_bad_registry_name_and_non_officers(session, cast):
    with pytest.raises(CasesError, match="registry name") as caught:
        do_import_review_pairs(session, None, review_pairs(), " ", country="COL")
    assert caught.value.field == "registry"
    with pytest.raises(CasesError, match="alpha-3") as caught:
        do_import_review_pairs(session, None, review_pairs(), "COL-2026")
    assert caught.value.field == "country"
    with pytest.raises(PermissionDeniedError, match="of COL may not queue pairs of PER"):
        do_import_review_pairs(session, cast.caseworker, review_pairs(), "X", country="PER")
    with pytest.raises(PermissionDeniedError):
        do_import_review_pairs(session, cast.auditor, review_pairs(), "COL-2026")


def test_pending_list_is_most_uncertain_first_and_decided_list_separate(session, cast):
    do_import_review_pairs(session, None, review_pairs(), "COL-2026", country="COL")
    pending, total = list_review_pairs(session, cast.caseworker)
    assert total == 2 and [p.probability for p in pending] == [0.55, 0.7]
    do_decide_review_pair(session, cast.caseworker, pending[0].id, "distinct", "Other birth date")
    assert list_review_pairs(session, cast.caseworker)[1] == 1
    decided, count = list_review_pairs(session, cast.caseworker, decided=True)
    assert count == 1 and decided[0].status == "distinct"
    page_two, total = list_review_pairs(session, cast.caseworker, page=2, page_size=1)
    assert total == 1 and page_two == []


def test_reading_a_pair_is_audited(session, cast):
    do_import_review_pairs(session, None, review_pairs(), "COL-2026", country="COL")
    row = list_review_pairs(session, cast.supervisor)[0][0]
    assert get_review_pair(session, cast.supervisor, row.id).id == row.id
    (event,) = events(session, "review_pair.read")
    assert (event.entity_type, event.entity_id, event.actor) == (
        "review_pair",
        str(row.id),
        "sup-col",
    )


def test_decision_is_recorded_audited_and_made_once(session, cast):
    do_import_review_pairs(session, None, review_pairs(), "COL-2026", country="COL")
    row = list_review_pairs(session, cast.caseworker)[0][0]
    decided = do_decide_review_pair(session, cast.caseworker, row.id, "merged", "  Same passport ")
    assert decided.status == "merged" and decided.reason == "Same passport"
    assert decided.decided_by == cast.caseworker.id and decided.decided_at is not None
    (event,) = events(session, "review_pair.decide")
    assert event.data["outcome"] == "merged" and event.entity_id == str(row.id)
    with pytest.raises(ConflictError, match="already decided"):
        do_decide_review_pair(session, cast.supervisor, row.id, "distinct", "Changed my mind")
    session.rollback()
    assert len(events(session, "review_pair.decide")) == 1
    assert verify_chain(session).intact


def test_decision_needs_an_outcome_a_reason_and_an_officer(session, cast):
    do_import_review_pairs(session, None, review_pairs(), "COL-2026", country="COL")
    row = list_review_pairs(session, cast.caseworker)[0][0]
    with pytest.raises(CasesError) as caught:
        do_decide_review_pair(session, cast.caseworker, row.id, "maybe", "why")
    assert caught.value.field == "outcome"
    with pytest.raises(CasesError) as caught:
        do_decide_review_pair(session, cast.caseworker, row.id, "merged", "   ")
    assert caught.value.field == "reason"
    for outsider in (cast.auditor, cast.applicant, cast.admin):
        with pytest.raises(PermissionDeniedError):
            do_decide_review_pair(session, outsider, row.id, "merged", "Same person")
        with pytest.raises(PermissionDeniedError):
            get_review_pair(session, outsider, row.id)
        with pytest.raises(PermissionDeniedError):
            check_pair_review_access(outsider)
    with pytest.raises(NotFoundError):
        do_decide_review_pair(session, cast.caseworker, 999_999, "merged", "Same person")
    session.rollback()
    assert session.get(ReviewPairRow, row.id).status == "pending"
    assert events(session, "review_pair.decide") == []


def test_officers_see_only_their_own_states_registry(session, cast):
    do_import_review_pairs(session, None, review_pairs(), "COL-2026", country="COL")
    row = list_review_pairs(session, cast.caseworker)[0][0]
    assert row.country == "COL"
    assert list_review_pairs(session, cast.per_caseworker) == ([], 0)
    with pytest.raises(NotFoundError):
        get_review_pair(session, cast.per_caseworker, row.id)
    with pytest.raises(NotFoundError):
        do_decide_review_pair(session, cast.per_caseworker, row.id, "merged", "Same person")
    session.rollback()
    assert events(session, "review_pair.read") == []
