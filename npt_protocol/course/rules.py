"""The response rules as data (response_rules.toml beside this module), with a clinic's overrides.

Each rule keeps where its figures come from, so a flag can say which rule and which source
produced it.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from npt_protocol.errors import InputError, NptError
from npt_protocol.ismp import format_number
from npt_protocol.numbers import parse_number

RULES_FILE = Path(__file__).with_name("response_rules.toml")
SETTING = "course_rules"
# The keys a clinic may set in its settings file's course_rules table, and what each changes.
SETTING_KEYS = {
    "responder_points": "fall in points from the baseline that makes a responder",
    "responder_percent": "fall in per cent from the baseline that makes a responder",
    "reconsider_after": "sessions after which a patient who is not a responder is flagged",
    "plateau_sessions": "sessions without change that make a plateau",
}
SOURCE_NAMES = {"farrar-2001": "Farrar 2001"}
# The protocol model's words for a practice-based default, repeated here because importing the
# model loads attrs, a quarter of `npt course show`'s own start-up; a test keeps them equal.
PRACTICE_DEFAULT = "practice-default"
PRACTICE_DEFAULT_TEXT = "practice-based default — confirm locally"


@dataclass(frozen=True)
class Origin:
    """Where a rule's figures come from: a source id, practice-default, or a setting."""

    source: str
    citation: str = ""

    @property
    def text(self) -> str:
        """Say the origin for a reader: 'Farrar 2001', or the practice-default wording."""
        if self.source == PRACTICE_DEFAULT:
            return PRACTICE_DEFAULT_TEXT
        if self.source.startswith("setting:"):
            return f"clinic setting {SETTING}.{self.source.removeprefix('setting:')}"
        return SOURCE_NAMES.get(self.source, self.source)


@dataclass(frozen=True)
class ResponseRules:
    """The responder, reconsider and plateau rules with the origin of each figure."""

    responder_points: int
    responder_percent: Fraction
    responder_origin: Origin
    reconsider_after: int
    reconsider_origin: Origin
    plateau_sessions: int
    plateau_points: int
    plateau_origin: Origin

    @property
    def key(self) -> str:
        """Return the figures as one text: stored statuses computed under other rules are stale."""
        return (
            f"r{self.responder_points}/{self.responder_percent}"
            f";n{self.reconsider_after}:{self.reconsider_origin.source}"
            f";p{self.plateau_sessions}/{self.plateau_points}"
        )

    def reconsider_for(
        self, protocol_after: int | None, protocol_source: str = ""
    ) -> tuple[int, str]:
        """Return after how many sessions a course is judged, and where that number comes from:
        the clinic setting, else the protocol's reassessment, else the default."""
        if self.reconsider_origin.source.startswith("setting:") or protocol_after is None:
            return self.reconsider_after, self.reconsider_origin.text
        source = Origin(protocol_source).text if protocol_source else "no source given"
        return protocol_after, f"the protocol's reassessment: {source}"

    def responder_text(self) -> str:
        """Say the responder rule: 'a fall of at least 2 points or 30 % (Farrar 2001)'."""
        return (
            f"a fall of at least {self.responder_points} points or "
            f"{format_number(self.responder_percent)} % from the baseline "
            f"({self.responder_origin.text})"
        )


@functools.cache
def default_rules() -> ResponseRules:
    """Return the shipped rules, read once per process."""
    return load_rules(RULES_FILE)


def load_rules(path: Path) -> ResponseRules:
    """Read a rules file; raise NptError naming the entry at fault."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        responder, reconsider, plateau = data["responder"], data["reconsider"], data["plateau"]
        return ResponseRules(
            responder_points=_whole(responder["points"], f"{path} responder points"),
            responder_percent=parse_number(responder["percent"], what=f"{path} percent"),
            responder_origin=Origin(responder["source"], responder.get("citation", "")),
            reconsider_after=_whole(reconsider["after_sessions"], f"{path} after_sessions"),
            reconsider_origin=Origin(reconsider["source"]),
            plateau_sessions=_whole(plateau["sessions"], f"{path} plateau sessions"),
            plateau_points=_whole(plateau["points"], f"{path} plateau points"),
            plateau_origin=Origin(plateau["source"]),
        )
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError) as error:
        raise NptError(
            f"Response rules file {path} cannot be read ({error!r}); expected the tables "
            "responder, reconsider and plateau."
        ) from None


def _whole(value: Any, what: str) -> int:
    """Read a whole number of at least 1, written as text or as a TOML integer."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InputError(f"{what} {value!r} is not a whole number; expected such as 3.")
    number = parse_number(str(value), what=what)
    if number.denominator != 1 or number < 1:
        raise InputError(
            f"{what} {value!r} is not a whole number of at least 1; expected such as 3."
        )
    return int(number)


def with_settings(rules: ResponseRules, table: Mapping[str, Any] | None) -> ResponseRules:
    """Apply a clinic's course_rules table; refuse unknown keys and values out of range."""
    if not table:
        return rules
    unknown = sorted(set(table) - set(SETTING_KEYS))
    if unknown:
        raise InputError(
            f"Settings {SETTING} has unknown key {unknown[0]!r}; known keys are "
            f"{', '.join(sorted(SETTING_KEYS))}."
        )
    changed = rules
    for key, value in table.items():
        what = f"Settings {SETTING}.{key}"
        origin = Origin(f"setting:{key}")
        if key == "responder_percent":
            text = str(value).strip().removesuffix("%")
            percent = parse_number(text, what=what) if isinstance(value, str) else None
            if percent is None or not 0 < percent <= 100:
                raise InputError(
                    f'{what} = {value!r} is not a percentage; write it as text such as "30%".'
                )
            changed = replace(changed, responder_percent=percent, responder_origin=origin)
        elif key == "responder_points":
            points = _whole(value, what)
            if points > 10:
                raise InputError(f"{what} = {value!r} is more than the 10-point scale holds.")
            changed = replace(changed, responder_points=points, responder_origin=origin)
        elif key == "reconsider_after":
            changed = replace(
                changed, reconsider_after=_whole(value, what), reconsider_origin=origin
            )
        else:
            changed = replace(changed, plateau_sessions=_whole(value, what), plateau_origin=origin)
    return changed
