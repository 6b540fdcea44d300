"""Syringes, marks, containers, and snapping exact volumes to the marks that measure them."""

from __future__ import annotations

from fractions import Fraction

import pytest

from npt_protocol.catalogue.products import shipped_catalogue
from npt_protocol.engine.syringes import (
    DEFAULT_SYRINGES_TEXT,
    ContainerPlan,
    Draw,
    Syringe,
    containers,
    draw_options,
    holding,
    parse_syringe,
    require_measurable,
    syringe_set,
)
from npt_protocol.errors import InputError, MeasurementError

CATALOGUE = shipped_catalogue()
DEFAULT = syringe_set()


def ml(text: str) -> Fraction:
    return Fraction(text)


# ---------------------------------------------------------------------------------------------
# Syringes


def test_default_set_is_the_clinical_facts_set() -> None:
    # clinical-facts §4: 1 mL by 0.01, 3 mL by 0.1, 5 and 10 mL by 0.2, 20, 30, 60 mL by 1 mL.
    assert [(s.capacity_ml, s.graduation_ml) for s in DEFAULT] == [
        (1, ml("0.01")),
        (3, ml("0.1")),
        (5, ml("0.2")),
        (10, ml("0.2")),
        (20, 1),
        (30, 1),
        (60, 1),
    ]
    assert syringe_set(DEFAULT_SYRINGES_TEXT) == DEFAULT


