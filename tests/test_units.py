"""Units: parsing what people type into exact values, and printing quantities the ISMP way."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from npt_protocol.errors import InputError, UnitError
from npt_protocol.ismp import (
    format_composition,
    format_count,
    format_mass,
    format_number,
    format_percent,
    format_volume,
    percent_meaning,
    significant_places,
)
from npt_protocol.numbers import MAX_DIGITS, json_number, parse_number, parse_percent
from npt_protocol.numbers import clip as _clip
from npt_protocol.units import parse_mass, parse_volume, unit_factor
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


@pytest.mark.parametrize(
    ("text", "millilitres"),
    [
        ("60mL", Fraction(60)),
        ("60 mL", Fraction(60)),
        ("60 ml", Fraction(60)),
        ("0.06 L", Fraction(60)),  # 0.06 × 1000
        ("0.06L", Fraction(60)),
        ("60000 µL", Fraction(60)),  # 60000 / 1000
        ("60000 uL", Fraction(60)),
        ("60000 \u03bcL", Fraction(60)),  # Greek small mu, as phones and Greek keyboards type it
        ("6 dL", Fraction(600)),  # 6 × 100
        ("0.5 mL", Fraction(1, 2)),
        ("  30 mL  ", Fraction(30)),
        ("0.1 mL", Fraction(1, 10)),  # exactly one tenth, not the float 0.1000000000000000055...
    ],
)
def test_parse_volume_examples(text: str, millilitres: Fraction) -> None:
    value = parse_volume(text)
    assert value == millilitres
    assert isinstance(value, Fraction)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("5g", "is not a volume"),
        ("5 h", "is not a volume"),
        ("5", "has no unit"),
        ("5 cc", "cc"),
        ("0 mL", "is zero"),
        ("0.00 L", "is zero"),
        ("-5 mL", "negative"),
        ("−5 mL", "negative"),  # unicode minus sign
        ("", "empty"),
        ("   ", "empty"),
        ("60,5 mL", "60.5 (a decimal comma) or 605 (a thousands comma)"),
        ("60,5mL", "has a comma"),
        ("0,5 mL", "0.5 (a decimal comma) or 5"),
        ("0,500 mL", "0.5 (a decimal comma) or 500 (a thousands comma)"),
        ("1,000 mL", "1 (a decimal comma) or 1000 (a thousands comma)"),
        ("٦٠ mL", "non-ASCII digits"),  # Arabic-Indic digits
        ("６０mL", "non-ASCII digits"),  # full-width digits
        ("NaN mL", "not a quantity"),
        ("nan", "not a quantity"),
        ("inf mL", "not a quantity"),
        ("1e308 mL", "exponent"),
        ("1e308mL", "exponent"),
        ("6E1 mL", "exponent"),
        ("6e-1 mL", "exponent"),
        ("5 furlongs", "unknown unit"),
        ("mL", "not a quantity"),
    ],
)
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


@pytest.mark.parametrize(
    ("text", "milligrams"),
    [
        ("70kg", Fraction(70_000_000)),
        ("70 kg", Fraction(70_000_000)),
        ("300 mg", Fraction(300)),
        ("3 g", Fraction(3000)),
        ("500 mcg", Fraction(1, 2)),
        ("500 µg", Fraction(1, 2)),
        ("500 \u03bcg", Fraction(1, 2)),  # Greek small mu
    ],
)
def test_parse_mass_examples(text: str, milligrams: Fraction) -> None:
    assert parse_mass(text) == milligrams


def test_parse_mass_refuses_a_volume() -> None:
    with pytest.raises(UnitError, match="is not a mass"):
        parse_mass("5 mL")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5", Fraction(5)),
        ("0.5", Fraction(1, 2)),
        (".5", Fraction(1, 2)),
        ("1000", Fraction(1000)),
        ("1000.25", Fraction(4001, 4)),
        ("+3", Fraction(3)),
    ],
)
def test_parse_number_examples(text: str, value: Fraction) -> None:
    assert parse_number(text, what="n") == value


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1,5", "1.5 (a decimal comma) or 15"),
        ("1,000", "1 (a decimal comma) or 1000 (a thousands comma)"),
        ("1,000.25", "read as 1000.25;"),
        ("nan", "not a finite number"),
        ("inf", "not a finite number"),
        ("1e5", "exponent"),
        ("٥", "non-ASCII"),
        ("-1", "negative"),
        ("", "empty"),
        ("1,00", "has a comma"),
        ("five", "not a number"),
    ],
)
def test_parse_number_refusals(text: str, fragment: str) -> None:
    with pytest.raises(InputError, match=re.escape(fragment)):
        parse_number(text, what="n")


@given(decimals(Fraction(1, 100), 10**5, 2), st.data())
def test_unit_invariance_of_volumes(millilitres: Fraction, data: st.DataObject) -> None:
    """mL, L, µL and dL spellings of one volume parse to the same exact number of mL."""
    text = data.draw(st.sampled_from(volume_spellings(millilitres)))
    assert parse_volume(text) == millilitres


@given(decimals(Fraction(1000), 10**5, 2))
def test_a_comma_in_a_typed_number_is_refused_with_both_readings(millilitres: Fraction) -> None:
    """Printing groups thousands with commas (ISMP), typing never: '1,000 mL' is 1 mL to some
    and 1,000 mL to others, so it is refused, showing the reading without the comma."""
    whole = int(millilitres)
    text = f"{whole:,}{decimal_text(millilitres - whole)[1:]} mL"
    with pytest.raises(InputError, match="has a comma") as error:
        parse_volume(text)
    written = text.split(" ", maxsplit=1)[0].replace(",", "").rstrip("0").rstrip(".")
    assert written in str(error.value)


def typed(printed: str) -> str:
    """Write a printed number the way the grammar reads it: thousands commas removed."""
    return printed.replace(",", "")


# ---------------------------------------------------------------------------------------------
# Printing (clinical-facts §5)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(60 * 5, 50), "6 mL"),  # 60 mL of 5 % from D50: 60 × 5 / 50 = 6
        (Fraction(60) - Fraction(6), "54 mL"),
        (Fraction(5, 1), "5 mL"),  # never 5.0 mL
        (Fraction(1, 2), "0.5 mL"),  # never .5 mL
        (Fraction(1000), "1,000 mL"),  # thousands comma
        (Fraction(1234567891, 1000), "1,234,567.891 mL"),  # exact: printed in full
        (Fraction(12345678901, 10**7), "1,234.57 mL"),  # seven places: rounded at two
        (Fraction(100, 9), "11.11 mL"),  # 11.111… rounded at 2 places
        (Fraction(800, 9), "88.89 mL"),  # 88.888… rounded up
        (Fraction(1, 1000), "0.001 mL"),  # a small volume gains places rather than print 0
        (Fraction(12, 10**4), "0.0012 mL"),  # printed as it is, never rounded to 0.001
        (Fraction(1, 7000), "0.0001 mL"),  # never ends: gains places rather than print 0
        (Fraction(25, 10), "2.5 mL"),
    ],
)
def test_format_volume_examples(value: Fraction, expected: str) -> None:
    assert format_volume(value) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction(5, 1000), 2, "0"),  # half to even: 0.005 → 0.00
        (Fraction(15, 1000), 2, "0.02"),  # half to even: 0.015 → 0.02
        (Fraction(25, 1000), 2, "0.02"),  # half to even: 0.025 → 0.02
        (Fraction(2745, 10), 0, "274"),  # 274.5 → 274 (even)
        (Fraction(2755, 10), 0, "276"),
        (Fraction(1, 3), 4, "0.3333"),
        (Fraction(999999, 10**6), 2, "1"),  # 0.999999 → 1.00 → 1
        (Fraction(9999995, 10000), 2, "1,000"),  # 999.9995 → 1,000.00 → 1,000
        (0, 2, "0"),
    ],
)
def test_format_number_examples(value: Fraction, places: int, expected: str) -> None:
    assert format_number(value, places=places) == expected


def test_format_number_rounds_once_not_twice() -> None:
    """0.005 plus a hair is above the half-way point, so it rounds up to 0.01.

    Rounding first to 28 significant digits (the decimal context) and then to 2 places would
    land exactly on 0.005 and round it down to 0.
    """
    assert format_number(Fraction(5, 1000) + Fraction(1, 10**40)) == "0.01"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(10**30), "1," + ",".join(["000"] * 10)),
        (Fraction(10**30) + Fraction(1, 3), "1," + ",".join(["000"] * 10) + ".33"),
    ],
)
def test_format_number_handles_more_digits_than_the_decimal_context(
    value: Fraction, expected: str
) -> None:
    assert format_number(value) == expected


@pytest.mark.parametrize(
    ("milligrams", "expected"),
    [
        (Fraction(1, 2), "500 mcg"),  # 0.5 mg × 1000
        (Fraction(10), "10 mg"),
        (Fraction(3000), "3 g"),  # 60 mL × 50 mg/mL = 3,000 mg
        (Fraction(9900), "9.9 g"),
        (Fraction(2_000_000), "2,000 g"),
    ],
)
def test_format_mass_examples(milligrams: Fraction, expected: str) -> None:
    assert format_mass(milligrams) == expected


@pytest.mark.parametrize(
    ("mg_per_ml", "expected"),
    [
        (Fraction(50), "5 %"),
        (Fraction(1), "0.1 %"),
        (Fraction(175, 3), "5.83 %"),
        (Fraction(1, 100), "0.001 %"),
    ],
)
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
    assert parse_number(typed(text), what="printed") == exact_round(value, places)


@given(positive_volumes)
def test_format_volume_round_trips_through_the_parser(millilitres: Fraction) -> None:
    text = format_volume(millilitres)
    number, unit = text.rsplit(" ", 1)
    assert unit == "mL"
    assert ISMP_NUMBER.fullmatch(number), text
    # A volume with six places or fewer prints as it is; one whose decimals run on is rounded at
    # two places, more for a small volume, until it no longer prints as 0.
    if exact_round(millilitres, 6) == millilitres:
        assert parse_volume(typed(text)) == millilitres
        return
    places = 2
    while exact_round(millilitres, places) == 0:
        places += 1
    assert parse_volume(typed(text)) == exact_round(millilitres, places)


@given(decimals(Fraction(1, 100), 10**7, 2))
def test_two_place_volumes_print_exactly(millilitres: Fraction) -> None:
    assert parse_volume(typed(format_volume(millilitres))) == millilitres


@given(decimals(Fraction(1, 1000), 10**5, 6))
def test_a_measured_volume_prints_every_decimal_it_has(millilitres: Fraction) -> None:
    """A volume read on syringe marks (0.005 mL on an insulin syringe) prints exactly, ISMP
    style, up to six places: never rounded to another volume."""
    text = format_volume(millilitres)
    number, unit = text.rsplit(" ", 1)
    assert unit == "mL" and ISMP_NUMBER.fullmatch(number), text
    assert parse_volume(typed(text)) == millilitres


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(9, 40), "0.225 mL"),  # an insulin syringe mark, not 0.22
        (Fraction(5), "5 mL"),
        (Fraction(1, 2), "0.5 mL"),
        (Fraction(12345, 10), "1,234.5 mL"),
        (Fraction(1, 400), "0.0025 mL"),
        (Fraction(1, 8), "0.125 mL"),  # a protocol's volume per point, not 0.12
        (Fraction(1, 80), "0.0125 mL"),  # not 0.01
        (Fraction(1, 3), "0.33 mL"),  # never ends: rounded at two places
    ],
)
def test_format_volume_prints_exact_volumes_in_full(value: Fraction, expected: str) -> None:
    assert format_volume(value) == expected


@given(st.fractions(min_value=Fraction(1, 10**4), max_value=10**8, max_denominator=10**4))
def test_format_mass_uses_ismp_units(milligrams: Fraction) -> None:
    text = format_mass(milligrams)
    number, unit = text.split(" ")
    assert unit in {"mcg", "mg", "g"}
    assert ISMP_NUMBER.fullmatch(number), text
    factor = {"mcg": Fraction(1, 1000), "mg": Fraction(1), "g": Fraction(1000)}[unit]
    assert parse_mass(typed(text)) == exact_round(milligrams / factor, 2) * factor


# ---------------------------------------------------------------------------------------------
# npt_protocol.units: behaviour pinned exactly, so that small changes to the code are caught.
#
# Each test says the behaviour it pins. Expected values are worked out by hand from the rules in
# docs/calculations.md and the ISMP printing rules, not copied from the program's output.


VOLUME_EXAMPLE = "60mL, 0.5 mL or 1 L"
MASS_EXAMPLE = "70kg or 300 mg"


def message(error: pytest.ExceptionInfo[BaseException]) -> str:
    return str(error.value)


# ---------------------------------------------------------------------------------------------
# The Pint cache folder


PLANT = """
import os, pickle, sys
from fractions import Fraction
from pathlib import Path
import pint
from npt_protocol.units import _DEFINITIONS

