"""The treatment-room app in a real browser: Debian's chromium driven by Playwright (Python).

Nothing downloads a browser: Playwright is given chromium's own path (/usr/bin/chromium, or
NPT_CHROMIUM), and the tests are skipped, saying why, where either is missing. Each page is
photographed into tests/artifacts/ (not committed) to be looked at.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from npt_protocol.cli import cli
from tests.served import npt_serve
from tests.webapp import PASSWORD

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')"
)
CHROMIUM = (
    os.environ.get("NPT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
ARTIFACTS = Path(__file__).parent / "artifacts"
TABLET = {"width": 820, "height": 1180}  # a 10.9-inch tablet, portrait
DESKTOP = {"width": 1280, "height": 800}
# What a finger must be able to hit: at least 44 CSS pixels high (WCAG 2.5.5, Apple's HIG).
TOUCH_PX = 44
TARGETS = "button, input, select, textarea, summary, nav a, a.button, a.tile, a.protocol"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium is not installed (Debian: apt-get install chromium; or set "
        "NPT_CHROMIUM to its path)",
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless chromium for the module."""
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


class Tab:
    """A page in a browser context, recording every script error and refusal (a CSP refusal
    among them) and every static file that did not load. A page answered with an error status
    (422 for a form with an error) is not one: the tests check statuses themselves."""

    def __init__(self, browser: Any, viewport: dict[str, int], *, touch: bool = True) -> None:
        self.context = browser.new_context(viewport=viewport, has_touch=touch)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def _response(self, response: Any) -> None:
        if "/static/" in response.url and response.status >= 400:
            self.errors.append(f"{response.url}: {response.status}")

    def shot(self, name: str) -> Path:
        """Photograph the whole page into the artifacts folder."""
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def small_targets(self) -> list[str]:
        """List the visible controls less than TOUCH_PX high."""
        return self.small_targets_of(TARGETS)

    def small_targets_of(self, selector: str) -> list[str]:
        """List the visible elements the selector finds that are less than TOUCH_PX high."""
        found: list[str] = self.page.evaluate(
            """([selector, least]) => Array.from(document.querySelectorAll(selector))
                .filter(e => e.type !== 'hidden' && e.offsetParent !== null)
                .filter(e => e.getBoundingClientRect().height < least)
                .map(e => e.outerHTML.slice(0, 80))""",
            [selector, TOUCH_PX],
        )
        return found

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    opened = Tab(browser, TABLET)
    yield opened
    opened.close()


def records(log: Path) -> list[dict[str, Any]]:
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [r for r in map(json.loads, lines) if r.get("command")]


def test_prepare_a_recipe_and_see_the_verdict(tab: Tab, tmp_path: Path) -> None:
    log = tmp_path / "clinic.log"
    with npt_serve(["--log", str(log)], folder=tmp_path) as (url, _):
        page = tab.page
        page.goto(url)
        assert page.title() == "Home · npt"
        tab.shot("home")
        page.get_by_role("link", name="Prepare").first.click()
        page.get_by_label("Target strength").fill("dextrose 20% + lidocaine 0.1%")
        page.get_by_label("Final volume").fill("10mL")
        page.get_by_label("Stock 1").fill("D50")
        page.get_by_label("Stock 2").fill("lidocaine-1")
        page.get_by_text("More: diluent").click()  # a tap opens it: nothing needs hovering
        page.get_by_label("Patient weight").fill("70kg")
        page.get_by_label("Prepared by").fill("A. Lee")
        assert tab.small_targets() == []
        tab.shot("prepare-form")
        page.get_by_role("button", name="Work out the recipe").click()
        verdict = page.locator(".verdict")
        verdict.wait_for()
        assert verdict.inner_text().strip().startswith("✓ Result: WITHIN the tolerance")
        assert page.locator(".dose").inner_text().startswith("MAXIMUM TO INJECT:")
        assert "Recorded in the preparation log clinic.log, by A. Lee." in page.inner_text("main")
        assert tab.small_targets() == []
        tab.shot("prepare-recipe")
        # The style sheet and the script loaded, and the policy refused nothing.
        assert page.evaluate("getComputedStyle(document.querySelector('.verdict')).borderStyle")
        assert tab.errors == []
    (record,) = records(log)
    assert record["prepared_by"] == "A. Lee"