@pytest.mark.parametrize(
    ("text", "capacity", "marks"),
    [
        ("10 mL by 0.2 mL", 10, "0.2"),
        ("10mL/0.2mL", 10, "0.2"),
        ("3 mL @ 0.1 mL", 3, "0.1"),
        ("0.001 L by 10 µL", 1, "0.01"),
    ],
)
def test_parse_syringe(text: str, capacity: int, marks: str) -> None:
    assert parse_syringe(text) == Syringe(Fraction(capacity), Fraction(marks))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("3 mL by 0.4 mL", "do not divide"),  # 3 / 0.4 = 7.5 marks
        ("1 mL by 3 mL", "do not divide"),
        ("10 mL", "not a syringe"),
        ("10 g by 1 g", "not a volume"),
        ("10 mL by 0 mL", "zero"),
        ("10,5 mL by 0.5 mL", "decimal comma"),
    ],
)
def test_parse_syringe_refusals(text: str, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        parse_syringe(text)


def test_syringe_set_is_sorted_and_unique() -> None:
    syringes = syringe_set(["60 mL by 1 mL", "1 mL by 0.01 mL", "60mL/1mL"])
    assert syringes == (Syringe(Fraction(1), ml("0.01")), Syringe(Fraction(60), Fraction(1)))


def test_marks_near() -> None:
    # 6.3 mL on 0.2 mL marks lies between mark 31 (6.2) and 32 (6.4); two either side: 29 to 34.
    syringe = Syringe(Fraction(10), ml("0.2"))
    assert syringe.marks_near(ml("6.3"), spread=2) == [
        ml("5.8"),
        ml("6.0"),
        ml("6.2"),
        ml("6.4"),
        ml("6.6"),
        ml("6.8"),
    ]
    # Never the zero mark, never past the capacity.
    assert syringe.marks_near(ml("0.1"), spread=2) == [ml("0.2"), ml("0.4"), ml("0.6")]
    assert syringe.marks_near(ml("9.9"), spread=2) == [ml("9.4"), ml("9.6"), ml("9.8"), ml("10")]
    assert syringe.on_mark(ml("6.4"))
    assert not syringe.on_mark(ml("6.3"))


def test_holding_lists_the_smallest_syringes_first() -> None:
    # 100/9 = 11.11 mL: too much for the 10 mL syringe.
    assert [s.capacity_ml for s in holding(Fraction(100, 9), DEFAULT)] == [20, 30, 60]
    assert [s.capacity_ml for s in holding(Fraction(1), DEFAULT)] == [1, 3, 5, 10, 20, 30, 60]
    assert holding(Fraction(61), DEFAULT) == []


def test_a_volume_larger_than_the_largest_syringe_takes_several_draws() -> None:
    # 150 mL with a 60 mL syringe: two full draws and 30 mL more.
    options = draw_options(Fraction(150), DEFAULT)
    for option in options:
        assert [d.volume_ml for d in option[:2]] == [60, 60]
    assert any(sum(d.volume_ml for d in option) == 150 for option in options)


@pytest.mark.parametrize(
    ("volume", "sizes", "plan"),
    [
        (Fraction(6), [Fraction(50)], ContainerPlan(Fraction(50), 1)),
        (Fraction(54), [Fraction(s) for s in (10, 20, 50, 100)], ContainerPlan(Fraction(100), 1)),
        (Fraction(450), [Fraction(s) for s in (10, 20, 50, 100)], ContainerPlan(Fraction(100), 5)),
        (Fraction(50), [Fraction(50)], ContainerPlan(Fraction(50), 1)),
        (Fraction(51), [Fraction(50)], ContainerPlan(Fraction(50), 2)),
        (Fraction(6), [], ContainerPlan(None, 0)),
    ],
)
def test_containers_to_open(volume: Fraction, sizes: list[Fraction], plan: ContainerPlan) -> None:
    assert containers(volume, sizes) == plan


def test_container_plan_describes_itself() -> None:
    assert ContainerPlan(Fraction(1000), 1).describe() == "1 container of 1,000 mL"
    assert ContainerPlan(Fraction(100), 5).describe() == "5 containers of 100 mL"
    assert "not in the catalogue" in ContainerPlan(None, 0).describe()


def test_a_volume_below_half_the_finest_mark_cannot_be_measured() -> None:
    with pytest.raises(MeasurementError, match="less than half the finest syringe mark"):
        require_measurable(ml("0.004"), DEFAULT, what="D50W")
    require_measurable(ml("0.005"), DEFAULT, what="D50W")  # half of 0.01 mL: a mark is near
    require_measurable(Fraction(0), DEFAULT, what="D50W")  # nothing to measure


# ---------------------------------------------------------------------------------------------
# npt_protocol.engine.syringes: syringes, draw options and containers at their boundaries.
#
# Each test says the behaviour it pins. Marks and counts are worked out by hand from the syringe
# set (clinical-facts §4) and the rule 'marks within two graduations either side, on the two
# smallest syringes that hold the volume'.


DEFAULT = syringe_set()
S3 = Syringe(Fraction(3), Fraction(1, 10))
S5 = Syringe(Fraction(5), Fraction(1, 5))
S60 = Syringe(Fraction(60), Fraction(1))
VOLUME_EXAMPLE = "60mL, 0.5 mL or 1 L"


def test_a_syringe_does_not_hold_nothing() -> None:
    """holds() is for a positive volume up to the capacity: 0 mL is not 'held'."""
    assert not S5.holds(Fraction(0))
    assert S5.holds(Fraction(5))
    assert not S5.holds(ml("5.2"))


def test_not_a_syringe_message() -> None:
    """Text without 'by', '/' or '@' is refused with an example."""
    with pytest.raises(InputError) as error:
        parse_syringe("10 mL")
    assert str(error.value) == (
        "syringe '10 mL' is not a syringe; expected capacity and marks such as '10 mL by 0.2 mL'."
    )


def test_bad_capacity_and_bad_marks_are_named() -> None:
    """A capacity or a mark spacing that is not a volume is reported as the syringe's capacity
    or marks, quoting the whole syringe text."""
    with pytest.raises(InputError) as error:
        parse_syringe("ten by 1 mL")
    assert str(error.value) == (
        "syringe 'ten by 1 mL' capacity 'ten' is not a quantity; expected a number and a unit "
        f"such as {VOLUME_EXAMPLE}."
    )
    with pytest.raises(InputError) as error:
        parse_syringe("10 mL by x")
    assert str(error.value) == (
        "syringe '10 mL by x' marks 'x' is not a quantity; expected a number and a unit such as "
        f"{VOLUME_EXAMPLE}."
    )


def test_a_single_mark_at_the_capacity_is_a_syringe() -> None:
    """'1 mL by 1 mL' (one mark, at the capacity) divides its capacity: accepted."""
    assert parse_syringe("1 mL by 1 mL") == Syringe(Fraction(1), Fraction(1))


def test_marks_that_do_not_divide_message() -> None:
    """3 mL by 0.4 mL would have 7.5 marks: refused with an example."""
    with pytest.raises(InputError) as error:
        parse_syringe("3 mL by 0.4 mL")
    assert str(error.value) == (
        "syringe '3 mL by 0.4 mL' has marks that do not divide its "
        "capacity; expected such as '10 mL by 0.2 mL'."
    )


def test_an_empty_iterable_of_syringes_is_refused() -> None:
    """An iterable that turns out empty (not None, not the default) is an empty set: refused."""
    with pytest.raises(InputError) as error:
        syringe_set(iter(()))
    assert str(error.value) == (
        "The syringe set is empty; give at least one such as '10 mL by 0.2 mL'."
    )


def test_draw_options_defaults_two_marks_either_side_on_two_syringes() -> None:
    """2.5 mL: the two smallest syringes that hold it are 3 mL (0.1 mL marks) and 5 mL
    (0.2 mL marks). On 3 mL, 2.5 is mark 25: marks 23 to 27. On 5 mL it is 12.5 marks: from
    12 − 2 = 10 to 13 + 2 = 15, i.e. 2.0 to 3.0 mL."""
    options = draw_options(ml("2.5"), DEFAULT)
    expected = [(Draw(S3, ml(v)),) for v in ("2.3", "2.4", "2.5", "2.6", "2.7")] + [
        (Draw(S5, ml(v)),) for v in ("2.0", "2.2", "2.4", "2.6", "2.8", "3.0")
    ]
    assert options == expected


def test_a_volume_equal_to_the_largest_syringe_is_one_draw_near_its_mark() -> None:
    """60 mL fits the 60 mL syringe in one draw: marks 58, 59, 60 (61 and 62 are past the
    capacity), not a 'full fill' plus nothing."""
    assert draw_options(Fraction(60), DEFAULT) == [
        (Draw(S60, Fraction(58)),),
        (Draw(S60, Fraction(59)),),
        (Draw(S60, Fraction(60)),),
    ]


def test_one_thousand_fills_are_allowed_and_one_more_millilitre_is_not() -> None:
    """MAX_FILLS is 1,000: 60,000 mL is exactly 1,000 fills of the 60 mL syringe; 60,001 mL is
    refused."""
    (option,) = draw_options(Fraction(60_000), DEFAULT)
    assert option == tuple(Draw(S60, Fraction(60)) for _ in range(1000))
    with pytest.raises(MeasurementError) as error:
        draw_options(Fraction(60_001), DEFAULT)
    assert str(error.value) == (
        "60,001 mL takes more than 1,000 fills of the largest syringe (60 mL); add a larger "
        "syringe to the set or make a smaller batch."
    )


def test_container_size_unknown_text() -> None:
    """A plan without a size says so in words."""
    assert ContainerPlan(None, 0).describe() == "container size not in the catalogue"


def test_a_container_exactly_the_volume_is_enough() -> None:
    """50 mL fits one 50 mL container; the 100 mL one is not needed."""
    assert containers(Fraction(50), [Fraction(100), Fraction(10), Fraction(50)]) == ContainerPlan(
        Fraction(50), 1
    )


def test_too_small_to_measure_message_prints_the_volume_as_it_is() -> None:
    """0.00123 mL is below half the finest mark (0.01 / 2 = 0.005 mL); the message prints it as
    it is, never rounded to 0.0012 mL."""
    with pytest.raises(MeasurementError) as error:
        require_measurable(Fraction(123, 100_000), DEFAULT, what="D50W")
    assert str(error.value) == (
        "D50W needs 0.00123 mL, less than half the finest syringe mark "
        "(0.01 mL); make a larger batch."
    )


def test_too_large_to_measure_boundary_and_message() -> None:
    """1,000 fills of the 60 mL syringe (60,000 mL) can be measured; 60,001 mL cannot."""
    require_measurable(Fraction(60_000), DEFAULT, what="water")
    with pytest.raises(MeasurementError) as error:
        require_measurable(Fraction(60_001), DEFAULT, what="water")
    assert str(error.value) == (
        "water needs 60,001 mL, more than 1,000 fills of the largest syringe (60 mL); add a "
        "larger syringe to the set or make a smaller batch."
    )


@pytest.mark.parametrize(
    ("text", "capacity", "marks"),
    [
        ("0.1 mL by 0.1 mL", "0.1", "0.1"),  # the smallest syringe accepted
        ("100 mL by 1 mL", "100", "1"),  # the largest syringe accepted
        ("1 mL by 0.001 mL", "1", "0.001"),  # the finest marks accepted
    ],
)
def test_syringe_size_and_mark_limits_are_inclusive(text: str, capacity: str, marks: str) -> None:
    """Syringes of 0.1 mL to 100 mL, with marks down to 0.001 mL, are accepted, the limits
    included."""
    assert parse_syringe(text) == Syringe(ml(capacity), ml(marks))


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("0.01234 mL by 0.001 mL", "0.01234 mL"),  # printed as typed, not rounded
        ("150 mL by 1 mL", "150 mL"),
    ],
)
def test_syringe_size_outside_the_limits_message(text: str, printed: str) -> None:
    """A capacity below 0.1 mL or above 100 mL is refused, quoting the syringe text, its
    capacity as typed, and the limits."""
    with pytest.raises(InputError) as error:
        parse_syringe(text)
    assert str(error.value) == (
        f"syringe {text!r} holds {printed}; expected a syringe of 0.1 mL to 100 mL."
    )


def test_marks_finer_than_a_microlitre_message() -> None:
    """Marks finer than 0.001 mL are refused with examples of real marks."""
    with pytest.raises(InputError) as error:
        parse_syringe("1 mL by 0.0005 mL")
    assert str(error.value) == (
        "syringe '1 mL by 0.0005 mL' has marks finer than 0.001 mL; "
        "expected marks such as 0.01 mL or 0.2 mL."
    )


def test_a_syringe_is_named_with_its_marks_as_printed_on_it() -> None:
    # Insulin syringes are marked every 0.005 mL (half a unit); a 0.0025 mL spacing is printed
    # as it is, never rounded to 0.002 mL.
    assert parse_syringe("0.3 mL by 0.005 mL").label == "0.3 mL syringe (0.005 mL marks)"
    assert parse_syringe("0.5 mL by 0.0025 mL").label == "0.5 mL syringe (0.0025 mL marks)"
