"""`npt session --patient ID` prints where the patient's course stands on the summary page, in
every format: the course, its status and flags, and the last three sessions' numbers; "No course
record" when the record holds none; a database that is not ours stops it with nothing written;
and the database library is loaded only when there is a database to read."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from npt_protocol.cli import cli
from npt_protocol.course.database import open_database
from tests.test_json_schema import validator

SESSION = ["session", "--region", "knee:left", "--prepared-at", "2026-01-29T09:00+00:00"]
# Four sessions of a knee course, by hand: baseline 7; session 4 has pain before 6, down 1 point
# (14 %), short of 2 points or 30 %: not a responder after 4 sessions ("reconsider"), and pain
# before 6, 6 and 6 at sessions 2 to 4 changed by less than 1 point ("plateau").
SESSIONS = [
    ("2026-01-01", "7", "3", None),
    ("2026-01-08", "6", "2", "3d"),
    ("2026-01-15", "6", "3", "2d"),
    ("2026-01-22", "6", "2", None),
]


def run(tmp_path: Path, *args: str, settings: str = "") -> tuple[int, str, str]:
    """Run npt with a settings file of its own and an empty user data folder."""
    config = tmp_path / "settings.toml"
    config.write_text(settings, encoding="utf-8")
    env = {"NPT_CONFIG": str(config), "XDG_DATA_HOME": str(tmp_path / "data")}
    result = CliRunner().invoke(cli, list(args), env=env)
    assert "Traceback" not in result.output + result.stderr, result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A database with PT-0042's knee course of four sessions."""
    db = tmp_path / "course.sqlite3"
    base = ["--db", str(db), "--by", "tester"]
    start = ["start", "PT-0042", "--protocol", "knee", "--side", "left", "--date", "2026-01-01"]
    code, _, err = run(tmp_path, "course", *start, *base)
    assert code == 0, err
    for date, before, after, relief in SESSIONS:
        argv = ["record", "PT-0042", "--date", date, "--pain-before", before, "--pain-after", after]
        code, _, err = run(
            tmp_path, "course", *argv, *(["--relief", relief] if relief else []), *base
        )
        assert code == 0, err
    return db


def test_the_packet_says_where_the_course_stands(tmp_path: Path, course: Path) -> None:
    code, out, err = run(tmp_path, *SESSION, "--patient", "PT-0042", "--db", str(course))
    assert code == 0, err
    section = out[out.index("Course record") : out.index("Solution:")]
    assert "Course 1 of PT-0042 (knee left), started 2026-01-01: this is session 5" in section
    assert "Status: not a responder: 4 sessions, pain before 6 against baseline 7" in section
    assert "FLAG reconsider: not a responder after 4 sessions" in section
    assert "FLAG plateau: pain before 6, 6 and 6 at sessions 2 to 4" in section
    rows = [line.split() for line in section.splitlines() if line.strip()[:5] == "2026-" or
            line.strip()[:2] in {"1 ", "2 ", "3 ", "4 "}]  # fmt: skip
    # The last three sessions only, oldest first: date, pain before, right after, relief.
    assert rows == [
        ["2", "2026-01-08", "6", "2", "3", "d"],
        ["3", "2026-01-15", "6", "3", "2", "d"],
        ["4", "2026-01-22", "6", "2", "not", "recorded"],
    ]
    # On the summary page: after the regions, before the first solution.
    assert out.index("Treatment syringes") < out.index("Course record") < out.index("Solution:")


def test_every_format_carries_the_course(tmp_path: Path, course: Path) -> None:
    base = [*SESSION, "--patient", "PT-0042", "--db", str(course)]
    _, md, _ = run(tmp_path, *base, "--format", "md")
    assert "## Course record" in md
    assert "| 4 | 2026-01-22 | 6 | 2 | not recorded |" in md
    _, html, _ = run(tmp_path, *base, "--format", "html")
    assert "<h2>Course record</h2>" in html and "<td>2026-01-15</td>" in html
    assert "<strong>FLAG reconsider</strong>" in html
    _, out, _ = run(tmp_path, *base, "--format", "json")
    data = json.loads(out)
    assert validator("npt.session/2").is_valid(data)
    record = data["course"]
    assert (record["found"], record["number"], record["open"]) == (True, 1, True)
    assert (record["session_number"], record["state"]) == (5, "not a responder")
    assert [f["rule"] for f in record["flags"]] == ["reconsider", "plateau"]
    assert [
        (s["number"], s["date"], s["pain_before"], s["pain_after"], s["relief_minutes"])
        for s in record["sessions"]
    ] == [(2, "2026-01-08", 6, 2, 3 * 24 * 60), (3, "2026-01-15", 6, 3, 2 * 24 * 60),
          (4, "2026-01-22", 6, 2, None)]  # fmt: skip
    pdf = tmp_path / "packet.pdf"
    code, _, err = run(tmp_path, *base, "-o", str(pdf))
    assert code == 0, err
    first = PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].extract_text()
    assert "Course record" in first and "FLAG reconsider" in first
    assert "2026-01-15" in first and "this is session 5" in first


