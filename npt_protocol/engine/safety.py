"""Safety rules: tolerance, tonicity, product cautions, local anaesthetic dose, beyond-use time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from npt_protocol.errors import InputError
from npt_protocol.ismp import format_mass, format_number
from npt_protocol.numbers import parse_percent

DEFAULT_TOLERANCE = Fraction(5, 100)  # USP dextrose and mannitol injection monographs: 95-105 %

# Normal plasma is about 280-310 mOsmol/L (clinical-facts §3); 600 and above irritates veins.
PLASMA_LOW, PLASMA_HIGH, VEIN_IRRITANT = Fraction(280), Fraction(310), Fraction(600)
Tonicity = Literal["hypotonic", "isotonic", "hypertonic"]


@dataclass(frozen=True)
class Caution:
    """A warning about a product or mix, with the source that backs it."""

    key: str
    text: str
    source: str


CAUTIONS = {
    "corn": Caution(
        "corn",
        "Dextrose is corn-derived: ask about corn allergy.",
        "Pfizer dextrose injection label",
    ),
    "mannitol-crystals": Caution(
        "mannitol-crystals",
        "Mannitol 15 % or stronger may crystallise when cold: do not use it with crystals "
        "present; warm to redissolve and cool to body temperature.",
        "Osmitrol label; MGH ICU guideline",
    ),
    "mannitol-filter": Caution(
        "mannitol-filter",
        "Mannitol 20 % or stronger: draw it from the vial through a filter needle.",
        "ASHP Handbook on Injectable Drugs; MGH ICU guideline",
    ),
    "water-alone": Caution(
        "water-alone",
        "Sterile water for injection is hypotonic and haemolytic: never inject it alone "
        "intravenously.",
        "sterile water for injection labels",
    ),
    "bicarbonate": Caution(
        "bicarbonate",
        "Sodium bicarbonate stock is hypertonic: give it subcutaneously only when diluted "
        "(to about 1.5 %).",
        "sodium bicarbonate labels; ASHP Handbook on Injectable Drugs",
    ),
    "hypertonic": Caution(
        "hypertonic",
        "Hypertonic stock (600 mOsmol/L or more irritates veins): never inject it undiluted.",
        "Baxter dextrose label osmolarity table",
    ),
    "local-anaesthetic": Caution(
        "local-anaesthetic",
        "Local anaesthetic: check the dose against the label maximum (without epinephrine "
        "4.5 mg/kg, not more than 300 mg in total).",
        "lidocaine hydrochloride US label",
    ),
}


def product_cautions(
    composition: Mapping[str, Fraction], osmolarity: Fraction | None
) -> list[Caution]:
    """Return the cautions that apply to a product or mix of this composition."""
    found: list[Caution] = []
    if "dextrose" in composition:
        found.append(CAUTIONS["corn"])
    mannitol = composition.get("mannitol", Fraction(0))
    if mannitol >= 150:
        found.append(CAUTIONS["mannitol-crystals"])
    if mannitol >= 200:
        found.append(CAUTIONS["mannitol-filter"])
    if not composition:
        found.append(CAUTIONS["water-alone"])
    if composition.get("sodium bicarbonate", Fraction(0)) > 15:
        found.append(CAUTIONS["bicarbonate"])
    if "lidocaine" in composition:
        found.append(CAUTIONS["local-anaesthetic"])
    if osmolarity is not None and osmolarity >= VEIN_IRRITANT:
        found.append(CAUTIONS["hypertonic"])
    return found


def tonicity(osmolarity: Fraction) -> Tonicity:
    """Classify an osmolarity against normal plasma (about 280 to 310 mOsmol/L)."""
    if osmolarity < PLASMA_LOW:
        return "hypotonic"
    if osmolarity > PLASMA_HIGH:
        return "hypertonic"
    return "isotonic"


def parse_tolerance(text: str) -> Fraction:
    """Parse a tolerance such as '5%' or '5' (percent) into a fraction such as 1/20."""
    value = parse_percent(text, what="tolerance")
    if not 0 < value <= Fraction(1, 2):
        raise InputError(f"tolerance {text!r} is outside 0 % to 50 %; expected such as 5%.")
    return value


@dataclass(frozen=True)
class AnaestheticDose:
    """The local anaesthetic in a preparation against the label maximum for a weight."""

    milligrams: Fraction
    maximum_mg: Fraction | None
    weight_kg: Fraction | None

    @property
    def over_limit(self) -> bool:
        """Say whether the whole preparation holds more than the maximum dose."""
        return self.maximum_mg is not None and self.milligrams > self.maximum_mg

    def describe(self) -> str:
        """Say the dose and the limit in one line."""
        if self.maximum_mg is None or self.weight_kg is None:
            return (
                f"lidocaine {format_mass(self.milligrams)} in the whole preparation "
                "(give --weight to check it against the label maximum)"
            )
        verdict = "ABOVE" if self.over_limit else "within"
        return (
            f"lidocaine {format_mass(self.milligrams)} in the whole preparation, {verdict} "
            f"the label maximum of {format_mass(self.maximum_mg)} for "
            f"{format_number(self.weight_kg)} kg (4.5 mg/kg, not more than 300 mg, "
            "without epinephrine)"
        )


LIDOCAINE_MG_PER_KG = Fraction(9, 2)
LIDOCAINE_MAX_MG = Fraction(300)


def lidocaine_dose(milligrams: Fraction, weight_kg: Fraction | None) -> AnaestheticDose:
    """Compare an amount of plain lidocaine with the US label maximum for a weight."""
    if weight_kg is None:
        return AnaestheticDose(milligrams, None, None)
    maximum = min(LIDOCAINE_MG_PER_KG * weight_kg, LIDOCAINE_MAX_MG)
    return AnaestheticDose(milligrams, maximum, weight_kg)


@dataclass(frozen=True)
class UseByRule:
    """A named beyond-use rule: how long after the start of preparation the mix may be used."""

    key: str
    name: str
    hours: int
    source: str


USE_BY_RULES = {
    rule.key: rule
    for rule in (
        UseByRule(
            "immediate-use",
            "Immediate use (USP chapter 797): begin administration "
            "within 4 hours of the start of preparation",
            4,
            "USP chapter 797 (2023), secondary sources",
        ),
        UseByRule(
            "category-1-room",
            "USP chapter 797 Category 1, controlled room temperature",
            12,
            "USP chapter 797 (2023), secondary sources",
        ),
        UseByRule(
            "category-1-fridge",
            "USP chapter 797 Category 1, refrigerated",
            24,
            "USP chapter 797 (2023), secondary sources",
        ),
    )
}


def use_by(prepared_at: dt.datetime, rule_key: str = "immediate-use") -> dt.datetime:
    """Return the time a preparation must be used by under a named rule."""
    rule = USE_BY_RULES.get(rule_key)
    if rule is None:
        raise InputError(
            f"use-by rule {rule_key!r} is unknown; expected one of {', '.join(USE_BY_RULES)}."
        )
    try:
        return prepared_at + dt.timedelta(hours=rule.hours)
    except OverflowError:
        raise InputError(
            f"A preparation at {prepared_at.isoformat()} would be used by a time "
            "past the end of the calendar; expected a real date and time."
        ) from None
