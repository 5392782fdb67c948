"""The public guided finder: start page, one question per page, check answers, results.

No login and no JavaScript. The engine picks each next question (``next_question``) from
the answers so far; answers live in a signed cookie (see ``_state``) and are replayed
through ``apply_answer`` on every request, so "Back" and "Change" are just "ask question
number ``at`` again" and never lose the later answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from babel import Locale
from babel.languages import get_official_languages
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from ruta.cases.actions import pathways_taken
from ruta.i18n import language_of
from ruta.pathways import (
    COUNTRIES,
    ProfileError,
    Question,
    UnknownPathwayError,
    apply_answer,
    country_name,
    default_catalog,
    evaluate,
    get_pathway,
    next_question,
)
from ruta.web.deps import signed_in_username
from ruta.web.i18n import render as render_page
from ruta.web.i18n import request_language, translator
from ruta.web.params import MAX_PAGE as MAX_ANSWERS
from ruta.web.ratelimit import page_rate_limit
from ruta.web.security import csrf_token
from ruta.web.ui._answers import (
    FormError,
    display_answer,
    form_answer,
    kind_error,
    typed_texts,
)
from ruta.web.ui._countries import AMERICAS, collation_key, region_first
from ruta.web.ui._forms import verify_csrf
from ruta.web.ui._help import authority, partners_for
from ruta.web.ui._replay import answered_questions, ask, in_asking_order, replay
from ruta.web.ui._state import clear_answers, read_answers, write_answers
from ruta.web.ui._terms import TermExplainer

__all__ = ["pathways_with_office", "router"]

# Public and anonymous: limited per client address so that a flood of finder pages cannot
# crowd out the caseworkers the same service answers (RUTA_FINDER_RATE_LIMIT).
router = APIRouter(
    prefix="/finder",
    tags=["pages: finder"],
    dependencies=[page_rate_limit("finder", lambda s: s.finder_rate_limit)],
)

# Results are shown in this order: what a person can do first, then what they may be able
# to do once they answer more, then what is closed to them.
_STATUS_ORDER = {"eligible": 0, "undetermined": 1, "ineligible": 2}

#: What the start page says the finder will ask about, and the facts each topic covers.
#: Every fact of the catalog belongs to one topic (a test checks it), so the start page
#: promises exactly what the questions ask.
START_TOPICS: dict[str, tuple[str, ...]] = {
    "where": ("host_country", "in_host_country"),
    "who": ("nationalities", "date_of_birth"),
    "arrival": ("entry.date", "entry.authorized_crossing", "arrival_date", "residences"),
    "papers": ("documents", "permits", "registrations", "current_status"),
    "situation": (
        "means_of_subsistence",
        "asylum_claim_pending",
        "crime_victim_or_witness",
        "unaccompanied_minor",
        "humanitarian_cause",
        "guardian_of_minor_with_ppt",
        "in_school_or_child_protection",
        "refugee_claim_filed",
        "refugee_claim_denied",
    ),
    "record": ("criminal_records", "migration_sanctions"),
}


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """A finder page: who is signed in (with sign-out), a "start again and forget my
    answers" form, and never stored by the browser or a proxy, because the answers on it
    (a criminal record, an irregular stay) may be read by the next person on a shared
    phone."""
    username = signed_in_username(request)
    page = {
        "csrf_token": csrf_token(request),
        "user": {"username": username} if username else None,
        "answered": len(read_answers(request)),
        **context,
    }
    response = render_page(request, template, page, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("", name="finder_start")
def start(request: Request) -> Response:
    """Say what the finder does, what it will ask about and how long it takes."""
    return render(request, "finder/start.html", {"topics": list(START_TOPICS)})


@router.post("/restart", name="finder_restart")
async def restart(request: Request) -> Response:
    """Forget every answer and ask the first question again."""
    if not verify_csrf(request, await request.form()):
        return _redirect(str(request.url_for("finder_start")))
    response = _redirect(str(request.url_for("finder_question")))
    clear_answers(response)
    return response


def _country_groups(question: Question, gettext: Any) -> list[tuple[str, list[Any]]]:
    """A country question's options: the region's countries first, then the others."""
    if question.kind not in ("country", "countries"):
        return []
    americas, others = region_first([(str(c), str(n)) for c, n in question.options])
    return [(gettext("Countries of the Americas"), americas), (gettext("Other countries"), others)]


def _question_page(
    request: Request,
    at: int,
    question: Question,
    *,
    back_to_check: bool,
    value: str | list[str] | None,
    error: FormError | None = None,
    typed: list[str] | None = None,
) -> Response:
    if typed is None and question.kind == "countries":
        # Countries outside the region are not boxes but type-ahead fields: show each one
        # already chosen in its own field, by name.
        names = dict(question.options)
        chosen = value if isinstance(value, list) else [value] if value else []
        typed = [names.get(code, code) for code in chosen if code not in AMERICAS]
    back = (
        f"{request.url_for('finder_check')}"
        if back_to_check
        else f"{request.url_for('finder_question')}?at={at - 1}"
        if at > 0
        else str(request.url_for("finder_start"))
    )
    return render(
        request,
        "finder/question.html",
        {
            "question": question,
            "country_groups": _country_groups(
                question, translator(request_language(request)).gettext
            ),
            "at": at,
            "number": at + 1,
            "value": value,
            "typed": typed or [],
            "terms": TermExplainer(request_language(request)),
            "back_href": back,
            "back_to_check": back_to_check,
            "error": error,
            "has_errors": error is not None,
            "csrf_token": csrf_token(request),
        },
        status_code=422 if error else 200,
    )


@router.get("/question", name="finder_question")
def show_question(
    request: Request,
    at: Annotated[int | None, Query(ge=0, le=MAX_ANSWERS)] = None,
    back: Annotated[str | None, Query(alias="return")] = None,
) -> Response:
    """Ask question number ``at`` (default: the next unanswered one)."""
    lang = request_language(request)
    answers = read_answers(request)
    _, answers = replay(answers)
    at = len(answers) if at is None else min(at, len(answers))
    profile, _ = replay(answers[:at])
    question = ask(profile, lang)
    if question is None:
        return _redirect(str(request.url_for("finder_check")))
    value = answers[at][1] if at < len(answers) and answers[at][0] == question.fact else None
    return _question_page(request, at, question, back_to_check=back == "check", value=value)


@router.post("/question", name="finder_answer")
async def answer_question(request: Request) -> Response:
    """Check and store one answer, then go to the next question or back to the check page."""
    lang = request_language(request)
    gettext = translator(lang).gettext
    form = await request.form()
    _, answers = replay(read_answers(request))
    try:
        at = min(max(int(str(form.get("at", len(answers)))), 0), len(answers))
    except ValueError:
        at = len(answers)
    back_to_check = form.get("return") == "check"
    profile, _ = replay(answers[:at])
    question = next_question(profile, lang=lang)
    if question is None or question.fact != form.get("fact"):
        # The form was for another state of the answers (an old tab): ask again.
        return _redirect(f"{request.url_for('finder_question')}?at={at}")
    try:
        if not verify_csrf(request, form):
            # Without this a page on another site could rewrite someone's answers.
            raise FormError(_field_id(question), gettext("The form expired. Try again"))
        raw = form_answer(question, form, gettext)
        apply_answer(profile, question.fact, raw)
    except FormError as exc:
        return _question_page(
            request,
            at,
            question,
            back_to_check=back_to_check,
            value=_posted(form),
            error=exc,
            typed=typed_texts(form),
        )
    except ProfileError:
        error = FormError(_field_id(question), kind_error(question.kind, gettext))
        return _question_page(
            request, at, question, back_to_check=back_to_check, value=_posted(form), error=error
        )
    later = [(fact, old) for fact, old in answers[at + 1 :] if fact != question.fact]
    profile, kept = replay([*answers[:at], (question.fact, raw), *later])
    kept = in_asking_order(kept, lang)
    finished = next_question(profile, lang=lang) is None
    target = request.url_for("finder_check") if finished else request.url_for("finder_question")
    url = f"{target}?return=check" if back_to_check and not finished else str(target)
    response = _redirect(url)
    write_answers(request, response, kept)
    return response


def _posted(form: Any) -> str | list[str] | None:
    """What the person typed, so an error page shows their input back to them."""
    if "answer-day" in form:
        return "{}-{}-{}".format(
            form.get("answer-year", ""), form.get("answer-month", ""), form.get("answer-day", "")
        )
    values = [str(v) for v in form.getlist("answer")]
    return values if len(values) > 1 else (values[0] if values else None)


def _field_id(question: Question) -> str:
    return "answer-day" if question.kind == "date" else "answer"


@router.get("/check", name="finder_check")
def check_answers(request: Request) -> Response:
    """List every answer with a Change link, before showing the results."""
    lang = request_language(request)
    gettext = translator(lang).gettext
    profile, answers = replay(read_answers(request))
    rows = [
        {
            "fact": fact,
            "question": question.text if question else fact,
            "answer": display_answer(question, raw, lang, gettext),
            "change_href": f"{request.url_for('finder_question')}?at={position}&return=check",
        }
        for (position, question, raw), (fact, _) in zip(
            answered_questions(answers, lang), answers, strict=True
        )
    ]
    more = next_question(profile, lang=lang) is not None
    return render(request, "finder/check.html", {"rows": rows, "more_questions": more})


def sorted_results(profile: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The engine's results as plain data, best news first.

    Args:
        profile: The profile built from the answers.
        lang: Language of the explanations.

    Returns:
        The ``results`` of the issue-2 result contract, ordered by status then title.
    """
    result = evaluate(profile, lang=lang).model_dump(mode="json")
    return sorted(
        result["results"],
        key=lambda r: (_STATUS_ORDER.get(r["status"], 3), r.get("title") or r["pathway"]),
    )


