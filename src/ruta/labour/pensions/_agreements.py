"""The social-security agreements as data: who applies which agreement, from when.

Agreements live in ``data/agreements/<id>.yaml`` (one file per agreement, cited and dated,
texts in every language) and Ruta's own counting rules in ``data/conventions.yaml``.

Examples:
    >>> from datetime import date
    >>> [a.id for a in agreements_between("ARG", "BRA", date(2026, 1, 1))]
    ['mercosur', 'iberoamerican']
    >>> [a.id for a in agreements_between("ARG", "CHL", date(2016, 7, 31))]
    []
    >>> [a.id for a in agreements_between("ARG", "CHL", date(2016, 8, 1))]
    ['iberoamerican']
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ruta.i18n import N_, Text, os_reason, pydantic_message
from ruta.labour.pensions._errors import AgreementDataError, PensionsError
from ruta.labour.pensions._schema import AgreementFile, ConventionsFile, Party, Signatory

__all__ = [
    "DATA_DIR",
    "Agreement",
    "AgreementCatalog",
    "agreements_between",
    "default_catalog",
    "load_catalog",
    "read_model",
]

DATA_DIR = Path(__file__).parent / "data"
_Model = TypeVar("_Model", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Agreement:
    """One agreement, read from its file."""

    spec: AgreementFile

    @property
    def id(self) -> str:
        """The agreement's id (``mercosur``, ``iberoamerican``): a contract, never renamed."""
        return self.spec.agreement

    def title(self, lang: str) -> str:
        """The agreement's name in ``lang``."""
        return self.spec.title.get(lang)

    def party(self, country: str) -> Party | None:
        """The state's entry among the parties, if it applies the agreement at all."""
        return next((p for p in self.spec.parties if p.country == country), None)

    def signatory(self, country: str) -> Signatory | None:
        """The state's entry among those that signed but do not apply the agreement."""
        return next((s for s in self.spec.not_applying if s.country == country), None)

    def in_force_on(self, on: dt.date) -> bool:
        """Whether the agreement itself is in force on ``on``."""
        return self.spec.in_force.date <= on

    def applies_in(self, country: str, on: dt.date) -> bool:
        """Whether ``country`` applies the agreement on ``on`` (a party, from its date)."""
        party = self.party(country)
        return party is not None and self.in_force_on(on) and party.applies_from <= on


@dataclass(frozen=True, slots=True)
class AgreementCatalog:
    """Every agreement Ruta knows, in the order ties between them are broken."""

    agreements: tuple[Agreement, ...]
    conventions: ConventionsFile
    version: str

    def get(self, agreement_id: str) -> Agreement:
        """The agreement with this id.

        Raises:
            PensionsError: No agreement has this id; the message lists the known ones.
        """
        for agreement in self.agreements:
            if agreement.id == agreement_id:
                return agreement
        raise PensionsError(
            N_("no agreement '%(agreement)s'; expected one of %(known)s or auto"),
            field="agreement",
            agreement=agreement_id,
            known=", ".join(a.id for a in self.agreements),
        )

    def between(self, first: str, second: str, on: dt.date) -> list[Agreement]:
        """The agreements both states apply on ``on``, in tie-break order."""
        return [a for a in self.agreements if a.applies_in(first, on) and a.applies_in(second, on)]


def read_model(path: Path, model: type[_Model], error: type[PensionsError]) -> _Model:
    """Read one YAML file (safe loader) into ``model``; every problem names file and key.

    Raises:
        error: The file is missing, is not YAML, or does not match the schema.
    """
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(
            N_("%(path)s: cannot read it (%(reason)s)"), path=str(path), reason=os_reason(exc)
        ) from None
    except yaml.YAMLError as exc:
        raise error(
            N_("%(path)s: not valid YAML (%(reason)s)"), path=str(path), reason=str(exc)
        ) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # Each problem is its key and pydantic's message, which says itself in the reader's
        # language (the i18n catalog); the joining punctuation is the same in every language.
        parts: dict[str, str] = {}
        for n, e in enumerate(exc.errors()):
            parts[f"key{n}"] = ".".join(str(part) for part in e["loc"]) or "(top)"
            parts[f"problem{n}"] = pydantic_message(e)
        problems = Text(
            "; ".join(f"%(key{n})s: %(problem{n})s" for n in range(len(parts) // 2)), **parts
        )
        # TRANSLATORS: a data file and what its schema check found (the key, and the problem
        # said in your language where Ruta knows it); only the punctuation is yours.
        raise error(N_("%(path)s: %(reason)s"), path=str(path), reason=problems) from None


def load_catalog(agreements_dir: Path, conventions: Path) -> AgreementCatalog:
    """Read every ``*.yaml`` agreement in ``agreements_dir`` and the conventions file.

    Raises:
        AgreementDataError: A file is malformed, two files share an id, or ``tie_order``
            does not list every agreement exactly once.
    """
    files = sorted(agreements_dir.glob("*.yaml"))
    specs = [read_model(path, AgreementFile, AgreementDataError) for path in files]
    rules = read_model(conventions, ConventionsFile, AgreementDataError)
    by_id: Mapping[str, AgreementFile] = {spec.agreement: spec for spec in specs}
    if len(by_id) != len(specs) or sorted(by_id) != sorted(rules.tie_order):
        raise AgreementDataError(
            N_(
                "%(path)s: tie_order must list each agreement of %(directory)s once "
                "(files define %(defined)s; tie_order is %(order)s)"
            ),
            path=str(conventions),
            directory=str(agreements_dir),
            defined=str(sorted(a.agreement for a in specs)),
            order=str(rules.tie_order),
        )
    digest = hashlib.sha256()
    for path in [*files, conventions]:
        digest.update(path.read_bytes())
    return AgreementCatalog(
        agreements=tuple(Agreement(by_id[i]) for i in rules.tie_order),
        conventions=rules,
        version=digest.hexdigest()[:12],
    )


@cache
def default_catalog() -> AgreementCatalog:
    """The shipped agreements, read once per process."""
    return load_catalog(DATA_DIR / "agreements", DATA_DIR / "conventions.yaml")


def agreements_between(first: str, second: str, on: dt.date) -> list[Agreement]:
    """Which shipped agreements two states (ISO alpha-3) both apply on a date.

    Args:
        first: One state, e.g. ``ARG``.
        second: The other state.
        on: The date (usually the date of the claim).

    Returns:
        The agreements, in tie-break order; empty when none applies.
    """
    return default_catalog().between(first, second, on)
