"""How the app is served: the address, the people, the clinic's files and the clocks."""

from __future__ import annotations

import datetime as dt
import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from npt_protocol.log.store import LOCK_WAIT_SECONDS
from npt_protocol.settings import Settings
from npt_protocol.web.throttle import LoginLimits

LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})
DEFAULT_IDLE_SECONDS = 30 * 60


def is_loopback(host: str) -> bool:
    """Say whether an address reaches this computer only (127.0.0.0/8, ::1, localhost)."""
    if host.casefold() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _utc_now() -> dt.datetime:
    """Return the time now, in UTC."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class WebConfig:
    """Everything the app is built from; the command line fills it from options and settings."""

    data_dir: Path
    host: str = "127.0.0.1"
    https: bool = False
    settings: Settings = field(default_factory=Settings)
    protocols_dir: Path | None = None
    catalogue: Path | None = None
    log: Path | None = None
    # The course database (a file or a database URL), as `npt course` names it; None: no
    # course record is kept, and the During-the-session page says so.
    database: str | None = None
    # Who records a session when no one is signed in and no name is typed: the account the
    # server runs under, as `npt course record` without --by names it.
    local_user: str | None = None
    idle_seconds: int = DEFAULT_IDLE_SECONDS
    log_wait_seconds: float = LOCK_WAIT_SECONDS
    limits: LoginLimits = field(default_factory=LoginLimits)
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], dt.datetime] = _utc_now

    @property
    def loopback(self) -> bool:
        """Say whether the app serves this computer only."""
        return is_loopback(self.host)
