"""Every page of `npt serve` through Starlette's test client: what it shows, in the words `npt`
prints, and every error path, each beside the field it concerns."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import portalocker
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from npt_protocol.cli import cli
from npt_protocol.log.verify import verify
from npt_protocol.protocol.library import shipped_dir
from npt_protocol.settings import Settings
from npt_protocol.web.pages import prepare as prepare_page
from tests.webapp import Served, serve


@pytest.fixture(autouse=True)
def no_clinic_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read the machine's own settings file (the command line is run for comparison)."""
    (tmp_path / "empty.toml").write_text("")
    monkeypatch.setenv("NPT_CONFIG", str(tmp_path / "empty.toml"))


def text_of(page: str) -> str:
    """Return a page's text: tags removed, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def cli_lines(*argv: str) -> tuple[int, list[str]]:
    """Run `npt` and return its exit code and its output lines, spaces collapsed."""
    result = CliRunner().invoke(cli, list(argv))
    lines = [re.sub(r"\s+", " ", line).strip() for line in result.output.splitlines()]
    # Numbered steps are an ordered list on the page: the numbers are the list's own.
    lines = [re.sub(r"^\d+\. ", "", line) for line in lines]
    return result.exit_code, [line for line in lines if line]


def cli_error(*argv: str) -> str:
    """Run `npt` and return the sentence it prints on standard error."""
    result = CliRunner().invoke(cli, list(argv))
    assert result.exit_code == 2, result.output
    return result.stderr.strip().removeprefix("Error: ")


def error_beside(page: str, field: str) -> str:
    """Return the error shown beside a field (its element id is FIELD-error)."""
    found = re.search(rf'<p class="field-error" id="{re.escape(field)}-error"[^>]*>(.*?)</p>', page)
    assert found is not None, f"no error beside {field}"
    return html.unescape(found.group(1))


@pytest.fixture
def app(tmp_path: Path) -> Served:
    return serve(tmp_path)


# -- home --------------------------------------------------------------------------------------


def test_home_offers_every_page_of_the_menu(app: Served) -> None:
    page = app.client.get("/")
    assert page.status_code == 200
    for path, title in [("/prepare", "Prepare"), ("/check", "Check"), ("/protocols", "Protocols")]:
        assert f'href="{path}"' in page.text
        assert title in page.text
    assert "No preparation log is set" in text_of(page.text)
    assert "Serves this computer only." in text_of(page.text)


def test_home_names_the_log_records_go_to(tmp_path: Path) -> None:
    app = serve(tmp_path, log=tmp_path / "clinic.log")
    assert "recorded in the preparation log clinic.log" in text_of(app.client.get("/").text)


# -- prepare -----------------------------------------------------------------------------------

PREPARE_CASES = [
    ({"target": "dextrose 5%", "volume": "60mL", "from": "D50"}, ["dextrose 5%"]),
    (
        {
            "target": "dextrose 20% + lidocaine 0.1%",
            "volume": "10mL",
            "from": ["D50", "lidocaine-1"],
            "weight": "70kg",
        },
        ["dextrose 20% + lidocaine 0.1%"],
    ),
    (
        {
            "target": "dextrose 5%",
            "volume": "7mL",
            "from": "D50",
            "syringes": "10 mL by 1 mL",
        },
        ["dextrose 5%"],
    ),
    (
        {
            "target": "dextrose 10%",
            "volume": "100mL",
            "from": "D50",
            "diluent": "D5W",
            "method": "container",
            "tolerance": "2%",
        },
        ["dextrose 10%"],
    ),
]


def prepare_argv(fields: dict[str, Any]) -> list[str]:
    """The `npt prepare` arguments for the same inputs."""
    stocks = fields["from"] if isinstance(fields["from"], list) else [fields["from"]]
    argv = ["prepare", fields["target"], "--volume", fields["volume"]]
    argv += [a for s in stocks for a in ("--from", s)]
    for key, option in [
        ("diluent", "--diluent"),
        ("method", "--method"),
        ("tolerance", "--tolerance"),
        ("weight", "--weight"),
        ("syringes", "--syringe"),
    ]:
        if key in fields:
            argv += [option, fields[key]]
    return argv


@pytest.mark.parametrize(("fields", "_"), PREPARE_CASES)
def test_prepare_shows_every_line_npt_prepare_prints(
    app: Served, fields: dict[str, Any], _: list[str]
) -> None:
    code, lines = cli_lines(*prepare_argv(fields))
    page = app.post("/prepare", fields)
    assert page.status_code == 200
    shown = text_of(page.text)
    # Every sentence is on the page; the aligned tables are cells there, so a row's cells are
    # (a terminal gives a wide row's syringes a "measure with:" line of their own).
    for line in lines:
        cells = line.removeprefix("measure with: ").split(" ")
        assert line in shown or all(c in shown for c in cells), line
    verdict = next(line for line in lines if line.startswith("Result: "))
    assert re.search(rf'class="verdict {"pass" if code == 0 else "fail"}"', page.text)
    assert verdict in shown


def test_prepare_with_lidocaine_says_first_the_most_to_inject(app: Served) -> None:
    page = app.post("/prepare", PREPARE_CASES[1][0])
    first = page.text.index("MAXIMUM TO INJECT: ")
    assert first < page.text.index("Result: WITHIN")
    assert 'class="dose"' in page.text


def test_prepare_that_cannot_be_signed_says_why_and_the_fix(app: Served) -> None:
    page = app.post("/prepare", PREPARE_CASES[2][0])
    shown = text_of(page.text)
    assert page.status_code == 200
    assert "Result: CANNOT BE SIGNED:" in shown
    assert 'class="verdict fail"' in page.text
    assert "To make it signable" in shown
    assert "Add a finer syringe to the set" in shown


def test_prepare_form_keeps_what_was_typed(app: Served) -> None:
    page = app.post("/prepare", {"target": "dextrose 5%", "volume": "60x", "from": "D50"})
    assert 'value="60x"' in page.text
    assert 'value="dextrose 5%"' in page.text
    assert 'value="D50"' in page.text


def test_prepare_page_uses_the_clinic_settings(tmp_path: Path) -> None:
    syringes = ["1 mL by 0.01 mL", "10 mL by 0.2 mL"]
    settings = Settings(values={"tolerance": "10%", "syringes": syringes})
    app = serve(tmp_path, settings=settings)
    page = app.client.get("/prepare")
    assert 'placeholder="10%"' in page.text
    assert "0.2 mL</textarea>" not in page.text  # a placeholder, not a value
    assert 'placeholder="1 mL by 0.01 mL\n10 mL by 0.2 mL"' in page.text
    done = app.post("/prepare", {"target": "dextrose 5%", "volume": "10mL", "from": "D50"})
    shown = text_of(done.text)
    assert "Result: WITHIN the tolerance of 10 %" in shown
    assert "1 mL syringe (0.01 mL marks)" in shown


# The same input to the page and to `npt prepare`: the same sentence, beside this field.
PREPARE_ERRORS = [
    ("volume", {"volume": "60x"}, ["--volume", "60x"]),
    ("volume", {"volume": "20L"}, ["--volume", "20L"]),
    ("volume", {"volume": ""}, ["--volume", ""]),
    ("stocks", {"from": "D5000"}, ["--from", "D5000"]),
    ("stocks", {"from": "SWFI"}, ["--from", "SWFI"]),
    ("stocks", {"target": "dextrose 5% + lidocaine 1%"}, []),
    ("diluent", {"diluent": "XX"}, ["--diluent", "XX"]),
    ("tolerance", {"tolerance": "5"}, ["--tolerance", "5"]),
    ("tolerance", {"tolerance": "0%"}, ["--tolerance", "0%"]),
    ("weight", {"weight": "3000kg"}, ["--weight", "3000kg"]),
    ("syringes", {"syringes": "foo"}, ["--syringe", "foo"]),
    ("bases", {"bases": "foo"}, ["--basis", "foo"]),
    ("bases", {"bases": "dextrose=foo"}, ["--basis", "dextrose=foo"]),
    ("target", {"target": "dextrse 5%"}, []),
    ("target", {"target": ""}, []),
    ("method", {"method": "qs", "syringes": "1 mL by 0.01 mL"}, ["--method", "qs"]),
    ("", {"target": "dextrose 90%"}, []),
    ("", {"volume": "0.01mL"}, ["--volume", "0.01mL"]),
]


@pytest.mark.parametrize(("field", "change", "options"), PREPARE_ERRORS)
def test_prepare_error_is_the_cli_sentence_beside_its_field(
    app: Served, field: str, change: dict[str, str], options: list[str]
) -> None:
    fields = {"target": "dextrose 5%", "volume": "60mL", "from": "D50", **change}
    argv = ["prepare", fields["target"], "--volume", fields["volume"], "--from", fields["from"]]
    argv += options if "--volume" not in options else options[2:]
    if "syringes" in change and "--syringe" not in options:
        argv += ["--syringe", change["syringes"]]
    expected = cli_error(*argv)
    page = app.post("/prepare", fields)
    assert page.status_code == 422
    if field:
        assert error_beside(page.text, field) == expected
    else:
        assert f'<div class="problem" role="alert">\n  <p>{html.escape(expected)}</p>' in page.text
    assert 'class="verdict' not in page.text


def test_prepare_without_a_stock_says_so_beside_the_stocks(app: Served) -> None:
    page = app.post("/prepare", {"target": "dextrose 5%", "volume": "60mL"})
    assert page.status_code == 422
    assert error_beside(page.text, "stocks").startswith("--from is missing")


def test_prepare_refuses_a_method_it_does_not_know(app: Served) -> None:
    fields = {"target": "dextrose 5%", "volume": "60mL", "from": "D50", "method": "pour"}
    page = app.post("/prepare", fields)
    assert page.status_code == 422
    assert error_beside(page.text, "method").startswith("--method 'pour' is not one of")


def test_prepare_opens_the_more_section_when_an_error_is_in_it(app: Served) -> None:
    fields = {"target": "dextrose 5%", "volume": "60mL", "from": "D50", "weight": "3t"}
    assert '<details class="more" open>' in app.post("/prepare", fields).text
    fields["weight"] = "70kg"  # filled in: shown open, so what was used is seen
    fields["volume"] = "x"
    assert '<details class="more" open>' in app.post("/prepare", fields).text
    fields["weight"] = ""
    assert '<details class="more">' in app.post("/prepare", fields).text


# -- the preparation log -----------------------------------------------------------------------


def records(log: Path) -> list[dict[str, Any]]:
    """The log's records (the header left out)."""
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r.get("command")]


