"""A bounded load test of `npt serve` on 127.0.0.1: clients at once, mixing page requests.

Run: python benchmarks/bench_serve.py [--clients 20] [--seconds 30] [--think 1] [--quick]
Exit status 1 when a request failed, a record was lost, or the recipe page's median latency was
more than 2 x the engine's in-process time for the same recipe plus 20 ms (both measured here).

The server runs in its own process (`npt serve --port 0 --log FILE`, loopback, no users) and
every client is a thread with its own connection and session: it opens the Prepare page for its
form token, then sends requests of each kind in turn, waiting a random think time (mean --think
seconds) before each, as a person at a tablet would, until the time is up. The server warms up
before it names its address (`npt serve` does), so the first requests are timed like the rest.
Each kind of request is an entry of KINDS: a Session or a record page adds one entry. Every
write the server confirms must be a record in the log afterwards, and the log must verify.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from npt_protocol.catalogue.clinic import load_catalogue  # noqa: E402
from npt_protocol.engine.requests import PrepareRequest, run_prepare  # noqa: E402
from npt_protocol.log.verify import verify  # noqa: E402

MAX_REQUESTS_PER_CLIENT = 10_000  # a bound whatever the think time
TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')
RECIPE = {"target": "dextrose 5%", "volume": "60mL", "from": "D50"}
CHECK = {"target": "dextrose 5%", "product": ["D50", "SWFI"], "drawn_volume": ["6mL", "54mL"]}


@dataclass(frozen=True)
class Kind:
    """A kind of request: its page, its form (None for a GET), what a right answer contains,
    and whether it writes a record."""

    name: str
    path: str
    form: dict[str, str | list[str]] | None
    expect: bytes
    writes: bool


KINDS: tuple[Kind, ...] = (
    Kind("recipe", "/prepare", RECIPE, b"Result: WITHIN the tolerance", writes=True),
    Kind("check", "/check", CHECK, b"Check: PASS", writes=True),
    Kind("protocol", "/protocols/knee", None, b"infrapatellar branch", writes=False),
    Kind("protocols", "/protocols", None, b'href="/protocols/knee"', writes=False),
)


def course_requests(folder: Path, *, patients: int = 1_000) -> tuple[tuple[Kind, ...], list[str]]:
    """The Course pages' requests (the flagged list, one patient's course) and the server's
    --db option for a course record of `patients` patients with 10 sessions each."""
    from make_course_db import make  # noqa: PLC0415 - benchmarks/ is on the path

    database = folder / "course.sqlite3"
    make(database, patients=patients, sessions=10)
    kinds = (
        Kind("courses", "/course?flagged=1", None, b'class="course-link"', writes=False),
        Kind("course", "/course/PT-00042", None, b"Status: ", writes=False),
    )
    return kinds, ["--db", str(database)]


@dataclass
class Tally:
    """What the clients saw: latencies by kind, errors, and the writes the server confirmed."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    writes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: Kind, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.setdefault(kind.name, []).append(seconds)
            if error is not None:
                self.errors.append(f"{kind.name}: {error}")
            elif kind.writes:
                self.writes += 1


def start_server(folder: Path, log: Path, *extra: str) -> tuple[subprocess.Popen[str], str, int]:
    """Start `npt serve` on a free loopback port (with extra options); return the process,
    host and port."""
    settings = folder / "settings.toml"
    settings.write_text("")
    command = [sys.executable, "-m", "npt_protocol", "serve", "--port", "0"]
    command += ["--data", str(folder / "data"), "--log", str(log), *extra]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "NPT_CONFIG": str(settings)},
        cwd=ROOT,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"(http://\S+/)", line)
    if found is None:
        process.terminate()
        raise SystemExit(f"npt serve did not start: {line!r}")
    address = urlsplit(found.group(1))
    assert address.hostname == "127.0.0.1"  # the load goes to this computer only
    return process, address.hostname, address.port or 80


def client(
    host: str,
    port: int,
    *,
    index: int,
    deadline: float,
    think: float,
    tally: Tally,
    kinds: tuple[Kind, ...] = KINDS,
) -> None:
    """One tablet: its own connection and session, every kind of request in turn."""
    chance = random.Random(index)
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.request("GET", "/prepare")
    first = connection.getresponse()
    body = first.read()
    cookie = (first.getheader("set-cookie") or "").split(";")[0]
    found = TOKEN.search(body)
    if first.status != 200 or found is None or not cookie:
        tally.errors.append(f"client {index}: no form token ({first.status})")
        return
    token = found.group(1).decode()
    # Tablets are not in step: each starts after its own pause, as it pauses between requests.
    time.sleep(chance.uniform(0, 2 * think))
    for number in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= deadline:
            break
        kind = kinds[(index + number) % len(kinds)]
        headers = {"cookie": cookie, "host": f"{host}:{port}"}
        start = time.perf_counter()
        error = None
        try:
            if kind.form is None:
                connection.request("GET", kind.path, headers=headers)
            else:
                data = urlencode({"csrf_token": token, **kind.form}, doseq=True)
                headers["content-type"] = "application/x-www-form-urlencoded"
                connection.request("POST", kind.path, body=data, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            if response.status != 200 or kind.expect not in payload:
                error = f"status {response.status}"
        except (OSError, http.client.HTTPException) as problem:
            error = repr(problem)
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=30)
        tally.add(kind, time.perf_counter() - start, error)
        time.sleep(chance.uniform(0, 2 * think))
    connection.close()


