"""Fixtures of the pathways tests."""

from __future__ import annotations

import sys
from pathlib import Path

# The strategies module sits beside the tests (importlib import mode has no package path).
sys.path.insert(0, str(Path(__file__).parent))
