"""The system's reason a file cannot be read or written, said in the reader's language.

A refusal that quotes why the system refused a file (``cannot read %(path)s
(%(reason)s)``) passes :func:`os_reason` of the ``OSError`` as the value: English is the
system's own ``strerror``, byte for byte; another language says the reason from the
``i18n`` catalog, chosen by the error's ``errno`` (never by matching the system's
English, which differs between systems). A reason without a catalog text stays the
system's words in every language.

Examples:
    >>> import errno
    >>> reason = os_reason(FileNotFoundError(errno.ENOENT, "No such file or directory"))
    >>> reason, reason.in_language("es")
    ('No such file or directory', 'No existe el archivo o el directorio')
    >>> os_reason(OSError(errno.EPROTO, "Protocol error")).in_language("fr")
    'Protocol error'
"""

from __future__ import annotations

import errno
from typing import Final

from ruta.i18n._catalogs import N_, translator
from ruta.i18n._text import SelfSaid

__all__ = ["OS_REASONS", "OsReason", "os_reason"]

#: The reasons said in every language, by ``errno``: the English of glibc's ``strerror``,
#: which is also what most systems say.
OS_REASONS: Final[dict[int, str]] = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EPERM: N_("Operation not permitted"),
    errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.EEXIST: N_("File exists"),
    errno.ENOTEMPTY: N_("Directory not empty"),
    errno.ENOSPC: N_("No space left on device"),
    errno.EDQUOT: N_("Disk quota exceeded"),
    errno.EROFS: N_("Read-only file system"),
    errno.ENAMETOOLONG: N_("File name too long"),
    errno.ELOOP: N_("Too many levels of symbolic links"),
    errno.EMFILE: N_("Too many open files"),
    errno.EBUSY: N_("Device or resource busy"),
    errno.EIO: N_("Input/output error"),
}


class OsReason(SelfSaid):
    """The system's reason (its English ``strerror``) and the ``errno`` that says it."""

    code: int | None

    def __new__(cls, english: str, code: int | None) -> OsReason:
        reason = super().__new__(cls, english)
        reason.code = code
        return reason

    def __reduce__(self) -> tuple[object, ...]:
        # Copies and pickles keep the errno (str's own reduction would drop it).
        return (OsReason, (str(self), self.code))

    def in_language(self, lang: str) -> str:
        """The reason from the ``i18n`` catalog, or the system's words when it has none."""
        known = OS_REASONS.get(self.code) if self.code is not None else None
        if known is None or lang == "en":
            return str(self)
        return translator(lang, "i18n").gettext(known)


def os_reason(exc: OSError, *, whole: bool = False) -> OsReason:
    """Why the system refused a file, as a refusal's value: English as the system says it,
    any other language from the ``i18n`` catalog.

    Args:
        exc: The system's refusal.
        whole: English is the whole exception (``[Errno 2] No such file or directory:
            'x.csv'``, what a library such as pyarrow words itself) rather than its
            ``strerror``; a refusal that has always quoted it so keeps its English.

    Examples:
        >>> exc = FileNotFoundError(errno.ENOENT, "No such file or directory", "x.csv")
        >>> os_reason(exc, whole=True)
        "[Errno 2] No such file or directory: 'x.csv'"
        >>> os_reason(exc, whole=True).in_language("pt")
        'Arquivo ou diretório inexistente'
    """
    english = str(exc) if whole or exc.strerror is None else exc.strerror
    return OsReason(english, exc.errno)
