"""The strength grammar: '5%', '5 % w/v', '50 mg/mL', '5 g/100 mL', '0.5 g per mL', '1 mEq/mL'."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from npt_protocol.errors import InputError, UnitError
from npt_protocol.strengths import STRENGTH_EXAMPLES, Strength, parse_strength
from tests.strategies import decimal_text, decimals, strength_spellings


@pytest.mark.parametrize(
    ("text", "mg_per_ml"),
    [
        ("5%", Fraction(50)),  # 5 g per 100 mL = 5000 mg / 100 mL
        ("5 %", Fraction(50)),
        ("5 % w/v", Fraction(50)),
        ("5% W/V", Fraction(50)),
        ("50 mg/mL", Fraction(50)),
        ("50mg/ml", Fraction(50)),
        ("5 g/100 mL", Fraction(50)),  # not (5 g / 100) · mL, as Pint would read it
        ("5 g per 100 mL", Fraction(50)),
        ("0.5 g per mL", Fraction(500)),
        ("0.5 g/mL", Fraction(500)),
        ("500 mcg/mL", Fraction(1, 2)),
        ("500 µg/mL", Fraction(1, 2)),  # micro sign
        ("500 \u03bcg/mL", Fraction(1, 2)),  # Greek small mu
        ("2.53 g/L", Fraction(253, 100)),  # g/L is mg/mL
        ("0.1%", Fraction(1)),
        ("1000 mg/mL", Fraction(1000)),
        ("8.4%", Fraction(84)),
    ],
)
def test_mass_strength_examples(text: str, mg_per_ml: Fraction) -> None:
    assert parse_strength(text) == Strength(mg_per_ml, "mass")


@pytest.mark.parametrize(
    ("text", "meq_per_ml"),
    [
        ("1 mEq/mL", Fraction(1)),
        ("0.5 mEq/mL", Fraction(1, 2)),
        ("1 Eq/L", Fraction(1)),  # 1000 mEq / 1000 mL
        ("50 mEq/50 mL", Fraction(1)),
    ],
)
def test_equivalent_strength_examples(text: str, meq_per_ml: Fraction) -> None:
    assert parse_strength(text) == Strength(meq_per_ml, "equivalent")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("-5%", "negative"),
        ("−5%", "negative"),
        ("0%", "zero"),
        ("0 mg/mL", "zero"),
        ("1:1,000", "ratio strength"),
        ("1:1000", "ratio strength"),
        ("5% v/v", "not % w/v"),
        ("5 % w/w", "not % w/v"),
        ("5,5%", "5.5 (a decimal comma)"),
        ("5 mg", "not a strength"),
        ("5 mL/mL", "amount unit"),
        ("5 mg/g", "not a volume"),
        ("5 mg/0 mL", "zero volume"),
        ("five percent", "not a strength"),
        ("1e3%", "not a strength"),
        ("NaN%", "not a strength"),
    ],
)
def test_strength_refusals(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_strength(text, what="target")
    message = str(caught.value)
    assert fragment in message
    assert "\n" not in message


@given(decimals(Fraction(1, 100), 1000, 2), st.data())
def test_unit_invariance_of_strengths(mg_per_ml: Fraction, data: st.DataObject) -> None:
    """mg/mL, % w/v, g/100 mL, g/dL, g/L and mcg/mL spellings give one exact strength."""
    text = data.draw(st.sampled_from(strength_spellings(mg_per_ml)))
    assert parse_strength(text) == Strength(mg_per_ml, "mass")


@given(decimals(Fraction(1, 10), 100, 1), decimals(Fraction(1, 10), 100, 1))
def test_grams_per_any_volume(grams: Fraction, per_ml: Fraction) -> None:
    """'G g/V mL' is G × 1000 mg over V mL, whatever V is."""
    text = f"{decimal_text(grams)} g/{decimal_text(per_ml)} mL"
    assert parse_strength(text).value == grams * 1000 / per_ml


# ---------------------------------------------------------------------------------------------
# npt_protocol.strengths: every refusal's full message, and the spellings at the grammar's edges.
#
# Each test says the behaviour it pins; the expected messages are the sentences a user must see,
# written out here by hand.


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
    assert refusal("X5%", what="target") == (
        f"target 'X5%' is not a strength; expected one such as {STRENGTH_EXAMPLES}."
    )


def test_ratio_strength_message() -> None:
    """A ratio such as 1:1,000 is refused with the ISMP reason and its mg/mL meaning."""
    assert refusal("1:1,000", what="target") == (
        "target '1:1,000' is a ratio strength, which ISMP advises against; write it as mg/mL "
        "(1:1,000 is 1 mg/mL)."
    )


@pytest.mark.parametrize("text", ["5 % w / v", "5% w /v", "5 %W/ V"])
def test_w_v_may_be_written_with_spaces(text: str) -> None:
    """'w / v' with spaces is still % w/v: 5 % w/v is 5 g per 100 mL = 50 mg/mL."""
    assert parse_strength(text) == Strength(Fraction(50), "mass")


def test_other_percent_kinds_message() -> None:
    """v/v and w/w percentages are refused: only % w/v is a solute strength."""
    assert refusal("5% v/v", what="target") == (
        "target '5% v/v' is not % w/v; only % w/v (grams per 100 mL) is accepted for solutes."
    )


def test_decimal_comma_in_a_percent_names_the_value() -> None:
    """A decimal comma in the number of a percent is reported under the value's name."""
    assert refusal("1,2%", what="target") == (
        "target '1,2' has a comma, which can be read as 1.2 (a decimal comma) or 12 (a "
        "thousands comma); write the number with a decimal point and no comma, such as 0.5 or "
        "1000."
    )


