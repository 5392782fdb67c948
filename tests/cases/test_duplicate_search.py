"""The registry duplicate check (ruta.cases.actions.duplicates over a RegistryIndexes) through
the submission action, both backends."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.cases.conftest import submission

from ruta.cases import RegistryIndexes, actions, verify_chain
from ruta.cases.errors import CasesError, NotFoundError, PermissionDeniedError
from ruta.cases.registries import MIN_PROBABILITY
from ruta.linkage import REQUIRED_COLUMNS, SynthConfig, synth_registry
from ruta.store.models import AuditEvent, ReviewPairRow

COLUMNS = REQUIRED_COLUMNS  # the registry contract
#: The applicant of ``submission()`` (María José Pérez Gómez, 1990-05-01, passport 123456789)
#: as the registry holds her twice: surnames swapped and no document; second surname missing.
SWAPPED = ("R-SWAP", "MARIA JOSE", "Gomez", "Perez", "F", "1990-05-01", "VEN", "")
NO_SECOND = ("R-NOSECOND", "María José", "Pérez", "", "F", "1990-05-01", "VEN", "123456789")
#: Her sister: same surnames, another name and birth date (must not be a candidate).
SISTER = ("R-SISTER", "Ana Lucía", "Pérez", "Gómez", "F", "1994-11-23", "VEN", "998877665")


def write_registry(path: Path, *extra: tuple[str, ...]) -> Path:
    """200 synthetic people plus ``extra`` rows, as a contract CSV."""
    frame = synth_registry(200, SynthConfig(seed=11))
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        for row in frame[list(COLUMNS)].itertuples(index=False):
            out.writerow(row)
        out.writerows(extra)
    return path


def touch_later(path: Path) -> None:
    """Give a rewritten file a different modification time (coarse clocks)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def _events(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_swapped_surnames_and_missing_second_surname_are_found(session, cast, tmp_path):
    path = write_registry(tmp_path / "col.csv", SWAPPED, NO_SECOND, SISTER)
    reg = RegistryIndexes({"COL": path}, wait=None)
    app, _ = actions.do_submit_application(session, cast.caseworker, submission(), registries=reg)
    result = app.duplicate_search
    assert result["status"] == "searched"
    assert result["registry"]["file"] == "col.csv" and result["registry"]["records"] == 203
    assert result["registry"]["version"] and result["elapsed_ms"] >= 0
    found = {c["record_id"]: c for c in result["candidates"]}
    assert {"R-SWAP", "R-NOSECOND"} <= set(found) and "R-SISTER" not in found
    assert "surnames equal (any order)" in found["R-SWAP"]["reasons"]
    assert "first surname equal, second missing" in found["R-NOSECOND"]["reasons"]
    assert all(c["probability"] >= MIN_PROBABILITY for c in found.values())
    # Each candidate waits in the review queue: the applicant beside the registry record.
    pairs, total = actions.list_review_pairs(session, cast.caseworker)
    assert total == len(found)
    pair = next(p for p in pairs if p.record_id_b == "R-SWAP")
    assert pair.record_id_a == f"application:{app.id}" and pair.country == "COL"
    assert pair.record_a["surname_1"] == "Pérez" and pair.record_b["surname_1"] == "Gomez"
    assert {"surname_1", "surname_2"} <= set(pair.differing_fields)
    assert "given_names" not in pair.differing_fields  # accents and case are not differences
    assert found["R-SWAP"]["pair_id"] == pair.id
    # The search is audited with record ids and probabilities, never names.
    [event] = _events(session, "application.duplicate_search")
    assert event.entity_id == app.id and event.data["status"] == "searched"
    assert {c["record_id"] for c in event.data["candidates"]} == set(found)
    assert "Gomez" not in str(event.data)
    assert verify_chain(session).intact  # floats in the event survive the JSON round trip


def test_officers_see_candidates_with_their_review_status_applicants_do_not(
    session, cast, tmp_path
):
    reg = RegistryIndexes({"COL": write_registry(tmp_path / "col.csv", SWAPPED)}, wait=None)
    app, _ = actions.do_submit_application(session, cast.applicant, submission(), registries=reg)
    view = actions.duplicate_view(session, cast.caseworker, app)
    assert view is not None and view["open"] == 1
    [candidate] = [c for c in view["candidates"] if c["record_id"] == "R-SWAP"]
    assert candidate["review_status"] == "pending"
    actions.do_decide_review_pair(
        session, cast.caseworker, candidate["pair_id"], "distinct", "different mother"
    )
    view = actions.duplicate_view(session, cast.supervisor, app)
    assert view is not None
    assert [c["review_status"] for c in view["candidates"] if c["record_id"] == "R-SWAP"] == [
        "distinct"
    ]
    assert actions.duplicate_view(session, cast.applicant, app) is None


def test_no_registry_configured_means_no_search_and_no_trace(session, cast):
    reg = RegistryIndexes({})
    app, created = actions.do_submit_application(
        session, cast.caseworker, submission(), registries=reg
    )
    assert created and app.status == "submitted"
    assert app.duplicate_search is None
    assert _events(session, "application.duplicate_search") == []
    assert session.scalars(select(ReviewPairRow)).all() == []
    assert actions.duplicate_view(session, cast.caseworker, app) is None


def test_another_countrys_registry_is_not_searched(session, cast, tmp_path):
    reg = RegistryIndexes({"PER": write_registry(tmp_path / "per.csv", SWAPPED)}, wait=None)
    app, _ = actions.do_submit_application(session, cast.caseworker, submission(), registries=reg)
    assert app.host_country == "COL" and app.duplicate_search is None


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("col.parquet", b"PAR1 this is not a parquet file"),
        ("col.csv", b"id;name\n1;Ana\n"),  # not the registry contract's columns
    ],
)
def test_corrupt_registry_leaves_submission_working_and_says_why(
    session, cast, tmp_path, name, content
):
    path = tmp_path / name
    path.write_bytes(content)
    reg = RegistryIndexes({"COL": path}, wait=None)
    app, created = actions.do_submit_application(
        session, cast.caseworker, submission(), registries=reg
    )
    assert created and app.status == "submitted"
    result = app.duplicate_search
    assert result["status"] == "not_run" and result["candidates"] == []
    assert name in result["reason"] and "could not be read" in result["reason"]
    [event] = _events(session, "application.duplicate_search")
    assert event.data["status"] == "not_run" and event.data["reason"] == result["reason"]
    assert reg.status("COL") == "failed"


