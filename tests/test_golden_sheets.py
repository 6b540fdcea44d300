"""Golden files: the text and Markdown of two checklists and one session, byte for byte.

Regenerate after an intended change with NPT_UPDATE_GOLDEN=1, then read the diff before committing.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from courses import RULES, record, start

from npt_protocol.course.database import open_database
from npt_protocol.course.summary import course_summary
from npt_protocol.planning.checklist import build_checklist
from npt_protocol.planning.patient import Patient
from npt_protocol.render.documents import checklist_data, session_data
from npt_protocol.render.patient_course import course_data
from npt_protocol.render.registry import render
from tests.sessions import META, session, shipped

GOLDEN = Path(__file__).with_name("golden")


def _knee() -> dict[str, object]:
    return checklist_data(build_checklist(shipped()["knee"], side="left"))


def _shoulder() -> dict[str, object]:
    return checklist_data(build_checklist(shipped()["shoulder"], side="right", points=6))


def _knee_side_blank() -> dict[str, object]:
    return checklist_data(build_checklist(shipped()["knee"], side=None))


def _achilles_bilateral() -> dict[str, object]:
    return checklist_data(build_checklist(shipped()["ankle-achilles"], side="bilateral"))


def _carpal_tunnel() -> dict[str, object]:
    return checklist_data(build_checklist(shipped()["hydrodissection-carpal-tunnel"], side="right"))


def _bedside_knee() -> dict[str, object]:
    checklist = build_checklist(shipped()["knee"], side="left")
    return checklist_data(checklist, sheet="bedside", patient=Patient("PT-0042"))  # type: ignore[return-value]


def _bedside_achilles() -> dict[str, object]:
    checklist = build_checklist(shipped()["ankle-achilles"], side="bilateral")
    return checklist_data(  # type: ignore[return-value]
        checklist, sheet="bedside", patient=Patient("PT-0042"), batch="log 5eed0c1a record 3-1"
    )


def _session() -> dict[str, object]:
    return session_data(
        session([("knee", "left", 14), ("ankle-achilles", "right", None)], weight_kg=70)
    )


def _session_with_course() -> dict[str, object]:
    """A packet for PT-0042 with their knee course of three sessions, the last one flagged."""
    with tempfile.TemporaryDirectory() as folder:
        engine = open_database(str(Path(folder) / "course.sqlite3"), create=True)
        start(engine)
        for day, before, after, relief in ((1, 7, 3, None), (8, 6, 2, 3 * 24 * 60), (15, 6, 2, 60)):
            record(engine, day, before, after, relief_minutes=relief)
        summary = course_summary(engine, "PT-0042", rules=RULES, today=dt.date(2026, 1, 22))
        engine.dispose()
    return session_data(  # type: ignore[return-value]
        session([("knee", "left", None)]),
        patient=Patient("PT-0042"),
        course=course_data("PT-0042", summary),
    )


CASES: dict[str, tuple[Callable[[], dict[str, object]], str]] = {
    "checklist-knee-left": (_knee, "checklist"),
    "checklist-shoulder-right-6": (_shoulder, "checklist"),
    "checklist-knee-side-blank": (_knee_side_blank, "checklist"),
    "checklist-achilles-bilateral": (_achilles_bilateral, "checklist"),
    "checklist-carpal-tunnel-right": (_carpal_tunnel, "checklist"),
    "session-knee-achilles": (_session, "session"),
    "session-knee-course": (_session_with_course, "session"),
    "bedside-knee-left": (_bedside_knee, "checklist"),
    "bedside-achilles-bilateral": (_bedside_achilles, "checklist"),
}


@pytest.mark.parametrize("style", ["text", "md"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_sheet_matches_golden_file(name: str, style: str) -> None:
    build, kind = CASES[name]
    # Through the registry, as the commands print them (terminal text fitted to 100 columns).
    produced = render(kind, build(), style, meta=META)  # type: ignore[call-overload]
    path = GOLDEN / f"{name}.{'txt' if style == 'text' else 'md'}"
    if os.environ.get("NPT_UPDATE_GOLDEN"):
        path.write_text(produced, encoding="utf-8")
    assert path.exists(), f"{path} is missing; run with NPT_UPDATE_GOLDEN=1 once"
    assert produced == path.read_text(encoding="utf-8")
