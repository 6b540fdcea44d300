"""A recipe and a check as JSON-ready data: the contract `--json` prints and the log records.

Schemas npt.recipe/1 and npt.check/1 (docs/json-schema.md). Numbers are rounded once, here; the log
recomputes a record by running its request again and comparing these data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from npt_protocol import __version__
from npt_protocol.engine.recipe import Assessment, Recipe
from npt_protocol.engine.snap import METHODS
from npt_protocol.engine.solver import Portion
from npt_protocol.numbers import json_number

RECIPE_SCHEMA = "npt.recipe/1"
CHECK_SCHEMA = "npt.check/1"


def assessment_data(assessment: Assessment) -> dict[str, Any]:
    """Turn an assessment into the JSON fields `prepare` and `check` share."""
    mixture = assessment.mixture
    return {
        "achieved": {
            "volume_mL": json_number(mixture.volume_ml),
            "concentrations_percent_wv": {
                s: json_number(c / 10) for s, c in mixture.composition.items()
            },
            "concentrations_mg_per_mL": {s: json_number(c) for s, c in mixture.composition.items()},
            "osmolarity_mOsmol_per_L": None
            if mixture.osmolarity is None
            else json_number(mixture.osmolarity, places=1),
            "tonicity": assessment.tonicity,
            "dextrose_g": None
            if assessment.dextrose_g is None
            else json_number(assessment.dextrose_g),
        },
        "target": {
            "concentrations_percent_wv": {
                s: json_number(c / 10) for s, c in assessment.target.items()
            }
        },
        "deviation_percent": {
            s: json_number(d * 100, places=2) for s, d in assessment.deviations.items()
        },
        "tolerance_percent": json_number(assessment.tolerance * 100),
        "within_tolerance": assessment.within_tolerance,
        "local_anaesthetic": None
        if assessment.anaesthetic is None
        else {
            "solute": "lidocaine",
            "total_mg": json_number(assessment.anaesthetic.milligrams),
            "maximum_mg": None
            if assessment.anaesthetic.maximum_mg is None
            else json_number(assessment.anaesthetic.maximum_mg),
            "over_limit": assessment.anaesthetic.over_limit,
        },
        "cautions": [
            {"key": c.key, "text": c.text, "source": c.source} for c in assessment.cautions
        ],
        "warnings": list(assessment.warnings),
    }


def recipe_data(recipe: Recipe) -> dict[str, Any]:
    """Turn a recipe into JSON-ready data."""
    components = []
    for line in recipe.components:
        first = line.measured.draws[0].syringe if line.measured.draws else None
        components.append(
            {
                "product": line.product.id,
                "name": line.product.name,
                "role": line.role,
                "exact_volume_mL": json_number(line.measured.exact_ml),
                "volume_mL": json_number(line.measured.volume_ml),
                "syringe_mL": None if first is None else json_number(first.capacity_ml),
                "syringe_marks_mL": None if first is None else json_number(first.graduation_ml),
                "measured": line.measured.measured,
                "draws": [
                    {
                        "syringe_mL": json_number(d.syringe.capacity_ml),
                        "volume_mL": json_number(d.volume_ml),
                    }
                    for d in line.measured.draws
                ],
                "containers": {
                    "size_mL": None
                    if line.containers.size_ml is None
                    else json_number(line.containers.size_ml),
                    "count": line.containers.count,
                },
            }
        )
    data: dict[str, Any] = {
        "schema": RECIPE_SCHEMA,
        "tool_version": __version__,
        "catalogue_version": recipe.catalogue_version,
        "request": {"target": recipe.target_text, "volume_mL": json_number(recipe.volume_ml)},
        "method": recipe.method,
        "method_text": METHODS[recipe.method],
        "final_syringe_mL": None
        if recipe.final_syringe is None
        else json_number(recipe.final_syringe.capacity_ml),
        "components": components,
        "steps": list(recipe.steps),
    }
    data.update(assessment_data(recipe.assessment))
    data["suggestions"] = list(recipe.suggestions)
    return data


def check_data(
    target_text: str, portions: Sequence[Portion], assessment: Assessment, catalogue_version: str
) -> dict[str, Any]:
    """Turn a check into JSON-ready data."""
    data: dict[str, Any] = {
        "schema": CHECK_SCHEMA,
        "tool_version": __version__,
        "catalogue_version": catalogue_version,
        "request": {"target": target_text},
        "components": [
            {"product": p.product.id, "name": p.product.name, "volume_mL": json_number(p.volume_ml)}
            for p in portions
        ],
    }
    data.update(assessment_data(assessment))
    data["pass"] = assessment.within_tolerance
    return data
