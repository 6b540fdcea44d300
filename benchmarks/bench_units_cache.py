"""What Pint's definitions cache would save, measured in the same run as what it costs to start.

Run: python benchmarks/bench_units_cache.py [--runs 15] [--limit 0.05]
Exit status 1 when the cache would save more than --limit of `npt prepare`'s whole start-up:
then going without it (npt_protocol/units.py) would no longer be the cheap choice.

Pint can keep its parsed definitions in a cache folder, as a pickle that it loads on the next
start. Loading a pickle runs code: a file planted in the user cache folder ran during an
ordinary `npt prepare`. So npt builds its small registry from data/units.txt every time. Each
figure is the median over fresh processes, so imports and file reads are counted as a real
start counts them: building the registry without a cache, with a warm cache, and a whole
`npt prepare "dextrose 5%" --volume 60mL --from D50`.
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

from startup import compile_package, npt_command

BUILD = """
import sys, time
from fractions import Fraction
import pint
from npt_protocol.units import _DEFINITIONS
start = time.perf_counter()
pint.UnitRegistry(str(_DEFINITIONS), non_int_type=Fraction, cache_folder=sys.argv[1] or None)
print(time.perf_counter() - start)
"""


def build_seconds(cache: str) -> float:
    """Build the registry in a fresh process; return the seconds the build took."""
    output = subprocess.run(
        [sys.executable, "-c", BUILD, cache], capture_output=True, text=True, check=True
    ).stdout
    return float(output.split()[-1])


def prepare_seconds(folder: str) -> float:
    """Run a whole `npt prepare`; return its wall time."""
    settings = Path(folder) / "settings.toml"
    settings.write_text("")
    start = time.perf_counter()
    subprocess.run(
        [*npt_command(), "prepare", "dextrose 5%", "--volume", "60mL", "--from", "D50"],
        stdout=subprocess.DEVNULL,
        check=True,
        env={**os.environ, "NPT_CONFIG": str(settings)},
    )
    return time.perf_counter() - start


def main() -> int:
    """Measure, report and judge."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--limit", type=float, default=0.05, help="share of npt prepare")
    args = parser.parse_args()
    compile_package()
    with tempfile.TemporaryDirectory() as folder:
        cache = str(Path(folder) / "cache")
        build_seconds(cache)  # warm the cache
        without, warm, whole = [], [], []
        for _ in range(args.runs):  # interleaved, so load on the machine falls on all three
            without.append(build_seconds(""))
            warm.append(build_seconds(cache))
            whole.append(prepare_seconds(folder))
    no_cache, cached, prepare = map(statistics.median, (without, warm, whole))
    saved = no_cache - cached
    share = saved / prepare
    print(f"registry without a cache  median {no_cache * 1000:6.2f} ms")
    print(f"registry from a warm cache median {cached * 1000:6.2f} ms")
    print(f"npt prepare, whole process median {prepare * 1000:6.1f} ms")
    print(
        f"the cache would save {saved * 1000:.2f} ms: {no_cache / cached:.1f} x faster to build, "
        f"{share:.1%} of npt prepare (limit {args.limit:.0%})"
    )
    return 0 if share <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