def test_missing_registry_file_is_recorded_not_raised(session, cast, tmp_path):
    reg = RegistryIndexes({"COL": tmp_path / "gone.parquet"}, wait=None)
    app, created = actions.do_submit_application(
        session, cast.caseworker, submission(), registries=reg
    )
    assert created
    assert app.duplicate_search["status"] == "not_run"
    assert "gone.parquet" in app.duplicate_search["reason"]


def test_a_changed_registry_file_is_indexed_again(session, cast, tmp_path):
    path = write_registry(tmp_path / "col.csv", SISTER)
    reg = RegistryIndexes({"COL": path}, wait=None)
    first, _ = actions.do_submit_application(session, cast.caseworker, submission(), registries=reg)
    assert first.duplicate_search["candidates"] == []
    version = first.duplicate_search["registry"]["version"]
    write_registry(path, SISTER, NO_SECOND)
    touch_later(path)
    second, _ = actions.do_submit_application(
        session, cast.caseworker, submission(office="BOG"), registries=reg
    )
    result = second.duplicate_search
    assert result["registry"]["version"] != version and result["registry"]["records"] == 202
    assert [c["record_id"] for c in result["candidates"]] == ["R-NOSECOND"]


def test_a_bad_new_version_stops_the_search_and_a_fixed_one_resumes_it(session, cast, tmp_path):
    path = write_registry(tmp_path / "col.csv", NO_SECOND)
    reg = RegistryIndexes({"COL": path}, wait=None)
    path.write_text("record_id\n1\n")
    touch_later(path)
    app, _ = actions.do_submit_application(session, cast.caseworker, submission(), registries=reg)
    assert app.duplicate_search["status"] == "not_run"
    write_registry(path, NO_SECOND)
    touch_later(path)
    touch_later(path)
    again, _ = actions.do_submit_application(
        session, cast.caseworker, submission(office="X"), registries=reg
    )
    assert [c["record_id"] for c in again.duplicate_search["candidates"]] == ["R-NOSECOND"]


