"""The preparation steps in the order they are done, word for word, for each method.

A step is an instruction a person follows at the bench: the volumes, the products, the syringes
and the aseptic order are pinned exactly, on measurements built by hand (so the chooser does not
decide what is tested) and on recipes `prepare` chooses.
"""

from __future__ import annotations

from fractions import Fraction

from npt_protocol.catalogue.products import Product, shipped_catalogue
from npt_protocol.engine.measured import MeasuredPortion, Measurement, Reading
from npt_protocol.engine.recipe import Recipe, prepare
from npt_protocol.engine.steps import draws_text, measurement_steps
from npt_protocol.engine.syringes import Draw, Syringe, syringe_set

CATALOGUE = shipped_catalogue()
PRODUCTS: dict[str, Product] = {
    p.id: p for p in (CATALOGUE.product(i) for i in ("D50W", "lidocaine-1", "SWFI", "D5W"))
}
ONE = Syringe(Fraction(1), Fraction(1, 100))
THREE = Syringe(Fraction(3), Fraction(1, 10))
FIVE = Syringe(Fraction(5), Fraction(1, 5))
TEN = Syringe(Fraction(10), Fraction(1, 5))
TWENTY = Syringe(Fraction(20), Fraction(1))
SIXTY = Syringe(Fraction(60), Fraction(1))

D50 = "D50W (dextrose monohydrate 50 %)"
LIDOCAINE = "lidocaine-1 (lidocaine 1 %)"
WATER = "SWFI (sterile water for injection)"
SINGLE_USE = (
    "its container has now met a syringe holding the stock: use a single-use container and "
    "discard what is left."
)


def stock(pid: str, *draws: Draw) -> MeasuredPortion:
    volume = sum((d.volume_ml for d in draws), Fraction(0))
    return MeasuredPortion(pid, "stock", volume, volume, draws)


# ---------------------------------------------------------------------------------------------
# Making up to the final mark (qs)


def test_qs_with_two_stocks_word_for_word() -> None:
    # 15 mL of dextrose 20 % + lidocaine 0.5 %: D50W 6 mL in a 10 mL syringe, lidocaine 7.5 mL
    # as a full 5 mL syringe and 2.5 mL in a 3 mL one, both into a 20 mL syringe, water to 15 mL.
    measurement = Measurement(
        method="qs",
        portions=(
            stock("D50W", Draw(TEN, Fraction(6))),
            stock("lidocaine-1", Draw(FIVE, Fraction(5)), Draw(THREE, Fraction(5, 2))),
            MeasuredPortion("SWFI", "diluent", Fraction(3, 2), Fraction(3, 2)),
        ),
        readings=(),
        steps=6,
        final_syringe=TWENTY,
        final_mark_ml=Fraction(15),
    )
    assert measurement_steps(measurement, PRODUCTS) == (
        f"Measure 6 mL of {D50} in a 10 mL syringe (0.2 mL marks), with a new syringe.",
        f"Measure 7.5 mL of {LIDOCAINE} as 5 mL in a 5 mL syringe (0.2 mL marks) and 2.5 mL in "
        "a 3 mL syringe (0.1 mL marks), with a new syringe.",
        "Take a 20 mL syringe (1 mL marks) as the final syringe and transfer the D50W and "
        "lidocaine-1 into it through a sterile Luer connector.",
        f"Draw {WATER} into the same syringe up to the 15 mL mark, the final mark (about "
        f"1.5 mL); {SINGLE_USE}",
        "Mix by gently inverting the syringe; label it at once.",
    )


