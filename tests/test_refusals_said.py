"""No refusal that reaches a person is English text written in place: a scan of the source.

Ruta says every refusal in the reader's language, so a refusal is a catalog text
(``SomeError(N_("..."), ...)``, tests/catalog_scan.py). Three ways of writing one in
English slip past the packages' own scans, and each is refused here:

- a pydantic validator (``field_validator``, ``model_validator``, a function given to
  ``AfterValidator`` / ``BeforeValidator`` ...) that raises ``ValueError``, ``TypeError``
  or ``AssertionError`` itself, or asserts: the API's 422 would say its text in English
  whatever ``Accept-Language`` asks (raise the package's catalog refusal that is also a
  ``ValueError``, e.g. ``ruta.cases.errors.InvalidValueError``);
- ``typer.BadParameter`` in a command: its text is English in every ``--lang`` (raise
  ``ruta.cli._usage.option_refusal(SomeError(N_("..."), field="--option"))``);
- ``HTTPException`` with a ``detail`` of its own in the web layer (raise a catalog refusal,
  which ruta.web.problems says per ``Accept-Language``);
- the system's English reason a file cannot be read (``exc.strerror`` or ``str(exc)`` of an
  ``OSError``) as a refusal's value: pass ``ruta.i18n.os_reason(exc)``, said by its errno.
"""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "ruta"
_RAISED_IN_PLACE = {"ValueError", "TypeError", "AssertionError", "PydanticCustomError"}
_DECORATORS = {"field_validator", "model_validator", "validator", "root_validator"}
_WRAPPERS = {"AfterValidator", "BeforeValidator", "PlainValidator", "WrapValidator"}
#: Files whose validators are left English, and why.
_EXEMPT = {
    # Operator configuration: refused at start-up, in the operator's log, before there is a
    # reader whose language to speak.
    "settings.py",
    # Data files: the shipped agreements, and national parameters an analyst writes. Their
    # schema problems are carried inside the labour catalog's "%(path)s: %(reason)s"
    # (ruta.labour.pensions._agreements.read_model): pydantic's own messages said by type
    # (ruta.i18n.pydantic_message), these validators' cross-field checks still English.
    "labour/pensions/_schema.py",
}


def _name(node: ast.expr) -> str:
    """The name a call or a decorator calls: ``f`` of ``f(...)``, ``m.f`` and ``f``."""
    if isinstance(node, ast.Call):
        node = node.func
    return str(getattr(node, "id", getattr(node, "attr", "")))


def _module_files(module: str) -> list[Path]:
    """The source files of ``ruta.x.y``: the module, or every file of the package."""
    parts = module.split(".")[1:]
    path = SOURCE.joinpath(*parts)
    if path.with_suffix(".py").is_file():
        return [path.with_suffix(".py")]
    return sorted(path.rglob("*.py")) if path.is_dir() else []


def _where(path: Path) -> str:
    return path.relative_to(SOURCE).as_posix() if path.is_relative_to(SOURCE) else path.name


#: The OSError family, as an ``except`` clause names it.
_OS_ERRORS = {
    "OSError",
    "IOError",
    "EnvironmentError",
    "FileNotFoundError",
    "FileExistsError",
    "PermissionError",
    "IsADirectoryError",
    "NotADirectoryError",
}
#: Files whose OSErrors' English is not a refusal's value, and why.
_OS_EXEMPT = {
    # A network failure (SMTP, the SMS gateway), said to the operator who runs the outbox;
    # the reason is the library's, not a file's.
    "notify/_transports.py",
    # A registry the web layer cannot read: the operator's log and the health endpoint.
    "cases/registries.py",
    # RUTA_PARTNERS: operator configuration, refused at start-up (as settings.py).
    "web/ui/_help.py",
    # The verifier's result names the image it cannot read (a rejection code, not a refusal).
    "permits/_qr.py",
}


def _caught(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type
    names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds] if kinds else []
    return {_name(n) for n in names}


