"""Where a person can get help when no pathway is open (issue 15: no dead ends).

The host country's migration authority comes with Ruta (``ruta/web/data/help.yaml``, cited
and dated there); partner organisations are listed by each office or NGO in its own file
(``RUTA_PARTNERS``, format in ``examples/partners.yaml``), and entries marked ``example``
are shown as examples. Ruta never invents a contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Contact", "PartnersError", "authority", "load_partners", "partners_for"]

_HELP = Path(__file__).resolve().parent.parent / "data" / "help.yaml"


class PartnersError(ValueError):
    """The partners file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Contact:
    """An organisation to turn to: its name, its website, what it helps with."""

    name: str
    url: str
    help: dict[str, str]
    example: bool = False

    def helps_with(self, lang: str) -> str:
        return self.help.get(lang) or self.help.get("en") or ""


@lru_cache(maxsize=1)
def _authorities() -> dict[str, Contact]:
    data = yaml.safe_load(_HELP.read_text(encoding="utf-8"))
    return {
        code: Contact(name=entry["name"], url=entry["url"], help={})
        for code, entry in data["authorities"].items()
    }


def authority(country: str | None) -> Contact | None:
    """The migration authority of ``country`` (ISO alpha-3), if Ruta knows it.

    Examples:
        >>> authority("COL").name
        'Migración Colombia'
        >>> authority("FRA") is None  # not a host country of the packs
        True
    """
    return _authorities().get(country or "")


@lru_cache(maxsize=4)
def load_partners(path: Path) -> tuple[tuple[str, Contact], ...]:
    """Read a partners file: ``(country, contact)`` pairs.

    Raises:
        PartnersError: unreadable file or an entry without country, name or an https URL.
    """
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PartnersError(f"RUTA_PARTNERS: cannot read {path}: {exc}") from exc
    entries = data.get("partners") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise PartnersError(f"RUTA_PARTNERS: {path} must hold a list under 'partners:'")
    found: list[tuple[str, Contact]] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise PartnersError(f"RUTA_PARTNERS: {path}, entry {number} is not a mapping")
        country, name, url = entry.get("country"), entry.get("name"), entry.get("url")
        if not (isinstance(country, str) and len(country) == 3 and country.isupper()):
            raise PartnersError(
                f"RUTA_PARTNERS: {path}, entry {number}: country must be ISO alpha-3, e.g. COL"
            )
        if not isinstance(name, str) or not name.strip():
            raise PartnersError(f"RUTA_PARTNERS: {path}, entry {number}: give a name")
        if not isinstance(url, str) or not url.startswith("https://"):
            raise PartnersError(
                f"RUTA_PARTNERS: {path}, entry {number}: url must start with https://"
            )
        help_texts = entry.get("help") or {}
        if not isinstance(help_texts, dict):
            raise PartnersError(
                f"RUTA_PARTNERS: {path}, entry {number}: help is a mapping of language to text"
            )
        contact = Contact(
            name=name.strip(),
            url=url,
            help={str(k): str(v) for k, v in help_texts.items()},
            example=bool(entry.get("example", False)),
        )
        found.append((country, contact))
    return tuple(found)


def partners_for(path: Path | None, country: str | None) -> list[Contact]:
    """The partner organisations listed for ``country`` (none without a partners file)."""
    if path is None or not country:
        return []
    return [contact for code, contact in load_partners(path) if code == country]
