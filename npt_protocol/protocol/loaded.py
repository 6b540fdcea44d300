"""The outcome of checking one protocol file, apart from the loader so that a cached library
loads without the YAML reader."""

from __future__ import annotations

import attrs

from npt_protocol.protocol.model import Protocol
from npt_protocol.reading.findings import Finding


@attrs.frozen
class Loaded:
    """The outcome of checking one file: a Protocol when there are no findings."""

    path: str
    protocol: Protocol | None
    findings: tuple[Finding, ...]
    id: str | None = None  # read even from an invalid file, to find duplicates and overrides
    id_line: int = 1
    id_column: int = 1
