"""Protocol loading benchmark: read and validate every shipped protocol in-process.

Run: python benchmarks/bench_protocol_load.py [--repeats 30] [--json]
Exit status 1 when the median load of the whole library takes more than 50 ms.

The first load is reported apart: it also builds the unit registry and reads the catalogue, which
every later load in the same process reuses. The limit applies to the median of the repeats.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

LIMIT_MS = 50.0


def measure(repeats: int) -> dict[str, float]:
    """Load the shipped library once cold, then `repeats` times; return the timings in ms."""
    # Imported here so that importing this script (as its test does) costs nothing.
    from npt_protocol.protocol.library import (  # noqa: PLC0415
        load_library,
        protocol_files,
        shipped_dir,
    )

    files = len(protocol_files(shipped_dir()))
    start = time.perf_counter()
    library = load_library()
    first_ms = (time.perf_counter() - start) * 1000
    if library.broken:
        raise SystemExit(
            f"shipped protocol {library.broken[0].loaded.path} does not load: "
            f"{library.broken[0].loaded.findings[0]}"
        )
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        load_library()
        times.append((time.perf_counter() - start) * 1000)
    return {
        "files": files,
        "first_ms": first_ms,
        "median_ms": statistics.median(times),
        "max_ms": max(times),
        "limit_ms": LIMIT_MS,
    }


def main() -> int:
    """Measure and report; return 1 when the median exceeds the limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.repeats)
    too_slow = result["median_ms"] > LIMIT_MS
    if args.json:
        print(json.dumps({**result, "ok": not too_slow}, indent=2))
    else:
        print(f"shipped protocols: {result['files']:.0f} files")
        print(f"first load (builds the unit registry): {result['first_ms']:7.1f} ms")
        print(
            f"median of {args.repeats} loads: {result['median_ms']:7.1f} ms "
            f"(max {result['max_ms']:.1f} ms, limit {LIMIT_MS:.0f} ms) "
            f"{'TOO SLOW' if too_slow else 'ok'}"
        )
    return 1 if too_slow else 0


if __name__ == "__main__":
    sys.exit(main())
