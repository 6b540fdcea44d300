"""Syringes, marks, containers, and snapping exact volumes to the marks that measure them."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from npt_protocol.errors import InputError, MeasurementError, NptError
from npt_protocol.measure import (
    DEFAULT_SYRINGES_TEXT,
    ContainerPlan,
    Syringe,
    containers,
    draw_options,
    holding,
    parse_syringe,
    require_measurable,
    syringe_set,
)
from npt_protocol.products import shipped_catalogue
from npt_protocol.snap import Snapped, snap
from npt_protocol.solutions import Portion, solve
from tests.strategies import SYRINGE_SETS, Request, decimals, requests

CATALOGUE = shipped_catalogue()
DEFAULT = syringe_set()


def ml(text: str) -> Fraction:
    return Fraction(text)


# ---------------------------------------------------------------------------------------------
# Syringes


def test_default_set_is_the_clinical_facts_set() -> None:
    # clinical-facts §4: 1 mL by 0.01, 3 mL by 0.1, 5 and 10 mL by 0.2, 20, 30, 60 mL by 1 mL.
    assert [(s.capacity_ml, s.graduation_ml) for s in DEFAULT] == [
        (1, ml("0.01")), (3, ml("0.1")), (5, ml("0.2")), (10, ml("0.2")),
        (20, 1), (30, 1), (60, 1)]
    assert syringe_set(DEFAULT_SYRINGES_TEXT) == DEFAULT


@pytest.mark.parametrize(("text", "capacity", "marks"), [
    ("10 mL by 0.2 mL", 10, "0.2"), ("10mL/0.2mL", 10, "0.2"), ("3 mL @ 0.1 mL", 3, "0.1"),
    ("0.001 L by 10 µL", 1, "0.01"),
])
def test_parse_syringe(text: str, capacity: int, marks: str) -> None:
    assert parse_syringe(text) == Syringe(Fraction(capacity), Fraction(marks))


@pytest.mark.parametrize(("text", "fragment"), [
    ("3 mL by 0.4 mL", "do not divide"),   # 3 / 0.4 = 7.5 marks
    ("1 mL by 3 mL", "do not divide"),
    ("10 mL", "not a syringe"),
    ("10 g by 1 g", "not a volume"),
    ("10 mL by 0 mL", "zero"),
    ("10,5 mL by 0.5 mL", "decimal comma"),
])
def test_parse_syringe_refusals(text: str, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        parse_syringe(text)


def test_syringe_set_is_sorted_and_unique() -> None:
    syringes = syringe_set(["60 mL by 1 mL", "1 mL by 0.01 mL", "60mL/1mL"])
    assert syringes == (Syringe(Fraction(1), ml("0.01")), Syringe(Fraction(60), Fraction(1)))


def test_marks_near() -> None:
    # 6.3 mL on 0.2 mL marks lies between mark 31 (6.2) and 32 (6.4); two either side: 29 to 34.
    syringe = Syringe(Fraction(10), ml("0.2"))
    assert syringe.marks_near(ml("6.3"), spread=2) == [
        ml("5.8"), ml("6.0"), ml("6.2"), ml("6.4"), ml("6.6"), ml("6.8")]
    # Never the zero mark, never past the capacity.
    assert syringe.marks_near(ml("0.1"), spread=2) == [ml("0.2"), ml("0.4"), ml("0.6")]
    assert syringe.marks_near(ml("9.9"), spread=2) == [ml("9.4"), ml("9.6"), ml("9.8"),
                                                       ml("10")]
    assert syringe.on_mark(ml("6.4"))
    assert not syringe.on_mark(ml("6.3"))


def test_holding_lists_the_smallest_syringes_first() -> None:
    # 100/9 = 11.11 mL: too much for the 10 mL syringe.
    assert [s.capacity_ml for s in holding(Fraction(100, 9), DEFAULT)] == [20, 30, 60]
    assert [s.capacity_ml for s in holding(Fraction(1), DEFAULT)] == [1, 3, 5, 10, 20, 30, 60]
    assert holding(Fraction(61), DEFAULT) == []


def test_a_volume_larger_than_the_largest_syringe_takes_several_draws() -> None:
    # 150 mL with a 60 mL syringe: two full draws and 30 mL more.
    options = draw_options(Fraction(150), DEFAULT)
    for option in options:
        assert [d.volume_ml for d in option[:2]] == [60, 60]
    assert any(sum(d.volume_ml for d in option) == 150 for option in options)


@pytest.mark.parametrize(("volume", "sizes", "plan"), [
    (Fraction(6), [Fraction(50)], ContainerPlan(Fraction(50), 1)),
    (Fraction(54), [Fraction(s) for s in (10, 20, 50, 100)], ContainerPlan(Fraction(100), 1)),
    (Fraction(450), [Fraction(s) for s in (10, 20, 50, 100)], ContainerPlan(Fraction(100), 5)),
    (Fraction(50), [Fraction(50)], ContainerPlan(Fraction(50), 1)),
    (Fraction(51), [Fraction(50)], ContainerPlan(Fraction(50), 2)),
    (Fraction(6), [], ContainerPlan(None, 0)),
])
def test_containers_to_open(volume: Fraction, sizes: list[Fraction], plan: ContainerPlan) -> None:
    assert containers(volume, sizes) == plan


def test_container_plan_describes_itself() -> None:
    assert ContainerPlan(Fraction(1000), 1).describe() == "1 container of 1,000 mL"
    assert ContainerPlan(Fraction(100), 5).describe() == "5 containers of 100 mL"
    assert "not in the catalogue" in ContainerPlan(None, 0).describe()


def test_a_volume_below_half_the_finest_mark_cannot_be_measured() -> None:
    with pytest.raises(MeasurementError, match="less than half the finest syringe mark"):
        require_measurable(ml("0.004"), DEFAULT, what="D50W")
    require_measurable(ml("0.005"), DEFAULT, what="D50W")  # half of 0.01 mL: a mark is near
    require_measurable(Fraction(0), DEFAULT, what="D50W")  # nothing to measure


# ---------------------------------------------------------------------------------------------
# Snapping


def exact_portions(request: Request) -> list[Portion]:
    return solve(request.target, volume_ml=request.volume_ml,
                 stocks=[CATALOGUE.product(s) for s in request.stocks],
                 diluent=CATALOGUE.product(request.diluent), catalogue=CATALOGUE)


def worst_deviation(portions: Sequence[Portion], volumes: Sequence[Fraction],
                    target: dict[str, Fraction]) -> Fraction:
    """Largest relative strength error over the target's solutes, from first principles."""
    total = sum(volumes, Fraction(0))
    worst = Fraction(0)
    for solute, wanted in target.items():
        mass = sum(p.product.composition.get(solute, 0) * v
                   for p, v in zip(portions, volumes, strict=True))
        worst = max(worst, abs(mass / total - wanted) / wanted)
    return worst


