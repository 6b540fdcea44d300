"""Start-up benchmark: npt commands against bare imports of their libraries, in the same run.

Run: python benchmarks/startup.py [--runs 15] [--json]
Exit status 1 when a ratio or the memory limit is exceeded.

Figures (issue 2): median wall time of `npt prepare "dextrose 5%" --volume 60mL --from D50`
at most 1.25 x that of `python -I -c "import pint, click"`; `npt --help` at most 1.5 x that of
`python -I -c "import click"`; peak memory of every npt run under 60 MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

MEMORY_LIMIT_MIB = 60


def compile_package() -> None:
    """Write the package's bytecode, as installing a wheel does, so a source checkout (or an
    environment with PYTHONDONTWRITEBYTECODE set) is not timed compiling on every start."""
    import compileall  # noqa: PLC0415
    import importlib.util  # noqa: PLC0415

    spec = importlib.util.find_spec("npt_protocol")
    if spec is None or spec.origin is None:
        raise SystemExit("npt_protocol is not installed in this Python")
    compileall.compile_dir(str(Path(spec.origin).parent), quiet=1)


def npt_command() -> list[str]:
    """Return how to run the installed `npt` script: beside this Python, else on PATH."""
    beside = Path(sys.executable).with_name("npt")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("npt")
    return [found] if found else [sys.executable, "-m", "npt_protocol"]


def run_once(argv: list[str]) -> tuple[float, float]:
    """Run a command once; return its wall time in seconds and peak memory in MiB."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{argv} failed with exit code {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def measure(cases: dict[str, list[str]], runs: int) -> dict[str, dict[str, float]]:
    """Run every case `runs` times, interleaved so that machine load affects all alike."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    memory: dict[str, float] = {name: 0.0 for name in cases}
    for argv in cases.values():
        run_once(argv)  # warm the file cache and the bytecode cache
    for _ in range(runs):
        for name, argv in cases.items():
            elapsed, peak = run_once(argv)
            times[name].append(elapsed)
            memory[name] = max(memory[name], peak)
    return {
        name: {"median_s": statistics.median(values), "peak_MiB": memory[name]}
        for name, values in times.items()
    }


def main() -> int:
    """Measure, compare and report; return 1 when a limit is exceeded."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    compile_package()
    npt = npt_command()
    cases = {
        "baseline_pint_click": [sys.executable, "-I", "-c", "import pint, click"],
        "baseline_click": [sys.executable, "-I", "-c", "import click"],
        "npt_prepare": [*npt, "prepare", "dextrose 5%", "--volume", "60mL", "--from", "D50"],
        "npt_help": [*npt, "--help"],
    }
    results = measure(cases, args.runs)
    prepare_ratio = results["npt_prepare"]["median_s"] / results["baseline_pint_click"]["median_s"]
    help_ratio = results["npt_help"]["median_s"] / results["baseline_click"]["median_s"]
    peak = max(results["npt_prepare"]["peak_MiB"], results["npt_help"]["peak_MiB"])
    checks = {
        "prepare_ratio": (prepare_ratio, 1.25),
        "help_ratio": (help_ratio, 1.5),
        "peak_MiB": (peak, MEMORY_LIMIT_MIB),
    }
    failed = [name for name, (value, limit) in checks.items() if value > limit]
    if args.json:
        print(
            json.dumps(
                {
                    "results": results,
                    "checks": {k: {"value": v, "limit": lim} for k, (v, lim) in checks.items()},
                    "failed": failed,
                },
                indent=2,
            )
        )
    else:
        for name, figures in results.items():
            print(
                f"{name:22} median {figures['median_s'] * 1000:7.1f} ms  "
                f"peak {figures['peak_MiB']:5.1f} MiB"
            )
        for name, (value, limit) in checks.items():
            verdict = "ok" if value <= limit else "TOO HIGH"
            print(f"{name:22} {value:7.3f} (limit {limit}) {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
