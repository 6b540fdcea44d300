"""`npt course` as a clinician types it: the issue's command lines, every report format, the FHIR
export validated with fhir.resources, settings, private files, and the session-packet summary."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from courses import RULES, record, start
from fhir.resources.R4B.bundle import Bundle

from npt_protocol.cli import cli
from npt_protocol.course.database import open_database
from npt_protocol.course.summary import course_summary


def run(tmp_path: Path, *args: str, settings: str = "") -> tuple[int, str, str]:
    """Run npt with a settings file of its own and the user data folder in tmp_path."""
    config = tmp_path / "settings.toml"
    config.write_text(settings, encoding="utf-8")
    env = {"NPT_CONFIG": str(config), "XDG_DATA_HOME": str(tmp_path / "data")}
    result = CliRunner().invoke(cli, list(args), env=env)
    assert "Traceback" not in result.output + result.stderr, result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A knee course of three sessions, the last one flagged for reconsidering."""
    db = tmp_path / "course.sqlite3"
    for argv in (
        ["start", "PT-0042", "--protocol", "knee", "--side", "left", "--date", "2025-12-01"],
        ["record", "PT-0042", "--date", "2025-12-01", "--pain-before", "7", "--pain-after", "3",
         "--points", "knee=10", "--volume", "5mL", "--batch", "B-17", "--adverse", "none"],
        ["record", "PT-0042", "--date", "2025-12-08", "--pain-before", "6", "--pain-after", "2",
         "--relief", "3d"],
        ["record", "PT-0042", "--date", "2025-12-15", "--pain-before", "6", "--pain-after", "2",
         "--relief", "2d", "--adverse", "bruising"],
    ):  # fmt: skip
        code, _, err = run(tmp_path, "course", *argv, "--db", str(db), "--by", "dr test")
        assert code == 0, err
    return db


def test_the_issues_command_lines_run_as_typed(tmp_path: Path) -> None:
    db = str(tmp_path / "c.sqlite3")
    bundle = tmp_path / "bundle.json"
    for argv in (
        "start PT-0042 --protocol knee --side left --date 2025-12-01",
        "record PT-0042 --date 2025-12-01 --pain-before 7 --pain-after 3 --points knee=10",
        "record PT-0042 --date 2025-12-08 --pain-before 6 --pain-after 2 --relief 3d",
        "show PT-0042",
        "show PT-0042 --json",
        "list --flagged",
        f"export PT-0042 --fhir -o {bundle}",
    ):
        code, _, err = run(tmp_path, "course", *argv.split(), "--db", db)
        assert code == 0, (argv, err)
    assert json.loads(bundle.read_text())["resourceType"] == "Bundle"


def test_show_prints_the_sessions_status_and_flag(tmp_path: Path, course: Path) -> None:
    code, out, _ = run(tmp_path, "course", "show", "PT-0042", "--db", str(course))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("PT-0042, course 1 (open), started 2025-12-01: knee left")
    rows = [line.split() for line in lines if line.strip()[:2] in {"1 ", "2 ", "3 "}]
    assert [row[1:4] for row in rows] == [
        ["2025-12-01", "7", "3"],
        ["2025-12-08", "6", "2"],
        ["2025-12-15", "6", "2"],
    ]
    assert "3 d" in lines[lines.index(next(line for line in lines if "2025-12-08" in line))]
    assert "down 1 point (14 %)" in out
    assert "Status: not a responder: 3 sessions" in out
    assert "FLAG reconsider: not a responder after 3 sessions" in out


def test_record_prints_the_status_and_any_flag(tmp_path: Path, course: Path) -> None:
    code, out, _ = run(
        tmp_path, "course", "record", "PT-0042", "--date", "2025-12-22",
        "--pain-before", "4", "--db", str(course),
    )  # fmt: skip
    assert code == 0
    assert "Recorded session 4 of PT-0042, course 1." in out
    assert "Status: responder: 4 sessions, pain before 4 against baseline 7" in out
    assert "FLAG" not in out


def test_list_flagged_and_due(tmp_path: Path, course: Path) -> None:
    code, out, err = run(tmp_path, "course", "list", "--flagged", "--db", str(course))
    assert code == 0
    assert out.startswith("PT-0042 course 1: not a responder")
    assert "1 flagged course." in err
    code, out, _ = run(
        tmp_path, "course", "list", "--due", "--today", "2025-12-22", "--db", str(course), "--json"
    )
    listed = json.loads(out)
    assert listed["schema"] == "npt.course-list/1"
    assert [c["next_due"] for c in listed["courses"]] == ["2025-12-22"]
    code, out, _ = run(
        tmp_path, "course", "list", "--due", "--today", "2025-12-21", "--db", str(course), "--json"
    )
    assert json.loads(out)["courses"] == []


