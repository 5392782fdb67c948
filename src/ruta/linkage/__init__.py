"""Registry deduplication and privacy-preserving cross-border matching.

Public surface:

- Registries: :func:`read_registry`, :class:`Registry`, :class:`BadRow`.
- Deduplication (Splink, DuckDB or Spark): :func:`dedupe_registry`, :class:`DedupeResult`.
- Review decisions fed back: :func:`read_decisions`, :func:`apply_decisions`.
- Casework hooks: :func:`borderline_pairs` (review queue, :class:`ReviewPair`) and
  :class:`IntakeIndex` (likely duplicates of a new application, :class:`IntakeCandidate`).
- Privacy-preserving matching: :func:`read_secret`, :func:`encode_registry`,
  :class:`EncodingParams`, :func:`match_encoded`.
- Test data: :func:`synth_registry`, :func:`synth_split`, :class:`SynthConfig`.
- Evaluation: :func:`pairwise_scores`.
"""

from __future__ import annotations

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
from ruta.linkage._encode import EncodingParams, encode_registry, write_encoded
from ruta.linkage._errors import LinkageError, RegistryError, SecretError
from ruta.linkage._evaluate import PairwiseScores, cluster_pairs, pairwise_scores
from ruta.linkage._features import comparison_features
from ruta.linkage._intake import IntakeCandidate, IntakeIndex
from ruta.linkage._keys import read_secret
from ruta.linkage._match import DEFAULT_THRESHOLDS, match_encoded, read_encoded
from ruta.linkage._names import fold, given_name_tokens, surname_pair
from ruta.linkage._registry import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    BadRow,
    Registry,
    read_registry,
)
from ruta.linkage._review import ReviewPair, borderline_pairs, comparison_key, read_pairs
from ruta.linkage._synth import SynthConfig, synth_registry, synth_split

__all__ = [
    "DECISION_COLUMNS",
    "DEFAULT_THRESHOLDS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "BadRow",
    "Conflict",
    "Decisions",
    "DecisionsOutcome",
    "DedupeResult",
    "EncodingParams",
    "Engine",
    "IntakeCandidate",
    "IntakeIndex",
    "LinkageError",
    "PairwiseScores",
    "Registry",
    "RegistryError",
    "ReviewPair",
    "SecretError",
    "SynthConfig",
    "apply_decisions",
    "borderline_pairs",
    "cluster_pairs",
    "comparison_features",
    "comparison_key",
    "dedupe_registry",
    "encode_registry",
    "fold",
    "given_name_tokens",
    "match_encoded",
    "normalize_document",
    "pairwise_scores",
    "read_decisions",
    "read_encoded",
    "read_pairs",
    "read_registry",
    "read_secret",
    "surname_pair",
    "synth_registry",
    "synth_split",
    "write_encoded",
]
