"""The Course pages of `npt serve` through Starlette's test client: the clinic's list with the
words and filters of `npt course list`, a patient's course as `npt course show` prints it, the
chart, the report, the history, the database's errors, safe addresses, and who a write from
the app is recorded as."""

from __future__ import annotations

import html
import re
import sqlite3
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from npt_protocol.cli import cli
from npt_protocol.course.database import open_database
from npt_protocol.course.model import SessionValues
from npt_protocol.course.writes import amend_session, record_session
from npt_protocol.errors import InputError
from npt_protocol.web.app import app_state
from npt_protocol.web.course_access import course_write, recorded_by
from tests.clinic_courses import NOW, RULES, TODAY, clock, make_clinic
from tests.courses import POSTGRES_ENV, fresh_postgres, postgres_url
from tests.served import npt_serve
from tests.webapp import Served, serve


@pytest.fixture(autouse=True)
def no_clinic_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read the machine's own settings file (the command line is run for comparison)."""
    (tmp_path / "empty.toml").write_text("")
    monkeypatch.setenv("NPT_CONFIG", str(tmp_path / "empty.toml"))


def text_of(page: str) -> str:
    """Return a page's text: tags removed, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def cli_output(*argv: str) -> list[str]:
    """Run `npt` and return its output lines (standard output, then standard error)."""
    result = CliRunner().invoke(cli, list(argv))
    assert result.exit_code == 0, result.output
    return [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]


def list_entries(page: str) -> list[str]:
    """Return the list's courses as the lines `npt course list` prints: the course, then its
    flags, each as one line."""
    lines: list[str] = []
    listed = re.search(r'<ul class="courses">(.*?)</ul>', page, re.DOTALL)
    if listed is None:
        return lines
    for item in re.findall(r"<li[^>]*>(.*?)</li>", listed.group(1), re.DOTALL):
        title = re.search(r'<a class="course-link"[^>]*>(.*?)</a>', item)
        text = re.search(r'<p class="course-text">(.*?)</p>', item, re.DOTALL)
        assert title is not None and text is not None, item
        lines.append(f"{html.unescape(title.group(1))}: {html.unescape(text.group(1))}")
        flags = re.findall(r'<p class="flag">(.*?)</p>', item, re.DOTALL)
        lines += ["  " + html.unescape(flag) for flag in flags]
    return lines


@pytest.fixture
def clinic(tmp_path: Path) -> str:
    return make_clinic(tmp_path / "clinic.sqlite3")


@pytest.fixture
def app(tmp_path: Path, clinic: str) -> Served:
    return serve(tmp_path, course_db=clinic, now=clock)


@pytest.fixture
def postgres_clinic() -> Iterator[str]:
    """The clinic's course record in a fresh PostgreSQL database (skipped without a server)."""
    server = postgres_url()
    if server is None:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against")
    for url in fresh_postgres(server):
        yield make_clinic(url)


# -- the list ----------------------------------------------------------------------------------


@pytest.mark.parametrize("flags", [(), ("--flagged",), ("--due",), ("--flagged", "--due")])
def test_the_list_shows_what_npt_course_list_prints(
    app: Served, clinic: str, flags: tuple[str, ...]
) -> None:
    query = "&".join(f"{flag[2:]}=1" for flag in flags)
    page = app.client.get("/course" + (f"?{query}" if query else ""))
    assert page.status_code == 200
    *printed, count = cli_output("course", "list", *flags, "--db", clinic, "--today", "2026-01-31")
    assert list_entries(page.text) == printed
    assert f'<p class="count">{count}</p>' in page.text


