"""Hypothesis strategies and small independent oracles shared by the engine's tests.

The oracles (exact rounding, determinants, Cramer's rule, mark rounding) are written here from the
textbook definitions, not from the engine's code, so a property that compares the two can fail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction

import attrs
from hypothesis import strategies as st

from npt_protocol.products import Product

# ---------------------------------------------------------------------------------------------
# Exact numbers and how people write them

# An ISMP number (clinical-facts §5): a leading zero or 1-3 digits then comma groups of three,
# and no trailing zero after the decimal point.
ISMP_NUMBER = re.compile(r"(?:0|[1-9][0-9]{0,2}(?:,[0-9]{3})*)(?:\.[0-9]*[1-9])?")


def decimals(low: Fraction | int, high: Fraction | int, places: int) -> st.SearchStrategy[Fraction]:
    """Exact decimals from low to high with at most `places` decimal places."""
    scale = 10**places
    return st.integers(int(Fraction(low) * scale), int(Fraction(high) * scale)).map(
        lambda n: Fraction(n, scale))


def decimal_text(value: Fraction) -> str:
    """Write a terminating fraction as a plain decimal: 6, 0.06, 60000 (no exponent, no commas)."""
    value = Fraction(value)
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
        if places > 30:
            raise ValueError(f"{value} is not a terminating decimal")
    digits = str(abs(int(value * 10**places))).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    if places == 0:
        return sign + digits
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def exact_round(value: Fraction, places: int) -> Fraction:
    """Round half to even at `places` decimal places, exactly (round() on a Fraction)."""
    scale = 10**places
    return Fraction(round(Fraction(value) * scale), scale)


def volume_spellings(millilitres: Fraction) -> list[str]:
    """Every way the tool accepts of writing one volume: mL, ml, L, litre, µL (micro sign or Greek
    mu), uL, mcL, dL."""
    ml = decimal_text(millilitres)
    litres = decimal_text(millilitres / 1000)
    micro = decimal_text(millilitres * 1000)
    return [f"{ml} mL", f"{ml}mL", f"{ml} ml", f"{ml} milliliter", f"{litres} L", f"{litres}L",
            f"{litres} litre", f"{micro} µL", f"{micro} \u03bcL", f"{micro} uL", f"{micro}mcL",
            f"{decimal_text(millilitres / 100)} dL"]


def strength_spellings(mg_per_ml: Fraction) -> list[str]:
    """Every way the grammar accepts of writing one mass concentration."""
    percent = decimal_text(mg_per_ml / 10)
    return [f"{percent}%", f"{percent} %", f"{percent} % w/v", f"{percent}% w/v",
            f"{decimal_text(mg_per_ml)} mg/mL", f"{decimal_text(mg_per_ml)}mg/ml",
            f"{percent} g/100 mL", f"{percent} g per 100 mL", f"{percent} g/dL",
            f"{decimal_text(mg_per_ml / 1000)} g per mL", f"{decimal_text(mg_per_ml / 1000)} g/mL",
            f"{decimal_text(mg_per_ml * 1000)} mcg/mL", f"{decimal_text(mg_per_ml)} g/L",
            f"{decimal_text(mg_per_ml * 10)} mg/10 mL"]


# A realistic request volume: 1 mL to 500 mL in steps of 0.1 mL.
request_volumes = decimals(1, 500, 1)

# Anything a formatter may be handed: exact non-negative fractions, large, tiny and awkward.
formattable = st.one_of(
    st.fractions(min_value=0, max_value=10**7, max_denominator=10**6),
    decimals(0, 10**6, 4),
    st.integers(0, 10**12).map(Fraction),
    st.builds(Fraction, st.integers(0, 10**40), st.integers(1, 10**40)),
)
positive_volumes = st.one_of(
    st.fractions(min_value=Fraction(1, 10**6), max_value=10**6, max_denominator=10**6),
    decimals(Fraction(1, 1000), 10**5, 3).filter(lambda v: v > 0),
)

# ---------------------------------------------------------------------------------------------
# Products and solver problems

SOLUTES = ("dextrose", "mannitol", "sodium chloride", "sodium bicarbonate", "lidocaine")
STRENGTHS_MG_PER_ML = decimals(Fraction(1, 10), 700, 1)


def product(pid: str, composition: dict[str, Fraction], role: str = "stock") -> Product:
    """Make a stock product with a given composition (mg/mL), as a clinic catalogue would."""
    return Product(id=pid, name=pid, composition=composition, role=role)  # type: ignore[arg-type]


@attrs.frozen
class SquareProblem:
    """Stocks, a diluent and the volumes that were mixed: the answer is known before solving."""

    stocks: tuple[Product, ...]
    diluent: Product
    volumes: tuple[Fraction, ...]  # stocks first, then the diluent

    @property
    def components(self) -> tuple[Product, ...]:
        """List the stocks then the diluent, as the solver orders them."""
        return (*self.stocks, self.diluent)

    @property
    def total(self) -> Fraction:
        """Return the final volume."""
        return sum(self.volumes, Fraction(0))

    def target(self) -> dict[str, Fraction]:
        """Return the composition that mixing these volumes makes (mass over volume)."""
        masses: dict[str, Fraction] = {}
        for item, volume in zip(self.components, self.volumes, strict=True):
            for solute, strength in item.composition.items():
                masses[solute] = masses.get(solute, Fraction(0)) + strength * volume
        return {solute: mass / self.total for solute, mass in masses.items()}


@st.composite
def square_problems(draw: st.DrawFn) -> SquareProblem:
    """One to three stocks, each with its own solute (and maybe others), and a diluent that may
    itself contain a solute, as D5W does; positive stock volumes."""
    count = draw(st.integers(1, 3))
    solutes = draw(st.permutations(SOLUTES))[:count]
    stocks = []
    for index, own in enumerate(solutes):
        composition = {own: draw(STRENGTHS_MG_PER_ML)}
        for other in solutes:
            if other != own and draw(st.integers(0, 3)) == 0:
                composition[other] = draw(STRENGTHS_MG_PER_ML)
        stocks.append(product(f"stock-{index}", composition))
    diluent_composition: dict[str, Fraction] = {}
    if draw(st.booleans()):
        diluent_composition[draw(st.sampled_from(solutes))] = draw(STRENGTHS_MG_PER_ML)
    diluent = product("diluent", diluent_composition, "diluent")
    volumes = [draw(decimals(Fraction(1, 100), 100, 2)) for _ in stocks]
    volumes.append(draw(decimals(0, 100, 2)))
    return SquareProblem(tuple(stocks), diluent, tuple(volumes))


def determinant(matrix: Sequence[Sequence[Fraction]]) -> Fraction:
    """Return the determinant by Laplace expansion along the first row (fine up to 4 × 4)."""
    if len(matrix) == 1:
        return Fraction(matrix[0][0])
    total = Fraction(0)
    for column, value in enumerate(matrix[0]):
        if value == 0:
            continue
        minor = [[*row[:column], *row[column + 1:]] for row in matrix[1:]]
        total += (-1) ** column * value * determinant(minor)
    return total


def system(components: Sequence[Product], solutes: Sequence[str]) -> list[list[Fraction]]:
    """Return the coefficient matrix: one row per solute (strengths), then a row of ones."""
    rows = [[Fraction(p.composition.get(s, 0)) for p in components] for s in solutes]
    rows.append([Fraction(1)] * len(components))
    return rows


def cramer(matrix: list[list[Fraction]], rhs: Sequence[Fraction]) -> list[Fraction] | None:
    """Solve a square system by Cramer's rule; None when it is singular."""
    base = determinant(matrix)
    if base == 0:
        return None
    answer = []
    for column in range(len(matrix)):
        replaced = [[*row[:column], rhs[i], *row[column + 1:]] for i, row in enumerate(matrix)]
        answer.append(determinant(replaced) / base)
    return answer


