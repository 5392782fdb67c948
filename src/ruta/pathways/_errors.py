"""Exception tree of the pathways package.

Every refusal is a catalog text (:class:`ruta.i18n.Text`) of the ``pathways`` catalog: a
message with named placeholders and its values. Its ``message`` is the English sentence
(what Python callers, the logs and the API's clients read); :meth:`~ruta.errors.RutaError.say`
gives it in the reader's language (``ruta pathways ... --lang``, the eligibility API's
``Accept-Language``, the finder's pages).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Final

from ruta.errors import CatalogError, RutaError
from ruta.i18n import N_, Text, pydantic_message
from ruta.partial_dates import PartialDateError

__all__ = [
    "BadValue",
    "PackError",
    "PathwaysError",
    "ProfileError",
    "UnknownPathwayError",
    "problem_text",
    "pydantic_problem",
]


class PathwaysError(CatalogError):
    """Base of every error the pathways package raises on bad input.

    Args:
        message: The catalog message (``N_("unknown fact '%(fact)s'")``, a literal: a test
            checks every raise site under ``ruta.pathways``), or a :class:`ruta.i18n.Text`
            (another refusal's ``message``, kept sayable).
        field: The input field the refusal is about.
        values: The message's placeholders (paths, ids, codes; a :class:`Text` value, such
            as the problem inside a pack file's location, is said in the same language).

    Examples:
        >>> from ruta.i18n import N_
        >>> error = ProfileError(N_("%(path)s does not exist"), path="people.csv", field="POP")
        >>> str(error), error.say("es")
        ('POP: people.csv does not exist', 'people.csv no existe')
    """

    #: Said from the pathways catalog by every caller that says errors in a language.
    domain: ClassVar[str | None] = "pathways"


class PackError(PathwaysError):
    """A rule pack is malformed: the message names the file, the line and the problem."""


class ProfileError(PathwaysError):
    """A profile or population row is invalid: the message names the field and the form."""


class UnknownPathwayError(PathwaysError):
    """A pathway id that no loaded pack defines."""


class BadValue(ValueError):
    """A value a validator refuses (inside pydantic, which wants a ``ValueError``), its
    message a ``pathways`` catalog text: ``str()`` is the English sentence, :attr:`text`
    the sayable one that :class:`ProfileError` and :class:`PackError` carry on.

    Examples:
        >>> from ruta.i18n import N_
        >>> error = BadValue(N_("window closes before it opens"))
        >>> str(error), type(error.text).__name__
        ('window closes before it opens', 'Text')
    """

    def __init__(self, message: str, **values: str | int | float) -> None:
        self.text = message if isinstance(message, Text) and not values else Text(message, **values)
        super().__init__(self.text)


#: The validators' errors whose ``text`` is a sayable catalog text: the package's own and a
#: refused date of birth (:mod:`ruta.partial_dates`, whose texts the pathways catalog holds).
SAYABLE: Final = (BadValue, PartialDateError)


def pydantic_problem(error: Mapping[str, Any]) -> str:
    """The problem of one pydantic error as a sayable text: a :class:`BadValue`'s own, else
    pydantic's message (:func:`ruta.i18n.pydantic_message`, which says itself from the
    shared ``i18n`` catalog, as the web API says it).

    The English is always pydantic's own sentence.

    Examples:
        >>> problem = pydantic_problem({"type": "missing", "msg": "Field required"})
        >>> problem, problem.in_language("es")
        ('Field required', 'este campo es obligatorio; envíelo')
        >>> pydantic_problem({"type": "new_kind", "msg": "Something new"}).in_language("fr")
        'Something new'
        >>> cause = BadValue(N_("window closes before it opens"))
        >>> error = {"type": "value_error", "msg": f"Value error, {cause}", "ctx": {"error": cause}}
        >>> pydantic_problem(error).say(lambda m: m.replace("window", "ventana"), str)
        'Value error, ventana closes before it opens'
    """
    msg = str(error.get("msg", ""))
    ctx = error.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, SAYABLE):
        # Pydantic's English prefix stays (a pack author's messages read as before).
        if msg == f"Value error, {cause.text}":
            return Text(N_("Value error, %(problem)s"), problem=cause.text)
        return cause.text
    return pydantic_message(error)


def problem_text(exc: BaseException) -> str:
    """The sayable message of an exception a refusal carries on: the :class:`Text` of a
    :class:`BadValue` (or a refused partial date) or of a pathways refusal, else its English
    ``str()``."""
    if isinstance(exc, SAYABLE):
        return exc.text
    if isinstance(exc, RutaError):
        return exc.message
    return str(exc)
