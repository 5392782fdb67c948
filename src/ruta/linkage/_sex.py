"""The sex field as registries write it: codes and words of the region's languages.

``F``, ``M`` and ``X`` are the contract. Words are read too (female/male, mujer/hombre,
femenino/masculino, feminino, femme/homme, fanm/gason). Mexican and other Spanish-language
registries code sex as ``H`` (hombre) and ``M`` (mujer): a column that holds ``H`` and no
``F`` is read that way, and the reading is reported, because there ``M`` means a woman.
"""

from __future__ import annotations

import pandas as pd

from ruta.i18n import N_
from ruta.linkage._text import Text, put

__all__ = ["normalise_sex"]

_WORDS: dict[str, str] = {
    "": "",
    "F": "F",
    "M": "M",
    "X": "X",
    **dict.fromkeys(
        ("FEMALE", "WOMAN", "MUJER", "FEMENINO", "FEMININO", "FEMME", "FANM", "FEMININ"), "F"
    ),
    **dict.fromkeys(("MALE", "MAN", "HOMBRE", "MASCULINO", "HOMME", "GASON", "MASCULIN"), "M"),
    **dict.fromkeys(("NB", "NON-BINARY", "NO BINARIO", "NAO BINARIO", "NÃO BINÁRIO"), "X"),
}


def normalise_sex(values: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    """Read a sex column: ``(F/M/X or "", problem per row, note or "")``.

    Examples:
        >>> sex, bad, note = normalise_sex(pd.Series(["f", "Hombre", "", "?"]))
        >>> list(sex), list(bad)[3]
        (['F', 'M', '', '?'], 'value ? is not F, M, X or empty')
        >>> sex, bad, note = normalise_sex(pd.Series(["H", "M", "M"]))
        >>> list(sex), note.startswith("sex: read as H (hombre) = M and M (mujer) = F")
        (['M', 'F', 'F'], True)
    """
    upper = values.fillna("").astype(str).str.strip().str.upper()
    distinct = set(upper.unique())
    note = ""
    words = dict(_WORDS)
    if "H" in distinct and "F" not in distinct:
        words.update({"H": "M", "M": "F"})
        note = Text(N_("sex: read as H (hombre) = M and M (mujer) = F: the column has H and no F"))
    read = upper.map(words)
    unknown = read.isna()
    problem = pd.Series("", index=values.index, dtype=object)
    problem = put(
        problem,
        unknown,
        [
            Text(N_("value %(value)s is not F, M, X or empty"), value=v)
            for v in values[unknown].astype(str)
        ],
    )
    return read.fillna(upper).astype(object), problem, note
