"""Birth dates known only to the year or the month on the pages: the finder's answer carried
into the apply form, day and month left empty, shown as "1990" or "mayo de 1990" on the
check page, the case page, the household list and the decision."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.web.ui.conftest import (
    ARG_ANSWERS,
    Site,
    create_account,
    details_form,
    main_text,
    walk_finder,
)

from ruta.cases import actions
from ruta.permits import KeyStore, verify
from ruta.store.models import Application, PermitRecord, User
from ruta.web.ui.household import _may_be_minor, _surely_adult

CHILD = str(datetime.now(UTC).year - 14)  # under 18 whatever the day
PPT = "col.ppt"
#: A Venezuelan child in school in Colombia who knows only the year of birth.
COL_ANSWERS = {
    "host_country": "COL",
    "in_host_country": "true",
    "nationalities": ["VEN"],
    "date_of_birth": {"answer-year": CHILD},
    "entry.date": {"answer-day": "1", "answer-month": "3", "answer-year": "2022"},
    "entry.authorized_crossing": "true",
    "in_school_or_child_protection": "true",
}


def _value(html: str, input_id: str) -> str:
    found = re.search(rf'id="{input_id}"[^>]*?value="([^"]*)"', html, re.S)
    assert found is not None, input_id
    return found.group(1)


def test_the_finders_year_is_carried_into_the_application(site: Site) -> None:
    client = site.client()
    asked = walk_finder(client, COL_ANSWERS)
    assert "date_of_birth" in asked
    form, _username = create_account(client, "luisa", f"/apply/{PPT}")
    assert _value(form.text, "date_of_birth-year") == CHILD
    assert _value(form.text, "date_of_birth-month") == _value(form.text, "date_of_birth-day") == ""
    details = details_form(
        form.text,
        nationality="VEN",
        **{"date_of_birth-day": "", "date_of_birth-month": "", "date_of_birth-year": CHILD},
    )
    check = client.post(f"/apply/{PPT}?lang=en", data=details)
    assert check.status_code == 200, main_text(check.text)
    assert f"<dt>Date of birth</dt><dd>{CHILD}</dd>" in main_text(check.text).replace("\n", "")
    sent = client.post(f"/apply/{PPT}/send", data=details)
    assert sent.status_code == 200 and "/confirmation" in str(sent.url), main_text(sent.text)
    with site.app.state.sessionmaker() as session:
        app = session.scalars(select(Application)).one()
        assert app.applicant.date_of_birth == CHILD and app.profile["date_of_birth"] == CHILD
        ppt = next(r for r in app.eligibility["results"] if r["pathway"] == PPT)
        assert ppt["status"] == "eligible"  # 14 or so, in school: a minor whatever the day


@pytest.mark.parametrize(
    ("parts", "anchor"),
    [
        ({"date_of_birth-day": "", "date_of_birth-month": "", "date_of_birth-year": ""}, "year"),
        ({"date_of_birth-day": "7", "date_of_birth-month": ""}, "month"),
        ({"date_of_birth-day": "", "date_of_birth-month": "13"}, "day"),
        ({"date_of_birth-year": "90"}, "year"),
        (
            {"date_of_birth-day": "", "date_of_birth-month": "", "date_of_birth-year": "2999"},
            "year",
        ),
    ],
)
def test_a_birth_date_the_form_cannot_read_names_the_part_to_fix(
    site: Site, parts: dict[str, str], anchor: str
) -> None:
    client = site.client()
    walk_finder(client, ARG_ANSWERS)
    form, _username = create_account(client, "rosa", "/apply/arg.mercosur-temporary")
    response = client.post(
        "/apply/arg.mercosur-temporary?lang=en", data=details_form(form.text, **parts)
    )
    assert response.status_code == 422
    assert f'href="#date_of_birth-{anchor}"' in response.text
    assert "or only the month and year, or only the year" in response.text or (
        "four digits" in response.text
    )


def _decided_case(site: Site, born: str, member_born: str, keys: Path) -> tuple[str, int]:
    """A case with a year- or month-only birth, decided (approved) by two officers."""
    client = site.client()
    walk_finder(client, ARG_ANSWERS)
    form, username = create_account(client, "rosa", "/apply/arg.mercosur-temporary")
    year, _, month = born.partition("-")
    details = details_form(
        form.text,
        **{"date_of_birth-day": "", "date_of_birth-month": month, "date_of_birth-year": year},
    )
    details["household"] = (
        '[{"given_names": "Eva", "surname_1": "Pérez", "date_of_birth": "'
        + member_born
        + '", "relationship": "sibling"}]'
    )
    # The household is put in its hidden field by hand (the household pages have their own
    # tests), and the form sent without the check page in between.
    sent = client.post("/apply/arg.mercosur-temporary/send", data=details, forged=True)
    assert "/confirmation" in str(sent.url), main_text(sent.text)
    app_id = str(sent.url).rstrip("/").split("/")[-2]
    officer_id, boss_id = site.user("cw"), site.user("sup")
    with site.app.state.sessionmaker() as session:
        officer, boss = session.get(User, officer_id), session.get(User, boss_id)
        assert officer is not None and boss is not None
        actions.do_transition(session, officer, app_id, "in_review", "start")
        actions.do_propose_decision(session, officer, app_id, "approved", ["Requisitos cumplidos"])
        actions.do_decide(
            session, boss, app_id, "approved", ["Requisitos cumplidos"], keys_dir=keys
        )
        owner = session.scalar(select(User.id).where(User.username == username))
    assert owner is not None
    site.owners[app_id] = username
    return app_id, owner


def test_case_page_household_decision_and_permit_say_the_date_as_known(
    site: Site, tmp_path: Path
) -> None:
    app_id, _owner = _decided_case(site, "1990-05", "1987", tmp_path / "keys")
    officer = site.signed_in("cw", lang="es")
    case = main_text(officer.get(f"/casework/cases/{app_id}", params={"lang": "es"}).text)
    assert "<dd>mayo de 1990</dd>" in case
    assert "sibling, 1987)" in case  # the household list, year only
    assert "(fecha de nacimiento: mayo de 1990)" in case
    migrant = site.migrant(app_id)
    track = main_text(migrant.get(f"/track/{app_id}", params={"lang": "pt"}).text)
    assert "(data de nascimento: maio de 1990)" in track
    # The signed permit states the month and the year, and no invented day.
    with site.app.state.sessionmaker() as session:
        permit = session.scalars(select(PermitRecord)).one()
    checked = verify(permit.payload, KeyStore(tmp_path / "keys").trust_list())
    assert checked.permit is not None and checked.permit.holder.date_of_birth == "1990-05"


def test_guardians_and_minors_with_an_unknown_day() -> None:
    day = date(2026, 6, 1)
    assert _may_be_minor("2008", day)  # 17 or 18: a guardian is asked for
    assert not _surely_adult("2008", day)  # nor may this person be a guardian
    assert _surely_adult("2008-05", day) and not _may_be_minor("2008-05", day)
    assert not _surely_adult("not a date", day)