class Planted:
    def __reduce__(self):
        return (os.system, (f"touch {sys.argv[2]}",))

# Let Pint write its cache files where npt would look, then swap each pickle for a planted one.
folder = Path(sys.argv[1]) / "npt"
pint.UnitRegistry(str(_DEFINITIONS), non_int_type=Fraction, cache_folder=str(folder))
for name in folder.glob("*.pickle"):
    name.write_bytes(pickle.dumps(Planted()))
"""


def test_a_pickle_planted_in_the_cache_folder_never_runs(tmp_path: Path) -> None:
    cache, marker = tmp_path / "cache", tmp_path / "ran"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "NPT_CONFIG": str(tmp_path / "s.toml")}
    (tmp_path / "s.toml").write_text("")
    subprocess.run([sys.executable, "-c", PLANT, str(cache), str(marker)], check=True, env=env)
    assert list((cache / "npt").glob("*.pickle"))
    planted = {p: p.read_bytes() for p in (cache / "npt").iterdir()}
    command = "from npt_protocol.console import run; run()"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            command,
            "prepare",
            "dextrose 5%",
            "--volume",
            "60mL",
            "--from",
            "D50",
        ],
        capture_output=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not marker.exists()
    assert {p: p.read_bytes() for p in (cache / "npt").iterdir()} == planted  # nothing written


# ---------------------------------------------------------------------------------------------
# Numbers


def test_a_letter_before_the_digits_is_not_called_negative() -> None:
    """Only a minus sign (ASCII or unicode) is reported as negative; 'X1' is simply not a
    number."""
    with pytest.raises(InputError) as error:
        parse_number("X1", what="volume")
    assert message(error) == (
        "volume 'X1' is not a number; expected plain digits such as 5, 0.5 or 1000."
    )


def test_forty_digits_are_accepted_and_forty_one_refused() -> None:
    """MAX_DIGITS is 40: a number of exactly 40 digits still parses; 41 digits are refused with a
    message that quotes the text clipped to 24 characters (23 and an ellipsis)."""
    forty = "1" * 40
    assert parse_number(forty, what="volume") == int(forty)
    with pytest.raises(InputError) as error:
        parse_number("1" * 41, what="final volume")
    assert message(error) == (
        "final volume '" + "1" * 23 + "…' has more than 40 digits; "
        "expected a number as measured, such as 60 or 0.5."
    )


def test_clip_keeps_24_characters_and_shortens_25() -> None:
    """_clip quotes text of up to 24 characters whole; longer text is cut to 23 characters and
    an ellipsis, so the quoted text is never longer than 24 characters."""
    assert _clip("a" * 24) == repr("a" * 24)
    assert _clip("a" * 25) == repr("a" * 23 + "…")
    assert _clip("abcdefghijklmnopqrstuvwxyz") == repr("abcdefghijklmnopqrstuvw…")


@pytest.mark.parametrize("text", ["+nan", "infinity", "+Infinity", "inf"])
def test_not_finite_numbers_are_named_so(text: str) -> None:
    """NaN and infinity, with or without a plus sign and in any case, are 'not a finite
    number'."""
    with pytest.raises(InputError) as error:
        parse_number(text, what="volume")
    assert message(error) == (
        f"volume {text!r} is not a finite number; expected a number such as 5 or 0.5."
    )


