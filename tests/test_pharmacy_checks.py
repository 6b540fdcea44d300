"""Preparations checked by hand as a pharmacist checks them before signing.

Each worked example gives its hand calculation in a comment; each property states a rule that must
hold for a whole class of preparations. The oracles here recompute from the measured volumes and
the syringe marks, not from the engine's own bookkeeping.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from npt_protocol.catalogue.clinic import load_catalogue
from npt_protocol.catalogue.products import shipped_catalogue
from npt_protocol.engine.measured import METHODS, Measurement
from npt_protocol.engine.recipe import Recipe, prepare
from npt_protocol.engine.requests import CheckRequest, PrepareRequest, run_check, run_prepare
from npt_protocol.engine.results import dose_data
from npt_protocol.engine.safety import DoseCheck
from npt_protocol.engine.syringes import syringe_set
from npt_protocol.errors import InputError, MeasurementError
from npt_protocol.planning.session import (
    NEEDLE_DEAD_SPACE_ML,
    RegionRequest,
    plan_session,
    syringe_dead_space,
    treatment_syringes,
)
from npt_protocol.render.recipe import check_text, target_heading
from tests.sessions import PREPARED_AT, session, shipped
from tests.strategies import SYRINGE_SETS, Request, decimal_text, requests

CATALOGUE = shipped_catalogue()


def made(
    target: str,
    volume: str,
    stocks: Sequence[str],
    *,
    diluent: str = "SWFI",
    syringes: Sequence[str] | None = None,
    tolerance: Fraction = Fraction(5, 100),
    weight_kg: Fraction | None = None,
) -> Recipe:
    """Prepare as `npt prepare` does, from catalogue ids."""
    return prepare(
        target,
        volume_ml=Fraction(volume),
        stocks=[CATALOGUE.product(s) for s in stocks],
        diluent=CATALOGUE.product(diluent),
        catalogue=CATALOGUE,
        syringes=syringe_set(syringes),
        tolerance=tolerance,
        weight_kg=weight_kg,
    )


def _volumes_read_off(measurement: Measurement, errors: Sequence[Fraction]) -> dict[str, Fraction]:
    """Return each product's volume when each measured part is read off by the error given.

    Container: every part goes in as read. Making up to a mark (qs, one syringe): each stock goes
    in as read, and the diluent is whatever fills the final syringe to its mark as read (the last
    error).
    """
    off = iter(errors)
    volumes: dict[str, Fraction] = {}
    for portion in measurement.portions:
        if measurement.method == "container" or portion.role == "stock":
            volumes[portion.product_id] = portion.volume_ml + next(off)
    if measurement.method != "container":
        assert measurement.final_mark_ml is not None
        final = measurement.final_mark_ml + next(off)
        diluent = [p for p in measurement.portions if p.role == "diluent"]
        if diluent:
            volumes[diluent[0].product_id] = final - sum(volumes.values(), Fraction(0))
    return volumes


def _reading_errors(measurement: Measurement) -> list[Fraction]:
    """List how far each measured part may be off, in the order _volumes_read_off uses them:
    half a graduation per fill, the fills of one part added (they move the strength alike)."""
    halves = [
        sum((d.syringe.graduation_ml / 2 for d in p.draws), Fraction(0))
        for p in measurement.portions
        if measurement.method == "container" or p.role == "stock"
    ]
    if measurement.method != "container":
        assert measurement.final_syringe is not None
        halves.append(measurement.final_syringe.graduation_ml / 2)
    return halves


def worst_relative_deviation(recipe: Recipe) -> dict[str, Fraction]:
    """Return, per target solute, the largest relative deviation from the target strength over
    every way the readings can fall (each off by half a graduation, either way).

    The strength is a ratio of two sums linear in the errors, so its extremes lie at the corners.
    """
    measurement = recipe.measurement
    products = {line.product.id: line.product for line in recipe.components}
    target = recipe.assessment.target.composition
    halves = _reading_errors(measurement)
    worst = dict.fromkeys(target, Fraction(0))
    for signs in itertools.product((-1, 1), repeat=len(halves)):
        volumes = _volumes_read_off(
            measurement, [s * h for s, h in zip(signs, halves, strict=True)]
        )
        total = sum(volumes.values(), Fraction(0))
        for solute, wanted in target.items():
            mass = sum(
                (products[p].composition.get(solute, Fraction(0)) * v for p, v in volumes.items()),
                Fraction(0),
            )
            worst[solute] = max(worst[solute], abs(mass / total - wanted) / wanted)
    return worst


# ---------------------------------------------------------------------------------------------
# A certified recipe is within the tolerance however its readings fall


def test_thirty_ml_of_five_percent_from_d70_is_signed_only_if_every_reading_keeps_it() -> None:
    # 30 × 50 / 700 = 2.143 mL of D70W, on no mark. Snapped to 2.1 mL (3 mL syringe, 0.1 mL
    # marks) with water to the 30 mL mark: 2.1 × 700 / 30 = 49 mg/mL, already 2 % below. Read
    # 0.05 mL low, D70W is 2.05 mL = 1,435 mg; the 30 mL mark read 0.5 mL high makes 30.5 mL:
    # 1,435 / 30.5 = 47.05 mg/mL, 5.9 % below, outside ±5 %. Each reading alone is within an
    # equal share (2.33 % and 1.69 % of 2.5 %), but the 2 % the snapping already cost was not
    # counted: the shares must divide what is left of the tolerance, 5 − 2 = 3 %.
    recipe = made("dextrose 5%", "30", ["D70W"])
    worst = worst_relative_deviation(recipe)["dextrose"]
    assert recipe.acceptable
    assert worst <= Fraction(5, 100), f"certified, yet the readings can make it {float(worst):.2%}"
    # The signable answer keeps D70W close to its exact 2.143 mL (2.14 mL in 1 mL fills).
    d70 = recipe.measurement.portions[0]
    assert abs(d70.volume_ml - Fraction(30 * 50, 700)) < Fraction(1, 100)


def test_glucose_five_percent_seventeen_ml_from_d50_is_not_signed_four_percent_off() -> None:
    # Anhydrous 5 % is 5 × 198.17 / 180.16 = 5.4998 % monohydrate; 17 mL takes 1.8699 mL of
    # D50W. Measured as 1.8 mL with 15.2 mL of water: 900 / 17 = 52.94 mg/mL monohydrate, 3.74 %
    # below; D50W read 0.05 mL low and the water 0.2 mL high make 875 / 17.15 = 51.02, 7.2 %
    # below. Whatever is signed must hold within 5 % every way the readings fall.
    recipe = made("glucose 5%", "17", ["D50W"])
    assert recipe.acceptable
    assert worst_relative_deviation(recipe)["dextrose"] <= Fraction(5, 100)


TOLERANCES = st.sampled_from([Fraction(2, 100), Fraction(5, 100), Fraction(10, 100)])


@given(requests, st.sampled_from(SYRINGE_SETS), TOLERANCES)
def test_a_signed_recipe_holds_within_the_tolerance_however_the_readings_fall(
    request: Request, syringe_texts: tuple[str, ...] | None, tolerance: Fraction
) -> None:
    """Every reading off by half a graduation, each the worse way, and the strength the marks
    make: together they keep every solute within the tolerance of a signed recipe."""
    try:
        recipe = prepare(
            request.target_text,
            volume_ml=request.volume_ml,
            stocks=[CATALOGUE.product(s) for s in request.stocks],
            diluent=CATALOGUE.product(request.diluent),
            catalogue=CATALOGUE,
            syringes=syringe_set(syringe_texts),
            tolerance=tolerance,
        )
    except MeasurementError:
        assume(False)
        raise
    assume(recipe.acceptable)
    for solute, worst in worst_relative_deviation(recipe).items():
        assert worst <= tolerance, (solute, worst)


@given(requests, TOLERANCES)
def test_the_certified_reading_errors_and_the_deviation_add_up_within_the_tolerance(
    request: Request, tolerance: Fraction
) -> None:
    """Each solute's deviation plus every part's certified error stays within the tolerance."""
    try:
        recipe = prepare(
            request.target_text,
            volume_ml=request.volume_ml,
            stocks=[CATALOGUE.product(s) for s in request.stocks],
            diluent=CATALOGUE.product(request.diluent),
            catalogue=CATALOGUE,
            syringes=syringe_set(),
            tolerance=tolerance,
        )
    except MeasurementError:
        assume(False)
        raise
    assume(recipe.certification.certified)
    for solute, deviation in recipe.assessment.deviations.items():
        parts = [e for e in recipe.certification.errors if e.solute == solute]
        spent = sum((e.relative for e in parts), Fraction(0))
        assert abs(deviation) + spent <= tolerance


# ---------------------------------------------------------------------------------------------
# When the diluent alone makes the target


@pytest.mark.parametrize(
    ("target", "stocks", "diluent"),
    [
        # D5W is already 5 %: 10 mL × (50 − 50) / (500 − 50) = 0 mL of D50W.
        ("dextrose 5%", ["D50W"], "D5W"),
        # BP glucose 5 % is anhydrous 5 %: none of glucose 50 % BP is needed.
        ("glucose 5%", ["glucose-50-bp"], "glucose-5-bp"),
    ],
)
def test_a_diluent_that_is_already_the_target_is_drawn_alone(
    target: str, stocks: list[str], diluent: str
) -> None:
    # No stock is measured, so no step may transfer one, and no container has met a syringe
    # holding a stock: 10 mL of the diluent drawn to the 10 mL mark is the whole preparation.
    recipe = made(target, "10", stocks, diluent=diluent)
    steps = " ".join(recipe.steps)
    assert recipe.acceptable and recipe.made_ml == 10
    assert [p.role for p in recipe.measurement.portions] == ["diluent"]
    assert "transfer" not in steps and "  " not in steps
    assert "holding the stock" not in steps
    assert "second stock vial" not in recipe.method_reason


def test_the_method_line_of_a_diluent_drawn_alone_does_not_promise_a_stock() -> None:
    recipe = made("dextrose 5%", "10", ["D50W"], diluent="D5W")
    assert recipe.method == "syringe"
    assert "if one is needed" in METHODS[recipe.method]


# ---------------------------------------------------------------------------------------------
# The most that may be injected is never printed above the limit


def test_the_maximum_to_inject_is_rounded_down() -> None:
    # 10 kg × 4.5 mg/kg = 45 mg of lidocaine; at 0.7 % (7 mg/mL) that is 45 / 7 = 6.4286 mL.
    # Printed to the hundredth, 6.43 mL would hold 45.01 mg, more than the maximum: a maximum is
    # rounded down, to 6.42 mL (44.94 mg).
    recipe = made(
        "dextrose 5% + lidocaine 0.7%", "10", ["D50W", "lidocaine-1"], weight_kg=Fraction(10)
    )
    (dose,) = recipe.assessment.doses
    assert dose.maximum_text().startswith("6.42 mL of this solution for 10 kg")
    assert dose_data(dose)["max_volume_mL"] == 6.42


@given(
    st.integers(1_000, 400_000).map(lambda grams: Fraction(grams, 1000)),
    st.integers(1, 2000).map(lambda n: Fraction(n, 100)),
)
def test_the_printed_maximum_volume_never_holds_more_than_the_limit(
    weight_kg: Fraction, lidocaine_mg_per_ml: Fraction
) -> None:
    """Whatever the weight and strength, the volume printed as the most to inject, read back,
    holds no more lidocaine than may be given, and falls short of it by less than a hundredth
    of a millilitre (or prints more places)."""
    limit = CATALOGUE.solutes["lidocaine"].dose_limit
    assert limit is not None
    # A volume beyond any preparation: the line states the largest volume, never "all of it".
    dose = DoseCheck("lidocaine", lidocaine_mg_per_ml, Fraction(100_000), limit, weight_kg)
    assert dose.over_limit
    printed = Fraction(dose.maximum_text().split(" mL ", 1)[0].replace(",", ""))
    assert printed * lidocaine_mg_per_ml <= dose.maximum_mg
    assert dose.max_volume_ml - printed < Fraction(1, 100)
    assert Fraction(str(dose_data(dose)["max_volume_mL"])) <= dose.max_volume_ml
    mass = Fraction(dose.maximum_text().split("that is lidocaine ", 1)[1].split(" mg", 1)[0])
    assert mass <= dose.maximum_mg


@given(
    st.integers(1_000, 400_000).map(lambda grams: Fraction(grams, 1000)),
    st.integers(1, 2000).map(lambda n: Fraction(n, 100)),
    st.integers(1, 600).map(Fraction),
)
def test_the_maximum_line_says_all_of_it_only_when_all_of_it_is_within_the_limit(
    weight_kg: Fraction, lidocaine_mg_per_ml: Fraction, volume_ml: Fraction
) -> None:
    limit = CATALOGUE.solutes["lidocaine"].dose_limit
    assert limit is not None
    dose = DoseCheck("lidocaine", lidocaine_mg_per_ml, volume_ml, limit, weight_kg)
    text = dose.maximum_text()
    assert text.startswith("all ") == (volume_ml * lidocaine_mg_per_ml <= dose.maximum_mg)


# ---------------------------------------------------------------------------------------------
# Every verdict names the solute with its basis


def test_a_failed_check_names_the_basis_of_the_target() -> None:
    # 4 mL of D50W (2,000 mg of dextrose monohydrate) in 10 mL is 200 × 180.16 / 198.17 =
    # 181.8 mg/mL of anhydrous glucose: 9.1 % below glucose 20 %. The verdict must name what was
    # asked, anhydrous glucose, as the table above it does, not the bare word "dextrose".
    result = run_check(CheckRequest("glucose 20%", ("D50=4mL", "SWFI=6mL")), CATALOGUE)
    text = check_text(result.target_text, result.portions, result.assessment)
    assert "Result: OUTSIDE the tolerance of 5 % for anhydrous glucose" in text


def test_an_unsigned_recipe_names_the_basis_of_the_solute_outside() -> None:
    # Anhydrous 20 % is 21.9993 % monohydrate: 10 mL takes 4.3999 mL of D50W. One 10 mL syringe
    # marked every 1 mL reads 4 mL: 2,000 mg of monohydrate in 10 mL is 181.8 mg/mL anhydrous,
    # 9.1 % below. The problem names anhydrous glucose, as the target does.
    recipe = prepare(
        "glucose 20%",
        volume_ml=Fraction(10),
        stocks=[CATALOGUE.product("D50W")],
        diluent=CATALOGUE.product("SWFI"),
        catalogue=CATALOGUE,
        syringes=syringe_set(["10 mL by 1 mL"]),
        method="syringe",
    )
    assert recipe.problems[0] == "anhydrous glucose outside the tolerance"


# ---------------------------------------------------------------------------------------------
# Sessions


def test_a_session_no_batch_can_sign_is_refused_with_its_fixes() -> None:
    # One knee: need 5.665 mL, batches of 6 to 26 mL tried. With only a 60 mL syringe marked every
    # 2 mL, 6 mL of 5 % needs 0.6 mL of D50W, under half the finest mark (1 mL): it cannot be
    # read at all; from 10 mL (1 mL of D50W) it can be read, but to 1 mL in 1 to 2.6 mL, far
    # outside any share. The session is not signable: it says so with the fixes (a finer
    # syringe), instead of failing on the first batch with "make a larger batch", which a
    # session cannot choose.
    plan = plan_session(
        [RegionRequest(shipped()["knee"], "left")],
        catalogue=CATALOGUE,
        stocks=[CATALOGUE.product("D50W")],
        diluent=CATALOGUE.product("SWFI"),
        syringes=syringe_set(["60 mL by 2 mL"]),
        prepared_at=PREPARED_AT,
    )
    (solution,) = plan.solutions
    assert not plan.ok and not solution.recipe.acceptable
    assert any("finer syringe" in fix for fix in solution.recipe.suggestions)


def test_a_method_lost_on_steps_says_what_it_counts() -> None:
    # 10 mL of 5 %: qs fills the 1 mL syringe with D50W, transfers it, fills the final syringe
    # with water (2 fills, 1 transfer); the container method fills the 1 mL and the 10 mL
    # syringes (2 fills). Both print four numbered steps, so "takes 1 more step" was not what a
    # reader sees: the reason names the extra syringe transfer.
    recipe = made("dextrose 5%", "10", ["D50W"])
    qs_reason = recipe.method_reason.split(";")[0]
    assert recipe.method == "container"
    assert qs_reason == "qs (making up to the final mark) takes 1 more syringe fill or transfer"


def test_a_treatment_syringe_delivers_its_capacity_less_its_dead_space() -> None:
    # Both knees in one region: 20 typical points × 0.5 mL = 10 mL. A 10 mL treatment syringe
    # filled to its 10 mL mark keeps back 0.1 mL, and its needle 0.05 mL: it delivers 9.85 mL, so
    # 10 mL takes two syringes, and the dead space is 2 × 0.15 = 0.3 mL (not 0.15 mL). Need:
    # (10 + 0.3) × 1.1 = 11.33 mL.
    plan = session([("knee", "bilateral", None)])
    (region,) = plan.regions
    (solution,) = plan.solutions
    assert region.injected_ml == 10
    assert region.syringes == 2
    assert solution.dead_space_ml == Fraction(3, 10)
    assert solution.required_ml == Fraction(1133, 100)


@given(st.integers(1, 200).map(lambda n: Fraction(n, 10)), st.sampled_from([1, 3, 5, 10, 20]))
def test_the_treatment_syringes_counted_can_deliver_the_injections(
    injected_ml: Fraction, capacity_ml: int
) -> None:
    """However much a region injects, the syringes counted for it, each filled to capacity less
    what it and its needle keep back, hold at least the injections, and one fewer would not."""
    deliverable = capacity_ml - syringe_dead_space(Fraction(capacity_ml)) - NEEDLE_DEAD_SPACE_ML
    count = treatment_syringes(injected_ml, Fraction(capacity_ml))
    assert count * deliverable >= injected_ml
    assert count == 1 or (count - 1) * deliverable < injected_ml


def test_a_treatment_syringe_that_delivers_nothing_is_refused() -> None:
    # 0.1 mL keeps back 0.07 mL in the syringe and 0.05 mL in the needle: 0.12 mL, more than it
    # holds.
    with pytest.raises(InputError, match="delivers nothing"):
        treatment_syringes(Fraction(5), Fraction(1, 10))


# ---------------------------------------------------------------------------------------------
# The label and the heading show the strength prescribed, as written


def test_the_label_shows_an_intended_eighth_of_a_percent_as_written() -> None:
    # Lidocaine 0.125 % is 1.25 mg/mL. Printed at two places it became "lidocaine 0.12 % w/v
    # (1.25 mg/mL)": a label whose percent and mg/mL disagree, and neither what was prescribed.
    plan = session([("knee", "left", None)], solution_override="dextrose 12.5% + lidocaine 0.125%")
    (solution,) = plan.solutions
    assert solution.label.contents == "dextrose monohydrate 12.5 % w/v and lidocaine 0.125 % w/v"
    recipe = made("dextrose 12.5% + lidocaine 0.125%", "20", ["D50W", "lidocaine-1"])
    heading = target_heading(recipe.assessment, recipe.volume_ml)
    assert "lidocaine 0.125 % w/v (0.125 g per 100 mL)" in heading


@given(
    st.integers(1, 500_000).map(lambda n: Fraction(n, 10_000)),
    st.sampled_from(["dextrose", "glucose", "mannitol", "lidocaine"]),
)
def test_a_stated_strength_is_described_exactly(percent: Fraction, solute: str) -> None:
    """Whatever strength (to four decimal places of a percent) is written, the description of
    what was stated prints that percent, not a rounded one."""
    assume(not (solute == "mannitol" and percent > 25))
    text = f"{solute} {decimal_text(percent)}%"
    stated = CATALOGUE.stated(text)
    for style in ("percent", "w/v", "w/v and mg/mL", "spelled"):
        shown = stated.describe(style=style)
        number = shown.split(" %", 1)[0].rsplit(" ", 1)[1].replace(",", "")
        assert Fraction(number) == percent, (style, shown)


# ---------------------------------------------------------------------------------------------
# A clinic's bases hold for its own catalogue too


def test_a_clinic_that_means_anhydrous_by_dextrose_reads_its_own_products_so(
    tmp_path: Path,
) -> None:
    # A British clinic sets dextrose=anhydrous and lists its BP glucose 50 % bottle as
    # "dextrose 50%". Read as monohydrate, 10 mL of dextrose 5 % (anhydrous: 5.4998 %
    # monohydrate) would take 10 × 54.998 / 500 = 1.1 mL of it: 1.1 × 550 / 10 = 60.5 mg/mL of
    # monohydrate, 5.5 % anhydrous, 10 % strong. Read as the clinic means it, anhydrous 50 %,
    # it takes 10 × 5 / 50 = 1 mL, exactly 5 %.
    path = tmp_path / "clinic.yaml"
    path.write_text(
        "products:\n"
        "  - id: glucose-50-local\n"
        "    name: Glucose 50 % BP (local)\n"
        "    composition: dextrose 50%\n"
        "    role: stock\n"
        "    source: local label\n",
        encoding="utf-8",
    )
    request = PrepareRequest(
        "dextrose 5%", "10mL", ("glucose-50-local",), bases=("dextrose=anhydrous",)
    )
    recipe = run_prepare(request, load_catalogue(path))
    stock = recipe.measurement.portions[0]
    assert stock.exact_ml == 1
    assert recipe.assessment.deviations["dextrose"] == 0