# ---------------------------------------------------------------------------------------------
# Requests for `prepare`, in the catalogue's own products

DEXTROSE_STOCKS = {"D10W": Fraction(100), "D25W": Fraction(250), "D50W": Fraction(500),
                   "D70W": Fraction(700)}
DEXTROSE_DILUENTS = {"SWFI": Fraction(0), "D5W": Fraction(50)}
LIDOCAINE_STOCKS = {"lidocaine-1": Fraction(10), "lidocaine-2": Fraction(20)}

SYRINGE_SETS: tuple[tuple[str, ...] | None, ...] = (
    None,  # the default set
    ("10 mL by 1 mL", "60 mL by 5 mL"),
    ("5 mL by 0.5 mL", "20 mL by 2 mL"),
    ("3 mL by 0.1 mL", "10 mL by 0.5 mL", "30 mL by 1 mL"),
)


@attrs.frozen
class Request:
    """A `prepare` request whose exact answer is known from the alligation by hand."""

    target_text: str
    target: dict[str, Fraction]
    volume_ml: Fraction
    stocks: tuple[str, ...]
    diluent: str


@st.composite
def dextrose_requests(draw: st.DrawFn) -> Request:
    """Dextrose from one catalogue stock and diluent, strictly between the two strengths."""
    stock = draw(st.sampled_from(sorted(DEXTROSE_STOCKS)))
    diluent = draw(st.sampled_from(sorted(DEXTROSE_DILUENTS)))
    high, low = DEXTROSE_STOCKS[stock], DEXTROSE_DILUENTS[diluent]
    share = Fraction(draw(st.integers(1, 99)), 100)
    target = low + (high - low) * share
    return Request(f"dextrose {decimal_text(target / 10)}%", {"dextrose": target},
                   draw(request_volumes), (stock,), diluent)


@st.composite
def dextrose_lidocaine_requests(draw: st.DrawFn) -> Request:
    """Dextrose and lidocaine from D50 and a lidocaine stock into sterile water."""
    lidocaine = draw(st.sampled_from(sorted(LIDOCAINE_STOCKS)))
    dextrose_share = Fraction(draw(st.integers(1, 90)), 100)
    room = 100 - int(dextrose_share * 100)
    # Often no water at all: the stocks alone make the volume.
    lidocaine_share = Fraction(draw(st.one_of(st.just(room), st.integers(1, room))), 100)
    dextrose = 500 * dextrose_share
    lido = LIDOCAINE_STOCKS[lidocaine] * lidocaine_share
    text = f"dextrose {decimal_text(dextrose / 10)}% + lidocaine {decimal_text(lido / 10)}%"
    return Request(text, {"dextrose": dextrose, "lidocaine": lido}, draw(request_volumes),
                   ("D50W", lidocaine), "SWFI")


requests = st.one_of(dextrose_requests(), dextrose_lidocaine_requests())
