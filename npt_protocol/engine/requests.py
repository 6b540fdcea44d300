"""Prepare and check requests as the text a user gave, and running them through the engine.

`npt prepare` and `npt check` build a request from their options (settings already applied) and
run it here; `npt log verify` rebuilds the same request from a log record and runs it again, so
the command and the recomputation share one path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from npt_protocol.catalogue.products import Catalogue
from npt_protocol.engine.recipe import MAX_BATCH_ML, Assessment, Recipe, assess, prepare
from npt_protocol.engine.safety import DEFAULT_TOLERANCE, parse_tolerance
from npt_protocol.engine.snap import Method
from npt_protocol.engine.solver import Portion
from npt_protocol.engine.syringes import DEFAULT_SYRINGES_TEXT, syringe_set
from npt_protocol.errors import InputError
from npt_protocol.ismp import format_number
from npt_protocol.units import parse_mass, parse_volume

DEFAULT_TOLERANCE_TEXT = f"{format_number(DEFAULT_TOLERANCE * 100)}%"


@dataclass(frozen=True)
class PrepareRequest:
    """Everything `npt prepare` needs, as text, with the clinic settings already applied."""

    target: str
    volume: str
    stocks: tuple[str, ...]
    diluent: str = "SWFI"
    method: Method | None = None
    tolerance: str = DEFAULT_TOLERANCE_TEXT
    weight: str | None = None
    syringes: tuple[str, ...] = DEFAULT_SYRINGES_TEXT
    catalogue: str | None = None
    bases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckRequest:
    """Everything `npt check` needs, as text: the target and each PRODUCT=VOLUME drawn."""

    target: str
    drawn: tuple[str, ...]
    tolerance: str = DEFAULT_TOLERANCE_TEXT
    weight: str | None = None
    catalogue: str | None = None
    bases: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchRequest:
    """A session's batch, as `npt session --log` records it: a prepare request at the batch
    volume the session chose, never less than `minimum` mL (the session's exact need, written
    as a fraction such as 31/5 so that it is kept exactly)."""

    target: str
    volume: str
    stocks: tuple[str, ...]
    minimum: str
    diluent: str = "SWFI"
    tolerance: str = DEFAULT_TOLERANCE_TEXT
    weight: str | None = None
    syringes: tuple[str, ...] = DEFAULT_SYRINGES_TEXT
    catalogue: str | None = None
    bases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckResult:
    """A pharmacist's check worked out: what was drawn and what it makes."""

    target_text: str
    portions: tuple[Portion, ...]
    assessment: Assessment
    catalogue_version: str


def parse_weight(text: str | None) -> Fraction | None:
    """Parse --weight into kilograms, refusing what cannot be a patient's weight."""
    if text is None:
        return None
    kilograms = parse_mass(text, what="--weight") / 1_000_000
    if not 1 <= kilograms <= 400:
        raise InputError(
            f"--weight {text!r} is not a patient's weight; expected 1 kg to 400 kg, such as 70kg."
        )
    return kilograms


def run_prepare(request: PrepareRequest, catalogue: Catalogue) -> Recipe:
    """Work out the recipe a prepare request asks for."""
    volume_ml = parse_volume(request.volume, what="--volume")
    if volume_ml > MAX_BATCH_ML:
        raise InputError(
            f"--volume {request.volume!r} is more than 10 L; expected a "
            "preparation volume such as 60mL."
        )
    catalogue = with_bases(catalogue, request.bases)
    return prepare(
        request.target,
        volume_ml=volume_ml,
        stocks=[catalogue.product(spec, what="--from") for spec in request.stocks],
        diluent=catalogue.product(request.diluent, what="--diluent"),
        catalogue=catalogue,
        syringes=syringe_set(request.syringes),
        method=request.method,
        tolerance=parse_tolerance(request.tolerance),
        weight_kg=parse_weight(request.weight),
    )


def run_batch(request: BatchRequest, catalogue: Catalogue) -> Recipe:
    """Work out a session batch's recipe again, as the session chose it."""
    minimum = _fraction(request.minimum)
    catalogue = with_bases(catalogue, request.bases)
    return prepare(
        request.target,
        volume_ml=parse_volume(request.volume, what="batch volume"),
        stocks=[catalogue.product(spec, what="stock") for spec in request.stocks],
        diluent=catalogue.product(request.diluent, what="diluent"),
        catalogue=catalogue,
        syringes=syringe_set(request.syringes),
        tolerance=parse_tolerance(request.tolerance),
        weight_kg=parse_weight(request.weight),
        minimum_ml=minimum,
    )


def _fraction(text: str) -> Fraction:
    """Read an exact batch volume in mL written as digits or digits/digits."""
    numerator, _, denominator = text.partition("/")
    digits = numerator.isascii() and numerator.isdigit()
    if denominator:
        digits = digits and denominator.isascii() and denominator.isdigit()
    over = int(denominator or "1") if digits else 0
    if not digits or over == 0 or not 0 < Fraction(int(numerator), over) <= MAX_BATCH_ML:
        raise InputError(f"minimum {text!r} is not a batch volume in mL such as 31/5.")
    return Fraction(int(numerator), over)


def parse_bases(items: Sequence[str]) -> dict[str, str]:
    """Parse SOLUTE=BASIS items (e.g. dextrose=anhydrous) into a mapping."""
    bases: dict[str, str] = {}
    for item in items:
        solute, separator, basis = item.partition("=")
        if not separator or not solute.strip() or not basis.strip():
            raise InputError(
                f"--basis {item!r} is not SOLUTE=BASIS; expected such as dextrose=anhydrous."
            )
        bases[solute.strip()] = basis.strip().lower()
    return bases


def with_bases(catalogue: Catalogue, items: Sequence[str]) -> Catalogue:
    """Return the catalogue with the bases a request names for bare solute names."""
    return catalogue.with_bases(parse_bases(items), what="--basis") if items else catalogue


def run_check(request: CheckRequest, catalogue: Catalogue) -> CheckResult:
    """Judge what a check request says was drawn against its target."""
    catalogue = with_bases(catalogue, request.bases)
    target = catalogue.stated(request.target, what="target")
    portions = _drawn_portions(request.drawn, catalogue)
    assessment = assess(
        target,
        portions,
        catalogue=catalogue,
        tolerance=parse_tolerance(request.tolerance),
        weight_kg=parse_weight(request.weight),
    )
    return CheckResult(request.target, tuple(portions), assessment, catalogue.version)


def _drawn_portions(drawn: Sequence[str], catalogue: Catalogue) -> list[Portion]:
    """Read PRODUCT=VOLUME items into portions, each product once."""
    portions = []
    seen: set[str] = set()
    for item in drawn:
        name, separator, volume_text = item.partition("=")
        if not separator:
            raise InputError(
                f"{item!r} has no '='; write each drawn product as PRODUCT=VOLUME, e.g. D50=6mL."
            )
        product = catalogue.product(name, what=f"{item!r}")
        if product.id in seen:
            raise InputError(
                f"{product.id} is given twice; add its volumes into one PRODUCT=VOLUME."
            )
        seen.add(product.id)
        portions.append(Portion(product, parse_volume(volume_text, what=f"{item!r} volume")))
    return portions
