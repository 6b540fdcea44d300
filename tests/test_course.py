"""The course record on SQLite and on PostgreSQL: worked courses with their status computed by
hand, amendments that keep every version, the status stored beside the rows equal to the status
recomputed from the events in any order, deletion, and the database's own rules (mode 0600,
write-ahead log, foreign keys, not ours, newer than the tool, upgraded from the first schema).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from courses import NOW, RULES, TODAY, both, record, start
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npt_protocol.course import endings, tables, views, writes
from npt_protocol.course.database import (
    KNOWN_REVISIONS,
    MIGRATIONS,
    SCHEMA_HEAD,
    database_url,
    migrate,
    open_database,
)
from npt_protocol.course.inputs import SitePoints
from npt_protocol.course.listing import list_courses
from npt_protocol.course.reads import UnknownPatientError
from npt_protocol.course.rules import with_settings
from npt_protocol.course.status import Score, course_status
from npt_protocol.errors import DatabaseError, InputError, RecordError


def status_of(location: str, patient: str = "PT-0042") -> object:
    """Return the status of the patient's course as `npt course show` computes it."""
    engine = open_database(location)
    try:
        return views.course_view(engine, patient=patient, rules=RULES).status
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------------------------
# Worked courses, the status computed by hand in the comments


@both
def test_a_responder_at_session_2(database: str) -> None:
    engine = open_database(database, create=True)
    start(engine)
    record(engine, 1, 7, 3)  # baseline 7
    status = views.course_view(engine, patient="PT-0042", rules=RULES).status
    assert (status.state, status.sessions, status.flags) == ("baseline only", 1, ())
    # 7 -> 5: a fall of 2 points (2/7 = 28.6 %): the 2-point arm of Farrar's rule is met.
    record(engine, 8, 5, 2)
    status = views.course_view(engine, patient="PT-0042", rules=RULES).status
    assert status.state == "responder"
    assert status.responder and status.first_response == 2
    assert status.change is not None and status.change.points == 2
    assert status.flags == ()
    assert "down 2 points (29 %)" in status.line()
    engine.dispose()


@both
def test_a_responder_by_percent_alone(database: str) -> None:
    engine = open_database(database, create=True)
    start(engine)
    record(engine, 1, 3)
    # 3 -> 2: 1 point, short of 2 points, but 1/3 = 33 % is at least 30 %: a responder.
    record(engine, 8, 2)
    status = views.course_view(engine, patient="PT-0042", rules=RULES).status
    assert status.state == "responder"
    engine.dispose()


@both
def test_a_non_responder_is_flagged_at_session_3_and_not_before(database: str) -> None:
    engine = open_database(database, create=True)
    start(engine)
    record(engine, 1, 7, 3)
    record(engine, 8, 6, 2)
    # 7 -> 6 after 2 sessions: 1 point, 14 %: not yet a responder, and too early to flag.
    status = views.course_view(engine, patient="PT-0042", rules=RULES).status
    assert (status.state, status.flags) == ("not yet a responder", ())
    record(engine, 15, 6, 2)
    # 7 -> 6 at session 3: still 1 point, 14 %; the knee protocol reassesses after 3 sessions.
    status = views.course_view(engine, patient="PT-0042", rules=RULES).status
    assert status.state == "not a responder"
    assert [flag.rule for flag in status.flags] == ["reconsider"]
    text = status.flags[0].text
    for figure in ("after 3 sessions", "pain before 6", "baseline 7", "down 1 point (14 %)"):
        assert figure in text
    assert "2 points or 30 %" in text and "Farrar 2001" in text
    assert "practice-based default" in status.flags[0].source
    listed = list_courses(engine, rules=RULES, today=TODAY, flagged=True)
    assert [(line.patient, line.course) for line in listed] == [("PT-0042", 1)]
    engine.dispose()


