"""Clinic settings: one optional TOML file, every key optional, each overridable by an option."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from npt_protocol.errors import InputError

ENV_FILE = "NPT_CONFIG"
KNOWN_KEYS = {
    "catalogue": "extra product catalogue (YAML) searched before the shipped one",
    "protocols_dir": "clinic folder of protocols searched before the shipped library",
    "syringes": 'syringe set, e.g. ["1 mL by 0.01 mL", "10 mL by 0.2 mL"]',
    "tolerance": 'allowed deviation of each strength, e.g. "5%"',
    "clinic_name": "printed in the header of every sheet",
    "paper": "A4 or Letter",
    "use_by_rule": "immediate-use, category-1-room or category-1-fridge",
    "margin": 'extra volume added to a session\'s total, e.g. "10%"',
    "bases": 'what a bare solute name means, e.g. {dextrose = "anhydrous"}',
}


@dataclass(frozen=True)
class Settings:
    """What the settings file says, with where it came from."""

    values: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def get(self, key: str) -> Any:
        """Return a setting's value or None."""
        return self.values.get(key)

    @property
    def protocols_dir(self) -> Path | None:
        """Return the clinic protocols folder, resolved against the settings file's folder."""
        return self._path("protocols_dir")

    @property
    def catalogue(self) -> Path | None:
        """Return the clinic catalogue file, resolved against the settings file's folder."""
        return self._path("catalogue")

    def _path(self, key: str) -> Path | None:
        """Resolve a path setting relative to the file that set it."""
        value = self.values.get(key)
        if value is None:
            return None
        path = Path(str(value)).expanduser()
        if not path.is_absolute() and self.path is not None:
            path = self.path.parent / path
        return path


def default_path() -> Path:
    """Return where the settings file lives: $NPT_CONFIG, else the platform's config folder."""
    explicit = os.environ.get(ENV_FILE)
    if explicit:
        return Path(explicit)
    import platformdirs  # noqa: PLC0415 - only needed when no explicit path is set

    return Path(platformdirs.user_config_dir("npt")) / "config.toml"


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file if there is one; unknown keys and bad TOML are errors."""
    path = path or default_path()
    try:
        if not path.is_file():
            return Settings(path=None)
        with path.open("rb") as handle:
            values = tomllib.load(handle)
    except (OSError, ValueError, tomllib.TOMLDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise InputError(
            f"Settings file {path} cannot be read ({reason}); fix it or remove it."
        ) from None
    except RecursionError:  # tomllib reads nested arrays recursively
        raise InputError(
            f"Settings file {path} nests values too deeply; expected the keys "
            f"{', '.join(sorted(KNOWN_KEYS))}."
        ) from None
    unknown = sorted(set(values) - set(KNOWN_KEYS))
    if unknown:
        raise InputError(
            f"Settings file {path} has unknown key {unknown[0]!r}; known keys are "
            f"{', '.join(sorted(KNOWN_KEYS))}."
        )
    for key, value in values.items():
        _check_value(path, key, value)
    return Settings(values=values, path=path)


def _check_value(path: Path, key: str, value: Any) -> None:
    """Refuse a value of the wrong kind: text, a number for tolerance and margin, a list of text
    for syringes; never empty text."""
    if key == "bases":
        if not isinstance(value, dict) or not all(
            isinstance(v, str) and v.strip() for v in value.values()
        ):
            raise InputError(
                f"Settings file {path}: bases = {value!r}; expected a table of text such as "
                '{dextrose = "anhydrous"}.'
            )
        return
    texts = value if key == "syringes" and isinstance(value, list) else [value]
    numeric = (
        key in {"tolerance", "margin"}
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    )
    if not numeric and not (texts and all(isinstance(t, str) and t.strip() for t in texts)):
        kind = (
            "a list of text"
            if key == "syringes"
            else "a number or text"
            if key in {"tolerance", "margin"}
            else "text"
        )
        raise InputError(
            f"Settings file {path}: {key} = {value!r}; expected {kind} that is not "
            f"empty ({KNOWN_KEYS[key]})."
        )
