"""Beyond-use rules as sourced data (use_by_rules.toml beside this module) and the use-by time.

The file is read on first use only: `npt prepare` never needs it.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from npt_protocol.errors import InputError

RULES_FILE = Path(__file__).with_name("use_by_rules.toml")
_KEYS = {"key", "name", "version", "description", "hours", "source"}
DEFAULT_RULE = "immediate-use"


@dataclass(frozen=True)
class UseByRule:
    """A named beyond-use rule: how long after the start of preparation the mix may be used."""

    key: str
    name: str  # short, as a label prints it
    version: str
    description: str  # the sentence a packet prints
    hours: int
    source: str


def load_use_by_rules(path: Path = RULES_FILE) -> dict[str, UseByRule]:
    """Read a rules file, refusing an entry with a missing, unknown or mistyped key."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    rules: dict[str, UseByRule] = {}
    for index, entry in enumerate(data.get("rule", []), 1):
        rule = _rule(entry, f"{path.name} rule {index}")
        if rule.key in rules:
            raise InputError(f"{path.name} gives the use-by rule {rule.key!r} twice.")
        rules[rule.key] = rule
    if not rules:
        raise InputError(f"{path.name} holds no use-by rule; expected [[rule]] entries.")
    return rules


def _rule(entry: Mapping[str, Any], where: str) -> UseByRule:
    """Build one rule from its table."""
    if set(entry) != _KEYS:
        odd = ", ".join(sorted(set(entry) ^ _KEYS))
        raise InputError(f"{where} has missing or unknown keys ({odd}); expected {sorted(_KEYS)}.")
    hours = entry["hours"]
    if not isinstance(hours, int) or isinstance(hours, bool) or not 0 < hours <= 24 * 90:
        raise InputError(f"{where}: hours = {hours!r}; expected a whole number of hours above 0.")
    texts = {k: entry[k] for k in _KEYS - {"hours"}}
    if not all(isinstance(v, str) and v.strip() for v in texts.values()):
        raise InputError(f"{where}: every key but hours must be text that is not empty.")
    return UseByRule(hours=hours, **texts)


@functools.cache
def use_by_rules() -> dict[str, UseByRule]:
    """Return the shipped rules by key, read once."""
    return load_use_by_rules()


def enabled_rule(key: str, enabled: Sequence[str] | None = None) -> UseByRule:
    """Return a rule the clinic enables (all shipped rules unless it names some), or say which
    may be used."""
    rules = use_by_rules()
    allowed = list(rules) if enabled is None else [k for k in enabled if k in rules]
    unknown = [k for k in enabled or () if k not in rules]
    if unknown:
        raise InputError(
            f"use_by_rules names {unknown[0]!r}, which is not a use-by rule; expected some of "
            f"{', '.join(rules)}."
        )
    if key not in allowed:
        what = "is unknown" if key not in rules else "is not enabled by the clinic settings"
        raise InputError(f"use-by rule {key!r} {what}; expected one of {', '.join(allowed)}.")
    return rules[key]


def use_by(prepared_at: dt.datetime, rule_key: str = DEFAULT_RULE) -> dt.datetime:
    """Return the time a preparation must be used by under a named rule."""
    return use_by_time(prepared_at, enabled_rule(rule_key))


def use_by_time(prepared_at: dt.datetime, rule: UseByRule) -> dt.datetime:
    """Return the time a preparation must be used by under a rule."""
    try:
        return prepared_at + dt.timedelta(hours=rule.hours)
    except OverflowError:
        raise InputError(
            f"A preparation at {prepared_at.isoformat()} would be used by a time "
            "past the end of the calendar; expected a real date and time."
        ) from None