@both
def test_a_plateau_is_flagged_when_two_sessions_changed_nothing(database: str) -> None:
    engine = open_database(database, create=True)
    start(engine)
    for day, before in ((1, 8), (8, 5), (15, 5)):
        record(engine, day, before)
    # 8, 5, 5: only the last session changed nothing: no plateau yet; 8 -> 5 is a responder.
    status = views.course_view(engine, patient="PT-0042", rules=RULES).status
    assert (status.state, status.flags) == ("responder", ())
    record(engine, 22, 5)
    # 5, 5, 5 at sessions 2 to 4: the last two sessions changed nothing.
    status = views.course_view(engine, patient="PT-0042", rules=RULES).status
    assert status.state == "responder"
    assert [flag.rule for flag in status.flags] == ["plateau"]
    assert "pain before 5, 5 and 5 at sessions 2 to 4" in status.flags[0].text
    engine.dispose()


@both
def test_an_amended_session_changes_the_status_and_history_keeps_both(database: str) -> None:
    engine = open_database(database, create=True)
    start(engine)
    for day, before in ((1, 7), (8, 6), (15, 6)):
        record(engine, day, before)
    assert views.course_view(engine, patient="PT-0042", rules=RULES).status.flags
    # Session 3 was 4, typed as 6: 7 -> 4 is 3 points (43 %), a responder, and no flag.
    writes.amend_session(
        engine,
        patient="PT-0042",
        session=3,
        changes={"pain_before": 4},
        reason="typed 6 for 4",
        today=TODAY,
        now=NOW + dt.timedelta(minutes=5),
        by="second clinician",
        rules=RULES,
    )
    view = views.course_view(engine, patient="PT-0042", rules=RULES)
    assert (view.status.state, view.status.flags) == ("responder", ())
    assert [s.values.pain_before for s in view.sessions] == [7, 6, 4]
    assert list_courses(engine, rules=RULES, today=TODAY, flagged=True) == []
    entries = [e for e in views.history(engine, patient="PT-0042") if "session 3" in e.what]
    assert [e.what for e in entries] == ["session 3 version 1", "session 3 version 2"]
    assert "pain 6 before" in entries[0].text and "pain 4 before" in entries[1].text
    assert (entries[1].reason, entries[1].recorded_by) == ("typed 6 for 4", "second clinician")
    engine.dispose()


@both
def test_a_voided_session_leaves_the_status_but_stays_in_the_history(database: str) -> None:
    engine = open_database(database, create=True)
    start(engine)
    record(engine, 1, 7)
    record(engine, 8, 3)
    writes.amend_session(
        engine,
        patient="PT-0042",
        session=2,
        changes={},
        void=True,
        reason="another patient's scores",
        today=TODAY,
        now=NOW,
        by="tester",
        rules=RULES,
    )
    view = views.course_view(engine, patient="PT-0042", rules=RULES)
    assert view.status.state == "baseline only"
    whats = [e.what for e in views.history(engine, patient="PT-0042")]
    assert "session 2 version 2" in whats
    engine.dispose()


@both
def test_a_protocol_that_reassesses_later_and_a_clinic_setting_move_the_flag(database: str) -> None:
    engine = open_database(database, create=True)
    # The Achilles protocol reassesses after 4 sessions (its course section says so).
    start(engine, "PT-A", regions=(("ankle-achilles", "left"),))
    for day, before in ((1, 6), (8, 5), (15, 6)):  # 6, 5, 6: no response, no plateau
        record(engine, day, before, patient="PT-A")
    status = views.course_view(engine, patient="PT-A", rules=RULES).status
    assert (status.judged_after, status.flags) == (4, ())
    # A clinic that judges every course after 2 sessions says so in its settings.
    strict = with_settings(RULES, {"reconsider_after": 2})
    status = views.course_view(engine, patient="PT-A", rules=strict).status
    assert [f.rule for f in status.flags] == ["reconsider"]
    assert "clinic setting course_rules.reconsider_after" in status.flags[0].source
    # The list recomputes statuses stored under other rules before it answers.
    assert [
        line.patient for line in list_courses(engine, rules=strict, today=TODAY, flagged=True)
    ] == ["PT-A"]
    assert list_courses(engine, rules=RULES, today=TODAY, flagged=True) == []
    engine.dispose()


@both
def test_due_courses_are_listed_by_their_interval(database: str) -> None:
    engine = open_database(database, create=True)
    start(engine)
    start(engine, "PT-B")
    record(engine, 1, 5)
    record(engine, 20, 5, patient="PT-B")
    # Knee: weekly. PT-0042 last seen on the 1st is due on the 8th; PT-B on the 27th.
    due = list_courses(engine, rules=RULES, today=dt.date(2026, 1, 10), due=True)
    assert [(line.patient, line.next_due) for line in due] == [("PT-0042", dt.date(2026, 1, 8))]
    engine.dispose()


