"""Sign-in attempts counted per client and per user name, so passwords cannot be guessed fast."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

# At most this many keys are remembered; the oldest are forgotten first, so a flood of made-up
# names cannot grow memory without bound.
MAX_KEYS = 10_000


@dataclass(frozen=True)
class LoginLimits:
    """How many failed sign-ins are allowed in a window, per user name and per client address."""

    per_user: int = 5
    per_client: int = 20
    window_seconds: float = 15 * 60


class LoginThrottle:
    """Failed sign-ins in a sliding window; a key over its limit waits until the oldest expires."""

    def __init__(self, limits: LoginLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, *, client: str, user: str) -> float:
        """Return how long this client or name must wait before another attempt; 0 for none."""
        now = self._clock()
        with self._lock:
            return max(
                self._wait(f"user:{user.casefold()}", self.limits.per_user, now),
                self._wait(f"client:{client}", self.limits.per_client, now),
            )

    def failed(self, *, client: str, user: str) -> None:
        """Count a failed attempt against the client and the name."""
        now = self._clock()
        with self._lock:
            for key in (f"user:{user.casefold()}", f"client:{client}"):
                self._failures.setdefault(key, deque()).append(now)
                self._failures[key] = self._failures.pop(key)  # most recent last
            while len(self._failures) > MAX_KEYS:
                del self._failures[next(iter(self._failures))]

    def succeeded(self, *, user: str) -> None:
        """Forget the name's failures once its password was given right."""
        with self._lock:
            self._failures.pop(f"user:{user.casefold()}", None)

    def _wait(self, key: str, limit: int, now: float) -> float:
        """Drop failures older than the window; return the wait while the limit is reached."""
        times = self._failures.get(key)
        if not times:
            return 0.0
        while times and times[0] <= now - self.limits.window_seconds:
            times.popleft()
        if not times:
            del self._failures[key]
            return 0.0
        if len(times) < limit:
            return 0.0
        return times[-limit] + self.limits.window_seconds - now
