"""From request to measured recipe: solve, snap, recompute the mix, judge it, warn and suggest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction

import pytest
from hypothesis import assume, event, given
from hypothesis import strategies as st

from npt_protocol.catalogue.products import shipped_catalogue
from npt_protocol.engine.recipe import Recipe, assess, prepare
from npt_protocol.engine.safety import parse_tolerance, tonicity, use_by
from npt_protocol.engine.solver import Portion, mix
from npt_protocol.engine.syringes import LOW_FILL_FRACTION, Syringe, syringe_set
from npt_protocol.errors import InputError, MeasurementError
from tests.strategies import SYRINGE_SETS, Request, requests

CATALOGUE = shipped_catalogue()
DEFAULT = syringe_set()


def make(
    target: str,
    volume: Fraction | int,
    stocks: Sequence[str],
    diluent: str = "SWFI",
    *,
    syringes: Sequence[str] | None = None,
    method: str | None = None,
    tolerance: Fraction = Fraction(5, 100),
    weight_kg: Fraction | None = None,
) -> Recipe:
    return prepare(
        target,
        volume_ml=Fraction(volume),
        stocks=[CATALOGUE.product(s) for s in stocks],
        diluent=CATALOGUE.product(diluent),
        catalogue=CATALOGUE,
        syringes=syringe_set(syringes),
        method=method,  # type: ignore[arg-type]
        tolerance=tolerance,
        weight_kg=weight_kg,
    )


def lines(recipe: Recipe) -> list[tuple[str, Fraction, Fraction, list[Fraction]]]:
    """(product, exact mL, measured mL, syringe capacities) for each component."""
    return [
        (
            c.product.id,
            c.measured.exact_ml,
            c.measured.volume_ml,
            [d.syringe.capacity_ml for d in c.measured.draws],
        )
        for c in recipe.components
    ]


def caution_keys(recipe: Recipe) -> set[str]:
    return {c.key for c in recipe.assessment.cautions}


# ---------------------------------------------------------------------------------------------
# Worked examples from the issue


def test_sixty_ml_of_five_percent_from_d50() -> None:
    # 6 mL D50 + 54 mL water (60 × 5 / 50). In one 60 mL syringe the 6 mL would fill 10 % of it,
    # under the 20 % line, so each is measured in its own syringe: 6 mL on the 10 mL syringe
    # (0.2 mL marks; the 5 mL one is too small), 54 mL on the 60 mL syringe.
    recipe = make("dextrose 5%", 60, ["D50"])
    assert recipe.method == "container"
    assert lines(recipe) == [("D50W", 6, 6, [10]), ("SWFI", 54, 54, [60])]
    assessment = recipe.assessment
    assert assessment.mixture.volume_ml == 60
    assert assessment.mixture.composition == {"dextrose": Fraction(50)}
    assert assessment.deviations == {"dextrose": Fraction(0)}
    assert assessment.within_tolerance
    # Osmolarity 6 × 2,530 / 60 = 253 mOsmol/L: below 280, hypotonic.
    assert assessment.mixture.osmolarity == 253
    assert assessment.tonicity == "hypotonic"
    assert assessment.dextrose_g == 3  # 60 mL × 50 mg/mL = 3,000 mg
    assert caution_keys(recipe) == {"corn", "hypertonic", "water-alone"}
    assert recipe.suggestions == ()
    assert recipe.steps[1] == (
        "Measure 6 mL of D50W (dextrose 50 %) in a 10 mL syringe (0.2 mL marks) and add it."
    )
    # Containers: one 50 mL vial of D50; 54 mL of water from the 100 mL size.
    assert [(c.containers.size_ml, c.containers.count) for c in recipe.components] == [
        (50, 1),
        (100, 1),
    ]


def test_mannitol_five_percent_in_one_syringe() -> None:
    # 5 mL mannitol 20 % + 15 mL water (20 × 5 / 20). All of it fits the 20 mL syringe and 5 mL
    # is 25 % of it, so: draw the concentrate to 5 mL, then water to the 20 mL mark.
    recipe = make("mannitol 5%", 20, ["mannitol-20"])
    assert recipe.method == "syringe"
    assert recipe.final_syringe == Syringe(Fraction(20), Fraction(1))
    assert lines(recipe) == [("mannitol-20", 5, 5, [20]), ("SWFI", 15, 15, [20])]
    assert [c.measured.measured for c in recipe.components] == [True, False]
    assert recipe.steps[1:3] == (
        "Draw mannitol-20 (mannitol 20 %) to the 5 mL mark.",
        "Then draw SWFI (no solute) to the 20 mL mark (the final mark).",
    )
    # 5 × 1,098 / 20 = 274.5 mOsmol/L: hypotonic.
    assert recipe.assessment.mixture.osmolarity == Fraction(5490, 20)
    assert recipe.assessment.tonicity == "hypotonic"
    assert recipe.assessment.dextrose_g is None
    assert caution_keys(recipe) == {
        "mannitol-crystals",
        "mannitol-filter",
        "hypertonic",
        "water-alone",
    }


def test_dextrose_and_lidocaine() -> None:
    # lidocaine 1 mL (10 × 0.1 / 1), D50 4 mL (10 × 20 / 50), water 5 mL. In one 10 mL syringe
    # 1 mL is under 20 %, so each in its own: 4 mL and 5 mL on the 5 mL syringe, 1 mL on the 1 mL.
    recipe = make("dextrose 20% + lidocaine 0.1%", 10, ["D50", "lidocaine-1"])
    assert recipe.method == "container"
    assert lines(recipe) == [("D50W", 4, 4, [5]), ("lidocaine-1", 1, 1, [1]), ("SWFI", 5, 5, [5])]
    assessment = recipe.assessment
    assert assessment.mixture.composition == {"dextrose": Fraction(200), "lidocaine": Fraction(1)}
    assert assessment.within_tolerance
    assert assessment.mixture.osmolarity is None  # lidocaine injections state none
    assert any("lidocaine-1 has no stated osmolarity" in w for w in assessment.warnings)
    assert assessment.anaesthetic is not None
    assert assessment.anaesthetic.milligrams == 10  # 10 mL × 1 mg/mL
    assert assessment.anaesthetic.maximum_mg is None
    assert "local-anaesthetic" in caution_keys(recipe)


def test_lidocaine_dose_against_the_label_maximum() -> None:
    # 70 kg × 4.5 mg/kg = 315 mg, capped at 300 mg; 10 mg is within.
    recipe = make(
        "dextrose 20% + lidocaine 0.1%", 10, ["D50", "lidocaine-1"], weight_kg=Fraction(70)
    )
    dose = recipe.assessment.anaesthetic
    assert dose is not None
    assert dose.maximum_mg == 300
    assert not dose.over_limit
    # 2 kg × 4.5 = 9 mg maximum, against 10 mg in the preparation: above, and said so.
    recipe = make(
        "dextrose 20% + lidocaine 0.1%", 10, ["D50", "lidocaine-1"], weight_kg=Fraction(2)
    )
    dose = recipe.assessment.anaesthetic
    assert dose is not None
    assert dose.maximum_mg == 9
    assert dose.over_limit
    assert any("more lidocaine than the label maximum" in w for w in recipe.assessment.warnings)


def test_dextrose_ten_percent_from_d50_and_d5w() -> None:
    # Exact: D50 100/9 mL, D5W 800/9 mL (alligation 5 : 40). 100 mL is more than one syringe, so
    # each is measured: 11.11 mL fits the 20 mL syringe (1 mL marks) → 9 to 14 mL; D5W is one
    # full 60 mL draw plus 26 to 31 mL on the 30 mL syringe. Only 11 + 88 (99 mL) is exactly
    # 10 %, but 11 + 89 makes the 100 mL asked for at (5,500 + 4,450) / 100 = 99.5 mg/mL, 0.5 %
    # below: within a quarter of the 5 % tolerance, strengths tie and the volume asked for wins.
    recipe = make("dextrose 10%", 100, ["D50"], diluent="D5W")
    assert recipe.method == "container"
    assert [
        (c.product.id, c.measured.exact_ml, c.measured.volume_ml) for c in recipe.components
    ] == [("D50W", Fraction(100, 9), 11), ("D5W", Fraction(800, 9), 89)]
    assert [d.syringe.capacity_ml for d in recipe.components[1].measured.draws] == [60, 30]
    assessment = recipe.assessment
    assert assessment.mixture.composition == {"dextrose": Fraction(995, 10)}
    assert assessment.mixture.volume_ml == 100
    assert assessment.within_tolerance
    # (11 × 2,530 + 89 × 252) / 100 = (27,830 + 22,428) / 100 = 502.58: hypertonic.
    assert assessment.mixture.osmolarity == Fraction(50258, 100)
    assert assessment.tonicity == "hypertonic"
    assert caution_keys(recipe) == {"corn", "hypertonic"}  # no water in it


def test_the_same_sixty_ml_from_a_written_spec() -> None:
    # 0.06 L from 'dextrose 500 mg/mL': the same 6 mL + 54 mL. The spec has no label osmolarity,
    # so it is calculated: 500 / 198.17 × 1000 = 2,523.08 mOsmol/L, × 6 / 60 = 252.31.
    recipe = prepare(
        "dextrose 5%",
        volume_ml=Fraction(60),
        stocks=[CATALOGUE.product("dextrose 500 mg/mL")],
        diluent=CATALOGUE.product("SWFI"),
        catalogue=CATALOGUE,
        syringes=DEFAULT,
    )
    reference = make("dextrose 5%", 60, ["D50"])
    assert [row[1:] for row in lines(recipe)] == [row[1:] for row in lines(reference)]
    assert recipe.assessment.mixture.composition == reference.assessment.mixture.composition
    assert recipe.assessment.mixture.osmolarity == Fraction(500 * 1000 * 6, 60) / Fraction("198.17")
    assert recipe.components[0].containers.size_ml is None


def test_a_large_batch_takes_several_draws() -> None:
    # 500 mL of 5 %: 50 mL D50 (one draw of the 60 mL syringe) and 450 mL water: seven full
    # 60 mL draws (420 mL) and 30 mL on the 30 mL syringe.
    recipe = make("dextrose 5%", 500, ["D50"])
    water = recipe.components[1].measured
    assert [d.volume_ml for d in water.draws] == [60] * 7 + [30]
    assert [d.syringe.capacity_ml for d in water.draws] == [60] * 7 + [30]
    assert recipe.components[1].containers.size_ml == 100
    assert recipe.components[1].containers.count == 5  # 450 / 100, rounded up
    assert recipe.assessment.within_tolerance


def test_a_stock_not_needed_is_said() -> None:
    recipe = make("dextrose 5%", 60, ["D50"], diluent="D5W")
    assert [c.product.id for c in recipe.components] == ["D5W"]
    assert any("D50W is not needed" in w for w in recipe.assessment.warnings)


def test_two_stocks_without_water_stay_inside_the_syringe() -> None:
    # 5 mL of dextrose 25 % + lidocaine 0.5 % is 2.5 mL D50 + 2.5 mL lidocaine 1 %, no water.
    # The 5 mL syringe has 0.2 mL marks: 2.6 + 2.6 would be exact in strength but 5.2 mL is past
    # its last mark; 2.4 + 2.4 = 4.8 mL is exact in strength and can be drawn.
    recipe = make("dextrose 25% + lidocaine 0.5%", 5, ["D50", "lidocaine-1"], method="syringe")
    assert recipe.final_syringe is not None
    assert recipe.assessment.mixture.volume_ml <= recipe.final_syringe.capacity_ml
    assert [c.measured.volume_ml for c in recipe.components] == [Fraction("2.4"), Fraction("2.4")]
    assert recipe.assessment.deviations == {"dextrose": 0, "lidocaine": 0}


def test_outside_tolerance_is_flagged_with_fixes() -> None:
    # 3 mL of 5 % with only a 5 mL syringe marked every 0.5 mL: exact 0.3 mL D50 + 2.7 mL water.
    # D50 can be 0.5 mL at least and water at most 4 mL (marks near 2.7: 1.5 to 4), so the best
    # is 0.5 × 500 / 4.5 = 55.56 mg/mL (5.56 %), 1/9 = 11.1 % above: outside ±5 %.
    recipe = make("dextrose 5%", 3, ["D50"], syringes=["5 mL by 0.5 mL"])
    assert recipe.assessment.deviations == {"dextrose": Fraction(1, 9)}
    assert not recipe.assessment.within_tolerance
    assert recipe.suggestions
    assert any("finer syringe" in s for s in recipe.suggestions)


def test_a_recipe_that_makes_much_less_than_asked_says_so() -> None:
    # 13 mL of 5 % with 20 mL syringes marked every 1 mL: exact 1.3 mL D50 + 11.7 mL water. The
    # search finds 1 + 9 mL, exactly 5 %, but only 10 mL: 23 % short of what the session needs.
    recipe = make("dextrose 5%", 13, ["D50"], syringes=["20 mL by 1 mL"])
    made = recipe.assessment.mixture.volume_ml
    short = (13 - made) / 13
    assert short <= recipe.assessment.tolerance or any(
        "13 mL" in w for w in recipe.assessment.warnings
    )


def test_method_syringe_refuses_more_than_one_syringe_holds() -> None:
    with pytest.raises(MeasurementError, match="more than the largest syringe"):
        make("dextrose 5%", 100, ["D50"], method="syringe")


def test_a_volume_too_small_to_measure() -> None:
    # 1 mL of 0.01 % dextrose needs 0.0002 mL of D50: below half the finest (0.01 mL) mark.
    with pytest.raises(MeasurementError, match="make a larger batch"):
        make("dextrose 0.01%", 1, ["D50"])


# ---------------------------------------------------------------------------------------------
# Properties of any recipe


def achieved(recipe: Recipe) -> tuple[Fraction, dict[str, Fraction]]:
    """Recompute the mix from the measured volumes: total volume and mass over volume."""
    total = sum((c.measured.volume_ml for c in recipe.components), Fraction(0))
    masses: dict[str, Fraction] = {}
    for line in recipe.components:
        for solute, strength in line.product.composition.items():
            masses[solute] = masses.get(solute, Fraction(0)) + strength * line.measured.volume_ml
    return total, {s: m / total for s, m in masses.items()}


@given(
    requests,
    st.sampled_from(SYRINGE_SETS),
    st.sampled_from([None, "syringe", "container"]),
    st.sampled_from([Fraction(5, 100), Fraction(1, 100), Fraction(1, 1000), Fraction(10, 100)]),
)
def test_every_recipe_is_measured_recomputed_and_judged(
    request: Request, syringe_texts: tuple[str, ...] | None, method: str | None, tolerance: Fraction
) -> None:
    try:
        recipe = make(
            request.target_text,
            request.volume_ml,
            request.stocks,
            request.diluent,
            syringes=syringe_texts,
            method=method,
            tolerance=tolerance,
        )
    except MeasurementError:
        assume(False)
        raise
    # Measured on marks of the syringe that measures each draw.
    for line in recipe.components:
        assert line.measured.volume_ml == sum(d.volume_ml for d in line.measured.draws)
        for draw in line.measured.draws:
            assert 0 < draw.volume_ml <= draw.syringe.capacity_ml
            assert draw.syringe.on_mark(draw.volume_ml)
    # The achieved composition is the mix of the measured volumes, not of the exact ones.
    total, composition = achieved(recipe)
    mixture = recipe.assessment.mixture
    assert mixture.volume_ml == total
    assert dict(mixture.composition) == composition
    assert mixture == mix(
        [Portion(c.product, c.measured.volume_ml) for c in recipe.components], CATALOGUE
    )
    # Deviations and the verdict follow from that composition.
    deviations = {s: (composition.get(s, Fraction(0)) - t) / t for s, t in request.target.items()}
    assert dict(recipe.assessment.deviations) == deviations
    within = all(abs(d) <= tolerance for d in deviations.values())
    event("within tolerance" if within else "outside tolerance")
    assert recipe.assessment.within_tolerance == within
    # Within tolerance, or flagged with what would fix it.
    assert bool(recipe.suggestions) == (not within)
    # Every draw under a fifth of its syringe is warned about.
    for line in recipe.components:
        for draw in line.measured.draws:
            if (
                line.measured.measured
                and draw.volume_ml < draw.syringe.capacity_ml * LOW_FILL_FRACTION
            ):
                assert any(
                    w.startswith(f"{line.product.id}: ") and "under 20 %" in w
                    for w in recipe.assessment.warnings
                )


# ---------------------------------------------------------------------------------------------
# assess(): the pharmacist's re-entry


def test_assess_the_pharmacists_seven_millilitres() -> None:
    # 7 mL D50 + 53 mL water: 3,500 mg / 60 mL = 58.33 mg/mL, 16.67 % above 50: outside ±5 %.
    result = assess(
        {"dextrose": Fraction(50)},
        [
            Portion(CATALOGUE.product("D50"), Fraction(7)),
            Portion(CATALOGUE.product("SWFI"), Fraction(53)),
        ],
        catalogue=CATALOGUE,
    )
    assert result.deviations == {"dextrose": Fraction(1, 6)}
    assert not result.within_tolerance


@pytest.mark.parametrize(
    ("d50", "water", "within"),
    [
        ("6.3", "53.7", True),  # 6.3 × 500 / 60 = 52.5: exactly 5 % above, inside (inclusive)
        ("6.31", "53.69", False),  # 6.31 × 500 / 60 = 52.583: 5.17 % above
        ("5.7", "54.3", True),  # 47.5: exactly 5 % below
        ("5.69", "54.31", False),
    ],
)
def test_the_tolerance_edge_is_exact(d50: str, water: str, within: bool) -> None:
    result = assess(
        {"dextrose": Fraction(50)},
        [
            Portion(CATALOGUE.product("D50"), Fraction(d50)),
            Portion(CATALOGUE.product("SWFI"), Fraction(water)),
        ],
        catalogue=CATALOGUE,
    )
    assert result.within_tolerance is within


def test_assess_warns_about_an_unnamed_solute() -> None:
    result = assess(
        {"dextrose": Fraction(50)},
        [
            Portion(CATALOGUE.product("D50"), Fraction(6)),
            Portion(CATALOGUE.product("NS"), Fraction(54)),
        ],
        catalogue=CATALOGUE,
    )
    assert any("also contains sodium chloride" in w for w in result.warnings)
    # (6 × 2,530 + 54 × 308) / 60 = 530.2 mOsmol/L
    assert result.mixture.osmolarity == Fraction(6 * 2530 + 54 * 308, 60)


# ---------------------------------------------------------------------------------------------
# Safety helpers used by the recipe


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5%", Fraction(1, 20)),
        ("5", Fraction(1, 20)),
        ("10 %", Fraction(1, 10)),
        ("0.5%", Fraction(1, 200)),
        ("50%", Fraction(1, 2)),
    ],
)
def test_parse_tolerance(text: str, value: Fraction) -> None:
    assert parse_tolerance(text) == value


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("0%", "outside 0 % to 50 %"),
        ("60%", "outside 0 % to 50 %"),
        ("nan", "not a finite"),
        ("5,5%", "decimal comma"),
        ("-5%", "negative"),
    ],
)
def test_parse_tolerance_refusals(text: str, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        parse_tolerance(text)


@pytest.mark.parametrize(
    ("osmolarity", "expected"),
    [
        (Fraction(253), "hypotonic"),
        (Fraction(280), "isotonic"),
        (Fraction(308), "isotonic"),
        (Fraction(310), "isotonic"),
        (Fraction(311), "hypertonic"),
        (Fraction(2530), "hypertonic"),
    ],
)
def test_tonicity_against_plasma(osmolarity: Fraction, expected: str) -> None:
    assert tonicity(osmolarity) == expected


def test_use_by_rules() -> None:
    start = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    assert use_by(start) == start + dt.timedelta(hours=4)  # USP <797> immediate use
    assert use_by(start, "category-1-room") == start + dt.timedelta(hours=12)
    assert use_by(start, "category-1-fridge") == start + dt.timedelta(hours=24)
    with pytest.raises(InputError, match="unknown"):
        use_by(start, "forever")