def test_a_recipe_error_is_shown_beside_its_field(tab: Tab, tmp_path: Path) -> None:
    with npt_serve([], folder=tmp_path) as (url, _):
        page = tab.page
        page.goto(url + "prepare")
        page.get_by_label("Target strength").fill("dextrose 5%")
        page.get_by_label("Final volume").fill("60x")
        page.get_by_label("Stock 1").fill("D50")
        page.get_by_role("button", name="Work out the recipe").click()
        error = page.locator("#volume-error")
        error.wait_for()
        assert error.inner_text() == (
            "--volume '60x' has an unknown unit 'x'; expected a volume such as 60mL, 0.5 mL or 1 L."
        )
        assert page.get_by_label("Final volume").get_attribute("aria-invalid") == "true"
        tab.shot("prepare-error")
        assert tab.errors == []


def test_a_form_sent_twice_quickly_is_recorded_once(tab: Tab, tmp_path: Path) -> None:
    log = tmp_path / "clinic.log"
    with npt_serve(["--log", str(log)], folder=tmp_path) as (url, _):
        page = tab.page
        page.goto(url + "prepare")
        page.get_by_label("Target strength").fill("dextrose 5%")
        page.get_by_label("Final volume").fill("60mL")
        page.get_by_label("Stock 1").fill("D50")
        with page.expect_navigation():
            page.evaluate(
                "() => { const f = document.querySelector('form[data-once]');"
                " f.requestSubmit(); f.requestSubmit(); }"
            )
        page.locator(".verdict").wait_for()
    assert len(records(log)) == 1


def test_check_what_was_drawn(tab: Tab, tmp_path: Path) -> None:
    with npt_serve([], folder=tmp_path) as (url, _):
        page = tab.page
        page.goto(url + "check")
        page.get_by_label("Target strength").fill("dextrose 5%")
        page.get_by_label("Product 1").fill("D50")
        page.get_by_label("Volume 1").fill("7mL")
        page.get_by_label("Product 2").fill("SWFI")
        page.get_by_label("Volume 2").fill("53mL")
        page.get_by_role("button", name="Check", exact=True).click()
        verdict = page.locator(".verdict")
        verdict.wait_for()
        text = verdict.inner_text()
        assert "Result: OUTSIDE the tolerance of 5 % for dextrose" in text
        assert "Check: FAIL" in text
        assert tab.small_targets() == []
        tab.shot("check-fail")
        assert tab.errors == []


def test_browse_a_protocol_and_its_trainer_sheet(tab: Tab, tmp_path: Path) -> None:
    with npt_serve([], folder=tmp_path) as (url, _):
        page = tab.page
        page.goto(url + "protocols")
        assert tab.small_targets() == []
        tab.shot("protocols")
        page.get_by_role("link", name="Knee — infrapatellar").first.click()
        page.get_by_role("heading", level=1).wait_for()
        assert page.url.endswith("/protocols/knee")
        assert "knee — Knee — infrapatellar" in page.locator("pre").inner_text()
        # A line of the 100-column text fits a tablet held upright (a longer word, a DOI,
        # scrolls sideways).
        fits = page.evaluate(
            """() => { const pre = document.querySelector('pre');
                const probe = document.createElement('span');
                probe.textContent = 'x'.repeat(100); pre.appendChild(probe);
                const fit = probe.getBoundingClientRect().width <= pre.clientWidth;
                probe.remove(); return fit; }"""
        )
        assert fits
        tab.shot("protocol-knee")
        page.screenshot(path=str(ARTIFACTS / "protocol-knee-top.png"))
        page.get_by_role("link", name="Trainer sheet", exact=True).click()
        page.wait_for_load_state()
        assert page.url.endswith("/protocols/knee/sheet")
        # The sheet's own print rules applied: its one style element is allowed by its hash.
        collapse = page.evaluate("getComputedStyle(document.querySelector('table')).borderCollapse")
        assert collapse == "collapse"
        tab.shot("protocol-knee-sheet")
        assert tab.errors == []


