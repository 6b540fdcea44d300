"""The response rules as sourced data, the status as a pure function of the scores, the inputs'
grammars, and the chart: no database needed."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from npt_protocol.course import rules
from npt_protocol.course.chart import FLAG, chart_svg
from npt_protocol.course.inputs import minutes_text, pain, patient_code, relief_minutes
from npt_protocol.course.rules import default_rules, load_rules, with_settings
from npt_protocol.course.status import Score, course_status, responds
from npt_protocol.errors import InputError, NptError
from npt_protocol.protocol import model
from npt_protocol.times import parse_date

RULES = default_rules()
SCORES = st.lists(
    st.tuples(
        st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        st.integers(0, 10),
        st.one_of(st.none(), st.integers(0, 10)),
        st.sampled_from(["knee:left", "shoulder:right"]),
    ),
    max_size=12,
    unique_by=lambda s: (s[0], s[3]),
)


def test_the_shipped_rules_carry_their_sources() -> None:
    assert (RULES.responder_points, RULES.responder_percent) == (2, Fraction(30))
    assert RULES.responder_origin.source == "farrar-2001"
    assert "Pain 2001;94(2):149-158" in RULES.responder_origin.citation
    assert RULES.responder_origin.text == "Farrar 2001"
    assert RULES.reconsider_after == 3
    for origin in (RULES.reconsider_origin, RULES.plateau_origin):
        assert origin.text == "practice-based default — confirm locally"


def test_the_practice_default_words_are_the_protocol_models() -> None:
    assert (rules.PRACTICE_DEFAULT, rules.PRACTICE_DEFAULT_TEXT) == (
        model.PRACTICE_DEFAULT,
        model.PRACTICE_DEFAULT_TEXT,
    )


def test_a_broken_rules_file_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "rules.toml"
    broken.write_text('[responder]\npoints = "2"\n', encoding="utf-8")
    with pytest.raises(NptError, match="cannot be read"):
        load_rules(broken)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"responder_percent": 30}, "is not a percentage"),
        ({"responder_percent": "130%"}, "is not a percentage"),
        ({"responder_points": 0}, "whole number of at least 1"),
        ({"reconsider_after": "two"}, "is not a number"),
        ({"plateau_sessions": True}, "is not a whole number"),
        ({"reconsider": 3}, "unknown key 'reconsider'"),
    ],
)
def test_a_clinic_setting_out_of_range_is_refused(table: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        with_settings(RULES, table)


def test_farrars_rule_by_hand() -> None:
    # 7 -> 5: 2 points (29 %): yes by points. 3 -> 2: 1 point (33 %): yes by percent.
    # 10 -> 8: 2 points (20 %): yes by points. 9 -> 7: 2 points: yes. 9 -> 8: 1 point (11 %): no.
    # 0 -> 0: nothing to fall from: no. 5 -> 6: a rise: no.
    cases = [(7, 5, True), (3, 2, True), (10, 8, True), (9, 7, True), (9, 8, False)]
    cases += [(0, 0, False), (5, 6, False), (1, 1, False), (1, 0, True)]
    assert [responds(RULES, b, a) for b, a, _ in cases] == [r for _, _, r in cases]


@given(scores=SCORES, seed=st.randoms(use_true_random=False))
def test_the_status_does_not_depend_on_the_order_of_recording(
    scores: list[tuple[dt.date, int, int | None, str]], seed: object
) -> None:
    events = [Score(date, before, after, sites) for date, before, after, sites in scores]
    shuffled = list(events)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    assert course_status(shuffled, RULES, protocol_after=3) == course_status(
        events, RULES, protocol_after=3
    )


@given(scores=SCORES)
def test_every_flag_names_its_rule_numbers_and_source(
    scores: list[tuple[dt.date, int, int | None, str]],
) -> None:
    status = course_status([Score(*s) for s in scores], RULES)
    for flag in status.flags:
        assert flag.rule in {"reconsider", "plateau"}
        assert any(ch.isdigit() for ch in flag.text)
        assert flag.source
    if status.state == "not a responder":
        assert [f.rule for f in status.flags][:1] == ["reconsider"]
        assert status.sessions >= status.judged_after
    if status.responder:
        assert status.baseline is not None and status.latest is not None
        assert (
            status.baseline - status.latest >= 2
            or (status.baseline - status.latest) * 100 >= 30 * status.baseline
        )


@pytest.mark.parametrize(
    ("text", "minutes"), [("3d", 4320), ("12h", 720), ("2w", 20160), ("1.5d", 2160), ("0h", 0)]
)
def test_relief_durations(text: str, minutes: int) -> None:
    assert relief_minutes(text) == minutes


@pytest.mark.parametrize("text", ["3", "3 days", "d3", "-1d", "3D", "1e2h", "0.001h", "3dd", ""])
def test_relief_durations_refused(text: str) -> None:
    with pytest.raises(InputError):
        relief_minutes(text)


def test_words_for_durations_pain_and_identifiers() -> None:
    assert [minutes_text(m) for m in (4320, 720, 20160, 90, 0)] == [
        "3 d", "12 h", "2 w", "90 min", "0 h",
    ]  # fmt: skip
    assert pain(" 10 ", what="--pain-before") == 10
    for bad in ("11", "-1", "5.5", "٣", "", "010x"):
        with pytest.raises(InputError):
            pain(bad, what="--pain-before")
    assert patient_code("PT-0042") == "PT-0042"
    for bad in ("PT 42", "-PT", "PT-", "x" * 65, "PT/42", ""):
        with pytest.raises(InputError):
            patient_code(bad)
    assert parse_date("2026-12-01", what="--date") == dt.date(2026, 12, 1)
    for bad in ("20261201", "2026-W49-2", "2026-12-1", "2026-02-30", "２０２６-12-01"):
        with pytest.raises(InputError):
            parse_date(bad, what="--date")


def _doc(flags: list[dict[str, str]]) -> dict[str, object]:
    """A small report document of three sessions, for the chart."""
    sessions = [
        {"index": n, "date": f"2026-01-{n:02d}", "pain_before": b, "pain_after": a}
        for n, b, a in ((1, 7, 3), (2, 6, 2), (3, 6, None))
    ]
    status = {"baseline": 7, "responder_threshold": 5}
    return {
        "patient": "PT-1", "course": 1, "regions_text": "knee left", "sessions": sessions,
        "status": status, "flags": flags,
    }  # fmt: skip


def test_the_chart_marks_flags_and_is_reproducible() -> None:
    plain = chart_svg(_doc([]))
    flagged = chart_svg(_doc([{"rule": "reconsider", "text": "x", "source": "y"}]))
    assert FLAG not in plain and FLAG in flagged
    assert plain == chart_svg(_doc([]))  # no date, fixed ids: the same bytes every time
    assert "<text" not in plain  # text drawn as paths: no font needed to show it