def test_the_list_of_all_flagged_and_due_courses_worked_by_hand(app: Served) -> None:
    def listed(query: str) -> list[str]:
        page = app.client.get("/course" + query).text
        return re.findall(r'class="course-link" href="([^"]+)"', page)

    # The module docstring of tests/clinic_courses.py works these out.
    assert listed("") == [
        "/course/PT-0001?course=1",
        "/course/PT-0002?course=1",
        "/course/PT-0003?course=1",
        "/course/PT-0003?course=2",
    ]
    assert listed("?flagged=1") == ["/course/PT-0002?course=1"]
    assert listed("?due=1") == [
        "/course/PT-0001?course=1",
        "/course/PT-0003?course=1",
        "/course/PT-0003?course=2",
    ]
    assert listed("?flagged=1&due=1") == []
    page = text_of(app.client.get("/course?flagged=1").text)
    assert "1 flagged course." in page
    assert (
        "FLAG reconsider: not a responder after 3 sessions: pain before 6 at session 3 against "
        "baseline 7, down 1 point (14 %)" in page
    )


def test_the_chosen_filter_is_marked(app: Served) -> None:
    page = app.client.get("/course?due=1").text
    assert re.search(r'href="/course\?due=1" aria-current="page">Due<', page)
    assert 'aria-current="page">Flagged<' not in page


# -- one patient -------------------------------------------------------------------------------


def session_cells(page: str) -> list[list[str]]:
    """Return the sessions table's body, cell by cell."""
    body = re.search(r'<table class="sessions">.*?<tbody>(.*?)</tbody>', page, re.DOTALL)
    assert body is not None, "no sessions table"
    return [
        [html.unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.DOTALL)
    ]


def test_a_patients_course_shows_the_numbers_worked_by_hand(app: Served) -> None:
    page = app.client.get("/course/PT-0001")
    assert page.status_code == 200
    # Baseline 7; 7 - 6 = 1 point = 1/7 = 14 %; 7 - 4 = 3 points = 3/7 = 43 %: a responder.
    assert session_cells(page.text) == [
        ["1", "2026-01-01", "7", "3", "-", "baseline", "knee left", "-"],
        ["2", "2026-01-08", "6", "2", "3 d", "down 1 point (14 %)", "knee left", "-"],
        ["3", "2026-01-15", "4", "1", "-", "down 3 points (43 %)", "knee left", "-"],
    ]
    text = text_of(page.text)
    assert (
        "Status: responder: 3 sessions, pain before 4 against baseline 7, down 3 points (43 %)"
        in text
    )
    assert "next session due 2026-01-22" in text
    assert "FLAG" not in text


def test_a_flag_is_shown_with_its_rule_and_numbers(app: Served) -> None:
    page = app.client.get("/course/PT-0002").text
    flags = [html.unescape(f) for f in re.findall(r'<p class="flag"[^>]*>(.*?)</p>', page)]
    assert len(flags) == 1
    assert flags[0].startswith(
        "FLAG reconsider: not a responder after 3 sessions: pain before 6 at session 3 against "
        "baseline 7, down 1 point (14 %), short of a fall of at least 2 points or 30 % from the "
        "baseline (Farrar 2001)"
    )
    assert [row[5] for row in session_cells(page)] == [
        "baseline",
        "down 1 point (14 %)",
        "down 1 point (14 %)",
    ]


@pytest.mark.parametrize("patient", ["PT-0001", "PT-0002"])
def test_the_page_has_every_line_npt_course_show_prints(
    app: Served, clinic: str, patient: str
) -> None:
    page = text_of(app.client.get(f"/course/{patient}").text)
    printed = [
        " ".join(line.split()) for line in cli_output("course", "show", patient, "--db", clinic)
    ]
    assert len(printed) >= 7
    for line in printed:  # the table's heading and rows too: cell by cell, in order
        assert line in page


def test_a_patient_with_two_open_courses_chooses_one(app: Served) -> None:
    page = app.client.get("/course/PT-0003")
    assert page.status_code == 200
    assert "Patient PT-0003 has 2 open courses (1, 2)" in text_of(page.text)
    assert 'href="/course/PT-0003?course=1"' in page.text
    assert 'href="/course/PT-0003?course=2"' in page.text
    second = app.client.get("/course/PT-0003?course=2")
    assert second.status_code == 200
    assert "PT-0003, course 2 (open), started 2026-01-21: shoulder right" in text_of(second.text)
    assert 'href="/course/PT-0003?course=1">Course 1<' in second.text


