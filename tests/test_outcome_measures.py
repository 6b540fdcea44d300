"""The outcome measure file: typed values read exactly, refused when wrong, never questionnaires."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from npt_protocol.errors import ProtocolError
from npt_protocol.protocol.measures import (
    MEASURES_FILE,
    OutcomeMeasure,
    load_outcome_measures,
    outcome_measures,
)

GOOD = """\
version = "test"

[[measure]]
id = "nrs-pain"
name = "Numeric rating scale for pain intensity"
abbreviation = "NRS"
score_min = "0"
score_max = "10"
better = "lower"
mic = "2"
mic_unit = "points"
mic_note = "About 2 points."
citation = "Farrar JT, et al. Pain 2001;94(2):149-158."
doi = "10.1016/s0304-3959(01)00349-9"
"""


def write(tmp_path: Path, text: str) -> Path:
    """Write an outcome measure file."""
    path = tmp_path / "measures.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_loads_with_exact_typed_values() -> None:
    measures = outcome_measures()
    nrs = measures["nrs-pain"]
    assert isinstance(nrs, OutcomeMeasure)
    assert (nrs.score_min, nrs.score_max, nrs.mic) == (0, 10, 2)
    assert isinstance(nrs.mic, Fraction) and nrs.better == "lower"
    assert measures["quickdash"].mic == Fraction("15.91")
    assert measures["visa-a"].better == "higher" and measures["visa-a"].mic == 20
    assert measures["koos"].mic is None and measures["koos"].mic_note
    assert nrs.source.pmid == "11690728"


def test_every_shipped_measure_has_a_findable_source_and_no_questionnaire_text() -> None:
    for measure in outcome_measures().values():
        source = measure.source
        full = re.search(r"\b(19|20)\d{2};\s*\d+(\([^)]*\))?:\s*\d+", source.citation)
        assert source.doi or source.pmid or source.url or full, measure.id
        assert measure.mic is not None or measure.mic_note, measure.id
    text = MEASURES_FILE.read_text(encoding="utf-8").lower()
    # Licensed instruments: the file holds scores and sources, never the items themselves.
    for item_words in ("during the past week", "how much difficulty", "please rate", "question 1"):
        assert item_words not in text


def test_describe_says_range_direction_and_minimal_important_change() -> None:
    measures = outcome_measures()
    assert measures["nrs-pain"].describe() == (
        "NRS (Numeric rating scale for pain intensity), 0 to 10, lower is better; "
        "minimal important change 2 points"
    )
    assert measures["koos"].describe().endswith("no minimal important change on file")


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [("7", "5", True), ("7", "5.5", False), ("3", "5", False), ("2", "0", True)],
)
def test_improved_counts_the_minimal_important_change_in_the_better_direction(
    before: str, after: str, expected: bool
) -> None:
    nrs = outcome_measures()["nrs-pain"]
    assert nrs.improved(Fraction(before), Fraction(after)) is expected


def test_improved_for_a_higher_is_better_score() -> None:
    visa = outcome_measures()["visa-a"]
    assert visa.improved(Fraction(40), Fraction(60))
    assert not visa.improved(Fraction(40), Fraction("59.5"))


def test_improved_refuses_a_measure_without_a_minimal_important_change() -> None:
    with pytest.raises(ValueError, match="no minimal important change"):
        outcome_measures()["koos"].improved(Fraction(40), Fraction(60))


@given(
    before=st.fractions(min_value=0, max_value=10),
    after=st.fractions(min_value=0, max_value=10),
)
def test_improved_is_exactly_a_fall_of_the_mic_on_a_lower_is_better_scale(
    before: Fraction, after: Fraction
) -> None:
    nrs = outcome_measures()["nrs-pain"]
    assert nrs.improved(before, after) is (before - after >= 2)


def test_a_good_file_loads(tmp_path: Path) -> None:
    assert list(load_outcome_measures(write(tmp_path, GOOD))) == ["nrs-pain"]


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ('better = "lower"', 'better = "down"', "expected higher or lower"),
        ('mic = "2"', 'mic = "11"', "outside the score range"),
        ('mic = "2"', 'mic = "two"', "mic"),
        ('score_max = "10"', 'score_max = "0"', "not below score_max"),
        ('mic_unit = "points"', 'mic_unit = "stones"', "points or percent"),
        ('id = "nrs-pain"', 'id = "NRS pain"', "not a valid id"),
        ('mic = "2"', "mic = 2", "not text"),
        ('doi = "10.1016/s0304-3959(01)00349-9"', 'items = "Q1"', "unknown items"),
        ('citation = "Farrar JT, et al. Pain 2001;94(2):149-158."', "", "lacks citation"),
        ('mic = "2"\n', 'mic = ""\n', ""),  # no MIC but a note: accepted
        ('mic_note = "About 2 points."', 'mic_note = ""', ""),  # a MIC needs no note
    ],
)
def test_a_wrong_entry_is_refused_naming_it(
    tmp_path: Path, old: str, new: str, fragment: str
) -> None:
    path = write(tmp_path, GOOD.replace(old, new))
    if not fragment:
        assert load_outcome_measures(path)
        return
    with pytest.raises(ProtocolError, match=fragment) as caught:
        load_outcome_measures(path)
    assert str(path) in str(caught.value)


def test_no_mic_and_no_note_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace('mic = "2"', 'mic = ""').replace('"About 2 points."', '""')
    with pytest.raises(ProtocolError, match="no mic and no mic_note"):
        load_outcome_measures(write(tmp_path, text))


def test_a_duplicate_id_an_empty_file_and_bad_toml_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match="twice"):
        load_outcome_measures(write(tmp_path, GOOD + GOOD.split("\n", 2)[2]))
    with pytest.raises(ProtocolError, match="no \\[\\[measure\\]\\] entries"):
        load_outcome_measures(write(tmp_path, 'version = "x"\n'))
    with pytest.raises(ProtocolError, match="cannot be read"):
        load_outcome_measures(write(tmp_path, "[[measure]\n"))
    with pytest.raises(ProtocolError, match="cannot be read"):
        load_outcome_measures(tmp_path / "missing.toml")


def test_the_file_lives_beside_its_loader_inside_the_package() -> None:
    # The wheel holds every file of the npt_protocol package (pyproject.toml, hatch).
    assert MEASURES_FILE.name == "outcome_measures.toml"
    assert MEASURES_FILE.parent.name == "protocol" and MEASURES_FILE.is_file()
