"""The store's refusals (``ruta db backup|restore``) are cli catalog texts: English as
before in ``message`` and ``str()``, said in the command's language (``--lang``, else
``RUTA_LANG``); every raise site under ruta.store passes a cli catalog message."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.catalog_scan import message, raise_sites, wrong_sites
from tests.conftest import CliRun

import ruta.store
from ruta.i18n import LANGUAGES, N_, Text, format_number, read_catalog
from ruta.store.backup import backup, restore
from ruta.store.errors import StoreError

STORE = Path(ruta.store.__file__).parent


def test_every_refusal_raised_in_the_store_is_a_cli_catalog_message() -> None:
    sites = raise_sites(sorted(STORE.rglob("*.py")), {"StoreError", "RutaError"}, label=STORE)
    assert len(sites) >= 10  # the scan sees the raise sites (not an empty walk)
    for lang in LANGUAGES:
        msgids = {m.id for m in read_catalog(lang, "cli") if m.id}
        wrong = wrong_sites(sites, msgids, "cli")
        assert not wrong, "\n".join(wrong)


def test_every_store_message_is_translated() -> None:
    sites = raise_sites(sorted(STORE.rglob("*.py")), {"StoreError"}, label=STORE)

    texts = {message(s.call, s.names) for s in sites}
    for lang in ("es", "pt", "fr", "ht"):
        translated = {m.id: m.string for m in read_catalog(lang, "cli") if m.id}
        assert all(translated.get(t) for t in texts), lang


def test_the_english_is_as_before_and_says_itself_in_spanish(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.backup"
    with pytest.raises(StoreError) as caught:
        restore(f"sqlite:///{tmp_path / 'r.db'}", missing)
    error = caught.value
    assert isinstance(error.message, Text)
    assert str(error) == f"file: no backup file at {missing}"
    assert error.say("es") == f"no hay ningún archivo de copia de seguridad en {missing}"
    with pytest.raises(StoreError) as caught:
        backup(f"sqlite:///{tmp_path / 'r.db'}", tmp_path)
    assert str(caught.value) == f"out: {tmp_path} is a folder; name the backup file"
    assert caught.value.say("pt") == f"{tmp_path} é uma pasta; indique o nome do arquivo de backup"


def test_a_restore_over_tables_names_the_count_in_each_language(tmp_path: Path) -> None:
    import sqlite3

    target = tmp_path / "full.db"
    with sqlite3.connect(target) as conn:
        conn.execute("CREATE TABLE t (x)")
    source = tmp_path / "a.backup"
    backup(f"sqlite:///{target}", source)
    with pytest.raises(StoreError) as caught:
        restore(f"sqlite:///{target}", source)
    assert caught.value.message == (
        "the configured database is not empty (1 tables); restoring would replace it. "
        "Restore into an empty database, or add --force to replace it"
    )
    assert caught.value.say("fr").startswith("la base de données configurée n'est pas vide (1 ")


@pytest.fixture
def db_cli(cli, monkeypatch, tmp_path: Path):
    """``ruta`` on a SQLite file that does not exist yet (no server needed); its stderr
    may start with the blank line of the (transient) progress bar."""
    from ruta.settings import get_settings

    monkeypatch.setenv("RUTA_DATABASE_URL", f"sqlite:///{tmp_path / 'ruta.db'}")
    monkeypatch.setenv("RUTA_DATA_DIR", str(tmp_path / "var"))

    def run(*args: str) -> CliRun:
        get_settings.cache_clear()
        return cli(*args)

    yield run
    get_settings.cache_clear()


def test_ruta_db_restore_of_a_missing_file_is_refused_in_spanish(
    db_cli, monkeypatch, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.backup"
    english = db_cli("db", "restore", str(missing))
    assert (
        english.returncode == 2
        and english.stderr.strip() == f"Error: file: no backup file at {missing}"
    )
    monkeypatch.setenv("RUTA_LANG", "es")
    spanish = db_cli("db", "restore", str(missing))
    expected = f"Error: file: no hay ningún archivo de copia de seguridad en {missing}"
    assert spanish.returncode == 2 and spanish.stderr.strip() == expected
    assert "Traceback" not in spanish.stderr
    monkeypatch.setenv("RUTA_LANG", "en")
    assert db_cli("db", "restore", str(missing), "--lang", "es").stderr.strip() == expected


def test_ruta_db_backup_into_a_folder_is_refused_in_the_users_language(
    db_cli, monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RUTA_LANG", "fr")
    done = db_cli("db", "backup", "--out", str(tmp_path))
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == f"Error: out: {tmp_path} est un dossier ; indiquez le nom du fichier de sauvegarde"
    )


def test_the_message_is_a_literal_of_the_catalog() -> None:
    error = StoreError(N_("no database at %(path)s"), path="x.db", field="database_url")
    assert (str(error), error.say("ht")) == (
        "database_url: no database at x.db",
        "pa gen okenn baz done nan x.db",
    )


def test_ruta_db_backup_and_restore_report_in_the_commands_language(
    db_cli, monkeypatch, tmp_path: Path
) -> None:
    import sqlite3

    source = tmp_path / "ruta.db"
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE t (x)")
    out = tmp_path / "a.backup"
    english = db_cli("db", "backup", "--out", str(out))
    size = out.stat().st_size
    assert english.returncode == 0
    assert english.stdout == (
        f"Backed up sqlite:///{source} (sqlite, 1 tables) to {out} ({size:,} bytes)\n"
    )
    spanish = db_cli("db", "backup", "--out", str(out), "--lang", "es")
    assert spanish.stdout == (
        f"Copia de seguridad de sqlite:///{source} (sqlite, 1 tablas) escrita en {out} "
        f"({format_number(size, 'es')} bytes)\n"
    )
    target = tmp_path / "restored" / "ruta.db"
    monkeypatch.setenv("RUTA_DATABASE_URL", f"sqlite:///{target}")
    monkeypatch.setenv("RUTA_LANG", "pt")
    restored = db_cli("db", "restore", str(out))
    assert restored.returncode == 0
    assert restored.stdout == f"{out} restaurado em sqlite:///{target} (1 tabelas)\n"


def test_ruta_db_backup_and_restore_say_the_system_s_reason_in_the_users_language(
    db_cli, monkeypatch, tmp_path: Path
) -> None:
    import errno

    import ruta.store.backup

    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder", encoding="utf-8")
    out = a_file / "x.backup"  # its folder is a file: the system refuses to make it
    said = {}
    for lang in ("en", "es", "fr"):
        done = db_cli("db", "backup", "--out", str(out), "--lang", lang)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        said[lang] = done.stderr.strip()
    assert said == {
        "en": f"Error: out: cannot write {out} (File exists); choose a file in a writable folder",
        "es": f"Error: out: no se puede escribir {out} (El archivo ya existe); elija un archivo "
        "en una carpeta con permiso de escritura",
        "fr": f"Error: out: impossible d'écrire {out} (Le fichier existe) ; choisissez un "
        "fichier dans un dossier accessible en écriture",
    }
    # A backup file the system will not open (as root, only a simulated refusal is one).
    source = tmp_path / "locked.backup"
    source.write_bytes(b"SQLite format 3\x00")

    class Locked(type(Path())):  # type: ignore[misc]  # PosixPath or WindowsPath
        def open(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
            raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(ruta.store.backup, "Path", Locked)
    english = db_cli("db", "restore", str(source), "--lang", "en")
    spanish = db_cli("db", "restore", str(source), "--lang", "es")
    assert english.stderr.strip() == f"Error: file: cannot read {source} (Permission denied)"
    assert spanish.stderr.strip() == f"Error: file: no se puede leer {source} (Acceso denegado)"