def test_a_course_the_patient_has_not_is_404(app: Served) -> None:
    page = app.client.get("/course/PT-0001?course=7")
    assert page.status_code == 404
    assert "Patient PT-0001 has no course 7; their courses are 1." in text_of(page.text)


@pytest.mark.parametrize("number", ["x", "0", "-1", "1.5"])
def test_a_course_number_that_is_not_one_is_400(app: Served, number: str) -> None:
    page = app.client.get(f"/course/PT-0001?course={number}")
    assert page.status_code == 400
    assert "--course" in text_of(page.text)


def test_an_unknown_patient_is_404_in_one_sentence(app: Served) -> None:
    for path in ["/course/PT-9999", "/course/PT-9999/history", "/course/PT-9999/chart.svg"]:
        page = app.client.get(path)
        assert page.status_code == 404, path
        (sentence,) = re.findall(r'<p class="problem" role="alert">(.*?)</p>', page.text)
        assert html.unescape(sentence).startswith("Patient PT-9999 is not in the course record;")


# -- chart, report, history --------------------------------------------------------------------


def test_the_chart_is_an_svg_of_its_own_with_the_security_headers(app: Served) -> None:
    page = app.client.get("/course/PT-0001").text
    (src,) = re.findall(r'<img src="([^"]+)"', page)
    assert src == "/course/PT-0001/chart.svg?course=1"
    chart = app.client.get(src)
    assert chart.status_code == 200
    assert chart.headers["content-type"] == "image/svg+xml"
    assert chart.text.lstrip().startswith("<?xml") and "<svg" in chart.text
    assert "<script" not in chart.text
    assert "default-src 'none'" in chart.headers["content-security-policy"]
    assert chart.headers["x-content-type-options"] == "nosniff"
    assert chart.headers["cache-control"] == "no-store"


def test_the_chart_is_the_one_npt_course_report_draws(
    app: Served, clinic: str, tmp_path: Path
) -> None:
    out = tmp_path / "chart.svg"
    CliRunner().invoke(cli, ["course", "report", "PT-0002", "--db", clinic, "-o", str(out)])
    assert app.client.get("/course/PT-0002/chart.svg").text == out.read_text()


def test_the_report_is_a_pdf_download(app: Served) -> None:
    page = app.client.get("/course/PT-0001").text
    assert 'href="/course/PT-0001/report.pdf?course=1"' in page
    report = app.client.get("/course/PT-0001/report.pdf?course=1")
    assert report.status_code == 200
    assert report.headers["content-type"] == "application/pdf"
    assert report.headers["content-disposition"] == 'attachment; filename="PT-0001-course-1.pdf"'
    assert report.content.startswith(b"%PDF-")
    assert report.content.rstrip().endswith(b"%%EOF")


def test_the_history_shows_who_recorded_each_version(app: Served, clinic: str) -> None:
    page = app.client.get("/course/PT-0002/history")
    assert page.status_code == 200
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>", page.text)
    assert [(by, what) for _, by, _, what in rows] == [
        ("B. Kaur", "course started"),
        ("B. Kaur", "session 1 version 1"),
        ("B. Kaur", "session 2 version 1"),
        ("B. Kaur", "session 3 version 1"),
    ]
    text = text_of(page.text)
    printed = cli_output("course", "history", "PT-0002", "--db", clinic)
    assert len(printed) == len(rows)
    for line, row in zip(printed, rows, strict=True):
        found = re.fullmatch(r"(\S+) (.+?): course (\d+) (.+?): (.*)", line)
        assert found is not None, line
        assert found.groups()[:4] == tuple(html.unescape(cell) for cell in row)
        assert found.group(5) in text