def test_an_idempotent_replay_does_not_search_again(session, cast, tmp_path):
    reg = RegistryIndexes({"COL": write_registry(tmp_path / "col.csv", SWAPPED)}, wait=None)
    first, _ = actions.do_submit_application(
        session, cast.applicant, submission(), idempotency_key="k1", registries=reg
    )
    again, created = actions.do_submit_application(
        session, cast.applicant, submission(), idempotency_key="k1", registries=reg
    )
    assert not created and again.id == first.id
    assert len(_events(session, "application.duplicate_search")) == 1


def test_control_characters_in_a_registry_are_not_stored(session, cast, tmp_path):
    # PostgreSQL refuses NUL in JSONB: a stray byte in a registry must not fail submissions.
    dirty = ("R-DIRTY\x00", "María José", "Pérez\x00", "Gómez", "F", "1990-05-01", "VEN", "")
    reg = RegistryIndexes({"COL": write_registry(tmp_path / "col.csv", dirty)}, wait=None)
    app, created = actions.do_submit_application(
        session, cast.caseworker, submission(), registries=reg
    )
    assert created
    [candidate] = app.duplicate_search["candidates"]
    assert candidate["record_id"] == "R-DIRTY" and candidate["record"]["surname_1"] == "Pérez"


def test_the_setting_is_a_json_mapping_by_country(monkeypatch, tmp_path):
    from ruta.settings import Settings

    monkeypatch.setenv("RUTA_REGISTRIES", f'{{"col": "{tmp_path / "col.parquet"}"}}')
    assert Settings().registries == {"col": tmp_path / "col.parquet"}
    reg = RegistryIndexes(Settings().registries)
    assert reg.status("COL") == "loading"  # configured, file not there yet
    assert reg.status("PER") == "none"
    assert reg.countries() == ("COL",) and "col" in reg


def test_each_holder_has_its_own_indexes_and_none_searches_nothing(session, cast, tmp_path):
    # No module state: a second RegistryIndexes (another app, a CLI command) shares nothing
    # with the first, and an action given none searches nothing.
    path = write_registry(tmp_path / "col.csv", SWAPPED)
    built = RegistryIndexes({"COL": path}, wait=None)
    other = RegistryIndexes({"PER": path}, wait=None)
    app, _ = actions.do_submit_application(session, cast.caseworker, submission(), registries=built)
    assert app.duplicate_search["status"] == "searched"
    assert built.status("COL") == "ready" and other.status("COL") == "none"
    assert other.index_age("COL", 0.0) is None and built.index_age("COL", 4e9) is not None
    plain, _ = actions.do_submit_application(session, cast.caseworker, submission(office="X"))
    assert plain.duplicate_search is None
    assert not actions.duplicate_checking_off(cast.caseworker, app, other)  # it was searched
    assert actions.duplicate_checking_off(cast.caseworker, plain, other)
    assert not actions.duplicate_checking_off(cast.caseworker, plain, built)
    assert not actions.duplicate_checking_off(cast.applicant, plain, other)


def test_an_index_is_kept_until_its_file_changes(tmp_path):
    from ruta.store.models import Applicant, Application

    path = write_registry(tmp_path / "col.csv", SWAPPED)
    reg = RegistryIndexes({"COL": path}, wait=None)
    applicant = Applicant(
        given_names="María José", surname_1="Pérez", surname_2="Gómez", sex="F",
        date_of_birth="1990-05-01", nationality="VEN", document_type="passport",
        document_number="123456789",
    )  # fmt: skip
    app = Application(id="a1", host_country="COL", applicant=applicant)
    first = reg.search(app)
    assert first is not None and first["status"] == "searched"
    index = reg._entries["COL"].loaded
    again = reg.search(app)
    assert again is not None and reg._entries["COL"].loaded is index  # not built again
    write_registry(path, SWAPPED, NO_SECOND)
    touch_later(path)
    changed = reg.search(app)
    assert changed is not None and changed["registry"]["records"] == 202
    assert reg._entries["COL"].loaded is not index