def test_prepare_records_in_the_log_with_the_signed_in_person(tmp_path: Path) -> None:
    log = tmp_path / "clinic.log"
    app = serve(tmp_path, users=["A. Lee"], log=log)
    assert app.sign_in("a. lee").status_code == 303
    page = app.post("/prepare", {"target": "dextrose 5%", "volume": "60mL", "from": "D50"})
    assert page.status_code == 200
    assert "Recorded in the preparation log clinic.log, by A. Lee." in text_of(page.text)
    (record,) = records(log)
    assert record["command"] == "prepare"
    assert record["prepared_by"] == "A. Lee"
    assert record["checked_by"] is None
    assert record["inputs"]["argv"] == ["dextrose 5%", "--volume", "60mL", "--from", "D50"]
    assert record["inputs"]["normalised"]["stocks"] == ["D50"]
    # The record is the one `npt prepare --log` writes: it recomputes and verifies.
    report = verify(log)
    assert report.ok, report.findings


def test_signed_in_person_cannot_be_replaced_by_a_typed_name(tmp_path: Path) -> None:
    log = tmp_path / "clinic.log"
    app = serve(tmp_path, users=["A. Lee"], log=log)
    app.sign_in("A. Lee")
    app.post("/prepare", {"target": "dextrose 5%", "volume": "60mL", "from": "D50", "by": "X"})
    assert records(log)[0]["prepared_by"] == "A. Lee"


