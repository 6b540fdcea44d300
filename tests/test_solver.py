"""The exact mixing solver: C1V1, alligation and n components as one linear system; and mix()."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import assume, event, given
from hypothesis import strategies as st

from npt_protocol.catalogue.products import Catalogue, Product, shipped_catalogue
from npt_protocol.engine.solver import Mixture, Portion, mix, solve
from npt_protocol.errors import SolutionError
from npt_protocol.units import parse_volume
from tests.strategies import (
    STRENGTHS_MG_PER_ML,
    SquareProblem,
    cramer,
    decimals,
    product,
    request_volumes,
    square_problems,
    system,
    volume_spellings,
)

CATALOGUE = shipped_catalogue()
SWFI = CATALOGUE.product("SWFI")


def volumes(portions: list[Portion]) -> dict[str, Fraction]:
    return {p.product.id: p.volume_ml for p in portions}


def solve_text(
    target: str,
    volume_ml: Fraction,
    stocks: list[str],
    diluent: str = "SWFI",
    catalogue: Catalogue = CATALOGUE,
) -> list[Portion]:
    return solve(
        catalogue.composition(target),
        volume_ml=volume_ml,
        stocks=[catalogue.product(s) for s in stocks],
        diluent=catalogue.product(diluent),
        catalogue=catalogue,
    )


def assert_balanced(
    portions: list[Portion], target: dict[str, Fraction], volume_ml: Fraction
) -> None:
    """Every solute's mass and the total volume come out exactly."""
    assert sum(p.volume_ml for p in portions) == volume_ml
    for solute, strength in target.items():
        mass = sum(p.product.composition.get(solute, 0) * p.volume_ml for p in portions)
        assert mass == strength * volume_ml, solute
    assert all(p.volume_ml >= 0 for p in portions)


# ---------------------------------------------------------------------------------------------
# Worked examples from the issue, by hand


def test_sixty_ml_of_five_percent_from_d50() -> None:
    # C1V1 = C2V2: 60 mL × 5 % / 50 % = 6 mL of D50; 60 − 6 = 54 mL of water.
    result = solve_text("dextrose 5%", Fraction(60), ["D50"])
    assert volumes(result) == {"D50W": Fraction(6), "SWFI": Fraction(54)}


def test_mannitol_five_percent_from_twenty() -> None:
    # 20 mL × 5 / 20 = 5 mL of mannitol 20 %; 15 mL of water.
    result = solve_text("mannitol 5%", Fraction(20), ["mannitol-20"])
    assert volumes(result) == {"mannitol-20": Fraction(5), "SWFI": Fraction(15)}


def test_dextrose_and_lidocaine_from_two_stocks() -> None:
    # lidocaine 10 mL × 0.1 / 1 = 1 mL; D50 10 mL × 20 / 50 = 4 mL; water 10 − 1 − 4 = 5 mL.
    result = solve_text("dextrose 20% + lidocaine 0.1%", Fraction(10), ["D50", "lidocaine-1"])
    assert volumes(result) == {"D50W": Fraction(4), "lidocaine-1": Fraction(1), "SWFI": Fraction(5)}


def test_alligation_with_a_diluent_that_holds_dextrose() -> None:
    # Alligation of 50 % and 5 % to 10 %: D50 parts = 10 − 5 = 5, D5W parts = 50 − 10 = 40,
    # 45 parts in all: D50 = 100 × 5/45 = 100/9 mL (11.11…), D5W = 100 × 40/45 = 800/9 mL.
    result = solve_text("dextrose 10%", Fraction(100), ["D50"], diluent="D5W")
    assert volumes(result) == {"D50W": Fraction(100, 9), "D5W": Fraction(800, 9)}


def test_a_spec_and_litres_give_the_sixty_ml_answer() -> None:
    # 0.06 L = 60 mL, and 500 mg/mL = 50 %: the same 6 mL + 54 mL.
    result = solve_text("dextrose 5%", parse_volume("0.06L"), ["dextrose 500 mg/mL"])
    assert [p.volume_ml for p in result] == [Fraction(6), Fraction(54)]


