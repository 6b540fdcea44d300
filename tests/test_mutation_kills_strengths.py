"""npt_protocol.strengths: every refusal's full message, and the spellings at the grammar's edges.

Each test says the behaviour it pins; the expected messages are the sentences a user must see,
written out here by hand.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from npt_protocol.errors import InputError, UnitError
from npt_protocol.strengths import STRENGTH_EXAMPLES, Strength, parse_strength


def refusal(text: str, *, what: str | None = None) -> str:
    with pytest.raises(InputError) as error:
        if what is None:
            parse_strength(text)
        else:
            parse_strength(text, what=what)
    return str(error.value)


def test_default_name_is_strength() -> None:
    """Without `what`, messages call the value 'strength'."""
    assert refusal("") == f"strength is empty; expected a strength such as {STRENGTH_EXAMPLES}."


def test_a_letter_first_is_not_a_strength_rather_than_negative() -> None:
    """Only minus signs make a strength 'negative'; 'X5%' is just not a strength."""
    assert refusal("X5%", what="target") == (f"target 'X5%' is not a strength; expected one such "
                                             f"as {STRENGTH_EXAMPLES}.")


def test_ratio_strength_message() -> None:
    """A ratio such as 1:1,000 is refused with the ISMP reason and its mg/mL meaning."""
    assert refusal("1:1,000", what="target") == (
        "target '1:1,000' is a ratio strength, which ISMP advises against; write it as mg/mL "
        "(1:1,000 is 1 mg/mL).")


@pytest.mark.parametrize("text", ["5 % w / v", "5% w /v", "5 %W/ V"])
def test_w_v_may_be_written_with_spaces(text: str) -> None:
    """'w / v' with spaces is still % w/v: 5 % w/v is 5 g per 100 mL = 50 mg/mL."""
    assert parse_strength(text) == Strength(Fraction(50), "mass")


def test_other_percent_kinds_message() -> None:
    """v/v and w/w percentages are refused: only % w/v is a solute strength."""
    assert refusal("5% v/v", what="target") == (
        "target '5% v/v' is not % w/v; only % w/v (grams per 100 mL) is accepted for solutes.")


def test_decimal_comma_in_a_percent_names_the_value() -> None:
    """A decimal comma in the number of a percent is reported under the value's name."""
    assert refusal("1,2%", what="target") == (
        "target '1,2' uses a decimal comma; write a decimal point, e.g. 0.5.")


def test_zero_percent_message() -> None:
    """0 % is refused, quoting the text as typed and the value's name."""
    assert refusal("0 %", what="stock") == "stock '0 %' is zero; leave the solute out instead."


def test_zero_per_volume_message() -> None:
    """0 mg/mL is refused, quoting the text as typed and the value's name."""
    assert refusal("0 mg/mL", what="stock") == (
        "stock '0 mg/mL' is zero; leave the solute out instead.")


def test_zero_volume_message() -> None:
    """'5 mg/0 mL' divides by zero: refused, quoting the text and the value's name."""
    assert refusal("5 mg/0 mL", what="target") == "target '5 mg/0 mL' divides by a zero volume."


def test_decimal_comma_in_the_amount_names_the_value() -> None:
    """A decimal comma in the amount of 'N mg/mL' is reported under the value's name."""
    assert refusal("1,2 mg/mL", what="target") == (
        "target '1,2' uses a decimal comma; write a decimal point, e.g. 0.5.")


def test_decimal_comma_in_the_volume_names_the_value() -> None:
    """A decimal comma in the volume of 'N mg/M mL' is reported under the value's name."""
    assert refusal("5 mg/1,2 mL", what="target") == (
        "target '1,2' uses a decimal comma; write a decimal point, e.g. 0.5.")


def test_per_unit_that_is_not_a_volume_message() -> None:
    """'5 mg/kg' is a dose, not a strength: the unit after the slash must be a volume."""
    assert refusal("5 mg/kg", what="target") == (
        "target '5 mg/kg' is not a volume; expected a volume such as 60mL, 0.5 mL or 1 L.")


def test_amount_unit_that_is_not_a_mass_message() -> None:
    """'5 mol/mL' is refused: the amount must be mcg, mg, g or mEq."""
    with pytest.raises(UnitError) as error:
        parse_strength("5 mol/mL", what="target")
    assert str(error.value) == (
        "target '5 mol/mL' has amount unit 'mol'; expected mcg, mg, g or mEq per a volume, as "
        "in 50 mg/mL.")


@pytest.mark.parametrize(("text", "mg_per_ml"), [
    ("5 g per 100 mL", Fraction(50)),    # 5000 mg / 100 mL
    ("1 kg/L", Fraction(1000)),          # 1,000,000 mg / 1000 mL
])
def test_mass_per_volume_has_the_mass_basis(text: str, mg_per_ml: Fraction) -> None:
    """A mass per volume is a mass-basis strength (its basis is written out, not defaulted)."""
    strength = parse_strength(text)
    assert (strength.value, strength.basis) == (mg_per_ml, "mass")