def test_without_sign_in_the_log_keeps_the_name_typed(tmp_path: Path) -> None:
    log = tmp_path / "clinic.log"
    app = serve(tmp_path, log=log)
    assert 'name="by"' in app.client.get("/prepare").text
    app.post("/prepare", {"target": "dextrose 5%", "volume": "60mL", "from": "D50", "by": "B"})
    app.post("/prepare", {"target": "dextrose 5%", "volume": "60mL", "from": "D50"})
    assert [r["prepared_by"] for r in records(log)] == ["B", None]


def test_a_name_without_a_log_is_refused_as_the_cli_refuses_it(app: Served) -> None:
    assert 'name="by"' not in app.client.get("/prepare").text
    fields = {"target": "dextrose 5%", "volume": "60mL", "from": "D50", "by": "B"}
    page = app.post("/prepare", fields)
    expected = cli_error("prepare", "dextrose 5%", "--volume", "60mL", "--from", "D50", "--by", "B")
    assert error_beside(page.text, "by") == expected


def test_a_name_the_log_cannot_keep_is_an_error_beside_it(tmp_path: Path) -> None:
    log = tmp_path / "clinic.log"
    app = serve(tmp_path, log=log)
    fields = {"target": "dextrose 5%", "volume": "60mL", "from": "D50", "by": "x" * 101}
    page = app.post("/prepare", fields)
    assert page.status_code == 422
    assert "--by is 101 characters long" in error_beside(page.text, "by")
    assert not log.exists()


