"""A course report (npt.course-report/1) as terminal text, Markdown, HTML or PDF.

The document comes from npt_protocol.course.report; the chart from npt_protocol.course.chart,
drawn only for HTML and PDF. HTML goes through Jinja2 with autoescaping, PDF through typst with
the document passed as JSON, so a patient note stays text in both.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Literal

from npt_protocol.render.columns import align

ReportFormat = Literal["text", "md", "html", "pdf", "json", "csv", "svg"]
REPORT_FORMATS: tuple[ReportFormat, ...] = ("text", "md", "html", "pdf", "json", "csv", "svg")
TEMPLATES = Path(__file__).parent / "templates"
HEADINGS = ("#", "Date", "Before", "After", "Relief", "Change from baseline", "Sites", "Adverse")


def session_rows(doc: dict[str, Any]) -> list[list[str]]:
    """Return the sessions table: number, date, before, after, relief, change, sites, adverse."""
    return [
        [
            str(s["index"]) + ("*" if s["amended"] else ""),
            s["date"],
            str(s["pain_before"]),
            "-" if s["pain_after"] is None else str(s["pain_after"]),
            s["relief_text"] or "-",
            s["change_text"],
            s["sites_text"],
            s["adverse_text"] or "-",
        ]
        for s in doc["sessions"]
    ]


def _heading(doc: dict[str, Any]) -> list[str]:
    """Return the lines that say whose course this is and what it plans."""
    state = "open" if doc["open"] else f"closed on {doc['closed']['on']}: {doc['closed']['reason']}"
    due = f"; next session due {doc['next_due']}" if doc["next_due"] else ""
    lines = [
        f"{doc['patient']}, course {doc['course']} ({state}), started {doc['start_date']}: "
        f"{doc['regions_text']}; {doc['solution']}",
        f"Planned {doc['planned_text']}{due}.",
    ]
    if doc["other_courses"]:
        lines.append(
            "Other courses of this patient: "
            + ", ".join(str(n) for n in doc["other_courses"])
            + " (--course N)."
        )
    return lines


def _status_lines(doc: dict[str, Any]) -> list[str]:
    """Return the status, flags and rules lines."""
    lines = [f"Status: {doc['status']['line']}"]
    lines += [f"FLAG {f['rule']}: {f['text']} ({f['source']})" for f in doc["flags"]]
    lines.append(f"Responder: {doc['rules']['responder']}.")
    lines.append(f"Stop rule: {doc['stop_rule']} ({doc['stop_rule_source']})")
    return lines


def _follow_up_lines(doc: dict[str, Any]) -> list[str]:
    """Return one line per follow-up score."""
    return [
        f"{f['date']} {f['measure']} {f['score']}"
        + (f": {f['verdict']}" if f["verdict"] else "")
        + f" ({f['measure_text']})"
        for f in doc["follow_ups"]
    ]


def course_text(doc: dict[str, Any]) -> str:
    """Render the course for the terminal (`npt course show`)."""
    lines = [*_heading(doc), ""]
    if doc["sessions"]:
        lines += align([list(HEADINGS), *session_rows(doc)])
        if any(s["amended"] for s in doc["sessions"]):
            lines.append("  * amended: `npt course history` shows every version.")
    else:
        lines.append("  No sessions recorded yet.")
    lines += ["", *_status_lines(doc)]
    if doc["follow_ups"]:
        lines += ["", "Follow-up:", *(f"  {line}" for line in _follow_up_lines(doc))]
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    """Escape a Markdown table cell: pipes, and HTML, which Markdown would pass through."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", " ")
    )


def course_markdown(doc: dict[str, Any]) -> str:
    """Render the course report as Markdown."""
    lines = [f"# Course report: {_md_cell(doc['patient'])}, course {doc['course']}", ""]
    lines += [_md_cell(line) for line in _heading(doc)]
    lines += ["", "## Sessions", ""]
    if doc["sessions"]:
        lines.append("| " + " | ".join(HEADINGS) + " |")
        lines.append("|" + "---|" * len(HEADINGS))
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in session_rows(doc)]
    else:
        lines.append("No sessions recorded yet.")
    lines += ["", "## Status", ""]
    lines += [f"- {_md_cell(line)}" for line in _status_lines(doc)]
    if doc["follow_ups"]:
        lines += ["", "## Follow-up", ""]
        lines += [f"- {_md_cell(line)}" for line in _follow_up_lines(doc)]
    lines += [
        "",
        f"Made by npt {doc['document']['tool_version']} on {doc['document']['generated_at']}.",
    ]
    return "\n".join(lines) + "\n"


def course_html(doc: dict[str, Any], chart: str) -> str:
    """Render the course report as a printable HTML page with its chart inline."""
    import jinja2  # noqa: PLC0415 - Jinja2 only for HTML
    from markupsafe import Markup  # noqa: PLC0415

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # The chart is SVG that matplotlib drew from numbers and escaped text: safe to inline.
    return environment.get_template("course_report.html.j2").render(
        doc=doc,
        heading=_heading(doc),
        status=_status_lines(doc),
        follow_ups=_follow_up_lines(doc),
        headings=HEADINGS,
        rows=session_rows(doc),
        chart=Markup(chart[chart.index("<svg") :]),
    )


def course_pdf(doc: dict[str, Any], chart: str, *, timestamp: dt.datetime | None = None) -> bytes:
    """Render the course report as PDF through typst, the chart placed as SVG."""
    import typst  # noqa: PLC0415 - typst only for PDF

    data = json.dumps(
        {
            "doc": doc,
            "heading": _heading(doc),
            "status": _status_lines(doc),
            "follow_ups": _follow_up_lines(doc),
            "headings": list(HEADINGS),
            "rows": session_rows(doc),
            "chart": chart,
        },
        ensure_ascii=False,
    )
    pdf = typst.compile(
        str(TEMPLATES / "course_report.typ"),
        sys_inputs={"data": data},
        ignore_system_fonts=True,
        timestamp=None if timestamp is None else timestamp.replace(microsecond=0),
    )
    if not isinstance(pdf, bytes):
        raise TypeError(f"typst returned {type(pdf).__name__} for a PDF")
    return pdf


def render_course(
    doc: dict[str, Any], fmt: ReportFormat, *, timestamp: dt.datetime | None = None
) -> str | bytes:
    """Render a course report document in one format; the chart is drawn only where shown."""
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "text":
        return course_text(doc)
    if fmt == "md":
        return course_markdown(doc)
    if fmt == "csv":
        from npt_protocol.course.report import csv_text  # noqa: PLC0415

        return csv_text(doc)
    from npt_protocol.course.chart import chart_svg  # noqa: PLC0415 - loads the plotting library

    chart = chart_svg(doc)
    if fmt == "svg":
        return chart
    if fmt == "html":
        return course_html(doc, chart)
    return course_pdf(doc, chart, timestamp=timestamp)