def test_three_solutes_three_stocks() -> None:
    # 50 mL of dextrose 10 % + lidocaine 0.2 % + sodium bicarbonate 0.84 %:
    # D50 50 × 10/50 = 10 mL; lidocaine 2 % 50 × 0.2/2 = 5 mL; bicarb 8.4 % 50 × 0.84/8.4 = 5 mL;
    # water 50 − 20 = 30 mL.
    result = solve_text(
        "dextrose 10% + lidocaine 0.2% + sodium bicarbonate 0.84%",
        Fraction(50),
        ["D50", "lidocaine-2", "bicarb-8.4"],
    )
    assert volumes(result) == {
        "D50W": Fraction(10),
        "lidocaine-2": Fraction(5),
        "bicarb-8.4": Fraction(5),
        "SWFI": Fraction(30),
    }


def test_coupled_system_where_a_stock_holds_two_solutes() -> None:
    # Stocks: D50 (dextrose 500 mg/mL) and a premix of dextrose 50 + lidocaine 10 mg/mL; diluent
    # D5W (dextrose 50). Target 100 mL of dextrose 100 + lidocaine 1 mg/mL.
    # lidocaine: 10 v_premix = 100 → v_premix = 10.
    # dextrose: 500 v_D50 + 50·10 + 50·v_D5W = 10,000 with v_D5W = 90 − v_D50
    #   → 450 v_D50 = 5,000 → v_D50 = 100/9; v_D5W = 90 − 100/9 = 710/9.
    premix = product("premix", {"dextrose": Fraction(50), "lidocaine": Fraction(10)})
    result = solve(
        {"dextrose": Fraction(100), "lidocaine": Fraction(1)},
        volume_ml=Fraction(100),
        stocks=[CATALOGUE.product("D50"), premix],
        diluent=CATALOGUE.product("D5W"),
        catalogue=CATALOGUE,
    )
    assert volumes(result) == {
        "D50W": Fraction(100, 9),
        "premix": Fraction(10),
        "D5W": Fraction(710, 9),
    }


def test_a_target_equal_to_the_diluent_needs_no_stock() -> None:
    result = solve_text("dextrose 5%", Fraction(60), ["D50"], diluent="D5W")
    assert volumes(result) == {"D50W": Fraction(0), "D5W": Fraction(60)}


def test_a_target_equal_to_the_stock_needs_no_diluent() -> None:
    result = solve_text("dextrose 50%", Fraction(60), ["D50"])
    assert volumes(result) == {"D50W": Fraction(60), "SWFI": Fraction(0)}


# ---------------------------------------------------------------------------------------------
# Impossible requests: one sentence that says which and why


@pytest.mark.parametrize(
    ("target", "stocks", "diluent", "fragments"),
    [
        # 60 % wanted, D50 is the strongest at 50 %.
        ("dextrose 60%", ["D50"], "SWFI", ["stronger than every stock", "D50W", "50 %", "60 %"]),
        # D10 as diluent already holds 10 % > 5 %, and D50 is stronger still: no mix reaches 5 %.
        ("dextrose 5%", ["D50"], "D10", ["diluent D10W already holds dextrose", "10 %"]),
        ("dextrose 5%", ["D50", "D25"], "SWFI", ["More stocks than needed", "D50W", "D25W"]),
        ("mannitol 5%", ["D50"], "SWFI", ["No stock given contains mannitol", "mannitol-20"]),
        ("dextrose 5%", ["D50", "lidocaine-1"], "SWFI", ["lidocaine-1 contains none"]),
        ("dextrose 5%", ["D50", "D50W"], "SWFI", ["given twice"]),
        ("dextrose 5%", ["SWFI"], "SWFI", ["given twice"]),
        # 40 % dextrose needs 0.8 V of D50; 1.5 % lidocaine needs 0.75 V of lidocaine 2 %: 1.55 V.
        (
            "dextrose 40% + lidocaine 1.5%",
            ["D50", "lidocaine-2"],
            "SWFI",
            ["negative volume of diluent SWFI", "fill more than the final volume"],
        ),
    ],
)
def test_impossible_requests(
    target: str, stocks: list[str], diluent: str, fragments: list[str]
) -> None:
    with pytest.raises(SolutionError) as caught:
        solve_text(target, Fraction(60), stocks, diluent)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message
    assert "\n" not in message


