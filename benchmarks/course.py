"""Course benchmark: `npt course list --flagged` and `npt course show ID` on 10,000 patients with
10 sessions each, against `python -I -c "import sqlalchemy, click"`, whole processes, same run.

Run: python benchmarks/course.py [--runs 11] [--patients 10000] [--db FILE] [--json]
Exit status 1 when either command's median CPU time (user + system, of the whole process)
exceeds 1.5 x the baseline's (issue 12); wall times are reported beside them. CPU time is what
the command costs; the wall time of a process on a shared machine also measures its neighbours.
The database is made by make_course_db.py in a temporary folder unless --db names one already
made.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_course_db import make
from session import run_once
from startup import compile_package, npt_command

LIMIT = 1.5


def measure(db: Path, runs: int) -> dict[str, dict[str, float]]:
    """Time the baseline and both commands, interleaved; return the medians in seconds."""
    npt = npt_command()
    cases = {
        "baseline_sqlalchemy_click": [sys.executable, "-I", "-c", "import sqlalchemy, click"],
        "npt_course_list_flagged": [*npt, "course", "list", "--flagged", "--db", str(db)],
        "npt_course_show": [*npt, "course", "show", "PT-05000", "--db", str(db)],
    }
    walls: dict[str, list[float]] = {name: [] for name in cases}
    cpus: dict[str, list[float]] = {name: [] for name in cases}
    for argv in cases.values():
        run_once(argv)  # warm the file cache and the bytecode cache
    for _ in range(runs):
        for name, argv in cases.items():
            wall, cpu = run_once(argv)
            walls[name].append(wall)
            cpus[name].append(cpu)
    return {
        name: {"wall_s": statistics.median(walls[name]), "cpu_s": statistics.median(cpus[name])}
        for name in cases
    }


def main() -> int:
    """Make the database if needed, measure, compare, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    compile_package()
    with tempfile.TemporaryDirectory() as folder:
        settings = Path(folder) / "settings.toml"
        settings.write_text("")  # the machine's own settings never change the figures
        os.environ["NPT_CONFIG"] = str(settings)
        db = args.db
        if db is None:
            db = Path(folder) / "course.sqlite3"
            make(db, patients=args.patients, sessions=10)
        medians = measure(db, args.runs)
    base = medians["baseline_sqlalchemy_click"]
    commands = {"list_flagged": "npt_course_list_flagged", "show": "npt_course_show"}
    ratios = {f"{k}_ratio": medians[v]["cpu_s"] / base["cpu_s"] for k, v in commands.items()}
    wall_ratios = {f"{k}_ratio": medians[v]["wall_s"] / base["wall_s"] for k, v in commands.items()}
    failed = [name for name, value in ratios.items() if value > LIMIT]
    if args.json:
        print(
            json.dumps(
                {"median_s": medians, "ratios": ratios, "wall_ratios": wall_ratios, "limit": LIMIT},
                indent=2,
            )
        )
    else:
        for name, value in medians.items():
            print(
                f"{name:26} median CPU {value['cpu_s'] * 1000:7.1f} ms, "
                f"wall {value['wall_s'] * 1000:7.1f} ms"
            )
        for name, value in ratios.items():
            verdict = "ok" if value <= LIMIT else "TOO HIGH"
            print(
                f"{name:26} CPU {value:6.3f} (limit {LIMIT}) {verdict}; "
                f"wall {wall_ratios[name]:6.3f} (reported)"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