# ---------------------------------------------------------------------------------------------
# Quantities


def test_a_plus_sign_before_a_quantity_is_accepted() -> None:
    """'+5 mL' is 5 mL: a leading plus sign is allowed, as in parse_number."""
    assert parse_volume("+5 mL") == 5


def test_a_letter_before_a_quantity_is_not_a_quantity() -> None:
    """'X5 mL' does not start with a number: it is not a quantity (and not negative)."""
    with pytest.raises(InputError) as error:
        parse_volume("X5 mL")
    assert message(error) == (
        f"volume 'X5 mL' is not a quantity; expected a number and a unit such as {VOLUME_EXAMPLE}."
    )


def test_a_decimal_comma_after_a_plus_sign_is_named() -> None:
    """'+60,5 mL' is a number written with a decimal comma, not 60 followed by a unit ',5 mL'."""
    with pytest.raises(InputError) as error:
        parse_volume("+60,5 mL")
    assert message(error) == (
        "volume '60,5' has a comma, which can be read as 60.5 (a decimal comma) or 605 (a "
        "thousands comma); write the number with a decimal point and no comma, such as 0.5 or "
        "1000."
    )


def test_too_many_digits_in_a_quantity_name_what_was_asked() -> None:
    """The digit limit inside a quantity reports the name of the value asked for."""
    with pytest.raises(InputError) as error:
        parse_volume("1" * 41 + " mL", what="final volume")
    assert message(error).startswith("final volume '" + "1" * 23 + "…' has more than 40 digits")


