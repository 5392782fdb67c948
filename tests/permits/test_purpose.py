"""Purpose-bound views (ruta.permits.purpose_view): an allow-list per purpose."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ruta.permits import (
    Holder,
    PemSigner,
    Permit,
    StatusList,
    TrustList,
    generate_private_key,
    issue_permit,
    purpose_view,
    rejected,
    verify,
)

DURING = datetime(2027, 1, 1, tzinfo=UTC)
PermitFactory = Callable[..., Permit]
VERDICT = {
    "purpose",
    "status",
    "valid",
    "reason_code",
    "reason",
    "status_label",
    "lang",
    "checked_at",
    "status_list_age_seconds",
}


def _view(
    signer: PemSigner,
    trust: TrustList,
    permit: Permit,
    purpose: str,
    status: list[StatusList] | None = None,
    at: datetime = DURING,
    lang: str = "en",
) -> dict[str, object]:
    result = verify(issue_permit(permit, signer), trust, status or [], at=at)
    return purpose_view(result, purpose, lang)  # type: ignore[arg-type]  # str on purpose


def test_employer_sees_the_right_to_work_and_until_when_only(
    issuer_signer: PemSigner,
    trust: TrustList,
    status_list: StatusList,
    permit_factory: PermitFactory,
) -> None:
    view = _view(issuer_signer, trust, permit_factory(), "employer", [status_list])
    assert set(view) == VERDICT | {"right_to_work"}
    assert view["right_to_work"] == {"granted": True, "until": "2028-01-09", "restrictions": []}
    assert (view["status"], view["reason_code"]) == ("valid", "ok")


def test_employer_sees_the_restrictions_the_permit_carries(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    permit = permit_factory(work_restrictions=("hours_limited", "night_shifts_only"))
    view = _view(issuer_signer, trust, permit, "employer", lang="es")
    assert view["right_to_work"] == {
        "granted": True,
        "until": "2028-01-09",
        "restrictions": [
            {"code": "hours_limited", "label": "Horas de trabajo semanales limitadas"},
            {"code": "night_shifts_only", "label": "night_shifts_only"},  # unknown: as written
        ],
    }


@pytest.mark.parametrize(
    "changes,at,status",
    [
        ({"rights": ("study", "banking")}, DURING, "valid"),  # no work right
        ({}, datetime(2028, 1, 10, tzinfo=UTC), "expired"),
        ({}, datetime(2026, 1, 9, tzinfo=UTC), "not_yet_valid"),
    ],
)
def test_no_right_to_work_without_a_valid_work_right(
    issuer_signer: PemSigner,
    trust: TrustList,
    permit_factory: PermitFactory,
    changes: dict[str, object],
    at: datetime,
    status: str,
) -> None:
    view = _view(
        issuer_signer,
        trust,
        permit_factory(work_restrictions=("hours_limited",), **changes),
        "employer",
        at=at,
    )
    assert view["status"] == status
    assert view["right_to_work"] == {"granted": False, "until": None, "restrictions": []}


def test_bank_sees_identity_and_lawful_residence_only(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    view = _view(issuer_signer, trust, permit_factory(), "bank")
    assert set(view) == VERDICT | {"identity", "lawful_residence"}
    assert view["identity"] == {
        "given_names": "María Fernanda",
        "surname_1": "Rodríguez",
        "surname_2": "Gutiérrez",
        "full_name": "María Fernanda Rodríguez Gutiérrez",
        "date_of_birth": "1990-05-17",
        "document": {"number": "COL-7K2M9Q4X1B", "issuer_country": "COL"},
    }
    assert view["lawful_residence"] == {"granted": True, "until": "2028-01-09"}


def test_bank_on_a_revoked_permit_sees_who_but_no_lawful_residence(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    revoked = StatusList("COL")
    revoked.set(4242, "revoked")
    revoked.to_json(issuer_signer, issued_at=datetime(2026, 6, 1, tzinfo=UTC))
    view = _view(issuer_signer, trust, permit_factory(), "bank", [revoked])
    assert (view["status"], view["valid"]) == ("revoked", False)
    assert view["lawful_residence"] == {"granted": False, "until": None}
    assert isinstance(view["identity"], dict)


def test_minimal_profile_gives_the_bank_no_birth_date(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    view = _view(issuer_signer, trust, permit_factory(profile="minimal"), "bank")
    identity = view["identity"]
    assert isinstance(identity, dict) and identity["date_of_birth"] is None


def test_an_unknown_issuer_shows_no_identity(
    trust: TrustList, permit_factory: PermitFactory
) -> None:
    stranger = PemSigner(generate_private_key())
    view = _view(stranger, trust, permit_factory(), "bank")
    assert (view["status"], view["identity"]) == ("unknown_issuer", None)
    assert view["lawful_residence"] == {"granted": False, "until": None}


def test_a_purpose_is_never_guessed() -> None:
    for purpose in ("", "Bank", "landlord", None):
        with pytest.raises(ValueError, match="purpose must be one of employer, bank"):
            purpose_view(rejected("empty"), purpose, "en")  # type: ignore[arg-type]


def test_the_detail_of_a_failed_check_is_not_in_the_view(
    issuer_signer: PemSigner, trust: TrustList
) -> None:
    # A claim that fails a check may be quoted in the technical detail: never shown here.
    permit = Permit(
        "COL-1",
        None,
        "COL",
        Holder("Ana", "Pérez"),
        date(2026, 1, 1),
        date(2028, 1, 1),
        ("work",),
        1,
    )
    result = verify(issue_permit(permit, issuer_signer), trust, at=DURING)
    from dataclasses import replace

    noisy = replace(result, detail="got 'QZX'; expected an alpha-3 code")
    for purpose in ("employer", "bank"):
        assert "QZX" not in repr(purpose_view(noisy, purpose, "en"))  # type: ignore[arg-type]


# Disjoint alphabets: no value can hide inside another one.
_NAME = st.text(alphabet="ABCDEFGH", min_size=8, max_size=12)
_KIND = st.text(alphabet="jklmn", min_size=8, max_size=12)
_RIGHT = st.text(alphabet="prstu", min_size=8, max_size=12)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    given_names=_NAME,
    surname=_NAME,
    kind=_KIND,
    right=_RIGHT,
    nationality=st.sampled_from(["VWX", "XYZ", "ZYV"]),
    index=st.integers(100_000, 130_000),
)
def test_a_view_never_carries_what_its_purpose_may_not_see(
    issuer_signer: PemSigner,
    trust: TrustList,
    given_names: str,
    surname: str,
    kind: str,
    right: str,
    nationality: str,
    index: int,
) -> None:
    permit = Permit(
        f"COL-{surname}",
        f"col.{kind.lower()}",
        "COL",
        Holder(given_names, surname, None, date(1911, 11, 11), nationality, "X", b"\x99" * 32),
        date(2026, 1, 1),
        date(2028, 1, 1),
        ("work", right.lower()),
        index,
        issued_at=datetime(2026, 1, 2, tzinfo=UTC),
        status_uri=f"https://{kind.lower()}.example/permits/status/COL.json",
    )
    result = verify(issue_permit(permit, issuer_signer), trust, at=DURING)
    employer = repr(purpose_view(result, "employer", "en")).lower()
    bank = repr(purpose_view(result, "bank", "en")).lower()
    for hidden in (nationality, kind, right, "9999", str(index)):
        assert hidden.lower() not in employer and hidden.lower() not in bank
    for personal in (given_names, surname, "1911"):
        assert personal.lower() not in employer
    assert surname.lower() in bank and "1911-11-11" in bank
