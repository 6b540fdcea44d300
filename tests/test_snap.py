"""Measuring as a pharmacist would: methods, actives on their marks, certification, the choice.

npt_protocol.engine.methods lists each method's candidate measurements, engine.certify judges
how closely each measured part is read, engine.snap chooses. Worked examples say their hand
calculation; properties state the rules of docs/calculations.md ("Measuring").
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from npt_protocol.catalogue.products import Product, shipped_catalogue
from npt_protocol.engine.measured import METHOD_ORDER, Measurement, Method
from npt_protocol.engine.methods import GENERATORS
from npt_protocol.engine.snap import Choice, choose
from npt_protocol.engine.solver import Portion, solve
from npt_protocol.engine.syringes import Syringe, exact_draws, exact_options, syringe_set
from npt_protocol.errors import MeasurementError
from tests.strategies import SYRINGE_SETS, Request, decimals, requests

CATALOGUE = shipped_catalogue()
DEFAULT = syringe_set()
TOLERANCE = Fraction(5, 100)


def exact_portions(request: Request) -> list[Portion]:
    return solve(
        request.target,
        volume_ml=request.volume_ml,
        stocks=[CATALOGUE.product(s) for s in request.stocks],
        diluent=CATALOGUE.product(request.diluent),
        catalogue=CATALOGUE,
    )


def chosen(
    request: Request,
    syringes: Sequence[Syringe] = DEFAULT,
    methods: Sequence[Method] = METHOD_ORDER,
    minimum_ml: Fraction | None = None,
) -> Choice:
    return choose(
        exact_portions(request),
        target=request.target,
        volume_ml=request.volume_ml,
        syringes=syringes,
        tolerance=TOLERANCE,
        methods=methods,
        minimum_ml=minimum_ml,
    )


def strengths(measurement: Measurement, products: dict[str, Product]) -> dict[str, Fraction]:
    """Work out the strength of every solute from the measured volumes, from first principles."""
    total = sum((p.volume_ml for p in measurement.portions), Fraction(0))
    masses: dict[str, Fraction] = {}
    for portion in measurement.portions:
        for solute, c in products[portion.product_id].composition.items():
            masses[solute] = masses.get(solute, Fraction(0)) + c * portion.volume_ml
    return {s: m / total for s, m in masses.items()}


def request(target: str, volume: str, stocks: tuple[str, ...], diluent: str = "SWFI") -> Request:
    return Request(target, CATALOGUE.composition(target), Fraction(volume), stocks, diluent)


# ---------------------------------------------------------------------------------------------
# Worked examples


def test_twenty_five_ml_of_five_percent_keeps_d50_on_its_mark() -> None:
    # 25 mL × 50 / 500 = 2.5 mL of D50W: the 3 mL syringe (0.1 mL marks) has that mark, so the
    # active is measured on it and water is made up to the 25 mL mark of a 30 mL syringe.
    # Reading errors, over the target 50 mg/mL, with the total as small as the final mark may
    # make it (25 − 0.5 = 24.5 mL): D50W off 0.05 mL moves 25 mg, 25 / 24.5 / 50 = 1/49; the
    # 25 mL mark read 0.5 mL low makes 24.5 mL: 25 / 24.5 − 1 = 1/49, 2.04 %: each within its
    # share of 5 % / 2 = 2.5 %.
    best = chosen(request("dextrose 5%", "25", ("D50W",))).best
    measurement = best.measurement
    assert measurement.method == "qs"
    d50, water = measurement.portions
    assert (d50.product_id, d50.volume_ml, d50.draws[0].syringe.capacity_ml) == ("D50W", 2.5, 3)
    assert (water.volume_ml, measurement.final_mark_ml) == (Fraction(45, 2), 25)
    assert best.worst_deviation == 0 and best.acceptable
    errors = {e.part: e.relative for e in best.certification.errors}
    assert errors == {"D50W": Fraction(1, 49), "SWFI": Fraction(1, 49)}


def test_sixty_ml_needs_no_snapping() -> None:
    # 6 mL and 54 mL are on marks (10 mL by 0.2 and 60 mL by 1): container, two steps, exact.
    best = chosen(request("dextrose 5%", "60", ("D50W",))).best
    assert best.measurement.method == "container"
    assert [
        (p.product_id, p.volume_ml, [d.syringe.capacity_ml for d in p.draws])
        for p in best.measurement.portions
    ] == [("D50W", 6, [10]), ("SWFI", 54, [60])]
    assert best.worst_deviation == 0


def test_ten_ml_from_d50_uses_the_one_ml_syringe_not_the_ten() -> None:
    # The clinic habit "1 mL of D50 and water to the 10 mL mark" in one 10 mL syringe reads the
    # D50 to half a 0.2 mL mark on 1 mL: 10 % of the strength, more than any share of 5 %. The
    # 1 mL syringe (0.01 mL marks) reads it to 0.5 %.
    choice = chosen(request("dextrose 5%", "10", ("D50W",)))
    stock = choice.best.measurement.portions[0]
    assert stock.draws[0].syringe == Syringe(Fraction(1), Fraction(1, 100))
    one_syringe = choice.by_method["syringe"]
    assert one_syringe is not None and not one_syringe.certification.certified
    assert "reads D50W at the 1 mL mark of a 10 mL syringe" in choice.reasons["syringe"]


def test_eleven_point_one_one_ml_snaps_and_says_so() -> None:
    # 100 mL of 10 % from D50W and D5W: D50W = 100 × (100 − 50) / (500 − 50) = 11.11 mL, which
    # no syringe marks. Snapped to 11 mL with D5W 89 mL: (11 × 500 + 89 × 50) / 100 = 99.5 mg/mL,
    # 0.5 % below, and the volume asked exactly (closest volume wins among acceptable ones).
    best = chosen(request("dextrose 10%", "100", ("D50W",), "D5W")).best
    d50 = best.measurement.portions[0]
    assert not d50.on_mark and d50.volume_ml == 11
    assert best.total_ml == 100
    assert best.deviations["dextrose"] == Fraction(-1, 200)
    assert best.acceptable


def test_two_stocks_never_share_one_syringe() -> None:
    # Aseptic rule: D50W then lidocaine in one syringe would enter the lidocaine vial with a
    # syringe holding D50W: the one-syringe method offers nothing for two stocks.
    choice = chosen(request("dextrose 20% + lidocaine 0.5%", "15", ("D50W", "lidocaine-1")))
    assert choice.by_method["syringe"] is None
    assert "takes one stock only" in choice.reasons["syringe"]
    assert (
        list(
            GENERATORS["syringe"](
                [
                    p
                    for p in exact_portions(
                        request("dextrose 20% + lidocaine 0.5%", "15", ("D50W", "lidocaine-1"))
                    )[:-1]
                ],
                exact_portions(
                    request("dextrose 20% + lidocaine 0.5%", "15", ("D50W", "lidocaine-1"))
                )[-1],
                Fraction(15),
                DEFAULT,
            )
        )
        == []
    )


@pytest.mark.parametrize(
    ("target", "volume"),
    [
        # 12 mL: D50W 4.8 mL, lidocaine 1 % 6 mL, water 1.2 mL, all on marks: 12 mL made.
        ("dextrose 20% + lidocaine 0.5%", "12"),
        # 15 mL: D50W 6 mL, lidocaine 7.5 mL as 5 mL + 2.5 mL, water 1.5 mL: 15 mL, within.
        ("dextrose 20% + lidocaine 0.5%", "15"),
        # 30 mL: D50W 7.5 mL, lidocaine 15 mL, water 7.5 mL: 30 mL, within.
        ("dextrose 12.5% + lidocaine 0.5%", "30"),
    ],
)
def test_two_stock_mixes_make_the_volume_asked_within_tolerance(target: str, volume: str) -> None:
    best = chosen(request(target, volume, ("D50W", "lidocaine-1"))).best
    assert best.total_ml == Fraction(volume)
    assert best.acceptable
    assert all(p.on_mark for p in best.measurement.portions if p.role == "stock")


def test_fifteen_ml_reads_lidocaine_in_two_syringes_rather_than_snapping_it() -> None:
    # 7.5 mL is on no single syringe's marks (10 mL by 0.2 has 7.4 and 7.6), but a full 5 mL
    # syringe and 2.5 mL in the 3 mL syringe measure it exactly.
    best = chosen(request("dextrose 20% + lidocaine 0.5%", "15", ("D50W", "lidocaine-1"))).best
    lidocaine = next(p for p in best.measurement.portions if p.product_id == "lidocaine-1")
    assert [(d.syringe.capacity_ml, d.volume_ml) for d in lidocaine.draws] == [
        (5, 5),
        (3, Fraction(5, 2)),
    ]


def test_half_a_millilitre_from_d70_cannot_be_certified() -> None:
    # 0.5 mL × 50 / 700 = 0.0357 mL of D70W: half a 0.01 mL mark is 0.005 mL, 14 % of it, far
    # more than any share of the tolerance; no method can be signed.
    choice = chosen(request("dextrose 5%", "0.5", ("D70W",)))
    assert not choice.best.acceptable
    assert not choice.best.certification.certified


def test_one_syringe_method_refuses_more_than_the_largest_syringe() -> None:
    with pytest.raises(MeasurementError, match="needs one syringe that holds the whole volume"):
        chosen(request("dextrose 5%", "100", ("D50W",)), methods=("syringe",))


def test_a_session_minimum_excludes_batches_that_fall_short() -> None:
    # 25.5 mL asked with at least 25.5 mL needed: no candidate below it is considered.
    choice = chosen(request("dextrose 5%", "26", ("D50W",)), minimum_ml=Fraction(51, 2))
    assert choice.best.total_ml >= Fraction(51, 2)


def test_exact_options_prefer_one_draw_then_the_finest() -> None:
    # 15 mL: one draw on the 20 mL syringe (1 mL marks; the 30 and 60 mL read no closer), or a
    # full 10 mL and 5 mL (0.2 mL marks each), which read closer: both kept, fewest draws first.
    options = exact_options(Fraction(15), DEFAULT)
    assert [[(d.syringe.capacity_ml, d.volume_ml) for d in o] for o in options] == [
        [(20, 15)],
        [(10, 10), (5, 5)],
    ]
    # 450 mL: seven full 60 mL syringes and 30 mL; never dozens of small fills.
    (large,) = exact_options(Fraction(450), DEFAULT)
    assert [d.volume_ml for d in large] == [60] * 7 + [30]
    assert exact_draws(Fraction(3, 2), DEFAULT) is not None
    assert exact_options(Fraction(1, 1000) * 1234, syringe_set(["10 mL by 1 mL"])) == []


# ---------------------------------------------------------------------------------------------
# Properties


@given(requests, st.sampled_from(SYRINGE_SETS), st.sampled_from(METHOD_ORDER))
def test_every_candidate_reads_real_marks_and_keeps_actives_on_theirs(
    request: Request, syringe_texts: tuple[str, ...] | None, method: Method
) -> None:
    """Every draw is on a mark of its syringe; a stock any syringe can read exactly is read
    exactly; the portions' volumes are what their draws or the final mark give."""
    syringes = syringe_set(syringe_texts)
    exact = exact_portions(request)
    stocks = [p for p in exact[:-1] if p.volume_ml > 0]
    measurements = list(
        itertools.islice(GENERATORS[method](stocks, exact[-1], request.volume_ml, syringes), 200)
    )
    for measurement in measurements:
        drawn = Fraction(0)
        for portion in measurement.portions:
            for draw in portion.draws:
                assert draw.syringe in syringes
                assert 0 < draw.volume_ml <= draw.syringe.capacity_ml
                assert draw.syringe.on_mark(draw.volume_ml)
            if portion.draws:
                assert portion.volume_ml == sum((d.volume_ml for d in portion.draws), Fraction(0))
            if portion.role == "stock":
                drawn += portion.volume_ml
                if exact_draws(portion.exact_ml, syringes) is not None:
                    assert portion.volume_ml == portion.exact_ml
        if method in {"qs", "syringe"} and measurement.final_mark_ml is not None:
            assert measurement.final_syringe is not None
            assert measurement.final_syringe.on_mark(measurement.final_mark_ml)
            assert measurement.total_ml == measurement.final_mark_ml
        if method == "syringe":
            assert len(stocks) == 1


