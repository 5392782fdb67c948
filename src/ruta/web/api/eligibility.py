"""The open eligibility API: the pathways, their rules, and the engine's answer for a profile.

No login: anyone (an NGO's chatbot, a partner's app) may ask. Nothing is kept: a profile is
evaluated in memory and forgotten; no route here opens a database session or logs a body.
Each client address is rate limited (``RUTA_ELIGIBILITY_RATE_LIMIT``); browsers on other
sites may call it when ``RUTA_CORS_ORIGINS`` names them (:class:`OpenCors`).

``POST /api/v1/eligibility`` answers exactly what ``ruta pathways check --format json``
prints for the same profile, date, pathways and language (a test compares the two).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from ruta.cases.errors import NotFoundError
from ruta.errors import RutaError
from ruta.i18n import LANGUAGES, N_, expected_languages, require_language
from ruta.pathways import (
    COUNTRIES,
    BadValue,
    EvaluationResult,
    Pathway,
    ProfileError,
    UnknownPathwayError,
    apply_answer,
    country_name,
    evaluate,
    get_pathway,
    list_pathways,
    next_question,
    parse_date,
    shipped_catalog,
    vocabulary,
)
from ruta.web.problems import WebError
from ruta.web.ratelimit import rate_limit

__all__ = ["OPEN_PATHS", "OpenCors", "router"]

#: The paths of the open API (CORS applies to these only, never to casework or pages).
OPEN_PATHS = ("/api/v1/pathways", "/api/v1/eligibility")

#: RFC 9457 problem details as ruta.web.problems writes them.
_PROBLEM: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "required": ["type", "title", "status", "detail", "errors"],
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Invalid input"},
        "status": {"type": "integer", "example": 422},
        "detail": {"type": "string", "example": "'XX' is not a country code; expected ..."},
        "field": {"type": "string", "example": "profile.nationalities.0.country"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
_PROBLEMS: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "Invalid input: problem+json naming the field and the expected form",
        "content": {"application/problem+json": {"schema": _PROBLEM}},
    },
    429: {
        "description": "Too many requests from this client address (see Retry-After)",
        "content": {"application/problem+json": {"schema": _PROBLEM}},
    },
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {
        "description": "No pathway with this id",
        "content": {"application/problem+json": {"schema": _PROBLEM}},
    }
}

router = APIRouter(
    tags=["eligibility (open)"],
    dependencies=[rate_limit("eligibility", lambda s: s.eligibility_rate_limit)],
    responses=_PROBLEMS,
)

_PROFILE_EXAMPLE: dict[str, Any] = {
    "host_country": "ARG",
    "in_host_country": True,
    "nationalities": [{"country": "BOL", "acquired": "birth"}],
    "date_of_birth": "1990",
    "entry": {"date": "2025-02-01", "authorized_crossing": True},
    "criminal_records": [],
}


class _BadDate(RutaError, ValueError):
    """A malformed ``as_of`` (a ``ValueError`` for pydantic): the pathways catalog text of
    :func:`parse_date`, so that the validation problem says it in ``Accept-Language``
    (English as before: ``str()`` is the same sentence)."""

    domain: ClassVar[str | None] = "pathways"


def _date(value: Any) -> dt.date:
    try:
        return parse_date(value)
    except BadValue as exc:
        raise _BadDate(exc.text) from None


IsoDate = Annotated[dt.date, BeforeValidator(_date)]
#: At most 35 characters, as casework's language tags: the refusal of a tag Ruta does not
#: speak repeats it, and this API is open to anyone.
Lang = Annotated[
    str,
    Field(
        max_length=35,
        description=f"Language of the texts: {', '.join(LANGUAGES)}, or a BCP 47 tag with a "
        "region (pt-BR) that falls back to its language.",
        examples=["es"],
    ),
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EligibilityIn(_In):
    """A profile to evaluate: absent facts are unknown, never false."""

    profile: dict[str, Any] = Field(
        description="The person's situation, as `ruta pathways check` reads it "
        "(docs/rule-packs.md, section 6: facts)."
    )
    as_of: IsoDate | None = Field(None, description="Evaluation date (YYYY-MM-DD); today.")
    pathways: list[str] | None = Field(
        None, description="Only these pathway ids; by default those of the host country."
    )
    lang: Lang = "en"


class Answer(_In):
    """The answer to the last question, applied to the profile before the next one."""

    fact: str = Field(description="The `fact` of the question answered.")
    value: str | list[str] = Field(
        description="The chosen option's value (a list for several countries or options), "
        "or the date typed (YYYY-MM-DD; a birth date may be YYYY-MM or YYYY)."
    )


class NextQuestionIn(EligibilityIn):
    """The profile so far, and optionally the answer to the question just asked."""

    answer: Answer | None = None


class OptionOut(BaseModel):
    """One choice of a question."""

    value: str
    label: str


class QuestionOut(BaseModel):
    """The question to ask, in the requested language."""

    fact: str
    text: str
    kind: str = Field(description="bool, date, partial_date, country, countries, enum, multi")
    options: list[OptionOut]
    proves_with: list[str]


class NextQuestionOut(BaseModel):
    """The next question (none when the profile settles every pathway it can)."""

    question: QuestionOut | None
    profile: dict[str, Any] = Field(description="The profile with the answer applied.")
    done: bool = Field(description="True when no question is left: ask /eligibility.")


class CitationOut(BaseModel):
    """Where a rule comes from, and how sure the legal reference is of it."""

    text: str
    instrument: str
    article: str | None
    confidence: str
    note: str | None = None


class ConditionOut(BaseModel):
    """A condition of a pathway, in plain language, with its citation."""

    id: str
    text: str
    citation: CitationOut
    discretionary: bool
    valid_from: dt.date | None
    valid_to: dt.date | None


class PathwaySummary(BaseModel):
    """A pathway in the list."""

    id: str
    host_country: str
    country_name: str
    title: str
    summary: str
    grants: str
    duration_months: int | None
    opens: dt.date | None
    closes: dt.date | None
    uncertain: bool
    languages: list[str]
    pack: str
    pack_version: str
    pack_origin: str


class DocumentRule(BaseModel):
    """A document to gather."""

    id: str
    label: str
    citation: CitationOut


class FeeRule(BaseModel):
    """A fee and who is exempt."""

    id: str
    text: str
    amount: str
    currency: str
    exemption: str | None
    citation: CitationOut


class PathwayDetail(PathwaySummary):
    """A pathway's rules: conditions with citations, documents, fees, rights, next steps."""

    instrument: CitationOut
    conditions: list[ConditionOut]
    documents: list[DocumentRule]
    fees: list[FeeRule]
    rights: list[str]
    transitions: list[str]
    next_steps: str


