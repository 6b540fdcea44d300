"""The head of a log: how many records it holds and the hash of its last line, as a token short
enough to write down, and the check that a log still holds a head noted earlier."""

from __future__ import annotations

import re
from dataclasses import dataclass

from npt_protocol.errors import InputError

TOKEN_HEX = 16  # 64 bits of the SHA-256: no one can make another log reach the same token
_TOKEN = re.compile(r"^\s*([0-9]{1,12})\s*[-:]\s*([0-9a-fA-F]{16,64})\s*$")


@dataclass(frozen=True)
class Head:
    """A state of a log: its preparation records so far and the SHA-256 of its last line."""

    records: int
    sha256: str

    @property
    def token(self) -> str:
        """Return the head as a token such as '1234-3f9a2c7e1b5d0a4f'."""
        return f"{self.records}-{self.sha256[:TOKEN_HEX]}"

    def matches(self, records: int, sha256: str) -> bool:
        """Say whether a log's state after some line is this head."""
        return records == self.records and sha256.startswith(self.sha256)


def parse_head(text: str) -> Head:
    """Read a head token written down earlier: a record count, a dash and 16 to 64 hex digits."""
    match = _TOKEN.match(text)
    if match is None:
        raise InputError(
            f"--head {text[:80]!r} is not a log head; expected the token `npt log head` "
            "printed, such as 1234-3f9a2c7e1b5d0a4f."
        )
    return Head(int(match.group(1)), match.group(2).lower())