def test_qs_names_the_diluent_not_a_stock_when_the_diluent_holds_solute() -> None:
    # 100 mL of 10 % from D50W into D5W: the make-up step draws D5W, the diluent, to the mark
    # (about 89 mL), never the stock listed first.
    measurement = Measurement(
        method="qs",
        portions=(
            MeasuredPortion("D50W", "stock", Fraction(100, 9), Fraction(11), (Draw(TWENTY, 11),)),
            MeasuredPortion("D5W", "diluent", Fraction(800, 9), Fraction(89)),
        ),
        readings=(),
        steps=3,
        final_syringe=Syringe(Fraction(100), Fraction(1)),
        final_mark_ml=Fraction(100),
    )
    steps = measurement_steps(measurement, PRODUCTS)
    assert steps[2] == (
        "Draw D5W (dextrose monohydrate 5 %) into the same syringe up to the 100 mL mark, the "
        f"final mark (about 89 mL); {SINGLE_USE}"
    )
    assert len(steps) == 4


# ---------------------------------------------------------------------------------------------
# One syringe


def test_one_syringe_word_for_word() -> None:
    # 20 mL of 5 %: D50W drawn to the 2 mL mark of a 20 mL syringe, water to the 20 mL mark.
    measurement = Measurement(
        method="syringe",
        portions=(
            stock("D50W", Draw(TWENTY, Fraction(2))),
            MeasuredPortion("SWFI", "diluent", Fraction(18), Fraction(18)),
        ),
        readings=(
            Reading(TWENTY, Fraction(2), "D50W", "SWFI"),
            Reading(TWENTY, Fraction(20), "SWFI", sets_total=True),
        ),
        steps=2,
        final_syringe=TWENTY,
        final_mark_ml=Fraction(20),
    )
    assert measurement_steps(measurement, PRODUCTS) == (
        "Take a 20 mL syringe (1 mL marks).",
        f"Draw {D50} to the 2 mL mark.",
        f"Draw {WATER} into the same syringe up to the 20 mL mark, the final mark (about 18 mL); "
        f"{SINGLE_USE}",
        "Mix by gently inverting the syringe; label it at once.",
    )


def test_one_syringe_without_a_diluent_has_no_make_up_step() -> None:
    # Stock alone (the target is the stock's own strength): draw it to its mark and mix.
    measurement = Measurement(
        method="syringe",
        portions=(stock("D50W", Draw(TEN, Fraction(6))),),
        readings=(Reading(TEN, Fraction(6), "D50W", sets_total=True),),
        steps=1,
        final_syringe=TEN,
        final_mark_ml=Fraction(6),
    )
    assert measurement_steps(measurement, PRODUCTS) == (
        "Take a 10 mL syringe (0.2 mL marks).",
        f"Draw {D50} to the 6 mL mark.",
        "Mix by gently inverting the syringe; label it at once.",
    )


# ---------------------------------------------------------------------------------------------
# Every part into a container


def test_container_word_for_word_with_full_draws_and_a_rest() -> None:
    # 130 mL of 5 %: D50W 13 mL as 10 mL and 3 mL; water 117 mL as two draws of a 60 mL syringe.
    measurement = Measurement(
        method="container",
        portions=(
            stock("D50W", Draw(TEN, Fraction(10)), Draw(THREE, Fraction(3))),
            MeasuredPortion(
                "SWFI",
                "diluent",
                Fraction(117),
                Fraction(117),
                (Draw(SIXTY, Fraction(60)), Draw(SIXTY, Fraction(57))),
            ),
        ),
        readings=(),
        steps=4,
    )
    assert measurement_steps(measurement, PRODUCTS) == (
        "Take a sterile empty container large enough for 130 mL; use a new syringe for each "
        "product.",
        f"Measure 13 mL of {D50} as 10 mL in a 10 mL syringe (0.2 mL marks) and 3 mL in a 3 mL "
        "syringe (0.1 mL marks) and add it.",
        f"Measure 117 mL of {WATER} as 60 mL and 57 mL, each in a 60 mL syringe (1 mL marks) "
        "and add it.",
        "Mix gently; label the container at once.",
    )