def test_cc_is_refused_with_the_ismp_reason() -> None:
    """'cc' (any case) is refused because ISMP lists it as error-prone, not as unknown."""
    for text in ("5 cc", "5 CC"):
        with pytest.raises(UnitError) as error:
            parse_volume(text)
        assert message(error) == (
            f"volume {text!r}: write mL instead of cc (ISMP: cc is read as "
            f"00); expected a volume such as {VOLUME_EXAMPLE}."
        )


def test_ui_is_refused_with_the_ismp_reason() -> None:
    """'IU'-like 'ui' must be spelled out: refused with that reason."""
    with pytest.raises(UnitError) as error:
        parse_mass("5 ui")
    assert message(error) == (
        f"mass '5 ui': units must be spelled out; expected a mass such as {MASS_EXAMPLE}."
    )


def test_missing_unit_message_gives_the_dimension_example() -> None:
    """A number without a unit says which dimension is expected and gives examples."""
    with pytest.raises(UnitError) as error:
        unit_factor("", dimension="time", what="duration", original="4")
    assert message(error) == ("duration '4' has no unit; expected a time such as 4h or 30 min.")


def test_wrong_dimension_quotes_the_text_as_typed() -> None:
    """A mass given for a volume quotes the whole text the user typed."""
    with pytest.raises(UnitError) as error:
        parse_volume("60 kg")
    assert message(error) == (
        f"volume '60 kg' is not a volume; expected a volume such as {VOLUME_EXAMPLE}."
    )