def test_no_course_record_is_said_plainly(tmp_path: Path, course: Path) -> None:
    for extra in (
        ["--patient", "PT-0043", "--db", str(course)],  # a patient the record does not hold
        ["--patient", "PT-0042", "--db", str(tmp_path / "none.sqlite3")],  # no database yet
        ["--patient", "PT-0042"],  # no database in the user data folder
        ["--patient", "PT 42", "--db", str(course)],  # an identifier the record cannot hold
    ):
        code, out, err = run(tmp_path, *SESSION, *extra)
        assert code == 0, err
        assert f"No course record for {extra[1]}." in out, extra
        assert "Status:" not in out
    assert not (tmp_path / "none.sqlite3").exists()  # looking never creates a database
    _, out, _ = run(tmp_path, *SESSION, "--patient", "PT-0043", "--db", str(course), "--json")
    assert json.loads(out)["course"]["found"] is False
    _, out, _ = run(tmp_path, *SESSION, "--json")
    assert json.loads(out)["course"] is None
    assert "Course record" not in run(tmp_path, *SESSION)[1]


def test_the_database_setting_is_read(tmp_path: Path, course: Path) -> None:
    code, out, _ = run(
        tmp_path, *SESSION, "--patient", "PT-0042", settings=f'database = "{course}"\n'
    )
    assert code == 0 and "this is session 5" in out


def test_a_database_not_ours_stops_the_packet_with_nothing_written(
    tmp_path: Path, course: Path
) -> None:
    import sqlite3  # noqa: PLC0415

    stranger = tmp_path / "stranger.sqlite3"
    with sqlite3.connect(stranger) as other:
        other.execute("CREATE TABLE things (a)")
    other.close()
    newer = open_database(str(course))
    with newer.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    newer.dispose()
    log, packet = tmp_path / "prep.log", tmp_path / "packet.md"
    for db, sentence in (
        (stranger, "is not an npt course database"),
        (course, "has schema 9999, newer than this npt knows"),
    ):
        code, _, err = run(
            tmp_path, *SESSION, "--patient", "PT-0042", "--db", str(db), "-o", str(packet),
            "--log", str(log), "--by", "A. Lee", "--checked-by", "B. Kay",
        )  # fmt: skip
        assert code == 2 and sentence in err
        assert len(err.strip().splitlines()) == 1 and err.startswith("Error: ")
        assert not packet.exists() and not log.exists()


def test_no_output_replaces_the_course_database(tmp_path: Path, course: Path) -> None:
    before = course.read_bytes()
    for option in ("-o", "--labels"):
        code, _, err = run(
            tmp_path, *SESSION, "--patient", "PT-0042", "--db", str(course), option, str(course),
            "--force", *(["--format", "text"] if option == "-o" else []),
        )  # fmt: skip
        assert code == 2 and "which this command read" in err, err
    assert course.read_bytes() == before


def test_options_of_the_course_record_need_a_patient(tmp_path: Path, course: Path) -> None:
    for option in (["--db", str(course)], ["--course", "1"]):
        code, _, err = run(tmp_path, *SESSION, *option)
        assert code == 2 and "add --patient ID" in err


def test_course_picks_one_of_two_open_courses(tmp_path: Path, course: Path) -> None:
    db = ["--db", str(course), "--by", "tester"]
    start = [
        "start",
        "PT-0042",
        "--protocol",
        "shoulder",
        "--side",
        "right",
        "--date",
        "2026-01-20",
    ]
    assert run(tmp_path, "course", *start, *db)[0] == 0
    code, _, err = run(tmp_path, *SESSION, "--patient", "PT-0042", "--db", str(course))
    assert code == 2 and "choose one with --course N" in err
    code, out, _ = run(
        tmp_path, *SESSION, "--patient", "PT-0042", "--db", str(course), "--course", "2"
    )
    assert code == 0 and "Course 2 of PT-0042 (shoulder right)" in out


PROBE = """
import json, sys
from npt_protocol.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {{'sqlalchemy', 'alembic'}})),
      file=sys.stderr)
"""


def _loaded(argv: list[str], tmp_path: Path) -> list[str]:
    """Return the database libraries `npt` loaded to run argv."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv)],
        capture_output=True,
        text=True,
        check=False,
        env={"NPT_CONFIG": str(tmp_path / "settings.toml"), "XDG_DATA_HOME": str(tmp_path)},
    )
    loaded: list[str] = json.loads(result.stderr.strip().splitlines()[-1])
    return loaded


def test_the_database_library_loads_only_for_a_database_to_read(
    tmp_path: Path, course: Path
) -> None:
    (tmp_path / "settings.toml").write_text("", encoding="utf-8")
    assert _loaded(SESSION, tmp_path) == []
    assert _loaded([*SESSION, "--patient", "PT-0042"], tmp_path) == []  # no database yet
    missing = str(tmp_path / "missing.sqlite3")
    assert _loaded([*SESSION, "--patient", "PT-0042", "--db", missing], tmp_path) == []
    assert "sqlalchemy" in _loaded(
        [*SESSION, "--patient", "PT-0042", "--db", str(course)], tmp_path
    )