@given(requests, st.sampled_from(SYRINGE_SETS))
def test_the_chosen_strength_is_recomputed_from_what_is_measured(
    request: Request, syringe_texts: tuple[str, ...] | None
) -> None:
    syringes = syringe_set(syringe_texts)
    try:
        best = chosen(request, syringes).best
    except MeasurementError:
        assume(False)
        raise
    products = {p.product.id: p.product for p in exact_portions(request)}
    got = strengths(best.measurement, products)
    for solute, wanted in request.target.items():
        assert best.deviations[solute] == (got.get(solute, Fraction(0)) - wanted) / wanted
    assert best.total_ml == sum((p.volume_ml for p in best.measurement.portions), Fraction(0))


@given(requests, st.sampled_from(SYRINGE_SETS))
def test_a_certified_measurement_keeps_every_part_within_its_share(
    request: Request, syringe_texts: tuple[str, ...] | None
) -> None:
    """Within their shares, all the parts together, each read off the worst way, cannot move a
    strength further than the tolerance less the deviation the marks already leave."""
    try:
        best = chosen(request, syringe_set(syringe_texts)).best
    except MeasurementError:
        assume(False)
        raise
    certification = best.certification
    for error in certification.errors:
        assert error.within_share == (error.relative <= error.share)
    if certification.certified:
        for solute in request.target:
            parts = [e for e in certification.errors if e.solute == solute]
            room = TOLERANCE - abs(best.deviations[solute])
            assert sum((e.relative for e in parts), Fraction(0)) <= room
            assert all(e.share == room / len(parts) for e in parts)