@pytest.mark.parametrize("kind", ["not a log", "a folder"])
def test_a_record_that_cannot_be_written_is_shown_and_the_recipe_withheld(
    tmp_path: Path, kind: str
) -> None:
    log = tmp_path / "clinic.log"
    if kind == "a folder":
        log.mkdir()
    else:
        log.write_text("my notes\n")
    app = serve(tmp_path, log=log)
    page = app.post("/prepare", {"target": "dextrose 5%", "volume": "60mL", "from": "D50"})
    assert page.status_code == 500
    shown = text_of(page.text)
    assert "Not recorded:" in shown
    assert "do not prepare from this page until it is recorded" in shown
    assert 'class="verdict' not in page.text
    assert 'value="dextrose 5%"' in page.text  # the form is kept, to send again
    if kind == "not a log":
        assert log.read_text() == "my notes\n"


def test_a_log_in_use_past_the_wait_is_reported_not_lost(tmp_path: Path) -> None:
    log = tmp_path / "clinic.log"
    app = serve(tmp_path, log=log, log_wait_seconds=0.2)
    app.post("/prepare", {"target": "dextrose 5%", "volume": "60mL", "from": "D50"})
    with log.open("rb") as handle:
        portalocker.lock(handle, portalocker.LockFlags.EXCLUSIVE)
        page = app.post(
            "/check",
            {"target": "dextrose 5%", "product": ["D50", "SWFI"], "drawn_volume": ["6mL", "54mL"]},
        )
    assert page.status_code == 500
    assert "still in use by another process" in text_of(page.text)
    assert len(records(log)) == 1


# -- check -------------------------------------------------------------------------------------


def check_fields(target: str, *drawn: tuple[str, str], **more: str) -> dict[str, Any]:
    """A Check form: the target and each product drawn with its volume."""
    return {
        "target": target,
        "product": [p for p, _ in drawn],
        "drawn_volume": [v for _, v in drawn],
        **more,
    }