def nearest_mark(volume: Fraction, syringe: Syringe) -> Fraction:
    """Plain rounding to the nearest mark, never to the zero mark."""
    return max(round(volume / syringe.graduation_ml), 1) * syringe.graduation_ml


def snapped_volumes(snapped: Snapped, portions: Sequence[Portion]) -> list[Fraction]:
    by_id = {m.product_id: m.volume_ml for m in snapped.portions}
    return [by_id.get(p.product.id, Fraction(0)) for p in portions]


def test_sixty_ml_needs_no_snapping() -> None:
    # 6 mL and 54 mL are already on marks (10 mL by 0.2 and 60 mL by 1): nothing moves.
    request = Request("dextrose 5%", {"dextrose": Fraction(50)}, Fraction(60), ("D50W",), "SWFI")
    exact = exact_portions(request)
    result = snap(exact, target=request.target, method="container", syringes=DEFAULT,
                  final_volume_ml=Fraction(60))
    assert [(m.product_id, m.volume_ml, [d.syringe.capacity_ml for d in m.draws])
            for m in result.portions] == [("D50W", 6, [10]), ("SWFI", 54, [60])]
    assert result.worst_deviation == 0


def test_eleven_point_one_one_ml_snaps_to_a_mark() -> None:
    # D50 100/9 mL lands on the 20 mL syringe (1 mL marks): 11 mL; with D5W 88 mL the mix is
    # (11 × 500 + 88 × 50) / 99 = 9,900 / 99 = 100 mg/mL: exactly 10 %.
    request = Request("dextrose 10%", {"dextrose": Fraction(100)}, Fraction(100), ("D50W",),
                      "D5W")
    exact = exact_portions(request)
    result = snap(exact, target=request.target, method="container", syringes=DEFAULT,
                  final_volume_ml=Fraction(100))
    volumes = snapped_volumes(result, exact)
    assert volumes[0] == 11
    assert worst_deviation(exact, volumes, request.target) == result.worst_deviation
    assert result.worst_deviation <= Fraction(5, 100)


def test_one_syringe_method_draws_to_cumulative_marks() -> None:
    # mannitol 5 % 20 mL from mannitol-20: 5 mL then water to the 20 mL mark, one 20 mL syringe.
    request = Request("mannitol 5%", {"mannitol": Fraction(50)}, Fraction(20), ("mannitol-20",),
                      "SWFI")
    result = snap(exact_portions(request), target=request.target, method="syringe",
                  syringes=DEFAULT, final_volume_ml=Fraction(20))
    assert result.final_syringe == Syringe(Fraction(20), Fraction(1))
    assert [(m.product_id, m.volume_ml, m.measured) for m in result.portions] == [
        ("mannitol-20", 5, True), ("SWFI", 15, False)]