# -- the database ------------------------------------------------------------------------------


def test_a_missing_database_is_no_courses_yet_and_is_not_made(tmp_path: Path) -> None:
    missing = tmp_path / "none" / "course.sqlite3"
    app = serve(tmp_path, course_db=str(missing), now=clock)
    page = app.client.get("/course")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "No courses yet" in text
    assert f"There is no course database at {missing} yet; start a course with" in text
    assert "npt course start PT-0042 --protocol knee --side left" in text
    assert "Traceback" not in page.text
    patient = app.client.get("/course/PT-0001")
    assert patient.status_code == 404
    assert not missing.exists()
    assert not missing.parent.exists()


def test_a_database_with_no_courses_is_no_courses_yet(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    page = serve(tmp_path, course_db=str(empty)).client.get("/course")
    assert page.status_code == 200
    assert "holds no courses yet; start one with `npt course start`." in text_of(page.text)


def test_a_server_without_a_course_database_says_so(tmp_path: Path) -> None:
    page = serve(tmp_path).client.get("/course")
    assert page.status_code == 200
    assert "This server keeps no course record; start it with `npt serve --db FILE`" in text_of(
        page.text
    )


def test_a_database_that_is_not_ours_is_one_sentence(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER)")
    app = serve(tmp_path, course_db=str(other))
    for path in ["/course", "/course/PT-0001"]:
        page = app.client.get(path)
        assert page.status_code == 500
        (sentence,) = re.findall(r'<p class="problem" role="alert">(.*?)</p>', page.text)
        assert html.unescape(sentence) == (
            f"Database {other} is not an npt course database (it has other tables); name "
            "another with --db."
        )
    with sqlite3.connect(other) as connection:
        assert connection.execute("SELECT name FROM sqlite_master").fetchall() == [("invoices",)]


def test_a_database_newer_than_the_tool_is_one_sentence(tmp_path: Path, clinic: str) -> None:
    with sqlite3.connect(clinic) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    page = serve(tmp_path, course_db=clinic).client.get("/course")
    assert page.status_code == 500
    assert "has schema 9999, newer than this npt knows" in text_of(page.text)


# -- addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/course/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/course/%3Cscript%3Ealert(1)%3C%2Fscript%3E/history",
        "/course/PT%3Cb%3E1/chart.svg",
        "/course/..%2F..%2Fpyproject.toml",
        "/course/..%2fclinic.sqlite3",
        "/course/%2e%2e/history",
        "/course/PT-0001%00",
        "/course/.hidden/report.pdf",
    ],
)
def test_a_patient_part_that_is_not_an_identifier_is_404_and_shown_as_text(
    app: Served, path: str
) -> None:
    page = app.client.get(path)
    assert page.status_code == 404
    assert "<script>alert" not in page.text
    assert "<b>" not in page.text
    assert "[project]" not in page.text
    assert "SQLite format" not in page.text
    assert page.headers["content-type"].startswith("text/html")


def test_a_script_as_patient_comes_back_escaped(app: Served) -> None:
    page = app.client.get("/course/%3Cscript%3Ealert(1)%3C%5Cscript%3E")
    assert page.status_code == 404
    assert "is not a patient identifier" in text_of(page.text)
    assert "&lt;script&gt;alert(1)" in page.text
    assert "<script>alert" not in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/course",
        "/course?flagged=1",
        "/course/PT-0001",
        "/course/PT-0001/chart.svg",
        "/course/PT-0001/report.pdf",
        "/course/PT-0001/history",
    ],
)
def test_on_a_network_address_the_course_pages_need_a_sign_in(
    tmp_path: Path, clinic: str, path: str
) -> None:
    app = serve(
        tmp_path,
        host="0.0.0.0",
        users=["A. Lee"],
        base_url="http://clinic.lan:8000",
        course_db=clinic,
    )
    page = app.client.get(path)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=")
    assert "PT-0001" not in page.text
    app.sign_in("A. Lee")
    assert app.client.get(path).status_code == 200