def test_sign_in_on_a_server_with_users(tab: Tab, tmp_path: Path) -> None:
    data = tmp_path / "data"
    added = CliRunner().invoke(
        cli, ["serve", "--data", str(data), "--add-user", "A. Lee"], input=PASSWORD
    )
    assert added.exit_code == 0, added.output
    with npt_serve([], folder=tmp_path) as (url, line):
        assert "sign-in required" in line
        page = tab.page
        page.goto(url + "prepare")
        assert "/login?next=" in page.url
        tab.shot("login")
        page.get_by_label("Name").fill("A. Lee")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Signed in:").wait_for()
        assert page.url.endswith("/prepare")
        assert tab.small_targets() == []
        tab.shot("prepare-signed-in")
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/login")
        assert tab.errors == []


def test_the_pages_on_a_desktop(browser: Any, tmp_path: Path) -> None:
    desk = Tab(browser, DESKTOP, touch=False)
    try:
        with npt_serve([], folder=tmp_path) as (url, _):
            desk.page.goto(url + "prepare")
            desk.page.get_by_label("Target strength").fill("dextrose 5%")
            desk.page.get_by_label("Final volume").fill("7mL")
            desk.page.get_by_label("Stock 1").fill("D50")
            desk.page.get_by_text("More: diluent").click()
            desk.page.get_by_label("Syringe set").fill("10 mL by 1 mL")
            desk.page.get_by_role("button", name="Work out the recipe").click()
            desk.page.locator(".verdict.fail").wait_for()
            assert "CANNOT BE SIGNED" in desk.page.locator(".verdict").inner_text()
            desk.shot("desktop-prepare-unsigned")
            assert desk.errors == []
    finally:
        desk.close()


def test_the_clinics_courses_and_a_patients_course(tab: Tab, tmp_path: Path) -> None:
    from tests.clinic_courses import make_clinic  # noqa: PLC0415 - course record only here

    clinic = make_clinic(tmp_path / "clinic.sqlite3")
    with npt_serve(["--db", clinic], folder=tmp_path) as (url, _):
        page = tab.page
        page.goto(url)
        page.get_by_role("link", name="Courses").first.click()
        page.get_by_role("heading", name="Courses").wait_for()
        assert page.locator(".courses li").count() == 4
        assert tab.small_targets() == []
        assert tab.small_targets_of(".course-link, .filters a") == []
        tab.shot("course-list")
        page.get_by_role("link", name="Flagged", exact=True).click()
        page.wait_for_url("**/course?flagged=1")
        assert page.locator(".courses li").count() == 1
        tab.shot("course-list-flagged")
        page.get_by_role("link", name="PT-0002 course 1").click()
        page.get_by_role("heading", name="PT-0002, course 1").wait_for()
        assert (
            "FLAG reconsider: not a responder after 3 sessions"
            in page.locator(".flag").inner_text()
        )
        chart = page.locator("figure.chart img")
        chart.scroll_into_view_if_needed()
        page.wait_for_function("() => document.querySelector('figure.chart img').complete")
        # The chart is drawn: an image of its own, allowed by the policy, fitting the page.
        assert page.evaluate("document.querySelector('figure.chart img').naturalWidth") > 0
        width = page.evaluate(
            "document.querySelector('figure.chart img').getBoundingClientRect().width"
        )
        assert 0 < width <= TABLET["width"]
        assert tab.small_targets() == []
        tab.shot("course-patient")
        page.get_by_role("link", name="History").click()
        page.get_by_role("heading", name="PT-0002: history").wait_for()
        assert page.locator("table.history tbody tr").count() == 4
        tab.shot("course-history")


