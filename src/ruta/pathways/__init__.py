"""Regular migration pathways as cited, dated, multilingual rules.

Rule packs (YAML in ``packs/``) describe each pathway; the per-person engine answers
"which pathway is open to this person on this date, why, and what is missing?", and the
population engine compiles the same packs to SQL for whole populations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ruta.lazy_exports import lazy_exports
from ruta.pathways._catalog import (
    PACKS_DIR,
    Catalog,
    default_catalog,
    load_catalog,
    shipped_catalog,
    use_packs,
)
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
from ruta.pathways._errors import (
    BadValue,
    PackError,
    PathwaysError,
    ProfileError,
    UnknownPathwayError,
    problem_text,
)
from ruta.pathways._facts import (
    COUNTRIES,
    Vocabulary,
    countries_in,
    country_in,
    country_name,
    nationality_adjective,
    vocabulary,
)
from ruta.pathways._finder import next_question
from ruta.pathways._model import Condition, Document, Pathway
from ruta.pathways._profile import Profile, apply_answer, parse_date, parse_profile
from ruta.pathways._questions import Question, question_for
from ruta.pathways._result import EvaluationResult, PathwayResult
from ruta.pathways._schema import CONFIDENCE_RANK, CitationSpec, confidence_label

if TYPE_CHECKING:
    from ruta.pathways._jsonschema import pack_json_schema
    from ruta.pathways._packtest import CaseOutcome, coverage, run_pack_tests
    from ruta.pathways._population import PopulationSummary, simulate
    from ruta.pathways._spark import simulate_spark

__all__ = [
    "CONFIDENCE_RANK",
    "COUNTRIES",
    "ENGINE_VERSION",
    "PACKS_DIR",
    "BadValue",
    "CaseOutcome",
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
    "PopulationSummary",
    "Profile",
    "ProfileError",
    "Question",
    "UnknownPathwayError",
    "Verdict",
    "Vocabulary",
    "apply_answer",
    "compare",
    "comparison_csv",
    "comparison_json",
    "confidence_label",
    "countries_in",
    "country_in",
    "country_name",
    "coverage",
    "default_catalog",
    "evaluate",
    "get_pathway",
    "judge",
    "list_pathways",
    "load_catalog",
    "nationality_adjective",
    "next_question",
    "pack_json_schema",
    "packs_version",
    "parse_date",
    "parse_profile",
    "problem_text",
    "question_for",
    "run_pack_tests",
    "shipped_catalog",
    "simulate",
    "simulate_spark",
    "template_ids",
    "use_packs",
    "vocabulary",
]


# Loaded on first use (PEP 562), as ruta.linkage does: the population engines bring DuckDB
# (and Spark), and the pack tests and the JSON Schema are for pack authors; a finder page or a
# single evaluation should not pay for them.
_LAZY = {
    "PopulationSummary": "ruta.pathways._population",
    "simulate": "ruta.pathways._population",
    "simulate_spark": "ruta.pathways._spark",
    "CaseOutcome": "ruta.pathways._packtest",
    "coverage": "ruta.pathways._packtest",
    "run_pack_tests": "ruta.pathways._packtest",
    "pack_json_schema": "ruta.pathways._jsonschema",
}


__getattr__ = lazy_exports(__name__, _LAZY)


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
