"""`npt course show`, `list`, `history`, `report` and `export`: reading the course record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from npt_protocol.cli.common import (
    NptCommand,
    UsablePath,
    echo_json,
    emit,
    one_line,
    reports_errors,
)
from npt_protocol.cli.course import (
    course_option,
    date_or_today,
    db_option,
    engine,
    number,
    patient_code,
    rules,
    settings,
    today,
)
from npt_protocol.errors import InputError

SUFFIXES = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".json": "json",
    ".csv": "csv",
    ".svg": "svg",
    ".txt": "text",
}
REPORT_CHOICES = ("pdf", "html", "md", "json", "csv", "svg", "text")


def safe(text: str) -> str:
    """Return a stored line ready for the terminal: control characters written as escapes."""
    return text if text.isprintable() else one_line(text)


def _document(patient: str, course_number: str | None, db: str | None) -> dict[str, Any]:
    """Build the report document of a patient's course."""
    from npt_protocol.cli.course import now  # noqa: PLC0415
    from npt_protocol.course.report import made_text, report_document  # noqa: PLC0415
    from npt_protocol.course.views import course_view  # noqa: PLC0415

    code = patient_code(patient)
    config = settings()
    judged = rules(config)
    view = course_view(
        engine(db, config), patient=code, course=number(course_number, "--course"), rules=judged
    )
    return report_document(view, rules=judged, generated_at=made_text(now()))


@click.command(cls=NptCommand)
@click.argument("patient")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema npt.course-report/1).")
@course_option
@db_option
@reports_errors
def show(patient: str, as_json: bool, course_number: str | None, db: str | None) -> None:
    """Show a patient's course: sessions with pain before and after, relief, change from
    baseline, status and flags.

    \b
    Examples:
      npt course show PT-0042
      npt course show PT-0042 --course 2 --json
    """
    from npt_protocol.render.course import course_text  # noqa: PLC0415

    doc = _document(patient, course_number, db)
    if as_json:
        echo_json(doc)
        return
    click.echo("\n".join(one_line(line) for line in course_text(doc).splitlines()))


@click.command("list", cls=NptCommand)
@click.option("--flagged", is_flag=True, help="Only courses with a flag (reconsider, plateau).")
@click.option("--due", is_flag=True, help="Only courses whose next session is due by today.")
@click.option("--closed", is_flag=True, help="Include closed courses.")
@click.option("--today", "on", metavar="DATE", help="Count as due by this date (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema npt.course-list/1).")
@db_option
@reports_errors
def list_command(
    flagged: bool, due: bool, closed: bool, on: str | None, as_json: bool, db: str | None
) -> None:
    """List the clinic's courses, the flagged or the due ones, with their status.

    \b
    Examples:
      npt course list --flagged
      npt course list --due
    """
    from npt_protocol.course.listing import list_courses  # noqa: PLC0415

    config = settings()
    lines = list_courses(
        engine(db, config),
        rules=rules(config),
        today=today() if on is None else date_or_today(on, "--today"),
        flagged=flagged,
        due=due,
        closed=closed,
    )
    if as_json:
        echo_json(
            {
                "schema": "npt.course-list/1",
                "courses": [
                    {
                        "patient": line.patient,
                        "course": line.course,
                        "open": line.is_open,
                        "sessions": line.sessions,
                        "state": line.state,
                        "status": line.line,
                        "flags": list(line.flags),
                        "last_session": None if line.last_date is None else str(line.last_date),
                        "next_due": None if line.next_due is None else str(line.next_due),
                    }
                    for line in lines
                ],
            }
        )
        return
    printed = []
    for line in lines:
        due_text = f"; due {line.next_due}" if line.next_due else ""
        printed.append(f"{line.patient} course {line.course}: {line.line}{due_text}")
        printed += [f"  FLAG {flag}" for flag in line.flags]
    if printed:
        click.echo("\n".join(safe(text) for text in printed))
    what = "flagged " if flagged else ""
    click.echo(f"{len(lines):,} {what}course{'s' * (len(lines) != 1)}.", err=True)


