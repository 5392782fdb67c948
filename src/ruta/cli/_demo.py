"""A synthetic demo case load: officers of COL and PER and applicants in every state.

The case load is coherent with the rules: each person is drawn for the pathway they apply
for (an Ecuadorian for Andean residence in Colombia, a Venezuelan CPP holder for Peru's
special resident status, a Venezuelan schoolchild for the PPT), some meeting every
condition and some failing one named condition or leaving a fact unknown. What happens to
a case then follows the engine's result stored at intake: only eligible cases are approved,
denials give the conditions the engine found not met (in Spanish, the offices' language,
with their citations), and requests for information ask for the facts the engine lacks.
Pathways whose window has closed (PEP Tutor, the Peruvian CPPs) get a few late applicants,
who are not eligible. One applicant in ten knows only the year of their birth and one in
twenty only the month, as UNHCR and civil registries often record it; the engine still has
the last word on their outcome.

Everything goes through the actions (so the audit chain covers the demo too); the seed
is deterministic (Faker and the draws are seeded) so two runs on the same day give the same
people. Seeding runs once per database: a second ``ruta demo`` reuses what is there and
prints the logins again.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import cycle
from pathlib import Path
from typing import Any

from faker import Faker
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ruta.cases import RegistryIndexes, actions, batch
from ruta.cases.actions.authentication import do_create_user
from ruta.cases.assessment import assess_at_intake
from ruta.cases.clock import ReplayClock, use_clock
from ruta.cases.schemas import ApplicationCreate
from ruta.cli._demo_history import DEMO_OFFICES, PlannedCase, plan_history
from ruta.i18n import translator
from ruta.partial_dates import Precision, ages_on, join_partial
from ruta.pathways import Pathway, judge, list_pathways, parse_profile
from ruta.store.models import Application, Appointment, Office, PermitRecord, Slot, User

__all__ = [
    "DEMO_COUNTRIES",
    "DEMO_ELSEWHERE",
    "DEMO_LOGINS",
    "decision_reasons",
    "seed_demo",
    "synthetic_submission",
]

DEMO_COUNTRIES = ("COL", "PER")

#: Pathways that no demo office takes, so that the demo's results show "apply with the
#: authority instead" beside "Apply here" (and the demo's cases never ask for them).
DEMO_ELSEWHERE: dict[str, tuple[str, ...]] = {
    "COL": ("col.mercosur-permanent",),
    "PER": ("per.mercosur-permanent",),
}

#: Demo accounts (development databases only): username, password, role, country, office.
DEMO_LOGINS: tuple[tuple[str, str, str, str | None, str | None], ...] = (
    ("col-caseworker", "orchid-river-lantern", "caseworker", "COL", None),
    ("col-supervisor", "condor-harbour-violet", "supervisor", "COL", None),
    ("col-auditor", "maple-quartz-drum-1", "auditor", "COL", None),
    ("per-caseworker", "llama-copper-window", "caseworker", "PER", None),
    ("per-supervisor", "cactus-silver-bridge", "supervisor", "PER", None),
    ("per-auditor", "pepper-glacier-flute", "auditor", "PER", None),
    ("applicant", "mango-thunder-kite-7", "applicant", None, None),
    ("admin", "walnut-comet-ladder-3", "admin", None, None),
)

Want = str  # "eligible" | "ineligible" | "undetermined": what the draw aims for

#: What a case aims for given its end state; open states get a mix (weights).
_WANTS: dict[str, dict[Want, int]] = {
    "approved": {"eligible": 1},
    "denied": {"ineligible": 1},
    "appealed": {"ineligible": 1},
    "information_requested": {"undetermined": 1},
    "decision_proposed": {"eligible": 3, "ineligible": 2},
}
_OPEN_MIX: dict[Want, int] = {"eligible": 11, "ineligible": 6, "undetermined": 3}

#: How many of a country's applicants go to each kind of pathway (id without the country);
#: a kind not listed gets weight 1.
_KIND_WEIGHTS = {
    "ppt": 4,
    "special-resident": 5,
    "andean-temporary": 4,
    "mercosur-temporary": 3,
    "andean-permanent": 2,
    "mercosur-permanent": 2,
}

#: Nationalities drawn for Andean and MERCOSUR residence (the engine checks each draw).
_ANDEAN: dict[str, tuple[str, ...]] = {"COL": ("ECU", "PER", "BOL"), "PER": ("COL", "ECU", "BOL")}
_MERCOSUR: dict[str, tuple[str, ...]] = {
    "COL": ("ECU", "PER", "BOL", "ARG", "BRA", "PRY"),
    "PER": ("COL", "ECU", "BOL", "ARG", "BRA", "CHL"),
}
_OTHERS = ("VEN", "HTI", "CUB")


@dataclass
class _Draw:
    """One person's draw: the seeded random source, the date, the host and the aim."""

    rng: random.Random
    today: date
    host: str
    want: Want
    #: How much of the birth date the person knows (the day, or only the month or the year).
    birth: Precision = "day"

    def days(self, low: int, high: int) -> str:
        """An ISO date ``low``..``high`` days from today (negative: in the past)."""
        return (self.today + timedelta(days=self.rng.randint(low, high))).isoformat()

    def pick(self, options: tuple[str, ...]) -> str:
        return options[self.rng.randrange(len(options))]

    def breaks(self, *conditions: str) -> str | None:
        """The one condition this draw fails (None unless it aims to be ineligible)."""
        return self.pick(conditions) if self.want == "ineligible" else None


