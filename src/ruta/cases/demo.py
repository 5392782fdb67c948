"""A synthetic demo case load: officers of COL and PER and applicants in every state.

Everything goes through the actions (so the audit chain covers the demo too); the seed
is deterministic (Faker seeded) so two runs give the same people. Seeding runs once per
database: a second ``ruta demo`` reuses what is there and prints the logins again.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from itertools import cycle
from pathlib import Path
from typing import Any

from faker import Faker
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ruta.cases import actions
from ruta.cases._tx import batch
from ruta.cases.accounts import do_create_user
from ruta.cases.schemas import ApplicationCreate
from ruta.pathways import list_pathways
from ruta.store.models import Application, Office, User

__all__ = ["DEMO_COUNTRIES", "DEMO_LOGINS", "seed_demo", "synthetic_submission"]

DEMO_COUNTRIES = ("COL", "PER")

#: Demo accounts (development databases only): username, password, role, country, office.
DEMO_LOGINS: tuple[tuple[str, str, str, str | None, str | None], ...] = (
    ("col-caseworker", "demo-col-caseworker", "caseworker", "COL", None),
    ("col-supervisor", "demo-col-supervisor", "supervisor", "COL", None),
    ("col-auditor", "demo-col-auditor-1", "auditor", "COL", None),
    ("per-caseworker", "demo-per-caseworker", "caseworker", "PER", None),
    ("per-supervisor", "demo-per-supervisor", "supervisor", "PER", None),
    ("per-auditor", "demo-per-auditor-1", "auditor", "PER", None),
    ("applicant", "demo-applicant-1", "applicant", None, None),
    ("admin", "demo-admin-pass-1", "admin", None, None),
)

#: The demo's spread of end states (weights), so every queue and filter has content.
_STATES = {
    "draft": 1,
    "submitted": 4,
    "in_review": 3,
    "information_requested": 2,
    "decision_proposed": 2,
    "approved": 4,
    "denied": 2,
    "appealed": 1,
    "withdrawn": 1,
}


def synthetic_submission(
    fake: Faker, rng: random.Random, pathway: str, host: str
) -> ApplicationCreate:
    """A plausible Venezuelan (or neighbouring) applicant and finder profile."""
    nationality = rng.choice(["VEN"] * 8 + ["ECU", "BOL", "HTI"])
    dob = fake.date_of_birth(minimum_age=18, maximum_age=70)
    entry = datetime.now(UTC).date() - timedelta(days=rng.randint(60, 3000))
    profile: dict[str, Any] = {
        "host_country": host,
        "in_host_country": True,
        "nationalities": [{"country": nationality, "acquired": "birth"}],
        "date_of_birth": dob.isoformat(),
        "entry": {"date": entry.isoformat(), "authorized_crossing": rng.random() < 0.6},
        "criminal_records": [],
        "documents": [
            {
                "type": "passport",
                "expires": (entry + timedelta(days=rng.randint(-900, 3000))).isoformat(),
            }
        ],
    }
    household = []
    if rng.random() < 0.3:
        child_dob = date.today() - timedelta(days=rng.randint(365, 17 * 365))  # noqa: DTZ011 - a date of birth
        household.append(
            {
                "given_names": fake.first_name(),
                "surname_1": fake.last_name(),
                "date_of_birth": child_dob.isoformat(),
                "relationship": "child",
                "nationality": nationality,
                "guardian": "applicant",
            }
        )
    return ApplicationCreate.model_validate(
        {
            "pathway": pathway,
            "profile": profile,
            "applicant": {
                "given_names": fake.first_name(),
                "surname_1": fake.last_name(),
                "surname_2": fake.last_name(),
                "date_of_birth": dob.isoformat(),
                "sex": rng.choice("FM"),
                "nationality": nationality,
                "document": {"type": "passport", "number": f"{rng.randint(10**7, 10**9 - 1)}"},
                "phone": fake.phone_number()[:40],
                "languages": ["es"],
            },
            "household": household,
        }
    )


def _drive(
    session: Session, app: Application, target: str, officer: User, boss: User, keys_dir: Path
) -> None:
    """Move a freshly submitted application to ``target`` through the actions."""
    if target in ("submitted", "draft"):
        return
    if target == "withdrawn":
        actions.do_transition(
            session, officer, app.id, "withdrawn", "the applicant withdrew at the counter"
        )
        return
    actions.do_transition(session, officer, app.id, "in_review", "picked from the queue")
    if target == "in_review":
        return
    if target == "information_requested":
        actions.do_transition(
            session, officer, app.id, target, "send a readable copy of the passport"
        )
        return
    outcome = "denied" if target in ("denied", "appealed") else "approved"
    reason = (
        "conditions met and documents verified"
        if outcome == "approved"
        else "entry after the cut-off date"
    )
    actions.do_propose_decision(session, officer, app.id, outcome, [reason])
    if target == "decision_proposed":
        return
    actions.do_decide(session, boss, app.id, outcome, [reason], keys_dir=keys_dir)
    if target == "appealed":
        actions.do_transition(
            session, officer, app.id, "appealed", "the applicant appealed in writing"
        )


#: Demo offices per country: (code, name).
_OFFICES = {"COL": ("BOG-01", "Bogotá, Centro Facilitador"), "PER": ("LIM-01", "Lima, Breña")}


def _seed_offices(session: Session, users: dict[str, User]) -> None:
    """An office per country with a fortnight of slots, some booked (once per database)."""
    if session.scalar(select(func.count()).select_from(Office)):
        return
    start = datetime.now(UTC).replace(hour=13, minute=0, second=0, microsecond=0)
    for country, (code, name) in _OFFICES.items():
        boss = users[f"{country.lower()}-supervisor"]
        officer = users[f"{country.lower()}-caseworker"]
        actions.do_create_office(session, boss, code, name)
        days = [
            start + timedelta(days=d)
            for d in range(1, 15)
            if (start + timedelta(days=d)).weekday() < 5
        ]
        slots = actions.do_open_slots(
            session,
            boss,
            code,
            [d + timedelta(minutes=30 * k) for d in days for k in range(8)],
            capacity=4,
        )
        waiting = session.scalars(
            select(Application.id)
            .where(Application.host_country == country, Application.status == "submitted")
            .order_by(Application.id)
            .limit(60)
        ).all()
        with batch(session):
            for i, app_id in enumerate(waiting):
                actions.do_book_appointment(session, officer, app_id, slots[i // 4].id)


def seed_demo(
    session: Session, *, applicants: int, keys_dir: Path, seed: int = 7
) -> tuple[list[tuple[str, str, str, str | None]], dict[str, int]]:
    """Create the demo users and ``applicants`` applications (once per database).

    Returns:
        The logins (username, password, role, country) and the count per status.
    """
    users: dict[str, User] = {}
    for username, password, role, country, office in DEMO_LOGINS:
        found = session.scalar(select(User).where(User.username == username))
        users[username] = found or do_create_user(
            session,
            None,
            username=username,
            password=password,
            role=role,
            country=country,
            office=office,
        )
    existing = int(session.scalar(select(func.count()).select_from(Application)) or 0)
    if existing < applicants:
        fake, rng = Faker("es_CO"), random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        Faker.seed(seed)
        pathways = {c: [p.id for p in list_pathways(c)] for c in DEMO_COUNTRIES}
        targets = cycle([s for s, w in _STATES.items() for _ in range(w)])
        for i in range(existing, applicants):
            host = DEMO_COUNTRIES[i % len(DEMO_COUNTRIES)]
            if not pathways[host]:
                continue
            pathway = pathways[host][rng.randrange(len(pathways[host]))]
            officer = users[f"{host.lower()}-caseworker"]
            boss = users[f"{host.lower()}-supervisor"]
            target = next(targets)
            submitter = users["applicant"] if i % 50 == 0 else officer
            data = synthetic_submission(fake, rng, pathway, host)
            with batch(session):
                app, _ = actions.do_submit_application(
                    session, submitter, data, idempotency_key=f"demo-{i}", submit=target != "draft"
                )
                _drive(session, app, target, officer, boss, keys_dir)
    _seed_offices(session, users)
    counts = Counter(
        dict(
            session.execute(
                select(Application.status, func.count()).group_by(Application.status)
            ).all()
        )
    )
    logins = [(u, p, r, c) for u, p, r, c, _ in DEMO_LOGINS]
    return logins, {str(k): int(v) for k, v in counts.items()}
