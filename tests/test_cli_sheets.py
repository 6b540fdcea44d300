"""`npt checklist` and `npt session` on the command line: formats, files, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from npt_protocol.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parents[1]

PREPARED = ["--prepared-at", "2026-11-25T09:00+00:00"]


def run(*args: str) -> tuple[int, str, str]:
    """Run npt and return the exit code, stdout and stderr."""
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_checklist_text_lists_every_point_and_the_template_line() -> None:
    code, out, _ = run("checklist", "knee", "--side", "left")
    assert code == 0
    assert "Template — confirm against local policy" in out
    assert "Medial border of the patellar tendon" in out
    assert "Total: 10 points, 5 mL." in out


def test_checklist_json_rows_add_up() -> None:
    code, out, _ = run("checklist", "shoulder", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema"] == "npt.checklist/2"
    assert doc["total_points"] == len(doc["rows"])
    assert sum(row["volume_mL"] for row in doc["rows"]) == pytest.approx(doc["total_volume_mL"])
    assert doc["protocol"]["version"] and doc["document"]["tool_version"]


def test_output_file_is_written_and_never_replaced_without_force(tmp_path: Path) -> None:
    target = tmp_path / "knee.md"
    assert run("checklist", "knee", "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8").startswith("# Knee")
    target.write_text("kept", encoding="utf-8")
    code, _, err = run("checklist", "knee", "-o", str(target))
    assert code == 2 and "already exists" in err and "--force" in err
    assert target.read_text(encoding="utf-8") == "kept"
    assert run("checklist", "knee", "-o", str(target), "--force")[0] == 0
    assert target.read_text(encoding="utf-8").startswith("# Knee")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["knee.md"]  # no temporary left


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["checklist", "kneee"], "did you mean knee"),
        (["checklist", "knee", "--side", "top"], "expected one of"),
        (["checklist", "knee", "--points", "99"], "maximum"),
        (["checklist", "knee", "--format", "pdf"], "A PDF needs an output"),
        (["checklist", "knee", "--json", "--format", "md"], "disagree"),
        (["session", "--region", "knee:left", "--points", "hip=3"], "no --region uses"),
        (["session", "--region", "knee:left", "--points", "knee=x"], "ID=N"),
        (["session", "--region", "knee:left", "--prepared-at", "yesterday"], "ISO 8601"),
        (["session", "--region", "knee:left", "--use-by", "forever"], "use-by rule"),
        (["session", "--region", "knee:left", "--weight", "7000kg"], "weight"),
        (["session", "--region", "knee:left", "--from", "D55"], "not in the catalogue"),
    ],
)
def test_bad_requests_exit_2_with_one_sentence(args: list[str], fragment: str) -> None:
    code, _, err = run(*args)
    assert code == 2
    assert fragment in err
    assert err.count("\n") == 1


def test_session_json_has_recipe_label_and_checklists() -> None:
    code, out, _ = run(
        "session",
        "--region",
        "knee:left",
        "--points",
        "knee=14",
        "--weight",
        "70kg",
        "--format",
        "json",
        *PREPARED,
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["schema"] == "npt.session/2"
    (solution,) = doc["solutions"]
    # 14 x 0.5 = 7 mL; + 0.15 mL dead space; x 1.1 = 7.865 mL; prepare 8 mL.
    assert solution["required_mL"] == pytest.approx(7.865)
    assert solution["prepare_mL"] == 8
    assert solution["recipe"]["within_tolerance"] is True
    assert solution["label"]["use_by"] == "2026-11-25 13:00 +00:00"
    assert [c["total_points"] for c in doc["checklists"]] == [14]


def test_session_outside_tolerance_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "session.md"
    # With only 1 mL marks, D50 for a few millilitres of 5 % cannot be read closely enough.
    code, _, err = run(
        "session",
        "--region",
        "knee:left",
        "--syringe",
        "10 mL by 1 mL",
        "-o",
        str(target),
        *PREPARED,
    )
    assert code == 1
    assert "cannot be signed" in err and "nothing was written" in err
    assert not target.exists()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(name: str) -> None:
    code, out, _ = run(name, "--help")
    assert code == 0
    assert "Example" in out


@pytest.mark.parametrize("fmt", ["text", "md", "json", "html"])
def test_a_dose_over_the_limit_exits_1_and_is_printed_first(fmt: str) -> None:
    # 1 kg: lidocaine 4.5 mg at most; both Achilles sides inject 5 mg.
    code, out, err = run(
        "session",
        "--region",
        "ankle-achilles:bilateral",
        "--weight",
        "1kg",
        "--format",
        fmt,
        *PREPARED,
    )
    assert code == 1
    assert "lidocaine 5 mg injected" in err and "do not proceed" in err
    if fmt == "json":
        assert json.loads(out)["problems"][0].startswith("The planned injections give lidocaine")
        return
    first = out.find("DO NOT PROCEED")
    assert 0 <= first < out.find("Solution:")
    assert out.find("The planned injections give lidocaine 5 mg injected") > first


def test_points_given_twice_for_a_protocol_are_refused() -> None:
    result = CliRunner().invoke(
        cli, ["session", "--region", "knee:left", "--points", "knee=3", "--points", "knee=4"]
    )
    assert result.exit_code == 2 and "--points gives knee twice" in result.stderr


def test_points_apply_to_every_region_of_their_protocol() -> None:
    args = ["session", "--region", "knee:left", "--region", "knee:right", "--points", "knee=3"]
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    regions = json.loads(result.stdout)["regions"]
    assert [(r["side"], r["points"]) for r in regions] == [("left", 3), ("right", 3)]


def test_markdown_escapes_html_from_a_protocol(tmp_path: Path) -> None:
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    text = (ROOT / "protocols" / "knee.yaml").read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    hostile = 'title: Knee <img src=x onerror="alert(1)"> & <script>steal()</script>'
    (clinic / "knee.yaml").write_text(text.replace(title, hostile), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["checklist", "knee", "--protocols", str(clinic), "--format", "md"]
    )
    assert result.exit_code == 0, result.output
    assert "<img" not in result.stdout and "<script>" not in result.stdout
    assert (
        'Knee &lt;img src=x onerror="alert(1)"&gt; &amp; &lt;script&gt;steal()&lt;/script&gt;'
        in result.stdout
    )


def _log_with_one_record(tmp_path: Path) -> Path:
    log = tmp_path / "prep.log"
    code, _, err = run(
        "prepare", "dextrose 5%", "--volume", "60mL", "--from", "D50", "--log", str(log)
    )
    assert code == 0, err
    return log


@pytest.mark.parametrize("fmt", ["text", "md", "json", "html"])
def test_a_session_packet_prints_the_log_head(tmp_path: Path, fmt: str) -> None:
    log = _log_with_one_record(tmp_path)
    code, out, _ = run("log", "head", str(log))
    assert code == 0
    token = out.splitlines()[-1]
    code, out, err = run(
        "session", "--region", "knee:left", "--log", str(log), "--format", fmt, *PREPARED
    )
    assert code == 0, err
    if fmt == "json":
        assert json.loads(out)["log"] == {"path": str(log), "records": 1, "head": token}
        return
    assert f"Preparation log {log}: 1 record, head {token} when this packet was made." in out


def test_a_session_packet_prints_the_log_head_in_the_pdf(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    log = _log_with_one_record(tmp_path)
    token = run("log", "head", str(log))[1].splitlines()[-1]
    pdf = tmp_path / "session.pdf"
    code, _, err = run("session", "--region", "knee:left", "--log", str(log), "-o", str(pdf))
    assert code == 0, err
    text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert token in text.replace("\n", "").replace("\u200b", "")


def test_a_session_refuses_a_log_whose_chain_is_broken(tmp_path: Path) -> None:
    log = _log_with_one_record(tmp_path)
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(lines[0] + lines[1].replace(b'"D50"', b'"D70"'))
    out = tmp_path / "session.md"
    code, _, err = run("session", "--region", "knee:left", "--log", str(log), "-o", str(out))
    assert code == 2 and "does not verify" in err and "npt log verify" in err
    assert not out.exists()


def test_a_session_never_writes_its_packet_over_the_log(tmp_path: Path) -> None:
    log = _log_with_one_record(tmp_path)
    before = log.read_bytes()
    code, _, err = run(
        "session", "--region", "knee:left", "--log", str(log), "-o", str(log), "--force"
    )
    assert code == 2, err
    assert log.read_bytes() == before