@given(requests)
def test_a_reading_error_moves_the_strength_as_certify_says(request: Request) -> None:
    """Recompute from first principles: a part read off by half a graduation per fill, in the
    worse direction, moves a solute's strength (over its target) by what certify says, once
    the total is taken as small as the other readings that set it may make it."""
    try:
        best = chosen(request).best
    except MeasurementError:
        assume(False)
        raise
    measurement = best.measurement
    products = {p.product.id: p.product for p in exact_portions(request)}
    base = strengths(measurement, products)
    for error in best.certification.errors:
        wanted = request.target[error.solute]
        off = sum((r.error_ml for r in error.readings), Fraction(0))
        first = error.readings[0]
        changes = []
        for sign in (1, -1):
            moved = []
            for portion in measurement.portions:
                volume = portion.volume_ml
                if portion.product_id == first.sets:
                    volume += sign * off
                if portion.product_id == first.absorbed_by:
                    volume -= sign * off
                moved.append(volume)
            if sum(moved) <= 0:
                continue
            changed = strengths(
                Measurement(
                    measurement.method,
                    tuple(
                        type(p)(p.product_id, p.role, p.exact_ml, v, p.draws)
                        for p, v in zip(measurement.portions, moved, strict=True)
                    ),
                    measurement.readings,
                    measurement.steps,
                ),
                products,
            )
            changes.append(abs(changed[error.solute] - base[error.solute]) / wanted)
        total = sum((p.volume_ml for p in measurement.portions), Fraction(0))
        shrink = sum((r.error_ml for r in measurement.readings if r.sets_total), Fraction(0))
        own = off if first.sets_total else Fraction(0)
        assert max(changes) * (total - own) / (total - shrink) == error.relative