def _person(d: _Draw, nationality: str, *, minor: bool = False) -> dict[str, Any]:
    """An adult (or a child aged 10-17) in the host country with a valid passport."""
    age = d.rng.randint(10, 17) if minor else d.rng.randint(19, 64)
    born = d.today - timedelta(days=365 * age + d.rng.randint(0, 300))
    return {
        "host_country": d.host,
        "in_host_country": True,
        "nationalities": [{"country": nationality, "acquired": "birth"}],
        "date_of_birth": join_partial(born, d.birth),
        "entry": {"date": d.days(-2900, -120), "authorized_crossing": True},
        "current_status": "regular",
        "permits": [],
        "criminal_records": [],
        "migration_sanctions": False,
        "means_of_subsistence": True,
        "documents": [{"type": "passport", "expires": d.days(400, 2900)}],
    }


def _apply_break(d: _Draw, profile: dict[str, Any], broken: str | None) -> dict[str, Any]:
    """Make ``profile`` fail the condition named ``broken`` (the common ones)."""
    if broken == "record":
        profile["criminal_records"] = [{"country": d.host, "date": d.days(-700, -200)}]
    elif broken == "passport":
        profile["documents"] = [{"type": "passport", "expires": d.days(10, 150)}]
    elif broken == "means":
        profile["means_of_subsistence"] = False
    elif broken == "nationality":
        profile["nationalities"] = [{"country": d.pick(_OTHERS), "acquired": "birth"}]
    if d.want == "undetermined":
        # The applicant skipped a question: the engine cannot decide without it.
        profile.pop(d.pick(("criminal_records", "means_of_subsistence")), None)
    return profile


def _temporary(pool: dict[str, tuple[str, ...]]) -> Callable[[_Draw], dict[str, Any]]:
    def draw(d: _Draw) -> dict[str, Any]:
        broken = d.breaks("record", "passport", "nationality")
        return _apply_break(d, _person(d, d.pick(pool[d.host])), broken)

    return draw


def _permanent(programme: str) -> Callable[[_Draw], dict[str, Any]]:
    """Holders of a temporary residence (Andean or MERCOSUR) asking for permanence."""

    def draw(d: _Draw) -> dict[str, Any]:
        pool = _ANDEAN if programme == "andean" else _MERCOSUR
        profile = _person(d, d.pick(pool[d.host]))
        broken = d.breaks("record", "means", "early", "recent")
        # In the 90 days before expiry, having held it for two years (MERCOSUR in COL).
        left = d.rng.randint(200, 500) if broken == "early" else d.rng.randint(5, 85)
        held = d.rng.randint(200, 600) if broken == "recent" else d.rng.randint(740, 1000)
        profile["permits"] = [
            {
                "country": d.host,
                "type": f"{d.host.lower()}.{programme}-temporary",
                "valid_from": (d.today - timedelta(days=held)).isoformat(),
                "valid_until": (d.today + timedelta(days=left)).isoformat(),
            }
        ]
        return _apply_break(d, profile, broken)

    return draw