# ---------------------------------------------------------------------------------------------
# Refusals


@both
def test_refusals_write_nothing(database: str) -> None:
    engine = open_database(database, create=True)
    start(engine)
    record(engine, 1, 7, points=(SitePoints("knee", None, 10),))

    def versions() -> int:
        with engine.connect() as connection:
            return connection.execute(
                sa.select(sa.func.count()).select_from(tables.session_versions)
            ).scalar_one()

    cases = [
        (lambda: record(engine, 1, 5), "already treated knee:left on 2026-01-01"),
        (lambda: record(engine, 2, 5, relief_minutes=3 * 24 * 60), "longer than the 1 day"),
        (lambda: record(engine, 9, 5, points=(SitePoints("shoulder", None, 3),)), "not a region"),
        (lambda: record(engine, 9, 5, patient="PT-9"), "is not in the course record"),
    ]
    for attempt, message in cases:
        with pytest.raises((InputError, RecordError), match=message):
            attempt()
    with pytest.raises(InputError, match="is in the future"):
        writes.record_session(
            engine,
            patient="PT-0042",
            values=writes.SessionValues(date=dt.date(2026, 2, 1), pain_before=5),
            today=TODAY,
            now=NOW,
            by="tester",
            rules=RULES,
        )
    with pytest.raises(InputError, match="before course 1 began"):
        writes.record_session(
            engine,
            patient="PT-0042",
            values=writes.SessionValues(date=dt.date(2025, 12, 31), pain_before=5),
            today=TODAY,
            now=NOW,
            by="tester",
            rules=RULES,
        )
    assert versions() == 1
    engine.dispose()


@both
def test_a_patient_with_two_open_courses_needs_the_course_named(database: str) -> None:
    engine = open_database(database, create=True)
    start(engine)
    start(engine, regions=(("shoulder", "right"),))
    with pytest.raises(RecordError, match=r"2 open courses \(1, 2\); choose one with --course"):
        record(engine, 5, 5)
    with pytest.raises(InputError, match="already has open course 1 for knee:left"):
        start(engine)
    engine.dispose()


@both
def test_deleting_a_patient_removes_their_rows_and_logs_the_act(database: str) -> None:
    engine = open_database(database, create=True)
    start(engine)
    start(engine, "PT-KEEP")
    record(engine, 1, 7)
    record(engine, 8, 6)
    courses, sessions = endings.delete_patient(
        engine, patient="PT-0042", reason="asked for erasure", now=NOW, by="manager"
    )
    assert (courses, sessions) == (1, 2)
    with pytest.raises(UnknownPatientError):
        views.course_view(engine, patient="PT-0042", rules=RULES)
    assert views.deletion_log(engine) == [
        ("PT-0042", "2026-01-31T12:00:00Z", "manager", "asked for erasure", 1, 2)
    ]
    assert [line.patient for line in list_courses(engine, rules=RULES, today=TODAY)] == ["PT-KEEP"]
    with engine.connect() as connection:
        for table in (tables.session_versions, tables.course_regions, tables.course_status):
            left = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            assert left == (1 if table is not tables.session_versions else 0), table.name
    engine.dispose()


# ---------------------------------------------------------------------------------------------
# The stored status equals the status recomputed from the events, in any order of recording


SESSION = st.tuples(st.integers(0, 10), st.one_of(st.none(), st.integers(0, 10)))


