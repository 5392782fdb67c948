"""Casework parameters (appeal periods, review targets) read from ``parameters.yaml``.

Examples:
    >>> from datetime import date
    >>> appeal_deadline("COL", date(2026, 11, 27))  # a Friday; 10 working days later
    datetime.date(2026, 12, 11)
    >>> appeal_rule("PER").days
    15
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

__all__ = [
    "AppealRule",
    "appeal_deadline",
    "appeal_rule",
    "permanent_card_months",
    "review_target_days",
]


@dataclass(frozen=True)
class AppealRule:
    """How long a person has to appeal a denial, and the law that says so."""

    days: int
    counting: str
    citation: str


@cache
def _table() -> dict[str, Any]:
    text = files("ruta.cases").joinpath("parameters.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _entry(country: str) -> dict[str, Any]:
    table = _table()
    entry: dict[str, Any] = table.get(country, table["default"])
    return entry


def appeal_rule(country: str) -> AppealRule:
    """The appeal period of ``country`` (ISO alpha-3), or the documented default."""
    raw = _entry(country)["appeal"]
    return AppealRule(int(raw["days"]), str(raw["counting"]), str(raw["citation"]).strip())


def review_target_days(country: str) -> int:
    """Days within which a submitted case should be decided (the queue's SLA)."""
    return int(_entry(country)["review_target_days"])


def permanent_card_months(country: str) -> int:
    """Validity in months of the card of a status that itself has no end date."""
    return int(_entry(country)["permanent_card"]["months"])


def appeal_deadline(country: str, notified: date) -> date:
    """Last day to appeal a denial notified on ``notified``."""
    rule = appeal_rule(country)
    if rule.counting != "working":
        return notified + timedelta(days=rule.days)
    day, left = notified, rule.days
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day