def _ppt(d: _Draw) -> dict[str, Any]:
    """Colombia's PPT: open now only to Venezuelan children in school (ETPV group 4)."""
    broken = d.breaks("adult", "adult", "group", "record", "nationality")
    profile = _person(d, "VEN", minor=broken not in ("adult", "record"))
    entered = date(2021, 6, 1) + timedelta(days=d.rng.randint(0, 700))
    if broken == "group":
        entered = date(2024, 1, 15) + timedelta(days=d.rng.randint(0, 500))
    profile["entry"] = {"date": entered.isoformat(), "authorized_crossing": True}
    profile["in_school_or_child_protection"] = broken != "adult"
    return _apply_break(d, profile, broken)


def _special_resident(d: _Draw) -> dict[str, Any]:
    """Peru's special resident status: Venezuelan CPP holders with > 6 months left."""
    profile = _person(d, "VEN")
    broken = d.breaks("short")
    left = d.rng.randint(20, 150) if broken == "short" else d.rng.randint(220, 700)
    profile["permits"] = [
        {
            "country": "PER",
            "type": "per.cpp-2023",
            "valid_from": "2024-03-01",
            "valid_until": (d.today + timedelta(days=left)).isoformat(),
        }
    ]
    if d.want == "undetermined":
        del profile["permits"][0]["valid_until"]
    return profile


def _late(d: _Draw) -> dict[str, Any]:
    """A Venezuelan applying to a programme whose window has closed (never eligible)."""
    profile = _person(d, "VEN")
    profile["entry"] = {"date": d.days(-3000, -2300), "authorized_crossing": False}
    profile["current_status"] = "irregular"
    profile["guardian_of_minor_with_ppt"] = True
    profile["permits"] = []
    return _apply_break(d, profile, None)


_RECIPES: dict[str, Callable[[_Draw], dict[str, Any]]] = {
    "andean-temporary": _temporary(_ANDEAN),
    "mercosur-temporary": _temporary(_MERCOSUR),
    "andean-permanent": _permanent("andean"),
    "mercosur-permanent": _permanent("mercosur"),
    "ppt": _ppt,
    "special-resident": _special_resident,
}


def _kind(pathway_id: str) -> str:
    return pathway_id.split(".", 1)[-1]


def _draw_profile(pathway: Pathway, d: _Draw) -> dict[str, Any] | None:
    """A profile for ``pathway`` that the engine judges as ``d.want``; None if none comes.

    A few draws are tried because a random one may miss (an age that makes a passport
    rule bite, say); the engine, not the recipe, has the last word.
    """
    recipe = _RECIPES.get(_kind(pathway.id), _late)
    for _ in range(4):
        profile = recipe(d)
        facts = parse_profile(profile).facts()
        if judge(pathway, facts, d.today).status == d.want:
            return profile
    return None


def synthetic_submission(
    fake: Faker,
    rng: random.Random,
    pathway: str | Pathway,
    host: str,
    want: Want = "eligible",
    today: date | None = None,
    birth: Precision = "day",
) -> ApplicationCreate | None:
    """A plausible applicant for ``pathway`` whose profile the engine judges as ``want``.

    ``birth`` says how much of the birth date the applicant knows: ``year`` gives a
    ``date_of_birth`` such as ``1990``, in the profile and on the application alike.

    Returns:
        The submission, or None when the pathway cannot give that outcome today (a closed
        window cannot be eligible).
    """
    path = (
        pathway
        if isinstance(pathway, Pathway)
        else next(p for p in list_pathways(host) if p.id == pathway)
    )
    d = _Draw(rng, today or datetime.now(UTC).date(), host, want, birth)
    profile = _draw_profile(path, d)
    if profile is None:
        return None
    nationality = profile["nationalities"][0]["country"] if profile.get("nationalities") else "VEN"
    household = []
    adult = ages_on(profile["date_of_birth"], d.today)[0] >= 18
    if adult and rng.random() < 0.25:
        household.append(
            {
                "given_names": fake.first_name(),
                "surname_1": fake.last_name(),
                "date_of_birth": d.days(-17 * 365, -365),
                "relationship": "child",
                "nationality": nationality,
                "guardian": "applicant",
            }
        )
    return ApplicationCreate.model_validate(
        {
            "pathway": path.id,
            "profile": profile,
            "applicant": {
                "given_names": fake.first_name(),
                "surname_1": fake.last_name(),
                "surname_2": fake.last_name(),
                "date_of_birth": profile["date_of_birth"],
                "sex": rng.choice("FM"),
                "nationality": nationality,
                "document": {"type": "passport", "number": f"{rng.randint(10**7, 10**9 - 1)}"},
                "phone": fake.phone_number()[:40],
                "languages": ["pt" if nationality == "BRA" else "es"],
            },
            "household": household,
        }
    )