def os_english_in_refusals(paths: list[Path]) -> list[str]:
    """Each ``exc.strerror``, ``str(exc)`` or ``f"{exc}"`` of a caught ``OSError``."""
    wrong = []
    for path in paths:
        for handler in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(handler, ast.ExceptHandler)
                and handler.name
                and _caught(handler) & _OS_ERRORS
            ):
                continue
            for node in (n for statement in handler.body for n in ast.walk(statement)):
                if (
                    (isinstance(node, ast.Attribute) and node.attr == "strerror")
                    or (
                        isinstance(node, ast.Call)
                        and _name(node) in {"str", "repr"}
                        and any(isinstance(a, ast.Name) and a.id == handler.name for a in node.args)
                    )
                    or (
                        isinstance(node, ast.FormattedValue)
                        and isinstance(node.value, ast.Name)
                        and node.value.id == handler.name
                    )
                ):
                    wrong.append(f"{_where(path)}:{node.lineno}: the system's English reason")
    return wrong


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def validators(path: Path) -> list[tuple[Path, ast.FunctionDef]]:
    """The functions ``path`` makes pydantic validators, found in it or in the ruta module
    it imports them from."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _functions(tree)
    found = [
        (path, f) for f in here.values() if any(_name(d) in _DECORATORS for d in f.decorator_list)
    ]
    named: set[str] = set()
    for node in ast.walk(tree):
        # AfterValidator(f), and field_validator("x")(f)
        if (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Name)
            and (
                _name(node) in _WRAPPERS
                or (isinstance(node.func, ast.Call) and _name(node.func) in _DECORATORS)
            )
        ):
            named.add(node.args[0].id)
    imported = {
        alias.asname or alias.name: node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ruta")
        for alias in node.names
    }
    for name in sorted(named):
        if name in here:
            found.append((path, here[name]))
            continue
        for source in _module_files(imported.get(name, "")):
            function = _functions(ast.parse(source.read_text(encoding="utf-8"))).get(name)
            if function is not None:
                found.append((source, function))
                break
    return found


def english_in_validators(paths: list[Path]) -> list[str]:
    """Each ``raise ValueError(...)`` (or the like) and ``assert`` in a validator."""
    wrong = []
    for path in paths:
        for source, function in validators(path):
            where = f"{_where(source)}:{function.name}"
            for node in ast.walk(function):
                if isinstance(node, ast.Assert):
                    wrong.append(f"{where}:{node.lineno}: assert (pydantic says its English)")
                if (
                    isinstance(node, ast.Raise)
                    and node.exc is not None
                    and _name(node.exc) in _RAISED_IN_PLACE
                ):
                    wrong.append(f"{where}:{node.lineno}: raises {_name(node.exc)} in English")
    return wrong


def raised_in_place(paths: list[Path], classes: set[str]) -> list[str]:
    """Each ``raise`` of one of ``classes`` in ``paths``."""
    wrong = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None and _name(node.exc) in classes:
                wrong.append(f"{_where(path)}:{node.lineno}: {_name(node.exc)}")
    return wrong


def _sources(*under: str) -> list[Path]:
    return [
        path
        for folder in under
        for path in sorted((SOURCE / folder).rglob("*.py") if folder else SOURCE.rglob("*.py"))
        if path.relative_to(SOURCE).as_posix() not in _EXEMPT
    ]


def test_no_validator_raises_english_text() -> None:
    paths = _sources("")
    # The scan sees the validators (not an empty walk): casework's, eligibility's, packs'.
    seen = {f.name for path in paths for _, f in validators(path)}
    assert {"_no_nul", "_birth_date", "_language", "_date", "_supported"} <= seen, seen
    wrong = english_in_validators(paths)
    assert not wrong, "\n".join(wrong)


def test_no_command_raises_typer_s_bad_parameter_with_its_own_text() -> None:
    wrong = raised_in_place(_sources("cli"), {"BadParameter"})
    assert not wrong, "\n".join(wrong)


def test_the_web_layer_raises_no_http_exception_with_its_own_detail() -> None:
    wrong = raised_in_place(_sources("web"), {"HTTPException"})
    assert not wrong, "\n".join(wrong)


def test_no_refusal_quotes_the_system_s_english_reason() -> None:
    paths = [p for p in _sources("") if _where(p) not in _OS_EXEMPT]
    wrong = os_english_in_refusals(paths)
    assert not wrong, "\n".join(wrong)


def test_the_scan_catches_the_system_s_english_reason(tmp_path: Path) -> None:
    module = tmp_path / "reader.py"
    module.write_text(
        "def read(path):\n"
        "    try:\n        return open(path).read()\n"
        "    except (OSError, ValueError) as exc:\n"
        "        raise Refused(N_('cannot read (%(reason)s)'), reason=str(exc.strerror))\n"
        "    except FileNotFoundError as exc:\n"
        "        raise Refused(N_('%(reason)s'), reason=f'{exc}')\n"
        "    except PermissionError as exc:\n"
        "        raise Refused(N_('%(reason)s'), reason=os_reason(exc))\n",
        encoding="utf-8",
    )
    found = os_english_in_refusals([module])
    assert [line.removeprefix("reader.py:") for line in found] == [
        "5: the system's English reason",
        "7: the system's English reason",
    ], found


def test_the_scan_catches_an_english_validator(tmp_path: Path) -> None:
    model = tmp_path / "model.py"
    model.write_text(
        "from typing import Annotated\n"
        "from pydantic import AfterValidator, BaseModel, field_validator\n"
        "def _even(n):\n    if n % 2:\n        raise ValueError(f'{n} is odd')\n    return n\n"
        "class M(BaseModel):\n"
        "    n: Annotated[int, AfterValidator(_even)]\n"
        "    @field_validator('n')\n    @classmethod\n"
        "    def _small(cls, n):\n        assert n < 10, 'too big'\n        return n\n",
        encoding="utf-8",
    )
    found = english_in_validators([model])
    assert [line.removeprefix("model.py:") for line in found] == [
        "_small:12: assert (pydantic says its English)",
        "_even:5: raises ValueError in English",
    ], found
