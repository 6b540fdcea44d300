"""The strength grammar: '5%', '5 % w/v', '50 mg/mL', '5 g/100 mL', '0.5 g per mL', '1 mEq/mL'."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from npt_protocol.errors import InputError
from npt_protocol.strengths import Strength, parse_strength
from tests.strategies import decimal_text, decimals, strength_spellings


@pytest.mark.parametrize(("text", "mg_per_ml"), [
    ("5%", Fraction(50)),               # 5 g per 100 mL = 5000 mg / 100 mL
    ("5 %", Fraction(50)),
    ("5 % w/v", Fraction(50)),
    ("5% W/V", Fraction(50)),
    ("50 mg/mL", Fraction(50)),
    ("50mg/ml", Fraction(50)),
    ("5 g/100 mL", Fraction(50)),       # not (5 g / 100) · mL, as Pint would read it
    ("5 g per 100 mL", Fraction(50)),
    ("0.5 g per mL", Fraction(500)),
    ("0.5 g/mL", Fraction(500)),
    ("500 mcg/mL", Fraction(1, 2)),
    ("500 µg/mL", Fraction(1, 2)),     # micro sign
    ("500 \u03bcg/mL", Fraction(1, 2)),  # Greek small mu
    ("2.53 g/L", Fraction(253, 100)),  # g/L is mg/mL
    ("0.1%", Fraction(1)),
    ("1,000 mg/mL", Fraction(1000)),
    ("8.4%", Fraction(84)),
])
def test_mass_strength_examples(text: str, mg_per_ml: Fraction) -> None:
    assert parse_strength(text) == Strength(mg_per_ml, "mass")


@pytest.mark.parametrize(("text", "meq_per_ml"), [
    ("1 mEq/mL", Fraction(1)),
    ("0.5 mEq/mL", Fraction(1, 2)),
    ("1 Eq/L", Fraction(1)),            # 1000 mEq / 1000 mL
    ("50 mEq/50 mL", Fraction(1)),
])
def test_equivalent_strength_examples(text: str, meq_per_ml: Fraction) -> None:
    assert parse_strength(text) == Strength(meq_per_ml, "equivalent")


@pytest.mark.parametrize(("text", "fragment"), [
    ("", "empty"),
    ("-5%", "negative"),
    ("−5%", "negative"),
    ("0%", "zero"),
    ("0 mg/mL", "zero"),
    ("1:1,000", "ratio strength"),
    ("1:1000", "ratio strength"),
    ("5% v/v", "not % w/v"),
    ("5 % w/w", "not % w/v"),
    ("5,5%", "decimal comma"),
    ("5 mg", "not a strength"),
    ("5 mL/mL", "amount unit"),
    ("5 mg/g", "not a volume"),
    ("5 mg/0 mL", "zero volume"),
    ("five percent", "not a strength"),
    ("1e3%", "not a strength"),
    ("NaN%", "not a strength"),
])
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
