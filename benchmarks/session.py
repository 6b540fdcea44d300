"""Session benchmark: `npt session ... -o session.pdf` against `npt prepare` of the same solution.

Run: python benchmarks/session.py [--runs 11] [--json]
Exit status 1 when the session takes more than 2 x the median of `npt prepare` (issue 4), both
measured in the same run, interleaved.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from startup import compile_package, npt_command, run_once

LIMIT = 2.0


def main() -> int:
    """Measure both commands, compare the medians, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    compile_package()
    npt = npt_command()
    with tempfile.TemporaryDirectory() as folder:
        pdf = str(Path(folder) / "session.pdf")
        # knee, left, typical points: 5 mL + 0.15 mL dead space + 10 % margin -> 6 mL of 5 %.
        cases = {
            "npt_prepare": [*npt, "prepare", "dextrose 5%", "--volume", "6mL", "--from", "D50"],
            "npt_session_pdf": [
                *npt,
                "session",
                "--region",
                "knee:left",
                "--from",
                "D50",
                "-o",
                pdf,
                "--force",
            ],
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for argv in cases.values():
            run_once(argv)  # warm caches
        for _ in range(args.runs):
            for name, argv in cases.items():
                times[name].append(run_once(argv)[0])
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["npt_session_pdf"] / medians["npt_prepare"]
    if args.json:
        print(json.dumps({"median_s": medians, "ratio": ratio, "limit": LIMIT}, indent=2))
    else:
        for name, value in medians.items():
            print(f"{name:18} median {value * 1000:7.1f} ms")
        print(f"ratio {ratio:.3f} (limit {LIMIT}) {'ok' if ratio <= LIMIT else 'TOO HIGH'}")
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
