"""npt_protocol.engine.safety: thresholds exactly at their limits, and the sentences a user reads.

Each test says the behaviour it pins; limits come from the sources cited in safety.py
(bicarbonate diluted to about 1.5 %, 600 mOsmol/L irritates veins, lidocaine 4.5 mg/kg up to
300 mg, USP chapter 797 immediate use 4 hours).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from npt_protocol.engine.safety import (
    CAUTIONS,
    AnaestheticDose,
    lidocaine_dose,
    parse_tolerance,
    product_cautions,
    use_by,
)
from npt_protocol.errors import InputError

# ---------------------------------------------------------------------------------------------


def keys(composition: dict[str, Fraction], osmolarity: Fraction | None = None) -> list[str]:
    return [c.key for c in product_cautions(composition, osmolarity)]


@pytest.mark.parametrize(
    ("mg_per_ml", "cautioned"),
    [
        (Fraction(15), False),  # 1.5 %: diluted as the label asks, no caution
        (Fraction(3001, 200), True),  # 1.5005 %: just stronger
        (Fraction(31, 2), True),  # 1.55 %
        (Fraction(16), True),  # 1.6 %
        (Fraction(84), True),  # 8.4 % stock
    ],
)
def test_bicarbonate_caution_above_one_and_a_half_percent(
    mg_per_ml: Fraction, cautioned: bool
) -> None:
    """Sodium bicarbonate stronger than 15 mg/mL (1.5 %) carries the bicarbonate caution;
    1.5 % itself does not."""
    assert ("bicarbonate" in keys({"sodium bicarbonate": mg_per_ml})) is cautioned


def test_vein_irritant_caution_from_600_mosmol() -> None:
    """600 mOsmol/L and above is hypertonic enough to irritate veins: 600 itself is cautioned,
    599 is not."""
    assert "hypertonic" in keys({"dextrose": Fraction(50)}, Fraction(600))
    assert "hypertonic" not in keys({"dextrose": Fraction(50)}, Fraction(599))


def test_tolerance_errors_are_named_tolerance() -> None:
    """A tolerance that is not a number is reported as the tolerance."""
    with pytest.raises(InputError) as error:
        parse_tolerance("abc%")
    assert str(error.value) == (
        "tolerance 'abc' is not a number; expected plain digits such as 5, 0.5 or 1,000."
    )


def test_dose_without_a_weight_never_gives_a_verdict() -> None:
    """Without a weight the line asks for one, even if a maximum is somehow known."""
    expected = (
        "lidocaine 100 mg in the whole preparation (give --weight to check it against "
        "the label maximum)"
    )
    assert lidocaine_dose(Fraction(100), None).describe() == expected
    assert AnaestheticDose(Fraction(100), Fraction(300), None).describe() == expected


def test_dose_above_the_maximum_says_above() -> None:
    """70 kg × 4.5 mg/kg = 315 mg, capped at 300 mg: 400 mg is ABOVE, in capitals."""
    dose = lidocaine_dose(Fraction(400), Fraction(70))
    assert dose.over_limit
    assert dose.describe() == (
        "lidocaine 400 mg in the whole preparation, ABOVE the label maximum of 300 mg for 70 kg "
        "(4.5 mg/kg, not more than 300 mg, without epinephrine)"
    )


def test_dose_at_the_maximum_is_within() -> None:
    """40 kg × 4.5 mg/kg = 180 mg: exactly 180 mg is within the maximum."""
    dose = lidocaine_dose(Fraction(180), Fraction(40))
    assert not dose.over_limit
    assert dose.describe() == (
        "lidocaine 180 mg in the whole preparation, within the label maximum of 180 mg for 40 kg "
        "(4.5 mg/kg, not more than 300 mg, without epinephrine)"
    )


def test_unknown_use_by_rule_lists_the_rules() -> None:
    """An unknown rule is refused, listing the three rules by key, comma-separated."""
    with pytest.raises(InputError) as error:
        use_by(dt.datetime(2025, 1, 1, 9, 0), "forever")
    assert str(error.value) == (
        "use-by rule 'forever' is unknown; expected one of immediate-use, "
        "category-1-room, category-1-fridge."
    )


def test_use_by_past_the_end_of_the_calendar_message() -> None:
    """22:00 on 31 December 9999 plus 4 hours is past the last date Python can hold: refused
    in one sentence that quotes the time of preparation."""
    with pytest.raises(InputError) as error:
        use_by(dt.datetime(9999, 12, 31, 22, 0))
    assert str(error.value) == (
        "A preparation at 9999-12-31T22:00:00 would be used by a time "
        "past the end of the calendar; expected a real date and time."
    )


def test_caution_keys_match_their_table_entries() -> None:
    """Every caution is stored under its own key."""
    assert all(key == caution.key for key, caution in CAUTIONS.items())