def test_one_syringe_method_refuses_more_than_the_largest_syringe() -> None:
    request = Request("dextrose 5%", {"dextrose": Fraction(50)}, Fraction(100), ("D50W",), "SWFI")
    with pytest.raises(MeasurementError, match="--method container"):
        snap(exact_portions(request), target=request.target, method="syringe", syringes=DEFAULT,
             final_volume_ml=Fraction(100))


@given(requests, st.sampled_from(SYRINGE_SETS), st.sampled_from(["syringe", "container"]))
def test_snapped_volumes_are_on_the_marks_of_the_syringe_that_measures_them(
        request: Request, syringe_texts: tuple[str, ...] | None, method: str) -> None:
    syringes = syringe_set(syringe_texts)
    exact = exact_portions(request)
    try:
        result = snap(exact, target=request.target, method=method,  # type: ignore[arg-type]
                      syringes=syringes, final_volume_ml=request.volume_ml)
    except MeasurementError:
        assume(False)
        raise
    assert result.method == method
    for measured in result.portions:
        assert measured.draws
        for draw in measured.draws:
            assert draw.syringe in syringes
            assert 0 < draw.volume_ml <= draw.syringe.capacity_ml
            assert (draw.volume_ml / draw.syringe.graduation_ml).denominator == 1
    if method == "syringe":
        assert result.final_syringe is not None
        mark = Fraction(0)
        for measured in result.portions:
            assert [d.syringe for d in measured.draws] == [result.final_syringe]
            mark += measured.volume_ml
            assert result.final_syringe.on_mark(mark)
        assert mark <= result.final_syringe.capacity_ml
    volumes = snapped_volumes(result, exact)
    assert result.worst_deviation == worst_deviation(exact, volumes, request.target)


@given(requests, st.sampled_from(SYRINGE_SETS))
def test_snapping_is_at_least_as_good_as_rounding_to_the_nearest_mark(
        request: Request, syringe_texts: tuple[str, ...] | None) -> None:
    """The search keeps the best combination, so it never loses to plain rounding on the
    smallest syringe that holds each volume."""
    syringes = syringe_set(syringe_texts)
    exact = exact_portions(request)
    assume(all(p.volume_ml <= syringes[-1].capacity_ml for p in exact))
    rounded = [nearest_mark(p.volume_ml, holding(p.volume_ml, syringes)[0]) if p.volume_ml
               else Fraction(0) for p in exact]
    try:
        result = snap(exact, target=request.target, method="container", syringes=syringes,
                      final_volume_ml=request.volume_ml)
    except NptError:
        pytest.fail("rounding measures it, so the search must too")
    assert result.worst_deviation <= worst_deviation(exact, rounded, request.target)


@st.composite
def volumes_on_marks(draw: st.DrawFn) -> Fraction:
    """A volume on a mark of the smallest default syringe that holds it."""
    index = draw(st.integers(0, len(DEFAULT) - 1))
    syringe = DEFAULT[index]
    floor = DEFAULT[index - 1].capacity_ml if index else Fraction(0)
    first = int(floor / syringe.graduation_ml) + 1
    return draw(st.integers(first, int(syringe.capacity_ml / syringe.graduation_ml))) * \
        syringe.graduation_ml


@given(volumes_on_marks(), volumes_on_marks(), st.sampled_from(["D10W", "D25W", "D50W", "D70W"]))
def test_volumes_already_on_marks_do_not_move(stock_ml: Fraction, water_ml: Fraction,
                                              stock: str) -> None:
    strength = CATALOGUE.product(stock).composition["dextrose"]
    volume = stock_ml + water_ml
    target = {"dextrose": strength * stock_ml / volume}
    exact = solve(target, volume_ml=volume, stocks=[CATALOGUE.product(stock)],
                  diluent=CATALOGUE.product("SWFI"), catalogue=CATALOGUE)
    assert [p.volume_ml for p in exact] == [stock_ml, water_ml]
    result = snap(exact, target=target, method="container", syringes=DEFAULT,
                  final_volume_ml=volume)
    assert snapped_volumes(result, exact) == [stock_ml, water_ml]
    assert result.worst_deviation == 0


@given(decimals(Fraction(61), 1000, 0), st.data())
def test_large_volumes_are_full_draws_plus_one(volume: Fraction, data: st.DataObject) -> None:
    """Water for a large batch: full 60 mL draws, then the rest on the marks of one syringe."""
    share = data.draw(st.integers(1, 20))
    target = {"dextrose": Fraction(share * 5)}  # at most 10 %: plenty of water
    exact = solve(target, volume_ml=volume, stocks=[CATALOGUE.product("D50")],
                  diluent=CATALOGUE.product("SWFI"), catalogue=CATALOGUE)
    result = snap(exact, target=target, method="container", syringes=DEFAULT,
                  final_volume_ml=volume)
    for measured in result.portions:
        *full, last = measured.draws
        assert all(d.volume_ml == d.syringe.capacity_ml == 60 for d in full)
        assert last.syringe.on_mark(last.volume_ml)
        assert len(full) <= measured.exact_ml // 60
