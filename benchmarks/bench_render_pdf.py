"""PDF rendering benchmark: render every shipped protocol's checklist to PDF in one process.

Run: python benchmarks/bench_render_pdf.py [--json]
Exit status 1 when the whole loop takes more than 1 s.

The time covers the whole loop as a user's batch would see it: the first typst compile also
loads typst's embedded fonts, and that cost is counted, not warmed away. Each protocol is
rendered for both sides where it allows that, the longest sheet it can print. Loading the library
and building the documents is timed apart (it is the data side, benchmarked elsewhere).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from typing import Any

LIMIT_S = 1.0


def measure() -> dict[str, Any]:
    """Build every shipped protocol's checklist, then time rendering them all to PDF."""
    # Imported here so that importing this script (as its test does) costs nothing.
    from npt_protocol.planning.checklist import build_checklist  # noqa: PLC0415
    from npt_protocol.protocol.library import load_library  # noqa: PLC0415
    from npt_protocol.render.documents import checklist_data, document_meta  # noqa: PLC0415
    from npt_protocol.render.pdf import render_checklist_pdf  # noqa: PLC0415

    start = time.perf_counter()
    library = load_library()
    docs = []
    for protocol_id in sorted(library.entries):
        protocol = library.get(protocol_id)
        side = "bilateral" if "bilateral" in protocol.sides else protocol.sides[0]
        docs.append(checklist_data(build_checklist(protocol, side=side)))
    meta = document_meta(generated_at=dt.datetime.now(dt.UTC), clinic=None, paper="A4")
    prepare_s = time.perf_counter() - start
    times = []
    cpu = time.process_time()
    start = time.perf_counter()
    for doc in docs:
        one = time.perf_counter()
        render_checklist_pdf(doc, meta)
        times.append(time.perf_counter() - one)
    total_s = time.perf_counter() - start
    cpu_s = time.process_time() - cpu
    return {
        "protocols": len(docs),
        "total_s": total_s,
        "cpu_s": cpu_s,
        "first_s": times[0],
        "slowest_s": max(times),
        "prepare_s": prepare_s,
        "limit_s": LIMIT_S,
    }


def main() -> int:
    """Measure and report; return 1 when the whole loop exceeds the limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure()
    too_slow = result["total_s"] > LIMIT_S
    if args.json:
        print(json.dumps({**result, "ok": not too_slow}, indent=2))
    else:
        print(f"documents built (not timed below): {result['prepare_s'] * 1000:7.1f} ms")
        print(
            f"{result['protocols']} protocols to PDF: {result['total_s'] * 1000:7.1f} ms "
            f"(first {result['first_s'] * 1000:.1f} ms with font loading, slowest "
            f"{result['slowest_s'] * 1000:.1f} ms, limit {LIMIT_S * 1000:.0f} ms) "
            f"{'TOO SLOW' if too_slow else 'ok'}"
        )
        # CPU time tells a busy machine (wall time well above it) from a slow renderer.
        print(f"CPU time of the loop: {result['cpu_s'] * 1000:7.1f} ms")
    return 1 if too_slow else 0


if __name__ == "__main__":
    sys.exit(main())
