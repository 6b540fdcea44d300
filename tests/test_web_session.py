"""The Session and During-the-session pages through Starlette's test client: the plan in the
words `npt session` prints, the packet and labels, the bedside checklist, saving to the course
record (and correcting it), and every error path, beside the field it concerns."""

from __future__ import annotations

import html
import io
import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from npt_protocol.cli import cli
from npt_protocol.course.database import open_database
from npt_protocol.course.rules import default_rules
from npt_protocol.course.views import course_view, history
from npt_protocol.protocol.library import shipped_dir
from npt_protocol.settings import Settings
from tests.webapp import Served, serve

TWO = {"patient": "PT-0042", "region": ["knee:left", "shoulder:right"]}
QUERY = "patient=PT-0042&region=knee:left&region=shoulder:right"


@pytest.fixture(autouse=True)
def no_clinic_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read the machine's own settings file (the command line is run for comparison)."""
    (tmp_path / "empty.toml").write_text("")
    monkeypatch.setenv("NPT_CONFIG", str(tmp_path / "empty.toml"))


def text_of(page: str) -> str:
    """Return a page's text: tags removed, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def error_beside(page: str, field: str) -> str:
    """Return the error shown beside a field (its element id is FIELD-error)."""
    found = re.search(rf'<p class="field-error" id="{re.escape(field)}-error"[^>]*>(.*?)</p>', page)
    assert found is not None, f"no error beside {field}"
    return html.unescape(found.group(1))


def cli_error(*argv: str) -> str:
    """Run `npt` and return the sentence it prints on standard error."""
    result = CliRunner().invoke(cli, list(argv))
    assert result.exit_code != 0, result.output
    return result.stderr.strip().removeprefix("Error: ")


def cli_lines(*argv: str) -> list[str]:
    """Run `npt` and return its output's lines, spaces collapsed."""
    result = CliRunner().invoke(cli, list(argv))
    assert result.exit_code == 0, result.output
    return [re.sub(r"\s+", " ", line).strip() for line in result.stdout.splitlines()]


def ticks_of(page: str) -> list[str]:
    """Return the value of every tick box on a page."""
    return re.findall(r'name="tick" value="([^"]+)"', page)


@pytest.fixture
def app(tmp_path: Path) -> Served:
    return serve(tmp_path, course_db=str(tmp_path / "course.sqlite3"), operator="clinic-pc")


def started(app: Served, query: str = QUERY, **fields: Any) -> None:
    """Start a course for the planned regions through the page."""
    fields = {**TWO, **fields}
    response = app.client.post(
        "/during/start", data={"csrf_token": app.token(f"/during?{query}"), **fields}
    )
    assert response.status_code == 303, text_of(response.text)


def saved(app: Served, ticks: list[str], **fields: Any) -> Any:
    """Send the bedside form with these ticks."""
    data = {**TWO, "tick": ticks, "pain_before": "7", "pain_after": "3", **fields}
    return app.client.post(
        f"/during?{QUERY}", data={"csrf_token": app.token(f"/during?{QUERY}"), **data}
    )


def download(app: Served, path: str, fields: dict[str, Any]) -> Any:
    """Send a PDF form from the plan's page, with its token."""
    token = app.token(f"/session?{QUERY}")
    return app.client.post(path, data={"csrf_token": token, **fields})


def the_course(app: Served, patient: str = "PT-0042") -> Any:
    """Read the patient's course back from the database."""
    assert app.config.course_db is not None
    engine = open_database(app.config.course_db)
    try:
        return course_view(engine, patient=patient, rules=default_rules())
    finally:
        engine.dispose()


# -- Session: the chart, the list, the plan ------------------------------------------------------


def test_the_session_page_offers_the_body_chart_and_a_list(app: Served) -> None:
    page = app.client.get("/session")
    assert page.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="body-map"' in page.text
    # Every region and side is a link on the chart, and a tick box in the list.
    assert 'data-place="front:' in page.text
    assert re.search(r'<input type="checkbox" name="region" value="knee:left">', page.text)
    assert re.search(r'<input type="checkbox" name="region" value="shoulder:right">', page.text)
    assert "Session plan" not in page.text