@click.command(cls=NptCommand)
@click.argument("patient")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema npt.course-history/1).")
@db_option
@reports_errors
def history(patient: str, as_json: bool, db: str | None) -> None:
    """Show every version of everything recorded for a patient, oldest first.

    \b
    Example:
      npt course history PT-0042
    """
    from npt_protocol.course.views import history as entries  # noqa: PLC0415

    code = patient_code(patient)
    found = entries(engine(db, settings()), patient=code)
    if as_json:
        echo_json(
            {
                "schema": "npt.course-history/1",
                "patient": code,
                "entries": [
                    {
                        "recorded_at": e.recorded_at,
                        "recorded_by": e.recorded_by,
                        "course": e.course,
                        "what": e.what,
                        "text": e.text,
                        "reason": e.reason,
                    }
                    for e in found
                ],
            }
        )
        return
    for e in found:
        why = f" (why: {e.reason})" if e.reason else ""
        click.echo(
            one_line(f"{e.recorded_at} {e.recorded_by}: course {e.course} {e.what}: {e.text}{why}")
        )


def _format(fmt: str | None, output: Path | None) -> str:
    """Choose the report format from --format or the -o file's extension; default Markdown."""
    named = None if output is None or str(output) == "-" else output
    by_name = SUFFIXES.get(named.suffix.lower()) if named is not None else None
    if fmt is not None and by_name is not None and fmt != by_name:
        raise InputError(
            f"-o {named} is a {by_name} file by its extension, but the format asked for is "
            f"{fmt}; give a file name that agrees, or leave the format out."
        )
    chosen = fmt or by_name or "md"
    if chosen == "pdf" and output is None:
        raise InputError("A PDF needs an output: add -o FILE.pdf, or -o - to pipe it.")
    return chosen


def _check_output(output: Path | None, force: bool) -> None:
    """Refuse early an output file that may not be written, before any work."""
    if output is not None and str(output) != "-":
        from npt_protocol.cli.output import check_target  # noqa: PLC0415

        check_target(output, force=force)


output_path = click.option(
    "-o",
    "--output",
    type=UsablePath(path_type=Path, dir_okay=False, allow_dash=True),
    help="Write to this file (atomically; never replaces one without --force); - for "
    "standard output.",
)
force_option = click.option("--force", is_flag=True, help="Replace an existing output file.")


@click.command(cls=NptCommand)
@click.argument("patient")
@click.option(
    "--format", "fmt", type=click.Choice(REPORT_CHOICES), help="Default: from -o, else md."
)
@output_path
@force_option
@course_option
@db_option
@reports_errors
def report(
    patient: str,
    fmt: str | None,
    output: Path | None,
    force: bool,
    course_number: str | None,
    db: str | None,
) -> None:
    """Write a course report with its chart: pdf, html, md, json, csv, or the chart as svg.

    \b
    Examples:
      npt course report PT-0042 -o course.pdf
      npt course report PT-0042 --format csv -o sessions.csv
      npt course report PT-0042 --format svg -o chart.svg
    """
    from npt_protocol.render.course import render_course  # noqa: PLC0415

    chosen = _format(fmt, output)
    _check_output(output, force)
    doc = _document(patient, course_number, db)
    content = render_course(doc, chosen)  # type: ignore[arg-type]
    emit(content, output=output, force=force, private=True)


@click.command(cls=NptCommand)
@click.argument("patient")
@click.option("--fhir", is_flag=True, help="An HL7 FHIR R4 Bundle (JSON); the only format so far.")
@click.option(
    "--include-identifiers",
    is_flag=True,
    help="Put the patient identifier (and any name or birth date kept) in the Bundle.",
)
@output_path
@force_option
@course_option
@db_option
@reports_errors
def export(
    patient: str,
    fhir: bool,
    include_identifiers: bool,
    output: Path | None,
    force: bool,
    course_number: str | None,
    db: str | None,
) -> None:
    """Export a patient's course as an HL7 FHIR R4 Bundle: pain scores as Observations (LOINC
    72514-3), sessions as Procedures. Identifiers are left out unless asked for.

    \b
    Example:
      npt course export PT-0042 --fhir -o bundle.json
    """
    import json  # noqa: PLC0415

    from npt_protocol.course.fhir import bundle  # noqa: PLC0415
    from npt_protocol.course.views import course_view  # noqa: PLC0415

    if not fhir:
        raise InputError("Give --fhir: an HL7 FHIR R4 Bundle is the export format.")
    _check_output(output, force)
    code = patient_code(patient)
    config = settings()
    view = course_view(
        engine(db, config),
        patient=code,
        course=number(course_number, "--course"),
        rules=rules(config),
    )
    data = bundle(view, include_identifiers=include_identifiers)
    emit(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n",
        output=output,
        force=force,
        private=True,
    )
