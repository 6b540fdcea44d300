"""Where the course database is, read from its name alone: without SQLAlchemy, so that a command
can say a database's name or look for its file before loading the database library.
"""

from __future__ import annotations

import re
from pathlib import Path

HIDDEN = "***"
SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][\w+.-]*://)(?P<rest>.*)$", re.DOTALL)
QUERY_PASSWORD = re.compile(r"(?P<key>[?&]password=)[^&#]*", re.IGNORECASE)


def masked(location: str) -> str:
    """Write a database location with its password as *** (as `database.shown` does), in the
    user part or as a password= query parameter, so it can be printed."""
    found = SCHEME.match(location)
    if found is None:
        return location  # a file path holds no password
    rest = found["rest"]
    # The last "@" ends the user part: a password that holds an "@" is hidden whole.
    user_part, at, host_part = rest.rpartition("@")
    if at and ":" in user_part:
        user = user_part.partition(":")[0]
        rest = f"{user}:{HIDDEN}@{host_part}"
    return found["scheme"] + QUERY_PASSWORD.sub(rf"\g<key>{HIDDEN}", rest)


def sqlite_file(location: str) -> Path | None:
    """Return the file a SQLite location names (a path, or sqlite:///FILE), or None for a
    server's URL or a name only the database library can read."""
    stripped = location.strip()
    if "://" not in stripped:
        return Path(stripped).expanduser() if stripped else None
    scheme, _, rest = stripped.partition("://")
    if scheme.lower() != "sqlite" or not rest.startswith("/") or any(c in rest for c in "?%#"):
        return None
    return Path(rest[1:]) if rest[1:] else None
