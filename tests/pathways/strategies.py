"""Hypothesis strategies for profiles that exercise every kind of condition."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

COUNTRIES = ["ARG", "BRA", "BOL", "CHL", "COL", "ECU", "PER", "PRY", "URY", "VEN", "MEX", "GUY"]
PERMIT_TYPES = [
    "arg.mercosur-temporary",
    "bra.mercosur-temporary",
    "col.mercosur-temporary",
    "per.andean-temporary",
    "col.andean-temporary",
    "mercosur_temporary",
    "andean_temporary",
    "mercosur_visa",
    "pep",
    "ptp",
    "pip",
    "sc2",
    "ppt",
    "visa",
    "other",
]
DOC_TYPES = ["passport", "national_id", "birth_certificate", "criminal_record_certificate"]

dates = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2032, 12, 31))
as_of_dates = st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2031, 12, 31))


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _record(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={k: maybe(v) for k, v in fields.items()}).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


iso = dates.map(dt.date.isoformat)
nationality = st.fixed_dictionaries(
    {"country": st.sampled_from(COUNTRIES)},
    optional={"acquired": st.sampled_from(["birth", "naturalization"]), "since": iso},
)
profiles = st.fixed_dictionaries(
    {},
    optional={
        "host_country": st.sampled_from(COUNTRIES),
        "in_host_country": st.booleans(),
        "nationalities": st.lists(nationality, max_size=2),
        # A birth date may be known only to the year or the month (an interval of days).
        "date_of_birth": st.one_of(
            iso, dates.map(lambda d: f"{d:%Y}"), dates.map(lambda d: f"{d:%Y-%m}")
        ),
        "entry": _record(date=iso, authorized_crossing=st.booleans()),
        "current_status": st.sampled_from(["regular", "irregular", "asylum_seeker"]),
        "arrival_date": iso,
        "criminal_records": st.lists(
            _record(country=st.sampled_from(COUNTRIES), date=iso), max_size=2
        ),
        # Where the person lived before arrival: chooses which records count (MERCOSUR art. 4.1).
        "residences": st.lists(
            st.fixed_dictionaries(
                {"country": st.sampled_from(COUNTRIES)}, optional={"since": iso, "until": iso}
            ),
            max_size=2,
        ),
        "documents": st.lists(
            st.fixed_dictionaries(
                {"type": st.sampled_from(DOC_TYPES)}, optional={"expires": iso, "issued": iso}
            ),
            max_size=2,
        ),
        "permits": st.lists(
            _record(
                country=st.sampled_from(COUNTRIES),
                type=st.sampled_from(PERMIT_TYPES),
                valid_from=iso,
                valid_until=iso,
            ),
            max_size=2,
        ),
        "registrations": st.lists(
            _record(
                country=st.sampled_from(COUNTRIES),
                program=st.sampled_from(["RUMV", "RPM"]),
                date=iso,
            ),
            max_size=1,
        ),
        "means_of_subsistence": st.booleans(),
        "asylum_claim_pending": st.booleans(),
        "migration_sanctions": st.booleans(),
        "crime_victim_or_witness": st.booleans(),
        "unaccompanied_minor": st.booleans(),
        "humanitarian_cause": st.booleans(),
        "guardian_of_minor_with_ppt": st.booleans(),
    },
)