@pytest.mark.parametrize(
    ("drawn", "passed"),
    [((("D50", "6mL"), ("SWFI", "54mL")), True), ((("D50", "7mL"), ("SWFI", "53mL")), False)],
)
def test_check_shows_every_line_npt_check_prints(
    app: Served, drawn: tuple[tuple[str, str], ...], passed: bool
) -> None:
    code, lines = cli_lines("check", "dextrose 5%", *(f"{p}={v}" for p, v in drawn))
    assert code == (0 if passed else 1)
    page = app.post("/check", check_fields("dextrose 5%", *drawn))
    assert page.status_code == 200
    shown = text_of(page.text)
    for line in lines:
        assert line in shown or all(c in shown for c in line.split(" ")), line
    assert f'class="verdict {"pass" if passed else "fail"}"' in page.text
    assert ("Check: PASS" if passed else "Check: FAIL") in shown


def test_check_records_the_signed_in_person_as_checker(tmp_path: Path) -> None:
    log = tmp_path / "clinic.log"
    app = serve(tmp_path, users=["B. Khan"], log=log)
    app.sign_in("B. Khan")
    page = app.post("/check", check_fields("dextrose 5%", ("D50", "6mL"), ("SWFI", "54mL")))
    assert "by B. Khan" in text_of(page.text)
    (record,) = records(log)
    assert (record["command"], record["checked_by"], record["prepared_by"]) == (
        "check",
        "B. Khan",
        None,
    )
    assert record["inputs"]["argv"] == ["dextrose 5%", "D50=6mL", "SWFI=54mL"]
    assert verify(log).ok


CHECK_ERRORS = [
    ("drawn-1", (("D50", "6mL"), ("XX", "54mL"))),
    ("drawn-0", (("D50", "6x"),)),
    ("drawn-1", (("D50", "6mL"), ("", "54mL"))),
    ("drawn-0", (("D50", ""),)),
    ("drawn", (("D50", "3mL"), ("D50W", "3mL"))),
]


@pytest.mark.parametrize(("field", "drawn"), CHECK_ERRORS)
def test_check_error_is_beside_the_row_it_concerns(
    app: Served, field: str, drawn: tuple[tuple[str, str], ...]
) -> None:
    expected = cli_error("check", "dextrose 5%", *(f"{p}={v}" for p, v in drawn))
    page = app.post("/check", check_fields("dextrose 5%", *drawn))
    assert page.status_code == 422
    if field == "drawn":
        assert expected in text_of(page.text)
    else:
        assert error_beside(page.text, field) == expected


@pytest.mark.parametrize(
    ("field", "more", "options"),
    [
        ("target", {"target": "dextrse 5%"}, []),
        ("tolerance", {"tolerance": "0.05"}, ["--tolerance", "0.05"]),
        ("weight", {"weight": "0kg"}, ["--weight", "0kg"]),
        ("bases", {"bases": "glucose"}, ["--basis", "glucose"]),
    ],
)
def test_check_error_in_other_fields(
    app: Served, field: str, more: dict[str, str], options: list[str]
) -> None:
    target = more.pop("target", "dextrose 5%")
    expected = cli_error("check", target, "D50=6mL", "SWFI=54mL", *options)
    page = app.post("/check", check_fields(target, ("D50", "6mL"), ("SWFI", "54mL"), **more))
    assert page.status_code == 422
    assert error_beside(page.text, field) == expected


def test_check_with_nothing_drawn_says_so(app: Served) -> None:
    page = app.post("/check", check_fields("dextrose 5%"))
    assert page.status_code == 422
    assert error_beside(page.text, "drawn").startswith("nothing drawn is given")


# -- protocols ---------------------------------------------------------------------------------


def test_protocols_lists_the_library(app: Served) -> None:
    page = app.client.get("/protocols")
    assert page.status_code == 200
    for path in sorted(shipped_dir().glob("*.yaml")):
        assert f'href="/protocols/{path.stem}"' in page.text


