"""Fitting terminal text to 100 columns: long lines wrap under their indent, never inside a dose."""

from __future__ import annotations

import re
import textwrap

WIDTH = 100
_GLUE = "\u00a0"
# Kept on one line: a number and its unit, and a log record's reference.
_NUMBER_UNIT = re.compile(
    r"\d[\d.,]* (?:mL|L|mg|mcg|g|kg|cm|mm|%|mOsmol/L|hours|days|weeks|"
    r"points|sessions|levels)(?!\w)|log [0-9a-f]{8} record \d+-[0-9a-f]+"
)
# A list marker, a tick box or a step number: wrapped lines start under the text after it.
_MARKER = re.compile(r"^(\s*)((?:- |\[ \] |\d+\. |\* )?)")


def wrap(text: str, indent: str, *, width: int = WIDTH) -> list[str]:
    """Wrap text under an indent; the first line carries the indent's marker. A number and its
    unit stay on one line (ISMP: never split "5 mL")."""
    rest = " " * len(indent)
    glued = _NUMBER_UNIT.sub(lambda m: m.group(0).replace(" ", _GLUE), " ".join(text.split()))
    wrapped = textwrap.wrap(
        glued,
        width=width,
        initial_indent=indent,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [line.replace(_GLUE, " ") for line in wrapped] or [indent.rstrip()]


_TABLE_ROW = re.compile(r"\S {2,}\S")


def fit_text(text: str, *, width: int = WIDTH) -> str:
    """Wrap every line longer than the width under its own indent and list marker; a table row
    (cells apart by two spaces or more) is left whole, since its renderer sized its columns."""
    lines = []
    for line in text.split("\n"):
        if len(line) <= width or _TABLE_ROW.search(line):
            lines.append(line)
            continue
        match = _MARKER.match(line)
        assert match is not None  # the pattern matches the empty string
        lead, marker = match.group(1), match.group(2)
        body = line[match.end() :]
        first, *rest = wrap(body, lead + marker, width=width)
        hang = " " * len(lead + marker) + ("" if marker else "  ")
        rest_text = " ".join(part.strip() for part in rest)
        lines.append(first)
        if rest_text:
            lines += wrap(rest_text, hang, width=width)
    return "\n".join(lines)
