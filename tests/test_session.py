"""Session planning: the total is exactly the parts plus dead space plus margin, within limits."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npt_protocol.catalogue.products import shipped_catalogue
from npt_protocol.engine.syringes import syringe_set
from npt_protocol.errors import InputError
from npt_protocol.planning.checklist import build_checklist, distribute
from npt_protocol.planning.session import (
    NEEDLE_DEAD_SPACE_ML,
    RegionRequest,
    plan_session,
    syringe_dead_space,
)
from npt_protocol.render.documents import session_data
from tests.sessions import PREPARED_AT, session, shipped


def test_knee_left_typical_session_worked_example() -> None:
    # knee typical: 3 + 3 + 4 = 10 points x 0.5 mL = 5 mL; one 10 mL treatment syringe:
    # dead space 0.1 + 0.05 = 0.15 mL; margin 10 % of 5.15 = 0.515; need 5.665 -> prepare 6 mL.
    plan = session([("knee", "left", None)])
    (solution,) = plan.solutions
    assert solution.injected_ml == 5
    assert solution.dead_space_ml == Fraction(15, 100)
    assert solution.required_ml == Fraction(5665, 1000)
    assert solution.prepare_ml == 6
    # 6 mL of 5 % from D50: 6 x 5 / 50 = 0.6 mL D50 + 5.4 mL water.
    volumes = {line.product.id: line.measured.volume_ml for line in solution.recipe.components}
    assert volumes == {"D50W": Fraction(6, 10), "SWFI": Fraction(54, 10)}
    assert solution.label.use_by - solution.label.prepared_at == dt.timedelta(hours=4)


def test_both_knees_state_one_batch_volume_everywhere() -> None:
    # knee typical 10 points × 0.5 mL per side: 10 mL injected; two 10 mL treatment syringes:
    # dead space 2 × 0.15 = 0.3 mL; margin 10 % of 10.3 = 1.03; need 11.33 mL. 12 mL: D50 1.2 mL
    # (the 3 mL syringe reads it to 4.2 %, more than 5 % / 2; as 1 mL and 0.2 mL in the 1 mL
    # syringe, 0.8 %), water 10.8 mL: exactly 12 mL at 5 %. The "prepare" line, the recipe, the
    # label and the JSON all say 12 mL, never 14 mL over steps that make 12.2 mL.
    plan = session([("knee", "left", None), ("knee", "right", None)])
    (solution,) = plan.solutions
    assert solution.required_ml == Fraction(1133, 100)
    assert solution.prepare_ml == solution.recipe.made_ml == solution.label.total_volume_ml == 12
    assert solution.recipe.acceptable
    document = session_data(plan)["solutions"][0]
    assert document["prepare_mL"] == document["recipe"]["achieved"]["volume_mL"] == 12
    assert document["label"]["total_volume_text"] == "12 mL"
    # The label shows the intended strength; the record shows the achieved one beside it.
    assert document["label"]["contents"] == "dextrose monohydrate 5 % w/v (50 mg/mL)"
    assert document["achieved_text"] == "dextrose monohydrate 5 % w/v (50 mg/mL)"


def test_a_small_need_grows_the_batch_until_it_can_be_signed() -> None:
    # The Achilles template's 5 points × 0.5 mL: 2.5 mL + dead space 0.15 + margin = 2.92 mL.
    # 3 mL of 20 % dextrose and 0.1 % lidocaine: D50 1.2 mL, lidocaine 0.3 mL, water 1.5 mL,
    # each read closely enough on the 1 mL syringe: signed at 3 mL.
    plan = session([("ankle-achilles", "right", None)])
    (solution,) = plan.solutions
    assert solution.prepare_ml == 3 and solution.recipe.acceptable


def test_an_injected_dose_over_the_limit_stops_the_session() -> None:
    # A 1 kg patient: lidocaine 4.5 mg at most; the Achilles points inject 2.5 mL × 1 mg/mL =
    # 2.5 mg per side, 5 mg for both: over, and the plan says so first.
    plan = session([("ankle-achilles", "bilateral", None)], weight_kg=Fraction(1))
    (dose,) = plan.doses_over
    assert (dose.milligrams, dose.maximum_mg) == (5, Fraction(9, 2))
    assert not plan.ok
    problems = session_data(plan)["problems"]
    assert problems and problems[0].startswith("The planned injections give lidocaine 5 mg")


def test_two_solutions_get_two_recipes_and_labels() -> None:
    plan = session([("knee", "left", None), ("ankle-achilles", "right", None)])
    texts = sorted(s.composition_text for s in plan.solutions)
    assert texts == ["dextrose 5%", "glucose 20% + lidocaine 0.1%"]
    achilles = next(s for s in plan.solutions if "lidocaine" in s.composition_text)
    assert achilles.recipe.assessment.mixture.composition["lidocaine"] == 1  # 0.1 % = 1 mg/mL


def test_points_above_the_protocol_limit_are_refused() -> None:
    knee = shipped()["knee"]
    with pytest.raises(InputError, match="maximum"):
        build_checklist(knee, side="left", points=knee.limits.max_points + 1)


def test_bilateral_doubles_the_rows_of_a_protocol_limited_per_side() -> None:
    knee = shipped()["knee"]
    both = build_checklist(knee, side="bilateral")
    one = build_checklist(knee, side="left")
    assert both.total_points == 2 * one.total_points
    assert {row.side for row in both.rows} == {"left", "right"}


@pytest.mark.parametrize(
    "regions",
    [
        [("knee", "left", 20), ("knee", "left", 20)],
        [("knee", "left", None), ("knee", "left", None), ("knee", "left", None)],
        [("knee", "left", 10), ("knee", "bilateral", 10)],
        [("knee", "bilateral", None), ("shoulder", "right", None), ("knee", "right", None)],
    ],
)
def test_a_side_asked_for_twice_is_refused(regions: list[tuple[str, str, int | None]]) -> None:
    # Three times knee:left with 20 points each planned 60 points against a limit of 20.
    with pytest.raises(InputError, match="already treats; give each region and side once"):
        session(regions)


def test_each_side_once_is_within_the_limit_per_side() -> None:
    knee = shipped()["knee"]
    plan = session([("knee", "left", knee.limits.max_points), ("knee", "right", None)])
    left, right = (region.checklist for region in plan.regions)
    assert left.total_points == knee.limits.max_points
    assert right.total_points <= knee.limits.max_points


def test_use_by_rule_is_named_and_applied() -> None:
    plan = session([("knee", "left", None)], use_by_rule="category-1-fridge")
    label = plan.solutions[0].label
    assert label.use_by == PREPARED_AT + dt.timedelta(hours=24)
    assert "refrigerated" in label.rule.name


@st.composite
def region_choices(draw: st.DrawFn) -> list[tuple[str, str, int | None]]:
    """Draw one to three regions with allowed sides and point counts within or above limits."""
    protocols = shipped()
    ids = draw(st.lists(st.sampled_from(sorted(protocols)), min_size=1, max_size=3, unique=True))
    regions: list[tuple[str, str, int | None]] = []
    for pid in ids:
        protocol = protocols[pid]
        side = draw(st.sampled_from(protocol.sides))
        most = sum(p.count.max for _, p in protocol.points)
        points = draw(st.none() | st.integers(min_value=1, max_value=most + 3))
        regions.append((pid, side, points))
    return regions


@settings(max_examples=40, deadline=None)
@given(regions=region_choices(), margin=st.fractions(min_value=0, max_value=Fraction(1, 2)))
def test_session_total_is_parts_plus_dead_space_plus_margin(
    regions: list[tuple[str, str, int | None]], margin: Fraction
) -> None:
    try:
        plan = session(regions, margin=margin)
    except InputError as error:
        # Refused only when a count is above what the protocol allows, and it says so.
        assert "maximum" in str(error)
        over = False
        for pid, side, points in regions:
            protocol = shipped()[pid]
            capacity = sum(p.count.max for _, p in protocol.points)
            if points is not None and points > min(protocol.limits.max_points, capacity):
                over = True
                continue
            counted = distribute(protocol, points)
            sides = 2 if side == "bilateral" else 1
            volume = sum((p.volume.default_ml * c for _, p, c in counted), Fraction(0))
            count = sum(c for _, _, c in counted)
            if protocol.limits.per == "session":
                volume, count = volume * sides, count * sides
            over = over or volume > protocol.limits.max_volume_ml
            over = over or count > protocol.limits.max_points
        assert over
        return
    for solution in plan.solutions:
        injected = sum(
            (row.volume_ml for r in solution.regions for row in r.checklist.rows), Fraction(0)
        )
        dead = sum(
            (
                r.syringes * (syringe_dead_space(plan.treatment_syringe_ml) + NEEDLE_DEAD_SPACE_ML)
                for r in solution.regions
            ),
            Fraction(0),
        )
        assert solution.injected_ml == injected
        assert solution.dead_space_ml == dead
        assert solution.required_ml == (injected + dead) * (1 + margin)
        assert solution.prepare_ml >= solution.required_ml
        # The batch is what the marks make: the plan, the recipe and the label state one volume.
        made = sum((c.measured.volume_ml for c in solution.recipe.components), Fraction(0))
        assert solution.prepare_ml == made == solution.recipe.made_ml
        assert solution.label.total_volume_ml == made
        assert made >= solution.required_ml
        if solution.recipe.acceptable:
            assert solution.recipe.certification.certified
            assert solution.recipe.assessment.within_tolerance
    for region in plan.regions:
        protocol = region.checklist.protocol
        sides = 2 if region.checklist.side == "bilateral" else 1
        if protocol.limits.per == "session":
            sides = 1  # the limits hold for the whole session, both sides together
        assert region.checklist.total_points <= protocol.limits.max_points * sides
        assert region.injected_ml <= protocol.limits.max_volume_ml * sides


@settings(max_examples=30, deadline=None)
@given(
    margin=st.fractions(min_value=0, max_value=Fraction(1, 2)).map(
        lambda f: f.limit_denominator(200)
    )
)
def test_the_printed_need_is_never_less_than_the_need(margin: Fraction) -> None:
    # knee left: 5 mL injected + 0.15 mL dead space = 5.15 mL; 10 % margin: 5.665 mL, which
    # half-even printing would show as 5.66 mL, less than what is needed.
    plan = session([("knee", "left", None)], margin=margin)
    (solution,) = session_data(plan)["solutions"]
    printed = Fraction(solution["volumes_text"]["required"].removesuffix(" mL").replace(",", ""))
    (planned,) = plan.solutions
    assert planned.required_ml <= printed < planned.required_ml + Fraction(1, 100)


def test_the_knee_need_is_printed_as_it_is_or_rounded_up() -> None:
    # 5 mL injected + 0.15 mL dead space = 5.15 mL; a 10 % margin makes 5.665 mL, printed as it
    # is (never 5.66 mL); a third more makes 6.8666… mL, whose decimals never end: 6.87 mL.
    plan = session([("knee", "left", None)])
    assert plan.solutions[0].required_ml == Fraction(5665, 1000)
    assert session_data(plan)["solutions"][0]["volumes_text"]["required"] == "5.665 mL"
    third = session([("knee", "left", None)], margin=Fraction(1, 3))
    assert third.solutions[0].required_ml == Fraction(515, 100) * Fraction(4, 3)
    assert session_data(third)["solutions"][0]["volumes_text"]["required"] == "6.87 mL"


def test_the_label_names_each_ingredient_as_measured_on_fine_marks() -> None:
    # Shoulder with dextrose 5 % + lidocaine 0.15 % and a 0.3 mL insulin syringe (0.005 mL
    # marks) in the set: 5 mL made; lidocaine 2 % 5 × 1.5 / 20 = 0.375 mL, D50W 0.5 mL, water
    # 4.125 mL. The label states what was measured, never 0.38 mL and 4.12 mL.
    catalogue = shipped_catalogue()
    plan = plan_session(
        [RegionRequest(shipped()["shoulder"], "right", None)],
        catalogue=catalogue,
        stocks=[catalogue.product("D50"), catalogue.product("lidocaine-2")],
        diluent=catalogue.product("SWFI"),
        syringes=syringe_set(
            ["0.3 mL by 0.005 mL", "1 mL by 0.01 mL", "3 mL by 0.1 mL", "5 mL by 0.2 mL"]
        ),
        prepared_at=PREPARED_AT,
        solution_override="dextrose 5% + lidocaine 0.15%",
    )
    (solution,) = session_data(plan)["solutions"]
    assert solution["label"]["ingredients_text"] == (
        "D50W 0.5 mL, lidocaine-2 0.375 mL, SWFI 4.125 mL"
    )
