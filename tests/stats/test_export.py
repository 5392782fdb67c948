"""``ruta stats export``: SDMX-CSV 2.0 and its structure read back with pysdmx and sdmx1; CSV and
Parquet read back with DuckDB; bad input named, nothing half-written."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
import sdmx
from pysdmx.io import get_datasets, read_sdmx

from ruta.cli._demo import seed_demo
from ruta.stats import DIMENSIONS, STRUCTURE_ID


def _quarter() -> str:
    now = datetime.now(UTC)
    return f"{now.year}-Q{(now.month - 1) // 3 + 1}"


def _codelists(structure: Path) -> dict[str, set[str]]:
    """Dimension or attribute -> the codes its code list allows (read by pysdmx)."""
    message = read_sdmx(structure)
    (dsd,) = message.get_data_structure_definitions()
    allowed = {}
    for component in dsd.components:
        if component.enumeration is not None:
            allowed[component.id] = {code.id for code in component.enumeration}
    return allowed


def test_export_loads_back_in_pysdmx_with_every_dimension_and_value(database, ruta, tmp_path):
    with database.sessionmaker() as session:
        seed_demo(session, applicants=100, keys_dir=tmp_path / "keys")
    out = tmp_path / "release.csv"
    done = ruta(
        "stats",
        "export",
        "--period",
        _quarter(),
        "--format",
        "sdmx-csv",
        "--out",
        str(out),
        "--threshold",
        "5",
    )
    assert done.returncode == 0, done.stderr
    structure = tmp_path / "release.dsd.xml"
    assert f"Wrote {out}" in done.stdout and structure.exists()

    with out.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
    assert {"TIME_PERIOD", "OBS_VALUE", "OBS_STATUS"} <= set(header)
    assert all(r[:3] == ["dataflow", STRUCTURE_ID, "I"] for r in body)
    value, status = header.index("OBS_VALUE"), header.index("OBS_STATUS")
    withheld = [r for r in body if r[status] == "C"]
    assert withheld and all(r[value] == "" for r in withheld)
    assert all(r[value] != "" for r in body if r[status] != "C")

    # pysdmx validates the structure against the SDMX-ML schemas while reading it.
    allowed = _codelists(structure)
    (dataset,) = get_datasets(out, structure)
    frame = dataset.data.fillna("").astype(str)
    assert len(frame) == len(body)
    for dimension in DIMENSIONS:
        assert list(frame[dimension]) == [r[header.index(dimension)] for r in body]
        if dimension in allowed:
            assert set(frame[dimension]) <= allowed[dimension], dimension
    read_values = [v.removesuffix(".0") for v in frame["OBS_VALUE"]]
    assert read_values == [r[value] for r in body]
    assert set(frame["OBS_STATUS"]) <= allowed["OBS_STATUS"]

    # sdmx1 (the statistics' own SDMX library) reads both files as well: the dataflow from
    # the structure, then every observation's key, value and status, each code in its list.
    dataflow = sdmx.read_sdmx(structure).dataflow["DF_MIGRATION_CASEWORK"]
    (data_set,) = sdmx.read_sdmx(out, structure=dataflow).data
    observations = [
        [
            *(o.dimension.values[d].value for d in DIMENSIONS),
            o.value,
            o.attached_attribute["OBS_STATUS"].value,
        ]
        for o in data_set.obs
    ]
    assert observations == [
        [*(r[header.index(d)] for d in DIMENSIONS), r[value], r[status]] for r in body
    ]
    for dimension in dataflow.structure.dimensions:
        representation = dimension.local_representation
        if representation is not None and representation.enumerated is not None:
            codes = {code.id for code in representation.enumerated}
            assert {r[header.index(dimension.id)] for r in body} <= codes, dimension.id

    for fmt, name in (("csv", "plain.csv"), ("parquet", "release.parquet")):
        target = tmp_path / name
        done = ruta(
            "stats",
            "export",
            "--period",
            _quarter(),
            "--format",
            fmt,
            "--out",
            str(target),
            "--no-audit",
        )
        assert done.returncode == 0, done.stderr
        reader = "read_parquet" if fmt == "parquet" else "read_csv"
        count, confidential = duckdb.sql(
            f"SELECT count(*), count(*) FILTER (WHERE OBS_STATUS = 'C' AND OBS_VALUE IS NULL) "
            f"FROM {reader}('{target}')"
        ).fetchall()[0]
        assert (count, confidential) == (len(body), len(withheld))


def test_bad_input_is_named_and_nothing_is_written(ruta, tmp_path):
    out = tmp_path / "x.csv"
    cases = [
        (["--period", "2026-13"], "--period"),
        (["--period", "2026-Q3", "--format", "xlsx"], "--format"),
        (["--period", "2026-Q3", "--threshold", "4"], "threshold"),
        (["--period", "2026-Q3", "--rounding", "7"], "rounding"),
        (["--period", "2026-Q3", "--lang", "de"], "--lang"),
    ]
    for args, field in cases:
        done = ruta("stats", "export", *args, "--out", str(out))
        assert done.returncode == 2, (args, done.stderr)
        assert field in done.stderr and "Traceback" not in done.stderr
    done = ruta("stats", "export", "--period", "2026-Q3", "--out", str(tmp_path / "no" / "x.csv"))
    assert done.returncode == 2 and "--out" in done.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".x.csv.*"))  # no temporary left behind


def test_an_unreachable_or_malformed_store_is_named_not_a_traceback(cli, monkeypatch, tmp_path):
    from ruta.settings import get_settings

    out = tmp_path / "x.csv"
    stores = [
        # Port 1 on the loopback: nothing listens, the connection is refused at once.
        ("postgresql+psycopg://ruta@127.0.0.1:1/ruta", "cannot connect to the case store"),
        ("not a url", "is not a database URL"),
    ]
    for url, says in stores:
        monkeypatch.setenv("RUTA_DATABASE_URL", url)
        get_settings.cache_clear()
        for args in (["export", "--period", "2026-Q3", "--out", str(out)], ["forecast"]):
            done = cli("stats", *args)
            assert done.returncode == 2, (url, args, done.stderr)
            assert "Error: database_url:" in done.stderr and says in done.stderr, done.stderr
            assert "Traceback" not in done.stderr and url not in done.stderr
    get_settings.cache_clear()
    assert not out.exists()


def test_an_unreachable_store_is_said_in_the_command_language(cli, monkeypatch, tmp_path):
    from ruta.settings import get_settings

    monkeypatch.setenv("RUTA_DATABASE_URL", "postgresql+psycopg://ruta@127.0.0.1:1/ruta")
    get_settings.cache_clear()
    done = cli("stats", "forecast", "--lang", "es")
    get_settings.cache_clear()
    assert done.returncode == 2, done.stderr
    assert "Error: database_url: no se puede conectar" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_exported_files_get_the_mode_of_any_new_file_not_a_private_one(tmp_path):
    import os

    from ruta.stats._files import atomic_files

    targets = [tmp_path / "release.csv", tmp_path / "release.dsd.xml"]
    previous = os.umask(0o022)
    try:
        with atomic_files(targets) as temporaries:
            for temporary in temporaries:
                temporary.write_text("x")
    finally:
        os.umask(previous)
    assert [target.stat().st_mode & 0o777 for target in targets] == [0o644, 0o644]


def test_an_out_that_is_a_directory_is_named_and_nothing_is_written(ruta, tmp_path):
    done = ruta("stats", "export", "--period", "2026-Q3", "--out", str(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--out" in done.stderr and "is a directory" in done.stderr
    # The structure beside the data file is a directory: found before anything is renamed.
    (tmp_path / "release.dsd.xml").mkdir()
    done = ruta("stats", "export", "--period", "2026-Q3", "--out", str(tmp_path / "release.csv"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "release.dsd.xml is a directory" in done.stderr
    assert not (tmp_path / "release.csv").exists()
    assert not list(tmp_path.glob(".release.*"))


def test_a_directory_that_cannot_be_written_in_is_named(tmp_path, monkeypatch):
    from ruta.stats import ExportError, _files

    def refused(**_: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(_files.tempfile, "mkstemp", refused)
    with pytest.raises(ExportError) as raised, _files.atomic_files([tmp_path / "x.csv"]):
        pass
    assert raised.value.field == "out" and "Permission denied" in raised.value.message


def test_a_month_is_refused_where_only_quarters_are_published(cli, monkeypatch, tmp_path):
    """RUTA_STATS_CALENDAR=quarters: quarters are protected alone, so a month's release
    beside them would undo it; the export names the period and writes nothing."""
    from ruta.settings import get_settings

    out = tmp_path / "x.csv"
    monkeypatch.setenv("RUTA_STATS_CALENDAR", "quarters")
    get_settings.cache_clear()
    try:
        for lang, says in (
            ("en", "2026-07 is a month, and this office publishes quarters alone"),
            ("es", "2026-07 es un mes, y esta oficina publica solo trimestres"),
        ):
            done = cli("stats", "export", "--period", "2026-07", "--out", str(out), "--lang", lang)
            assert done.returncode == 2, done.stderr
            assert "Error: --period:" in done.stderr and says in done.stderr, done.stderr
    finally:
        get_settings.cache_clear()
    assert not out.exists()


def test_the_system_s_reason_a_release_cannot_be_written_is_said_in_lang(
    ruta, tmp_path, monkeypatch
):
    import errno
    from types import SimpleNamespace

    def full(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.ENOSPC, "No space left on device")

    # A full disk, for the export's temporary files only.
    monkeypatch.setattr("ruta.stats._files.tempfile", SimpleNamespace(mkstemp=full))
    out = tmp_path / "release.csv"
    said = {}
    for lang in ("en", "es", "fr"):
        done = ruta("stats", "export", "--period", "2026-Q3", "--out", str(out), "--lang", lang)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        said[lang] = done.stderr
    assert f"cannot write in {tmp_path} (No space left on device)" in said["en"]
    assert "(No queda espacio en el dispositivo)" in said["es"], said["es"]
    assert "(Aucun espace disponible sur le périphérique)" in said["fr"], said["fr"]
    assert not out.exists()