@router.get("/results", name="finder_results")
def results(request: Request) -> Response:
    """Show, per pathway, the status, reasons with citations and what to do next."""
    lang = request_language(request)
    profile, _ = replay(read_answers(request))
    host = profile.get("host_country")
    if not isinstance(host, str):
        # Without the country nothing can be assessed, and a card for every pathway of
        # every country would weigh 170 KB: the pathways by country, each a link to its page.
        return render(request, "finder/catalog.html", {"countries": _catalog(lang)})
    ranked = sorted_results(profile, lang)
    counts = {status: sum(r["status"] == status for r in ranked) for status in _STATUS_ORDER}
    # No dead ends (issue 15): what is open, then what could open (an answer or a document
    # missing, or a date still to come), then where to get help; the closed pathways are
    # folded away with their reasons instead of printed one red card after another.
    shown = [r for r in ranked if r["status"] != "ineligible" or _opens_later(r)]
    closed = [r for r in ranked if r not in shown]
    _describe(request, ranked, shown, lang)
    laws_in = sorted({r["law_lang"] for r in ranked if r["law_lang"] and r["law_lang"] != lang})
    settings = request.app.state.settings
    context = {
        "terms": TermExplainer(lang),
        # The packs cite each law by its official title, in the language it is published in
        # (no pack carries translated titles): the page says so, and marks each citation's
        # language so a screen reader reads it right.
        "laws_in": [language_name(code, lang) for code in laws_in],
        "results": shown,
        "closed": closed,
        "counts": counts,
        "could_open": [r for r in shown if r["status"] != "eligible"],
        # What the pathways not open yet still ask, each question once (a card names only
        # how many of them decide it; its own page lists them).
        "still_needed": _still_needed(r for r in shown if r["status"] != "eligible"),
        "authority": authority(host),
        "partners": partners_for(getattr(settings, "partners", None), host),
    }
    return render(request, "finder/results.html", context)