def test_a_stock_that_brings_too_much_of_another_solute() -> None:
    # Premix A: dextrose 500 + lidocaine 20; B: lidocaine 10. For dextrose 200 + lidocaine 1 in
    # 100 mL, A must be 40 mL, which already holds 800 mg lidocaine against 100 mg wanted.
    a = product("premix-A", {"dextrose": Fraction(500), "lidocaine": Fraction(20)})
    b = product("lido-B", {"lidocaine": Fraction(10)})
    with pytest.raises(SolutionError, match="lido-B would need a negative volume"):
        solve(
            {"dextrose": Fraction(200), "lidocaine": Fraction(1)},
            volume_ml=Fraction(100),
            stocks=[a, b],
            diluent=SWFI,
            catalogue=CATALOGUE,
        )


def test_an_inconsistent_system_is_refused() -> None:
    # One premix at dextrose:lidocaine = 50:1 cannot make a 25:1 target with water alone.
    premix = product("premix", {"dextrose": Fraction(500), "lidocaine": Fraction(10)})
    with pytest.raises(SolutionError, match="no volumes satisfy every solute"):
        solve(
            {"dextrose": Fraction(50), "lidocaine": Fraction(2)},
            volume_ml=Fraction(10),
            stocks=[premix],
            diluent=SWFI,
            catalogue=CATALOGUE,
        )


@pytest.mark.parametrize("volume", [Fraction(0), Fraction(-5)])
def test_final_volume_must_be_positive(volume: Fraction) -> None:
    with pytest.raises(SolutionError, match="not positive"):
        solve_text("dextrose 5%", volume, ["D50"])


# ---------------------------------------------------------------------------------------------
# Properties


@given(square_problems())
def test_solver_recovers_the_volumes_that_made_the_target(problem: SquareProblem) -> None:
    """Mix known volumes, hand the solver the result: it must find exactly those volumes."""
    matrix = system(problem.components, list(problem.target()))
    assume(len(matrix) == len(problem.components))
    assume(cramer(matrix, [Fraction(0)] * len(matrix)) is not None)  # a unique answer exists
    target = problem.target()
    result = solve(
        target,
        volume_ml=problem.total,
        stocks=list(problem.stocks),
        diluent=problem.diluent,
        catalogue=CATALOGUE,
    )
    assert [p.volume_ml for p in result] == list(problem.volumes)
    assert_balanced(result, target, problem.total)


@given(square_problems(), st.data())
def test_any_target_is_solved_exactly_or_refused(
    problem: SquareProblem, data: st.DataObject
) -> None:
    """For an arbitrary target the solver answers with balanced, non-negative volumes, or raises
    SolutionError exactly when the unique solution (Cramer's rule) has a negative volume."""
    solutes = list(problem.target())
    target = {s: data.draw(STRENGTHS_MG_PER_ML, label=s) for s in solutes}
    volume = data.draw(request_volumes, label="volume")
    matrix = system(problem.components, solutes)
    expected = (
        cramer(matrix, [target[s] * volume for s in solutes] + [volume])
        if len(matrix) == len(problem.components)
        else None
    )
    try:
        result = solve(
            target,
            volume_ml=volume,
            stocks=list(problem.stocks),
            diluent=problem.diluent,
            catalogue=CATALOGUE,
        )
    except SolutionError:
        event("refused")
        assert expected is None or any(v < 0 for v in expected)
        return
    event("solved")
    assert expected is not None
    assert [p.volume_ml for p in result] == expected
    assert_balanced(result, target, volume)


@given(
    st.sampled_from(["D10W", "D25W", "D50W", "D70W"]),
    st.sampled_from(["SWFI", "D5W"]),
    decimals(Fraction(1, 10), 800, 1),
    request_volumes,
)
def test_feasible_exactly_between_diluent_and_stock(
    stock: str, diluent: str, target: Fraction, volume: Fraction
) -> None:
    """One solute: a mix exists exactly when the target lies between the diluent and the stock;
    then the stock volume is V (T − d) / (S − d) (alligation)."""
    high = CATALOGUE.product(stock).composition["dextrose"]
    low = CATALOGUE.product(diluent).composition.get("dextrose", Fraction(0))
    args = {
        "volume_ml": volume,
        "stocks": [CATALOGUE.product(stock)],
        "diluent": CATALOGUE.product(diluent),
        "catalogue": CATALOGUE,
    }
    if low <= target <= high:
        result = solve({"dextrose": target}, **args)  # type: ignore[arg-type]
        stock_volume = volume * (target - low) / (high - low)
        assert volumes(result) == {stock: stock_volume, diluent: volume - stock_volume}
    else:
        with pytest.raises(SolutionError) as caught:
            solve({"dextrose": target}, **args)  # type: ignore[arg-type]
        if target > high:
            assert "stronger than every stock" in str(caught.value)
        else:
            assert f"diluent {diluent} already holds dextrose" in str(caught.value)


