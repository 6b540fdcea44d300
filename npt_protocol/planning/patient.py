"""The patient a session, checklist or label is for: a pseudonymous identifier, and a name and
date of birth only where the clinic's settings enable them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from npt_protocol.errors import InputError

MAX_ID_CHARS = 32
MAX_NAME_CHARS = 60
OPTIONAL_FIELDS = ("name", "date_of_birth")


@dataclass(frozen=True)
class Patient:
    """Who the preparation is for: an identifier that names no one, and what the clinic allows."""

    id: str
    name: str | None = None
    date_of_birth: dt.date | None = None


def patient_id(text: str) -> str:
    """Accept a pseudonymous identifier: short, printable, without spaces at either end."""
    example = "expected a short pseudonymous identifier such as PT-0042"
    if not text.strip():
        raise InputError(f"--patient is empty; {example}.")
    if text != text.strip():
        raise InputError(f"--patient {text!r} has spaces at an end; {example}.")
    if len(text) > MAX_ID_CHARS:
        raise InputError(
            f"--patient is {len(text):,} characters long; {example} (at most {MAX_ID_CHARS})."
        )
    hidden = next((ch for ch in text if not ch.isprintable()), None)
    if hidden is not None:
        raise InputError(
            f"--patient {text!r} has a character that does not print (U+{ord(hidden):04X}); "
            f"{example}."
        )
    return text


def make_patient(
    identifier: str | None,
    *,
    name: str | None = None,
    date_of_birth: str | None = None,
    enabled: Sequence[str] = (),
) -> Patient | None:
    """Build the patient from the options; a name or date of birth needs the identifier and the
    clinic setting that enables it."""
    for option, key, value in (
        ("--patient-name", "name", name),
        ("--patient-dob", "date_of_birth", date_of_birth),
    ):
        if value is not None and key not in enabled:
            raise InputError(
                f"{option} is not enabled: a patient is identified by a pseudonymous --patient "
                f'ID; a clinic enables it with patient_fields = ["{key}"] in its settings.'
            )
        if value is not None and identifier is None:
            raise InputError(f"{option} needs --patient ID as well.")
    if identifier is None:
        return None
    return Patient(
        id=patient_id(identifier),
        name=None if name is None else _name(name),
        date_of_birth=None if date_of_birth is None else _date(date_of_birth),
    )


def _name(text: str) -> str:
    """Accept a patient's name on one line, of reasonable length."""
    if not text.strip() or len(text) > MAX_NAME_CHARS or not text.isprintable():
        raise InputError(
            f"--patient-name {text[:80]!r} is not a name on one line of at most "
            f"{MAX_NAME_CHARS} characters; expected such as 'A. Patient'."
        )
    return text.strip()


def _date(text: str) -> dt.date:
    """Read a date of birth written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"--patient-dob {text[:40]!r} is not a date; expected YYYY-MM-DD, such as 1960-04-02."
        ) from None


def check_patient_fields(value: object, *, where: str) -> tuple[str, ...]:
    """Read the patient_fields setting: a list naming some of the optional fields."""
    if not isinstance(value, list) or not all(v in OPTIONAL_FIELDS for v in value):
        raise InputError(
            f"{where}: patient_fields = {value!r}; expected a list of some of "
            f"{', '.join(OPTIONAL_FIELDS)}."
        )
    return tuple(value)
