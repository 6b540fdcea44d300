"""Units: parsing what people type into exact values, and printing quantities the ISMP way."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from npt_protocol.errors import InputError, UnitError
from npt_protocol.units import (
    MAX_DIGITS,
    format_mass,
    format_number,
    format_percent,
    format_volume,
    parse_mass,
    parse_number,
    parse_volume,
    percent_meaning,
)
from tests.strategies import (
    ISMP_NUMBER,
    decimal_text,
    decimals,
    exact_round,
    formattable,
    positive_volumes,
    volume_spellings,
)


def printed_value(text: str) -> Fraction:
    """Read back a printed number, independently of the engine's parser."""
    return Fraction(Decimal(text.replace(",", "")))


# ---------------------------------------------------------------------------------------------
# Parsing volumes, masses and numbers


@pytest.mark.parametrize(("text", "millilitres"), [
    ("60mL", Fraction(60)),
    ("60 mL", Fraction(60)),
    ("60 ml", Fraction(60)),
    ("0.06 L", Fraction(60)),      # 0.06 × 1000
    ("0.06L", Fraction(60)),
    ("60000 µL", Fraction(60)),    # 60000 / 1000
    ("60000 uL", Fraction(60)),
    ("60000 \u03bcL", Fraction(60)),  # Greek small mu, as phones and Greek keyboards type it
    ("6 dL", Fraction(600)),       # 6 × 100
    ("1,000 mL", Fraction(1000)),  # thousands comma
    ("0.5 mL", Fraction(1, 2)),
    ("  30 mL  ", Fraction(30)),
    ("0.1 mL", Fraction(1, 10)),   # exactly one tenth, not the float 0.1000000000000000055...
])
def test_parse_volume_examples(text: str, millilitres: Fraction) -> None:
    value = parse_volume(text)
    assert value == millilitres
    assert isinstance(value, Fraction)


