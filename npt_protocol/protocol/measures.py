"""Outcome measures as sourced data (outcome_measures.toml beside this module).

A protocol names the measures it uses by id; the course record reads the same file to print a
score with its range, its better direction and its minimal important change. No questionnaire
text is shipped: most instruments are licensed by their owners.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import attrs

from npt_protocol.errors import NptError, ProtocolError
from npt_protocol.ismp import format_number
from npt_protocol.numbers import parse_number
from npt_protocol.reading.fields import SLUG

Better = Literal["higher", "lower"]
MicUnit = Literal["points", "percent"]
MEASURES_FILE = Path(__file__).with_name("outcome_measures.toml")
_KEYS = {
    "id",
    "name",
    "abbreviation",
    "score_min",
    "score_max",
    "better",
    "mic",
    "mic_unit",
    "mic_note",
    "citation",
    "doi",
    "pmid",
    "url",
}
_REQUIRED = _KEYS - {"doi", "pmid", "url"}


@attrs.frozen(kw_only=True)
class MeasureSource:
    """Where a measure's range and minimal important change come from."""

    citation: str
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None


@attrs.frozen(kw_only=True)
class OutcomeMeasure:
    """A scored outcome measure: range, better direction, minimal important change, source."""

    id: str
    name: str
    abbreviation: str
    score_min: Fraction
    score_max: Fraction
    better: Better
    mic: Fraction | None  # None when no figure was confirmed from a source
    mic_unit: MicUnit
    mic_note: str
    source: MeasureSource

    def improved(self, before: Fraction, after: Fraction) -> bool:
        """Return whether a change from before to after reaches the minimal important change."""
        if self.mic is None:
            raise ValueError(f"{self.abbreviation} has no minimal important change on file")
        change = after - before if self.better == "higher" else before - after
        if self.mic_unit == "percent":
            if before == 0:
                return False
            return change * 100 / abs(before) >= self.mic
        return change >= self.mic

    def describe(self) -> str:
        """Say the measure in one line: name, range, direction and minimal important change."""
        span = f"{format_number(self.score_min)} to {format_number(self.score_max)}"
        text = f"{self.abbreviation} ({self.name}), {span}, {self.better} is better"
        if self.mic is None:
            return f"{text}; no minimal important change on file"
        unit = "%" if self.mic_unit == "percent" else "points"
        return f"{text}; minimal important change {format_number(self.mic)} {unit}"


@functools.cache
def outcome_measures() -> Mapping[str, OutcomeMeasure]:
    """Return the shipped outcome measures by id, read once per process."""
    return load_outcome_measures(MEASURES_FILE)


def load_outcome_measures(path: Path) -> dict[str, OutcomeMeasure]:
    """Read and check an outcome measure file; raise ProtocolError naming the entry at fault."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ProtocolError(
            f"Outcome measure file {path} cannot be read ({error}); expected UTF-8 TOML."
        ) from None
    entries = data.get("measure")
    if not isinstance(entries, list) or not entries:
        raise ProtocolError(
            f"Outcome measure file {path} has no [[measure]] entries; expected at least one."
        )
    measures: dict[str, OutcomeMeasure] = {}
    for index, entry in enumerate(entries, 1):
        measure = _measure(entry, where=f"{path} measure {index}")
        if measure.id in measures:
            raise ProtocolError(
                f"{path} lists measure {measure.id!r} twice; expected each id once."
            )
        measures[measure.id] = measure
    return measures


def _measure(entry: Any, *, where: str) -> OutcomeMeasure:
    """Build one measure from its table, refusing anything missing, unknown or inconsistent."""
    if not isinstance(entry, dict):
        raise ProtocolError(f"{where} is not a table; expected keys such as id and name.")
    missing = sorted(_REQUIRED - entry.keys())
    unknown = sorted(entry.keys() - _KEYS)
    if missing or unknown:
        problem = f"lacks {', '.join(missing)}" if missing else f"has unknown {', '.join(unknown)}"
        raise ProtocolError(f"{where} {problem}; expected the keys {', '.join(sorted(_KEYS))}.")
    if not all(isinstance(value, str) for value in entry.values()):
        raise ProtocolError(f"{where} has a value that is not text; write every value in quotes.")
    if not SLUG.match(entry["id"]):
        raise ProtocolError(f"{where} id {entry['id']!r} is not a valid id; expected a slug.")
    if entry["better"] not in ("higher", "lower"):
        raise ProtocolError(f"{where} better {entry['better']!r}; expected higher or lower.")
    if entry["mic_unit"] not in ("points", "percent"):
        raise ProtocolError(f"{where} mic_unit {entry['mic_unit']!r}; expected points or percent.")
    try:
        low = parse_number(entry["score_min"], what=f"{where} score_min")
        high = parse_number(entry["score_max"], what=f"{where} score_max")
        mic = parse_number(entry["mic"], what=f"{where} mic") if entry["mic"] else None
    except NptError as error:
        raise ProtocolError(str(error)) from None
    if low >= high:
        raise ProtocolError(f"{where} score_min is not below score_max; expected min < max.")
    if mic is not None and (mic <= 0 or (entry["mic_unit"] == "points" and mic > high - low)):
        raise ProtocolError(f"{where} mic {entry['mic']} lies outside the score range.")
    if mic is None and not entry["mic_note"].strip():
        raise ProtocolError(f"{where} has no mic and no mic_note; say why none is given.")
    if not entry["citation"].strip():
        raise ProtocolError(f"{where} has an empty citation; expected the source of the figures.")
    return OutcomeMeasure(
        id=entry["id"],
        name=entry["name"],
        abbreviation=entry["abbreviation"],
        score_min=low,
        score_max=high,
        better=entry["better"],
        mic=mic,
        mic_unit=entry["mic_unit"],
        mic_note=entry["mic_note"],
        source=MeasureSource(
            citation=entry["citation"],
            doi=entry.get("doi") or None,
            pmid=entry.get("pmid") or None,
            url=entry.get("url") or None,
        ),
    )
