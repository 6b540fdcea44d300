"""Recipes and checks as documents: what `npt prepare` and `npt check` print, as text or JSON.

Kept apart from the listings so that `npt prepare` imports nothing but the engine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from npt_protocol.engine.recipe import Recipe
from npt_protocol.engine.requests import CheckResult
from npt_protocol.render import recipe as recipe_render
from npt_protocol.render.registry import to_json


@dataclass(frozen=True)
class RecipeDocument:
    """A recipe, as `npt prepare` prints it."""

    recipe: Recipe


@dataclass(frozen=True)
class CheckDocument:
    """A check, as `npt check` prints it."""

    check: CheckResult


def recipe_text(doc: RecipeDocument, meta: None, timestamp: dt.datetime | None) -> str:
    """Print a recipe for the terminal."""
    return recipe_render.recipe_text(doc.recipe)


def recipe_json(doc: RecipeDocument, meta: None, timestamp: dt.datetime | None) -> str:
    """Print a recipe as JSON (npt.recipe/2)."""
    from npt_protocol.engine.results import recipe_data  # noqa: PLC0415 - only JSON needs it

    return to_json(recipe_data(doc.recipe))


def check_text(doc: CheckDocument, meta: None, timestamp: dt.datetime | None) -> str:
    """Print a check for the terminal."""
    done = doc.check
    return recipe_render.check_text(done.target_text, done.portions, done.assessment)


def check_json(doc: CheckDocument, meta: None, timestamp: dt.datetime | None) -> str:
    """Print a check as JSON (npt.check/2)."""
    from npt_protocol.engine.results import check_data  # noqa: PLC0415 - only JSON needs it

    done = doc.check
    return to_json(
        check_data(done.target_text, done.portions, done.assessment, done.catalogue_version)
    )
