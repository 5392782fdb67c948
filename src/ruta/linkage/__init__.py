"""Registry deduplication and privacy-preserving cross-border matching.

Public surface:

- Registries: :func:`read_registry`, :class:`Registry`, :class:`BadRow`; a registry's own
  column names (:func:`parse_columns`, :data:`FIELDS`) and date formats
  (:func:`parse_date_formats`).
- Deduplication (Splink, DuckDB or Spark): :func:`dedupe_registry`, :class:`DedupeResult`,
  the model fitted to the fields present (:class:`ModelPlan`), saved models
  (:func:`save_model`, :func:`load_model`), score distributions (:class:`ScoreHistogram`).
- Review decisions fed back: :func:`read_decisions`, :func:`apply_decisions`.
- Casework hooks: :func:`borderline_pairs` (review queue, :class:`ReviewPair`) and
  :class:`RegistryIndex` (likely duplicates of a new application, :class:`RegistryCandidate`).
- Privacy-preserving matching: :func:`read_secret`, :func:`encode_registry`,
  :class:`EncodingParams`, :func:`match_encoded`.
- Output files written whole or not at all: :func:`atomic_path`,
  :func:`write_csv_atomic`, :func:`write_parquet_atomic`; engine texts said in a language
  (:class:`Text`, :func:`say_in`).
- Test data: :func:`synth_registry`, :func:`synth_split`, :class:`SynthConfig`.
- Evaluation: :func:`pairwise_scores`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ruta.lazy_exports import lazy_exports
from ruta.linkage._atomic import (
    atomic_path,
    check_directory,
    write_csv_atomic,
    write_parquet_atomic,
)
from ruta.linkage._batch import link_batch
from ruta.linkage._columns import FIELDS, ColumnMapping, parse_columns, parse_keep
from ruta.linkage._dates import parse_date_formats
from ruta.linkage._decisions import (
    DECISION_COLUMNS,
    Conflict,
    Decisions,
    DecisionsOutcome,
    apply_decisions,
    read_decisions,
)
from ruta.linkage._dedupe import DedupeResult, Engine, dedupe_registry
from ruta.linkage._documents import normalize_document
from ruta.linkage._encode import (
    EncodedFields,
    EncodingParams,
    encode_registry,
    encoding_fields,
    with_columns,
    write_encoded,
)
from ruta.linkage._errors import LinkageError, RegistryError, SecretError
from ruta.linkage._evaluate import PairwiseScores, cluster_pairs, pairwise_scores
from ruta.linkage._features import comparison_features
from ruta.linkage._histogram import ScoreHistogram
from ruta.linkage._keys import read_secret
from ruta.linkage._match import (
    DEFAULT_FLOORS,
    DEFAULT_THRESHOLDS,
    ENCODED_COLUMNS,
    MatchResult,
    match_encoded,
    match_registries,
    read_encoded,
)
from ruta.linkage._model import ModelPlan
from ruta.linkage._names import fold, given_name_tokens, surname_pair
from ruta.linkage._registry import (
    CONTRACT_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    BadRow,
    Registry,
    read_registry,
)
from ruta.linkage._registry_search import RegistryCandidate, RegistryIndex
from ruta.linkage._review import ReviewPair, borderline_pairs, comparison_key, read_pairs
from ruta.linkage._saved import SavedModel, load_model, save_model
from ruta.linkage._text import Text, say_in

if TYPE_CHECKING:
    from ruta.linkage._report import write_dedupe_report, write_match_report
    from ruta.linkage._synth import SynthConfig, synth_registry, synth_split

# Loaded on first use (PEP 562): Faker (synthetic data) and the report's template engine cost
# a third of this package's import, which a 1,000-record dedupe should not pay.
_LAZY = {
    "SynthConfig": "ruta.linkage._synth",
    "synth_registry": "ruta.linkage._synth",
    "synth_split": "ruta.linkage._synth",
    "write_dedupe_report": "ruta.linkage._report",
    "write_match_report": "ruta.linkage._report",
}


__getattr__ = lazy_exports(__name__, _LAZY)


__all__ = [
    "CONTRACT_COLUMNS",
    "DECISION_COLUMNS",
    "DEFAULT_FLOORS",
    "DEFAULT_THRESHOLDS",
    "ENCODED_COLUMNS",
    "FIELDS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "BadRow",
    "ColumnMapping",
    "Conflict",
    "Decisions",
    "DecisionsOutcome",
    "DedupeResult",
    "EncodedFields",
    "EncodingParams",
    "Engine",
    "LinkageError",
    "MatchResult",
    "ModelPlan",
    "PairwiseScores",
    "Registry",
    "RegistryCandidate",
    "RegistryError",
    "RegistryIndex",
    "ReviewPair",
    "SavedModel",
    "ScoreHistogram",
    "SecretError",
    "SynthConfig",
    "Text",
    "apply_decisions",
    "atomic_path",
    "borderline_pairs",
    "check_directory",
    "cluster_pairs",
    "comparison_features",
    "comparison_key",
    "dedupe_registry",
    "encode_registry",
    "encoding_fields",
    "fold",
    "given_name_tokens",
    "link_batch",
    "load_model",
    "match_encoded",
    "match_registries",
    "normalize_document",
    "pairwise_scores",
    "parse_columns",
    "parse_date_formats",
    "parse_keep",
    "read_decisions",
    "read_encoded",
    "read_pairs",
    "read_registry",
    "read_secret",
    "save_model",
    "say_in",
    "surname_pair",
    "synth_registry",
    "synth_split",
    "with_columns",
    "write_csv_atomic",
    "write_dedupe_report",
    "write_encoded",
    "write_match_report",
    "write_parquet_atomic",
]
