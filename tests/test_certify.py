"""npt_protocol.engine.certify: how far each measured part's readings may move a strength, and
whether it is within its share of the tolerance.

Worked examples are measurements built by hand with the sums written beside them; the property
recomputes every candidate of every method from first principles (masses over volumes), not
from the formula certify uses.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from npt_protocol.catalogue.products import Product, shipped_catalogue
from npt_protocol.engine.certify import Certification, PartError, certify
from npt_protocol.engine.measured import METHOD_ORDER, MeasuredPortion, Measurement, Method, Reading
from npt_protocol.engine.methods import GENERATORS
from npt_protocol.engine.solver import Portion, solve
from npt_protocol.engine.syringes import Draw, Syringe, syringe_set
from tests.strategies import SYRINGE_SETS, Request, requests

CATALOGUE = shipped_catalogue()
PRODUCTS: dict[str, Product] = {
    p.id: p for p in (CATALOGUE.product(i) for i in ("D50W", "lidocaine-1", "SWFI", "D5W"))
}
TOLERANCE = Fraction(5, 100)
THREE = Syringe(Fraction(3), Fraction(1, 10))
FIVE = Syringe(Fraction(5), Fraction(1, 5))
TEN = Syringe(Fraction(10), Fraction(1, 5))
TWENTY = Syringe(Fraction(20), Fraction(1))
SIXTY = Syringe(Fraction(60), Fraction(1))


def drawn(pid: str, role: str, *draws: Draw) -> MeasuredPortion:
    volume = sum((d.volume_ml for d in draws), Fraction(0))
    return MeasuredPortion(pid, role, volume, volume, draws)  # type: ignore[arg-type]


def judged(measurement: Measurement, *solutes: str) -> Certification:
    return certify(measurement, products=PRODUCTS, target=list(solutes), tolerance=TOLERANCE)


def summary(certification: Certification) -> list[tuple[str, str, Fraction, Fraction]]:
    return [(e.part, e.solute, e.relative, e.share) for e in certification.errors]


# ---------------------------------------------------------------------------------------------
# Worked examples


def test_sixty_ml_in_a_container_every_reading_sets_the_total() -> None:
    # D50W 6 mL on a 10 mL syringe (half a 0.2 mL mark: 0.1 mL), water 54 mL on a 60 mL syringe
    # (0.5 mL). M = 3,000 mg in V = 60 mL, a = 50 mg/mL. Both readings set the total, so with
    # both off the same way V may shrink by E = 0.6 mL; a part's error is e·|c − a| / (a·(V − E)).
    # D50W: 0.1 × 450 / (50 × 59.4) = 1/66 (1.52 %).
    # Water: 0.5 × 50 / (50 × 59.4) = 5/594 (0.84 %). Each share is 5 % / 2.
    measurement = Measurement(
        "container",
        (drawn("D50W", "stock", Draw(TEN, Fraction(6))), drawn("SWFI", "diluent", Draw(SIXTY, 54))),
        (
            Reading(TEN, Fraction(6), "D50W", sets_total=True),
            Reading(SIXTY, Fraction(54), "SWFI", sets_total=True),
        ),
        2,
    )
    certification = judged(measurement, "dextrose")
    assert summary(certification) == [
        ("D50W", "dextrose", Fraction(1, 66), Fraction(1, 40)),
        ("SWFI", "dextrose", Fraction(5, 594), Fraction(1, 40)),
    ]
    assert certification.certified
    assert certification.worst == certification.errors[0]
    assert certification.errors[0].ratio == Fraction(20, 33)


def test_one_coarse_syringe_cannot_certify_two_millilitres_of_d50() -> None:
    # D50W drawn to the 2 mL mark of a 20 mL syringe (1 mL marks), water to the 20 mL mark. The
    # stock's reading moves mass between D50W and water, not the total, but the final mark may
    # take 0.5 mL from it: 0.5 × 500 / (50 × 19.5) = 10/39 (25.6 %), over ten times its share.
    # The final mark: 0.5 × 50 / (50 × 19.5) = 1/39, just over 1/40.
    measurement = Measurement(
        "syringe",
        (
            drawn("D50W", "stock", Draw(TWENTY, Fraction(2))),
            MeasuredPortion("SWFI", "diluent", Fraction(18), Fraction(18)),
        ),
        (
            Reading(TWENTY, Fraction(2), "D50W", "SWFI"),
            Reading(TWENTY, Fraction(20), "SWFI", sets_total=True),
        ),
        2,
        TWENTY,
        Fraction(20),
    )
    certification = judged(measurement, "dextrose", "lidocaine")  # no lidocaine: not judged
    assert summary(certification) == [
        ("D50W", "dextrose", Fraction(10, 39), Fraction(1, 40)),
        ("SWFI", "dextrose", Fraction(1, 39), Fraction(1, 40)),
    ]
    assert not certification.certified
    assert [e.within_share for e in certification.errors] == [False, False]
    worst = certification.worst
    assert worst is not None and worst.part == "D50W" and worst.ratio == Fraction(400, 39)
    assert worst.where() == "D50W at the 2 mL mark of a 20 mL syringe (1 mL marks)"


def test_a_stock_read_into_d5w_moves_only_the_difference_in_strength() -> None:
    # 100 mL of 10 %: D50W 11 mL on a 20 mL syringe (0.5 mL off), D5W made up to 100 mL. Half a
    # millilitre more D50W is half a millilitre less D5W: the mass moves by 0.5 × (500 − 50);
    # M = 11 × 500 + 89 × 50 = 9,950 mg, a = 99.5 mg/mL, and the final mark may take 0.5 mL from
    # V: 225 / (99.5 × 99.5) = 900/39601.
    hundred = Syringe(Fraction(100), Fraction(1))
    measurement = Measurement(
        "qs",
        (
            drawn("D50W", "stock", Draw(TWENTY, Fraction(11))),
            MeasuredPortion("D5W", "diluent", Fraction(800, 9), Fraction(89)),
        ),
        (
            Reading(TWENTY, Fraction(11), "D50W", "D5W"),
            Reading(hundred, Fraction(100), "D5W", sets_total=True),
        ),
        3,
        hundred,
        Fraction(100),
    )
    # The final mark: c = 50, V = 100: 0.5 × |5,000 − 9,950| / (9,950 × 99.5) = 99/39601.
    assert summary(judged(measurement, "dextrose")) == [
        ("D50W", "dextrose", Fraction(900, 39601), Fraction(1, 40)),
        ("D5W", "dextrose", Fraction(99, 39601), Fraction(1, 40)),
    ]


def test_a_part_that_moves_no_solute_takes_no_share() -> None:
    # 15 mL made up to the mark: D50W 6 mL, lidocaine 1 % 7.5 mL as 5 mL + 2.5 mL, water to
    # 15 mL. Lidocaine read off moves water, not dextrose: for dextrose only D50W and the final
    # mark share the tolerance (1/40 each); for lidocaine only lidocaine and the final mark.
    # Lidocaine's two fills add their errors: 0.15 mL of 10 mg/mL at a = 5 mg/mL, the final mark
    # taking up to 0.5 mL: 0.15 × 10 / (5 × 14.5) = 3/145.
    measurement = Measurement(
        "qs",
        (
            drawn("D50W", "stock", Draw(TEN, Fraction(6))),
            drawn("lidocaine-1", "stock", Draw(FIVE, Fraction(5)), Draw(THREE, Fraction(5, 2))),
            MeasuredPortion("SWFI", "diluent", Fraction(3, 2), Fraction(3, 2)),
        ),
        (
            Reading(TEN, Fraction(6), "D50W", "SWFI"),
            Reading(FIVE, Fraction(5), "lidocaine-1", "SWFI"),
            Reading(THREE, Fraction(5, 2), "lidocaine-1", "SWFI"),
            Reading(TWENTY, Fraction(15), "SWFI", sets_total=True),
        ),
        6,
        TWENTY,
        Fraction(15),
    )
    certification = judged(measurement, "dextrose", "lidocaine")
    # D50W: 0.1 × 500 / (200 × 14.5) = 1/58. The final mark, 0.5 mL on 15 mL: 0.5 / 14.5 = 1/29.
    assert summary(certification) == [
        ("D50W", "dextrose", Fraction(1, 58), Fraction(1, 40)),
        ("SWFI", "dextrose", Fraction(1, 29), Fraction(1, 40)),
        ("lidocaine-1", "lidocaine", Fraction(3, 145), Fraction(1, 40)),
        ("SWFI", "lidocaine", Fraction(1, 29), Fraction(1, 40)),
    ]
    assert not certification.certified
    lidocaine = certification.errors[2]
    assert lidocaine.where() == (
        "lidocaine-1 at the 5 mL mark of a 5 mL syringe (0.2 mL marks) and the 2.5 mL mark of a "
        "3 mL syringe (0.1 mL marks)"
    )


def test_a_single_measured_part_takes_the_whole_tolerance() -> None:
    # D50W alone to the 6 mL mark (no diluent): its reading sets the total and its own strength
    # does not change with volume (c·V − M = 0): no part moves dextrose, nothing to certify.
    alone = Measurement(
        "syringe",
        (drawn("D50W", "stock", Draw(TEN, Fraction(6))),),
        (Reading(TEN, Fraction(6), "D50W", sets_total=True),),
        1,
        TEN,
        Fraction(6),
    )
    assert judged(alone).errors == ()
    assert judged(alone, "dextrose") == Certification(())
    # D50W to its mark into D5W with the total not read (a hand-made case): D50W alone moves
    # dextrose and takes the whole 5 %: 0.1 × 450 / (6 × 500 + 54 × 50) = 3/380.
    one_part = Measurement(
        "qs",
        (drawn("D50W", "stock", Draw(TEN, Fraction(6))), MeasuredPortion("D5W", "diluent", 54, 54)),
        (Reading(TEN, Fraction(6), "D50W", "D5W"),),
        2,
    )
    assert summary(judged(one_part, "dextrose")) == [
        ("D50W", "dextrose", Fraction(3, 380), TOLERANCE)
    ]


def test_a_reading_that_could_empty_the_mix_is_as_far_off_as_can_be() -> None:
    # Half a 2 mL graduation is 1 mL, the whole of a 1 mL mix: the strength is not bounded, so
    # the error is counted as 100 %, never the formula's division by zero.
    coarse = Syringe(Fraction(10), Fraction(2))
    measurement = Measurement(
        "container",
        (
            MeasuredPortion("D50W", "stock", Fraction(1, 2), Fraction(1, 2)),
            MeasuredPortion("SWFI", "diluent", Fraction(1, 2), Fraction(1, 2)),
        ),
        (Reading(coarse, Fraction(2), "SWFI", sets_total=True),),
        1,
    )
    (error,) = judged(measurement, "dextrose").errors
    assert (error.relative, error.share) == (1, TOLERANCE)
    # Just inside: with 1.01 mL made the formula applies: 1 × 250 / (250 × 0.01) = 100.
    measurement = measurement._replace(
        portions=(
            MeasuredPortion("D50W", "stock", Fraction(1, 2), Fraction(1, 2)),
            MeasuredPortion("SWFI", "diluent", Fraction(51, 100), Fraction(51, 100)),
        )
    )
    (error,) = judged(measurement, "dextrose").errors
    assert error.relative == 100


def test_no_measured_part_means_nothing_to_certify() -> None:
    assert Certification(()).certified
    assert Certification(()).worst is None
    error = PartError("D50W", "dextrose", (), Fraction(1, 40), Fraction(1, 40))
    assert error.within_share and error.ratio == 1  # exactly at its share is within it


# ---------------------------------------------------------------------------------------------
# Properties over every candidate of every method


def exact_portions(request: Request) -> list[Portion]:
    return solve(
        request.target,
        volume_ml=request.volume_ml,
        stocks=[CATALOGUE.product(s) for s in request.stocks],
        diluent=CATALOGUE.product(request.diluent),
        catalogue=CATALOGUE,
    )


def strength(measurement: Measurement, volumes: list[Fraction], solute: str) -> Fraction:
    """Work out a solute's strength for these portion volumes: mass over volume."""
    mass = sum(
        (
            PRODUCTS_ALL[p.product_id].composition.get(solute, Fraction(0)) * v
            for p, v in zip(measurement.portions, volumes, strict=True)
        ),
        Fraction(0),
    )
    return mass / sum(volumes, Fraction(0))