def decision_reasons(app: Application) -> tuple[str, list[str]]:
    """The outcome the engine's intake result supports, and its reasons (in Spanish).

    Eligible: approval, every condition met. Otherwise: denial, one reason per condition
    the engine found not met, with its citation (what a denial letter must state).
    """
    shown = assess_at_intake(app, "es").result or {}
    if shown.get("status") == "eligible":
        met = len(shown.get("reasons", []))
        return "approved", [
            f"Cumple las {met} condiciones de la vía; documentos verificados en la entrevista"
        ]
    failed = [r for r in shown.get("reasons", []) if r.get("outcome") == "not_met"]
    return "denied", [f"No cumple: {r['text']} ({r['citation']})" for r in failed]


def _missing_request(app: Application) -> str:
    """A request for information naming the facts the engine still lacks (in Spanish)."""
    shown = assess_at_intake(app, "es").result or {}
    questions = [m.get("question") or m.get("fact") for m in shown.get("missing", [])]
    if not questions:
        return "Envíe una copia legible del pasaporte"
    return "Responda y acredite con documentos: " + " ".join(str(q) for q in questions)


def _choose(
    rng: random.Random, pathways: list[Pathway], weights: list[int], skip: set[str]
) -> Pathway | None:
    open_ = [(p, w) for p, w in zip(pathways, weights, strict=True) if p.id not in skip]
    if not open_:
        return None
    return rng.choices([p for p, _ in open_], [w for _, w in open_])[0]


#: Fates of the cases decided before today, in turn per country (weights as counts).
_FINAL_CYCLE = ("approved",) * 4 + ("denied",) * 2 + ("withdrawn", "appealed")
#: Open cases in a caseworker's hands and not yet proposed, in turn per country.
_IN_HAND_CYCLE = ("in_review", "decision_proposed", "information_requested")


def _fate(case: PlannedCase, finals: Iterator[str], in_hand: Iterator[str], now: datetime) -> str:
    """Where the case stands today, from its place in the office's queue."""
    if case.draft:
        return "draft"
    if case.taken is None:
        return "submitted"
    if case.decided is not None:
        return next(finals)
    if case.done is not None and case.done < now:
        return "decision_proposed"
    return next(in_hand)


class _Replay:
    """Replays the planned cases through the actions, in time order, on one clock."""

    def __init__(
        self,
        session: Session,
        clock: ReplayClock,
        keys_dir: Path,
        registries: RegistryIndexes | None,
    ) -> None:
        self.session, self.clock, self.keys_dir = session, clock, keys_dir
        self.registries = registries
        self.events: list[tuple[datetime, int, Callable[[], object]]] = []
        self.slots: dict[tuple[str, datetime], int] = {}

    def at(self, moment: datetime, step: Callable[[], object]) -> None:
        self.events.append((moment, len(self.events), step))

    def run(self) -> None:
        """Every step in time order, one transaction per simulated day."""
        self.events.sort(key=lambda e: (e[0], e[1]))
        day = None
        pending: list[tuple[datetime, Callable[[], object]]] = []
        for moment, _, step in self.events:
            if day is not None and moment.date() != day:
                self._flush(pending)
                pending = []
            day = moment.date()
            pending.append((moment, step))
        self._flush(pending)

    def _flush(self, pending: list[tuple[datetime, Callable[[], object]]]) -> None:
        with batch(self.session):
            for moment, step in pending:
                self.clock.set(moment)
                step()

    def slot(self, boss: User, office: str, starts: datetime) -> int:
        """The slot at ``starts`` (opened by the supervisor the first time it is needed)."""
        key = (office, starts)
        if key not in self.slots:
            (opened,) = actions.do_open_slots(self.session, boss, office, [starts], capacity=6)
            self.slots[key] = opened.id
        return self.slots[key]


def _officers(
    session: Session, users: dict[str, User], rng: random.Random
) -> dict[str, list[User]]:
    """Each office's caseworkers: the country's demo login works at its first office."""
    staff: dict[str, list[User]] = {}
    for office in DEMO_OFFICES:
        login = users[f"{office.country.lower()}-caseworker"]
        first = next(o for o in DEMO_OFFICES if o.country == office.country) is office
        team = [login] if first else []
        for k in range(len(team), office.caseworkers):
            username = f"{office.code.lower().replace('-', '')}-caseworker-{k + 1}"
            found = session.scalar(select(User).where(User.username == username))
            # Not a published login: a long random password nobody is told.
            secret = "-".join(f"{rng.getrandbits(40):010x}" for _ in range(3))
            team.append(
                found
                or do_create_user(
                    session,
                    None,
                    username=username,
                    password=secret,
                    role="caseworker",
                    country=office.country,
                    office=office.code,
                )
            )
        staff[office.code] = team
    return staff


