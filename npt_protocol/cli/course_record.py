"""`npt course record` and `npt course amend`: a session as the clinician types it, and its
corrections."""

from __future__ import annotations

from typing import Any

import click

from npt_protocol.cli.common import NptCommand, one_line, reports_errors
from npt_protocol.cli.course import (
    by_option,
    course_option,
    date_or_today,
    db_option,
    engine,
    now,
    number,
    patient_code,
    reason_text,
    recorder,
    rules,
    settings,
    today,
)
from npt_protocol.errors import InputError


def _session_values(
    *,
    date: str | None,
    pain_before: str | None,
    pain_after: str | None,
    relief: str | None,
    volume: str | None,
    solution: str | None,
    batch: str | None,
    log_ref: str | None,
    adverse: tuple[str, ...],
    adverse_note: str | None,
    note: str | None,
) -> dict[str, Any]:
    """Read the session options that were given, as SessionValues fields."""
    from npt_protocol.course import inputs  # noqa: PLC0415

    values: dict[str, Any] = {}
    if date is not None:
        values["date"] = date_or_today(date)
    if pain_before is not None:
        values["pain_before"] = inputs.pain(pain_before, what="--pain-before")
    if pain_after is not None:
        values["pain_after"] = inputs.pain(pain_after, what="--pain-after")
    if relief is not None:
        values["relief_minutes"] = inputs.relief_minutes(relief)
    if volume is not None:
        from npt_protocol.units import parse_volume  # noqa: PLC0415

        values["volume_ml"] = parse_volume(volume, what="--volume")
    for key, text, what in (
        ("solution", solution, "--solution"),
        ("batch", batch, "--batch"),
        ("adverse_note", adverse_note, "--adverse-note"),
        ("note", note, "--note"),
    ):
        if text is not None:
            values[key] = inputs.free_text(text, what=what)
    if log_ref is not None:
        values["log_ref"] = inputs.log_reference(log_ref)
    if adverse:
        values["adverse"] = inputs.adverse_codes(adverse)
    if "other" in values.get("adverse", ()) and not values.get("adverse_note"):
        raise InputError("--adverse other needs --adverse-note saying what happened.")
    return values


def session_options(function: Any) -> Any:
    """Add the options a session records."""
    for option in reversed(
        [
            click.option("--date", help="The session's date, YYYY-MM-DD (default today)."),
            click.option("--pain-before", help="Pain before the injections, 0 to 10."),
            click.option("--pain-after", help="Pain right after the injections, 0 to 10."),
            click.option(
                "--relief", help="How long relief lasted since the last session: 3d, 12h, 2w."
            ),
            click.option(
                "--points",
                "points",
                multiple=True,
                metavar="REGION=N",
                help="Points injected in a region, e.g. knee=10 (knee:left=6 when both sides).",
            ),
            click.option("--volume", help="Volume injected, e.g. 5mL."),
            click.option("--solution", help="The solution, when not the course's."),
            click.option("--batch", help="The batch or lot of the prepared solution."),
            click.option(
                "--log-ref", help="The preparation log's head after preparing (`npt log head`)."
            ),
            click.option(
                "--adverse",
                multiple=True,
                metavar="EVENT",
                help="An adverse event from the fixed list (none, bruising, bleeding, soreness, "
                "pain-flare, vasovagal, paraesthesia, infection, allergic-reaction, other).",
            ),
            click.option("--adverse-note", help="What happened, in words."),
            click.option("--note", help="A note on the session."),
        ]
    ):
        function = option(function)
    return function


@click.command(cls=NptCommand)
@click.argument("patient")
@session_options
@course_option
@db_option
@by_option
@reports_errors
def record(
    patient: str,
    date: str | None,
    pain_before: str | None,
    pain_after: str | None,
    relief: str | None,
    points: tuple[str, ...],
    volume: str | None,
    solution: str | None,
    batch: str | None,
    log_ref: str | None,
    adverse: tuple[str, ...],
    adverse_note: str | None,
    note: str | None,
    course_number: str | None,
    db: str | None,
    by: str | None,
) -> None:
    """Record a session of a patient's course and print where the course now stands.

    \b
    Examples:
      npt course record PT-0042 --date 2026-12-01 --pain-before 7 --pain-after 3 --points knee=10
      npt course record PT-0042 --date 2026-12-08 --pain-before 6 --pain-after 2 --relief 3d
    """
    from npt_protocol.course.inputs import site_points  # noqa: PLC0415
    from npt_protocol.course.model import SessionValues  # noqa: PLC0415
    from npt_protocol.course.views import course_view  # noqa: PLC0415
    from npt_protocol.course.writes import record_session  # noqa: PLC0415

    code = patient_code(patient)
    if pain_before is None:
        raise InputError("--pain-before is required; give the pain before the injections, 0 to 10.")
    values = _session_values(
        date=date or today().isoformat(),
        pain_before=pain_before,
        pain_after=pain_after,
        relief=relief,
        volume=volume,
        solution=solution,
        batch=batch,
        log_ref=log_ref,
        adverse=adverse,
        adverse_note=adverse_note,
        note=note,
    )
    sites = [site_points(text) for text in points]
    which = number(course_number, "--course")
    config = settings()
    database, judged = engine(db, config), rules(config)
    recorded = record_session(
        database,
        patient=code,
        values=SessionValues(**values),
        points=sites,
        course=which,
        today=today(),
        now=now(),
        by=recorder(by),
        rules=judged,
    )
    view = course_view(database, patient=code, course=which, rules=judged)
    click.echo(f"Recorded session {recorded.number} of {code}, course {view.course.number}.")
    click.echo(one_line(f"Status: {view.status.line()}"))
    for flag in view.status.flags:
        click.echo(one_line(f"FLAG {flag.line()}"))