def test_default_names_in_empty_messages() -> None:
    """parse_volume and parse_mass call the value 'volume' and 'mass' unless told otherwise,
    and give the examples of their dimension."""
    with pytest.raises(InputError) as error:
        parse_volume("")
    assert message(error) == f"volume is empty; expected a quantity such as {VOLUME_EXAMPLE}."
    with pytest.raises(InputError) as error:
        parse_mass("  ")
    assert message(error) == f"mass is empty; expected a quantity such as {MASS_EXAMPLE}."


def test_parse_mass_passes_on_the_name_of_the_value() -> None:
    """parse_mass(..., what=...) uses that name in its messages."""
    with pytest.raises(InputError) as error:
        parse_mass("0 kg", what="weight")
    assert message(error) == "weight '0 kg' is zero; expected a positive mass."


# ---------------------------------------------------------------------------------------------
# Printing


def test_significant_places_of_zero_is_the_places_asked() -> None:
    """Zero needs no extra places: significant_places(0) is the number of places given."""
    assert significant_places(Fraction(0), places=2) == 2
    assert significant_places(Fraction(0), places=0) == 0


def test_significant_places_stops_at_twelve() -> None:
    """A value too small to show in 12 places gets 12 places, no more; 0.001 needs 3 and
    0.0004 needs 4 (0.000 would print as 0)."""
    assert significant_places(Fraction(1, 10**20), places=2) == 12
    assert significant_places(Fraction(1, 1000), places=2) == 3
    assert significant_places(Fraction(4, 10000), places=2) == 4
    assert significant_places(Fraction(-4, 10000), places=2) == 4


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail the test, instead of hanging, when the body runs longer than `seconds`."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers")
def test_significant_places_search_ends_promptly() -> None:
    """The search for enough places is a bounded loop: for 0.004 mL at 2 places it returns 3
    at once (a search that does not count upward would never end)."""
    with time_limit(2):
        assert significant_places(Fraction(4, 1000), places=2) == 3


@pytest.mark.parametrize(
    ("milligrams", "printed"),
    [
        (Fraction(0), "0 mg"),  # zero is not switched to micrograms
        (Fraction(1), "1 mg"),  # 1 mg is the first value printed in mg
        (Fraction(3, 2), "1.5 mg"),  # below 2 mg still mg
        (Fraction(999), "999 mg"),
        (Fraction(1000), "1 g"),  # 1,000 mg is the first value printed in g
        (Fraction(1001), "1 g"),  # 1.001 g rounds to 1 at two places
        (Fraction(1, 2), "500 mcg"),
    ],
)
def test_format_mass_thresholds(milligrams: Fraction, printed: str) -> None:
    """format_mass prints micrograms strictly between 0 and 1 mg, grams from 1,000 mg."""
    assert format_mass(milligrams) == printed


