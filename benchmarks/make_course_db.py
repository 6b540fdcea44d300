"""Make a course database for the benchmarks: 10,000 patients with 10 weekly sessions each.

Run: python benchmarks/make_course_db.py FILE [--patients 10000] [--sessions 10]
The file is made, never committed. Each patient has one knee course; their pain scores follow
one of four patterns (a steady responder, a late responder, a non-responder, a plateau), chosen
by a fixed seed, so about a third of the courses are flagged. Rows are written in bulk and the
stored statuses computed by the same code as `npt course record`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path

import sqlalchemy as sa

from npt_protocol.course import reads, tables
from npt_protocol.course.database import open_database, writing
from npt_protocol.course.rules import default_rules

START = dt.date(2025, 1, 6)
# Pain before session n (0 = the first) from a baseline of 5 to 9.
PATTERNS = {
    "responder": lambda base, n: base if n == 0 else base - 3 - (n % 2),
    "late": lambda base, n: base - (n % 2) if n < 5 else base - 3 - (n % 2),
    "non-responder": lambda base, n: base - (n % 2),
    "plateau": lambda base, n: base - min(n, 3),
}


def make(path: Path, *, patients: int, sessions: int, seed: int = 20261) -> None:
    """Write the database at path (which must not exist)."""
    if path.exists():
        raise SystemExit(f"{path} exists; give a new file name")
    engine = open_database(str(path), create=True)
    chooser = random.Random(seed)
    stamp = "2025-01-06T09:00:00Z"
    sites = json.dumps([{"protocol": "knee", "side": "left", "points": 10}])
    with writing(engine) as connection:
        connection.execute(
            sa.insert(tables.patients),
            [
                {"id": i, "code": f"PT-{i:05d}", "created_at": stamp, "created_by": "bench"}
                for i in range(1, patients + 1)
            ],
        )
        connection.execute(
            sa.insert(tables.courses),
            [
                {
                    "id": i,
                    "patient_id": i,
                    "number": 1,
                    "start_date": START + dt.timedelta(days=i % 90),
                    "solution": "dextrose 5%",
                    "planned_min": 3,
                    "planned_max": 12,
                    "interval_days": 7,
                    "reassess_after": 3,
                    "stop_rule": "Reassess after 3 sessions.",
                    "stop_rule_source": "practice-default",
                    "measures": '["nrs-pain", "pgic", "koos"]',
                    "created_at": stamp,
                    "created_by": "bench",
                }
                for i in range(1, patients + 1)
            ],
        )
        connection.execute(
            sa.insert(tables.course_regions),
            [
                {
                    "course_id": i,
                    "position": 1,
                    "protocol_id": "knee",
                    "protocol_version": "2.0.0",
                    "side": "left",
                }
                for i in range(1, patients + 1)
            ],
        )
        rows = []
        for i in range(1, patients + 1):
            pattern = PATTERNS[chooser.choice(list(PATTERNS))]
            base = chooser.randint(5, 9)
            first = START + dt.timedelta(days=i % 90)
            for n in range(sessions):
                before = pattern(base, n)
                rows.append(
                    {
                        "course_id": i,
                        "number": n + 1,
                        "version": 1,
                        "session_date": first + dt.timedelta(days=7 * n),
                        "pain_before": before,
                        "pain_after": max(0, before - 3),
                        "relief_minutes": None if n == 0 else 3 * 24 * 60,
                        "sites": sites,
                        "volume_ml": "5",
                        "solution": "dextrose 5%",
                        "adverse": "[]",
                        "voided": False,
                        "recorded_at": stamp,
                        "recorded_by": "bench",
                    }
                )
            if len(rows) >= 20_000:
                connection.execute(sa.insert(tables.session_versions), rows)
                rows = []
        if rows:
            connection.execute(sa.insert(tables.session_versions), rows)
        reads.refresh_status(connection, list(range(1, patients + 1)), default_rules())
    engine.dispose()


def main() -> int:
    """Make the database named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=10)
    args = parser.parse_args()
    make(args.file, patients=args.patients, sessions=args.sessions)
    print(f"{args.file}: {args.patients:,} patients x {args.sessions} sessions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
