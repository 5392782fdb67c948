#!/usr/bin/env python3
"""A minimal eligibility chatbot on Ruta's open API (docs/eligibility-api.md).

It holds the person's answers itself (the API keeps nothing), asks the engine for the next
question until none is left, then shows the answer for each pathway. Standard library only,
so that an NGO can run it anywhere Python 3.11 runs::

    python examples/eligibility_chatbot.py --url http://127.0.0.1:8000 --lang es

A messaging channel (WhatsApp, Telegram, SMS) replaces ``input()`` and ``print()`` with
its own receive and send; the loop stays the same. ``--answers FILE`` takes answers already
known (a JSON mapping from a question's ``fact`` to its value), as a bot that remembers a
returning person would, and asks only the rest.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

Post = Callable[[str, dict[str, Any]], dict[str, Any]]


def http_post(base_url: str) -> Post:
    """A ``post(path, body)`` that calls the API over HTTP and returns the JSON answer."""
    if not base_url.startswith(("http://", "https://")):
        raise SystemExit(f"--url must start with http:// or https://, got {base_url!r}")

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
            base_url.rstrip("/") + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - http(s)
                answer: dict[str, Any] = json.load(response)
                return answer
        except urllib.error.HTTPError as exc:
            problem = json.load(exc)  # problem+json: detail says what to fix, field where
            raise ValueError(problem.get("detail", str(exc))) from None

    return post


def _generic(fact: str) -> str:
    return ".".join(part for part in fact.split(".") if not part.isdigit())


def _ask(question: dict[str, Any], known: dict[str, Any], read: Callable[[str], str]) -> Any:
    for key in (question["fact"], _generic(question["fact"])):
        if key in known:
            return known.pop(key) if key == question["fact"] else known[key]
    options = question["options"]
    lines = [question["text"]]
    if 0 < len(options) <= 12:  # a long list (countries) is answered by its code
        lines += [f"  {i}. {o['label']}" for i, o in enumerate(options, 1)]
    reply = read("\n".join(lines) + "\n> ").strip()
    if reply.isdigit() and 0 < int(reply) <= len(options) <= 12:
        return options[int(reply) - 1]["value"]
    if question["kind"] in ("countries", "multi"):
        return [part.strip() for part in reply.split(",") if part.strip()]
    return reply


def converse(
    post: Post,
    lang: str = "en",
    known: dict[str, Any] | None = None,
    read: Callable[[str], str] = input,
    say: Callable[[str], None] = print,
    max_questions: int = 60,
) -> dict[str, Any]:
    """Ask until the engine has no question left, then evaluate; returns the result.

    The loop is the whole integration: POST /api/v1/eligibility/next-question with the
    profile so far and the last answer (the API applies it and returns the new profile),
    then POST /api/v1/eligibility with the final profile.
    """
    known = dict(known or {})
    profile: dict[str, Any] = {}
    answer: dict[str, Any] | None = None
    for _ in range(max_questions):
        body: dict[str, Any] = {"profile": profile, "lang": lang}
        if answer is not None:
            body["answer"] = answer
        try:
            step = post("/api/v1/eligibility/next-question", body)
        except ValueError as exc:  # the answer was not understood: say why, ask again
            say(str(exc))
            answer = None
            continue
        profile = step["profile"]
        if step["done"]:
            break
        question = step["question"]
        answer = {"fact": question["fact"], "value": _ask(question, known, read)}
    result = post("/api/v1/eligibility", {"profile": profile, "lang": lang})
    for item in result["results"]:
        say(f"{item['title']}: {item['status']}")
        for step_text in item["next_steps"]:
            say(f"  -> {step_text}")
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the chatbot in a terminal."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="The Ruta service.")
    parser.add_argument("--lang", default="en", help="es, pt, en, fr or ht.")
    parser.add_argument("--answers", help="JSON file of answers already known (fact: value).")
    parser.add_argument("--json", action="store_true", help="Print the final result as JSON.")
    args = parser.parse_args(argv)
    known = {}
    if args.answers:
        with open(args.answers, encoding="utf-8") as handle:
            known = json.load(handle)
    try:
        result = converse(http_post(args.url), args.lang, known)
    except EOFError:
        print("\nNo more answers: stopped.", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