@router.get("/results/{pathway_id}", name="finder_pathway")
def pathway(request: Request, pathway_id: str) -> Response:
    """One pathway for the answers so far, in full: what it still needs, next steps,
    documents, fees, rights, deadlines, and the conditions with the laws they come from."""
    lang = request_language(request)
    profile, _ = replay(read_answers(request))
    try:
        result = pathway_result(profile, pathway_id, lang)
    except UnknownPathwayError:
        return render(request, "not_found.html", {}, status_code=404)
    _describe(request, [result], [result], lang)
    context = {"terms": TermExplainer(lang), "result": result}
    return render(request, "finder/pathway.html", context)


def pathway_result(profile: dict[str, Any], pathway_id: str, lang: str) -> dict[str, Any]:
    """The engine's result for one pathway, as plain data (the results page's card).

    Raises:
        UnknownPathwayError: No pack has ``pathway_id``.
    """
    found = evaluate(profile, lang=lang, pathways=[pathway_id]).model_dump(mode="json")
    result: dict[str, Any] = found["results"][0]
    return result


def _describe(
    request: Request, ranked: list[dict[str, Any]], shown: list[dict[str, Any]], lang: str
) -> None:
    """Add to each result what its card says besides the engine's result: the summary, the
    language of its laws, and where to apply.

    Only the cards shown say whether an office takes the pathway (the closed ones list
    their reasons alone): their countries are asked all at once.
    """
    taken = pathways_with_office(request, {r["host_country"] for r in shown})
    for result in ranked:
        country = result["host_country"]
        result["summary"] = _summary(result["pathway"], lang)
        result["law_lang"] = law_language(country)
        # The "Apply" button and the first next step say the same thing: apply here when
        # the pathway is open to the person and an office of the host country takes it,
        # else where (the host's authority) and how (the pack's steps) to apply.
        result["has_office"] = result["pathway"] in taken.get(country, ())
        result["apply_here"] = result["status"] == "eligible" and result["has_office"]
        result["apply_to"] = authority(country)