def test_amend_history_close_and_delete(tmp_path: Path, course: Path) -> None:
    db = ["--db", str(course)]
    code, _, err = run(
        tmp_path, "course", "amend", "PT-0042", "--session", "3", "--pain-before", "4", *db
    )
    assert code == 2 and "--reason is required" in err
    code, out, _ = run(
        tmp_path, "course", "amend", "PT-0042", "--session", "3", "--pain-before", "4",
        "--reason", "typed 6 for 4", "--by", "dr second", *db,
    )  # fmt: skip
    assert code == 0 and "now version 2" in out
    code, out, _ = run(tmp_path, "course", "show", "PT-0042", *db)
    assert "Status: responder" in out and "3*" in out and "FLAG" not in out
    code, out, _ = run(tmp_path, "course", "history", "PT-0042", *db)
    assert "session 3 version 1: 2025-12-15, pain 6 before" in out
    assert "dr second: course 1 session 3 version 2: 2025-12-15, pain 4 before" in out
    assert "(why: typed 6 for 4)" in out
    code, out, _ = run(tmp_path, "course", "close", "PT-0042", "--reason", "pain resolved", *db)
    assert code == 0
    code, _, err = run(tmp_path, "course", "record", "PT-0042", "--pain-before", "3", *db)
    assert code == 2 and "has no open course" in err
    code, _, err = run(tmp_path, "course", "delete", "PT-0042", "--reason", "erasure", *db)
    assert code == 2 and "--confirm PT-0042" in err
    code, out, _ = run(
        tmp_path, "course", "delete", "PT-0042", "--confirm", "PT-0042", "--reason", "erasure", *db
    )
    assert code == 0 and "Deleted PT-0042: 1 course and 4 session versions" in out
    code, _, err = run(tmp_path, "course", "show", "PT-0042", *db)
    assert code == 2 and "is not in the course record" in err


def test_follow_up_scores_are_judged_against_their_measure(tmp_path: Path, course: Path) -> None:
    db = ["--db", str(course)]
    code, out, err = run(
        tmp_path, "course", "follow-up", "PT-0042", "--date", "2026-03-01",
        "--measure", "nrs-pain=2", "--measure", "koos=71", *db,
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = run(tmp_path, "course", "show", "PT-0042", *db)
    # NRS 7 at baseline, 2 at follow-up: a fall of 5 points, over the MIC of 2 (Farrar 2001).
    assert (
        "2026-03-01 nrs-pain 2: reaches the minimal important change of 2 points against 7" in out
    )
    assert "2026-03-01 koos 71 (KOOS" in out
    code, out, _ = run(
        tmp_path, "course", "amend", "PT-0042", "--follow-up", "2", "--score", "65",
        "--reason", "scored again", *db,
    )  # fmt: skip
    assert code == 0 and "Follow-up 2 of PT-0042 is now version 2" in out


def test_every_report_format(tmp_path: Path, course: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    db = ["--db", str(course)]
    for suffix in ("pdf", "html", "md", "json", "csv", "svg"):
        target = tmp_path / f"report.{suffix}"
        code, _, err = run(tmp_path, "course", "report", "PT-0042", "-o", str(target), *db)
        assert code == 0, err
        assert stat.S_IMODE(target.stat().st_mode) == 0o600, suffix  # patient data: owner only
    text = "".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "report.pdf").pages)
    assert "Course report: PT-0042, course 1" in text
    assert "FLAG reconsider" in text and "2025-12-15" in text
    html = (tmp_path / "report.html").read_text()
    assert "<svg" in html and "<script" not in html and "FLAG reconsider" in html
    md = (tmp_path / "report.md").read_text()
    assert "| 2 | 2025-12-08 | 6 | 2 | 3 d | down 1 point (14 %) |" in md
    doc = json.loads((tmp_path / "report.json").read_text())
    assert doc["schema"] == "npt.course-report/1"
    assert [s["pain_before"] for s in doc["sessions"]] == [7, 6, 6]
    assert doc["status"]["responder_threshold"] == 5  # 7 - 2 points; 30 % would need 4.9
    rows = list(csv.DictReader(io.StringIO((tmp_path / "report.csv").read_text())))
    assert [r["pain_after"] for r in rows] == ["3", "2", "2"]
    assert rows[0]["batch"] == "B-17" and rows[2]["adverse"] == "bruising"
    svg = (tmp_path / "report.svg").read_text()
    assert svg.startswith("<?xml") and "<svg" in svg and "<text" not in svg  # text as paths


def test_the_report_refuses_to_replace_a_file_and_a_pdf_on_the_terminal(
    tmp_path: Path, course: Path
) -> None:
    target = tmp_path / "report.md"
    target.write_text("mine")
    code, _, err = run(
        tmp_path, "course", "report", "PT-0042", "-o", str(target), "--db", str(course)
    )
    assert code == 2 and "already exists" in err and target.read_text() == "mine"
    code, _, err = run(
        tmp_path, "course", "report", "PT-0042", "--format", "pdf", "--db", str(course)
    )
    assert code == 2 and "A PDF needs an output" in err


