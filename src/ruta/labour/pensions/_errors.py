"""Exception tree of the pension totalization package."""

from __future__ import annotations

from ruta.labour._errors import LabourError

__all__ = ["AgreementDataError", "ParametersError", "PensionsError", "PeriodsError"]


class PensionsError(LabourError):
    """Base of every error of :mod:`ruta.labour.pensions`."""


class PeriodsError(PensionsError):
    """Contribution periods that cannot be read: the message names each bad row and field.

    Attributes:
        problems: One ``(line, field, message)`` per problem found, in file order, so a
            caller can show every problem at once instead of one per attempt (each
            message a :class:`ruta.i18n.Text` of the ``labour`` catalog where Ruta wrote it).
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        problems: list[tuple[int, str, str]],
        **values: str | int | float,
    ) -> None:
        super().__init__(message, field=field, **values)
        self.problems = problems


class AgreementDataError(PensionsError):
    """An agreement or conventions file is malformed: the message names the file and key."""


class ParametersError(PensionsError):
    """A national-parameters file is malformed: the message names the file, state and key."""