@given(STRENGTHS_MG_PER_ML, STRENGTHS_MG_PER_ML, STRENGTHS_MG_PER_ML, request_volumes)
def test_infeasible_targets_always_raise(
    stock: Fraction, diluent: Fraction, extra: Fraction, volume: Fraction
) -> None:
    """A target stronger than every component, or weaker than every component, cannot be made."""
    a = product("stock", {"mannitol": stock})
    d = product("diluent", {"mannitol": diluent}, "diluent")
    too_strong = max(stock, diluent) + extra
    with pytest.raises(SolutionError):
        solve(
            {"mannitol": too_strong}, volume_ml=volume, stocks=[a], diluent=d, catalogue=CATALOGUE
        )
    too_weak = min(stock, diluent) * Fraction(1, 2)
    with pytest.raises(SolutionError):
        solve({"mannitol": too_weak}, volume_ml=volume, stocks=[a], diluent=d, catalogue=CATALOGUE)


@given(
    st.sampled_from(["D10W", "D25W", "D50W", "D70W"]),
    st.sampled_from(["SWFI", "D5W"]),
    st.integers(0, 100),
    st.integers(0, 100),
    request_volumes,
)
def test_a_stronger_target_never_needs_less_concentrate(
    stock: str, diluent: str, first: int, second: int, volume: Fraction
) -> None:
    high = CATALOGUE.product(stock).composition["dextrose"]
    low = CATALOGUE.product(diluent).composition.get("dextrose", Fraction(0))
    weaker, stronger = sorted((first, second))

    def concentrate(share: int) -> Fraction:
        target = low + (high - low) * Fraction(share, 100)
        result = solve(
            {"dextrose": target},
            volume_ml=volume,
            stocks=[CATALOGUE.product(stock)],
            diluent=CATALOGUE.product(diluent),
            catalogue=CATALOGUE,
        )
        return result[0].volume_ml

    assert concentrate(weaker) <= concentrate(stronger)
    if weaker < stronger:
        assert concentrate(weaker) < concentrate(stronger)


@given(st.integers(1, 90), st.integers(1, 90), st.integers(1, 9), request_volumes)
def test_raising_one_solute_changes_only_its_own_stock(
    dextrose: int, raised: int, lido: int, volume: Fraction
) -> None:
    """Separate stocks for dextrose and lidocaine: a stronger dextrose target takes more D50, the
    same lidocaine, and less water."""
    assume(dextrose + raised + lido <= 100)
    stocks = [CATALOGUE.product("D50"), CATALOGUE.product("lidocaine-1")]

    def run(share: int) -> list[Fraction]:
        target = {"dextrose": 5 * Fraction(share), "lidocaine": Fraction(lido, 10)}
        return [
            p.volume_ml
            for p in solve(
                target, volume_ml=volume, stocks=stocks, diluent=SWFI, catalogue=CATALOGUE
            )
        ]

    before, after = run(dextrose), run(dextrose + raised)
    assert after[0] > before[0]
    assert after[1] == before[1]
    assert after[2] < before[2]


@given(
    st.sampled_from(["D10W", "D25W", "D50W", "D70W"]),
    st.sampled_from(["D10W", "D25W", "D50W", "D70W"]),
    st.integers(1, 100),
    request_volumes,
)
def test_a_stronger_stock_needs_less_of_itself(
    first: str, second: str, percent: int, volume: Fraction
) -> None:
    weak, strong = sorted(
        (CATALOGUE.product(first), CATALOGUE.product(second)),
        key=lambda p: p.composition["dextrose"],
    )
    target = {"dextrose": Fraction(percent)}
    assume(target["dextrose"] <= weak.composition["dextrose"])

    def stock_volume(stock: Product) -> Fraction:
        return solve(target, volume_ml=volume, stocks=[stock], diluent=SWFI, catalogue=CATALOGUE)[
            0
        ].volume_ml

    assert stock_volume(strong) <= stock_volume(weak)


