"""Options several commands share, and turning them into core values."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

import click

from npt_protocol.catalogue_file import load_catalogue
from npt_protocol.errors import InputError
from npt_protocol.measure import Syringe, syringe_set
from npt_protocol.products import Catalogue
from npt_protocol.safety import DEFAULT_TOLERANCE, parse_tolerance
from npt_protocol.settings import Settings, load_settings
from npt_protocol.units import parse_mass

F = TypeVar("F", bound=Callable[..., Any])


def catalogue_option(function: F) -> F:
    """Add --catalogue FILE (a clinic's products, searched first)."""
    return click.option("--catalogue", type=click.Path(path_type=Path, dir_okay=False),
                        help="A YAML file of the clinic's own products, searched first.")(function)


def resolve_catalogue(option: Path | None, settings: Settings) -> Catalogue:
    """Load the catalogue from the option, else the settings file, else the shipped one."""
    return load_catalogue(option or settings.catalogue)


def resolve_syringes(options: Sequence[str], settings: Settings) -> tuple[Syringe, ...]:
    """Return the syringe set from the options, else the settings, else the default."""
    configured = settings.get("syringes")
    return syringe_set(options or (list(configured) if configured else None))


def resolve_tolerance(option: str | None, settings: Settings) -> Fraction:
    """Return the tolerance from the option, else the settings, else ±5 %."""
    text = option or settings.get("tolerance")
    return parse_tolerance(str(text)) if text else DEFAULT_TOLERANCE


def resolve_weight(option: str | None) -> Fraction | None:
    """Parse --weight into kilograms."""
    if option is None:
        return None
    kilograms = parse_mass(option, what="--weight") / 1_000_000
    if not 1 <= kilograms <= 400:
        raise InputError(f"--weight {option!r} is not a patient's weight; expected 1 kg to "
                         "400 kg, such as 70kg.")
    return kilograms


def settings() -> Settings:
    """Read the clinic settings file."""
    return load_settings()
