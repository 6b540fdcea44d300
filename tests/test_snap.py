"""npt_protocol.engine.snap: which marks the search chooses, worked out by hand on small cases.

Each test says the behaviour it pins. For each case the candidate marks are listed by hand
(two graduations either side of the exact volume), each candidate's worst strength deviation is
worked out as |achieved / wanted − 1|, and the ranking rule of snap.py is applied by hand:
strength (deviations up to the grain tie), no shortfall, volume error, exact deviation, draws,
fullest syringe; the first candidate found wins a complete tie.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import pytest

from npt_protocol.catalogue.products import Product, shipped_catalogue
from npt_protocol.engine.snap import MeasuredPortion, Method, Snapped, _options, snap
from npt_protocol.engine.solver import Portion, solve
from npt_protocol.engine.syringes import Draw, Syringe, syringe_set
from npt_protocol.errors import MeasurementError

# ---------------------------------------------------------------------------------------------


CATALOGUE = shipped_catalogue()
D50W = CATALOGUE.product("D50W")
D5W = CATALOGUE.product("D5W")
SWFI = CATALOGUE.product("SWFI")
LIDO_1 = CATALOGUE.product("lidocaine-1")
DEFAULT = syringe_set()
S3 = Syringe(Fraction(3), Fraction(1, 10))
S5 = Syringe(Fraction(5), Fraction(1, 5))
S10 = Syringe(Fraction(10), Fraction(1, 5))
S20 = Syringe(Fraction(20), Fraction(1))


def ml(text: str) -> Fraction:
    return Fraction(text)


def snapped(
    target: Mapping[str, Fraction],
    volume: Fraction,
    stocks: list[Product],
    diluent: Product,
    *,
    method: Method,
    syringes: Sequence[Syringe],
    grain: Fraction = Fraction(0),
) -> Snapped:
    exact = solve(target, volume_ml=volume, stocks=stocks, diluent=diluent, catalogue=CATALOGUE)
    return snap(
        exact, target=target, method=method, syringes=syringes, final_volume_ml=volume, grain=grain
    )


# ---------------------------------------------------------------------------------------------
# Container method


def test_container_prefers_the_fullest_syringes() -> None:
    """5 % dextrose in 20 mL from D50W: 2 mL of D50W and 18 mL of water, both on marks.
    D50W fits the 3 mL (2/3 full) or 5 mL syringe (2/5 full); water the 20 mL (9/10) or 30 mL
    (3/5). All four are exact with two draws: the emptiest draw decides, and 3 mL with 20 mL
    (emptiest 2/3) beats every other pair."""
    result = snapped(
        {"dextrose": Fraction(50)}, Fraction(20), [D50W], SWFI, method="container", syringes=DEFAULT
    )
    assert result == Snapped(
        "container",
        (
            MeasuredPortion("D50W", Fraction(2), (Draw(S3, Fraction(2)),)),
            MeasuredPortion("SWFI", Fraction(18), (Draw(S20, Fraction(18)),)),
        ),
        None,
        Fraction(0),
    )


def test_container_keeps_the_first_of_equally_good_syringes() -> None:
    """Two 10 mL syringes, marked every 0.2 mL (A) and every 0.5 mL (B). 25 % dextrose in 10 mL
    is 5 mL of D50W and 5 mL of water; 5 mL is a mark on both, and every exact pair has the same
    score. The first found is kept: A for both, the finer marks, listed first."""
    a, b = Syringe(Fraction(10), Fraction(1, 5)), Syringe(Fraction(10), Fraction(1, 2))
    result = snapped(
        {"dextrose": Fraction(250)}, Fraction(10), [D50W], SWFI, method="container", syringes=[a, b]
    )
    assert result.portions == (
        MeasuredPortion("D50W", Fraction(5), (Draw(a, Fraction(5)),)),
        MeasuredPortion("SWFI", Fraction(5), (Draw(a, Fraction(5)),)),
    )


def test_container_prefers_fewer_draws_over_fuller_syringes() -> None:
    """1.5 % dextrose with 1.5 % lidocaine in 14.1 mL, grain 1/40, with a lone 2 mL syringe
    (0.2 mL marks). Exact: D50W 0.423 mL, lidocaine 2 % 10.575 mL, water 3.102 mL.

    Options: D50W 0.2 to 1.0; lidocaine 5 full draws (10 mL) alone, or plus 0.2 to 1.0 mL;
    water 1 full draw plus 0.6 to 1.6 mL, or the full draw alone (2 mL).
    Dextrose is within 2.5 % only with 0.4 mL in a total of 13.0 to 13.68 mL (0.6 mL would
    need about 20 mL), so every good candidate falls short; the least short total on the marks
    is 13.6 mL. There 0.4 mL of D50W deviates 1/51, and lidocaine 10, 10.2 or 10.4 mL deviates
    at most 1/51 as well: a tie on strength, shortfall, volume and worst deviation. Fewer draws
    decide: 10 mL is 5 draws (10.2 and 10.4 mL are 6), so water is 13.6 − 0.4 − 10 = 3.2 mL.
    (Fullness alone would not decide: 10 and 10.4 mL both leave the D50W draw, 0.4 of 2 mL,
    the emptiest.)"""
    s2 = Syringe(Fraction(2), Fraction(1, 5))
    result = snapped(
        {"dextrose": Fraction(15), "lidocaine": Fraction(15)},
        ml("14.1"),
        [D50W, CATALOGUE.product("lidocaine-2")],
        SWFI,
        method="container",
        syringes=[s2],
        grain=Fraction(1, 40),
    )
    fill = Draw(s2, Fraction(2))
    assert [p.draws for p in result.portions] == [
        (Draw(s2, ml("0.4")),),
        (fill,) * 5,
        (fill, Draw(s2, ml("1.2"))),
    ]
    assert result.worst_deviation == Fraction(1, 51)


def test_container_refuses_a_component_no_syringe_can_draw() -> None:
    """A syringe whose first mark (2 mL) lies beyond its capacity (1 mL), built directly, has
    no mark for 0.12345 mL: the component is named and its volume printed at 4 places
    (0.1234, half to even)."""
    odd = Syringe(Fraction(1), Fraction(2))
    with pytest.raises(MeasurementError) as error:
        snap(
            [Portion(D50W, Fraction(12345, 100_000))],
            target={"dextrose": Fraction(50)},
            method="container",
            syringes=[odd],
            final_volume_ml=Fraction(1),
        )
    assert str(error.value) == (
        "D50W needs 0.1234 mL, which no syringe in the set can measure; "
        "add a finer syringe or make a larger batch."
    )


def test_container_with_nothing_to_measure_is_refused() -> None:
    """When every portion is 0 mL there is no combination to score: refused in one sentence."""
    with pytest.raises(MeasurementError) as error:
        snap(
            [Portion(SWFI, Fraction(0))],
            target={"dextrose": Fraction(50)},
            method="container",
            syringes=DEFAULT,
            final_volume_ml=Fraction(10),
        )
    assert str(error.value) == (
        "No combination of syringe marks measures this preparation; make a larger batch."
    )


# ---------------------------------------------------------------------------------------------
# One-syringe method


def test_one_syringe_too_small_message_names_the_largest() -> None:
    """70 mL is more than the largest syringe of the default set (60 mL)."""
    with pytest.raises(MeasurementError) as error:
        snapped(
            {"dextrose": Fraction(50)},
            Fraction(70),
            [D50W],
            SWFI,
            method="syringe",
            syringes=DEFAULT,
        )
    assert str(error.value) == (
        "70 mL is more than the largest syringe (60 mL) holds; use --method container."
    )


def test_one_syringe_leaves_out_a_stock_of_zero_millilitres() -> None:
    """4 % dextrose with 0.2 % lidocaine in 10 mL from lidocaine 1 % and D50W in D5W needs 2 mL
    of lidocaine, 0 mL of D50W and 8 mL of D5W. In the 10 mL syringe: lidocaine to the 2 mL
    mark, D5W to the 10 mL mark; D50W is not drawn at all."""
    result = snapped(
        {"dextrose": Fraction(40), "lidocaine": Fraction(2)},
        Fraction(10),
        [LIDO_1, D50W],
        D5W,
        method="syringe",
        syringes=DEFAULT,
    )
    assert result == Snapped(
        "syringe",
        (
            MeasuredPortion("lidocaine-1", Fraction(2), (Draw(S10, Fraction(2)),)),
            MeasuredPortion("D5W", Fraction(8), (Draw(S10, Fraction(8)),), measured=False),
        ),
        S10,
        Fraction(0),
    )


def test_one_syringe_draws_a_diluent_below_one_millilitre() -> None:
    """47 % dextrose in 10 mL: 9.4 mL of D50W and 0.6 mL of water, both exact on 0.2 mL marks.
    The 0.6 mL of water is still drawn (to the 10 mL mark)."""
    result = snapped(
        {"dextrose": Fraction(470)}, Fraction(10), [D50W], SWFI, method="syringe", syringes=DEFAULT
    )
    assert result.portions == (
        MeasuredPortion("D50W", ml("9.4"), (Draw(S10, ml("9.4")),)),
        MeasuredPortion("SWFI", ml("0.6"), (Draw(S10, ml("0.6")),), measured=False),
    )
    assert result.worst_deviation == 0


def test_one_syringe_may_fill_to_its_last_mark_without_diluent() -> None:
    """50 % dextrose in 10 mL from D50W is D50W alone, 10 mL: drawn to the 10 mL mark, which
    is the syringe's capacity (9.6 and 9.8 would fall short)."""
    result = snapped(
        {"dextrose": Fraction(500)}, Fraction(10), [D50W], SWFI, method="syringe", syringes=DEFAULT
    )
    assert result.portions == (MeasuredPortion("D50W", Fraction(10), (Draw(S10, Fraction(10)),)),)