@given(decimals(Fraction(61), 1000, 0), st.integers(1, 20))
def test_large_volumes_are_full_draws_plus_the_rest(volume: Fraction, share: int) -> None:
    """A batch larger than the largest syringe is measured in a container: full draws and the
    rest on the marks of one syringe."""
    best = chosen(
        Request("dextrose", {"dextrose": Fraction(share * 5)}, volume, ("D50W",), "SWFI")
    ).best
    assert best.measurement.method == "container"
    for portion in best.measurement.portions:
        *full, last = portion.draws
        assert all(d.volume_ml == d.syringe.capacity_ml for d in full)
        assert last.syringe.on_mark(last.volume_ml)


# ---------------------------------------------------------------------------------------------
# Written for mutants that survived: why nothing measures, in the words the user reads


def test_a_session_minimum_no_candidate_reaches_is_refused_in_one_sentence() -> None:
    # 25 mL asked with at least 30 mL needed: every method's marks make about 25 mL, so none
    # is considered, and the sentence names both volumes and the two ways out.
    with pytest.raises(MeasurementError) as error:
        chosen(request("dextrose 5%", "25", ("D50W",)), minimum_ml=Fraction(30))
    assert str(error.value) == (
        "No syringe marks in the set measure 25 mL of at least 30 mL; add a syringe to the set "
        "or make a larger batch."
    )


def test_a_method_asked_for_that_cannot_measure_says_why_and_what_to_do() -> None:
    # 25 mL of 5 % in one syringe: D50W's 2.5 mL is a mark of the 3 mL syringe only, and no
    # syringe that holds 25 mL has it; the active is never moved off its mark.
    with pytest.raises(MeasurementError) as error:
        chosen(request("dextrose 5%", "25", ("D50W",)), methods=("syringe",))
    assert str(error.value) == (
        "The syringe method cannot measure this preparation: it would move D50W off its exact "
        "2.5 mL mark: no syringe that holds 25 mL has that mark; choose another --method or "
        "leave it out."
    )


def test_a_method_that_would_move_a_fine_mark_names_it_as_measured() -> None:
    # 4.5 mL of lidocaine 0.1 % from lidocaine 2 %: 0.225 mL, a mark of the 0.3 mL insulin
    # syringe only; one syringe that holds 4.5 mL (5 mL by 0.2) has no such mark.
    fine = syringe_set(
        ["0.3 mL by 0.005 mL", "1 mL by 0.01 mL", "3 mL by 0.1 mL", "5 mL by 0.2 mL"]
    )
    with pytest.raises(MeasurementError) as error:
        chosen(request("lidocaine 0.1%", "4.5", ("lidocaine-2",)), fine, methods=("syringe",))
    assert str(error.value) == (
        "The syringe method cannot measure this preparation: it would move lidocaine-2 off its "
        "exact 0.225 mL mark: no syringe that holds 4.5 mL has that mark; choose another "
        "--method or leave it out."
    )
