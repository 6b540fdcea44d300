"""Course report benchmark: `npt course report ID -o report.pdf`, the PDF with its chart.

Run: python benchmarks/bench_course_report.py [--runs 5] [--json]
Exit status 1 when the whole process's median takes more than 1 s (issue 12); an absolute time,
so run_all.py reports it without failing CI. The database holds 200 patients with 10 sessions
each (the report reads one course: the size of the clinic does not matter). The time inside the
process is given apart: building the document, drawing the chart, and compiling the PDF.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_course_db import make
from startup import compile_package, npt_command, run_once

LIMIT_S = 1.0
PATIENT = "PT-00100"


def in_process(db: Path) -> dict[str, float]:
    """Time the report's steps in this process: document, chart, PDF."""
    from npt_protocol.course.chart import chart_svg  # noqa: PLC0415
    from npt_protocol.course.database import open_database  # noqa: PLC0415
    from npt_protocol.course.report import report_document  # noqa: PLC0415
    from npt_protocol.course.rules import default_rules  # noqa: PLC0415
    from npt_protocol.course.views import course_view  # noqa: PLC0415
    from npt_protocol.render.course import course_pdf  # noqa: PLC0415

    start = time.perf_counter()
    engine = open_database(str(db))
    view = course_view(engine, patient=PATIENT, rules=default_rules())
    doc = report_document(view, rules=default_rules(), generated_at="2026-01-01 09:00 +00:00")
    built = time.perf_counter()
    chart = chart_svg(doc)
    drawn = time.perf_counter()
    course_pdf(doc, chart)
    done = time.perf_counter()
    engine.dispose()
    return {"document_s": built - start, "chart_s": drawn - built, "pdf_s": done - drawn}


def main() -> int:
    """Measure the whole command and its steps; return 1 over the limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    compile_package()
    with tempfile.TemporaryDirectory() as folder:
        settings = Path(folder) / "settings.toml"
        settings.write_text("")
        os.environ["NPT_CONFIG"] = str(settings)
        db = Path(folder) / "course.sqlite3"
        make(db, patients=200, sessions=10)
        pdf = Path(folder) / "report.pdf"
        argv = [*npt_command(), "course", "report", PATIENT, "-o", str(pdf), "--force"]
        argv += ["--db", str(db)]
        run_once(argv)  # warm caches, and the plotting library's font list
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        whole = statistics.median(run_once(argv)[0] for _ in range(args.runs))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU time tells a busy machine (wall time well above it) from a slow command.
        cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / args.runs
        steps = in_process(db)
    too_slow = whole > LIMIT_S
    if args.json:
        print(json.dumps({"whole_s": whole, "cpu_s": cpu, **steps, "limit_s": LIMIT_S}, indent=2))
    else:
        print(
            f"npt course report -o report.pdf: median {whole * 1000:7.1f} ms "
            f"(limit {LIMIT_S * 1000:.0f} ms) {'TOO SLOW' if too_slow else 'ok'}; CPU time "
            f"{cpu * 1000:.1f} ms a run"
        )
        print(
            "in one process: document {document_s:.3f} s, chart {chart_s:.3f} s, "
            "PDF {pdf_s:.3f} s".format(**steps)
        )
    return 1 if too_slow else 0


if __name__ == "__main__":
    sys.exit(main())
