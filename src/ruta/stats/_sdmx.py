"""Exports of a release: SDMX-CSV 2.0 with its structure (SDMX-ML 2.1), CSV, Parquet.

The structure message (code lists, concepts, the data structure definition and the
dataflow) is built with ``sdmx1`` (its SDMX-ML writer, checked against the SDMX XML
schemas by the tests through ``pysdmx``). The SDMX-CSV file is written with the csv
module: the format is one header row and one row per observation, and sdmx1's writer
would print counts as floats ("12.0") after building a Python object per observation.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ruta.i18n import LANGUAGES, N_
from ruta.stats._codes import CODE_LISTS, code_names, concept_names
from ruta.stats._design import DIMENSIONS
from ruta.stats._errors import ExportError
from ruta.stats._files import atomic_files
from ruta.stats._release import Release

if TYPE_CHECKING:
    from sdmx.message import StructureMessage
    from sdmx.model import common

# sdmx1 (with pandas) and pyarrow are imported by the functions that write with them:
# they take seconds to load, and the web service imports this package at start-up.

__all__ = [
    "AGENCY",
    "DATAFLOW",
    "FORMATS",
    "STRUCTURE_ID",
    "structure_path",
    "write_export",
]

AGENCY = "RUTA"
DATAFLOW = "DF_MIGRATION_CASEWORK"
DSD = "DSD_MIGRATION_CASEWORK"
VERSION = "1.0"
STRUCTURE_ID = f"{AGENCY}:{DATAFLOW}({VERSION})"
FORMATS = ("sdmx-csv", "csv", "parquet")
_ATTRIBUTES = ("OBS_STATUS", "UNIT_MEASURE")
COLUMNS = (*DIMENSIONS, "OBS_VALUE", *_ATTRIBUTES)


def structure_path(data: Path) -> Path:
    """Where the structure of an SDMX-CSV file goes: beside it, ``<stem>.dsd.xml``.

    Examples:
        >>> structure_path(Path("out/2026-Q3.csv")).as_posix()
        'out/2026-Q3.dsd.xml'
    """
    return data.with_name(f"{data.stem}.dsd.xml")


def _value(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _international(names: Mapping[str, str]) -> common.InternationalString:
    from sdmx.model import common

    return common.InternationalString({lang: names[lang] for lang in LANGUAGES})


def _structure(release: Release, offices: Mapping[str, str]) -> StructureMessage:
    from sdmx.message import Header, StructureMessage
    from sdmx.model import common
    from sdmx.model import v21 as model

    agency = common.Agency(id=AGENCY)
    used: dict[str, set[str]] = {}
    for obs in release.observations:
        for dimension, code in zip(DIMENSIONS, obs.key, strict=True):
            used.setdefault(CODE_LISTS.get(dimension, ""), set()).add(code)
        used.setdefault("CL_OBS_STATUS", set()).add(obs.status)
        used.setdefault("CL_UNIT_MEASURE", set()).add(obs.unit)
    used.setdefault("CL_OBS_STATUS", set()).update({"A", "C"})
    lists: dict[str, common.Codelist] = {}
    for concept, list_id in CODE_LISTS.items():
        if list_id in lists:
            continue
        codelist = common.Codelist(
            id=list_id,
            name=_international(concept_names(concept)),
            maintainer=agency,
            version=VERSION,
            is_final=True,
            is_external_reference=False,
        )
        for code in sorted(used.get(list_id, set())):
            codelist.append(
                common.Code(id=code, name=_international(code_names(concept, code, offices)))
            )
        lists[list_id] = codelist
    scheme = common.ConceptScheme(
        id="CS_MIGRATION_CASEWORK",
        name=_international(concept_names("INDICATOR")),
        maintainer=agency,
        version=VERSION,
        is_final=True,
        is_external_reference=False,
    )
    for concept in (*DIMENSIONS, "OBS_VALUE", *_ATTRIBUTES):
        scheme.append(common.Concept(id=concept, name=_international(concept_names(concept))))
    dsd = model.DataStructureDefinition(
        id=DSD,
        name=_international(concept_names("INDICATOR")),
        maintainer=agency,
        version=VERSION,
        is_final=True,
        is_external_reference=False,
    )
    dsd.dimensions.id, dsd.attributes.id, dsd.measures.id = (
        "DimensionDescriptor",
        "AttributeDescriptor",
        "MeasureDescriptor",
    )
    for dimension in DIMENSIONS[:-1]:
        dsd.dimensions.getdefault(
            dimension,
            concept_identity=scheme.get(dimension),
            local_representation=common.Representation(enumerated=lists[CODE_LISTS[dimension]]),
        )
    dsd.dimensions.append(
        common.TimeDimension(
            id="TIME_PERIOD",
            concept_identity=scheme["TIME_PERIOD"],
            local_representation=common.Representation(
                non_enumerated=[
                    common.Facet(value_type=common.FacetValueType.observationalTimePeriod)
                ]
            ),
        )
    )
    dsd.measures.getdefault("OBS_VALUE", concept_identity=scheme.get("OBS_VALUE"))
    for attribute in _ATTRIBUTES:
        dsd.attributes.getdefault(
            attribute,
            concept_identity=scheme.get(attribute),
            local_representation=common.Representation(enumerated=lists[CODE_LISTS[attribute]]),
            related_to=model.PrimaryMeasureRelationship(),
            usage_status=common.UsageStatus.mandatory,
        )
    flow = model.DataflowDefinition(
        id=DATAFLOW,
        structure=dsd,
        name=_international(concept_names("INDICATOR")),
        maintainer=agency,
        version=VERSION,
        is_final=True,
        is_external_reference=False,
    )
    message = StructureMessage(
        header=Header(
            id=f"RUTA_{release.period.code.replace('-', '_')}",
            prepared=datetime.now(UTC).replace(microsecond=0),
            sender=agency,
            test=False,
        )
    )
    for item in (*lists.values(), scheme, dsd, flow):
        message.add(item)
    return message


def _rows(release: Release) -> list[list[str]]:
    return [[*obs.key, _value(obs.value), obs.status, obs.unit] for obs in release.observations]


def write_export(
    release: Release, out: Path, fmt: str, offices: Mapping[str, str] | None = None
) -> list[Path]:
    """Write ``release`` to ``out`` (and, for SDMX-CSV, its structure beside it).

    Args:
        release: The protected release.
        out: The data file to write.
        fmt: ``sdmx-csv``, ``csv`` or ``parquet``.
        offices: Office code -> name, for the OFFICE code list.

    Returns:
        The files written.

    Raises:
        ExportError: an unknown format or a missing directory; nothing is written then.
    """
    if fmt not in FORMATS:
        raise ExportError(
            N_("%(value)s is not a format; use %(formats)s"),
            field="format",
            value=repr(fmt),
            formats=", ".join(FORMATS),
        )
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table(
            {
                **{d: [o.key[i] for o in release.observations] for i, d in enumerate(DIMENSIONS)},
                "OBS_VALUE": pa.array([o.value for o in release.observations], pa.float64()),
                "OBS_STATUS": [o.status for o in release.observations],
                "UNIT_MEASURE": [o.unit for o in release.observations],
            }
        )
        with atomic_files([out]) as (tmp,):
            pq.write_table(table, tmp)
        return [out]
    targets = [out, structure_path(out)] if fmt == "sdmx-csv" else [out]
    with atomic_files(targets) as temporaries:
        with temporaries[0].open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            if fmt == "sdmx-csv":
                writer.writerow(["STRUCTURE", "STRUCTURE_ID", "ACTION", *COLUMNS])
                writer.writerows(["dataflow", STRUCTURE_ID, "I", *row] for row in _rows(release))
            else:
                writer.writerow(COLUMNS)
                writer.writerows(_rows(release))
        if fmt == "sdmx-csv":
            import sdmx

            temporaries[1].write_bytes(
                sdmx.to_xml(_structure(release, offices or {}), pretty_print=True)
            )
    return targets
