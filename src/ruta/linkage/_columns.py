"""Column mappings: a registry's own column names read as the fields Ruta compares.

A mapping is ``field=column`` pairs separated by commas (``record_id=expediente,
given_names=nombres``) or a YAML file of the same mapping. A field may take several columns
joined by ``+`` (or a YAML list), read as one value with spaces between the parts
(``address=street_number+address_1``). Columns already named as a field need no entry;
every other column is ignored unless kept (``--keep``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ruta.i18n import N_
from ruta.linkage._errors import RegistryError
from ruta.linkage._text import Text

__all__ = ["FIELDS", "NAME_FIELDS", "ColumnMapping", "parse_columns", "parse_keep"]

#: Every field a registry may give, with what it holds (docs/linkage.md has the table).
FIELDS: dict[str, str] = {
    "record_id": "unique id of the record (required)",
    "given_names": "given names as written",
    "surname_1": "first surname as written (both surnames in one field are split)",
    "surname_2": "second surname",
    "sex": "F, M, X or empty (also female/male, mujer/hombre, H/M)",
    "date_of_birth": "YYYY-MM-DD, YYYY-MM or YYYY, or the --date-format patterns",
    "nationality": "ISO 3166-1 alpha-3",
    "document_type": "CPF, DNI, CI, CC, PASSPORT ...",
    "document_number": "as written, separators allowed",
    "place_of_birth": "town or country of birth as written",
    "phone": "any phone number; digits are compared",
    "address": "street address as written",
    "locality": "town, city, suburb or municipality",
    "postcode": "postal code",
}
#: At least one of these is required: a record is compared on its name.
NAME_FIELDS: tuple[str, ...] = ("given_names", "surname_1", "surname_2")
# Carried through untouched in synthetic files (ground truth), never compared.
_PASSTHROUGH = ("person_id",)


def _header_error(message: str, source: str, header: Sequence[str], **values: str) -> RegistryError:
    """A file's header that the mapping cannot read: ``message`` names the file
    (``%(path)s``) and lists its columns (``%(columns)s``) so that the fix is in sight."""
    return RegistryError(
        Text(message, path=source, columns=", ".join(header), **values), field="columns"
    )


@dataclass(frozen=True)
class ColumnMapping:
    """Which source columns feed which field.

    Attributes:
        fields: Field -> the source columns whose values are joined into it.
    """

    fields: dict[str, tuple[str, ...]]

    def resolve(self, header: Sequence[str], source: str) -> dict[str, tuple[str, ...]]:
        """The mapping for a file with ``header``: explicit entries plus same-named columns.

        Raises:
            RegistryError: A mapped column is not in the file, or the file has no
                ``record_id`` or no name field.

        Examples:
            >>> m = parse_columns("record_id=id,given_names=nombre")
            >>> m.resolve(["id", "nombre", "surname_1", "extra"], "f.csv")
            {'record_id': ('id',), 'given_names': ('nombre',), 'surname_1': ('surname_1',)}
        """
        present = set(header)
        out = {f: cols for f, cols in self.fields.items()}
        for column in header:
            if column in FIELDS and column not in out:
                out[column] = (column,)
        missing = sorted({c for cols in self.fields.values() for c in cols} - present)
        if missing:
            raise _header_error(
                N_(
                    "%(path)s has no column %(missing)s named in --columns; its columns are "
                    "%(columns)s"
                ),
                source,
                header,
                missing=", ".join(missing),
            )
        if "record_id" not in out:
            raise _header_error(
                N_(
                    "%(path)s has no record_id column; name the id column with --columns "
                    "record_id=COLUMN (its columns are %(columns)s)"
                ),
                source,
                header,
            )
        if not any(f in out for f in NAME_FIELDS):
            raise _header_error(
                N_(
                    "%(path)s has no name column; map at least one of %(fields)s with "
                    "--columns, e.g. given_names=COLUMN (its columns are %(columns)s)"
                ),
                source,
                header,
                fields=", ".join(NAME_FIELDS),
            )
        return {f: out[f] for f in FIELDS if f in out}


def _columns_of(field: str, value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        parts = tuple(p.strip() for p in value.split("+"))
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        parts = tuple(str(v).strip() for v in value)
    else:
        parts = ()
    if not parts or not all(parts):
        raise RegistryError(
            Text(
                N_(
                    "%(where)s: field %(field)s maps to %(value)s; expected a column name, or "
                    "several joined by + (address=street+number)"
                ),
                where=where,
                field=field,
                value=repr(value),
            ),
            field="columns",
        )
    return parts


def parse_columns(spec: str | Path | Mapping[str, object] | None) -> ColumnMapping:
    """Parse ``field=column,...``, a YAML file of the same mapping, or a mapping.

    Raises:
        RegistryError: An unknown field, a field given twice, an unreadable file.

    Examples:
        >>> parse_columns("given_names=nombres, address=calle+numero").fields
        {'given_names': ('nombres',), 'address': ('calle', 'numero')}
        >>> parse_columns(None).fields
        {}
    """
    if spec is None or spec == "":
        return ColumnMapping({})
    where = "--columns"
    items: list[tuple[str, object]]
    if isinstance(spec, Mapping):
        items = [(str(k), v) for k, v in spec.items()]
    else:
        text = str(spec)
        path = Path(text)
        if "=" not in text or path.suffix.lower() in (".yaml", ".yml"):
            items, where = _read_yaml(path), str(path)
        else:
            items = []
            for pair in text.split(","):
                if not pair.strip():
                    continue
                field, sep, column = pair.partition("=")
                if not sep:
                    raise RegistryError(
                        Text(
                            N_(
                                "got %(value)s; expected field=column pairs separated by commas "
                                "(given_names=nombres,surname_1=apellido) or a YAML file"
                            ),
                            value=repr(pair.strip()),
                        ),
                        field="columns",
                    )
                items.append((field.strip(), column))
    fields: dict[str, tuple[str, ...]] = {}
    for field, value in items:
        if field not in FIELDS:
            raise RegistryError(
                Text(
                    N_("%(where)s: unknown field %(field)s; expected one of %(fields)s"),
                    where=where,
                    field=repr(field),
                    fields=", ".join(FIELDS),
                ),
                field="columns",
            )
        if field in fields:
            raise RegistryError(
                Text(N_("%(where)s: field %(field)s is mapped twice"), where=where, field=field),
                field="columns",
            )
        fields[field] = _columns_of(field, value, where)
    return ColumnMapping(fields)


def _read_yaml(path: Path) -> list[tuple[str, object]]:
    if not path.is_file():
        raise RegistryError(
            Text(
                N_(
                    "%(path)s is not a file; expected field=column pairs (given_names=nombres) "
                    "or a YAML file of the same mapping"
                ),
                path=str(path),
            ),
            field="columns",
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RegistryError(
            Text(N_("%(path)s is not readable YAML (%(detail)s)"), path=str(path), detail=str(exc)),
            field="columns",
        ) from exc
    if not isinstance(data, dict):
        raise RegistryError(
            Text(
                N_("%(path)s holds %(kind)s; expected a mapping of field: column"),
                path=str(path),
                kind=type(data).__name__,
            ),
            field="columns",
        )
    return [(str(k), v) for k, v in data.items()]


def parse_keep(spec: str | Sequence[str] | None) -> tuple[str, ...]:
    """The extra columns to carry through to the output (``--keep a,b``).

    Examples:
        >>> parse_keep("office, region")
        ('office', 'region')
    """
    if spec is None:
        return ()
    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


def passthrough_columns() -> tuple[str, ...]:
    """Columns read and carried untouched without being asked for (synthetic ground truth)."""
    return _PASSTHROUGH