PRODUCTS_ALL = {p.id: p for p in CATALOGUE.products}


@given(requests, st.sampled_from(SYRINGE_SETS), st.sampled_from(METHOD_ORDER))
def test_every_parts_error_is_the_worst_change_it_can_make(
    request: Request, syringe_texts: tuple[str, ...] | None, method: Method
) -> None:
    """For every candidate: each part's error is at least the larger change of the strength when
    its readings are all off by half a graduation one way or the other, the part that absorbs it
    giving or taking the same volume, and at most that change over the smallest total the readings
    can leave; parts that move nothing are left out; the shares of each solute are equal and add
    up to the tolerance."""
    exact = exact_portions(request)
    stocks = [p for p in exact[:-1] if p.volume_ml > 0]
    syringes = syringe_set(syringe_texts)
    candidates = GENERATORS[method](stocks, exact[-1], request.volume_ml, syringes)
    for measurement in itertools.islice(candidates, 20):
        certification = certify(
            measurement, products=PRODUCTS_ALL, target=list(request.target), tolerance=TOLERANCE
        )
        volumes = [p.volume_ml for p in measurement.portions]
        ids = [p.product_id for p in measurement.portions]
        total = sum(volumes, Fraction(0))
        shrink = sum((r.error_ml for r in measurement.readings if r.sets_total), Fraction(0))
        for solute in request.target:
            found = {e.part: e for e in certification.errors if e.solute == solute}
            if found:
                assert {e.share for e in found.values()} == {TOLERANCE / len(found)}
            base = strength(measurement, volumes, solute)
            for part in dict.fromkeys(r.sets for r in measurement.readings):
                readings = [r for r in measurement.readings if r.sets == part]
                off = sum((r.error_ml for r in readings), Fraction(0))
                changes = []
                for sign in (1, -1):
                    moved = list(volumes)
                    moved[ids.index(part)] += sign * off
                    if readings[0].absorbed_by is not None:
                        moved[ids.index(readings[0].absorbed_by)] -= sign * off
                    if sum(moved) <= 0:  # the mix could be emptied: counted as 100 %
                        changes = [Fraction(1)]
                        break
                    changes.append(abs(strength(measurement, moved, solute) - base) / base)
                if max(changes) == 0:
                    assert part not in found
                elif shrink >= total:
                    assert found[part].relative == 1
                else:
                    # The error bounds the change with this part's readings off alone, and takes
                    # no more than the room the readings setting the total could take from V.
                    relative = found[part].relative
                    assert max(changes) <= relative <= max(changes) * total / (total - shrink)
                    assert found[part].readings == tuple(readings)
        assert certification.certified == all(e.relative <= e.share for e in certification.errors)


def test_a_fine_mark_is_named_as_read() -> None:
    # Lidocaine 2 % on the 0.225 mL mark of a 0.3 mL insulin syringe (0.005 mL marks): the
    # sentence that says where a part is read names that mark, not 0.22 mL.
    insulin = Syringe(Fraction(3, 10), Fraction(1, 200))
    error = PartError(
        "lidocaine-2",
        "lidocaine",
        (Reading(insulin, Fraction(9, 40), "lidocaine-2"),),
        Fraction(1, 90),
        Fraction(1, 60),
    )
    assert error.where() == "lidocaine-2 at the 0.225 mL mark of a 0.3 mL syringe (0.005 mL marks)"
