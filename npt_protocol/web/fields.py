"""Which form field an error concerns, read from the words the core uses for that input.

The core names the input at fault in its message, as the command line's option (`--volume '6x'
has an unknown unit ...`) or as its subject (`target: unknown solute ...`). The page shows the
message, word for word as `npt` prints it, beside the field that input came from; a message that
names no single input is shown above the form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# field -> the words a message uses for it; options may be named anywhere in a message, other
# words only as its subject (at its start).
FieldWords = Mapping[str, tuple[str, ...]]

PREPARE_FIELDS: FieldWords = {
    "target": ("target",),
    "volume": ("--volume",),
    "stocks": ("--from",),
    "diluent": ("--diluent",),
    "method": ("--method",),
    "tolerance": ("--tolerance", "tolerance"),
    "weight": ("--weight",),
    "syringes": ("--syringe", "syringe"),
    "bases": ("--basis",),
    "by": ("--by",),
}
CHECK_FIELDS: FieldWords = {
    "target": ("target",),
    "tolerance": ("--tolerance", "tolerance"),
    "weight": ("--weight",),
    "bases": ("--basis",),
    "by": ("--checked-by",),
    "drawn": ("PRODUCT=VOLUME",),
}
SESSION_FIELDS: FieldWords = {
    "patient": ("--patient",),
    "regions": ("--region", "region", "side", "No protocol"),
    "points": ("--points",),
    "weight": ("--weight",),
    "treatment_syringe": ("--treatment-syringe", "The treatment syringe"),
    "use_by": ("--use-by", "use-by rule"),
    "by": ("--by",),
}
# The fields the During page draws; anything else (the patient, the regions) is shown above.
DURING_FIELDS: FieldWords = {
    "date": ("--date",),
    "pain_before": ("--pain-before",),
    "pain_after": ("--pain-after",),
    "reason": ("--reason",),
    "ticks": ("--points",),
    "by": ("--by",),
}
GENERAL = ""


def _word(word: str) -> str:
    """A pattern for a word that is not part of a longer word or option."""
    return rf"(?<![\w-]){re.escape(word)}(?![\w-])"


def field_of(message: str, fields: FieldWords) -> str:
    """Return the field a message is about: its subject first, else the first option or form
    word it names; GENERAL when it names none."""
    for field, words in fields.items():
        if any(re.match(_word(word), message) for word in words):
            return field
    mentioned = []
    for field, words in fields.items():
        for word in words:
            if word.startswith("--") or "=" in word:
                found = re.search(_word(word), message)
                if found is not None:
                    mentioned.append((found.start(), field))
    return min(mentioned)[1] if mentioned else GENERAL
