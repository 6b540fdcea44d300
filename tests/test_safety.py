"""npt_protocol.engine.safety: thresholds exactly at their limits, and the sentences a user reads.

Each test says the behaviour it pins; limits come from the sources cited in safety.py
(bicarbonate diluted to about 1.5 %, 600 mOsmol/L irritates veins, lidocaine 4.5 mg/kg up to
300 mg, USP chapter 797 immediate use 4 hours).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from npt_protocol.catalogue.products import DoseLimit, shipped_catalogue
from npt_protocol.engine.safety import DoseCheck, dose_checks, parse_tolerance
from npt_protocol.engine.use_by import use_by
from npt_protocol.errors import InputError

CATALOGUE = shipped_catalogue()
LIDOCAINE_LIMIT = CATALOGUE.solutes["lidocaine"].dose_limit

# ---------------------------------------------------------------------------------------------


def keys(composition: dict[str, Fraction], osmolarity: Fraction | None = None) -> list[str]:
    return [c.key for c in CATALOGUE.caution_rules(composition, osmolarity)]


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
        "tolerance 'abc' is not a number; expected plain digits such as 5, 0.5 or 1000."
    )


def lidocaine(mg_per_ml: Fraction, volume_ml: Fraction, weight_kg: Fraction | None) -> DoseCheck:
    """Check lidocaine at a strength in a volume against the shipped limit."""
    assert LIDOCAINE_LIMIT is not None
    return DoseCheck("lidocaine", mg_per_ml, volume_ml, LIDOCAINE_LIMIT, weight_kg)


def test_the_lidocaine_limit_is_sourced_data() -> None:
    """The limit lives beside the solute in the catalogue: 4.5 mg/kg, at most 300 mg, with its
    source, for plain lidocaine (US label)."""
    assert LIDOCAINE_LIMIT is not None
    assert (LIDOCAINE_LIMIT.mg_per_kg, LIDOCAINE_LIMIT.max_mg) == (Fraction(9, 2), 300)
    assert "label" in LIDOCAINE_LIMIT.source
    assert "without epinephrine" in LIDOCAINE_LIMIT.applies_to


def test_without_a_weight_the_absolute_cap_applies() -> None:
    """No weight: the 300 mg cap still applies. 60 mL of 1 % is 600 mg, over it; the largest
    volume to inject is 300 mg / 10 mg/mL = 30 mL."""
    dose = lidocaine(Fraction(10), Fraction(60), None)
    assert dose.maximum_mg == 300 and dose.over_limit
    assert dose.max_volume_ml == 30
    assert dose.maximum_text().startswith("30 mL of this solution with no weight given")


def test_dose_above_the_maximum_says_more_than() -> None:
    """70 kg × 4.5 mg/kg = 315 mg, capped at 300 mg: 400 mg is MORE than it, in capitals."""
    dose = lidocaine(Fraction(10), Fraction(40), Fraction(70))
    assert dose.milligrams == 400 and dose.over_limit
    assert dose.describe() == (
        "lidocaine 400 mg in the whole preparation, MORE than the maximum of 300 mg for 70 kg"
    )


def test_dose_at_the_maximum_is_within() -> None:
    """40 kg × 4.5 mg/kg = 180 mg: exactly 180 mg (18 mL of 1 %) is within the maximum."""
    dose = lidocaine(Fraction(10), Fraction(18), Fraction(40))
    assert not dose.over_limit
    assert dose.max_volume_ml == 18
    assert dose.describe(where="injected") == (
        "lidocaine 180 mg injected, within the maximum of 180 mg for 40 kg"
    )


def test_dose_checks_find_only_limited_solutes() -> None:
    """Dextrose has no dose limit; lidocaine has; a composition without lidocaine gives none."""
    assert (
        dose_checks({"dextrose": Fraction(50)}, Fraction(10), catalogue=CATALOGUE, weight_kg=None)
        == ()
    )
    (check,) = dose_checks(
        {"dextrose": Fraction(200), "lidocaine": Fraction(1)},
        Fraction(10),
        catalogue=CATALOGUE,
        weight_kg=Fraction(70),
    )
    assert (check.solute, check.milligrams, check.maximum_mg) == ("lidocaine", 10, 300)


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


def test_caution_keys_are_unique_and_sourced() -> None:
    """Every caution rule has its own key, a text and a source."""
    keys = [rule.key for rule in CATALOGUE.cautions]
    assert len(keys) == len(set(keys)) == 7
    assert all(rule.text and rule.source for rule in CATALOGUE.cautions)


# ---------------------------------------------------------------------------------------------
# Written for mutants that survived: the limit and the verdict as the user reads them


def test_the_limit_is_stated_in_full_with_its_source() -> None:
    """The shipped limit reads per kilogram, the cap, what it applies to and its source."""
    assert lidocaine(Fraction(10), Fraction(60), None).rule_text() == (
        "4.5 mg/kg, not more than 300 mg, for lidocaine hydrochloride without epinephrine; "
        "US lidocaine hydrochloride label (Pfizer)"
    )


def test_a_cap_without_a_per_kilogram_rule_states_the_cap_alone() -> None:
    """A clinic limit of 200 mg (UK texts) with no mg/kg and no product named: only the cap and
    the source are printed, and 25 mL of 1 % (250 mg) is over it whatever the weight."""
    dose = DoseCheck(
        "lidocaine", Fraction(10), Fraction(25), DoseLimit(Fraction(200), "UK"), Fraction(70)
    )
    assert dose.rule_text() == "not more than 200 mg; UK"
    assert dose.maximum_mg == 200 and dose.over_limit
    assert dose.describe() == (
        "lidocaine 250 mg in the whole preparation, MORE than the maximum of 200 mg for 70 kg"
    )


def test_without_a_weight_the_verdict_names_no_weight() -> None:
    """60 mL of 1 % without a weight: 600 mg against the 300 mg cap, and nothing after it."""
    assert lidocaine(Fraction(10), Fraction(60), None).describe() == (
        "lidocaine 600 mg in the whole preparation, MORE than the maximum of 300 mg"
    )


def test_the_largest_volume_is_said_for_the_weight_or_the_cap() -> None:
    """500 mL of 0.1 % lidocaine for 70 kg: 315 mg by weight, capped at 300 mg, so 300 mL at most;
    without
    a weight the sentence says the cap applies and how to give the weight."""
    limit = (
        "(limit 4.5 mg/kg, not more than 300 mg, for lidocaine hydrochloride without "
        "epinephrine; US lidocaine hydrochloride label (Pfizer))"
    )
    assert lidocaine(Fraction(1), Fraction(500), Fraction(70)).maximum_text() == (
        f"300 mL of this solution for 70 kg, that is lidocaine 300 mg {limit}"
    )
    assert lidocaine(Fraction(10), Fraction(60), None).maximum_text() == (
        "30 mL of this solution with no weight given (the absolute cap: give --weight for the "
        f"patient's own), that is lidocaine 300 mg {limit}"
    )
