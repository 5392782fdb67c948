"""Workers' rights: what migrant workers are owed where they work and have worked.

Sub-packages:

- :mod:`ruta.labour.paygap`: how much less do migrants earn than nationals for comparable
  work, and how much of that is not explained by education, occupation or sector? (raw and
  ILO factor-weighted gaps, weighted Oaxaca-Blinder decompositions of survey microdata).
- :mod:`ruta.labour.pensions`: pension totalization under the MERCOSUR Multilateral
  Agreement on Social Security (1997) and the Ibero-American Multilateral Convention
  (CMISS, 2007): which agreement applies, periods added up across states, each state's
  pro-rata share, the independent national entitlement and the under-12-months rule.

Every error raised on bad input derives from :class:`LabourError` (a
:class:`ruta.errors.RutaError`), so the CLI and the pages report it without a traceback.
"""

from __future__ import annotations

from ruta.labour._errors import LabourError

__all__ = ["LabourError"]