@given(decimals(Fraction(1, 10), 1000, 1), st.data())
def test_unit_invariance_of_the_answer(millilitres: Fraction, data: st.DataObject) -> None:
    """mL, L and µL spellings of the volume, and % or mg/mL for the stock, give one answer."""
    text = data.draw(st.sampled_from(volume_spellings(millilitres)))
    spec = data.draw(
        st.sampled_from(
            [
                "D50",
                "dextrose 50%",
                "dextrose 500 mg/mL",
                "dextrose 50 g/100 mL",
                "dextrose 0.5 g per mL",
            ]
        )
    )
    by_hand = millilitres * 50 / 500
    result = solve_text("dextrose 5%", parse_volume(text), [spec])
    assert [p.volume_ml for p in result] == [by_hand, millilitres - by_hand]


@given(square_problems(), st.integers(2, 10))
def test_scaling_the_batch_scales_every_volume(problem: SquareProblem, factor: int) -> None:
    matrix = system(problem.components, list(problem.target()))
    assume(len(matrix) == len(problem.components))
    assume(cramer(matrix, [Fraction(0)] * len(matrix)) is not None)
    kwargs = {"stocks": list(problem.stocks), "diluent": problem.diluent, "catalogue": CATALOGUE}
    once = solve(problem.target(), volume_ml=problem.total, **kwargs)  # type: ignore[arg-type]
    scaled = solve(problem.target(), volume_ml=problem.total * factor, **kwargs)  # type: ignore[arg-type]
    assert [p.volume_ml * factor for p in once] == [p.volume_ml for p in scaled]


# ---------------------------------------------------------------------------------------------
# mix(): what measured portions make


def test_mix_of_bicarbonate_into_d5w() -> None:
    # clinical-facts §3: 1 mL of 8.4 % bicarbonate into 100 mL of D5W gives 4.95 % dextrose and
    # about 270 mOsmol/L. Dextrose 100 × 50 / 101 = 5000/101 mg/mL (4.95 %);
    # osmolarity (100 × 252 + 1 × 2000) / 101 = 27200/101 ≈ 269.3.
    mixture = mix(
        [
            Portion(CATALOGUE.product("D5W"), Fraction(100)),
            Portion(CATALOGUE.product("bicarb-8.4"), Fraction(1)),
        ],
        CATALOGUE,
    )
    assert mixture.volume_ml == 101
    assert mixture.composition == {
        "dextrose": Fraction(5000, 101),
        "sodium bicarbonate": Fraction(84, 101),
    }
    assert mixture.osmolarity == Fraction(27200, 101)
    assert round(mixture.osmolarity / 10) * 10 == 270


def test_mix_of_the_pharmacists_seven_millilitres() -> None:
    # 7 mL D50 + 53 mL water: 7 × 500 / 60 = 175/3 mg/mL = 5.83 %; 7 × 2,530 / 60 = 295.17.
    mixture = mix(
        [Portion(CATALOGUE.product("D50"), Fraction(7)), Portion(SWFI, Fraction(53))], CATALOGUE
    )
    assert mixture.composition == {"dextrose": Fraction(175, 3)}
    assert mixture.osmolarity == Fraction(7 * 2530, 60)
    assert mixture.solute_mg("dextrose") == 3500


def test_mix_without_a_known_osmolarity_says_which_product() -> None:
    """A solute the catalogue cannot count (no molar mass) leaves the mix's osmolarity unknown,
    naming the product; every shipped solute is counted, so the catalogue here lacks one."""
    uncounted = replace(CATALOGUE.solutes["lidocaine"], molar_mass_g_per_mol=None)
    catalogue = replace(CATALOGUE, solutes={**CATALOGUE.solutes, "lidocaine": uncounted})
    typed = catalogue.product("lidocaine 10 mg/mL")
    mixture = mix(
        [
            Portion(CATALOGUE.product("D50"), Fraction(4)),
            Portion(typed, Fraction(1)),
            Portion(SWFI, Fraction(5)),
        ],
        catalogue,
    )
    assert mixture.osmolarity is None
    assert mixture.unknown_osmolarity == ("lidocaine 10 mg/mL",)