def test_zero_percent_message() -> None:
    """0 % is refused, quoting the text as typed and the value's name."""
    assert refusal("0 %", what="stock") == "stock '0 %' is zero; leave the solute out instead."


def test_zero_per_volume_message() -> None:
    """0 mg/mL is refused, quoting the text as typed and the value's name."""
    assert refusal("0 mg/mL", what="stock") == (
        "stock '0 mg/mL' is zero; leave the solute out instead."
    )


def test_zero_volume_message() -> None:
    """'5 mg/0 mL' divides by zero: refused, quoting the text and the value's name."""
    assert refusal("5 mg/0 mL", what="target") == "target '5 mg/0 mL' divides by a zero volume."


def test_decimal_comma_in_the_amount_names_the_value() -> None:
    """A decimal comma in the amount of 'N mg/mL' is reported under the value's name."""
    assert refusal("1,2 mg/mL", what="target") == (
        "target '1,2' has a comma, which can be read as 1.2 (a decimal comma) or 12 (a "
        "thousands comma); write the number with a decimal point and no comma, such as 0.5 or "
        "1000."
    )


def test_decimal_comma_in_the_volume_names_the_value() -> None:
    """A decimal comma in the volume of 'N mg/M mL' is reported under the value's name."""
    assert refusal("5 mg/1,2 mL", what="target") == (
        "target '1,2' has a comma, which can be read as 1.2 (a decimal comma) or 12 (a "
        "thousands comma); write the number with a decimal point and no comma, such as 0.5 or "
        "1000."
    )


def test_per_unit_that_is_not_a_volume_message() -> None:
    """'5 mg/kg' is a dose, not a strength: the unit after the slash must be a volume."""
    assert refusal("5 mg/kg", what="target") == (
        "target '5 mg/kg' is not a volume; expected a volume such as 60mL, 0.5 mL or 1 L."
    )


def test_amount_unit_that_is_not_a_mass_message() -> None:
    """'5 mol/mL' is refused: the amount must be mcg, mg, g or mEq."""
    with pytest.raises(UnitError) as error:
        parse_strength("5 mol/mL", what="target")
    assert str(error.value) == (
        "target '5 mol/mL' has amount unit 'mol'; expected mcg, mg, g or mEq per a volume, as "
        "in 50 mg/mL."
    )


@pytest.mark.parametrize(
    ("text", "mg_per_ml"),
    [
        ("5 g per 100 mL", Fraction(50)),  # 5000 mg / 100 mL
        ("1 kg/L", Fraction(1000)),  # 1,000,000 mg / 1000 mL
    ],
)
def test_mass_per_volume_has_the_mass_basis(text: str, mg_per_ml: Fraction) -> None:
    """A mass per volume is a mass-basis strength (its basis is written out, not defaulted)."""
    strength = parse_strength(text)
    assert (strength.value, strength.basis) == (mg_per_ml, "mass")
