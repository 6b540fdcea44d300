"""Errors the tool raises on purpose; each knows the exit code it stands for."""


class NptError(Exception):
    """A problem the user can fix: the message is one sentence, the exit code is 2."""

    exit_code = 2


class InputError(NptError, ValueError):
    """Text typed or written in a file that the tool cannot accept."""


class ImpossibleStrengthError(InputError):
    """A strength no solution can have: over 100 % w/v, or a solubility the catalogue states."""


class UnitError(InputError):
    """A quantity whose unit is unknown or of the wrong dimension."""


class ProductError(NptError, LookupError):
    """A product id or spec that the catalogue cannot resolve."""


class SolutionError(NptError, ValueError):
    """A preparation that cannot be made from the stocks given."""


class MeasurementError(NptError, ValueError):
    """A volume that the syringes or containers cannot measure."""


class ProtocolError(NptError, ValueError):
    """A protocol file that cannot be read or used."""


class OutputError(NptError, OSError):
    """An output file that cannot be written safely."""


class RecordError(NptError, LookupError):
    """A patient, course or session that the course record does not hold."""


class DatabaseError(NptError, OSError):
    """A course database that cannot be opened or used safely."""