def test_a_mix_with_lidocaine_counts_its_sodium_chloride() -> None:
    """4 mL D50W (2,530) + 1 mL lidocaine 1 % (313.42: 10/270.8 × 2,000 + 7/58.44 × 2,000) +
    5 mL water: (4 × 2,530 + 313.42) / 10 = 1,043.3 mOsmol/L."""
    mixture = mix(
        [
            Portion(CATALOGUE.product("D50"), Fraction(4)),
            Portion(CATALOGUE.product("lidocaine-1"), Fraction(1)),
            Portion(SWFI, Fraction(5)),
        ],
        CATALOGUE,
    )
    assert mixture.osmolarity is not None
    assert round(mixture.osmolarity, 1) == Fraction(10433, 10)


def test_mix_of_nothing_is_refused() -> None:
    with pytest.raises(SolutionError, match="no volume"):
        mix([Portion(SWFI, Fraction(0))], CATALOGUE)


@given(square_problems())
def test_mixing_the_solved_volumes_gives_the_target(problem: SquareProblem) -> None:
    target = problem.target()
    matrix = system(problem.components, list(target))
    assume(len(matrix) == len(problem.components))
    assume(cramer(matrix, [Fraction(0)] * len(matrix)) is not None)
    result = solve(
        target,
        volume_ml=problem.total,
        stocks=list(problem.stocks),
        diluent=problem.diluent,
        catalogue=CATALOGUE,
    )
    mixture = mix(result, CATALOGUE)
    assert mixture.volume_ml == problem.total
    assert {s: c for s, c in mixture.composition.items()} == target


# ---------------------------------------------------------------------------------------------
# npt_protocol.engine.solver: the solver's edge cases and every refusal, with hand-worked volumes.
#
# Each test says the behaviour it pins. Volumes are worked out by hand from the mass balances
# (sum of strength × volume = target × final volume, and the volumes add up to the final volume);
# messages are the sentences a user must see, written out here.


CATALOGUE = shipped_catalogue()
D50W = CATALOGUE.product("D50W")
D25W = CATALOGUE.product("D25W")
D5W = CATALOGUE.product("D5W")
SWFI = CATALOGUE.product("SWFI")
LIDO_1 = CATALOGUE.product("lidocaine-1")
LIDO_2 = CATALOGUE.product("lidocaine-2")
MANNITOL_20 = CATALOGUE.product("mannitol-20")


def made(product_id: str, **composition: int | Fraction) -> Product:
    """A product built for a test: mg/mL of each solute (underscores for spaces)."""
    return Product(
        id=product_id,
        name=product_id,
        composition={k.replace("_", " "): Fraction(v) for k, v in composition.items()},
    )


def solved(
    target: Mapping[str, Fraction | int], volume: int, stocks: list[Product], diluent: Product
) -> dict[str, Fraction]:
    portions = solve(
        {k: Fraction(v) for k, v in target.items()},
        volume_ml=Fraction(volume),
        stocks=stocks,
        diluent=diluent,
        catalogue=CATALOGUE,
    )
    return {p.product.id: p.volume_ml for p in portions}


def refusal(
    target: Mapping[str, Fraction | int], volume: int, stocks: list[Product], diluent: Product
) -> str:
    with pytest.raises(SolutionError) as error:
        solved(target, volume, stocks, diluent)
    return str(error.value)


# ---------------------------------------------------------------------------------------------
# Mixing


def test_a_solute_the_mix_lacks_weighs_nothing() -> None:
    """Mixture.solute_mg of a solute not in the mix is 0 mg, not an error."""
    mixture = Mixture(
        volume_ml=Fraction(10), composition={"dextrose": Fraction(50)}, osmolarity=None
    )
    assert mixture.solute_mg("lidocaine") == 0
    assert mixture.solute_mg("dextrose") == 500  # 50 mg/mL × 10 mL


def test_mix_of_nothing_message() -> None:
    """A mix without volume is refused in one sentence."""
    with pytest.raises(SolutionError) as error:
        mix([Portion(SWFI, Fraction(0))], CATALOGUE)
    assert str(error.value) == "The mix has no volume; give at least one positive volume."


# ---------------------------------------------------------------------------------------------
# Refusals before solving