def test_a_place_on_the_chart_adds_its_region_and_a_second_tap_removes_it(app: Served) -> None:
    page = app.client.get("/session?patient=PT-0042")
    links = re.findall(r'<a href="([^"]+)" class="place[^"]*" data-place="([^"]+)"', page.text)
    shoulder = [html.unescape(h) for h, place in links if "region=shoulder%3Aright" in h]
    assert shoulder, "no chart link adds shoulder:right"
    chosen = app.client.get(shoulder[0].split("#")[0])
    assert chosen.status_code == 200
    assert 'value="shoulder:right" checked' in chosen.text
    assert 'class="place on"' in chosen.text
    assert "Session plan for PT-0042" in chosen.text
    again = re.findall(r'<a href="([^"]+)" class="place on"', chosen.text)
    removed = app.client.get(html.unescape(again[0]).split("#")[0])
    assert 'value="shoulder:right" checked' not in removed.text


def test_a_place_several_protocols_treat_asks_which(app: Served) -> None:
    page = app.client.get("/session?patient=PT-0042")
    # knee and knee-mannitol share the knee's place on the chart.
    asks = [
        html.unescape(h)
        for h in re.findall(r'<a href="([^"]+)" class="place"', page.text)
        if "at=" in h
    ]
    assert asks
    chooser = app.client.get(asks[0].split("#")[0])
    assert "Which protocol" in chooser.text
    assert len(re.findall(r'<a class="button" href="/session\?', chooser.text)) >= 2


def test_the_plan_is_in_the_words_npt_session_prints(app: Served) -> None:
    page = app.client.get(f"/session?{QUERY}")
    assert page.status_code == 200
    shown = text_of(page.text)
    printed = cli_lines(
        "session", "--region", "knee:left", "--region", "shoulder:right", "--patient", "PT-0042",
        "--format", "text",
    )  # fmt: skip
    volumes = next(line for line in printed if line.startswith("Injected ") and "needed" in line)
    assert volumes in shown
    achieved = next(i for i, line in enumerate(printed) if line.startswith("Achieved: "))
    # The achieved line wraps at 100 columns on the terminal.
    assert f"{printed[achieved]} {printed[achieved + 1]}".strip() in shown
    assert "Result: WITHIN the tolerance" in shown
    for region in ("knee left 10 5 mL 1", "shoulder right 7 3.5 mL 1"):
        assert region in shown
    assert 'id="packet-pdf"' in page.text and 'id="labels-pdf"' in page.text
    assert f'href="/during?{html.escape(QUERY.replace(":", "%3A"))}"' in page.text


def test_point_counts_change_the_plan(app: Served) -> None:
    page = app.client.get(f"/session?{QUERY}&points-knee=6")
    assert "knee left 6 3 mL 1" in text_of(page.text)
    assert 'value="6"' in page.text


@pytest.mark.parametrize(
    ("query", "field", "argv"),
    [
        ("patient=+PT-1&region=knee:left", "patient", ["--patient", " PT-1"]),
        ("patient=" + "P" * 40 + "&region=knee:left", "patient", ["--patient", "P" * 40]),
        ("patient=PT-1&region=knee:up", "regions", ["--patient", "PT-1"]),
        ("patient=PT-1&region=nope:left", "regions", ["--patient", "PT-1"]),
        ("patient=PT-1&region=knee:left&weight=70x", "weight", ["--weight", "70x"]),
    ],
)
def test_a_session_error_is_the_commands_sentence_beside_its_field(
    app: Served, query: str, field: str, argv: list[str]
) -> None:
    page = app.client.get(f"/session?{query}")
    assert page.status_code == 422
    regions = [r for part in query.split("&") if part.startswith("region=") for r in [part[7:]]]
    expected = cli_error("session", *[a for r in regions for a in ("--region", r)], *argv)
    assert error_beside(page.text, field) == expected
    assert "Session plan" not in page.text