def engine_seconds(runs: int) -> float:
    """Median time of the recipe page's engine work in this process: run_prepare alone."""
    request = PrepareRequest(target=RECIPE["target"], volume=RECIPE["volume"], stocks=("D50",))
    catalogue = load_catalogue(None)
    run_prepare(request, catalogue)  # warm: imports and caches, as the server is warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run_prepare(request, catalogue)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def recorded_seconds(folder: Path, runs: int) -> float:
    """Median time, in this process, of the recipe with its durable log record, as the page
    does it (reported, not judged: it shows how much of the page's time is the log's fsync)."""
    import datetime as dt  # noqa: PLC0415

    from npt_protocol.engine.results import recipe_data  # noqa: PLC0415
    from npt_protocol.log.record import new_record  # noqa: PLC0415
    from npt_protocol.log.store import append  # noqa: PLC0415

    request = PrepareRequest(target=RECIPE["target"], volume=RECIPE["volume"], stocks=("D50",))
    catalogue = load_catalogue(None)
    log = folder / "in-process.log"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        recipe = run_prepare(request, catalogue)
        record = new_record(
            command="prepare",
            time=dt.datetime.now(dt.UTC),
            argv=[request.target],
            request=request,
            result=recipe_data(recipe),
        )
        append(log, record)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def percentile(values: list[float], share: float) -> float:
    """The share-th quantile (0.95 for the 95th percentile), by linear interpolation."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def logged_records(log: Path) -> int:
    """Count the prepare and check records in the log."""
    if not log.exists():
        return 0
    return sum(1 for line in log.read_bytes().splitlines() if b'"command":"' in line)


def main() -> int:
    """Run the load; print latencies by page; return 1 on an error, a lost write or a slow
    recipe page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    # A person at a tablet sends a form every several seconds at most: a mean pause of 1 s
    # for each of 20 tablets is a heavy clinic.
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between requests")
    parser.add_argument("--quick", action="store_true", help="12 seconds, for CI")
    args = parser.parse_args()
    seconds = 12.0 if args.quick else args.seconds
    tally = Tally()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "clinic.log"
        course_kinds, course_args = course_requests(Path(folder))
        kinds = KINDS + course_kinds
        process, host, port = start_server(Path(folder), log, *course_args)
        try:
            deadline = time.monotonic() + seconds
            threads = [
                threading.Thread(
                    target=client,
                    args=(host, port),
                    kwargs={
                        "index": i,
                        "deadline": deadline,
                        "think": args.think,
                        "tally": tally,
                        "kinds": kinds,
                    },
                )
                for i in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=seconds + 120)
        finally:
            process.terminate()
            process.wait(timeout=30)
        recorded = logged_records(log)
        chain = verify(log) if log.exists() else None
        with_record = recorded_seconds(Path(folder), runs=30)
    engine = engine_seconds(runs=50)

    total = sum(len(v) for v in tally.latencies.values())
    print(f"{args.clients} clients for {seconds:g} s, think {args.think:g} s: {total:,} requests")
    print(f"{'page':10} {'requests':>8} {'median ms':>10} {'p95 ms':>8}")
    for kind in kinds:
        values = tally.latencies.get(kind.name, [])
        if values:
            print(
                f"{kind.name:10} {len(values):8,} {statistics.median(values) * 1000:10.1f} "
                f"{percentile(values, 0.95) * 1000:8.1f}"
            )
    print(f"errors: {len(tally.errors)}")
    for error in tally.errors[:10]:
        print(f"  {error}")
    lost = tally.writes - recorded
    print(f"writes confirmed: {tally.writes:,}; records in the log: {recorded:,}; lost: {lost}")
    chain_ok = chain is not None and chain.ok
    print(f"log verifies: {'yes' if chain_ok else 'NO'}")
    recipe = statistics.median(tally.latencies.get("recipe", [float("inf")]))
    limit = 2 * engine + 0.020
    print(
        f"recipe page median {recipe * 1000:.1f} ms; engine in-process {engine * 1000:.1f} ms; "
        f"limit 2 x engine + 20 ms = {limit * 1000:.1f} ms: "
        f"{'ok' if recipe <= limit else 'OVER'}"
    )
    print(
        f"(in this process, the same recipe with its durable log record: "
        f"{with_record * 1000:.1f} ms; reported only)"
    )
    failed = bool(tally.errors) or lost != 0 or not chain_ok or recipe > limit
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
