"""Prepare and check requests as typed: the limits on volume and weight, --basis, and the
sentences that name the option at fault.

The same path serves `npt prepare`, `npt check` and the log's recomputation, so what is pinned
here holds for all three.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from npt_protocol.catalogue.products import shipped_catalogue
from npt_protocol.engine.requests import (
    CheckRequest,
    PrepareRequest,
    parse_bases,
    parse_weight,
    run_check,
    run_prepare,
)
from npt_protocol.engine.syringes import Syringe
from npt_protocol.errors import InputError, NptError

CATALOGUE = shipped_catalogue()
# 5 % anhydrous glucose is 50 × 198.17 / 180.16 mg/mL of dextrose monohydrate.
ANHYDROUS_FIVE = Fraction(50) * Fraction(19817, 100) / Fraction(18016, 100)


def refusal(call: object, *args: object) -> str:
    assert callable(call)
    with pytest.raises(NptError) as error:
        call(*args)
    return str(error.value)


# ---------------------------------------------------------------------------------------------
# --weight


@pytest.mark.parametrize(
    ("text", "kilograms"),
    [("1kg", 1), ("1000 g", 1), ("70kg", 70), ("400 kg", 400), ("400000 g", 400)],
)
def test_a_patients_weight_from_one_to_four_hundred_kilograms(text: str, kilograms: int) -> None:
    assert parse_weight(text) == kilograms


@pytest.mark.parametrize("text", ["0.999kg", "999 g", "400.001 kg", "0.5kg"])
def test_a_weight_outside_one_to_four_hundred_kilograms_is_refused(text: str) -> None:
    assert refusal(parse_weight, text) == (
        f"--weight {text!r} is not a patient's weight; expected 1 kg to 400 kg, such as 70kg."
    )


def test_no_weight_is_none_and_a_bad_weight_names_the_option() -> None:
    assert parse_weight(None) is None
    assert refusal(parse_weight, "70") == (
        "--weight '70' has no unit; expected a mass such as 70kg or 300 mg."
    )


# ---------------------------------------------------------------------------------------------
# --volume, --from, --diluent


def prepare_request(**changes: object) -> PrepareRequest:
    fields: dict[str, object] = {"target": "dextrose 5%", "volume": "60mL", "stocks": ("D50",)}
    fields.update(changes)
    return PrepareRequest(**fields)  # type: ignore[arg-type]


def test_a_batch_of_ten_litres_is_the_largest_accepted() -> None:
    # 10 L of 5 %: 1 L of D50W and 9 L of water, in full draws of the 60 mL syringe.
    recipe = run_prepare(prepare_request(volume="10L"), CATALOGUE)
    assert recipe.volume_ml == 10_000
    assert [c.measured.exact_ml for c in recipe.components] == [1000, 9000]
    assert refusal(run_prepare, prepare_request(volume="10.001L"), CATALOGUE) == (
        "--volume '10.001L' is more than 10 L; expected a preparation volume such as 60mL."
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"volume": "60 parsecs"},
            "--volume '60 parsecs' has an unknown unit 'parsecs'; expected a volume such as "
            "60mL, 0.5 mL or 1 L.",
        ),
        (
            {"stocks": ("XYZ",)},
            "--from 'XYZ' is not in the catalogue; use an id such as D5W, D10W, D25W, D50W, "
            "D70W, glucose-5-bp (see `npt products`) or a spec such as 'dextrose 500 mg/mL'.",
        ),
        (
            {"diluent": "XYZ"},
            "--diluent 'XYZ' is not in the catalogue; use an id such as D5W, D10W, D25W, D50W, "
            "D70W, glucose-5-bp (see `npt products`) or a spec such as 'dextrose 500 mg/mL'.",
        ),
        (
            {"weight": "2000kg"},
            "--weight '2000kg' is not a patient's weight; expected 1 kg to 400 kg, such as 70kg.",
        ),
    ],
)
def test_a_bad_prepare_request_names_the_option(changes: dict[str, object], message: str) -> None:
    assert refusal(run_prepare, prepare_request(**changes), CATALOGUE) == message


def test_the_request_carries_its_method_tolerance_syringes_and_weight() -> None:
    # 20 mL of dextrose 5 % + lidocaine 0.1 % into a container, as asked, with a 10 % tolerance,
    # a set of one 20 mL syringe by 0.5 mL, for 70 kg (lidocaine 20 mg, maximum 300 mg).
    recipe = run_prepare(
        prepare_request(
            target="dextrose 5% + lidocaine 0.1%",
            volume="20mL",
            stocks=("D50", "lidocaine-1"),
            method="container",
            tolerance="10%",
            syringes=("20 mL by 0.5 mL",),
            weight="70kg",
        ),
        CATALOGUE,
    )
    assert recipe.method == "container"
    assert recipe.assessment.tolerance == Fraction(1, 10)
    assert {d.syringe for c in recipe.components for d in c.measured.draws} == {
        Syringe(Fraction(20), Fraction(1, 2))
    }
    (dose,) = recipe.assessment.doses
    assert (dose.milligrams, dose.maximum_mg, dose.weight_kg) == (20, 300, 70)


# ---------------------------------------------------------------------------------------------
# --basis


def test_a_basis_makes_a_bare_dextrose_target_anhydrous_glucose() -> None:
    # 60 mL of 5 % anhydrous glucose needs 60 × 55.0 / 500 = 6.5998 mL of D50W (monohydrate
    # labels), measured as 6.6 mL on the 10 mL syringe's marks.
    recipe = run_prepare(prepare_request(bases=("dextrose=anhydrous",)), CATALOGUE)
    assert recipe.assessment.target.composition == {"dextrose": ANHYDROUS_FIVE}
    d50, water = recipe.components
    assert d50.measured.exact_ml == 60 * ANHYDROUS_FIVE / 500
    assert (d50.measured.volume_ml, water.measured.volume_ml) == (Fraction(33, 5), Fraction(267, 5))
    plain = run_prepare(prepare_request(), CATALOGUE)
    assert plain.assessment.target.composition == {"dextrose": 50}


def test_a_check_reads_the_target_with_the_basis_given() -> None:
    # 6 mL of D50W in 60 mL is 5 % monohydrate: exact for a monohydrate target, but 9.09 % short
    # of 5 % anhydrous glucose (50 / 55.0 − 1 = −1801/19817).
    drawn = ("D50=6mL", "SWFI=54mL")
    plain = run_check(CheckRequest("dextrose 5%", drawn), CATALOGUE)
    assert plain.assessment.deviations == {"dextrose": 0} and plain.assessment.within_tolerance
    anhydrous = run_check(
        CheckRequest("dextrose 5%", drawn, bases=("dextrose=anhydrous",)), CATALOGUE
    )
    assert anhydrous.assessment.deviations == {"dextrose": Fraction(-1801, 19817)}
    assert not anhydrous.assessment.within_tolerance


def test_bases_are_read_as_solute_then_basis_in_lower_case() -> None:
    assert parse_bases([" Dextrose = ANHYDROUS "]) == {"Dextrose": "anhydrous"}
    # Only the first '=' separates: the rest belongs to the basis, which is then refused.
    assert parse_bases(["dextrose=anhydrous=x"]) == {"dextrose": "anhydrous=x"}
    assert parse_bases([]) == {}


@pytest.mark.parametrize("item", ["dextrose", "=anhydrous", "dextrose=", " = ", "dextrose= "])
def test_a_basis_without_both_halves_is_refused(item: str) -> None:
    assert refusal(parse_bases, [item]) == (
        f"--basis {item!r} is not SOLUTE=BASIS; expected such as dextrose=anhydrous."
    )


def test_an_unknown_basis_names_the_option() -> None:
    assert refusal(run_prepare, prepare_request(bases=("dextrose=foo",)), CATALOGUE) == (
        "--basis dextrose=foo: dextrose has no 'foo' basis; expected monohydrate or anhydrous."
    )


# ---------------------------------------------------------------------------------------------
# npt check


def test_a_check_keeps_what_was_drawn_and_judges_it() -> None:
    # D50 40 mL + lidocaine 1 % 10 mL + water 50 mL: 200 mg/mL dextrose and 1 mg/mL lidocaine,
    # exactly the target, judged at 2 % for 50 kg (lidocaine 100 mg, maximum 225 mg).
    result = run_check(
        CheckRequest(
            "dextrose 20% + lidocaine 0.1%",
            ("D50=40mL", "lidocaine-1=10mL", "SWFI=50mL"),
            tolerance="2%",
            weight="50kg",
        ),
        CATALOGUE,
    )
    assert result.target_text == "dextrose 20% + lidocaine 0.1%"
    assert result.catalogue_version == CATALOGUE.version
    assert [(p.product.id, p.volume_ml) for p in result.portions] == [
        ("D50W", 40),
        ("lidocaine-1", 10),
        ("SWFI", 50),
    ]
    assessment = result.assessment
    assert assessment.tolerance == Fraction(1, 50)
    assert assessment.deviations == {"dextrose": 0, "lidocaine": 0}
    (dose,) = assessment.doses
    assert (dose.milligrams, dose.maximum_mg, dose.weight_kg) == (100, 225, 50)


@pytest.mark.parametrize(
    ("drawn", "message"),
    [
        (
            ("D50", "SWFI=54mL"),
            "'D50' has no '='; write each drawn product as PRODUCT=VOLUME, e.g. D50=6mL.",
        ),
        (
            ("D50=6mL", "D50W=1mL"),
            "D50W is given twice; add its volumes into one PRODUCT=VOLUME.",
        ),
        (
            ("D50=6 parsec",),
            "'D50=6 parsec' volume '6 parsec' has an unknown unit 'parsec'; expected a volume "
            "such as 60mL, 0.5 mL or 1 L.",
        ),
        (
            ("XYZ=1mL",),
            "'XYZ=1mL' 'XYZ' is not in the catalogue; use an id such as D5W, D10W, D25W, D50W, "
            "D70W, glucose-5-bp (see `npt products`) or a spec such as 'dextrose 500 mg/mL'.",
        ),
    ],
)
def test_a_bad_drawn_item_is_named(drawn: tuple[str, ...], message: str) -> None:
    assert refusal(run_check, CheckRequest("dextrose 5%", drawn), CATALOGUE) == message


def test_a_check_tolerance_and_weight_are_checked() -> None:
    drawn = ("D50=6mL", "SWFI=54mL")
    assert refusal(run_check, CheckRequest("dextrose 5%", drawn, tolerance="60%"), CATALOGUE) == (
        "tolerance '60%' is outside 0 % to 50 %; expected such as 5%."
    )
    assert refusal(run_check, CheckRequest("dextrose 5%", drawn, weight="0.5kg"), CATALOGUE) == (
        "--weight '0.5kg' is not a patient's weight; expected 1 kg to 400 kg, such as 70kg."
    )
    with pytest.raises(InputError):
        run_check(CheckRequest("dextrose 5%", drawn, bases=("dextrose",)), CATALOGUE)