def test_a_protocol_shows_what_npt_protocols_show_prints(app: Served) -> None:
    page = app.client.get("/protocols/knee")
    assert page.status_code == 200
    printed = CliRunner().invoke(cli, ["protocols", "show", "knee"]).output
    assert re.sub(r"\s+", " ", printed).strip() in text_of(page.text)
    assert "<pre" in page.text
    assert 'href="/protocols/knee/sheet"' in page.text
    assert 'href="/protocols/knee/sheet.pdf"' in page.text


def test_an_unknown_protocol_is_404_in_the_cli_words(app: Served) -> None:
    page = app.client.get("/protocols/kneee")
    assert page.status_code == 404
    expected = cli_error("protocols", "show", "kneee")
    assert expected in text_of(page.text)


def test_trainer_sheet_is_the_html_npt_checklist_prints(app: Served) -> None:
    page = app.client.get("/protocols/knee/sheet")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    printed = CliRunner().invoke(cli, ["checklist", "knee", "--format", "html"]).output
    # The same sheet but for the minute it was made.
    strip = re.compile(r"made \d{4}-\d\d-\d\d \d\d:\d\d [+-]\d\d:\d\d|\\0000\w\w")
    assert len(strip.sub("", page.text)) == pytest.approx(len(strip.sub("", printed)), abs=200)
    assert "Side: " in text_of(page.text) or "Side" in page.text


def test_trainer_sheet_pdf(app: Served) -> None:
    page = app.client.get("/protocols/shoulder/sheet.pdf")
    assert page.status_code == 200
    assert page.headers["content-type"] == "application/pdf"
    assert page.content.startswith(b"%PDF-")
    assert 'filename="shoulder-trainer-sheet.pdf"' in page.headers["content-disposition"]


def test_trainer_sheet_of_an_unknown_protocol_is_404(app: Served) -> None:
    assert app.client.get("/protocols/nope/sheet").status_code == 404
    assert app.client.get("/protocols/nope/sheet.pdf").status_code == 404