def test_zero_final_volume_message() -> None:
    """A final volume of 0 mL is refused, printed the ISMP way."""
    assert refusal({"dextrose": 50}, 0, [D50W], SWFI) == (
        "The final volume 0 mL is not positive; give a volume above 0 mL."
    )


def test_product_given_twice_message() -> None:
    """The same product twice is refused, naming it."""
    assert refusal({"dextrose": 50}, 10, [D50W, D50W], SWFI) == (
        "D50W is given twice (as a stock and the diluent, or twice with --from); give each "
        "product once."
    )


def test_uncovered_solute_suggests_the_first_three_stocks_that_hold_it() -> None:
    """A solute no component holds is refused with up to three catalogue products that hold it,
    in catalogue order (D5W, D10W, D25W are the first three dextrose products)."""
    assert refusal({"dextrose": 50, "lidocaine": 1}, 10, [LIDO_1], SWFI) == (
        "No stock given contains dextrose; add one with --from such as D5W, D10W, D25W."
    )


def test_uncovered_solute_no_product_holds_has_no_suggestion() -> None:
    """When no catalogue product holds the solute either, no 'such as' is added."""
    assert refusal({"zinc": 1}, 10, [D50W], SWFI) == (
        "No stock given contains zinc; add one with --from."
    )


def test_stock_with_none_of_the_target_solutes_message() -> None:
    """A stock holding none of the target's solutes is refused, listing the target's solutes."""
    target = {"dextrose": 100, "lidocaine": 1}
    assert refusal(target, 10, [D50W, LIDO_1, MANNITOL_20], SWFI) == (
        "Stock mannitol-20 contains none of the target's solutes (dextrose, lidocaine); leave "
        "it out."
    )


# ---------------------------------------------------------------------------------------------
# The linear system


def test_inconsistent_system_whose_residual_is_exactly_one() -> None:
    """One stock holding dextrose and lidocaine in a fixed ratio 500:10 cannot make 10 mg/mL
    dextrose with 2.1 mg/mL lidocaine in 10 mL.

    By hand: 2 mL of the stock gives the 1,000 mg of dextrose but 20 mg of lidocaine, where 21 mg
    are wanted: the reduced system is left with 0 = 1, which has no solution."""
    dl = made("DL", dextrose=500, lidocaine=10)
    target = {"dextrose": 100, "lidocaine": Fraction(21, 10)}
    assert refusal(target, 10, [dl], SWFI) == (
        "The target cannot be made from DL, SWFI: no volumes satisfy every solute at once "
        "(dextrose, lidocaine); add a stock for each solute."
    )


def test_inconsistent_system_found_past_a_redundant_stock() -> None:
    """Two stocks of the same strength make their column redundant; the reduction must go on
    to the later columns, where it finds that 10 mL cannot hold 2 mL of dextrose stock plus
    2 mL of mannitol 5 % diluent (1,000 mg and 100 mg) and come to 10 mL: 0 = 6.

    So the answer is 'cannot be made', not 'more stocks than needed'."""
    p1, p1b = made("P1", dextrose=500), made("P1b", dextrose=500)
    m5 = made("M5", mannitol=50)
    assert refusal({"dextrose": 100, "mannitol": 10}, 10, [p1, p1b], m5) == (
        "The target cannot be made from P1, P1b, M5: no volumes satisfy every solute at once "
        "(dextrose, mannitol); add a stock for each solute."
    )


def test_more_stocks_than_needed_names_only_the_stocks_that_share() -> None:
    """D50W and D25W both hold dextrose: many recipes would do. Only those two are named, not
    lidocaine 1 %, which shares nothing, and not the diluent."""
    target = {"dextrose": 100, "lidocaine": 1}
    assert refusal(target, 10, [D50W, D25W, LIDO_1], SWFI) == (
        "More stocks than needed: D50W and D25W provide the same solutes, so many recipes would "
        "do; give one stock per solute with --from."
    )


def test_more_stocks_than_needed_without_sharing_names_every_component() -> None:
    """A stock and a diluent of the same strength (500 mg/mL) at that target: any split works.
    No two stocks share, so every component is named, comma-separated."""
    p, q = made("P", dextrose=500), made("Q", dextrose=500)
    assert refusal({"dextrose": 500}, 10, [p], q) == (
        "More stocks than needed: P, Q provide the same solutes, so many recipes would do; give "
        "one stock per solute with --from."
    )


