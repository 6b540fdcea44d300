"""The key that signs session cookies: random, made once, kept 0600 in the data folder."""

from __future__ import annotations

import secrets
from pathlib import Path

from npt_protocol.errors import InputError
from npt_protocol.web.private import create_private, read_private

SECRET_FILE = "web-secret"
_MIN_CHARS = 64  # 32 random bytes written as hex


def session_secret(folder: Path) -> str:
    """Return the data folder's signing key, creating it the first time."""
    path = folder / SECRET_FILE
    for _ in range(2):
        data = read_private(path, what="session key")
        if data is not None:
            text = data.decode("ascii", "replace").strip()
            if len(text) < _MIN_CHARS:
                raise InputError(
                    f"session key {path} is too short to sign cookies safely; remove it and a "
                    "new one is made (everyone signs in again)."
                )
            return text
        create_private(path, (secrets.token_hex(32) + "\n").encode("ascii"))
    raise InputError(f"session key {path} cannot be created; check the folder.")
