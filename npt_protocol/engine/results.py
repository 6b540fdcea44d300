"""A recipe and a check as JSON-ready data: the contract `--json` prints and the log records.

Schemas npt.recipe/2 and npt.check/2 (docs/json-schema.md). Numbers are rounded once, here; the log
recomputes a record by running its request again and comparing these data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from npt_protocol import __version__
from npt_protocol.catalogue.products import Stated
from npt_protocol.engine.certify import Certification
from npt_protocol.engine.measured import METHODS
from npt_protocol.engine.recipe import Assessment, Recipe
from npt_protocol.engine.safety import DoseCheck
from npt_protocol.engine.solver import Portion
from npt_protocol.numbers import json_number

RECIPE_SCHEMA = "npt.recipe/2"
CHECK_SCHEMA = "npt.check/2"


def _strengths(composition: Mapping[str, Fraction], stated: Stated) -> dict[str, Any]:
    """Give strengths in the forms the target states them in, as % w/v and mg/mL."""
    shown = stated.displayed(composition)
    return {
        "concentrations_percent_wv": {s: json_number(c / 10) for s, c in shown.items()},
        "concentrations_mg_per_mL": {s: json_number(c) for s, c in shown.items()},
        "basis": {s: f.basis for s, f in stated.forms.items() if f.basis and s in shown},
    }


def dose_data(check: DoseCheck) -> dict[str, Any]:
    """Turn a dose check into JSON: the amount, the maximum and the largest volume to inject."""
    return {
        "solute": check.solute,
        "total_mg": json_number(check.milligrams),
        "maximum_mg": json_number(check.maximum_mg),
        "weight_kg": None if check.weight_kg is None else json_number(check.weight_kg),
        "max_volume_mL": json_number(check.max_volume_shown_ml, places=12),
        "over_limit": check.over_limit,
        "rule": check.rule_text(),
    }


def assessment_data(assessment: Assessment) -> dict[str, Any]:
    """Turn an assessment into the JSON fields `prepare` and `check` share."""
    mixture = assessment.mixture
    target = assessment.target
    return {
        "achieved": {
            "volume_mL": json_number(mixture.volume_ml),
            **_strengths(mixture.composition, target),
            "osmolarity_mOsmol_per_L": None
            if mixture.osmolarity is None
            else json_number(mixture.osmolarity, places=1),
            "tonicity": assessment.tonicity,
            "loads_g": {s: json_number(g) for s, g in assessment.loads_g.items()},
        },
        "target": _strengths(target.composition, target),
        "deviation_percent": {
            s: json_number(d * 100, places=2) for s, d in assessment.deviations.items()
        },
        "tolerance_percent": json_number(assessment.tolerance * 100),
        "within_tolerance": assessment.within_tolerance,
        "doses": [dose_data(d) for d in assessment.doses],
        "cautions": [
            {"key": c.key, "text": c.text, "source": c.source} for c in assessment.cautions
        ],
        "warnings": list(assessment.warnings),
    }


def certification_data(certification: Certification) -> dict[str, Any]:
    """Turn a certification into JSON: every measured part's error against its share."""
    return {
        "certified": certification.certified,
        "parts": [
            {
                "product": e.part,
                "solute": e.solute,
                "readings": [
                    {
                        "syringe_mL": json_number(r.syringe.capacity_ml),
                        "mark_mL": json_number(r.mark_ml),
                        "reading_error_mL": json_number(r.error_ml),
                    }
                    for r in e.readings
                ],
                "strength_error_percent": json_number(e.relative * 100, places=2),
                "share_percent": json_number(e.share * 100, places=2),
            }
            for e in certification.errors
        ],
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
                "on_exact_mark": line.measured.on_mark,
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
    final = recipe.final_syringe
    data: dict[str, Any] = {
        "schema": RECIPE_SCHEMA,
        "tool_version": __version__,
        "catalogue_version": recipe.catalogue_version,
        "request": {"target": recipe.target_text, "volume_mL": json_number(recipe.volume_ml)},
        "method": recipe.method,
        "method_text": METHODS[recipe.method],
        "method_reason": recipe.method_reason,
        "final_syringe_mL": None if final is None else json_number(final.capacity_ml),
        "final_mark_mL": None
        if recipe.measurement.final_mark_ml is None
        else json_number(recipe.measurement.final_mark_ml),
        "components": components,
        "steps": list(recipe.steps),
    }
    data.update(assessment_data(recipe.assessment))
    data["certification"] = certification_data(recipe.certification)
    data["volume_ok"] = recipe.volume_ok
    data["problems"] = list(recipe.problems)
    data["suggestions"] = list(recipe.suggestions)
    data["pass"] = recipe.acceptable
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
