"""Mixing maths: the exact n-component solver and the composition of a mix of measured volumes.

Volumes are treated as additive (1 mL + 1 mL = 2 mL). For dilute aqueous solutions the error is
small but not zero (about 1 % when 1 mL of 8.4 % bicarbonate goes into 100 mL of D5W); the
tolerance absorbs it, and docs/calculations.md says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import NamedTuple

from npt_protocol.catalogue.products import Catalogue, Composition, Product
from npt_protocol.errors import SolutionError
from npt_protocol.ismp import format_percent, format_volume


class Portion(NamedTuple):
    """A volume of one product, exact, in mL."""

    product: Product
    volume_ml: Fraction


class Mixture(NamedTuple):
    """What a set of portions makes once mixed: volume, strengths and osmolarity."""

    volume_ml: Fraction
    composition: Mapping[str, Fraction]
    osmolarity: Fraction | None
    unknown_osmolarity: tuple[str, ...] = ()

    def solute_mg(self, solute: str) -> Fraction:
        """Return the mass of a solute in the whole mix, in mg."""
        return self.composition.get(solute, Fraction(0)) * self.volume_ml


def mix(portions: Sequence[Portion], catalogue: Catalogue) -> Mixture:
    """Compute the exact composition and osmolarity of mixed portions (volumes additive)."""
    total = sum((p.volume_ml for p in portions), Fraction(0))
    if total <= 0:
        raise SolutionError("The mix has no volume; give at least one positive volume.")
    masses: dict[str, Fraction] = {}
    osmoles = Fraction(0)
    unknown: list[str] = []
    for portion in portions:
        for solute, strength in portion.product.composition.items():
            masses[solute] = masses.get(solute, Fraction(0)) + strength * portion.volume_ml
        osmolarity = catalogue.osmolarity(portion.product)
        if osmolarity is None:
            unknown.append(portion.product.id)
        else:
            osmoles += osmolarity * portion.volume_ml
    composition = {solute: mass / total for solute, mass in masses.items()}
    return Mixture(
        volume_ml=total,
        composition=composition,
        osmolarity=None if unknown else osmoles / total,
        unknown_osmolarity=tuple(dict.fromkeys(unknown)),
    )


def solve(
    target: Composition,
    *,
    volume_ml: Fraction,
    stocks: Sequence[Product],
    diluent: Product,
    catalogue: Catalogue,
) -> list[Portion]:
    """Find the exact volume of each stock and of the diluent that makes the target.

    One mass balance per target solute plus the volumes summing to the final volume. C1V1 = C2V2
    and alligation are the one- and two-stock cases of the same linear system.
    """
    if volume_ml <= 0:
        raise SolutionError(
            f"The final volume {format_volume(volume_ml)} is not positive; "
            "give a volume above 0 mL."
        )
    components = _components(stocks, diluent)
    _require_coverage(target, components, catalogue)
    solutes = list(target)
    # Rows: one per solute (sum c_i v_i = T V), then the volume sum (sum v_i = V).
    rows = [
        [p.composition.get(s, Fraction(0)) for p in components] + [target[s] * volume_ml]
        for s in solutes
    ]
    rows.append([Fraction(1)] * len(components) + [volume_ml])
    volumes = _solve_exact(rows, components, solutes)
    _refuse_negative(volumes, components, target, diluent)
    return [Portion(product=p, volume_ml=v) for p, v in zip(components, volumes, strict=True)]


def _components(stocks: Sequence[Product], diluent: Product) -> list[Product]:
    """List the stocks then the diluent, refusing the same product twice."""
    components = [*stocks, diluent]
    seen: set[str] = set()
    for product in components:
        if product.id in seen:
            raise SolutionError(
                f"{product.id} is given twice (as a stock and the diluent, or "
                "twice with --from); give each product once."
            )
        seen.add(product.id)
    return components


def _require_coverage(
    target: Composition, components: Sequence[Product], catalogue: Catalogue
) -> None:
    """Refuse targets whose solutes no component provides, and stocks that provide none."""
    for solute in target:
        if not any(solute in p.composition for p in components):
            offers = [p.id for p in catalogue.products if solute in p.composition]
            hint = f" such as {', '.join(offers[:3])}" if offers else ""
            raise SolutionError(f"No stock given contains {solute}; add one with --from{hint}.")
    for product in components[:-1]:
        if not any(s in target for s in product.composition):
            raise SolutionError(
                f"Stock {product.id} contains none of the target's solutes "
                f"({', '.join(target)}); leave it out."
            )


def _solve_exact(
    rows: list[list[Fraction]], components: Sequence[Product], solutes: Sequence[str]
) -> list[Fraction]:
    """Reduce the augmented matrix exactly and return the one solution, or explain why none."""
    n = len(components)
    matrix = [row[:] for row in rows]
    pivots: list[int] = []
    r = 0
    for c in range(n):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][c]
        matrix[r] = [x / lead for x in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                factor = matrix[i][c]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append(c)
        r += 1
    if any(all(x == 0 for x in row[:n]) and row[n] != 0 for row in matrix):
        names = ", ".join(p.id for p in components)
        raise SolutionError(
            f"The target cannot be made from {names}: no volumes satisfy every "
            f"solute at once ({', '.join(solutes)}); add a stock for each "
            "solute."
        )
    if len(pivots) < n:
        sharing = [
            p.id
            for p in components[:-1]
            if any(set(p.composition) & set(q.composition) for q in components[:-1] if q is not p)
        ]
        names = " and ".join(sharing) if sharing else ", ".join(p.id for p in components)
        raise SolutionError(
            f"More stocks than needed: {names} provide the same solutes, so "
            "many recipes would do; give one stock per solute with --from."
        )
    solution = [Fraction(0)] * n
    for row_index, column in enumerate(pivots):
        solution[column] = matrix[row_index][n]
    return solution


def _refuse_negative(
    volumes: Sequence[Fraction],
    components: Sequence[Product],
    target: Composition,
    diluent: Product,
) -> None:
    """Explain a negative volume as the user would: a target too strong, a diluent too strong."""
    if all(volume >= 0 for volume in volumes):
        return
    for solute, wanted in target.items():
        holders = [p for p in components if solute in p.composition]
        strongest = max(holders, key=lambda p: p.composition[solute])
        if strongest.composition[solute] < wanted:
            raise SolutionError(
                f"The target {solute} {format_percent(wanted)} is stronger than every stock "
                f"given: the strongest, {strongest.id}, is "
                f"{format_percent(strongest.composition[solute])}; choose a weaker target or a "
                "stronger stock."
            )
    for solute, wanted in target.items():
        if diluent.composition.get(solute, 0) > wanted:
            raise SolutionError(
                f"The diluent {diluent.id} already holds {solute} at "
                f"{format_percent(diluent.composition[solute])}, more than the target "
                f"{format_percent(wanted)}; choose a weaker diluent such as SWFI."
            )
    for product, volume in zip(components, volumes, strict=True):
        if volume >= 0:
            continue
        if product is diluent:  # a diluent stronger than the target was refused above
            raise SolutionError(
                f"The target cannot be made: it would need a negative volume "
                f"of diluent {diluent.id} (the stocks needed already fill more "
                "than the final volume); use stronger stocks or a weaker "
                "target."
            )
        raise SolutionError(
            f"{product.id} would need a negative volume "
            f"({format_volume(volume)}): the other components already bring "
            "more of its solute than the target allows; leave "
            f"{product.id} out or change the diluent."
        )
