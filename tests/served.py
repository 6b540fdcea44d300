"""Running `npt serve` as its own process for tests and benchmarks: start it on a free port,
read the address from its start-up line, stop it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

URL = re.compile(r"(https?://\S+/) ")


@contextmanager
def npt_serve(
    args: Sequence[str], *, folder: Path, settings: str = "", timeout: float = 20
) -> Iterator[tuple[str, str]]:
    """Start `npt serve --port 0 ARGS` with its own settings file and data folder; yield its
    address and start-up line; stop it after."""
    config = folder / "config.toml"
    config.write_text(settings, encoding="utf-8")
    env = {**os.environ, "NPT_CONFIG": str(config)}
    command = [sys.executable, "-m", "npt_protocol", "serve", "--port", "0"]
    command += ["--data", str(folder / "data"), *args]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + timeout
        line = process.stdout.readline()
        if not line:
            error = process.stderr.read() if process.stderr else ""
            raise AssertionError(f"npt serve did not start: {error}")
        found = URL.search(line)
        assert found is not None, line
        assert time.monotonic() < deadline
        yield found.group(1), line.strip()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