def test_one_syringe_diluent_goes_to_a_mark_above_the_stocks() -> None:
    """49.75 % dextrose in 10 mL: 9.95 mL of D50W and 0.05 mL of water. D50W marks 9.4 to 10
    (10.2 and 10.4 are past the capacity), final marks 9.6 to 10, and water needs a final mark
    above the stock's. By hand (achieved / wanted = (a / f) / 0.995):
    9.4→9.6 1.59 %, 9.4→9.8 3.60 %, 9.4→10 5.53 %, 9.6→9.8 1.55 %, 9.6→10 3.52 %,
    9.8→10 1.51 %. Best: D50W to 9.8, water to 10 (0.2 mL), worst 0.015 / 0.995 = 3/199."""
    result = snapped(
        {"dextrose": Fraction(995, 2)},
        Fraction(10),
        [D50W],
        SWFI,
        method="syringe",
        syringes=DEFAULT,
    )
    assert result.portions == (
        MeasuredPortion("D50W", ml("9.95"), (Draw(S10, ml("9.8")),)),
        MeasuredPortion("SWFI", ml("0.05"), (Draw(S10, ml("0.2")),), measured=False),
    )
    assert result.worst_deviation == Fraction(3, 199)


def test_one_syringe_final_mark_stays_within_two_marks_of_the_request() -> None:
    """Dextrose 1000/7 mg/mL in 2 mL on a lone 10 mL syringe (0.2 mL marks): D50W exact is
    4/7 mL. Stock marks 0.2 to 1.0 (i = 1..5 marks), final marks 1.6 to 2.4 (j = 8..12).
    Deviation |7i / 2j − 1|: best i = 3, j = 11 (0.6 mL in 2.2 mL), 1/22. The exact ratio
    0.4 mL in 1.4 mL lies three marks below the request and is not searched."""
    result = snapped(
        {"dextrose": Fraction(1000, 7)}, Fraction(2), [D50W], SWFI, method="syringe", syringes=[S10]
    )
    assert result.portions == (
        MeasuredPortion("D50W", Fraction(4, 7), (Draw(S10, ml("0.6")),)),
        MeasuredPortion("SWFI", Fraction(10, 7), (Draw(S10, ml("1.6")),), measured=False),
    )
    assert result.worst_deviation == Fraction(1, 22)