@both
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sessions=st.lists(SESSION, min_size=0, max_size=7),
    order=st.randoms(use_true_random=False),
    amendments=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 10)), max_size=4),
)
def test_the_stored_status_is_the_status_of_the_events_in_any_order(
    database: str,
    sessions: list[tuple[int, int | None]],
    order: object,
    amendments: list[tuple[int, int]],
) -> None:
    engine = open_database(database, create=True)
    patient = f"PT-{os.urandom(6).hex()}"
    try:
        start(engine, patient)
        events = [(3 * index + 1, before, after) for index, (before, after) in enumerate(sessions)]
        shuffled = list(events)
        order.shuffle(shuffled)  # type: ignore[attr-defined]
        numbers = {}
        for day, before, after in shuffled:
            numbers[day] = record(engine, day, before, after, patient=patient).number  # type: ignore[attr-defined]
        truth = {day: (before, after) for day, before, after in events}
        written = len(events)
        for which, before in amendments:
            if which >= len(events):
                continue
            day = events[which][0]
            writes.amend_session(
                engine,
                patient=patient,
                session=numbers[day],
                changes={"pain_before": before},
                reason="corrected",
                today=TODAY,
                now=NOW,
                by="tester",
                rules=RULES,
            )
            truth[day] = (before, truth[day][1])
            written += 1
        expected = course_status(
            [Score(dt.date(2026, 1, day), b, a, "knee:left") for day, (b, a) in truth.items()],
            RULES,
            protocol_after=3,
            protocol_source="practice-default",
        )
        view = views.course_view(engine, patient=patient, rules=RULES)
        assert view.status == expected
        listed = next(
            line
            for line in list_courses(engine, rules=RULES, today=TODAY)
            if line.patient == patient
        )
        assert (listed.state, listed.line) == (expected.state, expected.line())
        assert listed.flags == tuple(flag.line() for flag in expected.flags)
        history = [
            e for e in views.history(engine, patient=patient) if e.what.startswith("session")
        ]
        assert len(history) == written  # amendments never lose a version
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------------------------
# The database itself


def test_a_new_sqlite_database_is_private_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "folder" / "course.sqlite3"
    old = os.umask(0)  # even with a permissive umask the file is created owner-only
    try:
        engine = open_database(str(path), create=True)
    finally:
        os.umask(old)
    start(engine)
    record(engine, 1, 5)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        for sidecar in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert stat.S_IMODE(sidecar.stat().st_mode) == 0o600, sidecar
    engine.dispose()


def test_reading_commands_never_create_a_database(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="There is no course database"):
        open_database(str(tmp_path / "none.sqlite3"))
    assert list(tmp_path.iterdir()) == []


