"""Hostile protocol files are refused fast: each within a multiple of loading the whole library.

Run: python benchmarks/bench_hostile_files.py [--repeats 5] [--json]
Exit status 1 when a hostile file takes longer than RATIO_LIMIT times the median in-process load
of every shipped protocol, measured in the same run (tests/hostile_yaml.py lists the cases).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' hostile cases

RATIO_LIMIT = 10.0


def _median_ms(action: object, repeats: int) -> float:
    """Run a zero-argument callable `repeats` times; return the median in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(repeats: int) -> dict[str, object]:
    """Time every hostile case and the baseline; return the figures and the worst ratio."""
    from npt_protocol.protocol.library import load_library  # noqa: PLC0415
    from npt_protocol.protocol.loader import check_bytes  # noqa: PLC0415
    from tests.hostile_yaml import HOSTILE  # noqa: PLC0415

    load_library()  # builds the unit registry once, as every later load reuses it
    baseline = _median_ms(load_library, repeats * 4)
    cases = {
        name: _median_ms(lambda data=data: check_bytes(data, path="hostile.yaml"), repeats)
        for name, (data, _) in sorted(HOSTILE.items())
    }
    worst = max(cases, key=lambda name: cases[name])
    ratio = cases[worst] / baseline
    return {
        "baseline_library_ms": baseline,
        "cases_ms": cases,
        "worst": worst,
        "worst_ratio": ratio,
        "ratio_limit": RATIO_LIMIT,
        "ok": ratio <= RATIO_LIMIT,
    }


def main() -> int:
    """Measure and report; return 1 when the worst ratio exceeds the limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.repeats)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"baseline: load the shipped library  {result['baseline_library_ms']:8.2f} ms")
        for name, ms in result["cases_ms"].items():  # type: ignore[attr-defined]
            print(f"  {name:24} {ms:8.2f} ms")
        print(
            f"worst: {result['worst']}, ratio {result['worst_ratio']:.2f} "
            f"(limit {RATIO_LIMIT:g}) {'ok' if result['ok'] else 'TOO SLOW'}"
        )
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