def test_draws_text_groups_draws_by_syringe() -> None:
    assert draws_text([Draw(SIXTY, Fraction(60))] * 2 + [Draw(TWENTY, Fraction(15))]) == (
        "2 × 60 mL in a 60 mL syringe (1 mL marks) and 15 mL in a 20 mL syringe (1 mL marks)"
    )
    assert draws_text([Draw(ONE, Fraction(1)), Draw(ONE, Fraction(1, 5))]) == (
        "1 mL and 0.2 mL, each in a 1 mL syringe (0.01 mL marks)"
    )
    assert draws_text([Draw(ONE, Fraction(1, 2))]) == "0.5 mL in a 1 mL syringe (0.01 mL marks)"


# ---------------------------------------------------------------------------------------------
# The steps of chosen recipes


def test_the_steps_of_a_chosen_qs_recipe_follow_its_measurement() -> None:
    # 25 mL of 5 % from D50: 2.5 mL on the 3 mL syringe's mark, water to the 25 mL mark of a
    # 30 mL syringe (about 22.5 mL).
    recipe = prepare(
        "dextrose 5%",
        volume_ml=Fraction(25),
        stocks=[CATALOGUE.product("D50")],
        diluent=CATALOGUE.product("SWFI"),
        catalogue=CATALOGUE,
        syringes=syringe_set(),
    )
    assert recipe.steps == (
        f"Measure 2.5 mL of {D50} in a 3 mL syringe (0.1 mL marks), with a new syringe.",
        "Take a 30 mL syringe (1 mL marks) as the final syringe and transfer the D50W into it "
        "through a sterile Luer connector.",
        f"Draw {WATER} into the same syringe up to the 25 mL mark, the final mark (about "
        f"22.5 mL); {SINGLE_USE}",
        "Mix by gently inverting the syringe; label it at once.",
    )


# ---------------------------------------------------------------------------------------------
# Volumes on marks finer than a hundredth of a millilitre are printed as measured

FINE = ["0.3 mL by 0.005 mL", "1 mL by 0.01 mL", "3 mL by 0.1 mL", "5 mL by 0.2 mL"]


def fine_recipe(method: str | None = None) -> Recipe:
    # 4.5 mL of dextrose 20 % + lidocaine 0.1 %: lidocaine 2 % 4.5 × 1 / 20 = 0.225 mL, on the
    # 0.225 mL mark of a 0.3 mL insulin syringe (0.005 mL marks); D50W 1.8 mL.
    return prepare(
        "dextrose 20% + lidocaine 0.1%",
        volume_ml=Fraction(9, 2),
        stocks=[CATALOGUE.product("D50"), CATALOGUE.product("lidocaine-2")],
        diluent=CATALOGUE.product("SWFI"),
        catalogue=CATALOGUE,
        syringes=syringe_set(FINE),
        method=method,  # type: ignore[arg-type]
    )


def test_a_draw_on_a_half_hundredth_mark_is_printed_as_drawn() -> None:
    # The recipe is worked out for 0.225 mL: the step must not say 0.22 mL (2.2 % less
    # lidocaine than the one certified). Water 2.475 mL is on no 0.01 mL mark: 2.48 mL.
    recipe = fine_recipe()
    lidocaine = recipe.components[1].measured
    assert lidocaine.volume_ml == Fraction(9, 40)
    assert recipe.steps[2] == (
        "Measure 0.225 mL of lidocaine-2 (lidocaine 2 %) in a 0.3 mL syringe (0.005 mL marks) "
        "and add it."
    )


def test_made_up_to_the_mark_the_diluent_is_about_what_the_marks_leave() -> None:
    # Made up to the 4.6 mL mark of the 5 mL syringe: water about 4.6 − 1.8 − 0.225 = 2.575 mL.
    recipe = fine_recipe("qs")
    assert recipe.steps[1] == (
        "Measure 0.225 mL of lidocaine-2 (lidocaine 2 %) in a 0.3 mL syringe (0.005 mL marks), "
        "with a new syringe."
    )
    assert recipe.steps[3].startswith(
        f"Draw {WATER} into the same syringe up to the 4.6 mL mark, the final mark (about "
        "2.575 mL); "
    )


