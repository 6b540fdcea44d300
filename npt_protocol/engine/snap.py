"""Choosing the measurement: every method's candidates judged, the best kept, and why.

A candidate is acceptable when every target solute is within the tolerance, every reading is
within its share of the tolerance (engine/certify.py), and it makes the volume asked for or comes
within the tolerance of it. Among acceptable candidates the order is: the volume closest to the
request, fewest steps, the strength closest to the target, the readings furthest inside their
shares, then qs, one syringe, container. A session also gives the least volume it needs, and no
candidate below it is considered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import NamedTuple

from npt_protocol.catalogue.products import Product
from npt_protocol.engine.certify import Certification, certify
from npt_protocol.engine.measured import (
    METHOD_NAMES,
    METHOD_ORDER,
    METHODS,
    Measurement,
    Method,
)
from npt_protocol.engine.methods import GENERATORS, why_not_possible
from npt_protocol.engine.solver import Portion
from npt_protocol.engine.syringes import Syringe
from npt_protocol.errors import MeasurementError
from npt_protocol.ismp import format_measured_volume, format_number, format_volume

__all__ = ["METHODS", "METHOD_NAMES", "Candidate", "Choice", "Method", "choose"]


class Candidate(NamedTuple):
    """One measurement judged: what it makes, how far off, whether it can be certified."""

    measurement: Measurement
    total_ml: Fraction
    deviations: Mapping[str, Fraction]
    certification: Certification
    tolerance: Fraction
    volume_ml: Fraction

    @property
    def within_tolerance(self) -> bool:
        """Say whether every target solute is within the tolerance."""
        return all(abs(d) <= self.tolerance for d in self.deviations.values())

    @property
    def volume_ok(self) -> bool:
        """Say whether the volume made is the one asked for, or within the tolerance of it."""
        return abs(self.total_ml - self.volume_ml) <= self.volume_ml * self.tolerance

    @property
    def acceptable(self) -> bool:
        """Say whether a careful pharmacist could sign this measurement."""
        return self.within_tolerance and self.certification.certified and self.volume_ok

    @property
    def worst_deviation(self) -> Fraction:
        """Return the largest relative deviation of any target solute."""
        return max((abs(d) for d in self.deviations.values()), default=Fraction(0))

    @property
    def reading_ratio(self) -> Fraction:
        """Return the worst reading's error as a fraction of its share."""
        worst = self.certification.worst
        return Fraction(0) if worst is None else worst.ratio

    def rank(self) -> tuple[object, ...]:
        """Order candidates: acceptable first, then as the module says; lower is better."""
        off = abs(self.total_ml - self.volume_ml)
        order = METHOD_ORDER.index(self.measurement.method)
        if self.acceptable:
            return (0, off, self.measurement.steps, self.worst_deviation, self.reading_ratio, order)
        badness = max(
            self.worst_deviation / self.tolerance,
            self.reading_ratio,
            off / (self.volume_ml * self.tolerance),
        )
        return (1, badness, off, self.measurement.steps, order)


class Choice(NamedTuple):
    """The chosen candidate, the best of every method, and one reason per method not chosen."""

    best: Candidate
    by_method: Mapping[Method, Candidate | None]
    reasons: Mapping[Method, str]

    @property
    def why(self) -> str:
        """Say in one line why this method was chosen over the others."""
        chosen = self.best.measurement.method
        others = [
            f"{m} ({METHOD_NAMES[m]}) {self.reasons[m]}"
            for m in METHOD_ORDER
            if m != chosen and m in self.reasons
        ]
        return "; ".join(others) if others else "the method asked for"


def _deviations(
    measurement: Measurement, products: Mapping[str, Product], target: Mapping[str, Fraction]
) -> dict[str, Fraction]:
    """Work out each target solute's relative deviation exactly: masses over the total volume."""
    total = measurement.total_ml
    deviations = {}
    for solute, wanted in target.items():
        mass = sum(
            (
                products[p.product_id].composition.get(solute, Fraction(0)) * p.volume_ml
                for p in measurement.portions
            ),
            Fraction(0),
        )
        deviations[solute] = (mass / total - wanted) / wanted
    return deviations


def evaluate(
    measurement: Measurement,
    *,
    products: Mapping[str, Product],
    target: Mapping[str, Fraction],
    tolerance: Fraction,
    volume_ml: Fraction,
    deviations: Mapping[str, Fraction] | None = None,
) -> Candidate:
    """Judge a measurement against the target and the tolerance, exactly (masses over volume)."""
    certification = certify(
        measurement, products=products, target=list(target), tolerance=tolerance
    )
    return Candidate(
        measurement,
        measurement.total_ml,
        deviations if deviations is not None else _deviations(measurement, products, target),
        certification,
        tolerance,
        volume_ml,
    )


UNSIGNABLE_SEARCH = 100  # candidates certified, best first, when none can be signed