def test_one_syringe_deviation_equal_to_the_grain_counts_as_good() -> None:
    """10.5 % dextrose in 10 mL: D50W exact 2.1 mL, marks 1.6 to 2.6, finals 9.6 to 10. With
    the grain 1/21: 2.0 in 9.6 (0.79 %), 2.0 in 9.8 (2.82 %), 2.0 in 10 and 2.2 in 10 (both
    exactly 5/105 = 1/21) are all 'good'. No shortfall picks the two at 10 mL, which tie on
    deviation and draws; the fuller (2.2 and 7.8 mL: emptiest 2.2 mL) wins."""
    result = snapped(
        {"dextrose": Fraction(105)},
        Fraction(10),
        [D50W],
        SWFI,
        method="syringe",
        syringes=DEFAULT,
        grain=Fraction(1, 21),
    )
    assert result.portions == (
        MeasuredPortion("D50W", ml("2.1"), (Draw(S10, ml("2.2")),)),
        MeasuredPortion("SWFI", ml("7.9"), (Draw(S10, ml("7.8")),), measured=False),
    )
    assert result.worst_deviation == Fraction(1, 21)


def test_one_syringe_keeps_the_first_of_equally_good_marks() -> None:
    """25 % dextrose in 2.2 mL on a lone 5 mL syringe (0.2 mL marks): D50W exact 1.1 mL. With
    the grain 1/8, 1.0 and 1.2 mL in 2.2 mL deviate 1/11 each and are the only good candidates
    at 2.2 mL. They tie on everything: same total, same deviation, two draws, and the emptiest
    draw is 1.0 mL either way (1.0 + 1.2 or 1.2 + 1.0). The first found, the lower mark, is
    kept."""
    result = snapped(
        {"dextrose": Fraction(250)},
        ml("2.2"),
        [D50W],
        SWFI,
        method="syringe",
        syringes=[S5],
        grain=Fraction(1, 8),
    )
    assert result.portions == (
        MeasuredPortion("D50W", ml("1.1"), (Draw(S5, ml("1.0")),)),
        MeasuredPortion("SWFI", ml("1.1"), (Draw(S5, ml("1.2")),), measured=False),
    )
    assert result.worst_deviation == Fraction(1, 11)


