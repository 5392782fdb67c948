"""Birth dates known only to the year or the month, through the casework actions (SQLite and
PostgreSQL): stored as given, carried into the engine's profile, judged as intervals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from tests.cases.conftest import PASSWORD, submission

from ruta.cases import actions
from ruta.cases.actions.applications import _check_household
from ruta.cases.actions.authentication import do_create_user
from ruta.cases.assessment import assess_today
from ruta.cases.errors import CasesError
from ruta.cases.registries import applicant_record
from ruta.cases.schemas import ApplicationCreate, parse_model
from ruta.store.models import Applicant, HouseholdMember, User

MEXICO_MINOR = {
    "pathway": "mex.humanitarian-visitor",
    "profile": {
        "in_host_country": True,
        "nationalities": [{"country": "HND", "acquired": "birth"}],
        "unaccompanied_minor": True,
        "crime_victim_or_witness": False,
        "asylum_claim_pending": False,
        "humanitarian_cause": False,
        "current_status": "irregular",
        "criminal_records": [],
    },
}


def _member(born: str, guardian: str | None = None) -> dict[str, object]:
    return {
        "given_names": "Luz",
        "surname_1": "Pérez",
        "date_of_birth": born,
        "relationship": "child",
        "guardian": guardian,
    }


@pytest.mark.parametrize("born", ["1990", "1990-05", "1990-05-01"])
def test_the_applicant_and_household_keep_the_precision_given(session, cast, born) -> None:
    data = submission(household=[_member("2001"), _member("2019-03", "applicant")])
    data.applicant.date_of_birth = born
    app, _ = actions.do_submit_application(session, cast.caseworker, data)
    session.expunge_all()
    stored = session.scalars(select(Applicant)).one()
    assert stored.date_of_birth == born
    members = session.scalars(select(HouseholdMember).order_by(HouseholdMember.id)).all()
    assert [m.date_of_birth for m in members] == ["2001", "2019-03"]
    # The engine judged the birth date the applicant gave, in the stored profile too.
    assert app.profile["date_of_birth"] == born
    assert (
        applicant_record(actions.get_application(session, cast.caseworker, app.id))["date_of_birth"]
        == born
    )


def test_a_profile_without_a_birth_date_gets_the_applicants(session, cast) -> None:
    data = submission()
    del data.profile["date_of_birth"]
    data.applicant.date_of_birth = "1990-05"
    app, _ = actions.do_submit_application(session, cast.caseworker, data)
    assert app.profile["date_of_birth"] == "1990-05"


def test_a_birth_date_the_eligibility_answers_contradict_is_refused(session, cast) -> None:
    data = submission()
    data.profile["date_of_birth"] = "1985"
    data.applicant.date_of_birth = "1990-05-01"
    with pytest.raises(CasesError) as info:
        actions.do_submit_application(session, cast.caseworker, data)
    assert info.value.field == "applicant.date_of_birth"
    assert "1985" in info.value.message and "correct one of them" in info.value.message
    session.rollback()
    assert session.scalars(select(Applicant)).all() == []


def test_a_member_who_may_be_under_18_needs_a_guardian() -> None:
    day = date(2026, 6, 1)
    straddling = ApplicationCreate.model_validate(
        {**submission().model_dump(), "household": [_member("2008")]}  # 17 or 18 that day
    )
    with pytest.raises(CasesError) as info:
        _check_household(straddling, day)
    assert info.value.field == "household.0.guardian"
    adult = ApplicationCreate.model_validate(
        {**submission().model_dump(), "household": [_member("2008-05")]}  # 18 all month
    )
    _check_household(adult, day)


@pytest.mark.parametrize("born", ["1990-13", "90", "1990-5", "", str(datetime.now(UTC).year + 1)])
def test_bad_birth_dates_name_the_field(born) -> None:
    body = submission().model_dump()
    body["applicant"]["date_of_birth"] = born
    with pytest.raises(CasesError) as info:
        parse_model(ApplicationCreate, body)
    assert info.value.field == "applicant.date_of_birth"
    assert "YYYY-MM" in info.value.message and "YYYY" in info.value.message


@pytest.fixture
def mexico_officer(session) -> User:
    return do_create_user(
        session, None, username="cw-mex", password=PASSWORD, role="caseworker", country="MEX"
    )


@pytest.mark.parametrize(
    ("born", "status"),
    # On 2026-06-01: 2008 is 17 or 18 (the birth document decides); July 2008 is 17 whatever
    # the day (a minor: ground (b) holds); May 2008 is 18 whatever the day.
    [("2008", "undetermined"), ("2008-07", "eligible"), ("2008-05", "ineligible")],
)
def test_the_stored_case_is_assessed_with_the_interval(session, mexico_officer, born, status):
    body = {**submission().model_dump(), **MEXICO_MINOR}
    body["applicant"] |= {"date_of_birth": born, "nationality": "HND"}
    app, _ = actions.do_submit_application(
        session, mexico_officer, ApplicationCreate.model_validate(body)
    )
    shown = assess_today(app, "es", today=date(2026, 6, 1))
    assert shown.result is not None and shown.result["status"] == status
