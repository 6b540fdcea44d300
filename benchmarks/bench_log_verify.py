"""Log verification benchmark: `npt log verify` on 100,000 records must take at most 2 s.

Run: python benchmarks/bench_log_verify.py [--records 100000] [--runs 3] [--limit 2]
Exit status 1 when the slowest run (in-process or command line) exceeds the limit, or when the
generated log does not verify.

The log comes from benchmarks/make_log.py (its docstring states the mix of requests, names and
times). Verification checks every line's hashes and compares every result with this engine;
the engine itself runs once per distinct request (recomputation is memoised on identical
normalised inputs), which is what makes a long log of repeated requests fast. Wall and CPU
times are both printed: on a shared machine the wall time also counts other processes' turns.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_log import make_log
from startup import npt_command

from npt_protocol.log.verify import verify


def in_process(path: Path) -> tuple[float, float]:
    """Verify once in this process; return wall and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    report = verify(path)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if not report.ok:
        raise SystemExit(f"the generated log does not verify: {report.findings[:3]}")
    return wall, cpu


def command_line(path: Path) -> tuple[float, float]:
    """Run `npt log verify` once; return wall and CPU seconds of the whole process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [*npt_command(), "log", "verify", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"npt log verify failed with exit status {status}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> int:
    """Generate the log, time verification, report and judge."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=float, default=2.0, help="seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clinic.log"
        start = time.perf_counter()
        make_log(path, args.records)
        print(
            f"generated {args.records:,} records ({path.stat().st_size / 1e6:.0f} MB) in "
            f"{time.perf_counter() - start:.1f} s"
        )
        results = {
            "in-process": [in_process(path) for _ in range(args.runs)],
            "command line": [command_line(path) for _ in range(args.runs)],
        }
    slowest = 0.0
    for name, runs in results.items():
        walls = [wall for wall, _ in runs]
        cpus = [cpu for _, cpu in runs]
        slowest = max(slowest, *walls)
        print(
            f"{name:13} wall median {statistics.median(walls):.2f} s, max {max(walls):.2f} s; "
            f"CPU median {statistics.median(cpus):.2f} s"
        )
    verdict = "ok" if slowest <= args.limit else "TOO SLOW"
    print(f"slowest run {slowest:.2f} s (limit {args.limit:g} s) {verdict}")
    return 0 if slowest <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
