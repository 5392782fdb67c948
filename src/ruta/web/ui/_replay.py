"""Rebuilding the finder's profile from its stored answers, in the engine's asking order.

The finder stores answers, not a profile (see ``_state``); every request replays them
through ``apply_answer``. Keeping them in the order the engine asks for them makes answer
number ``i`` the answer to question number ``i``, which is what the "Back" and "Change"
links rely on.
"""

from __future__ import annotations

from typing import Any

from ruta.pathways import ProfileError, Question, apply_answer, next_question
from ruta.web.ui._state import Answer

__all__ = ["answered_questions", "ask", "in_asking_order", "replay"]

# Questions seen per (fact, language): labels for answers the engine no longer asks for.
# Facts are a fixed catalog (plus small list indexes), so the cache stays small; the limit
# is a guard, not an eviction policy.
_SEEN: dict[tuple[str, str], Question] = {}
_SEEN_LIMIT = 4096


def replay(answers: list[Answer]) -> tuple[dict[str, Any], list[Answer]]:
    """Rebuild the profile from stored answers, dropping any the engine no longer accepts.

    Args:
        answers: ``(fact, raw)`` pairs, oldest first.

    Returns:
        The profile and the answers that were applied.
    """
    profile: dict[str, Any] = {}
    kept: list[Answer] = []
    for fact, raw in answers:
        try:
            profile = apply_answer(profile, fact, raw)
        except ProfileError:
            # An answer made stale by a changed earlier answer is dropped, not fatal.
            continue
        kept.append((fact, raw))
    return profile, kept


def ask(profile: dict[str, Any], lang: str) -> Question | None:
    """``next_question``, remembering each question so an answer can always be labelled.

    Args:
        profile: The profile so far.
        lang: Language of the question.

    Returns:
        The next question, or None when the engine needs nothing more.
    """
    question = next_question(profile, lang=lang)
    if question is not None and len(_SEEN) < _SEEN_LIMIT:
        _SEEN[(question.fact, lang)] = question
    return question


def in_asking_order(answers: list[Answer], lang: str) -> list[Answer]:
    """Put answers in the order the engine asks for them, so position ``i`` is question ``i``.

    A changed answer can make the engine ask a new question before ones already answered
    (a naturalized nationality needs its date); re-ordering keeps every "Change" link
    pointing at its own question. Answers the engine no longer asks for go last.

    Args:
        answers: Applied answers.
        lang: Page language (questions are cached per language for labels).

    Returns:
        The same answers, re-ordered.
    """
    remaining = dict(answers)
    ordered: list[Answer] = []
    profile: dict[str, Any] = {}
    while remaining:
        question = ask(profile, lang)
        if question is None or question.fact not in remaining:
            break
        raw = remaining.pop(question.fact)
        profile = apply_answer(profile, question.fact, raw)
        ordered.append((question.fact, raw))
    return ordered + list(remaining.items())


def answered_questions(
    answers: list[Answer], lang: str
) -> list[tuple[int, Question | None, str | list[str]]]:
    """Each stored answer with the question that asked it (found by replaying the answers).

    Args:
        answers: Applied answers, oldest first.
        lang: Language of the question texts.

    Returns:
        ``(position, question or None, raw)``; ``None`` when the engine no longer asks
        that question and this process has not seen it asked (the answer still counts).
    """
    rows: list[tuple[int, Question | None, str | list[str]]] = []
    profile: dict[str, Any] = {}
    for position, (fact, raw) in enumerate(answers):
        question = ask(profile, lang)
        if question is None or question.fact != fact:
            question = _SEEN.get((fact, lang))
        rows.append((position, question, raw))
        profile = apply_answer(profile, fact, raw)
    return rows
