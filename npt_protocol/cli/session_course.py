"""The patient's course for `npt session --patient ID`: read from the course record when there is
one, so the packet's summary page says where the patient stands.

SQLAlchemy is loaded only when a database is there to be read: without --patient, or when the
SQLite file does not exist, nothing of the course record is imported.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from npt_protocol.cli.course import location, number
from npt_protocol.course.inputs import PATIENT_CODE
from npt_protocol.course.locations import sqlite_file
from npt_protocol.errors import InputError, RecordError

if TYPE_CHECKING:
    from npt_protocol.planning.patient import Patient
    from npt_protocol.render.doctypes import PatientCourseDoc
    from npt_protocol.settings import Settings


def database_file(patient_id: str | None, db: str | None) -> Path | None:
    """Return the SQLite file a packet for the patient reads, so that no output replaces it."""
    if patient_id is None:
        return None
    from npt_protocol.cli.options import settings  # noqa: PLC0415

    return sqlite_file(location(db, settings()))


def patient_course(
    patient: Patient | None,
    *,
    db: str | None,
    course_number: str | None,
    config: Settings,
    today: dt.date,
) -> PatientCourseDoc | None:
    """Return the patient's course for the packet: their course's status, flags and last
    sessions, or a line saying the record holds none; None without --patient."""
    if patient is None:
        for option, value in (("--db", db), ("--course", course_number)):
            if value is not None:
                raise InputError(
                    f"{option} reads a patient's course record; add --patient ID to print the "
                    "patient's course on the packet."
                )
        return None
    from npt_protocol.render.patient_course import course_data  # noqa: PLC0415

    chosen = number(course_number, "--course")
    place = location(db, config)
    file = sqlite_file(place)
    # An identifier the record cannot hold, or no database file yet: no course, and no reason to
    # load the database library.
    if not PATIENT_CODE.match(patient.id) or (file is not None and not os.path.lexists(file)):
        return course_data(patient.id, None)
    from npt_protocol.cli.course import engine, rules  # noqa: PLC0415
    from npt_protocol.course.summary import course_summary  # noqa: PLC0415

    try:
        opened = engine(db, config)
    except RecordError:  # a database of ours that holds no courses yet
        return course_data(patient.id, None)
    summary = course_summary(opened, patient.id, rules=rules(config), today=today, course=chosen)
    return course_data(patient.id, summary)