@click.command(cls=NptCommand)
@click.argument("patient")
@click.option("--session", "session", metavar="N", help="The session to correct.")
@click.option("--follow-up", "follow_up", metavar="N", help="The follow-up to correct.")
@click.option("--score", help="A follow-up's corrected score.")
@click.option("--reason", help="Why the record is corrected (required).")
@click.option("--void", is_flag=True, help="Mark it recorded in error; it stays in the history.")
@session_options
@course_option
@db_option
@by_option
@reports_errors
def amend(
    patient: str,
    session: str | None,
    follow_up: str | None,
    score: str | None,
    reason: str | None,
    void: bool,
    date: str | None,
    pain_before: str | None,
    pain_after: str | None,
    relief: str | None,
    points: tuple[str, ...],
    volume: str | None,
    solution: str | None,
    batch: str | None,
    log_ref: str | None,
    adverse: tuple[str, ...],
    adverse_note: str | None,
    note: str | None,
    course_number: str | None,
    db: str | None,
    by: str | None,
) -> None:
    """Correct a session or follow-up: a new version with who, when and why; nothing is lost.

    \b
    Examples:
      npt course amend PT-0042 --session 2 --pain-before 5 --reason "typed 6 for 5"
      npt course amend PT-0042 --follow-up 1 --score 62 --reason "scored again"
      npt course amend PT-0042 --session 3 --void --reason "recorded for the wrong patient"
    """
    from npt_protocol.course import writes  # noqa: PLC0415
    from npt_protocol.course.follow_ups import amend_follow_up  # noqa: PLC0415
    from npt_protocol.course.inputs import score as read_score  # noqa: PLC0415
    from npt_protocol.course.inputs import site_points  # noqa: PLC0415

    code = patient_code(patient)
    if (session is None) == (follow_up is None):
        raise InputError("Give --session N or --follow-up N: the one entry to correct.")
    why = reason_text(reason)
    which = number(course_number, "--course")
    config = settings()
    if follow_up is not None:
        extra = [p for p, v in (("--pain-before", pain_before), ("--points", points)) if v]
        if extra:
            raise InputError(
                f"{extra[0]} belongs to a session; a follow-up takes --score and --date."
            )
        amended = amend_follow_up(
            engine(db, config),
            patient=code,
            number=number(follow_up, "--follow-up") or 0,
            reason=why,
            score=None if score is None else read_score(score, what="--score"),
            date=None if date is None else date_or_today(date),
            void=void,
            course=which,
            today=today(),
            now=now(),
            by=recorder(by),
        )
        click.echo(f"Follow-up {amended.number} of {code} is now version {amended.version}.")
        return
    if score is not None:
        raise InputError(
            "--score belongs to a follow-up; a session takes --pain-before and others."
        )
    changes = _session_values(
        date=date,
        pain_before=pain_before,
        pain_after=pain_after,
        relief=relief,
        volume=volume,
        solution=solution,
        batch=batch,
        log_ref=log_ref,
        adverse=adverse,
        adverse_note=adverse_note,
        note=note,
    )
    amended_session = writes.amend_session(
        engine(db, config),
        patient=code,
        session=number(session, "--session") or 0,
        changes=changes,
        reason=why,
        points=[site_points(text) for text in points] or None,
        void=void,
        course=which,
        today=today(),
        now=now(),
        by=recorder(by),
        rules=rules(config),
    )
    state = " (voided)" if amended_session.voided else ""
    click.echo(
        f"Session {amended_session.number} of {code} is now version "
        f"{amended_session.version}{state}; `npt course history {code}` shows every version."
    )
