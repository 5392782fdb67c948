"""Every RUTA_* variable read anywhere is a documented setting (issue 14 §2).

Configuration is read in one place, ``ruta.settings``, and each setting says what it is
for; a variable named in the code but unknown to the settings would be configuration
nobody can find. ``RUTA_TEST_*`` belong to the test suite, not to the service.
"""

from __future__ import annotations

import re
from pathlib import Path

from ruta.settings import Settings

SOURCE = Path(__file__).resolve().parents[1] / "src" / "ruta"
# Names the code mentions that are not variables: a prefix in a sentence.
_NOT_VARIABLES = {"RUTA_NOTIFY_"}


def _named_in_code() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for name in set(re.findall(r"\bRUTA_[A-Z0-9_]+", path.read_text(encoding="utf-8"))):
            found.setdefault(name, []).append(str(path.relative_to(SOURCE)))
    return found


def test_every_ruta_variable_is_a_documented_setting() -> None:
    fields = Settings.model_fields
    settings_vars = {f"RUTA_{name.upper()}" for name in fields}
    unknown = {
        name: files
        for name, files in _named_in_code().items()
        if name not in settings_vars and name not in _NOT_VARIABLES
    }
    assert unknown == {}, f"RUTA_* read outside the settings: {unknown}"
    undocumented = [name for name, field in fields.items() if not (field.description or "")]
    assert undocumented == []


def test_only_the_settings_read_the_environment() -> None:
    # Domain code gets its configuration passed in; the web and CLI read it from Settings.
    # (Writing one for the server's worker processes, as ``ruta serve`` does, is not reading.)
    read = re.compile(
        r"os\.environ\.get\(\s*\"RUTA_|getenv\(\s*\"RUTA_|os\.environ\[\"RUTA_\w+\"\](?!\s*=[^=])"
    )
    readers = [
        str(path.relative_to(SOURCE))
        for path in sorted(SOURCE.rglob("*.py"))
        if read.search(path.read_text(encoding="utf-8"))
    ]
    assert readers in ([], ["settings.py"]), readers