def test_the_course_pages_have_no_inline_script_or_style(app: Served) -> None:
    for path in [
        "/course",
        "/course?due=1",
        "/course/PT-0001",
        "/course/PT-0002",
        "/course/PT-0003",
        "/course/PT-0001/history",
        "/course/PT-9999",
    ]:
        page = app.client.get(path)
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page.text) == [], path
        assert "<style" not in page.text, path
        assert " style=" not in page.text, path
        assert re.search(r"\son\w+=", page.text) is None, path
        assert "<svg" not in page.text, path  # the chart is an image of its own
        csp = page.headers["content-security-policy"]
        assert "'unsafe-inline'" not in csp and "img-src 'self'" in csp


# -- who a write is recorded as ----------------------------------------------------------------


def test_a_write_from_the_app_is_recorded_as_the_signed_in_user(
    tmp_path: Path, clinic: str
) -> None:
    app = serve(
        tmp_path,
        host="0.0.0.0",
        users=["C. Osei"],
        base_url="http://clinic.lan:8000",
        course_db=clinic,
        now=clock,
        operator="clinicpc",
    )
    state = app_state(app.client.app)
    # A typed name never replaces the person signed in, as for the preparation log.
    access = course_write(state, "C. Osei", "someone else")
    assert access.recorded_by == "C. Osei"
    assert access.now == NOW
    record_session(
        access.engine,
        patient="PT-0003",
        values=SessionValues(date=access.today, pain_before=5, pain_after=2),
        course=2,
        today=access.today,
        now=access.now,
        by=access.recorded_by,
        rules=access.rules,
    )
    app.sign_in("C. Osei")
    page = app.client.get("/course/PT-0003/history").text
    assert "<td>C. Osei</td><td>2</td><td>session 1 version 1</td>" in page
    printed = cli_output("course", "history", "PT-0003", "--db", clinic)
    assert printed[-1] == (
        "2026-01-31T12:00:00Z C. Osei: course 2 session 1 version 1: 2026-01-31, pain 5 before, "
        "2 after, shoulder right"
    )
    shown = text_of(app.client.get("/course/PT-0003?course=2").text)
    # One session: the baseline, so no change yet.
    assert "Status: baseline only: 1 session, pain before 5 against baseline 5, no change" in shown


def test_on_loopback_without_users_the_typed_name_then_the_account_is_recorded(
    tmp_path: Path, clinic: str
) -> None:
    app = serve(tmp_path, course_db=clinic, operator="clinicpc")
    config = app_state(app.client.app).config
    assert recorded_by(config, None, "  A. Lee ") == "A. Lee"
    assert recorded_by(config, None, "") == "clinicpc"
    nobody = serve(tmp_path / "other", course_db=clinic)
    with pytest.raises(InputError, match="Who records this is not known; give your name in"):
        recorded_by(app_state(nobody.client.app).config, None, "")
    with pytest.raises(InputError, match=r"--by .* holds control characters"):
        recorded_by(config, None, "A.\x00Lee")


def test_a_write_may_create_the_database_only_when_asked(tmp_path: Path) -> None:
    location = tmp_path / "new" / "course.sqlite3"
    app = serve(tmp_path, course_db=str(location), operator="clinicpc")
    state = app_state(app.client.app)
    with pytest.raises(Exception, match="There is no course database"):
        course_write(state, None)
    assert not location.exists()
    access = course_write(state, None, create=True)
    assert access.recorded_by == "clinicpc"
    assert location.exists()
    assert (location.stat().st_mode & 0o777) == 0o600
    reopened = open_database(str(location))  # a course database of this tool's, empty
    assert reopened.url == access.engine.url
    reopened.dispose()


# -- npt serve --db ----------------------------------------------------------------------------


