"""Printing doses the ISMP way: no trailing zero, always a leading zero, a space before the unit,
thousands with commas, mL and mcg."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Literal, get_args

from npt_protocol.numbers import round_to


def format_number(value: Fraction | int, *, places: int = 2) -> str:
    """Print a number the ISMP way: 0.5, 5, 1,000.25 — never .5, 5.0 or 1000."""
    fraction = Fraction(value)
    rounded = round_to(fraction, places)
    text = f"{rounded:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text  # never "-0": the rounding yields an integer count of places, which has no sign


def significant_places(value: Fraction, *, places: int) -> int:
    """Return enough decimal places for a small non-zero value not to print as 0."""
    if value == 0:
        return places
    needed = places
    while round_to(abs(value), needed) == 0 and needed < 12:
        needed += 1
    return needed


def format_volume(millilitres: Fraction | int, *, places: int = 2, at_least: bool = False) -> str:
    """Print a volume in mL: '6 mL', '0.5 mL', '0.225 mL', '1,000 mL'.

    With `at_least` (a volume that is needed), one whose decimals never end is rounded up, so
    the printed volume is never less than the need.
    """
    value = Fraction(millilitres)
    shown = volume_places(value, places=places)
    if at_least and round_to(value, shown) < value:
        value = Fraction(math.ceil(value * 10**shown), 10**shown)
    return f"{format_number(value, places=shown)} mL"


def volume_places(value: Fraction, *, places: int, exact_up_to: int = 6) -> int:
    """Return the decimal places that print a volume as it is, or rounded where it never ends."""
    # A volume with a few decimals (an insulin-syringe mark of 0.005 mL, a protocol's 0.125 mL per
    # point) prints in full: rounding it to two places would name a volume nobody draws. Only a
    # value whose decimals never end (a third of a millilitre) is rounded.
    for needed in range(places, exact_up_to + 1):
        if round_to(value, needed) == value:
            return needed
    return significant_places(value, places=places)


def format_count(number: int, noun: str, plural: str | None = None) -> str:
    """Print a count with its noun in the right number: '1 record', '1,200 records'."""
    word = noun if number == 1 else (plural or f"{noun}s")
    return f"{number:,} {word}"


def format_mass(milligrams: Fraction | int, *, places: int = 2) -> str:
    """Print a mass in the clearest of mcg, mg and g: '500 mcg', '3 g'."""
    value = Fraction(milligrams)
    if 0 < abs(value) < 1:
        return f"{format_number(value * 1000, places=places)} mcg"
    if abs(value) >= 1000:
        return f"{format_number(value / 1000, places=places)} g"
    return f"{format_number(value, places=places)} mg"


def format_percent(mg_per_ml: Fraction, *, places: int = 2) -> str:
    """Print a mass concentration as percent w/v: '5 %', '0.1 %'."""
    value = Fraction(mg_per_ml) / 10
    return f"{format_number(value, places=significant_places(value, places=places))} %"


def percent_meaning(mg_per_ml: Fraction, *, places: int = 2) -> str:
    """Spell out what a percent w/v strength means: '5 % w/v (5 g per 100 mL)'."""
    grams = Fraction(mg_per_ml) / 10
    return (
        f"{format_percent(mg_per_ml, places=places)} w/v "
        f"({format_number(grams, places=max(places, 4))} g per 100 mL)"
    )


CompositionStyle = Literal["percent", "w/v", "spelled", "w/v and mg/mL"]


def format_composition(
    composition: Mapping[str, Fraction],
    *,
    style: CompositionStyle = "percent",
    places: int = 2,
    joiner: str = " and ",
    names: Mapping[str, str] | None = None,
) -> str:
    """Print solutes and strengths: 'dextrose 20 % and lidocaine 0.1 %', or 'no solute'.

    Styles: 'percent' (dextrose 5 %), 'w/v' (dextrose 5 % w/v), 'spelled' (dextrose 5 % w/v
    (5 g per 100 mL)), 'w/v and mg/mL' (dextrose 5 % w/v (50 mg/mL)). `names` prints a solute
    under another name, such as its basis: 'dextrose monohydrate 5 %'.
    """
    if style not in get_args(CompositionStyle):
        raise ValueError(f"composition style {style!r} is not one of {get_args(CompositionStyle)}")
    if not composition:
        return "no solute"
    parts = []
    for solute, strength in composition.items():
        name = (names or {}).get(solute, solute)
        if style == "spelled":
            parts.append(f"{name} {percent_meaning(strength, places=places)}")
            continue
        text = f"{name} {format_percent(strength, places=places)}"
        if style == "w/v":
            text += " w/v"
        elif style == "w/v and mg/mL":
            text += f" w/v ({format_number(strength, places=places)} mg/mL)"
        parts.append(text)
    return joiner.join(parts)
