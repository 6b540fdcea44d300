"""npt_protocol.solutions: the solver's edge cases and every refusal, with hand-worked volumes.

Each test says the behaviour it pins. Volumes are worked out by hand from the mass balances
(sum of strength × volume = target × final volume, and the volumes add up to the final volume);
messages are the sentences a user must see, written out here.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import pytest

from npt_protocol.errors import SolutionError
from npt_protocol.products import Product, shipped_catalogue
from npt_protocol.solutions import Mixture, Portion, mix, solve

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
    return Product(id=product_id, name=product_id,
                   composition={k.replace("_", " "): Fraction(v) for k, v in composition.items()})


def solved(target: Mapping[str, Fraction | int], volume: int, stocks: list[Product],
           diluent: Product) -> dict[str, Fraction]:
    portions = solve({k: Fraction(v) for k, v in target.items()}, volume_ml=Fraction(volume),
                     stocks=stocks, diluent=diluent, catalogue=CATALOGUE)
    return {p.product.id: p.volume_ml for p in portions}


def refusal(target: Mapping[str, Fraction | int], volume: int, stocks: list[Product],
            diluent: Product) -> str:
    with pytest.raises(SolutionError) as error:
        solved(target, volume, stocks, diluent)
    return str(error.value)


# ---------------------------------------------------------------------------------------------
# Mixing


def test_a_solute_the_mix_lacks_weighs_nothing() -> None:
    """Mixture.solute_mg of a solute not in the mix is 0 mg, not an error."""
    mixture = Mixture(volume_ml=Fraction(10), composition={"dextrose": Fraction(50)},
                      osmolarity=None)
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
        "The final volume 0 mL is not positive; give a volume above 0 mL.")


def test_product_given_twice_message() -> None:
    """The same product twice is refused, naming it."""
    assert refusal({"dextrose": 50}, 10, [D50W, D50W], SWFI) == (
        "D50W is given twice (as a stock and the diluent, or twice with --from); give each "
        "product once.")


def test_uncovered_solute_suggests_the_first_three_stocks_that_hold_it() -> None:
    """A solute no component holds is refused with up to three catalogue products that hold it,
    in catalogue order (D5W, D10W, D25W are the first three dextrose products)."""
    assert refusal({"dextrose": 50, "lidocaine": 1}, 10, [LIDO_1], SWFI) == (
        "No stock given contains dextrose; add one with --from such as D5W, D10W, D25W.")


def test_uncovered_solute_no_product_holds_has_no_suggestion() -> None:
    """When no catalogue product holds the solute either, no 'such as' is added."""
    assert refusal({"zinc": 1}, 10, [D50W], SWFI) == (
        "No stock given contains zinc; add one with --from.")


def test_stock_with_none_of_the_target_solutes_message() -> None:
    """A stock holding none of the target's solutes is refused, listing the target's solutes."""
    target = {"dextrose": 100, "lidocaine": 1}
    assert refusal(target, 10, [D50W, LIDO_1, MANNITOL_20], SWFI) == (
        "Stock mannitol-20 contains none of the target's solutes (dextrose, lidocaine); leave "
        "it out.")


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
        "(dextrose, lidocaine); add a stock for each solute.")


def test_inconsistent_system_found_past_a_redundant_stock() -> None:
    """Two stocks of the same strength make their column redundant; the reduction must go on
    to the later columns, where it finds that 10 mL cannot hold 2 mL of dextrose stock plus
    2 mL of mannitol 5 % diluent (1,000 mg and 100 mg) and come to 10 mL: 0 = 6.

    So the answer is 'cannot be made', not 'more stocks than needed'."""
    p1, p1b = made("P1", dextrose=500), made("P1b", dextrose=500)
    m5 = made("M5", mannitol=50)
    assert refusal({"dextrose": 100, "mannitol": 10}, 10, [p1, p1b], m5) == (
        "The target cannot be made from P1, P1b, M5: no volumes satisfy every solute at once "
        "(dextrose, mannitol); add a stock for each solute.")


def test_more_stocks_than_needed_names_only_the_stocks_that_share() -> None:
    """D50W and D25W both hold dextrose: many recipes would do. Only those two are named, not
    lidocaine 1 %, which shares nothing, and not the diluent."""
    target = {"dextrose": 100, "lidocaine": 1}
    assert refusal(target, 10, [D50W, D25W, LIDO_1], SWFI) == (
        "More stocks than needed: D50W and D25W provide the same solutes, so many recipes would "
        "do; give one stock per solute with --from.")


def test_more_stocks_than_needed_without_sharing_names_every_component() -> None:
    """A stock and a diluent of the same strength (500 mg/mL) at that target: any split works.
    No two stocks share, so every component is named, comma-separated."""
    p, q = made("P", dextrose=500), made("Q", dextrose=500)
    assert refusal({"dextrose": 500}, 10, [p], q) == (
        "More stocks than needed: P, Q provide the same solutes, so many recipes would do; give "
        "one stock per solute with --from.")


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
        "50 %; choose a weaker target or a stronger stock.")


@pytest.mark.parametrize("lidocaine", [Fraction(2), Fraction(1, 2)])
def test_stocks_that_overfill_the_volume(lidocaine: Fraction) -> None:
    """50 % dextrose takes the whole 10 mL of D50W (as strong as the target, which is allowed),
    and lidocaine 1 % adds 10 × lidocaine / 10 mL more: the water would be negative.
    The message says the stocks overfill; it blames neither the water (which holds no
    lidocaine, even at a target below 1 mg/mL) nor the stocks' strength."""
    assert refusal({"dextrose": 500, "lidocaine": lidocaine}, 10, [D50W, LIDO_1], SWFI) == (
        "The target cannot be made: it would need a negative volume of diluent SWFI (the stocks "
        "needed already fill more than the final volume); use stronger stocks or a weaker "
        "target.")


def test_diluent_exactly_as_strong_as_the_target_is_not_blamed() -> None:
    """5 % dextrose with 2 % lidocaine in 9 mL from lidocaine 2 % and D50W, diluted with D5W:
    lidocaine 2 % takes all 9 mL; dextrose then needs D50W v and D5W w with v + w = 0 and
    500 v + 50 w = 450, so v = 1 mL and w = −1 mL. D5W is exactly 5 %, not stronger than the
    target, so the stocks' overfilling is the reason given."""
    assert refusal({"dextrose": 50, "lidocaine": 20}, 9, [LIDO_2, D50W], D5W) == (
        "The target cannot be made: it would need a negative volume of diluent D5W (the stocks "
        "needed already fill more than the final volume); use stronger stocks or a weaker "
        "target.")


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
        "target.")


def test_negative_stock_message() -> None:
    """S2 (dextrose and lidocaine 100 mg/mL) must be all 10 mL for the lidocaine, which already
    brings 1,000 mg of dextrose where 500 mg are wanted: S1 would be (500 − 1,000) / 100 =
    −5 mL."""
    s1, s2 = made("S1", dextrose=100), made("S2", dextrose=100, lidocaine=100)
    assert refusal({"dextrose": 50, "lidocaine": 100}, 10, [s1, s2], made("W")) == (
        "S1 would need a negative volume (-5 mL): the other components already bring more of its "
        "solute than the target allows; leave S1 out or change the diluent.")