@pytest.mark.parametrize(("text", "fragment"), [
    ("5g", "is not a volume"),
    ("5 h", "is not a volume"),
    ("5", "has no unit"),
    ("5 cc", "cc"),
    ("0 mL", "is zero"),
    ("0.00 L", "is zero"),
    ("-5 mL", "negative"),
    ("−5 mL", "negative"),           # unicode minus sign
    ("", "empty"),
    ("   ", "empty"),
    ("60,5 mL", "decimal comma"),
    ("60,5mL", "decimal comma"),
    ("0,5 mL", "decimal comma"),
    ("٦٠ mL", "non-ASCII digits"),    # Arabic-Indic digits
    ("６０mL", "non-ASCII digits"),    # full-width digits
    ("NaN mL", "not a quantity"),
    ("nan", "not a quantity"),
    ("inf mL", "not a quantity"),
    ("1e308 mL", "exponent"),
    ("1e308mL", "exponent"),
    ("6E1 mL", "exponent"),
    ("6e-1 mL", "exponent"),
    ("5 furlongs", "unknown unit"),
    ("mL", "not a quantity"),
])
def test_parse_volume_refuses_with_one_clear_sentence(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_volume(text, what="--volume")
    message = str(caught.value)
    assert fragment in message
    assert message.startswith("--volume")
    assert "\n" not in message
    assert message.endswith(".")


def test_unit_errors_are_value_errors_and_input_errors() -> None:
    with pytest.raises(UnitError):
        parse_volume("5 g")
    with pytest.raises(ValueError, match="not a volume"):
        parse_volume("5 g")


@pytest.mark.parametrize(("text", "milligrams"), [
    ("70kg", Fraction(70_000_000)),
    ("70 kg", Fraction(70_000_000)),
    ("300 mg", Fraction(300)),
    ("3 g", Fraction(3000)),
    ("500 mcg", Fraction(1, 2)),
    ("500 µg", Fraction(1, 2)),
    ("500 \u03bcg", Fraction(1, 2)),  # Greek small mu
])
def test_parse_mass_examples(text: str, milligrams: Fraction) -> None:
    assert parse_mass(text) == milligrams


def test_parse_mass_refuses_a_volume() -> None:
    with pytest.raises(UnitError, match="is not a mass"):
        parse_mass("5 mL")


@pytest.mark.parametrize(("text", "value"), [
    ("5", Fraction(5)), ("0.5", Fraction(1, 2)), (".5", Fraction(1, 2)),
    ("1,000", Fraction(1000)), ("1,000.25", Fraction(4001, 4)), ("+3", Fraction(3)),
])
def test_parse_number_examples(text: str, value: Fraction) -> None:
    assert parse_number(text, what="n") == value


@pytest.mark.parametrize(("text", "fragment"), [
    ("1,5", "decimal comma"), ("nan", "not a finite number"), ("inf", "not a finite number"),
    ("1e5", "exponent"), ("٥", "non-ASCII"), ("-1", "negative"), ("", "empty"),
    ("1,00", "decimal comma"), ("five", "not a number"),
])
def test_parse_number_refusals(text: str, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        parse_number(text, what="n")


@given(decimals(Fraction(1, 100), 10**5, 2), st.data())
def test_unit_invariance_of_volumes(millilitres: Fraction, data: st.DataObject) -> None:
    """mL, L, µL and dL spellings of one volume parse to the same exact number of mL."""
    text = data.draw(st.sampled_from(volume_spellings(millilitres)))
    assert parse_volume(text) == millilitres


@given(decimals(Fraction(1, 100), 10**5, 2))
def test_thousands_commas_parse(millilitres: Fraction) -> None:
    whole = int(millilitres)
    text = f"{whole:,}{decimal_text(millilitres - whole)[1:]} mL"
    assert parse_volume(text) == millilitres


# ---------------------------------------------------------------------------------------------
# Printing (clinical-facts §5)


@pytest.mark.parametrize(("value", "expected"), [
    (Fraction(60 * 5, 50), "6 mL"),         # 60 mL of 5 % from D50: 60 × 5 / 50 = 6
    (Fraction(60) - Fraction(6), "54 mL"),
    (Fraction(5, 1), "5 mL"),               # never 5.0 mL
    (Fraction(1, 2), "0.5 mL"),             # never .5 mL
    (Fraction(1000), "1,000 mL"),           # thousands comma
    (Fraction(1234567891, 1000), "1,234,567.89 mL"),
    (Fraction(100, 9), "11.11 mL"),         # 11.111… rounded at 2 places
    (Fraction(800, 9), "88.89 mL"),         # 88.888… rounded up
    (Fraction(1, 1000), "0.001 mL"),        # a small volume gains places rather than print 0
    (Fraction(12, 10**4), "0.001 mL"),     # 0.0012: two places print 0, three do not
    (Fraction(25, 10), "2.5 mL"),
])
def test_format_volume_examples(value: Fraction, expected: str) -> None:
    assert format_volume(value) == expected


@pytest.mark.parametrize(("value", "places", "expected"), [
    (Fraction(5, 1000), 2, "0"),            # half to even: 0.005 → 0.00
    (Fraction(15, 1000), 2, "0.02"),        # half to even: 0.015 → 0.02
    (Fraction(25, 1000), 2, "0.02"),        # half to even: 0.025 → 0.02
    (Fraction(2745, 10), 0, "274"),         # 274.5 → 274 (even)
    (Fraction(2755, 10), 0, "276"),
    (Fraction(1, 3), 4, "0.3333"),
    (Fraction(999999, 10**6), 2, "1"),      # 0.999999 → 1.00 → 1
    (Fraction(9999995, 10000), 2, "1,000"),  # 999.9995 → 1,000.00 → 1,000
    (0, 2, "0"),
])
def test_format_number_examples(value: Fraction, places: int, expected: str) -> None:
    assert format_number(value, places=places) == expected


def test_format_number_rounds_once_not_twice() -> None:
    """0.005 plus a hair is above the half-way point, so it rounds up to 0.01.

    Rounding first to 28 significant digits (the decimal context) and then to 2 places would
    land exactly on 0.005 and round it down to 0.
    """
    assert format_number(Fraction(5, 1000) + Fraction(1, 10**40)) == "0.01"


@pytest.mark.parametrize(("value", "expected"), [
    (Fraction(10**30), "1," + ",".join(["000"] * 10)),
    (Fraction(10**30) + Fraction(1, 3), "1," + ",".join(["000"] * 10) + ".33"),
])
def test_format_number_handles_more_digits_than_the_decimal_context(value: Fraction,
                                                                   expected: str) -> None:
    assert format_number(value) == expected


@pytest.mark.parametrize(("milligrams", "expected"), [
    (Fraction(1, 2), "500 mcg"),   # 0.5 mg × 1000
    (Fraction(10), "10 mg"),
    (Fraction(3000), "3 g"),       # 60 mL × 50 mg/mL = 3,000 mg
    (Fraction(9900), "9.9 g"),
    (Fraction(2_000_000), "2,000 g"),
])
def test_format_mass_examples(milligrams: Fraction, expected: str) -> None:
    assert format_mass(milligrams) == expected


@pytest.mark.parametrize(("mg_per_ml", "expected"), [
    (Fraction(50), "5 %"), (Fraction(1), "0.1 %"), (Fraction(175, 3), "5.83 %"),
    (Fraction(1, 100), "0.001 %"),
])
def test_format_percent_examples(mg_per_ml: Fraction, expected: str) -> None:
    assert format_percent(mg_per_ml) == expected


def test_percent_meaning_spells_out_w_v() -> None:
    assert percent_meaning(Fraction(50)) == "5 % w/v (5 g per 100 mL)"
    assert percent_meaning(Fraction(1)) == "0.1 % w/v (0.1 g per 100 mL)"


@given(formattable, st.integers(0, 6))
def test_format_number_is_ismp_shaped(value: Fraction, places: int) -> None:
    """No trailing zero, never a naked decimal point, thousands grouped by commas."""
    text = format_number(value, places=places)
    assert ISMP_NUMBER.fullmatch(text), text
    assert not text.endswith(".")
    assert not text.startswith(".")


@given(formattable, st.integers(0, 6))
def test_format_number_parses_back_to_the_rounded_value(value: Fraction, places: int) -> None:
    text = format_number(value, places=places)
    # The parser refuses numbers of more than MAX_DIGITS digits (nobody measures those); the
    # round trip is promised for every number it accepts.
    assume(sum(ch.isdigit() for ch in text) <= MAX_DIGITS)
    assert printed_value(text) == exact_round(value, places)
    assert parse_number(text, what="printed") == exact_round(value, places)


@given(positive_volumes)
def test_format_volume_round_trips_through_the_parser(millilitres: Fraction) -> None:
    text = format_volume(millilitres)
    number, unit = text.rsplit(" ", 1)
    assert unit == "mL"
    assert ISMP_NUMBER.fullmatch(number), text
    # At least two places; more for a small volume, until it no longer prints as 0.
    places = 2
    while exact_round(millilitres, places) == 0:
        places += 1
    assert parse_volume(text) == exact_round(millilitres, places)


@given(decimals(Fraction(1, 100), 10**7, 2))
def test_two_place_volumes_print_exactly(millilitres: Fraction) -> None:
    assert parse_volume(format_volume(millilitres)) == millilitres


@given(st.fractions(min_value=Fraction(1, 10**4), max_value=10**8, max_denominator=10**4))
def test_format_mass_uses_ismp_units(milligrams: Fraction) -> None:
    text = format_mass(milligrams)
    number, unit = text.split(" ")
    assert unit in {"mcg", "mg", "g"}
    assert ISMP_NUMBER.fullmatch(number), text
    factor = {"mcg": Fraction(1, 1000), "mg": Fraction(1), "g": Fraction(1000)}[unit]
    assert parse_mass(text) == exact_round(milligrams / factor, 2) * factor