def _schedule(
    replay: _Replay,
    case: PlannedCase,
    target: str,
    data: ApplicationCreate,
    submitter: User,
    officer: User,
    boss: User,
    now: datetime,
    rng: random.Random,
) -> None:
    """Put one case's steps on the replay's calendar, each through its action."""
    s, registries = replay.session, replay.registries
    state: dict[str, Any] = {}  # the case and its booking, once the replay makes them

    def submit() -> None:
        app, _ = actions.do_submit_application(
            s,
            submitter,
            data,
            idempotency_key=f"demo-{case.index}",
            submit=target != "draft",
            registries=registries,
        )
        state["app"] = app

    replay.at(case.arrival, submit)
    if target == "draft" or case.appointment is None:
        return
    appointment = case.appointment

    def book() -> None:
        slot = replay.slot(boss, case.office, appointment)
        state["appointment"] = actions.do_book_appointment(s, officer, state["app"].id, slot)

    replay.at(case.arrival + timedelta(minutes=20), book)
    if appointment + timedelta(hours=1) < now:
        attended = rng.random() >= 0.12  # about one in eight does not come
        replay.at(
            appointment + timedelta(hours=1),
            lambda: actions.do_mark_attendance(s, officer, state["appointment"].id, attended),
        )
    if case.taken is None:
        return
    replay.at(
        case.taken,
        lambda: actions.do_transition(
            s, officer, state["app"].id, "in_review", "Tomado de la cola"
        ),
    )
    if target == "in_review":
        return
    if target == "information_requested":
        asked = min(case.taken + timedelta(days=2), case.taken + (now - case.taken) / 2)
        replay.at(
            asked,
            lambda: actions.do_transition(
                s, officer, state["app"].id, "information_requested", _missing_request(state["app"])
            ),
        )
        return
    done = case.done if case.done is not None and case.done < now else None
    if done is None:  # proposed today or earlier, though the caseworker usually takes longer
        done = case.taken + (now - case.taken) * 0.7
    if target == "withdrawn":
        reasons = ["El solicitante desistió en ventanilla (formulario firmado en el expediente)"]
        replay.at(
            done,
            lambda: actions.do_propose_decision(s, officer, state["app"].id, "withdrawn", reasons),
        )
        if case.decided is not None:
            replay.at(
                case.decided,
                lambda: actions.do_decide(
                    s, boss, state["app"].id, "withdrawn", reasons, keys_dir=replay.keys_dir
                ),
            )
        return
    decision: dict[str, tuple[str, list[str]]] = {}

    def propose() -> None:
        app = state["app"]
        outcome, reasons = decision_reasons(app)
        if not reasons:  # undetermined: nothing to decide on yet
            actions.do_transition(
                s, officer, app.id, "information_requested", _missing_request(app)
            )
            return
        decision["it"] = (outcome, reasons)
        actions.do_propose_decision(s, officer, app.id, outcome, reasons)

    replay.at(done, propose)
    if case.decided is None:
        return
    decided = case.decided

    def decide() -> None:
        if "it" in decision:
            outcome, reasons = decision["it"]
            actions.do_decide(s, boss, state["app"].id, outcome, reasons, keys_dir=replay.keys_dir)

    replay.at(decided, decide)
    appeal = decided + timedelta(days=rng.uniform(1, 7))  # within the appeal period
    if target == "appealed" and appeal < now:

        def appeal_it() -> None:
            if decision.get("it", ("",))[0] == "denied":
                actions.do_transition(
                    s, officer, state["app"].id, "appealed", "El solicitante apeló por escrito"
                )

        replay.at(appeal, appeal_it)
        # The supervisor reopens the appeal within weeks and the case is decided again
        # (the engine still has the last word, so a denial stands); only recent appeals
        # are still waiting today.
        reopened = appeal + timedelta(days=rng.uniform(20, 45))
        redecided = reopened + timedelta(days=rng.uniform(5, 15))
        if redecided < now:

            def reopen() -> None:
                if decision.get("it", ("",))[0] == "denied":
                    actions.do_transition(
                        s, boss, state["app"].id, "in_review", "Recurso admitido a revisión"
                    )

            def decide_again() -> None:
                if decision.get("it", ("",))[0] == "denied":
                    outcome, reasons = decision["it"]
                    actions.do_propose_decision(s, officer, state["app"].id, outcome, reasons)
                    actions.do_decide(
                        s, boss, state["app"].id, outcome, reasons, keys_dir=replay.keys_dir
                    )

            replay.at(reopened, reopen)
            replay.at(redecided, decide_again)
    revoke = decided + timedelta(days=rng.uniform(30, 120))
    if target == "approved" and case.index % 40 == 0 and revoke < now:

        def revoke_it() -> None:
            permit = s.scalar(
                select(PermitRecord).where(PermitRecord.application_id == state["app"].id)
            )
            if permit is not None:
                actions.do_set_permit_status(
                    s,
                    boss,
                    permit.permit_id,
                    "revoked",
                    "Revocado: el titular obtuvo otra residencia (constancia en el expediente)",
                    keys_dir=replay.keys_dir,
                )

        replay.at(revoke, revoke_it)