def _still_needed(results: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The missing facts of ``results``, each once, in the order they first appear."""
    needed: dict[str, dict[str, Any]] = {}
    for result in results:
        for item in result.get("missing") or ():
            needed.setdefault(item["fact"], item)
    return list(needed.values())


def _catalog(lang: str) -> list[tuple[str, list[dict[str, str]]]]:
    """Every pathway of the packs as ``(country name, [{"id", "title"}])``, countries
    sorted by name as the language sorts them."""
    by_country: dict[str, list[dict[str, str]]] = {}
    for pathway_id in sorted(default_catalog().pathways):
        found = get_pathway(pathway_id)
        by_country.setdefault(found.host_country, []).append(
            {"id": pathway_id, "title": found.title(lang)}
        )
    named = [
        (country_name(code, lang), sorted(items, key=lambda i: collation_key(i["title"])))
        for code, items in by_country.items()
    ]
    return sorted(named, key=lambda pair: collation_key(pair[0]))


def pathways_with_office(request: Request, countries: Iterable[str]) -> dict[str, set[str]]:
    """The pathways that an office of each of ``countries`` takes in the service's case
    store, by country.

    One session (one transaction) for them all: the page is public and anonymous, and on
    SQLite every transaction takes the write lock that the caseworkers' requests wait on.
    A finder without a case store (a kiosk, the bare app of the page tests) has no office
    to apply to: none.
    """
    maker = getattr(request.app.state, "sessionmaker", None)
    wanted = sorted({country for country in countries if country})
    if maker is None or not wanted:
        return {}
    with maker() as session:
        return {country: pathways_taken(session, country) for country in wanted}


def _opens_later(result: dict[str, Any]) -> bool:
    """A closed pathway that opens by itself later (a window, or an age or a period)."""
    return bool(result.get("opens_on") or result.get("eligible_on"))


def _summary(pathway_id: str, lang: str) -> str:
    try:
        return get_pathway(pathway_id).summary(lang)
    except UnknownPathwayError:
        return ""


def law_language(country: str) -> str | None:
    """The language a host country publishes its laws in (its first official language in
    CLDR), for the ``lang`` of a citation.

    Examples:
        >>> law_language("BRA"), law_language("BRB")
        ('pt', 'en')
    """
    alpha2 = COUNTRIES.get(country)
    official = get_official_languages(alpha2) if alpha2 else ()
    return official[0] if official else None


def language_name(code: str, lang: str) -> str:
    """The name of language ``code`` in the page language ("Spanish", "portugués").

    The languages the packs' laws are written in are named by the catalogs (CLDR has no
    Kreyòl names); any other by CLDR, in English when the page language has no names.

    Examples:
        >>> language_name("es", "en"), language_name("pt", "es"), language_name("nl", "en")
        ('Spanish', 'portugués', 'Dutch')
    """
    _ = translator(lang).gettext
    named = {"es": _("Spanish"), "pt": _("Portuguese"), "en": _("English"), "fr": _("French")}
    if code in named:
        return named[code]
    try:
        name = Locale.parse(language_of(lang) or "en").languages.get(code)
    except (ValueError, LookupError):
        name = None
    return str(name or Locale.parse("en").languages.get(code, code))
