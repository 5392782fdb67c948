"""The code lists of a release, with each code's name in every supported language.

Country names come from CLDR (Babel), pathway names from the packs, office names from the
case store; every other name is a message of the ``stats`` catalog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cache

from ruta.i18n import LANGUAGES, N_, currency_name, translator
from ruta.pathways import UnknownPathwayError, country_name, get_pathway
from ruta.stats._params import Band, age_bands, expiring_days, waiting_bands

__all__ = [
    "CODE_LISTS",
    "CONCEPTS",
    "Names",
    "code_names",
    "concept_names",
    "stats_text",
]

Names = dict[str, str]  # language -> text

#: Dimension and attribute -> English name (the message id).
CONCEPTS: dict[str, str] = {
    "REF_AREA": N_("Reference area"),
    "INDICATOR": N_("Indicator"),
    "PATHWAY": N_("Pathway"),
    "CITIZENSHIP": N_("Citizenship"),
    "SEX": N_("Sex"),
    "AGE": N_("Age"),
    "OFFICE": N_("Office"),
    "STAGE": N_("Processing stage"),
    "WAITING_TIME": N_("Waiting time"),
    "TIME_PERIOD": N_("Time period"),
    "OBS_VALUE": N_("Observation value"),
    "OBS_STATUS": N_("Observation status"),
    "UNIT_MEASURE": N_("Unit of measure"),
}

#: Dimension or attribute -> the SDMX id of its code list.
CODE_LISTS: dict[str, str] = {
    "REF_AREA": "CL_AREA",
    "CITIZENSHIP": "CL_AREA",
    "INDICATOR": "CL_INDICATOR",
    "PATHWAY": "CL_PATHWAY",
    "SEX": "CL_SEX",
    "AGE": "CL_AGE",
    "OFFICE": "CL_OFFICE",
    "STAGE": "CL_STAGE",
    "WAITING_TIME": "CL_WAITING_TIME",
    "OBS_STATUS": "CL_OBS_STATUS",
    "UNIT_MEASURE": "CL_UNIT_MEASURE",
}

_FIXED: dict[str, str] = {
    "_T": N_("Total"),
    "_Z": N_("Not applicable"),
    "_U": N_("Unknown"),
    # INDICATOR
    "APPLICATIONS": N_("Applications submitted"),
    "DECISIONS": N_("Decisions taken"),
    "APPROVALS": N_("Approvals"),
    "DENIALS": N_("Denials"),
    "APPROVAL_RATE": N_("Approval rate (approvals per 100 decisions)"),
    "SLA_BREACHES": N_("Decisions later than the legal time limit"),
    "OVERRIDES": N_("Decisions against the engine's assessment (overrides)"),
    "BACKLOG": N_("Open cases (backlog) at the end of the period"),
    "BACKLOG_OVER_SLA": N_("Open cases older than the legal time limit"),
    "APPOINTMENTS": N_("Appointments held or missed"),
    "NO_SHOWS": N_("Appointments missed (no-shows)"),
    "NO_SHOW_RATE": N_("No-show rate (per 100 appointments)"),
    "PERMITS_IN_FORCE": N_("Permits in force at the end of the period"),
    "PERMITS_REVOKED": N_("Permits revoked"),
    "APPLICATIONS_TO_DATE": N_("Applications submitted up to the end of the period"),
    "ELIGIBLE_POPULATION": N_("People who would qualify (population simulation)"),
    "TAKE_UP_RATE": N_("Take-up (applications per 100 people who would qualify)"),
    "FEES_DUE": N_("Fees due at intake"),
    "PROC_TIME_MEDIAN": N_("Processing time, median (days)"),
    "PROC_TIME_P90": N_("Processing time, 90th percentile (days)"),
    # SEX
    "F": N_("Female"),
    "M": N_("Male"),
    "X": N_("Unspecified (X in the passport)"),
    # STAGE
    "SUBMITTED": N_("Waiting in the queue (submitted)"),
    "IN_REVIEW": N_("In review"),
    "INFORMATION_REQUESTED": N_("Waiting for the applicant (information requested)"),
    "DECISION_PROPOSED": N_("Decision proposed, waiting for the final decision"),
    "APPEALED": N_("Under appeal"),
    # OBS_STATUS
    "A": N_("Normal value"),
    "C": N_("Confidential: withheld by disclosure control"),
    # UNIT_MEASURE
    "NUMBER": N_("Number"),
    "PERCENT": N_("Percent"),
    "DAYS": N_("Days"),
}
_EXPIRING = N_("Permits in force expiring within %(days)s days")
_STAGE_TOTAL = N_("From submission to decision")
_YEARS_UNDER = N_("Under %(years)s years")
_YEARS_RANGE = N_("%(low)s to %(high)s years")
_YEARS_OVER = N_("%(years)s years or over")
_DAYS_RANGE = N_("%(low)s to %(high)s days")
_DAYS_OVER = N_("%(days)s days or more")


@cache
def stats_text(lang: str, message: str) -> str:
    """One message of the ``stats`` catalog in ``lang``."""
    return translator(lang, "stats").gettext(message)


def _each(render: Callable[[str], str]) -> Names:
    return {lang: render(lang) for lang in LANGUAGES}


def _band_names(bands: Iterable[Band], unit: str) -> dict[str, Names]:
    out: dict[str, Names] = {}
    for band in bands:
        if band.high is None:
            message, values = (
                (_YEARS_OVER, {"years": band.low})
                if unit == "years"
                else (_DAYS_OVER, {"days": band.low})
            )
        elif band.low == 0 and unit == "years":
            message, values = _YEARS_UNDER, {"years": band.high + 1}
        else:
            message = _YEARS_RANGE if unit == "years" else _DAYS_RANGE
            values = {"low": band.low, "high": band.high}
        out[band.code] = {lang: stats_text(lang, message) % values for lang in LANGUAGES}
    return out


def concept_names(concept: str) -> Names:
    """The name of a dimension or attribute in every language."""
    return _each(lambda lang: stats_text(lang, CONCEPTS[concept]))


def code_names(dimension: str, code: str, offices: Mapping[str, str]) -> Names:
    """The name of ``code`` of ``dimension`` in every language.

    Args:
        dimension: A dimension or attribute id (``PATHWAY``, ``UNIT_MEASURE`` ...).
        code: The code.
        offices: Office code -> its name (from the case store).

    Examples:
        >>> code_names("SEX", "F", {})["es"]
        'Mujer'
        >>> code_names("REF_AREA", "PER", {})["fr"]
        'Pérou'
    """
    if dimension == "INDICATOR" and code == "PERMITS_EXPIRING":
        days = expiring_days()[0]
        return _each(lambda lang: stats_text(lang, _EXPIRING) % {"days": days})
    if dimension == "STAGE" and code == "_T":
        return _each(lambda lang: stats_text(lang, _STAGE_TOTAL))
    if code in _FIXED and not (
        dimension in ("REF_AREA", "CITIZENSHIP") and len(code) == 3 and code.isalpha()
    ):
        return _each(lambda lang: stats_text(lang, _FIXED[code]))
    if dimension in ("REF_AREA", "CITIZENSHIP"):
        return _each(lambda lang: country_name(code, lang))
    if dimension == "AGE":
        return _band_names(age_bands(), "years").get(code, {lang: code for lang in LANGUAGES})
    if dimension == "WAITING_TIME":
        return _band_names(waiting_bands(), "days").get(code, {lang: code for lang in LANGUAGES})
    if dimension == "PATHWAY":
        return _pathway_names(code)
    if dimension == "OFFICE":
        return _each(lambda _lang: offices.get(code, code))
    if dimension == "UNIT_MEASURE":
        return _each(lambda lang: currency_name(code, lang))
    return {lang: code for lang in LANGUAGES}


def _pathway_names(code: str) -> Names:
    host, _, slug = code.partition("_")
    try:
        pathway = get_pathway(f"{host.lower()}.{slug.lower()}")
    except UnknownPathwayError:
        return {lang: code for lang in LANGUAGES}
    return _each(lambda lang: pathway.title(lang))