def _draw_submission(
    fake: Faker,
    rng: random.Random,
    host: str,
    want: Want,
    day: date,
    birth: Precision,
    pathways: list[Pathway],
    weights: list[int],
    cannot: dict[tuple[str, Want, str], set[str]],
    misses: Counter[tuple[str, Want, str, str]],
) -> ApplicationCreate:
    """A submission that the engine judges as ``want`` on ``day`` (else as ineligible).

    Pathways that cannot give ``want`` in a month (a closed window, say) are skipped after
    three draws in a row that missed, so that one unlucky draw does not count.
    """
    month = day.isoformat()[:7]
    while True:
        skip = cannot.setdefault((host, want, month), set())
        pathway = _choose(rng, pathways, weights, skip)
        if pathway is None:
            # No pathway of this country gives it that day; anyone can fail one.
            if want == "ineligible":
                raise RuntimeError(f"no {host} pathway gives a demo applicant")
            want = "ineligible"
            continue
        data = synthetic_submission(fake, rng, pathway, host, want, day, birth)
        if data is not None:
            misses[host, want, month, pathway.id] = 0
            return data
        misses[host, want, month, pathway.id] += 1
        if misses[host, want, month, pathway.id] >= 3:
            skip.add(pathway.id)


def _want(rng: random.Random, target: str) -> Want:
    mix = _WANTS.get(target, _OPEN_MIX)
    return rng.choices(list(mix), list(mix.values()))[0]


