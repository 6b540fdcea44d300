"""The people who may sign in: names and argon2 password hashes in one private JSON file.

The app and `npt serve --add-user` use a `UserStore`; this file-backed one keeps the data folder's
`users.json` (mode 0600, replaced atomically under a lock). Another store, such as a table in the
course database, can take its place behind the same small interface.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from npt_protocol.errors import InputError, OutputError
from npt_protocol.web.private import PRIVATE_MODE, read_private, write_private

if TYPE_CHECKING:
    from argon2 import PasswordHasher

USERS_FILE = "users.json"
SCHEMA = "npt.users/1"
MAX_NAME_CHARS = 100  # a preparation log keeps names of at most 100 characters
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024


class UserStore(Protocol):
    """What the app needs from wherever users are kept."""

    def has_users(self) -> bool:
        """Say whether anyone may sign in."""

    def names(self) -> list[str]:
        """List the user names, sorted."""

    def exists(self, name: str) -> bool:
        """Say whether a user of this name (in any letter case) exists."""

    def verify(self, name: str, password: str) -> str | None:
        """Return the user's name as stored when the password is right, else None."""

    def add(self, name: str, password: str) -> str:
        """Add a user; refuse a name already taken or a weak password. Return the name."""

    def remove(self, name: str) -> str:
        """Remove a user; refuse an unknown name. Return the name removed."""


def check_name(name: str) -> str:
    """Accept a user name a log can record: 1 to 100 printable characters, no outer spaces."""
    if not name.strip():
        raise InputError("the user name is empty; give a name such as 'A. Lee'.")
    if name != name.strip() or len(name) > MAX_NAME_CHARS:
        raise InputError(
            f"the user name {name[:20]!r} must have no spaces around it and at most "
            f"{MAX_NAME_CHARS} characters; give a name such as 'A. Lee'."
        )
    if not name.isprintable():
        raise InputError(
            f"the user name {name!r} has a character that does not print; give the name in "
            "plain characters."
        )
    return name


def check_password(name: str, password: str) -> str:
    """Accept a password of 12 to 1,024 characters that is not the user's name."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise InputError(
            f"the password has {len(password)} characters; give at least {MIN_PASSWORD_CHARS}."
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise InputError(f"the password is longer than {MAX_PASSWORD_CHARS:,} characters.")
    if password.casefold() == name.casefold():
        raise InputError("the password is the user's name; give another.")
    return password


def default_hasher() -> PasswordHasher:
    """Return argon2id with the library's recommended cost (RFC 9106 low-memory profile)."""
    from argon2 import PasswordHasher  # noqa: PLC0415 - only serving and adding users need it

    return PasswordHasher()


class FileUserStore:
    """Users in a private JSON file; reads are cached until the file changes."""

    def __init__(self, folder: Path, *, hasher: PasswordHasher | None = None) -> None:
        self.path = folder / USERS_FILE
        self._hasher = hasher or default_hasher()
        self._lock = threading.Lock()
        self._cache: tuple[tuple[int, int, int], dict[str, str]] | None = None
        # Verifying against this when the name is unknown takes as long as a real check, so the
        # time of an answer does not tell whether a name exists.
        self._decoy = self._hasher.hash("not a password of anyone")

    def has_users(self) -> bool:
        """Say whether anyone may sign in."""
        return bool(self._users())

    def names(self) -> list[str]:
        """List the user names, sorted."""
        return sorted(self._users().values(), key=str.casefold)

    def exists(self, name: str) -> bool:
        """Say whether a user of this name (in any letter case) exists."""
        return self._find(self._users_with_hashes(), name) is not None

    def verify(self, name: str, password: str) -> str | None:
        """Return the user's name as stored when the password is right, else None."""
        from argon2.exceptions import InvalidHashError, VerificationError  # noqa: PLC0415

        users = self._users_with_hashes()
        found = self._find(users, name)
        digest = users[found] if found is not None else self._decoy
        try:
            self._hasher.verify(digest, password)
        except (VerificationError, InvalidHashError):
            return None
        return found

    def add(self, name: str, password: str) -> str:
        """Add a user; refuse a name already taken or a weak password. Return the name."""
        check_password(check_name(name), password)
        digest = self._hasher.hash(password)
        with self._locked():
            users = self._read()
            if self._find(users, name) is not None:
                raise InputError(
                    f"user {name!r} already exists; remove it first with --remove-user to give "
                    "a new password."
                )
            users[name] = digest
            self._write(users)
        return name

    def remove(self, name: str) -> str:
        """Remove a user; refuse an unknown name. Return the name removed."""
        with self._locked():
            users = self._read()
            found = self._find(users, name)
            if found is None:
                known = ", ".join(sorted(users, key=str.casefold)) or "none"
                raise InputError(f"no user is named {name!r}; the users are: {known}.")
            del users[found]
            self._write(users)
        return found

    def _users(self) -> dict[str, str]:
        """Return casefolded name -> name."""
        return {n.casefold(): n for n in self._users_with_hashes()}

    def _users_with_hashes(self) -> dict[str, str]:
        """Return name -> hash, read again only when the file changed."""
        try:
            info = os.stat(self.path)
            key = (info.st_mtime_ns, info.st_size, info.st_ino)
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise InputError(f"users file {self.path} cannot be read: {error.strerror}.") from None
        with self._lock:
            if self._cache is not None and self._cache[0] == key:
                return self._cache[1]
        users = self._read()
        with self._lock:
            self._cache = (key, users)
        return users

    @staticmethod
    def _find(users: dict[str, str], name: str) -> str | None:
        """Find a stored name matching in any letter case."""
        wanted = name.casefold()
        return next((n for n in users if n.casefold() == wanted), None)

    def _read(self) -> dict[str, str]:
        """Read the file whole: name -> hash; a file that is not a users file is refused."""
        data = read_private(self.path, what="users file")
        if data is None:
            return {}
        try:
            parsed: Any = json.loads(data.decode("utf-8"))
            if parsed.get("schema") != SCHEMA or not isinstance(parsed.get("users"), list):
                raise ValueError("not a users file")
            users = {str(row["name"]): str(row["hash"]) for row in parsed["users"]}
        except (ValueError, TypeError, KeyError, AttributeError):
            raise InputError(
                f"users file {self.path} is not an npt users file ({SCHEMA}); move it away."
            ) from None
        return users

    def _write(self, users: dict[str, str]) -> None:
        """Replace the file with these users."""
        rows = [{"name": n, "hash": users[n]} for n in sorted(users, key=str.casefold)]
        text = json.dumps({"schema": SCHEMA, "users": rows}, indent=2, ensure_ascii=False)
        write_private(self.path, (text + "\n").encode("utf-8"), what="users file")
        with self._lock:
            self._cache = None

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the users file's lock, so two changes at once never lose one of them."""
        import portalocker  # noqa: PLC0415 - only changes to the users need it

        lock_path = self.path.with_name(USERS_FILE + ".lock")
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, PRIVATE_MODE)
        except OSError as error:
            raise OutputError(
                f"users file lock {lock_path} cannot be opened: {error.strerror}."
            ) from None
        try:
            with os.fdopen(fd, "r+b", closefd=False) as handle:
                portalocker.lock(handle, portalocker.LockFlags.EXCLUSIVE)
                yield
        finally:
            os.close(fd)
