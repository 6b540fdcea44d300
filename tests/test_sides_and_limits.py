"""No side by default, and a protocol's limits applied per side or per session as it states."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from npt_protocol import api
from npt_protocol.cli import cli
from npt_protocol.errors import InputError
from npt_protocol.planning.checklist import build_checklist, distribute, region_side
from npt_protocol.protocol.loader import load_file
from npt_protocol.protocol.model import Protocol
from npt_protocol.render.documents import checklist_data
from npt_protocol.render.sheets import checklist_sheet
from tests.sessions import META, session, shipped

FIXTURE = Path(__file__).parent / "protocol_fixtures" / "fixture-knee.yaml"
PREPARED = ["--prepared-at", "2026-11-25T09:00+00:00"]


def run(*args: str) -> tuple[int, str, str]:
    """Run npt and return the exit code, stdout and stderr."""
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


def midline_folder(tmp_path: Path) -> Path:
    """Write a copy of the fixture protocol whose only side is the midline."""
    text = FIXTURE.read_text(encoding="utf-8")
    text = text.replace("id: fixture-knee", "id: fixture-midline")
    text = text.replace("sides: [left, right, bilateral]", "sides: [midline]")
    folder = tmp_path / "protocols"
    folder.mkdir()
    (folder / "fixture-midline.yaml").write_text(text, encoding="utf-8")
    return folder


# --- No side by default -------------------------------------------------------------------


def test_checklist_without_a_side_leaves_it_blank_and_never_prints_left() -> None:
    code, out, _ = run("checklist", "knee")
    assert code == 0
    assert "Side: ________" in out
    assert "left" not in out.lower().replace("write left or right", "")
    heading = out.splitlines()[0]
    assert heading.startswith("KNEE") and "—" in heading and "LEFT" not in heading


def test_checklist_without_a_side_has_no_side_in_its_rows_or_json() -> None:
    code, out, _ = run("checklist", "knee", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["side"] is None
    assert {row["side"] for row in doc["rows"]} == {""}


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_blank_side_sheets_in_other_formats_print_no_side(fmt: str) -> None:
    code, out, _ = run("checklist", "shoulder", "--format", fmt)
    assert code == 0
    assert ">left<" not in out and "— left" not in out.lower()
    assert "Side" in out


def test_checklist_with_a_side_prints_that_side() -> None:
    code, out, _ = run("checklist", "knee", "--side", "right")
    assert code == 0
    assert out.splitlines()[0].endswith("— RIGHT")
    assert "Side: ____" not in out


@pytest.mark.parametrize("region", ["knee", "knee:", "shoulder"])
def test_a_session_region_without_a_side_exits_2_naming_the_choices(region: str) -> None:
    code, out, err = run("session", "--region", region, *PREPARED)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    if region.endswith(":"):
        assert "expected one of" in err
    else:
        assert "names no side" in err
        for side in ("left", "right", "bilateral"):
            assert side in err


def test_the_api_refuses_a_region_without_a_side() -> None:
    with pytest.raises(InputError, match=r"knee:left, knee:right, knee:bilateral"):
        api.plan_session(["knee"], prepared_at=dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC))


def test_region_side_reads_the_side_and_refuses_none() -> None:
    knee = shipped()["knee"]
    assert region_side(knee, "knee:Left") == "left"
    assert region_side(knee, " knee : bilateral ") == "bilateral"
    with pytest.raises(InputError, match="names no side"):
        region_side(knee, "knee")


def test_a_midline_only_protocol_needs_no_side(tmp_path: Path) -> None:
    folder = midline_folder(tmp_path)
    code, out, _ = run("checklist", "fixture-midline", "--protocols", str(folder))
    assert code == 0
    assert out.splitlines()[0].endswith("— MIDLINE")
    assert "Side: ____" not in out
    code, out, err = run(
        "session", "--region", "fixture-midline", "--protocols", str(folder), *PREPARED
    )
    assert code == 0, err
    assert "midline" in out


def test_the_midline_only_checklist_builds_without_a_side(tmp_path: Path) -> None:
    protocol = load_file(midline_folder(tmp_path) / "fixture-midline.yaml")
    assert not protocol.sided
    sheet = build_checklist(protocol, side=None)
    assert sheet.side == "midline"
    assert {row.side for row in sheet.rows} == {"midline"}


# --- Limits per side and per session ------------------------------------------------------


def test_achilles_limit_is_per_session_and_a_bilateral_sheet_keeps_to_it() -> None:
    achilles = shipped()["ankle-achilles"]
    assert achilles.limits.per == "session"
    assert achilles.limits.max_volume_ml == 5
    sheet = build_checklist(achilles, side="bilateral")
    assert sum(row.volume_ml for row in sheet.rows) <= 5
    with pytest.raises(InputError, match="per session, all sides together"):
        build_checklist(achilles, side="bilateral", points=10)


def test_the_audit_command_that_planned_7_5_ml_is_now_refused() -> None:
    # protocol-audit.md B2: two Achilles regions with 10 points each planned 7.5 mL.
    code, out, err = run(
        "session",
        "--region",
        "ankle-achilles:left",
        "--region",
        "ankle-achilles:right",
        "--points",
        "ankle-achilles=10",
        *PREPARED,
    )
    assert code == 2
    assert out == ""
    assert "20 points for ankle-achilles in the session" in err
    assert "maximum of 10 points per session, all sides together" in err


def test_points_for_a_protocol_hold_on_each_of_its_regions() -> None:
    # The audit saw --points ankle-achilles=10 give 10 points on the left and 5 on the right.
    plan = api.plan_session(
        ["knee:left", "knee:right"],
        points={"knee": 6},
        prepared_at=dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC),
    )
    assert [r.checklist.total_points for r in plan.regions] == [6, 6]


def test_the_sheet_prints_the_scope_of_its_limits() -> None:
    achilles = checklist_data(build_checklist(shipped()["ankle-achilles"], side="left"))
    knee = checklist_data(build_checklist(shipped()["knee"], side="left"))
    assert "per session, all sides together [yelland-2011]" in checklist_sheet(
        achilles, META, "text"
    )
    assert "20 mL per side (practice-based default" in checklist_sheet(knee, META, "text")


def _totals(
    protocol: Protocol, sides: list[str], points: int | None
) -> dict[str, tuple[int, Fraction]]:
    """Sum the points and volume each side receives from regions of one protocol."""
    shared = distribute(protocol, points)
    count = sum(c for _, _, c in shared)
    volume = sum((p.volume.default_ml * c for _, p, c in shared), Fraction(0))
    totals: dict[str, tuple[int, Fraction]] = {}
    for side in sides:
        for each in ("left", "right") if side == "bilateral" else (side,):
            n, v = totals.get(each, (0, Fraction(0)))
            totals[each] = (n + count, v + volume)
    return totals


def _allowed(protocol: Protocol, totals: dict[str, tuple[int, Fraction]]) -> bool:
    """Say whether side totals keep to the limits, summed over the sides when they are per
    session."""
    groups = list(totals.values())
    if protocol.limits.per == "session":
        groups = [(sum(n for n, _ in groups), sum((v for _, v in groups), Fraction(0)))]
    limits = protocol.limits
    return all(n <= limits.max_points and v <= limits.max_volume_ml for n, v in groups)


@st.composite
def same_protocol_regions(draw: st.DrawFn) -> tuple[str, list[str], int | None]:
    """Draw a shipped protocol, one or two of its sides, and a point count that it can share."""
    protocols = shipped()
    pid = draw(
        st.sampled_from(["ankle-achilles", "knee", "foot-plantar-heel", "anterior-chest-wall"])
    )
    protocol = protocols[pid]
    # Each side once (bilateral is both): a side asked for twice is refused before any limit.
    sides = draw(
        st.lists(st.sampled_from(protocol.sides), min_size=1, max_size=2, unique=True).filter(
            lambda chosen: len(chosen) == 1 or "bilateral" not in chosen
        )
    )
    capacity = min(protocol.limits.max_points, sum(p.count.max for _, p in protocol.points))
    points = draw(st.none() | st.integers(min_value=1, max_value=capacity))
    return pid, sides, points


@settings(max_examples=60, deadline=None)
@given(choice=same_protocol_regions())
def test_a_session_applies_limits_per_side_or_per_session_as_stated(
    choice: tuple[str, list[str], int | None],
) -> None:
    """Accepted exactly when the sums the protocol's scope names stay within its limits."""
    pid, sides, points = choice
    protocol = shipped()[pid]
    totals = _totals(protocol, sides, points)
    allowed = _allowed(protocol, totals)
    try:
        plan = session([(pid, side, points) for side in sides])
    except InputError as error:
        assert not allowed, str(error)
        scope = "per session" if protocol.limits.per == "session" else "per side"
        assert scope in str(error)
        return
    assert allowed
    injected = sum((s.injected_ml for s in plan.solutions), Fraction(0))
    assert injected == sum((v for _, v in totals.values()), Fraction(0))


@settings(max_examples=60, deadline=None)
@given(choice=same_protocol_regions())
def test_a_checklist_applies_limits_per_side_or_per_session_as_stated(
    choice: tuple[str, list[str], int | None],
) -> None:
    """One sheet, one side choice: refused exactly when its own rows break the stated scope."""
    pid, sides, points = choice
    protocol = shipped()[pid]
    side = sides[0]
    totals = _totals(protocol, [side], points)
    allowed = _allowed(protocol, totals)
    try:
        sheet = build_checklist(protocol, side=side, points=points)
    except InputError:
        assert not allowed
        return
    assert allowed
    assert sum(row.volume_ml for row in sheet.rows) == sum(v for _, v in totals.values())