def test_format_mass_passes_places_to_every_unit() -> None:
    """The places argument applies in mcg, mg and g alike.

    0.0012345 mg = 1.2345 mcg; 12.345 mg at 3 places; 1,234.5 mg = 1.2345 g."""
    assert format_mass(Fraction(12345, 10**7), places=4) == "1.2345 mcg"
    assert format_mass(Fraction(12345, 1000), places=3) == "12.345 mg"
    assert format_mass(Fraction(12345, 10), places=4) == "1.2345 g"
    assert format_mass(Fraction(12345, 10), places=1) == "1.2 g"


def test_percent_meaning_gives_grams_to_four_places() -> None:
    """12.3456 mg/mL is 1.23456 g per 100 mL: the percent prints at 2 places (1.23 %) and the
    grams at 4 (1.2346, half to even on 12345.6 → 12346)."""
    assert percent_meaning(Fraction("12.3456")) == "1.23 % w/v (1.2346 g per 100 mL)"


# ---------------------------------------------------------------------------------------------
# The one composition formatter, percentages and JSON numbers


def test_format_composition_in_every_style() -> None:
    mix = {"dextrose": Fraction(200), "lidocaine": Fraction(1)}
    assert format_composition(mix) == "dextrose 20 % and lidocaine 0.1 %"
    assert format_composition(mix, style="w/v") == "dextrose 20 % w/v and lidocaine 0.1 % w/v"
    assert format_composition(mix, style="spelled") == (
        "dextrose 20 % w/v (20 g per 100 mL) and lidocaine 0.1 % w/v (0.1 g per 100 mL)"
    )
    assert format_composition(mix, style="w/v and mg/mL", joiner=", ") == (
        "dextrose 20 % w/v (200 mg/mL), lidocaine 0.1 % w/v (1 mg/mL)"
    )


def test_format_composition_rounds_at_the_places_asked() -> None:
    mix = {"dextrose": Fraction(123456, 10000)}  # 12.3456 mg/mL, 1.23456 %
    assert format_composition(mix) == "dextrose 1.23 %"
    assert format_composition(mix, places=3) == "dextrose 1.235 %"
    assert format_composition(mix, style="w/v and mg/mL") == "dextrose 1.23 % w/v (12.35 mg/mL)"
    assert format_composition(mix, style="w/v and mg/mL", places=3) == (
        "dextrose 1.235 % w/v (12.346 mg/mL)"
    )
    with pytest.raises(ValueError, match=r"style 'bold' is not one of \('percent', 'w/v'"):
        format_composition(mix, style="bold")  # type: ignore[arg-type]


def test_format_composition_of_water_says_no_solute() -> None:
    assert format_composition({}) == "no solute"
    assert format_composition({}, style="spelled") == "no solute"


def test_parse_percent_reads_with_and_without_the_sign() -> None:
    assert parse_percent("5%", what="x") == Fraction(1, 20)
    assert parse_percent(" 2.5 % ", what="x") == Fraction(1, 40)
    assert parse_percent("10", what="x") == Fraction(1, 10)
    with pytest.raises(InputError, match=r"^x 'five' is not a number"):
        parse_percent("five", what="x")


def test_json_number_keeps_whole_numbers_whole_and_rounds_once() -> None:
    assert json_number(Fraction(6)) == 6 and isinstance(json_number(Fraction(6)), int)
    assert json_number(Fraction(1, 3)) == 0.3333
    assert json_number(Fraction(1, 3), places=1) == 0.3
    assert json_number(Fraction(49, 1000) * 10) == 0.49


@given(st.integers(min_value=0, max_value=10**9))
def test_a_count_names_its_noun_in_the_right_number(number: int) -> None:
    text = format_count(number, "record")
    digits, _, noun = text.partition(" ")
    assert int(digits.replace(",", "")) == number
    assert noun == ("record" if number == 1 else "records")
    assert text.startswith(f"{number:,} ")


def test_a_count_takes_an_irregular_plural() -> None:
    assert format_count(2, "syringe label") == "2 syringe labels"
    assert format_count(1, "analysis", "analyses") == "1 analysis"
    assert format_count(3, "analysis", "analyses") == "3 analyses"


@given(positive_volumes)
def test_a_needed_volume_is_never_printed_below_itself(millilitres: Fraction) -> None:
    """`at_least`: exact when it can be; else rounded up at the places printed, never down."""
    printed = parse_volume(typed(format_volume(millilitres, at_least=True)))
    if exact_round(millilitres, 6) == millilitres:
        assert printed == millilitres
    else:
        assert millilitres < printed <= millilitres + Fraction(1, 100)