def test_npt_serve_refuses_a_db_that_is_not_a_database_before_serving(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["serve", "--data", str(tmp_path / "data"), "--port", "0", "--db", "mysql://x/y"]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: Database mysql://x/y uses mysql; expected a file path, sqlite:///FILE or "
        "postgresql://USER@HOST/DATABASE."
    )


@pytest.mark.parametrize("named_by", ["--db", "settings"])
def test_npt_serve_reads_the_course_database_npt_course_reads(
    tmp_path: Path, clinic: str, named_by: str
) -> None:
    args = ["--db", clinic] if named_by == "--db" else []
    settings = f'database = "{clinic}"\n' if named_by == "settings" else ""
    with npt_serve(args, folder=tmp_path, settings=settings) as (url, _):
        page = urllib.request.urlopen(url + "course?flagged=1").read().decode("utf-8")
    assert list_entries(page)[0].startswith("PT-0002 course 1: not a responder: 3 sessions")


def test_warming_up_opens_the_record_once_and_creates_nothing(tmp_path: Path, clinic: str) -> None:
    missing = tmp_path / "missing.sqlite3"
    absent = app_state(serve(tmp_path / "a", course_db=str(missing)).client.app)
    absent.courses.warm()
    assert not missing.exists()
    present = app_state(serve(tmp_path / "b", course_db=clinic).client.app)
    present.courses.warm()
    assert present.courses.engine() is present.courses.engine()


def test_an_amended_session_is_marked_and_its_history_keeps_both(app: Served, clinic: str) -> None:
    engine = open_database(clinic)
    try:
        amend_session(
            engine,
            patient="PT-0002",
            session=3,
            changes={"pain_before": 4},
            reason="typed 6 for 4",
            today=TODAY,
            now=NOW,
            by="D. Amend",
            rules=RULES,
        )
    finally:
        engine.dispose()
    page = app.client.get("/course/PT-0002").text
    # Session 3 now 4 against the baseline 7: down 3 points (43 %), a responder; no flag.
    assert session_cells(page)[2][:6] == ["3*", "2026-01-29", "4", "-", "-", "down 3 points (43 %)"]
    assert "* amended: the history shows every version." in text_of(page)
    assert '<p class="flag"' not in page
    history = app.client.get("/course/PT-0002/history").text
    assert "<td>B. Kaur</td><td>1</td><td>session 3 version 1</td>" in history
    assert "<td>D. Amend</td><td>1</td><td>session 3 version 2</td>" in history
    assert "<td>typed 6 for 4</td>" in history


def test_the_pages_on_postgresql(tmp_path: Path, postgres_clinic: str) -> None:
    app = serve(tmp_path, course_db=postgres_clinic, now=clock, operator="clinicpc")
    printed = cli_output("course", "list", "--db", postgres_clinic, "--today", "2026-01-31")
    assert list_entries(app.client.get("/course").text) == printed[:-1]
    flagged = app.client.get("/course?flagged=1").text
    assert re.findall(r'class="course-link" href="([^"]+)"', flagged) == [
        "/course/PT-0002?course=1"
    ]
    assert [row[5] for row in session_cells(app.client.get("/course/PT-0001").text)] == [
        "baseline",
        "down 1 point (14 %)",
        "down 3 points (43 %)",
    ]
    assert app.client.get("/course/PT-0001/chart.svg").headers["content-type"] == "image/svg+xml"
    access = course_write(app_state(app.client.app), None, "E. Typed")
    record_session(
        access.engine,
        patient="PT-0003",
        values=SessionValues(date=access.today, pain_before=5, pain_after=2),
        course=1,
        today=access.today,
        now=access.now,
        by=access.recorded_by,
        rules=access.rules,
    )
    history = app.client.get("/course/PT-0003/history").text
    assert "<td>E. Typed</td><td>1</td><td>session 1 version 1</td>" in history
    access.engine.dispose()