def test_an_officer_searches_again_after_the_file_is_fixed(session, cast, tmp_path):
    path = tmp_path / "col.csv"
    reg = RegistryIndexes({"COL": path}, wait=None)  # not there yet
    app, _ = actions.do_submit_application(session, cast.applicant, submission(), registries=reg)
    assert app.duplicate_search["status"] == "not_run"
    write_registry(path, SWAPPED)
    again = actions.do_search_duplicates(session, cast.caseworker, app.id, reg)
    assert again.duplicate_search["status"] == "searched"
    [first] = [c for c in again.duplicate_search["candidates"] if c["record_id"] == "R-SWAP"]
    # Searching once more finds the same pair (and would keep its decision): not queued twice.
    third = actions.do_search_duplicates(session, cast.supervisor, app.id, reg)
    [same] = [c for c in third.duplicate_search["candidates"] if c["record_id"] == "R-SWAP"]
    assert same["pair_id"] == first["pair_id"]
    assert actions.list_review_pairs(session, cast.caseworker)[1] == len(
        third.duplicate_search["candidates"]
    )
    events = _events(session, "application.duplicate_search")
    assert [e.data.get("again", False) for e in events] == [False, True, True]


def test_searching_again_is_for_officers_of_the_state_with_a_registry(session, cast, tmp_path):
    reg = RegistryIndexes({"COL": write_registry(tmp_path / "col.csv")}, wait=None)
    app, _ = actions.do_submit_application(session, cast.applicant, submission(), registries=reg)
    with pytest.raises(PermissionDeniedError):
        actions.do_search_duplicates(session, cast.applicant, app.id, reg)
    with pytest.raises(NotFoundError):
        actions.do_search_duplicates(session, cast.per_caseworker, app.id, reg)
    reg = RegistryIndexes({})
    with pytest.raises(CasesError) as err:
        actions.do_search_duplicates(session, cast.caseworker, app.id, reg)
    assert err.value.field == "duplicate_search" and "COL" in err.value.message


def test_the_service_does_not_import_the_linkage_stack_without_a_registry() -> None:
    # pandas and Splink take seconds to import; every web worker and casework command
    # would pay for them at start-up although only a configured registry needs them.
    import subprocess
    import sys

    probe = "import sys, ruta.web.app; print('ruta.linkage' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_a_registry_with_its_own_columns_and_dates_is_searched(session, cast, tmp_path):
    # RUTA_REGISTRIES may name the file's columns and date format (as ruta link --columns).
    path = tmp_path / "per.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "expediente",
                "nombres",
                "paterno",
                "materno",
                "sexo",
                "nacimiento",
                "pais",
                "documento",
                "oficina",
            ]
        )
        out.writerow(["E-1", "MARIA JOSE", "Gomez", "Perez", "M", "01/05/1990", "VEN", "", "Lima"])
        out.writerow(["E-2", "Ana", "Ríos", "", "M", "31/02/1991", "VEN", "", "Lima"])
        out.writerow(["E-3", "Luis", "Ríos", "", "H", "02/03/1985", "VEN", "", "Lima"])
    columns = {
        "record_id": "expediente",
        "given_names": "nombres",
        "surname_1": "paterno",
        "surname_2": "materno",
        "sex": "sexo",
        "date_of_birth": "nacimiento",
        "nationality": "pais",
        "document_number": "documento",
    }
    reg = RegistryIndexes(
        {"COL": {"path": path, "columns": columns, "date_format": "%d/%m/%Y"}}, wait=None
    )
    app, _ = actions.do_submit_application(session, cast.caseworker, submission(), registries=reg)
    result = app.duplicate_search
    assert result["status"] == "searched" and result["registry"]["records"] == 3
    [found] = result["candidates"]
    assert found["record_id"] == "E-1" and "date of birth equal" in found["reasons"]
    # Sex coded H/M in a Spanish-language file: M is mujer, as the applicant.
    assert found["record"]["sex"] == "F"


def test_a_birth_known_only_to_the_year_still_finds_the_record(session, cast, tmp_path):
    """The query carries 1990 as given: it blocks on the birth year and agrees with the
    registry's 1990-05-01 at the year, with no passport to lean on (R-SWAP has none)."""
    path = write_registry(tmp_path / "col.csv", SWAPPED, SISTER)
    reg = RegistryIndexes({"COL": path}, wait=None)
    data = submission()
    data.applicant.date_of_birth = "1990"
    app, _ = actions.do_submit_application(session, cast.caseworker, data, registries=reg)
    found = {c["record_id"]: c for c in app.duplicate_search["candidates"]}
    assert "R-SWAP" in found and "R-SISTER" not in found
    assert "same year (month or day unknown)" in found["R-SWAP"]["reasons"]
    assert "date of birth differs" not in found["R-SWAP"]["reasons"]
    pairs, _total = actions.list_review_pairs(session, cast.caseworker)
    assert [p.record_a["date_of_birth"] for p in pairs] == ["1990"]