def plan_from_the_chart(tab: Tab, url: str) -> None:
    """Choose the patient and two regions on the body chart, and see the plan."""
    page = tab.page
    page.goto(url + "session")
    page.get_by_label("Patient", exact=True).fill("PT-0042")
    # Two regions from the body chart: the right shoulder (one protocol there), then the
    # left knee (two protocols there: the chart asks which).
    assert page.locator("svg.body-map a.place").count() > 10
    smallest = page.evaluate(
        """() => Math.min(...Array.from(document.querySelectorAll('svg.body-map .hit'))
            .map(c => c.getBoundingClientRect().width))"""
    )
    assert smallest >= TOUCH_PX
    tab.shot("session-chart")
    page.locator('a.place[aria-label^="shoulder:right:"]').click()
    page.wait_for_url("**region=shoulder%3Aright**")
    assert page.get_by_label("Patient", exact=True).input_value() == "PT-0042"  # kept by the tap
    page.locator('a.place[aria-label^="knee:left, "]').click()
    page.get_by_text("Which protocol").wait_for()
    assert tab.small_targets() == []
    page.locator(".chooser").screenshot(path=str(ARTIFACTS / "session-chooser.png"))
    page.get_by_role("link", name="(knee:left)").click()
    page.wait_for_url("**region=knee%3Aleft**")
    assert page.locator("#plan-heading").inner_text() == "Session plan for PT-0042"
    shown = page.inner_text("main")
    assert "knee\tleft\t10\t5 mL\t1" in shown
    assert "shoulder\tright\t7\t3.5 mL\t1" in shown
    assert "Result: WITHIN the tolerance" in page.locator(".verdict").first.inner_text()
    assert tab.small_targets() == []
    tab.shot("session-plan")


def download_the_packet(tab: Tab, folder: Path) -> str:
    """Download the packet PDF and return its text."""
    from pypdf import PdfReader  # noqa: PLC0415 - only this test reads a PDF

    with tab.page.expect_download() as fetched:
        tab.page.get_by_role("button", name="Packet PDF").click()
    packet = folder / "packet.pdf"
    fetched.value.save_as(packet)
    assert packet.read_bytes().startswith(b"%PDF-")
    return "\n".join(p.extract_text() or "" for p in PdfReader(packet).pages)


def tick_and_save(tab: Tab) -> str:
    """Start the course, tick every point, enter the scores and save; return the status line
    shown before saving."""
    page = tab.page
    page.get_by_role("link", name="During the session").click()
    page.get_by_role("button", name="Start a course").click()
    status = page.locator("#status-line")
    status.wait_for()
    assert page.locator("#course-chart").count() == 0  # no session yet, no chart
    boxes = page.locator('input[name="tick"]')
    assert boxes.count() == 17
    page.get_by_label("Pain before (0 to 10)").fill("7")
    for index in range(boxes.count()):
        boxes.nth(index).locator("xpath=..").click()  # the whole row is the target
    assert page.locator('input[name="tick"]:checked').count() == 17
    page.get_by_label("Pain right after (0 to 10)").fill("3")
    assert tab.small_targets() == []
    tab.shot("during-ticked")
    before = status.inner_text()
    page.get_by_role("button", name="Save to the course").click()
    page.locator("#saved").wait_for()
    return before


def test_plan_a_session_from_the_chart_then_record_it(tab: Tab, tmp_path: Path) -> None:
    db = tmp_path / "course.sqlite3"
    log = tmp_path / "clinic.log"
    with npt_serve(["--db", str(db), "--log", str(log)], folder=tmp_path) as (url, _):
        page = tab.page
        plan_from_the_chart(tab, url)
        text = download_the_packet(tab, tmp_path)
        assert "knee" in text and "shoulder" in text and "PT-0042" in text
        assert [r["command"] for r in records(log)] == ["session"]
        before = tick_and_save(tab)
        assert page.locator("#saved").inner_text() == "Recorded session 1 of PT-0042, course 1."
        after = page.locator("#status-line").inner_text()
        assert after != before
        assert after.startswith("Status: baseline only: 1 session, pain before 7")
        chart = page.locator("#course-chart")
        chart.wait_for()
        for _ in range(100):  # the image loads after the page (no script may be evaluated)
            if chart.evaluate("img => img.complete && img.naturalWidth > 0"):
                break
            page.wait_for_timeout(100)
        assert chart.evaluate("img => img.naturalWidth") > 0
        svg = page.request.get(url + (chart.get_attribute("src") or "").lstrip("/")).text()
        # One session: a marker for the pain before and one for the pain right after.
        assert svg.count("<use ") >= 2
        assert "1 session" in (chart.get_attribute("alt") or "")
        assert tab.small_targets() == []
        tab.shot("during-saved")
        assert tab.errors == []