def _best_of(
    measurements: Iterable[Measurement],
    *,
    products: Mapping[str, Product],
    target: Mapping[str, Fraction],
    tolerance: Fraction,
    volume_ml: Fraction,
    minimum_ml: Fraction | None,
    signable_only: bool = False,
) -> Candidate | None:
    """Return one method's best candidate, certifying as few as the order allows.

    With `signable_only`, return the first acceptable candidate found (or the first tried, not
    acceptable, when none is): enough to know whether the method can be signed at all.

    Candidates are sorted by what costs nothing to know (volume off, steps, strength off); the
    first acceptable one in that order is the best, up to ties, which certification breaks.
    """
    cheap = []
    for measurement in measurements:
        if minimum_ml is not None and measurement.total_ml < minimum_ml:
            continue
        deviations = _deviations(measurement, products, target)
        worst = max((abs(d) for d in deviations.values()), default=Fraction(0))
        prefix = (abs(measurement.total_ml - volume_ml), measurement.steps, worst)
        cheap.append((prefix, measurement, deviations))
    cheap.sort(key=lambda item: item[0])
    found: Candidate | None = None
    for index, (prefix, measurement, deviations) in enumerate(cheap):
        if (
            found is not None
            and found.acceptable
            and prefix
            > (abs(found.total_ml - volume_ml), found.measurement.steps, found.worst_deviation)
        ):
            break  # every later candidate is behind an acceptable one already found
        if found is not None and not found.acceptable and index >= UNSIGNABLE_SEARCH:
            break
        candidate = evaluate(
            measurement,
            products=products,
            target=target,
            tolerance=tolerance,
            volume_ml=volume_ml,
            deviations=deviations,
        )
        if signable_only and candidate.acceptable:
            return candidate
        if found is None or candidate.rank() < found.rank():
            found = candidate
        if signable_only and index + 1 >= UNSIGNABLE_SEARCH:
            break
    return found


def choose(
    exact: Sequence[Portion],
    *,
    target: Mapping[str, Fraction],
    volume_ml: Fraction,
    syringes: Sequence[Syringe],
    tolerance: Fraction,
    methods: Sequence[Method] = METHOD_ORDER,
    minimum_ml: Fraction | None = None,
    signable_only: bool = False,
) -> Choice:
    """Judge every candidate of every method asked for and keep the best (with
    `signable_only`, stop at the first signable one: for asking whether any is)."""
    stocks = [p for p in exact[:-1] if p.volume_ml > 0]
    diluent = exact[-1]
    products = {p.product.id: p.product for p in exact}
    by_method: dict[Method, Candidate | None] = {
        method: _best_of(
            GENERATORS[method](stocks, diluent, volume_ml, syringes),
            products=products,
            target=target,
            tolerance=tolerance,
            volume_ml=volume_ml,
            minimum_ml=minimum_ml,
            signable_only=signable_only,
        )
        for method in methods
    }
    found = [c for c in by_method.values() if c is not None]
    if not found:
        raise MeasurementError(_nothing_measures(methods, stocks, volume_ml, syringes, minimum_ml))
    winner = min(found, key=lambda c: c.rank())
    reasons = {
        m: _reason(by_method[m], winner, m, stocks, volume_ml, syringes)
        for m in methods
        if m != winner.measurement.method
    }
    return Choice(winner, by_method, reasons)


def _nothing_measures(
    methods: Sequence[Method],
    stocks: Sequence[Portion],
    volume_ml: Fraction,
    syringes: Sequence[Syringe],
    minimum_ml: Fraction | None,
) -> str:
    """Explain in one sentence why no method measures the preparation."""
    if len(methods) == 1:
        method = methods[0]
        return (
            f"The {method} method cannot measure this preparation: it "
            f"{why_not_possible(method, stocks, volume_ml, syringes)}; choose another "
            "--method or leave it out."
        )
    short = "" if minimum_ml is None else f" of at least {format_volume(minimum_ml)}"
    return (
        f"No syringe marks in the set measure {format_volume(volume_ml)}{short}; add a "
        "syringe to the set or make a larger batch."
    )


def _reason(
    candidate: Candidate | None,
    winner: Candidate,
    method: Method,
    stocks: Sequence[Portion],
    volume_ml: Fraction,
    syringes: Sequence[Syringe],
) -> str:
    """Say why one method's best candidate lost to the chosen one."""
    if candidate is None:
        return why_not_possible(method, stocks, volume_ml, syringes)
    if not candidate.acceptable:
        return _failure(candidate)
    off, best_off = (abs(c.total_ml - volume_ml) for c in (candidate, winner))
    if off > best_off:
        return f"makes {format_measured_volume(candidate.total_ml)}, not the volume asked"
    more = candidate.measurement.steps - winner.measurement.steps
    if more > 0:
        return f"takes {more} more step{'s' if more > 1 else ''}"
    if candidate.worst_deviation > winner.worst_deviation:
        return "comes less close to the target strength"
    return "is no better"


def _failure(candidate: Candidate) -> str:
    """Say what keeps a candidate from being signed."""
    worst = candidate.certification.worst
    if worst is not None and not candidate.certification.certified:
        return (
            f"reads {worst.where()}, which may move a strength by "
            f"{_percent(worst.relative)}, more than its share of {_percent(worst.share)}"
        )
    if not candidate.within_tolerance:
        return f"comes {_percent(candidate.worst_deviation)} off the target strength"
    return f"makes {format_measured_volume(candidate.total_ml)}, too far from the volume asked"


def _percent(fraction: Fraction) -> str:
    """Print a relative amount as a percent: '10 %'."""
    return f"{format_number(fraction * 100)} %"
