"""Building the treatment-room app for tests: a private data folder, users with a cheap password
hash, a test client addressed as the browser would address it, and reading form tokens."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from starlette.testclient import TestClient

from npt_protocol.web.app import build_app
from npt_protocol.web.config import WebConfig
from npt_protocol.web.throttle import LoginLimits
from npt_protocol.web.users import FileUserStore

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
# argon2id at its smallest cost: the same code path, without 64 MiB and 3 passes per test login.
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


class Clock:
    """A monotonic clock a test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock on."""
        self.now += seconds


@dataclass
class Served:
    """An app under test: its client, its users, its clock and its config."""

    client: TestClient
    users: FileUserStore
    clock: Clock
    config: WebConfig

    def token(self, path: str = "/prepare") -> str:
        """Open a page and return the form token it carries."""
        page = self.client.get(path)
        found = TOKEN.search(page.text)
        assert found is not None, f"{path} has no form token"
        return html.unescape(found.group(1))

    def post(self, path: str, fields: Mapping[str, str | Sequence[str]]) -> Any:
        """Send a form from its page, with the page's token."""
        data: dict[str, Any] = {"csrf_token": self.token(path), **fields}
        return self.client.post(path, data=data)

    def sign_in(self, name: str, password: str = PASSWORD) -> Any:
        """Sign in through the sign-in page."""
        return self.post("/login", {"name": name, "password": password})


def serve(
    tmp_path: Path,
    *,
    host: str = "127.0.0.1",
    users: Sequence[str] = (),
    base_url: str = "http://127.0.0.1",
    limits: LoginLimits | None = None,
    **config: Any,
) -> Served:
    """Build the app with a fresh data folder and these users (all with PASSWORD)."""
    data = tmp_path / "data"
    data.mkdir(mode=0o700, parents=True, exist_ok=True)
    store = FileUserStore(data, hasher=CHEAP)
    for name in users:
        store.add(name, PASSWORD)
    clock = Clock()
    web = WebConfig(data_dir=data, host=host, clock=clock, **config)
    if limits is not None:
        web = replace(web, limits=limits)
    client = TestClient(build_app(web, users=store), base_url=base_url, follow_redirects=False)
    return Served(client, store, clock, web)