def _seed_offices(session: Session, users: dict[str, User], now: datetime) -> None:
    """A fortnight of slots from today at every office, with waiting cases booked."""
    start = now.replace(hour=13, minute=0, second=0, microsecond=0)
    days = [
        start + timedelta(days=d) for d in range(1, 15) if (start + timedelta(days=d)).weekday() < 5
    ]
    for office in DEMO_OFFICES:
        boss = users[f"{office.country.lower()}-supervisor"]
        officer = users[f"{office.country.lower()}-caseworker"]
        future = session.scalar(
            select(func.count())
            .select_from(Slot)
            .where(Slot.office_code == office.code, Slot.starts_at > now + timedelta(days=7))
        )
        if future:
            continue  # seeded already (a second run)
        slots = actions.do_open_slots(
            session,
            boss,
            office.code,
            [d + timedelta(minutes=30 * k) for d in days for k in range(8)],
            capacity=4,
        )
        booked = select(Appointment.application_id).where(Appointment.status == "booked")
        waiting = session.scalars(
            select(Application.id)
            .where(
                Application.office == office.code,
                Application.status == "submitted",
                Application.id.not_in(booked),
            )
            .order_by(Application.id)
            .limit(60)
        ).all()
        with batch(session):
            for i, app_id in enumerate(waiting):
                actions.do_book_appointment(session, officer, app_id, slots[i // 4].id)


def seed_demo(
    session: Session,
    *,
    applicants: int,
    keys_dir: Path,
    seed: int = 7,
    months: int = 15,
    now: datetime | None = None,
    registries: RegistryIndexes | None = None,
) -> tuple[list[tuple[str, str, str, str | None]], dict[str, int]]:
    """Create the demo users and ``applicants`` cases with ``months`` of history (once).

    The cases arrive over the ``months`` before ``now`` at four offices and are worked
    through the actions on a replay clock (:mod:`ruta.cli._demo_history`), so the case
    store holds months of arrivals, decisions, appointments, permits and a revocation or
    two, and a backlog that grows at Bogotá.

    With ``registries`` (the command's, from the settings) each submission is checked for
    duplicates in its host state's registry, as it is through the pages.

    Returns:
        The logins (username, password, role, country) and the count per status.
    """
    present = now or datetime.now(UTC)
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
    if not existing and applicants > 0:
        fake, rng = Faker("es_CO"), random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        Faker.seed(seed)
        plan = plan_history(rng, applicants, months=months, now=present)
        clock = ReplayClock(min(c.arrival for c in plan) - timedelta(days=1))
        use_clock(session, clock)
        try:
            _replay_plan(session, users, plan, clock, keys_dir, present, fake, rng, registries)
        finally:
            use_clock(session, None)
    use_clock(session, ReplayClock(present))
    try:
        _seed_offices(session, users, present)
    finally:
        use_clock(session, None)
    counts = Counter(
        dict(
            session.execute(
                select(Application.status, func.count()).group_by(Application.status)
            ).all()
        )
    )
    logins = [(u, p, r, c) for u, p, r, c, _ in DEMO_LOGINS]
    return logins, {str(k): int(v) for k, v in counts.items()}


def _demo_pathways(country: str) -> list[Pathway]:
    """The pathways the demo offices of ``country`` take, and so the demo's cases ask for:
    all but :data:`DEMO_ELSEWHERE`."""
    return [p for p in list_pathways(country) if p.id not in DEMO_ELSEWHERE.get(country, ())]


def _replay_plan(
    session: Session,
    users: dict[str, User],
    plan: list[PlannedCase],
    clock: ReplayClock,
    keys_dir: Path,
    now: datetime,
    fake: Faker,
    rng: random.Random,
    registries: RegistryIndexes | None,
) -> None:
    """Create the offices and staff at the start of the history, then replay every case."""
    # The demo's data is in Spanish, the offices' language; the address says it is an
    # example, never a real-looking contact.
    _ = translator("es", "cli").gettext
    with batch(session):
        for office in DEMO_OFFICES:
            if session.get(Office, office.code) is None:
                boss = users[f"{office.country.lower()}-supervisor"]
                actions.do_create_office(
                    session,
                    boss,
                    office.code,
                    office.name,
                    address=_("Example address: each office sets its own"),
                    address_source=_("Example: demo data of Ruta, not a real office"),
                    pathways=[p.id for p in _demo_pathways(office.country)],
                )
    staff = _officers(session, users, rng)
    pathways = {c: _demo_pathways(c) for c in DEMO_COUNTRIES}
    weights = {c: [_KIND_WEIGHTS.get(_kind(p.id), 1) for p in ps] for c, ps in pathways.items()}
    cannot: dict[tuple[str, Want, str], set[str]] = {}
    misses: Counter[tuple[str, Want, str, str]] = Counter()
    finals = {c: cycle(_FINAL_CYCLE) for c in DEMO_COUNTRIES}
    in_hand = {c: cycle(_IN_HAND_CYCLE) for c in DEMO_COUNTRIES}
    replay = _Replay(session, clock, keys_dir, registries)
    for case in plan:
        host = case.country
        target = _fate(case, finals[host], in_hand[host], now)
        # Every tenth applicant knows only the year of birth, every twentieth the month.
        i = case.index
        birth: Precision = "year" if i % 10 == 7 else "month" if i % 20 == 3 else "day"
        day, want = case.arrival.date(), _want(rng, target)
        choices, chosen_weights = pathways[host], weights[host]
        closed = [p for p in choices if p.window.closes is not None and p.window.closes < day]
        if want == "ineligible" and closed and i % 6 == 0:
            # Late applicants: a programme whose window has closed still gets some.
            choices, chosen_weights = closed, [1] * len(closed)
        data = _draw_submission(
            fake, rng, host, want, day, birth, choices, chosen_weights, cannot, misses
        )
        data = data.model_copy(update={"office": case.office})
        team = staff[case.office]
        officer = team[case.caseworker % len(team)]
        boss = users[f"{host.lower()}-supervisor"]
        submitter = users["applicant"] if i % 50 == 0 else officer
        _schedule(replay, case, target, data, submitter, officer, boss, now, rng)
    replay.run()