def test_draws_on_fine_marks_are_grouped_and_printed_as_drawn() -> None:
    insulin = Syringe(Fraction(3, 10), Fraction(1, 200))
    assert draws_text([Draw(insulin, Fraction(3, 10)), Draw(insulin, Fraction(21, 200))]) == (
        "0.3 mL and 0.105 mL, each in a 0.3 mL syringe (0.005 mL marks)"
    )
    assert draws_text([Draw(insulin, Fraction(9, 40))] * 2) == (
        "2 × 0.225 mL in a 0.3 mL syringe (0.005 mL marks)"
    )


# ---------------------------------------------------------------------------------------------
# What to do while drawing a stock, from the catalogue's caution rules

CRYSTALS = (
    "look at it against the light and do not use it with crystals present (warm to redissolve, "
    "cool to body temperature)"
)
FILTER = "draw it from its container through a filter needle"


def test_mannitol_strengths_get_the_drawing_advice_of_their_rules() -> None:
    # Crystals from 15 %, a filter needle from 20 % (Osmitrol label; ASHP Handbook): 10 % gets
    # neither, 20 % and 25 % both; dextrose and water none.
    advice = {
        pid: CATALOGUE.drawing_advice(CATALOGUE.product(pid))
        for pid in ("mannitol-10", "mannitol-20", "mannitol-25", "D50W", "SWFI")
    }
    assert advice == {
        "mannitol-10": (),
        "mannitol-20": (CRYSTALS, FILTER),
        "mannitol-25": (CRYSTALS, FILTER),
        "D50W": (),
        "SWFI": (),
    }


def test_the_step_that_draws_mannitol_25_says_filter_needle_and_crystals() -> None:
    # 10 mL of mannitol 5 % from mannitol 25 %: 2 mL of stock, 8 mL of water, into a container.
    recipe = prepare(
        "mannitol 5%",
        volume_ml=Fraction(10),
        stocks=[CATALOGUE.product("mannitol-25")],
        diluent=CATALOGUE.product("SWFI"),
        catalogue=CATALOGUE,
        syringes=syringe_set(None),
        method="container",
    )
    drawing = [s for s in recipe.steps if "mannitol-25 (mannitol 25 %)" in s]
    assert drawing == [
        f"Before drawing mannitol-25: {CRYSTALS}; {FILTER}. Measure 2 mL of mannitol-25 "
        "(mannitol 25 %) in a 3 mL syringe (0.1 mL marks) and add it."
    ]
    assert not any("filter" in s for s in recipe.steps if s not in drawing)


def test_every_method_says_the_advice_in_the_step_that_draws_the_stock() -> None:
    measurement = Measurement(
        "syringe",
        (
            stock("mannitol-20", Draw(TEN, Fraction(5))),
            MeasuredPortion("SWFI", "diluent", Fraction(15), Fraction(15)),
        ),
        (Reading(TWENTY, Fraction(5), "mannitol-20", "SWFI"),),
        2,
        TWENTY,
        Fraction(20),
    )
    products = {pid: CATALOGUE.product(pid) for pid in ("mannitol-20", "SWFI")}
    advice = {pid: CATALOGUE.drawing_advice(p) for pid, p in products.items()}
    for method in ("syringe", "qs", "container"):
        steps = measurement_steps(measurement._replace(method=method), products, advice)
        (said,) = [s for s in steps if s.startswith("Before drawing")]
        assert said.startswith(f"Before drawing mannitol-20: {CRYSTALS}; {FILTER}. ")
        assert "mannitol-20 (mannitol 20 %)" in said  # the same step draws it
    assert not any("Before" in s for s in measurement_steps(measurement, products))
