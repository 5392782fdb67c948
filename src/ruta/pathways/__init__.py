"""Regular migration pathways as cited, dated, multilingual rules.

Rule packs (YAML in ``packs/``) describe each pathway; the per-person engine answers
"which pathway is open to this person on this date, why, and what is missing?", and the
population engine compiles the same packs to SQL for whole populations.
"""

from __future__ import annotations

from ruta.pathways._catalog import Catalog, default_catalog, load_catalog, use_packs
from ruta.pathways._compare import (
    Comparison,
    ComparisonCell,
    ComparisonRow,
    compare,
    comparison_csv,
    comparison_json,
    template_ids,
)
from ruta.pathways._engine import ENGINE_VERSION, Verdict, evaluate, judge
from ruta.pathways._errors import PackError, PathwaysError, ProfileError, UnknownPathwayError
from ruta.pathways._facts import COUNTRIES, country_name
from ruta.pathways._finder import next_question
from ruta.pathways._model import Condition, Document, Pathway
from ruta.pathways._profile import Profile, apply_answer, parse_profile
from ruta.pathways._questions import Question, question_for
from ruta.pathways._result import EvaluationResult, PathwayResult
from ruta.pathways._schema import CitationSpec

__all__ = [
    "COUNTRIES",
    "ENGINE_VERSION",
    "Catalog",
    "CitationSpec",
    "Comparison",
    "ComparisonCell",
    "ComparisonRow",
    "Condition",
    "Document",
    "EvaluationResult",
    "PackError",
    "Pathway",
    "PathwayResult",
    "PathwaysError",
    "Profile",
    "ProfileError",
    "Question",
    "UnknownPathwayError",
    "Verdict",
    "apply_answer",
    "compare",
    "comparison_csv",
    "comparison_json",
    "country_name",
    "evaluate",
    "get_pathway",
    "judge",
    "list_pathways",
    "load_catalog",
    "next_question",
    "packs_version",
    "parse_profile",
    "question_for",
    "template_ids",
    "use_packs",
]


def get_pathway(pathway_id: str) -> Pathway:
    """The pathway with this id, in the packs in use (shipped, and :func:`use_packs`'s).

    Raises:
        UnknownPathwayError: no pack defines it.
    """
    return default_catalog().get(pathway_id)


def list_pathways(country: str | None = None) -> list[Pathway]:
    """The pathways in use, of one host country when given (alpha-3)."""
    return default_catalog().for_country(country)


def packs_version() -> str:
    """The version stamp of the packs in use (a digest of their files)."""
    return default_catalog().version
