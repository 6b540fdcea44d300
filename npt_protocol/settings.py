"""Clinic settings: one optional TOML file, every key optional, each overridable by an option."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from npt_protocol.errors import InputError
from npt_protocol.reading.files import irregular

ENV_FILE = "NPT_CONFIG"
KNOWN_KEYS = {
    "catalogue": "extra product catalogue (YAML) searched before the shipped one",
    "protocols_dir": "clinic folder of protocols searched before the shipped library",
    "log": "preparation log that `npt serve` records the Prepare and Check pages in",
    "syringes": 'syringe set, e.g. ["1 mL by 0.01 mL", "10 mL by 0.2 mL"]',
    "tolerance": 'allowed deviation of each strength, e.g. "5%"',
    "clinic_name": "printed in the header of every sheet",
    "paper": "A4 or Letter",
    "use_by_rule": "immediate-use, category-1-room or category-1-fridge",
    "margin": 'extra volume added to a session\'s total, e.g. "10%"',
    "bases": 'what a bare solute name means, e.g. {dextrose = "anhydrous"}',
    "use_by_rules": 'the use-by rules the clinic enables, e.g. ["immediate-use"] (default: all)',
    "label_stock": "syringe label stock: 51x25, 57x32, 89x36, a4-sheet or letter-sheet",
    "patient_fields": 'patient fields beside the identifier, e.g. ["name", "date_of_birth"]',
    "database": "course database: a file path, or postgresql://USER@HOST/DATABASE",
    "course_rules": "response rules for courses, e.g. {reconsider_after = 4}",
}
# Keys whose value is a list of text (a single text is read as a list of one).
LIST_KEYS = {"syringes", "use_by_rules", "patient_fields"}


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
    def log(self) -> Path | None:
        """Return the preparation log `npt serve` writes to, resolved like the other paths."""
        return self._path("log")

    @property
    def catalogue(self) -> Path | None:
        """Return the clinic catalogue file, resolved against the settings file's folder."""
        return self._path("catalogue")

    @property
    def database(self) -> str | None:
        """Return the course database: a URL as written, or a file resolved against the
        settings file's folder."""
        value = self.values.get("database")
        if value is None or "://" in str(value):
            return None if value is None else str(value)
        return str(self._path("database"))

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
    return settings_location()[0]


def settings_location() -> tuple[Path, bool]:
    """Return the settings file's path and whether it was named explicitly ($NPT_CONFIG)."""
    explicit = os.environ.get(ENV_FILE)
    if explicit:
        return Path(explicit), True
    import platformdirs  # noqa: PLC0415 - only needed when no explicit path is set

    return Path(platformdirs.user_config_dir("npt")) / "config.toml", False


def load_settings(path: Path | None = None, *, explicit: bool | None = None) -> Settings:
    """Read the settings file if there is one; unknown keys and bad TOML are errors, and so is a
    file named explicitly (a path given, or $NPT_CONFIG) that does not exist."""
    from_env = path is None and bool(os.environ.get(ENV_FILE))
    if path is None:
        path, named = settings_location()
    else:
        named = True
    explicit = named if explicit is None else explicit
    source = f" (named by {ENV_FILE})" if from_env else ""
    kind = irregular(path)
    if kind is not None:
        raise InputError(f"Settings file {path}{source} is {kind}; expected a TOML file.")
    try:
        if not path.exists():
            if explicit:
                raise InputError(
                    f"Settings file {path}{source} does not exist; give the path of an "
                    "existing TOML file, or leave it unset for no settings file."
                )
            return Settings(path=None)
        with path.open("rb") as handle:
            values = tomllib.load(handle)
    except (OSError, ValueError, tomllib.TOMLDecodeError) as error:
        if isinstance(error, InputError):
            raise
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
    if key == "course_rules":
        if not isinstance(value, dict):
            raise InputError(
                f"Settings file {path}: course_rules = {value!r}; expected a table such as "
                "{reconsider_after = 4}."
            )
        return  # its keys and values are checked by the course rules that read them
    if key == "bases":
        if not isinstance(value, dict) or not all(
            isinstance(v, str) and v.strip() for v in value.values()
        ):
            raise InputError(
                f"Settings file {path}: bases = {value!r}; expected a table of text such as "
                '{dextrose = "anhydrous"}.'
            )
        return
    texts = value if key in LIST_KEYS and isinstance(value, list) else [value]
    if key in {"tolerance", "margin"} and not (isinstance(value, str) and "%" in value):
        # 0.05 could mean 5 % or 0.05 %: a percentage is written with its sign.
        raise InputError(
            f"Settings file {path}: {key} = {value!r} is not a percentage with its % sign; "
            f'write it as text, such as {key} = "5%" ({KNOWN_KEYS[key]}).'
        )
    if not (texts and all(isinstance(t, str) and t.strip() for t in texts)):
        kind = "a list of text" if key in LIST_KEYS else "text"
        raise InputError(
            f"Settings file {path}: {key} = {value!r}; expected {kind} that is not "
            f"empty ({KNOWN_KEYS[key]})."
        )
