"""npt_protocol.engine.measured: what a method measures, as plain values.

mutmut does not mutate properties (docs/testing.md), so these pin each one directly: whether a
portion is measured on its own, whether it is on its exact volume, how far a reading may be off,
and the volume the portions make.
"""

from __future__ import annotations

from fractions import Fraction

from npt_protocol.engine.measured import (
    METHOD_NAMES,
    METHOD_ORDER,
    METHODS,
    MeasuredPortion,
    Measurement,
    Reading,
)
from npt_protocol.engine.syringes import Draw, Syringe

TEN = Syringe(Fraction(10), Fraction(1, 5))
THIRTY = Syringe(Fraction(30), Fraction(1))


def test_a_portion_drawn_in_its_own_syringe_is_measured() -> None:
    stock = MeasuredPortion(
        "D50W", "stock", Fraction(5, 2), Fraction(5, 2), (Draw(TEN, Fraction(5, 2)),)
    )
    made_up = MeasuredPortion("SWFI", "diluent", Fraction(45, 2), Fraction(45, 2))
    assert stock.measured and not made_up.measured


def test_on_mark_means_the_measured_volume_is_the_exact_one() -> None:
    # 11.11… mL of D50W snapped to 11 mL is off its mark; 2.5 mL measured as 2.5 mL is on it.
    snapped = MeasuredPortion("D50W", "stock", Fraction(100, 9), Fraction(11), (Draw(TEN, 10),))
    exact = MeasuredPortion(
        "D50W", "stock", Fraction(5, 2), Fraction(5, 2), (Draw(TEN, Fraction(5, 2)),)
    )
    assert not snapped.on_mark and exact.on_mark


def test_a_reading_may_be_off_by_half_a_graduation() -> None:
    assert Reading(TEN, Fraction(6), "D50W").error_ml == Fraction(1, 10)
    assert Reading(THIRTY, Fraction(25), "SWFI", sets_total=True).error_ml == Fraction(1, 2)
    reading = Reading(TEN, Fraction(6), "D50W")
    assert (reading.absorbed_by, reading.sets_total) == (None, False)


def test_the_volume_made_is_the_sum_of_the_portions() -> None:
    measurement = Measurement(
        "qs",
        (
            MeasuredPortion("D50W", "stock", Fraction(5, 2), Fraction(5, 2)),
            MeasuredPortion("SWFI", "diluent", Fraction(45, 2), Fraction(45, 2)),
        ),
        (),
        3,
    )
    assert measurement.total_ml == 25
    assert Measurement("container", (), (), 0).total_ml == 0
    assert (measurement.final_syringe, measurement.final_mark_ml) == (None, None)


def test_the_three_methods_are_named_in_their_order() -> None:
    assert METHOD_ORDER == ("qs", "syringe", "container")
    assert set(METHODS) == set(METHOD_NAMES) == set(METHOD_ORDER)
    assert METHOD_NAMES["qs"] == "making up to the final mark"
