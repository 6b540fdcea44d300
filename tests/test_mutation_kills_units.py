"""npt_protocol.units: behaviour pinned exactly, so that small changes to the code are caught.

Each test says the behaviour it pins. Expected values are worked out by hand from the rules in
docs/calculations.md and the ISMP printing rules, not copied from the program's output.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import pytest

from npt_protocol.errors import InputError, UnitError
from npt_protocol.units import (
    _cache_folder,
    _clip,
    format_mass,
    parse_mass,
    parse_number,
    parse_volume,
    percent_meaning,
    significant_places,
    unit_factor,
)

VOLUME_EXAMPLE = "60mL, 0.5 mL or 1 L"
MASS_EXAMPLE = "70kg or 300 mg"


def message(error: pytest.ExceptionInfo[BaseException]) -> str:
    return str(error.value)


# ---------------------------------------------------------------------------------------------
# The Pint cache folder


def test_cache_folder_is_switched_off_by_npt_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """NPT_NO_CACHE (any non-empty value) means no cache folder at all."""
    monkeypatch.setenv("NPT_NO_CACHE", "1")
    assert _cache_folder() is None


def test_cache_folder_is_the_npt_user_cache(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    """Without NPT_NO_CACHE the cache is the user cache folder named 'npt' (on Linux,
    $XDG_CACHE_HOME/npt)."""
    monkeypatch.delenv("NPT_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _cache_folder() == str(tmp_path / "npt")


# ---------------------------------------------------------------------------------------------
# Numbers


def test_a_letter_before_the_digits_is_not_called_negative() -> None:
    """Only a minus sign (ASCII or unicode) is reported as negative; 'X1' is simply not a
    number."""
    with pytest.raises(InputError) as error:
        parse_number("X1", what="volume")
    assert message(error) == ("volume 'X1' is not a number; expected plain digits such as 5, 0.5 "
                              "or 1,000.")


def test_forty_digits_are_accepted_and_forty_one_refused() -> None:
    """MAX_DIGITS is 40: a number of exactly 40 digits still parses; 41 digits are refused with a
    message that quotes the text clipped to 24 characters (23 and an ellipsis)."""
    forty = "1" * 40
    assert parse_number(forty, what="volume") == int(forty)
    with pytest.raises(InputError) as error:
        parse_number("1" * 41, what="final volume")
    assert message(error) == ("final volume '" + "1" * 23 + "…' has more than 40 digits; "
                              "expected a number as measured, such as 60 or 0.5.")


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
    assert message(error) == (f"volume {text!r} is not a finite number; expected a number such "
                              "as 5 or 0.5.")


# ---------------------------------------------------------------------------------------------
# Quantities


def test_a_plus_sign_before_a_quantity_is_accepted() -> None:
    """'+5 mL' is 5 mL: a leading plus sign is allowed, as in parse_number."""
    assert parse_volume("+5 mL") == 5


def test_a_letter_before_a_quantity_is_not_a_quantity() -> None:
    """'X5 mL' does not start with a number: it is not a quantity (and not negative)."""
    with pytest.raises(InputError) as error:
        parse_volume("X5 mL")
    assert message(error) == (f"volume 'X5 mL' is not a quantity; expected a number and a unit "
                              f"such as {VOLUME_EXAMPLE}.")


def test_a_decimal_comma_after_a_plus_sign_is_named() -> None:
    """'+60,5 mL' is a number written with a decimal comma, not 60 followed by a unit ',5 mL'."""
    with pytest.raises(InputError) as error:
        parse_volume("+60,5 mL")
    assert message(error) == ("volume '60,5' uses a decimal comma; write a decimal point, "
                              "e.g. 0.5.")


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
        assert message(error) == (f"volume {text!r}: write mL instead of cc (ISMP: cc is read as "
                                  f"00); expected a volume such as {VOLUME_EXAMPLE}.")


def test_ui_is_refused_with_the_ismp_reason() -> None:
    """'IU'-like 'ui' must be spelled out: refused with that reason."""
    with pytest.raises(UnitError) as error:
        parse_mass("5 ui")
    assert message(error) == ("mass '5 ui': units must be spelled out; expected a mass such as "
                              f"{MASS_EXAMPLE}.")


def test_missing_unit_message_gives_the_dimension_example() -> None:
    """A number without a unit says which dimension is expected and gives examples."""
    with pytest.raises(UnitError) as error:
        unit_factor("", dimension="time", what="duration", original="4")
    assert message(error) == ("duration '4' has no unit; expected a time such as 4h or 30 min.")


def test_wrong_dimension_quotes_the_text_as_typed() -> None:
    """A mass given for a volume quotes the whole text the user typed."""
    with pytest.raises(UnitError) as error:
        parse_volume("60 kg")
    assert message(error) == (f"volume '60 kg' is not a volume; expected a volume such as "
                              f"{VOLUME_EXAMPLE}.")


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


@pytest.mark.parametrize(("milligrams", "printed"), [
    (Fraction(0), "0 mg"),              # zero is not switched to micrograms
    (Fraction(1), "1 mg"),              # 1 mg is the first value printed in mg
    (Fraction(3, 2), "1.5 mg"),         # below 2 mg still mg
    (Fraction(999), "999 mg"),
    (Fraction(1000), "1 g"),            # 1,000 mg is the first value printed in g
    (Fraction(1001), "1 g"),            # 1.001 g rounds to 1 at two places
    (Fraction(1, 2), "500 mcg"),
])
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
