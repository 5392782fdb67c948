"""``python -m ruta.i18n update|check [DOMAIN ...]``: what ``make i18n`` runs.

``update`` extracts each domain's messages from its package and brings its catalogs in
every language in line (new messages added, unused ones dropped); ``check`` lists every
message that is missing, untranslated, fuzzy or broken, and every YAML text (rule packs,
vocabularies) that misses a language or a placeholder, and exits 1 when there is one. It
also says which languages no native speaker has reviewed yet; that alone does not fail.
Exit code 2 is a usage error (an unknown command or domain).
"""

from __future__ import annotations

import sys

from ruta.i18n._languages import LANGUAGES, LOCALES_DIR
from ruta.i18n._status import unreviewed_summary
from ruta.i18n._texts import text_files, text_problems, yaml_document
from ruta.i18n._tooling import all_domains, check_catalog, update_catalogs

_USAGE = "usage: python -m ruta.i18n update|check [DOMAIN ...]"


def main(argv: list[str]) -> int:
    """Run one command; returns the exit code."""
    if not argv or argv[0] not in ("update", "check"):
        print(f"{_USAGE}\ncommand: expected update or check", file=sys.stderr)
        return 2
    known = all_domains()
    names = argv[1:] or known
    unknown = [name for name in names if name not in known]
    if unknown:
        print(
            f"DOMAIN: {', '.join(unknown)} has neither a catalog nor a message in the code; "
            f"expected one of {', '.join(known)}",
            file=sys.stderr,
        )
        return 2
    if argv[0] == "update":
        for path in update_catalogs(names):
            print(f"updated {path}")
        return 0
    problems: list[object] = [
        p for name in names for lang in LANGUAGES for p in check_catalog(lang, name)
    ]
    files = text_files() if not argv[1:] else []  # naming domains checks only those
    for path in files:
        source = path.relative_to(LOCALES_DIR.parent).as_posix()
        problems.extend(text_problems(yaml_document(path), source))
    for problem in problems:
        print(problem)
    print(
        f"{len(names)} domains x {len(LANGUAGES)} languages, {len(files)} text files: "
        f"{len(problems)} problems"
    )
    for lang, count in sorted(unreviewed_summary().items()):
        print(
            f"{lang} ({LANGUAGES.get(lang, '?')}): {count} translated messages and texts not "
            "yet reviewed by a native speaker (see /translations or docs/translating.md)"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