def test_a_stock_may_need_exactly_zero_millilitres() -> None:
    """4 % dextrose with 0.2 % lidocaine in 10 mL from lidocaine 1 % and D50W, diluted with D5W:
    lidocaine 10 × 2 / 10 = 2 mL; the 8 mL left of D5W already bring 8 × 50 = 400 mg =
    40 mg/mL × 10 mL, so D50W is 0 mL. A zero volume is not a negative one: no refusal."""
    result = solved({"dextrose": 40, "lidocaine": 2}, 10, [LIDO_1, D50W], D5W)
    assert result == {"lidocaine-1": 2, "D50W": 0, "D5W": 8}


# ---------------------------------------------------------------------------------------------
# Explaining a negative volume


def test_target_stronger_than_every_stock_message() -> None:
    """60 % dextrose from D50W (50 %) is impossible: say which stock is the strongest."""
    assert refusal({"dextrose": 600}, 10, [D50W], SWFI) == (
        "The target dextrose 60 % is stronger than every stock given: the strongest, D50W, is "
        "50 %; choose a weaker target or a stronger stock."
    )


@pytest.mark.parametrize("lidocaine", [Fraction(2), Fraction(1, 2)])
def test_stocks_that_overfill_the_volume(lidocaine: Fraction) -> None:
    """50 % dextrose takes the whole 10 mL of D50W (as strong as the target, which is allowed),
    and lidocaine 1 % adds 10 × lidocaine / 10 mL more: the water would be negative.
    The message says the stocks overfill; it blames neither the water (which holds no
    lidocaine, even at a target below 1 mg/mL) nor the stocks' strength."""
    assert refusal({"dextrose": 500, "lidocaine": lidocaine}, 10, [D50W, LIDO_1], SWFI) == (
        "The target cannot be made: it would need a negative volume of diluent SWFI (the stocks "
        "needed already fill more than the final volume); use stronger stocks or a weaker "
        "target."
    )


def test_diluent_exactly_as_strong_as_the_target_is_not_blamed() -> None:
    """5 % dextrose with 2 % lidocaine in 9 mL from lidocaine 2 % and D50W, diluted with D5W:
    lidocaine 2 % takes all 9 mL; dextrose then needs D50W v and D5W w with v + w = 0 and
    500 v + 50 w = 450, so v = 1 mL and w = −1 mL. D5W is exactly 5 %, not stronger than the
    target, so the stocks' overfilling is the reason given."""
    assert refusal({"dextrose": 50, "lidocaine": 20}, 9, [LIDO_2, D50W], D5W) == (
        "The target cannot be made: it would need a negative volume of diluent D5W (the stocks "
        "needed already fill more than the final volume); use stronger stocks or a weaker "
        "target."
    )


def test_a_zero_volume_is_passed_over_when_naming_the_negative_one() -> None:
    """S2 (dextrose and lidocaine 100 mg/mL each) and S3 (mannitol 100 mg/mL) each take the
    whole 10 mL; S1 (dextrose 100 mg/mL) takes 0 mL, so water would be −10 mL. The message is
    about the diluent, not about S1, whose 0 mL is not negative."""
    s1, s2 = made("S1", dextrose=100), made("S2", dextrose=100, lidocaine=100)
    s3, water = made("S3", mannitol=100), made("W")
    target = {"dextrose": 100, "lidocaine": 100, "mannitol": 100}
    assert refusal(target, 10, [s1, s2, s3], water) == (
        "The target cannot be made: it would need a negative volume of diluent W (the stocks "
        "needed already fill more than the final volume); use stronger stocks or a weaker "
        "target."
    )


def test_negative_stock_message() -> None:
    """S2 (dextrose and lidocaine 100 mg/mL) must be all 10 mL for the lidocaine, which already
    brings 1,000 mg of dextrose where 500 mg are wanted: S1 would be (500 − 1,000) / 100 =
    −5 mL."""
    s1, s2 = made("S1", dextrose=100), made("S2", dextrose=100, lidocaine=100)
    assert refusal({"dextrose": 50, "lidocaine": 100}, 10, [s1, s2], made("W")) == (
        "S1 would need a negative volume (-5 mL): the other components already bring more of its "
        "solute than the target allows; leave S1 out or change the diluent."
    )