def clinic_folder(tmp_path: Path, title: str) -> Path:
    """A clinic folder with the shipped knee protocol under a new id and title."""
    folder = tmp_path / "clinic"
    folder.mkdir(exist_ok=True)
    text = (shipped_dir() / "knee.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id: .*$", "id: clinic-knee", text, count=1)
    text = re.sub(r"(?m)^title: >-\n(?:  .*\n)+", f"title: {json.dumps(title)}\n", text, count=1)
    (folder / "clinic-knee.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_clinic_folder_comes_first_and_its_changes_are_seen(tmp_path: Path) -> None:
    folder = clinic_folder(tmp_path, "Our knee")
    app = serve(tmp_path, protocols_dir=folder)
    assert "Our knee" in app.client.get("/protocols").text
    clinic_folder(tmp_path, "Our knee, revised")
    assert "Our knee, revised" in app.client.get("/protocols/clinic-knee").text


def test_a_broken_clinic_file_is_named_not_hidden(tmp_path: Path) -> None:
    folder = clinic_folder(tmp_path, "Our knee")
    (folder / "broken.yaml").write_text("id: broken\ntitle: [\n")
    app = serve(tmp_path, protocols_dir=folder)
    page = app.client.get("/protocols")
    assert page.status_code == 200
    assert "broken.yaml has 1 problem and is left out" in text_of(page.text)


def test_a_missing_clinic_folder_is_said(tmp_path: Path) -> None:
    app = serve(tmp_path, protocols_dir=tmp_path / "gone")
    page = app.client.get("/protocols")
    assert page.status_code == 500
    assert "does not exist or is not a folder" in text_of(page.text)


# -- the rest ----------------------------------------------------------------------------------


def test_unknown_page_is_404_in_the_layout(app: Served) -> None:
    page = app.client.get("/nowhere")
    assert page.status_code == 404
    assert "There is no page here" in page.text
    assert 'href="/prepare"' in page.text


def test_a_method_a_page_does_not_take_is_405(app: Served) -> None:
    assert app.client.get("/logout").status_code == 405
    assert app.client.delete("/prepare").status_code in {403, 405}


def test_static_files_are_served_with_their_types(app: Served) -> None:
    css = app.client.get("/static/app.css")
    js = app.client.get("/static/app.js")
    assert css.status_code == js.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert js.headers["content-type"].startswith("text/javascript")
    assert app.client.get("/static/missing.css").status_code == 404


def test_sign_in_page_on_a_loopback_server_without_users_says_none_is_needed(app: Served) -> None:
    page = app.client.get("/login")
    assert page.status_code == 200
    assert "No one needs to sign in on this server" in text_of(page.text)
    assert app.post("/login", {"name": "x", "password": "y" * 12}).status_code == 401


def test_sign_in_and_out(tmp_path: Path) -> None:
    app = serve(tmp_path, users=["A. Lee"])
    assert app.client.get("/prepare").status_code == 303
    wrong = app.sign_in("A. Lee", "not the password")
    assert wrong.status_code == 401
    assert "The name or the password is wrong." in wrong.text
    done = app.sign_in("A. Lee")
    assert done.status_code == 303
    assert done.headers["location"] == "/"
    page = app.client.get("/prepare")
    assert page.status_code == 200
    assert "Signed in: <strong>A. Lee</strong>" in page.text
    out = app.post("/logout", {})
    assert out.status_code == 303
    assert out.headers["location"] == "/login"
    assert app.client.get("/prepare").status_code == 303


def test_sign_in_returns_to_the_page_asked_for(tmp_path: Path) -> None:
    app = serve(tmp_path, users=["A. Lee"])
    asked = app.client.get("/protocols/knee?x=1")
    assert asked.headers["location"] == "/login?next=%2Fprotocols%2Fknee%3Fx%3D1"
    login = app.client.get(asked.headers["location"])
    assert 'name="next" value="/protocols/knee?x=1"' in login.text
    done = app.post(
        "/login",
        {"name": "A. Lee", "password": "correct horse battery", "next": "/protocols/knee?x=1"},
    )
    assert done.headers["location"] == "/protocols/knee?x=1"


def test_a_sign_in_ends_after_the_idle_time(tmp_path: Path) -> None:
    app = serve(tmp_path, users=["A. Lee"], idle_seconds=600)
    app.sign_in("A. Lee")
    app.clock.advance(599)
    assert app.client.get("/").status_code == 200
    app.clock.advance(599)  # used in between: still signed in
    assert app.client.get("/").status_code == 200
    app.clock.advance(601)
    assert app.client.get("/").status_code == 303


def test_no_field_that_must_be_typed_shows_a_value_it_does_not_have(app: Served) -> None:
    # A faint example in an empty Target or Volume field reads as a value at arm's length; only
    # fields whose empty value is the faint one (a default) show one.
    for path in ["/prepare", "/check"]:
        page = app.client.get(path).text
        for field in re.findall(r"<input[^>]*>", page):
            name = re.search(r'name="([^"]+)"', field)
            if "placeholder=" in field:
                assert name is not None
                assert name.group(1) in {"diluent", "tolerance"}, field


def test_an_unexpected_failure_is_500_without_the_inner_workings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(prepare_page, "run_prepare", broken)
    app = serve(tmp_path)
    quiet = TestClient(app.client.app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    token = re.search(r'name="csrf_token" value="([^"]+)"', quiet.get("/prepare").text)
    assert token is not None
    page = quiet.post("/prepare", data={"csrf_token": token.group(1), **PREPARE_CASES[0][0]})
    assert page.status_code == 500
    assert "Something went wrong on the server" in page.text
    assert "secret detail" not in page.text
    assert "Traceback" not in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