_LANG_DESCRIPTION = (
    f"Language of the texts: {expected_languages()} (BCP 47; pt-BR falls back to pt)."
)


class _NoPathway(NotFoundError):
    """No pack defines the pathway (404); its refusal is said from the pathways catalog."""

    domain: ClassVar[str | None] = "pathways"


def _lang(value: str) -> str:
    # An unsupported tag is an i18n catalog refusal naming lang, said in Accept-Language.
    return require_language(value)


def _citation(spec: Any) -> CitationOut:
    return CitationOut(
        text=str(spec),
        instrument=spec.instrument,
        article=spec.article,
        confidence=spec.confidence,
        note=spec.note,
    )


def _summary(p: Pathway, lang: str) -> dict[str, Any]:
    return {
        "id": p.id,
        "host_country": p.host_country,
        "country_name": country_name(p.host_country, lang),
        "title": p.title(lang),
        "summary": p.summary(lang),
        "grants": p.grants.status,
        "duration_months": p.grants.duration_months,
        "opens": p.window.opens,
        "closes": p.window.closes,
        "uncertain": p.uncertain,
        "languages": list(LANGUAGES),  # a pack cannot load without every language
        "pack": p.pack,
        "pack_version": p.pack_version,
        "pack_origin": "shipped" if p.shipped else "local",
    }


@router.get("/pathways", response_model=list[PathwaySummary])
def pathways_list(
    country: Annotated[
        str | None, Query(description="Host country, ISO 3166-1 alpha-3 (COL).", examples=["COL"])
    ] = None,
    lang: Annotated[str, Query(description=_LANG_DESCRIPTION)] = "en",
) -> list[PathwaySummary]:
    """The pathways Ruta knows (the shipped packs and this service's own), in one language."""
    lang = _lang(lang)
    if country is not None and country.upper() not in COUNTRIES:
        raise WebError(
            N_("'%(country)s' is not a country code; expected ISO 3166-1 alpha-3, e.g. COL"),
            field="country",
            country=country,
        )
    chosen = list_pathways(country.upper() if country else None)
    return [PathwaySummary(**_summary(p, lang)) for p in chosen]


