"""A bounded load test of `npt serve` on 127.0.0.1: clients at once, mixing page requests.

Run: python benchmarks/bench_serve.py [--clients 20] [--seconds 30] [--think 1] [--quick]
Exit status 1 when a request failed, a write was lost, or the recipe page's median latency was
more than 2 x the engine's in-process time for the same recipe plus 20 ms (both measured here).

The server runs in its own process (`npt serve --port 0 --log FILE --db FILE`, loopback, no
users) and every client is a thread with its own connection and session: it opens the Prepare
page for its form token, then sends requests of each kind in turn, waiting a random think time
(mean --think seconds) before each, as a person at a tablet would, until the time is up. The
server warms up before it names its address (`npt serve` does), so the first requests are timed
like the rest. Each kind of request is an entry of KINDS: recipes and checks (recorded in the
log), session plans, and sessions recorded in the course database from the During page (each
client its own patient, whose course began long ago, one session a day). Every write the server
confirms must be in the log or the database afterwards, and the log must verify.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
PLAN = "/session?patient=PT-{client}&region=knee:left&region=shoulder:right"
RECORD = {
    "patient": "PT-{client}",
    "region": "knee:left",
    "tick": ["knee:left:1", "knee:left:2", "knee:left:3"],
    "pain_before": "6",
    "pain_after": "2",
    "date": "{date}",
}
COURSE_START = dt.date(2000, 1, 1)  # each record is a day later than the one before


@dataclass(frozen=True)
class Kind:
    """A kind of request: its page, its form (None for a GET), what a right answer contains,
    and where it writes (the log, the course database, or nowhere). {client} and {date} in a
    path or form are the client's number and the date of its next session."""

    name: str
    path: str
    form: dict[str, str | list[str]] | None
    expect: bytes
    writes: str | None


KINDS: tuple[Kind, ...] = (
    Kind("recipe", "/prepare", RECIPE, b"Result: WITHIN the tolerance", writes="log"),
    Kind("check", "/check", CHECK, b"Check: PASS", writes="log"),
    Kind("session", PLAN, None, b"Result: WITHIN the tolerance", writes=None),
    Kind(
        "record",
        "/during?patient=PT-{client}&region=knee:left",
        RECORD,
        b"Recorded session",
        writes="course",
    ),
    Kind("protocol", "/protocols/knee", None, b"infrapatellar branch", writes=None),
    Kind("protocols", "/protocols", None, b'href="/protocols/knee"', writes=None),
)


def course_requests(database: Path, *, patients: int = 1_000) -> tuple[Kind, ...]:
    """The Course pages' requests (the flagged list, one patient's course), on a course record
    of `patients` patients with 10 sessions each made in `database`."""
    from make_course_db import make  # noqa: PLC0415 - benchmarks/ is on the path

    make(database, patients=patients, sessions=10)
    kinds = (
        Kind("courses", "/course?flagged=1", None, b'class="course-link"', writes=None),
        Kind("course", "/course/PT-00042", None, b"Status: ", writes=None),
    )
    return kinds


def filled(text: str, *, client: int, sessions: int) -> str:
    """Put the client's number and the date of its next session into a path or a field."""
    date = COURSE_START + dt.timedelta(days=sessions)
    return text.replace("{client}", f"{client:04d}").replace("{date}", date.isoformat())


@dataclass
class Tally:
    """What the clients saw: latencies by kind, errors, and the writes the server confirmed."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    writes: dict[str, int] = field(default_factory=lambda: {"log": 0, "course": 0})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: Kind, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.setdefault(kind.name, []).append(seconds)
            if error is not None:
                self.errors.append(f"{kind.name}: {error}")
            elif kind.writes is not None:
                self.writes[kind.writes] += 1


def start_courses(database: Path, clients: int) -> None:
    """Start a course on the left knee for each client's patient, long ago, so that each
    record request can be a session a day later than the last."""
    from npt_protocol.course.database import open_database  # noqa: PLC0415
    from npt_protocol.course.plan import course_plan  # noqa: PLC0415
    from npt_protocol.course.rules import default_rules  # noqa: PLC0415
    from npt_protocol.course.writes import start_course  # noqa: PLC0415
    from npt_protocol.protocol.library import load_library  # noqa: PLC0415

    knee = load_library([]).get("knee")
    engine = open_database(str(database), create=True)
    try:
        for index in range(clients):
            start_course(
                engine,
                patient=filled("PT-{client}", client=index, sessions=0),
                plan=course_plan([(knee, "left")]),
                start_date=COURSE_START,
                today=dt.date.today(),
                now=dt.datetime.now(dt.UTC),
                by="bench",
                rules=default_rules(),
            )
    finally:
        engine.dispose()


def recorded_sessions(database: Path) -> int:
    """Count the session versions in the course database."""
    import sqlalchemy as sa  # noqa: PLC0415

    from npt_protocol.course import tables  # noqa: PLC0415
    from npt_protocol.course.database import open_database  # noqa: PLC0415

    engine = open_database(str(database))
    try:
        with engine.connect() as connection:
            count = connection.execute(
                sa.select(sa.func.count()).select_from(tables.session_versions)
            ).scalar_one()
    finally:
        engine.dispose()
    return int(count)


def start_server(folder: Path, log: Path, database: Path) -> tuple[subprocess.Popen[str], str, int]:
    """Start `npt serve` on a free loopback port; return the process, host and port."""
    settings = folder / "settings.toml"
    settings.write_text("")
    command = [sys.executable, "-m", "npt_protocol", "serve", "--port", "0"]
    command += ["--data", str(folder / "data"), "--log", str(log), "--db", str(database)]
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
    sessions = 0
    for number in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= deadline:
            break
        kind = kinds[(index + number) % len(kinds)]
        headers = {"cookie": cookie, "host": f"{host}:{port}"}
        if kind.writes == "course":
            sessions += 1
        path = filled(kind.path, client=index, sessions=sessions)
        start = time.perf_counter()
        error = None
        try:
            if kind.form is None:
                connection.request("GET", path, headers=headers)
            else:
                form = {
                    name: [filled(v, client=index, sessions=sessions) for v in value]
                    if isinstance(value, list)
                    else filled(value, client=index, sessions=sessions)
                    for name, value in kind.form.items()
                }
                data = urlencode({"csrf_token": token, **form}, doseq=True)
                headers["content-type"] = "application/x-www-form-urlencoded"
                connection.request("POST", path, body=data, headers=headers)
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
        database = Path(folder) / "course.sqlite3"
        kinds = KINDS + course_requests(database)
        start_courses(database, args.clients)
        # The course pages' record already holds sessions: count only what the load adds.
        sessions_before = recorded_sessions(database)
        process, host, port = start_server(Path(folder), log, database)
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
        sessions = recorded_sessions(database) - sessions_before
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
    lost = tally.writes["log"] - recorded
    print(
        f"log writes confirmed: {tally.writes['log']:,}; records in the log: {recorded:,}; "
        f"lost: {lost}"
    )
    lost_sessions = tally.writes["course"] - sessions
    print(
        f"sessions confirmed: {tally.writes['course']:,}; added to the course database: "
        f"{sessions:,}; lost: {lost_sessions}"
    )
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
    failed = bool(tally.errors) or lost != 0 or lost_sessions != 0 or not chain_ok
    failed = failed or recipe > limit
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
