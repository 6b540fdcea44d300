"""`npt course start`, `record`, `amend`, `follow-up`, `close` and `delete`: writing the record."""

from __future__ import annotations

from pathlib import Path

import click

from npt_protocol.cli.common import NptCommand, UsablePath, reports_errors
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


def _choices(
    protocols: tuple[str, ...], sides: tuple[str, ...], regions: tuple[str, ...]
) -> list[tuple[str, str | None]]:
    """Pair --protocol with --side (one side for all, or one each), and read --region ID:SIDE."""
    if protocols and sides and len(sides) not in (1, len(protocols)):
        raise InputError(
            f"{len(protocols)} --protocol and {len(sides)} --side given; give one --side for "
            "all, or one for each --protocol."
        )
    if sides and not protocols:
        raise InputError("--side needs --protocol; or write --region ID:SIDE.")
    pairs: list[tuple[str, str | None]] = [
        (p, (sides[i] if len(sides) > 1 else sides[0]) if sides else None)
        for i, p in enumerate(protocols)
    ]
    for item in regions:
        protocol, colon, side = item.partition(":")
        if not protocol.strip() or (colon and not side.strip()):
            raise InputError(f"--region {item!r} is not ID:SIDE; expected such as knee:left.")
        pairs.append((protocol.strip(), side.strip() or None))
    return pairs


@click.command(cls=NptCommand)
@click.argument("patient")
@click.option(
    "--protocol", "protocols", multiple=True, metavar="ID", help="A protocol id; repeat for more."
)
@click.option(
    "--side",
    "sides",
    multiple=True,
    help="left, right, bilateral or midline; one for all or one each.",
)
@click.option(
    "--region",
    "regions",
    multiple=True,
    metavar="ID:SIDE",
    help="A protocol and side, e.g. knee:left.",
)
@click.option("--date", help="First day of the course, YYYY-MM-DD (default today).")
@click.option(
    "--solution", help="The solution, when the protocols' differ or the clinic uses another."
)
@click.option(
    "--name", help="The patient's name, kept only if the settings' patient_fields has name."
)
@click.option("--born", help="Date of birth YYYY-MM-DD, only if patient_fields has date_of_birth.")
@click.option(
    "--protocols",
    "protocols_dir",
    type=UsablePath(path_type=Path),
    help="A clinic folder of protocols, searched before the shipped library.",
)
@db_option
@by_option
@reports_errors
def start(
    patient: str,
    protocols: tuple[str, ...],
    sides: tuple[str, ...],
    regions: tuple[str, ...],
    date: str | None,
    solution: str | None,
    name: str | None,
    born: str | None,
    protocols_dir: Path | None,
    db: str | None,
    by: str | None,
) -> None:
    """Start a treatment course for a patient, planned from the protocols' course.

    \b
    Examples:
      npt course start PT-0042 --protocol knee --side left --date 2026-12-01
      npt course start PT-0042 --region knee:left --region shoulder:right
    """
    from npt_protocol.course.inputs import free_text  # noqa: PLC0415
    from npt_protocol.course.plan import course_plan  # noqa: PLC0415
    from npt_protocol.course.writes import not_future, start_course  # noqa: PLC0415
    from npt_protocol.protocol.library import load_library  # noqa: PLC0415 - reads YAML

    code = patient_code(patient)
    config = settings()
    pairs = _choices(protocols, sides, regions)
    if not pairs:
        raise InputError(
            "A course needs a region; give --protocol ID --side SIDE or --region ID:SIDE."
        )
    enabled = set(config.get("patient_fields") or ())
    for option, value, field in (("--name", name, "name"), ("--born", born, "date_of_birth")):
        if value is not None and field not in enabled:
            raise InputError(
                f"{option} is kept only when the clinic enables it (settings patient_fields "
                f'= ["{field}"]); the record needs only the pseudonymous identifier.'
            )
    folder = protocols_dir or config.protocols_dir
    library = load_library([folder] if folder else [], only=[p for p, _ in pairs])
    plan = course_plan(
        [(library.get(p), side) for p, side in pairs],
        solution=free_text(solution, what="--solution"),
    )
    start_date = date_or_today(date)
    not_future(start_date, today(), "--date")  # everything is checked before a database is made
    display_name = free_text(name, what="--name")
    birth_date = None if born is None else date_or_today(born, "--born")
    who, judged = recorder(by), rules(config)
    started = start_course(
        engine(db, config, create=True),
        patient=code,
        plan=plan,
        start_date=start_date,
        today=today(),
        now=now(),
        by=who,
        rules=judged,
        display_name=display_name,
        birth_date=birth_date,
    )
    regions_text = ", ".join(r.label for r in started.plan.regions)
    click.echo(
        f"Started course {started.number} for {code} on {started.start_date}: {regions_text}; "
        f"{started.plan.planned_min} to {started.plan.planned_max} sessions planned."
    )