def test_one_syringe_searches_stock_marks_two_either_side() -> None:
    """2.5 % dextrose with 1 % lidocaine in 18 mL on a lone 20 mL syringe (0.2 mL marks):
    D50W exact 0.9 mL (marks 0.4 to 1.4), lidocaine 2 % exact 9 mL (marks 8.6 to 9.4, two
    either side), final marks 17.6 to 18.4.

    Dextrose decides: its deviation |20 × D50W / final − 1| is smallest, 2/23, with 1.0 mL in
    18.4 mL (0.8 mL in 17.6 mL gives 1/11, 0.8 or 1.0 in 18 mL 1/9). In 18.4 mL every searched
    lidocaine mark deviates less (|2 × mark / 18.4 − 1| ≤ 3/46), so all five tie on every
    criterion: same total, same worst deviation, three draws, and the emptiest draw is always
    the 1.0 mL of D50W. The first found, the lowest mark searched (8.6 mL), is kept; 8.4 mL,
    three marks below 9, would tie too (exactly 2/23) but is not searched."""
    s20 = Syringe(Fraction(20), Fraction(1, 5))
    result = snapped(
        {"dextrose": Fraction(25), "lidocaine": Fraction(10)},
        Fraction(18),
        [D50W, CATALOGUE.product("lidocaine-2")],
        SWFI,
        method="syringe",
        syringes=[s20],
    )
    assert result.portions == (
        MeasuredPortion("D50W", ml("0.9"), (Draw(s20, ml("1.0")),)),
        MeasuredPortion("lidocaine-2", Fraction(9), (Draw(s20, ml("8.6")),)),
        MeasuredPortion("SWFI", ml("8.1"), (Draw(s20, ml("8.8")),), measured=False),
    )
    assert result.worst_deviation == Fraction(2, 23)


def test_one_syringe_with_no_usable_marks_is_refused() -> None:
    """5 % dextrose with 0.1 % lidocaine in 1 mL: 0.1 mL of D50W, 0.1 mL of lidocaine 1 % and
    0.8 mL of water. On a 1 mL syringe marked every 0.5 mL the two stocks take at least
    0.5 + 0.5 = 1 mL, leaving no mark above them for the water: refused."""
    coarse = Syringe(Fraction(1), Fraction(1, 2))
    with pytest.raises(MeasurementError) as error:
        snapped(
            {"dextrose": Fraction(50), "lidocaine": Fraction(1)},
            Fraction(1),
            [D50W, LIDO_1],
            SWFI,
            method="syringe",
            syringes=[coarse],
        )
    assert str(error.value) == (
        "The marks of the 1 mL syringe (0.5 mL marks) cannot measure "
        "this preparation; use --method container or a larger batch."
    )


# ---------------------------------------------------------------------------------------------
# Narrowing the search


def counts(volumes: Sequence[str]) -> list[int]:
    return [len(options) for options in _options([Portion(D50W, ml(v)) for v in volumes], DEFAULT)]


def test_search_is_not_narrowed_up_to_5000_combinations() -> None:
    """2.5 mL has 5 marks on 3 mL and 6 on 5 mL (11 options); two such components make 121
    combinations: kept whole. 25 mL has 5 marks on each of 30 and 60 mL (10), 45 mL 5 marks on
    60 mL: 10 × 10 × 10 × 5 is exactly 5,000, still kept whole."""
    assert counts(["2.5", "2.5"]) == [11, 11]
    assert counts(["25", "25", "25", "45"]) == [10, 10, 10, 5]


def test_search_narrows_to_one_mark_either_side_on_one_syringe() -> None:
    """Four components of 2.5 mL: 11⁴ = 14,641 combinations, too many. Next: one mark either
    side on the smallest syringe only: 2.4, 2.5, 2.6 on 3 mL (81 combinations)."""
    options = _options([Portion(D50W, ml("2.5"))] * 4, DEFAULT)
    assert [len(o) for o in options] == [3, 3, 3, 3]
    assert options[0] == [(Draw(S3, ml(v)),) for v in ("2.4", "2.5", "2.6")]


def test_search_narrows_to_the_nearest_marks() -> None:
    """Eight components of 2.5 mL: 3⁸ = 6,561 is still too many, so each keeps only its
    nearest marks: 2.5 mL is itself a mark on 3 mL, one option each."""
    options = _options([Portion(D50W, ml("2.5"))] * 8, DEFAULT)
    assert options == [[(Draw(S3, ml("2.5")),)]] * 8