@router.get("/pathways/{pathway_id}", response_model=PathwayDetail, responses=_NOT_FOUND)
def pathway_detail(
    pathway_id: str,
    lang: Annotated[str, Query(description=_LANG_DESCRIPTION)] = "en",
) -> PathwayDetail:
    """One pathway's rules, each with its citation and confidence."""
    lang = _lang(lang)
    try:
        p = get_pathway(pathway_id)
    except UnknownPathwayError as exc:
        raise _NoPathway(exc.message, field="pathway_id") from None
    rights = vocabulary().rights
    return PathwayDetail(
        **_summary(p, lang),
        instrument=_citation(p.instrument),
        conditions=[
            ConditionOut(
                id=c.id,
                text=c.explain(lang),
                citation=_citation(c.citation),
                discretionary=c.discretionary,
                valid_from=c.valid_from,
                valid_to=c.valid_to,
            )
            for c in p.conditions
        ],
        documents=[
            DocumentRule(id=d.id, label=d.label(lang), citation=_citation(d.citation))
            for d in p.documents
        ],
        fees=[
            FeeRule(
                id=f.id,
                text=f.text.get(lang),
                amount=str(f.amount),
                currency=f.currency,
                exemption=f.exemption.get(lang) if f.exemption else None,
                citation=_citation(f.citation),
            )
            for f in p.fees
        ],
        rights=[rights[r].get(lang) for r in p.grants.rights],
        transitions=[t.to for t in p.transitions],
        next_steps=p.next_steps.get(lang),
    )


def _profile_error(exc: ProfileError) -> RutaError:
    # The body's field, so that a client sees which part of its request to fix.
    field = f"profile.{exc.field}" if exc.field else "profile"
    return ProfileError(exc.message, field=field)


_ELIGIBILITY_EXAMPLES = {
    "bolivian-in-argentina": {
        "summary": "A Bolivian in Argentina who knows only her birth year",
        "value": {"profile": _PROFILE_EXAMPLE, "as_of": "2026-11-28", "lang": "es"},
    },
    "one-pathway": {
        "summary": "Only Colombia's PPT, in Portuguese",
        "value": {
            "profile": {"host_country": "COL", "nationalities": [{"country": "VEN"}]},
            "pathways": ["col.ppt"],
            "lang": "pt",
        },
    },
}


@router.post(
    "/eligibility",
    response_model=EvaluationResult,
    responses={
        200: {
            "description": "The result contract, as `ruta pathways check --format json`",
            "content": {
                "application/json": {
                    # A real answer of the shipped packs (one pathway, to stay short).
                    "example": evaluate(
                        _PROFILE_EXAMPLE,
                        dt.date(2026, 11, 28),
                        "es",
                        ["arg.mercosur-temporary"],
                        catalog=shipped_catalog(),
                    ).model_dump(mode="json")
                }
            },
        }
    },
)
def eligibility(
    body: Annotated[EligibilityIn, Body(openapi_examples=_ELIGIBILITY_EXAMPLES)],
) -> JSONResponse:
    """Which pathways are open to this person, why, and what is missing (nothing is kept)."""
    try:
        result = evaluate(body.profile, body.as_of, body.lang, body.pathways or None)
    except ProfileError as exc:
        raise _profile_error(exc) from None
    # The same serialisation as the CLI's --format json, byte for byte in its values.
    return JSONResponse(result.model_dump(mode="json"))


_NEXT_EXAMPLES = {
    "first": {"summary": "The first question", "value": {"profile": {}, "lang": "es"}},
    "answer": {
        "summary": "Answer the host country, get the next question",
        "value": {"profile": {}, "answer": {"fact": "host_country", "value": "ARG"}},
    },
}


@router.post("/eligibility/next-question", response_model=NextQuestionOut)
def eligibility_next_question(
    body: Annotated[NextQuestionIn, Body(openapi_examples=_NEXT_EXAMPLES)],
) -> NextQuestionOut:
    """The one question whose answer settles the most pathways (a chatbot's next message)."""
    lang = _lang(body.lang)
    profile = dict(body.profile)
    try:
        if body.answer is not None:
            profile = apply_answer(profile, body.answer.fact, body.answer.value)
        question = next_question(profile, body.as_of, lang, body.pathways or None)
    except ProfileError as exc:
        if body.answer is not None and exc.field in (body.answer.fact, None):
            raise ProfileError(exc.message, field="answer.value") from None
        raise _profile_error(exc) from None
    out = None
    if question is not None:
        out = QuestionOut(
            fact=question.fact,
            text=question.text,
            kind=question.kind,
            options=[OptionOut(value=v, label=label) for v, label in question.options],
            proves_with=question.proves_with,
        )
    return NextQuestionOut(question=out, profile=profile, done=out is None)


class OpenCors:
    """CORS for the open API's paths only (``RUTA_CORS_ORIGINS``), never for casework.

    Why not Starlette's middleware on the whole app: the casework API and the pages must
    never be callable from another site's scripts.
    """

    def __init__(self, app: ASGIApp, origins: tuple[str, ...]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Accept-Language"],
            allow_credentials=False,  # no cookies, no login: the API needs none
            expose_headers=["Retry-After"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(OPEN_PATHS):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