def test_text_a_person_typed_stays_text_in_every_format(tmp_path: Path, course: Path) -> None:
    db = ["--db", str(course)]
    note = "<script>x</script> | *"
    code, _, err = run(
        tmp_path, "course", "record", "PT-0042", "--date", "2025-12-22", "--pain-before", "5",
        "--batch", '=HYPERLINK("x")', "--adverse", "other", "--adverse-note", note, *db,
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = run(tmp_path, "course", "report", "PT-0042", "--format", "csv", *db)
    assert "'=HYPERLINK" in out  # a spreadsheet does not run it
    _, out, _ = run(tmp_path, "course", "report", "PT-0042", "--format", "html", "-o", "-", *db)
    assert "<script>x" not in out and "&lt;script&gt;" in out


def test_the_fhir_export_validates_and_leaves_identifiers_out(tmp_path: Path, course: Path) -> None:
    target = tmp_path / "bundle.json"
    code, _, err = run(
        tmp_path, "course", "export", "PT-0042", "--fhir", "-o", str(target), "--db", str(course)
    )
    assert code == 0, err
    data = json.loads(target.read_text())
    Bundle.model_validate(data)  # raises on any element R4's models do not allow
    resources = [entry["resource"] for entry in data["entry"]]
    kinds = [r["resourceType"] for r in resources]
    assert kinds.count("Procedure") == 3
    pain = [
        r for r in resources if r.get("code", {}).get("coding", [{}])[0].get("code") == "72514-3"
    ]
    assert [r["valueInteger"] for r in pain] == [7, 3, 6, 2, 6, 2]
    assert all(r["code"]["coding"][0]["system"] == "http://loinc.org" for r in pain)
    assert "PT-0042" not in target.read_text()
    assert "identifier" not in resources[kinds.index("Patient")]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    code, out, _ = run(
        tmp_path,
        "course",
        "export",
        "PT-0042",
        "--fhir",
        "--include-identifiers",
        "--db",
        str(course),
    )
    patient = json.loads(out)["entry"][0]["resource"]
    assert patient["identifier"][0]["value"] == "PT-0042"
    Bundle.model_validate(json.loads(out))


def test_the_database_setting_and_the_user_data_folder(tmp_path: Path) -> None:
    start_args = ["course", "start", "PT-1", "--region", "knee:left", "--date", "2025-12-01"]
    code, _, err = run(tmp_path, *start_args)
    assert code == 0, err
    default = tmp_path / "data" / "npt" / "course.sqlite3"
    assert stat.S_IMODE(default.stat().st_mode) == 0o600
    assert stat.S_IMODE(default.parent.stat().st_mode) == 0o700
    named = tmp_path / "clinic.sqlite3"
    code, _, err = run(tmp_path, *start_args, settings=f'database = "{named}"\n')
    assert code == 0, err
    assert named.exists()
    # A relative file is found beside the settings file, wherever the command runs.
    code, _, err = run(tmp_path, *start_args, settings='database = "beside.sqlite3"\n')
    assert code == 0, err
    assert (tmp_path / "beside.sqlite3").exists()


def test_course_rules_and_patient_fields_in_the_settings(tmp_path: Path, course: Path) -> None:
    db = ["--db", str(course)]
    code, out, _ = run(
        tmp_path,
        "course",
        "show",
        "PT-0042",
        *db,
        settings="course_rules = {reconsider_after = 4}\n",
    )
    assert code == 0 and "FLAG reconsider" not in out
    code, _, err = run(
        tmp_path, "course", "show", "PT-0042", *db, settings="course_rules = {after = 4}\n"
    )
    assert code == 2 and "course_rules has unknown key 'after'" in err
    name = ["course", "start", "PT-9", "--region", "knee:left", "--name", "A Person", *db]
    code, _, err = run(tmp_path, *name)
    assert code == 2 and "--name is kept only when the clinic enables it" in err
    code, _, err = run(tmp_path, *name, settings='patient_fields = ["name"]\n')
    assert code == 0, err


def test_the_session_packet_summary_of_a_course(tmp_path: Path) -> None:
    engine = open_database(str(tmp_path / "c.sqlite3"), create=True)
    start(engine)
    for day, before, after in ((1, 7, 3), (8, 6, 2), (15, 6, 2)):
        record(engine, day, before, after)
    summary = course_summary(engine, "PT-0042", rules=RULES, today=dt.date(2026, 1, 22))
    assert summary is not None
    lines = summary.lines()
    assert lines[0] == (
        "Course 1 of PT-0042 (knee left), started 2026-01-01: this is session 4, 3 to 5 "
        "planned; next session due 2026-01-22."
    )
    assert lines[1].startswith("Status: not a responder: 3 sessions, pain before 6 against")
    assert lines[2].startswith("FLAG reconsider: not a responder after 3 sessions")
    assert lines[3:] == [
        "Session 1: 2026-01-01, pain 7 before, 3 right after.",
        "Session 2: 2026-01-08, pain 6 before, 2 right after.",
        "Session 3: 2026-01-15, pain 6 before, 2 right after.",
    ]
    assert not any(symbol in summary.text() for symbol in ("->", "@", "&", "<", ">", "+"))
    assert course_summary(engine, "PT-NONE", rules=RULES, today=dt.date(2026, 1, 22)) is None
    engine.dispose()
