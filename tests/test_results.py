"""npt.recipe/2 and npt.check/2 as data (docs/json-schema.md): every field, worked by hand.

The documents are compared whole, so a renamed key, a value rounded to other places or a null
where a number belongs fails; the numbers are worked out beside them from the label facts.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from npt_protocol import __version__
from npt_protocol.catalogue.products import Catalogue, Product, Solute, Stated, shipped_catalogue
from npt_protocol.engine.measured import METHODS
from npt_protocol.engine.recipe import assess
from npt_protocol.engine.requests import CheckRequest, PrepareRequest, run_check, run_prepare
from npt_protocol.engine.results import (
    CHECK_SCHEMA,
    RECIPE_SCHEMA,
    assessment_data,
    check_data,
    dose_data,
    recipe_data,
)
from npt_protocol.engine.safety import DoseCheck
from npt_protocol.engine.solver import Portion

CATALOGUE = shipped_catalogue()
LIMIT = CATALOGUE.solutes["lidocaine"].dose_limit
RULE = (
    "4.5 mg/kg, not more than 300 mg, for lidocaine hydrochloride without epinephrine; "
    "US lidocaine hydrochloride label (Pfizer)"
)


def cautions(*keys: str) -> list[dict[str, str]]:
    rules = {rule.key: rule for rule in CATALOGUE.cautions}
    return [{"key": k, "text": rules[k].text, "source": rules[k].source} for k in keys]


def test_a_recipe_made_up_to_the_mark_as_json() -> None:
    # 15 mL of dextrose 20 % + lidocaine 0.5 % made up to the mark, for 70 kg:
    # D50W 15 × 200 / 500 = 6 mL (10 mL syringe, 0.2 mL marks), lidocaine 1 % 15 × 5 / 10 =
    # 7.5 mL (a full 5 mL syringe and 2.5 mL in a 3 mL one), water to the 15 mL mark of a
    # 20 mL syringe (1.5 mL, not measured on its own).
    # Osmolarity: (6 × 2,530 + 7.5 × lidocaine 1 %) / 15, lidocaine 1 % being 10 mg/mL of
    # lidocaine HCl (270.8 g/mol, two ions) and 7 mg/mL NaCl (58.44 g/mol, two ions).
    # Lidocaine 75 mg; 70 kg × 4.5 = 315 mg, capped at 300 mg: 300 / 5 = 60 mL at most.
    # Certification, the final mark able to take 0.5 mL from the 15 mL: D50W 0.1 × 500 /
    # (200 × 14.5) = 1.72 %; the final mark 0.5 / 14.5 = 3.45 %, more than its share of 2.5 %;
    # lidocaine 0.15 × 10 / (5 × 14.5) = 2.07 %.
    recipe = run_prepare(
        PrepareRequest(
            "dextrose 20% + lidocaine 0.5%",
            "15mL",
            ("D50W", "lidocaine-1"),
            method="qs",
            weight="70kg",
        ),
        CATALOGUE,
    )
    lidocaine_one = Fraction(10) / Fraction("270.8") * 2000 + Fraction(7) / Fraction("58.44") * 2000
    osmolarity = (6 * 2530 + Fraction(15, 2) * lidocaine_one) / 15
    assert abs(osmolarity - Fraction("1168.7")) < Fraction(1, 20)  # printed to one place
    final_mark = [{"syringe_mL": 20, "mark_mL": 15, "reading_error_mL": 0.5}]
    assert recipe_data(recipe) == {
        "schema": "npt.recipe/2",
        "tool_version": __version__,
        "catalogue_version": CATALOGUE.version,
        "request": {"target": "dextrose 20% + lidocaine 0.5%", "volume_mL": 15},
        "method": "qs",
        "method_text": METHODS["qs"],
        "method_reason": "the method asked for",
        "final_syringe_mL": 20,
        "final_mark_mL": 15,
        "components": [
            {
                "product": "D50W",
                "name": "Dextrose 50 % injection",
                "role": "stock",
                "exact_volume_mL": 6,
                "volume_mL": 6,
                "on_exact_mark": True,
                "syringe_mL": 10,
                "syringe_marks_mL": 0.2,
                "measured": True,
                "draws": [{"syringe_mL": 10, "volume_mL": 6}],
                "containers": {"size_mL": 50, "count": 1},
            },
            {
                "product": "lidocaine-1",
                "name": "Lidocaine hydrochloride 1 % injection (10 mg/mL), without epinephrine",
                "role": "stock",
                "exact_volume_mL": 7.5,
                "volume_mL": 7.5,
                "on_exact_mark": True,
                "syringe_mL": 5,
                "syringe_marks_mL": 0.2,
                "measured": True,
                "draws": [{"syringe_mL": 5, "volume_mL": 5}, {"syringe_mL": 3, "volume_mL": 2.5}],
                "containers": {"size_mL": 10, "count": 1},
            },
            {
                "product": "SWFI",
                "name": "Sterile water for injection",
                "role": "diluent",
                "exact_volume_mL": 1.5,
                "volume_mL": 1.5,
                "on_exact_mark": True,
                "syringe_mL": None,
                "syringe_marks_mL": None,
                "measured": False,
                "draws": [],
                "containers": {"size_mL": 10, "count": 1},
            },
        ],
        "steps": list(recipe.steps),
        "achieved": {
            "volume_mL": 15,
            "concentrations_percent_wv": {"dextrose": 20, "lidocaine": 0.5},
            "concentrations_mg_per_mL": {"dextrose": 200, "lidocaine": 5},
            "basis": {"dextrose": "monohydrate"},
            "osmolarity_mOsmol_per_L": 1168.7,
            "tonicity": "hypertonic",
            "loads_g": {"dextrose": 3},
        },
        "target": {
            "concentrations_percent_wv": {"dextrose": 20, "lidocaine": 0.5},
            "concentrations_mg_per_mL": {"dextrose": 200, "lidocaine": 5},
            "basis": {"dextrose": "monohydrate"},
        },
        "deviation_percent": {"dextrose": 0, "lidocaine": 0},
        "tolerance_percent": 5,
        "within_tolerance": True,
        "doses": [
            {
                "solute": "lidocaine",
                "total_mg": 75,
                "maximum_mg": 300,
                "weight_kg": 70,
                "max_volume_mL": 60,
                "over_limit": False,
                "rule": RULE,
            }
        ],
        "cautions": cautions("corn", "hypertonic", "local-anaesthetic", "water-alone"),
        "warnings": [],
        "certification": {
            "certified": False,
            "parts": [
                {
                    "product": "D50W",
                    "solute": "dextrose",
                    "readings": [{"syringe_mL": 10, "mark_mL": 6, "reading_error_mL": 0.1}],
                    "strength_error_percent": 1.72,
                    "share_percent": 2.5,
                },
                {
                    "product": "SWFI",
                    "solute": "dextrose",
                    "readings": final_mark,
                    "strength_error_percent": 3.45,
                    "share_percent": 2.5,
                },
                {
                    "product": "lidocaine-1",
                    "solute": "lidocaine",
                    "readings": [
                        {"syringe_mL": 5, "mark_mL": 5, "reading_error_mL": 0.1},
                        {"syringe_mL": 3, "mark_mL": 2.5, "reading_error_mL": 0.05},
                    ],
                    "strength_error_percent": 2.07,
                    "share_percent": 2.5,
                },
                {
                    "product": "SWFI",
                    "solute": "lidocaine",
                    "readings": final_mark,
                    "strength_error_percent": 3.45,
                    "share_percent": 2.5,
                },
            ],
        },
        "volume_ok": True,
        "problems": [
            "SWFI cannot be read closely enough (SWFI at the 15 mL mark of a 20 mL syringe "
            "(1 mL marks))"
        ],
        "suggestions": [
            "Make a larger batch: 30 mL can be measured and signed (measure each stock in its "
            "own syringe on its mark, put it into the final syringe, then draw the diluent to "
            "the final mark)."
        ],
        "pass": False,
    }


def test_a_container_recipe_has_no_final_syringe_and_shares_in_thirds() -> None:
    # 15 mL measured part by part into a container: no final syringe and no final mark; three
    # parts read for dextrose, so each share is 5 % / 3 = 1.67 % (two places, as documented).
    # Every reading sets the total, so together they may take 0.1 + 0.15 + 0.05 = 0.3 mL from it.
    # D50W 6 mL on a 10 mL syringe: 0.1 × |500 − 200| / (200 × 14.7) = 1.02 %.
    data = recipe_data(
        run_prepare(
            PrepareRequest(
                "dextrose 20% + lidocaine 0.5%", "15mL", ("D50W", "lidocaine-1"), method="container"
            ),
            CATALOGUE,
        )
    )
    assert (data["method"], data["final_syringe_mL"], data["final_mark_mL"]) == (
        "container",
        None,
        None,
    )
    assert [(c["product"], c["syringe_mL"], c["syringe_marks_mL"]) for c in data["components"]] == [
        ("D50W", 10, 0.2),
        ("lidocaine-1", 5, 0.2),
        ("SWFI", 3, 0.1),
    ]
    parts = data["certification"]["parts"]
    assert {p["share_percent"] for p in parts} == {1.67}
    assert (parts[0]["product"], parts[0]["strength_error_percent"]) == ("D50W", 1.02)
    assert data["pass"] is True and data["problems"] == [] and data["suggestions"] == []


def test_a_dose_without_a_weight_and_a_repeating_largest_volume() -> None:
    # 0.7 % lidocaine (7 mg/mL) in 50 mL: 350 mg, over the 300 mg cap; the most that may be
    # injected is 300 / 7 = 42.857… mL, rounded down to two places so it never holds more.
    assert LIMIT is not None
    assert dose_data(DoseCheck("lidocaine", Fraction(7), Fraction(50), LIMIT, None)) == {
        "solute": "lidocaine",
        "total_mg": 350,
        "maximum_mg": 300,
        "weight_kg": None,
        "max_volume_mL": 42.85,
        "over_limit": True,
        "rule": RULE,
    }


def test_a_mix_of_unknown_osmolarity_says_null_not_zero() -> None:
    # A clinic solute with no molar mass: the osmolarity and tonicity cannot be known.
    catalogue = Catalogue(
        solutes={"heparin": Solute("heparin")},
        products=(Product("heparin-x", "Heparin X", {"heparin": Fraction(5)}),),
        version="test",
    )
    target = Stated({"heparin": Fraction(1)})
    assessment = assess(
        target,
        [
            Portion(catalogue.products[0], Fraction(2)),
            Portion(Product("water", "Water", {}, label_osmolarity=Fraction(0)), Fraction(8)),
        ],
        catalogue=catalogue,
    )
    achieved = assessment_data(assessment)["achieved"]
    assert (achieved["osmolarity_mOsmol_per_L"], achieved["tonicity"]) == (None, None)
    assert achieved["concentrations_mg_per_mL"] == {"heparin": 1}


def test_a_check_as_json() -> None:
    # The pharmacist drew D50 7 mL and water 53 mL for 60 mL of 5 %: 3,500 / 60 = 58.33 mg/mL,
    # 16.67 % over: outside the tolerance, pass false. Osmolarity 7 × 2,530 / 60 = 295.2.
    result = run_check(CheckRequest("dextrose 5%", ("D50=7mL", "SWFI=53mL")), CATALOGUE)
    data = check_data(
        result.target_text, result.portions, result.assessment, result.catalogue_version
    )
    expected: dict[str, Any] = {
        "schema": "npt.check/2",
        "tool_version": __version__,
        "catalogue_version": CATALOGUE.version,
        "request": {"target": "dextrose 5%"},
        "components": [
            {"product": "D50W", "name": "Dextrose 50 % injection", "volume_mL": 7},
            {"product": "SWFI", "name": "Sterile water for injection", "volume_mL": 53},
        ],
        "achieved": {
            "volume_mL": 60,
            "concentrations_percent_wv": {"dextrose": 5.8333},
            "concentrations_mg_per_mL": {"dextrose": 58.3333},
            "basis": {"dextrose": "monohydrate"},
            "osmolarity_mOsmol_per_L": 295.2,
            "tonicity": "isotonic",
            "loads_g": {"dextrose": 3.5},
        },
        "target": {
            "concentrations_percent_wv": {"dextrose": 5},
            "concentrations_mg_per_mL": {"dextrose": 50},
            "basis": {"dextrose": "monohydrate"},
        },
        "deviation_percent": {"dextrose": 16.67},
        "tolerance_percent": 5,
        "within_tolerance": False,
        "doses": [],
        "cautions": cautions("corn", "hypertonic", "water-alone"),
        "warnings": [],
        "pass": False,
    }
    assert data == expected
    assert (RECIPE_SCHEMA, CHECK_SCHEMA) == ("npt.recipe/2", "npt.check/2")