@click.command("follow-up", cls=NptCommand)
@click.argument("patient")
@click.option(
    "--measure",
    "measures",
    multiple=True,
    metavar="ID=SCORE",
    help="A score of an outcome measure the course's protocols name, e.g. nrs-pain=3.",
)
@click.option("--date", help="When it was assessed, YYYY-MM-DD (default today).")
@click.option("--note", help="A note on the assessment.")
@course_option
@db_option
@by_option
@reports_errors
def follow_up(
    patient: str,
    measures: tuple[str, ...],
    date: str | None,
    note: str | None,
    course_number: str | None,
    db: str | None,
    by: str | None,
) -> None:
    """Record follow-up scores of the outcome measures the course's protocols name.

    No questionnaire text is shipped: score the measure on its licensed form and record the
    score here. `npt protocols show ID` lists a protocol's measures.

    \b
    Example:
      npt course follow-up PT-0042 --date 2027-03-01 --measure nrs-pain=2 --measure koos=71
    """
    from npt_protocol.course.follow_ups import record_follow_up  # noqa: PLC0415
    from npt_protocol.course.inputs import free_text, score  # noqa: PLC0415

    code = patient_code(patient)
    scores = []
    for text in measures:
        measure, equals, value = text.partition("=")
        if not equals or not measure.strip():
            raise InputError(f"--measure {text!r} is not ID=SCORE; expected such as nrs-pain=3.")
        scores.append((measure.strip(), score(value, what=f"--measure {measure.strip()}")))
    config = settings()
    records = record_follow_up(
        engine(db, config),
        patient=code,
        date=date_or_today(date),
        scores=scores,
        note=free_text(note, what="--note"),
        course=number(course_number, "--course"),
        today=today(),
        now=now(),
        by=recorder(by),
    )
    click.echo(f"Recorded {len(records)} follow-up score{'s' * (len(records) != 1)} for {code}.")


@click.command(cls=NptCommand)
@click.argument("patient")
@click.option("--reason", help="Why the course ends (required), e.g. 'pain resolved'.")
@click.option("--date", help="When it ends, YYYY-MM-DD (default today).")
@course_option
@db_option
@by_option
@reports_errors
def close(
    patient: str,
    reason: str | None,
    date: str | None,
    course_number: str | None,
    db: str | None,
    by: str | None,
) -> None:
    """Close a patient's course: no more sessions; follow-ups may still be recorded.

    \b
    Example:
      npt course close PT-0042 --reason "pain resolved"
    """
    from npt_protocol.course.endings import close_course  # noqa: PLC0415

    code = patient_code(patient)
    why = reason_text(reason)
    config = settings()
    closed = close_course(
        engine(db, config),
        patient=code,
        date=date_or_today(date),
        reason=why,
        course=number(course_number, "--course"),
        today=today(),
        now=now(),
        by=recorder(by),
        rules=rules(config),
    )
    click.echo(f"Closed course {closed.number} of {code}.")


@click.command(cls=NptCommand)
@click.argument("patient")
@click.option("--reason", help="Why the patient's record is deleted (required).")
@click.option("--confirm", metavar="ID", help="The patient identifier again, to confirm.")
@db_option
@by_option
@reports_errors
def delete(
    patient: str, reason: str | None, confirm: str | None, db: str | None, by: str | None
) -> None:
    """Delete a patient and everything recorded about them; the deletion itself is logged.

    \b
    Example:
      npt course delete PT-0042 --confirm PT-0042 --reason "patient asked for erasure"
    """
    from npt_protocol.course.endings import delete_patient  # noqa: PLC0415

    code = patient_code(patient)
    if confirm != code:
        raise InputError(
            f"Deleting {code} removes every course and session; repeat the identifier with "
            f"--confirm {code}."
        )
    why = reason_text(reason)
    courses, versions = delete_patient(
        engine(db, settings()), patient=code, reason=why, now=now(), by=recorder(by)
    )
    click.echo(
        f"Deleted {code}: {courses} course{'s' * (courses != 1)} and {versions} session "
        f"version{'s' * (versions != 1)}; the deletion is logged."
    )