def test_a_database_that_is_not_ours_is_refused_untouched(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE accounts (id INTEGER)")
    connection.close()
    before = other.read_bytes()
    with pytest.raises(DatabaseError, match="is not an npt course database"):
        open_database(str(other), create=True)
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all, but long enough to have a header " * 4)
    with pytest.raises(DatabaseError, match="cannot be opened as a course database"):
        open_database(str(text), create=True)
    assert other.read_bytes() == before


@both
def test_a_database_newer_than_the_tool_is_refused(database: str) -> None:
    engine = open_database(database, create=True)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    with pytest.raises(DatabaseError, match="has schema 9999, newer than this npt knows"):
        open_database(database)


@both
def test_a_database_made_by_the_first_schema_is_upgraded_with_its_records(database: str) -> None:
    url = database_url(database)
    if url.drivername == "sqlite":
        Path(str(url.database)).touch(mode=0o600)
    engine = sa.create_engine(url)
    migrate(engine, revision="0001")
    with engine.begin() as connection:
        # Rows as the first schema wrote them: no patient details, no stored status.
        connection.exec_driver_sql(
            "INSERT INTO patients (id, code, created_at, created_by) "
            "VALUES (1, 'PT-OLD', '2025-06-01T09:00:00Z', 'dr old')"
        )
        connection.execute(
            sa.text(
                "INSERT INTO courses (id, patient_id, number, start_date, solution, planned_min, "
                "planned_max, interval_days, reassess_after, stop_rule, stop_rule_source, "
                "measures, created_at, created_by) VALUES (1, 1, 1, :start, :solution, 3, 5, 7, "
                "3, 'rule', 'practice-default', '[\"nrs-pain\"]', '2025-06-01T09:00:00Z', "
                "'dr old')"
            ),
            {"start": dt.date(2026, 1, 1), "solution": "dextrose 5%"},
        )
        connection.exec_driver_sql(
            "INSERT INTO course_regions VALUES (1, 1, 'knee', '2.0.0', 'left')"
        )
        for number, day, before in ((1, 1, 7), (2, 8, 6), (3, 15, 6)):
            connection.execute(
                tables.session_versions.insert().values(
                    course_id=1,
                    number=number,
                    version=1,
                    session_date=dt.date(2026, 1, day),
                    pain_before=before,
                    sites='[{"protocol": "knee", "side": "left", "points": null}]',
                    solution="dextrose 5%",
                    adverse="[]",
                    voided=False,
                    recorded_at="2025-06-01T09:00:00Z",
                    recorded_by="dr old",
                )
            )
    engine.dispose()
    upgraded = open_database(database)
    with upgraded.connect() as connection:
        assert (
            connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            == SCHEMA_HEAD
        )
        assert connection.exec_driver_sql("SELECT display_name FROM patients").scalar() is None
    flagged = list_courses(upgraded, rules=RULES, today=TODAY, flagged=True)
    assert [(line.patient, line.sessions) for line in flagged] == [("PT-OLD", 3)]
    record(upgraded, 22, 4, patient="PT-OLD")
    assert views.course_view(upgraded, patient="PT-OLD", rules=RULES).status.state == "responder"
    upgraded.dispose()


@both
def test_the_migrations_build_exactly_the_tables_the_code_uses(database: str) -> None:
    engine = open_database(database, create=True)
    inspector = sa.inspect(engine)
    for table in tables.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == set(table.columns.keys()), table.name
    engine.dispose()


def test_the_schema_head_is_alembics_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    assert script.get_current_head() == SCHEMA_HEAD
    assert [r.revision for r in reversed(list(script.walk_revisions()))] == list(KNOWN_REVISIONS)


def test_urls_name_the_driver_and_never_show_a_password() -> None:
    url = database_url("postgresql://clinic:secret@db.example/npt")
    assert url.drivername == "postgresql+psycopg"
    assert database_url("postgres://db/npt").drivername == "postgresql+psycopg"
    assert database_url("~/course.db").drivername == "sqlite"
    with pytest.raises(DatabaseError, match=r"uses mysql") as caught:
        database_url("mysql://clinic:secret@db/npt")
    assert "secret" not in str(caught.value)
    with pytest.raises(DatabaseError, match="names no file"):
        database_url("sqlite://")


def test_values_are_frozen() -> None:
    status = course_status([Score(dt.date(2026, 1, 1), 5)], RULES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        status.sessions = 3  # type: ignore[misc]


@both
def test_writers_at_once_take_turns_and_lose_nothing(database: str) -> None:
    engine = open_database(database, create=True)
    start(engine)
    engine.dispose()
    errors: list[BaseException] = []

    def write(days: range) -> None:
        own = open_database(database)  # each writer with its own connections, as two tablets
        try:
            for day in days:
                record(own, day, 5)
        except BaseException as error:  # reported below, with the test's own assertion
            errors.append(error)
        finally:
            own.dispose()

    workers = [
        threading.Thread(target=write, args=(range(start_day, 29, 4),))
        for start_day in (1, 2, 3, 4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    engine = open_database(database)
    view = views.course_view(engine, patient="PT-0042", rules=RULES)
    assert sorted(s.number for s in view.sessions) == list(range(1, 29))
    assert [s.values.date.day for s in view.sessions] == list(range(1, 29))
    engine.dispose()


@both
def test_the_migrations_go_down_and_up_again(database: str) -> None:
    """Each migration's downgrade undoes its upgrade: down to the first schema, to nothing,
    and up to the head again, on both backends."""
    url = database_url(database)
    if url.drivername == "sqlite":
        Path(str(url.database)).touch(mode=0o600)
    engine = sa.create_engine(url)

    def tables_and_patient_columns() -> tuple[set[str], set[str]]:
        inspector = sa.inspect(engine)
        tables = set(inspector.get_table_names()) - {"alembic_version"}
        columns = {c["name"] for c in inspector.get_columns("patients")} if tables else set()
        return tables, columns

    def down(revision: str) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)

    migrate(engine)
    tables, columns = tables_and_patient_columns()
    assert "course_status" in tables and {"display_name", "birth_date"} <= columns
    down("0001")
    tables, columns = tables_and_patient_columns()
    assert "course_status" not in tables and "patients" in tables
    assert not {"display_name", "birth_date"} & columns
    down("base")
    assert tables_and_patient_columns() == (set(), set())
    migrate(engine)
    engine.dispose()
    opened = open_database(database)  # the tool's own check: ours, at the head
    opened.dispose()