def test_too_many_points_are_refused_in_the_commands_words(app: Served) -> None:
    page = app.client.get("/session?patient=PT-1&region=knee:left&points-knee=99")
    assert page.status_code == 422
    expected = cli_error("session", "--region", "knee:left", "--points", "knee=99")
    assert expected in text_of(page.text)


def test_no_region_is_refused(app: Served) -> None:
    page = app.client.get("/session?patient=PT-1")
    assert page.status_code == 422
    assert "No region is given" in error_beside(page.text, "regions")


# -- Session: the packet and the labels ----------------------------------------------------------


def pdf_text(content: bytes) -> str:
    """Return the text of every page of a PDF."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def test_the_packet_pdf_names_both_regions(app: Served) -> None:
    response = download(app, "/session/packet.pdf", TWO)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="PT-0042-packet.pdf"' in response.headers["content-disposition"]
    text = pdf_text(response.content)
    assert "knee" in text and "shoulder" in text
    assert "PT-0042" in text


def test_the_labels_pdf_is_the_labels_of_the_session(app: Served) -> None:
    response = download(app, "/session/labels.pdf", TWO)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "PT-0042" in text
    assert "knee" in text.lower() and "shoulder" in text.lower()


def test_with_a_log_each_batch_is_recorded_under_the_signed_in_name(tmp_path: Path) -> None:
    log = tmp_path / "clinic.log"
    app = serve(
        tmp_path, host="0.0.0.0", users=["A. Lee"], base_url="http://clinic.lan:8000", log=log
    )
    app.sign_in("A. Lee")
    response = download(app, "/session/packet.pdf", TWO)
    assert response.status_code == 200, text_of(response.text)
    records = [json.loads(line) for line in log.read_text().splitlines()]
    batches = [r for r in records if r.get("command") == "session"]
    assert len(batches) == 1  # one solution for both regions
    assert batches[0]["prepared_by"] == "A. Lee"
    assert "knee:left" in batches[0]["protocol"]["regions"]
    assert "shoulder:right" in batches[0]["protocol"]["regions"]
    # `npt log verify` accepts the log, results recomputed.
    result = CliRunner().invoke(cli, ["log", "verify", str(log)])
    assert result.exit_code == 0, result.output
    assert "Recorded by" not in text_of(app.client.get(f"/during?{QUERY}").text)


def test_a_log_that_cannot_be_written_gives_no_pdf(tmp_path: Path) -> None:
    log = tmp_path / "clinic.log"
    log.write_text("this is not a preparation log\n")
    app = serve(tmp_path, log=log)
    response = download(app, "/session/packet.pdf", TWO)
    assert response.status_code == 500
    assert not response.content.startswith(b"%PDF")
    assert "Not recorded:" in text_of(response.text)


def test_a_session_that_cannot_be_signed_says_why_and_offers_no_pdf(tmp_path: Path) -> None:
    app = serve(tmp_path, settings=Settings(values={"tolerance": "0.1%"}))
    page = app.client.get("/session?patient=PT-1&region=knee:left")
    assert page.status_code == 200
    Path(tmp_path / "tight.toml").write_text('tolerance = "0.1%"\n')
    runner = CliRunner(env={"NPT_CONFIG": str(tmp_path / "tight.toml")})
    result = runner.invoke(cli, ["session", "--region", "knee:left", "--patient", "PT-1"])
    assert result.exit_code == 1
    sentence = result.stderr.strip().removeprefix("Error: ")
    assert f"Error: {sentence}" in text_of(page.text)
    assert 'id="packet-pdf"' not in page.text and 'id="labels-pdf"' not in page.text
    token = app.token("/prepare")  # the plan offers no PDF form, so no token of its own
    refused = app.client.post(
        "/session/packet.pdf", data={"csrf_token": token, "patient": "PT-1", "region": "knee:left"}
    )
    assert refused.status_code == 422
    assert not refused.content.startswith(b"%PDF")


# -- During: the checklist, starting a course, saving, correcting --------------------------------


def test_the_bedside_checklist_groups_the_points_by_nerve(app: Served) -> None:
    page = app.client.get(f"/during?{QUERY}")
    assert page.status_code == 200
    ticks = ticks_of(page.text)
    assert len([t for t in ticks if t.startswith("knee:left:")]) == 10
    assert len([t for t in ticks if t.startswith("shoulder:right:")]) == 7
    shown = text_of(page.text)
    assert "Infrapatellar branch of the saphenous nerve" in shown
    assert "Total: 10 points, 5 mL." in shown
    # No course yet: the page offers to start one, and cannot save.
    assert 'id="start-course"' in page.text
    assert 'id="save" disabled' in page.text


def test_starting_a_course_is_npt_course_start(app: Served) -> None:
    started(app)
    view = the_course(app)
    assert [r.label for r in view.course.plan.regions] == ["knee:left", "shoulder:right"]
    assert view.course.created_by == "clinic-pc"
    page = app.client.get(f"/during?{QUERY}")
    assert 'id="start-course"' not in page.text
    assert "Status: no sessions" in text_of(page.text)


def test_saving_records_the_ticked_points_and_shows_the_chart(app: Served) -> None:
    started(app)
    ticks = ticks_of(app.client.get(f"/during?{QUERY}").text)
    chosen = [t for t in ticks if t.startswith("knee:left:")][:6] + [
        t for t in ticks if t.startswith("shoulder:right:")
    ]
    page = saved(app, chosen, by="")
    assert page.status_code == 200, text_of(page.text)
    shown = text_of(page.text)
    assert "Recorded session 1 of PT-0042, course 1." in shown
    assert "Status: baseline only: 1 session, pain before 7 against baseline 7" in shown
    session = the_course(app).sessions[0]
    assert session.values.pain_before == 7 and session.values.pain_after == 3
    assert {(s.protocol, s.side, s.points) for s in session.values.sites} == {
        ("knee", "left", 6),
        ("shoulder", "right", 7),
    }
    assert session.stamp.recorded_by == "clinic-pc"
    chart = re.search(r'<img class="course-chart" id="course-chart" src="([^"]+)"', page.text)
    assert chart is not None
    svg = app.client.get(html.unescape(chart.group(1)))
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "script-src" not in svg.headers["content-security-policy"]
    assert svg.text.lstrip().startswith("<?xml")


def test_a_typed_name_records_the_session_when_no_one_signs_in(app: Served) -> None:
    started(app, by="B. Ng")
    assert the_course(app).course.created_by == "B. Ng"
    page = saved(app, ["knee:left:1"], by="B. Ng")
    assert page.status_code == 200
    assert the_course(app).sessions[0].stamp.recorded_by == "B. Ng"


def test_the_signed_in_person_records_the_session(tmp_path: Path) -> None:
    app = serve(
        tmp_path,
        host="0.0.0.0",
        users=["A. Lee"],
        base_url="http://clinic.lan:8000",
        course_db=str(tmp_path / "course.sqlite3"),
    )
    app.sign_in("A. Lee")
    started(app)
    page = saved(app, ["knee:left:1", "shoulder:right:2"])
    assert page.status_code == 200, text_of(page.text)
    assert 'name="by"' not in page.text
    view = the_course(app)
    assert view.course.created_by == "A. Lee"
    assert view.sessions[0].stamp.recorded_by == "A. Lee"


@pytest.mark.parametrize(
    ("fields", "field", "argv"),
    [
        ({"pain_before": "11"}, "pain_before", ["--pain-before", "11"]),
        ({"pain_after": "-1"}, "pain_after", ["--pain-before", "7", "--pain-after", "-1"]),
        ({"pain_before": "seven"}, "pain_before", ["--pain-before", "seven"]),
        ({"date": "2026-13-01"}, "date", ["--pain-before", "7", "--date", "2026-13-01"]),
    ],
)
def test_a_score_or_date_out_of_range_is_refused_in_the_commands_words(
    app: Served, fields: dict[str, str], field: str, argv: list[str]
) -> None:
    started(app)
    page = saved(app, ["knee:left:1"], **fields)
    assert page.status_code == 422
    expected = cli_error("course", "record", "PT-0042", "--db", str(app.config.course_db), *argv)
    assert error_beside(page.text, field) == expected
    assert the_course(app).sessions == ()
    # What was ticked and typed is still there, to correct and send again.
    assert 'value="knee:left:1" checked' in page.text


def test_a_future_date_is_refused(app: Served) -> None:
    started(app)
    tomorrow = (app.config.now().astimezone().date()).replace(year=2999).isoformat()
    page = saved(app, ["knee:left:1"], date=tomorrow)
    assert page.status_code == 422
    assert "is in the future" in error_beside(page.text, "date")
    assert the_course(app).sessions == ()


def test_nothing_ticked_is_refused(app: Served) -> None:
    started(app)
    page = saved(app, [])
    assert page.status_code == 422
    assert "no point is ticked" in error_beside(page.text, "ticks")


def test_a_tick_for_a_point_not_planned_is_refused(app: Served) -> None:
    started(app)
    page = saved(app, ["knee:left:99"])
    assert page.status_code == 422
    assert the_course(app).sessions == ()


def test_saving_without_a_course_says_to_start_one(app: Served) -> None:
    started(app, query="patient=PT-0042&region=knee:left", region=["knee:left"])
    page = saved(app, ["knee:left:1"])  # shoulder:right is in no course
    assert page.status_code == 422
    assert "has no open course for knee:left, shoulder:right" in text_of(page.text)
    assert 'id="start-course"' in page.text


def test_a_second_save_on_one_day_is_refused_not_doubled(app: Served) -> None:
    started(app)
    assert saved(app, ["knee:left:1"]).status_code == 200
    again = saved(app, ["knee:left:1"])
    assert again.status_code == 422
    assert "correct it with `npt course amend`" in text_of(again.text)
    assert len(the_course(app).sessions) == 1


def test_changing_a_saved_score_is_an_amendment_with_a_reason(app: Served) -> None:
    started(app)
    page = saved(app, ["knee:left:1", "knee:left:2"])
    assert 'id="amend"' in page.text
    token = app.token(f"/during?{QUERY}")
    fields = {**TWO, "session": "1", "pain_before": "6", "pain_after": "3", "csrf_token": token}
    missing = app.client.post(f"/during/amend?{QUERY}", data=fields)
    assert missing.status_code == 422
    assert error_beside(missing.text, "reason") == "--reason is required; say why, in a few words."
    amended = app.client.post(f"/during/amend?{QUERY}", data={**fields, "reason": "typed 7"})
    assert amended.status_code == 200
    assert "Session 1 of PT-0042 is now version 2" in text_of(amended.text)
    assert "pain before 6 against baseline 6" in text_of(amended.text)
    assert the_course(app).sessions[0].values.pain_before == 6
    assert app.config.course_db is not None
    engine = open_database(app.config.course_db)
    try:
        entries = history(engine, patient="PT-0042")
    finally:
        engine.dispose()
    versions = [e for e in entries if e.what.startswith("session 1 version")]
    assert [e.what for e in versions] == ["session 1 version 1", "session 1 version 2"]
    assert versions[1].reason == "typed 7"


def test_an_unreadable_database_is_shown_not_lost(tmp_path: Path) -> None:
    broken = tmp_path / "course.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)
    app = serve(tmp_path, course_db=str(broken), operator="clinic-pc")
    response = app.client.post(
        "/during/start", data={"csrf_token": app.token(f"/during?{QUERY}"), **TWO}
    )
    assert response.status_code == 500
    assert "cannot be opened as a course database" in text_of(response.text)
    page = saved(app, ["knee:left:1"])
    assert page.status_code == 500
    assert "cannot be opened as a course database" in text_of(page.text)


def test_without_a_database_the_page_says_so(tmp_path: Path) -> None:
    app = serve(tmp_path)
    page = app.client.get(f"/during?{QUERY}")
    assert page.status_code == 422
    assert "No course database is set for this server" in text_of(page.text)


def test_a_chart_for_an_unknown_patient_is_not_found(app: Served) -> None:
    started(app)
    assert app.client.get("/course/PT-9999/chart.svg").status_code == 404
    assert app.client.get("/course/%3Cscript%3E/chart.svg").status_code == 404


# -- security --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/session/packet.pdf", "/session/labels.pdf", "/during", "/during/start"]
)
def test_a_form_without_its_token_is_refused(app: Served, path: str) -> None:
    response = app.client.post(path, data={**TWO, "pain_before": "5", "tick": "knee:left:1"})
    assert response.status_code == 403
    assert not response.content.startswith(b"%PDF")


def test_amending_without_a_token_is_refused(app: Served) -> None:
    started(app)
    saved(app, ["knee:left:1"])
    response = app.client.post(
        "/during/amend", data={**TWO, "session": "1", "pain_before": "1", "reason": "x"}
    )
    assert response.status_code == 403
    assert the_course(app).sessions[0].values.pain_before == 7


@pytest.mark.parametrize(
    "path", ["/session", f"/session?{QUERY}", f"/during?{QUERY}", "/course/PT-1/chart.svg"]
)
def test_on_a_network_address_the_pages_need_a_sign_in(tmp_path: Path, path: str) -> None:
    app = serve(
        tmp_path,
        host="0.0.0.0",
        users=["A. Lee"],
        base_url="http://clinic.lan:8000",
        course_db=str(tmp_path / "course.sqlite3"),
    )
    page = app.client.get(path)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=")
    token = app.token("/login")
    refused = app.client.post("/during", data={"csrf_token": token, **TWO})
    assert refused.status_code == 403


def test_a_protocol_title_with_a_script_is_shown_as_text(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    folder.mkdir()
    title = 'Knee <script>alert("x")</script> & <b>bold</b>'
    text = (shipped_dir() / "knee.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id: .*$", "id: evil-knee", text, count=1)
    text = re.sub(r"(?m)^title: >-\n(?:  .*\n)+", f"title: {json.dumps(title)}\n", text, count=1)
    (folder / "evil-knee.yaml").write_text(text, encoding="utf-8")
    app = serve(tmp_path, protocols_dir=folder, course_db=str(tmp_path / "c.sqlite3"))
    query = "patient=PT-1&region=evil-knee:left"
    for path in ["/session", f"/session?{query}", f"/during?{query}"]:
        page = app.client.get(path)
        assert page.status_code == 200, path
        assert "<script>alert" not in page.text, path
        assert "<b>bold" not in page.text, path
    assert "&lt;script&gt;alert(" in app.client.get("/session").text


def test_typed_text_comes_back_as_text(app: Served) -> None:
    page = app.client.get('/session?patient="><script>alert(1)</script>&region=knee:left')
    assert page.status_code == 200  # printable and short: --patient takes it too
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_the_new_pages_have_no_inline_script_or_style(app: Served) -> None:
    started(app)
    pages = [app.client.get(p) for p in ["/session", f"/session?{QUERY}", f"/during?{QUERY}"]]
    pages.append(saved(app, ["knee:left:1"]))
    for page in pages:
        assert page.status_code == 200
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page.text) == []
        assert " style=" not in page.text
        assert "<style" not in page.text
        assert "'unsafe-inline'" not in page.headers["content-security-policy"]


# -- many tablets at once ---------------------------------------------------------------------


def test_sessions_saved_at_once_for_different_patients_are_all_kept(app: Served) -> None:
    patients = [f"PT-{n:04d}" for n in range(8)]
    for patient in patients:
        query = f"patient={patient}&region=knee:left"
        response = app.client.post(
            "/during/start",
            data={"csrf_token": app.token(f"/during?{query}"), "patient": patient,
                  "region": "knee:left"},
        )  # fmt: skip
        assert response.status_code == 303
    token = app.token(f"/session?{QUERY}")
    failures: list[str] = []
    barrier = threading.Barrier(len(patients))

    def save(patient: str) -> None:
        barrier.wait()
        response = app.client.post(
            f"/during?patient={patient}&region=knee:left",
            data={"csrf_token": token, "patient": patient, "region": "knee:left",
                  "tick": ["knee:left:1", "knee:left:2", "knee:left:3"], "pain_before": "5"},
        )  # fmt: skip
        if response.status_code != 200 or "Recorded session 1" not in response.text:
            failures.append(f"{patient}: {response.status_code} {text_of(response.text)[:200]}")

    threads = [threading.Thread(target=save, args=(p,)) for p in patients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    for patient in patients:
        sessions = the_course(app, patient).sessions
        assert len(sessions) == 1
        assert sessions[0].values.sites[0].points == 3


def test_a_locked_database_is_shown_and_the_form_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3  # noqa: PLC0415

    from npt_protocol.course import database  # noqa: PLC0415

    app = serve(tmp_path, course_db=str(tmp_path / "course.sqlite3"), operator="clinic-pc")
    started(app)
    app.client.close()
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)  # fresh connections wait 0.2 s
    app = serve(tmp_path, course_db=str(tmp_path / "course.sqlite3"), operator="clinic-pc")
    holder = sqlite3.connect(tmp_path / "course.sqlite3", isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")  # another writer holds the database
        page = saved(app, ["knee:left:1", "knee:left:2"])
        assert page.status_code == 500
        assert "The course database cannot be written: database is locked." in text_of(page.text)
        assert 'value="knee:left:2" checked' in page.text
        assert 'value="7"' in page.text
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert saved(app, ["knee:left:1"]).status_code == 200  # sent again once it is free
    assert len(the_course(app).sessions) == 1


def test_the_home_page_says_where_sessions_go(app: Served, tmp_path: Path) -> None:
    assert "recorded in the course database" in text_of(app.client.get("/").text)
    bare = serve(tmp_path / "bare")
    assert "No course database is set" in text_of(bare.client.get("/").text)


def test_a_session_saved_today_can_be_corrected_when_the_page_is_opened_again(
    app: Served,
) -> None:
    started(app)
    assert "Correct session" not in app.client.get(f"/during?{QUERY}").text
    saved(app, ["knee:left:1"])
    page = app.client.get(f"/during?{QUERY}")
    assert "Correct session 1's scores" in text_of(page.text)
    assert 'name="session" value="1"' in page.text


def test_a_name_typed_on_the_session_page_prepares_the_batch(tmp_path: Path) -> None:
    log = tmp_path / "clinic.log"
    app = serve(tmp_path, log=log)
    page = app.client.get(f"/session?{QUERY}&by=B.+Ng")
    assert page.status_code == 200
    assert 'name="by" value="B. Ng"' in page.text
    response = download(app, "/session/labels.pdf", {**TWO, "by": "B. Ng"})
    assert response.status_code == 200
    assert "B. Ng" in pdf_text(response.content)
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["prepared_by"] for r in records if r.get("command") == "session"] == ["B. Ng"]


def test_a_name_without_a_log_is_refused_as_the_command_refuses_it(app: Served) -> None:
    response = download(app, "/session/packet.pdf", {**TWO, "by": "B. Ng"})
    assert response.status_code == 422
    expected = cli_error("session", "--region", "knee:left", "--by", "B. Ng")
    assert expected in text_of(response.text)
