"""`npt checklist`, `npt session` and `npt label`: sheets, whole-session packets and syringe
labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from npt_protocol.cli.common import NptCommand, UsablePath, reports_errors
from npt_protocol.cli.course import db_option
from npt_protocol.cli.formats import choose_format, deliver, format_options
from npt_protocol.cli.options import (
    basis_option,
    basis_texts,
    catalogue_option,
    catalogue_path,
    require_log,
    require_percent,
    resolve_catalogue,
    resolve_syringes,
    resolve_tolerance,
    resolve_weight,
    settings,
    syringe_texts,
    tolerance_text,
)
from npt_protocol.engine.requests import with_bases
from npt_protocol.errors import InputError
from npt_protocol.numbers import parse_percent
from npt_protocol.render.registry import render
from npt_protocol.settings import Settings
from npt_protocol.times import parse_local_time
from npt_protocol.units import parse_volume

if TYPE_CHECKING:
    from npt_protocol.catalogue.products import Catalogue
    from npt_protocol.planning.patient import Patient
    from npt_protocol.planning.session import Session
    from npt_protocol.render.doctypes import DocumentMeta, LogDoc

F = TypeVar("F", bound=Callable[..., Any])
SHEETS = ("bedside", "trainer")
PROTOCOL_CACHE = "protocols.pickle"


def sheet_options(function: F) -> F:
    """Add the options every printed sheet shares: the clinic folder, paper and clinic name."""
    for option in reversed(
        [
            click.option(
                "--protocols",
                "protocols_dir",
                type=UsablePath(path_type=Path),
                help="A clinic folder of protocols, searched before the shipped library.",
            ),
            click.option(
                "--paper",
                type=click.Choice(["A4", "Letter"], case_sensitive=False),
                help="Paper size for HTML and PDF (default A4).",
            ),
            click.option("--clinic", help="Clinic name printed in the header."),
        ]
    ):
        function = option(function)
    return function


def patient_options(function: F) -> F:
    """Add --patient ID, and the name and date of birth a clinic may enable."""
    for option in reversed(
        [
            click.option(
                "--patient",
                "patient_id",
                metavar="ID",
                help="The patient's pseudonymous identifier (e.g. PT-0042), printed on every "
                "label and checklist page.",
            ),
            click.option(
                "--patient-name",
                metavar="NAME",
                help="The patient's name, only where the clinic settings enable it "
                '(patient_fields = ["name"]).',
            ),
            click.option(
                "--patient-dob",
                metavar="YYYY-MM-DD",
                help="The patient's date of birth, only where the clinic settings enable it "
                '(patient_fields = ["date_of_birth"]).',
            ),
        ]
    ):
        function = option(function)
    return function


def patient_from(
    config: Settings, identifier: str | None, name: str | None, dob: str | None
) -> Patient | None:
    """Build the patient from the options and the fields the clinic enables."""
    from npt_protocol.planning.patient import check_patient_fields, make_patient  # noqa: PLC0415

    configured = config.get("patient_fields")
    enabled = () if configured is None else check_patient_fields(configured, where="Settings file")
    return make_patient(identifier, name=name, date_of_birth=dob, enabled=enabled)


def files_read(config: Settings, lib: Any, *others: Path | None) -> list[Path]:
    """List the files a command read: settings, catalogue and protocols; --force must not
    replace them with its output."""
    paths = [p for p in (config.path, *others) if p is not None]
    for entry in lib.entries.values():
        paths += [Path(p.path) for p in (entry.protocol, *entry.hides) if p.path]
    paths += [Path(bad.loaded.path) for bad in lib.broken]
    return paths


def library(
    protocols_dir: Path | None,
    config: Settings,
    ids: list[str],
    *,
    catalogue: Catalogue | None = None,
) -> Any:
    """Load the protocols asked for, with the clinic folder searched first, reading their
    solutions in the clinic's catalogue and bases; the shipped ones through the user's cache."""
    from npt_protocol.protocol.library import load_library  # noqa: PLC0415 - needs YAML

    folder = protocols_dir or config.protocols_dir
    if catalogue is None and config.get("bases"):
        catalogue = clinic_catalogue(None, config, ())
    return load_library(
        [folder] if folder else [], only=ids, catalogue=catalogue, cache=protocol_cache()
    )


def protocol_cache() -> Path:
    """Return the file that keeps the checked shipped protocols, in the user's cache folder."""
    import platformdirs  # noqa: PLC0415 - only commands that read protocols need it

    return Path(platformdirs.user_cache_dir("npt")) / PROTOCOL_CACHE


def clinic_catalogue(option: Path | None, config: Settings, bases: Sequence[str]) -> Catalogue:
    """Return the catalogue in force: the clinic's products first, read in the clinic's bases
    (--basis, else the `bases` setting), so that a protocol, a recipe and a label agree."""
    return with_bases(resolve_catalogue(option, config), basis_texts(bases, config))


def meta(config: Settings, paper: str | None, clinic: str | None, now: dt.datetime) -> DocumentMeta:
    """Describe the document: tool version, time, clinic, paper."""
    from npt_protocol.render.documents import document_meta  # noqa: PLC0415

    chosen = paper or str(config.get("paper") or "A4")
    if chosen.lower() not in {"a4", "letter"}:
        raise InputError(f"paper {chosen!r} is not known; expected A4 or Letter.")
    return document_meta(
        generated_at=now,
        clinic=clinic or config.get("clinic_name"),
        paper="Letter" if chosen.lower() == "letter" else "A4",
    )


def parse_time(text: str | None) -> dt.datetime:
    """Parse --prepared-at (ISO 8601; local time when no offset is given), default now."""
    if text is None:
        return dt.datetime.now().astimezone().replace(second=0, microsecond=0)
    return parse_local_time(text, what="--prepared-at")


def chosen(option: str | None, config: Settings, key: str, default: str) -> str:
    """Return the option as given (even empty, for its parser to refuse), else the setting, else
    the default."""
    if option is not None:
        return option
    value = config.get(key)
    return default if value is None else str(value)


def parse_count(text: str, *, what: str) -> int:
    """Parse a whole number of points written with the digits 0-9."""
    stripped = text.strip()
    if not stripped.isascii() or not stripped.isdigit():
        raise InputError(f"{what} {text!r} is not a whole number; expected such as 14.")
    return int(stripped)


def which_sheet(sheet: str | None, patient: Patient | None) -> str:
    """Choose the checklist sheet: as asked, else bedside for a named patient, else trainer."""
    if sheet is not None:
        return sheet
    return "bedside" if patient is not None else "trainer"


@click.command(cls=NptCommand)
@click.argument("protocol_id")
@click.option(
    "--side",
    help="left, right, bilateral or midline (default: none; the sheet leaves the side blank "
    "to write in).",
)
@click.option("--points", "points", help="Number of points (default: the typical).")
@click.option(
    "--sheet",
    type=click.Choice(SHEETS),
    help="bedside: one page per side to tick at the bedside (the default with --patient); "
    "trainer: everything, with references and evidence (the default without).",
)
@patient_options
@format_options("checklist")
@sheet_options
@reports_errors
def checklist(
    protocol_id: str,
    side: str | None,
    points: str | None,
    sheet: str | None,
    patient_id: str | None,
    patient_name: str | None,
    patient_dob: str | None,
    fmt: str | None,
    as_json: bool,
    output: Path | None,
    force: bool,
    protocols_dir: Path | None,
    paper: str | None,
    clinic: str | None,
) -> None:
    """Print the injection checklist of one protocol.

    Without --side the sheet leaves the side blank to be written in by hand. With --patient
    the bedside sheet is printed (one page per side); --sheet chooses either.

    \b
    Examples:
      npt checklist knee --side left --patient PT-0042 -o knee.pdf
      npt checklist shoulder --format pdf -o shoulder.pdf
      npt checklist knee --side left --sheet bedside --format md
    """
    from npt_protocol.planning.checklist import build_checklist  # noqa: PLC0415
    from npt_protocol.render.documents import checklist_data  # noqa: PLC0415

    config = settings()
    fmt_chosen = choose_format("checklist", fmt, output, force=force, as_json=as_json)
    patient = patient_from(config, patient_id, patient_name, patient_dob)
    lib = library(protocols_dir, config, [protocol_id])
    protocol = lib.get(protocol_id)
    built = build_checklist(
        protocol,
        side=side,
        points=None if points is None else parse_count(points, what="--points"),
    )
    now = parse_time(None)
    doc = checklist_data(
        built,
        sheet="bedside" if which_sheet(sheet, patient) == "bedside" else "trainer",
        patient=patient,
    )
    content = render(
        "checklist", doc, fmt_chosen, meta=meta(config, paper, clinic, now), timestamp=now
    )
    deliver(
        content,
        output=output,
        force=force,
        read=files_read(config, lib),
        private=patient is not None,
    )


def session_options(function: F) -> F:
    """Add the options that plan a session: `npt session` and `npt label` take the same."""
    for option in reversed(
        [
            click.option(
                "--region",
                "regions",
                multiple=True,
                required=True,
                help="A protocol and its side, e.g. knee:left (the side is required unless the "
                "protocol is midline only); repeat for each region.",
            ),
            click.option(
                "--points",
                "point_counts",
                multiple=True,
                help="Points for a protocol, e.g. knee=14 (default: the protocol's typical).",
            ),
            click.option(
                "--from",
                "stock_specs",
                multiple=True,
                help="Stocks to prepare from (default: D50 for dextrose, mannitol-20, "
                "lidocaine-1).",
            ),
            click.option("--diluent", default="SWFI", show_default=True),
            click.option(
                "--solution", help="Use this solution for every region instead of the protocols'."
            ),
            click.option("--margin", help="Extra volume to prepare (default 10%)."),
            click.option(
                "--treatment-syringe",
                default="10mL",
                show_default=True,
                help="Syringe the points are given from (sets the dead space and the labels).",
            ),
            click.option(
                "--use-by",
                "use_by_rule",
                help="immediate-use (4 h, default), category-1-room (12 h) or category-1-fridge "
                "(24 h), as the clinic settings enable.",
            ),
            click.option("--prepared-at", help="Start of preparation, ISO 8601 (default: now)."),
            click.option(
                "--weight", help="Patient weight, e.g. 70kg, for the local anaesthetic dose."
            ),
            click.option("--tolerance", help="Allowed deviation of each strength (default 5%)."),
            click.option("--syringe", "syringes", multiple=True, help="Syringe set for measuring."),
            click.option(
                "--log",
                "log_file",
                type=UsablePath(path_type=Path, dir_okay=False),
                help="The clinic's preparation log: a record of each batch is appended, its "
                "reference printed on the labels and in their 2D code, and the log's head on "
                "the packet.",
            ),
            click.option(
                "--by", "prepared_by", metavar="NAME", help="Who prepared it (log and labels)."
            ),
            click.option(
                "--checked-by",
                "checked_by",
                metavar="NAME",
                help="Who checked the preparation (log and labels).",
            ),
        ]
    ):
        function = option(function)
    return basis_option(catalogue_option(patient_options(function)))


@dataclass(frozen=True)
class Planned:
    """A session planned from the options, and what the outputs need besides."""

    plan: Session
    patient: Patient | None
    config: Settings
    read: list[Path]
    request: dict[str, Any]  # the texts a batch record keeps to be recomputed


def plan_from_options(options: dict[str, Any]) -> Planned:
    """Plan the session the options describe; exit 1 (nothing written) when a recipe cannot be
    signed."""
    from npt_protocol.planning.checklist import region_side  # noqa: PLC0415
    from npt_protocol.planning.session import RegionRequest, plan_session  # noqa: PLC0415

    config = settings()
    require_log(options["log_file"], options["prepared_by"], options["checked_by"])
    patient = patient_from(
        config, options["patient_id"], options["patient_name"], options["patient_dob"]
    )
    cat = clinic_catalogue(options["catalogue"], config, options["bases"])
    regions = options["regions"]
    lib = library(
        options["protocols_dir"],
        config,
        [item.partition(":")[0].strip() for item in regions],
        catalogue=cat,
    )
    counts = _point_counts(options["point_counts"])
    requests = []
    for item in regions:
        protocol = lib.get(item.partition(":")[0].strip())
        # --points ID=N gives N points on each side of every region of that protocol.
        requests.append(
            RegionRequest(protocol, region_side(protocol, item), counts.get(protocol.id))
        )
    unused = sorted(set(counts) - {r.protocol.id for r in requests})
    if unused:
        raise InputError(f"--points names {', '.join(unused)}, which no --region uses.")
    enabled = config.get("use_by_rules")
    plan = plan_session(
        requests,
        catalogue=cat,
        stocks=[cat.product(s, what="--from") for s in options["stock_specs"]],
        diluent=cat.product(options["diluent"], what="--diluent"),
        syringes=resolve_syringes(options["syringes"], config),
        prepared_at=parse_time(options["prepared_at"]),
        solution_override=options["solution"],
        margin=parse_percent(
            require_percent(chosen(options["margin"], config, "margin", "10%"), what="--margin"),
            what="--margin",
        ),
        treatment_syringe_ml=parse_volume(options["treatment_syringe"], what="--treatment-syringe"),
        use_by_rule=chosen(options["use_by_rule"], config, "use_by_rule", "immediate-use"),
        enabled_rules=None
        if enabled is None
        else [enabled]
        if isinstance(enabled, str)
        else enabled,
        tolerance=resolve_tolerance(options["tolerance"], config),
        weight_kg=resolve_weight(options["weight"]),
    )
    if plan.unsigned:
        recipe = plan.unsigned[0].recipe
        click.echo(
            f"Error: the recipe for {plan.unsigned[0].label.contents} cannot be signed "
            f"({'; '.join(recipe.problems)}); nothing was written. "
            f"{' '.join(recipe.suggestions)}",
            err=True,
        )
        raise SystemExit(1)
    extra = catalogue_path(options["catalogue"], config)
    read = files_read(config, lib, extra, options["log_file"])
    request = {
        "tolerance": tolerance_text(options["tolerance"], config),
        "weight": options["weight"],
        "syringes": syringe_texts(options["syringes"], config),
        "catalogue": None if extra is None else str(extra.absolute()),
        "bases": basis_texts(options["bases"], config),
    }
    return Planned(plan, patient, config, read, request)


def log_batches(planned: Planned, options: dict[str, Any]) -> tuple[list[str], LogDoc | None]:
    """Append a record of each batch to the --log file (its chain checked first) and return
    each batch's reference and the log's head after them; nothing without --log."""
    log_file = options["log_file"]
    if log_file is None:
        return [], None
    from npt_protocol.cli.session_log import append_batches  # noqa: PLC0415 - --log only

    return append_batches(
        log_file,
        planned.plan,
        request=planned.request,
        prepared_by=options["prepared_by"],
        checked_by=options["checked_by"],
    )


def warn_doses(plan: Session) -> None:
    """Say on stderr, where a script sees it, that the injections exceed a dose limit; exit 1."""
    for dose in plan.doses_over:
        # Printed first in the packet too; said again here.
        click.echo(
            f"Error: the planned injections give {dose.describe(where='injected')}; "
            "do not proceed: give fewer points or a weaker solution.",
            err=True,
        )
    if plan.doses_over:
        raise SystemExit(1)


@click.command(cls=NptCommand)
@session_options
@click.option(
    "--labels",
    "labels_file",
    type=UsablePath(path_type=Path, dir_okay=False, allow_dash=False),
    help="Also write the syringe labels to this file (PDF on the label stock; .json or .txt "
    "by its extension).",
)
@click.option(
    "--stock", help="Label stock for --labels: 51x25, 57x32, 89x36, a4-sheet or letter-sheet."
)
@click.option(
    "--sheet",
    type=click.Choice(SHEETS),
    help="The checklists in the packet: bedside (the default with --patient) or trainer.",
)
@db_option
@click.option(
    "--course",
    "course_number",
    metavar="N",
    help="With --patient: which of the patient's courses the packet shows (default: the open one).",
)
@format_options("session")
@sheet_options
@reports_errors
def session(labels_file: Path | None, stock: str | None, sheet: str | None, **options: Any) -> None:
    """Plan a whole session: volumes, recipe, label and one checklist per region.

    With --patient the summary page says where the patient's course stands (status, flags and
    the last three sessions' numbers) when the course database (--db, else the `database`
    setting, else the user data folder's) holds one, and "No course record" when it does not.

    Exit code 1 when a recipe cannot be signed (nothing is written), or when the planned
    injections give more of a dose-limited solute than its limit (the packet says so first).

    \b
    Examples:
      npt session --region knee:left --region shoulder:right --from D50 -o session.pdf
      npt session --region knee:left --points knee=14 --weight 70kg --format json
      npt session --region knee:left --patient PT-0042 --log prep.log -o session.pdf \\
        --labels labels.pdf
    """
    from npt_protocol.cli.session_course import database_file, patient_course  # noqa: PLC0415
    from npt_protocol.render.documents import session_data  # noqa: PLC0415

    force, log_file = options["force"], options["log_file"]
    db_file = database_file(options["patient_id"], options["db"])
    fmt = choose_format(
        "session",
        options["fmt"],
        options["output"],
        force=force,
        as_json=options["as_json"],
        read=[log_file, labels_file, db_file],
    )
    labels_fmt = None
    if labels_file is not None:
        labels_fmt = choose_format(
            "labels", None, labels_file, force=force, option="--labels", read=[log_file, db_file]
        )
    planned = plan_from_options(options)
    config = planned.config
    # Read before anything is written: a database that cannot be read stops the command here.
    course = patient_course(
        planned.patient,
        db=options["db"],
        course_number=options["course_number"],
        config=config,
        today=parse_time(options["prepared_at"]).date(),
    )
    references, log = log_batches(planned, options)
    now = parse_time(None)
    doc_meta = meta(config, options["paper"], options["clinic"], now)
    data = session_data(
        planned.plan,
        log=log,
        patient=planned.patient,
        references=references,
        sheet="bedside" if which_sheet(sheet, planned.patient) == "bedside" else "trainer",
        course=course,
    )
    jobs: list[Callable[[], str | bytes]] = [
        lambda: render("session", data, fmt, meta=doc_meta, timestamp=now)
    ]
    if labels_file is not None and labels_fmt is not None:
        labels = _labels_doc(planned, options, stock, references)
        chosen_fmt = labels_fmt
        jobs.append(lambda: render("labels", labels, chosen_fmt, meta=doc_meta, timestamp=now))
    # The packet and the labels are typeset side by side: typst runs outside Python's lock.
    from npt_protocol.render.typesetter import together  # noqa: PLC0415

    content, *rendered = together(jobs)
    private = planned.patient is not None  # a file naming a patient is its owner's only
    if labels_file is not None and rendered:
        deliver(rendered[0], output=labels_file, force=force, read=planned.read, private=private)
    deliver(content, output=options["output"], force=force, read=planned.read, private=private)
    warn_doses(planned.plan)


@click.command(cls=NptCommand)
@session_options
@click.option(
    "--stock",
    help="Label stock: 51x25, 57x32, 89x36 (mm, one label a page), a4-sheet or letter-sheet "
    "(default: the label_stock setting, else a sheet of the paper size).",
)
@format_options("labels")
@sheet_options
@reports_errors
def label(stock: str | None, **options: Any) -> None:
    """Print one label per treatment syringe the session fills, on label stock.

    Takes the same options as `npt session`. Each label says the patient, the contents with
    the intended strength and its basis, the volume, route, region and side, prepared at and
    use-by, who prepared and checked it, and a 2D code with the preparation's log reference
    (with --log) and its facts.

    \b
    Examples:
      npt label --region knee:left --from D50 --patient PT-0042 -o labels.pdf
      npt label --region knee:left --patient PT-0042 --log prep.log --by "A. Lee" -o labels.pdf
      npt label --region knee:bilateral --stock 51x25 --format json
    """
    fmt = choose_format(
        "labels",
        options["fmt"],
        options["output"],
        force=options["force"],
        as_json=options["as_json"],
        read=[options["log_file"]],
    )
    planned = plan_from_options(options)
    references, _ = log_batches(planned, options)
    now = parse_time(None)
    labels = _labels_doc(planned, options, stock, references)
    doc_meta = meta(planned.config, options["paper"], options["clinic"], now)
    content = render("labels", labels, fmt, meta=doc_meta, timestamp=now)
    deliver(
        content,
        output=options["output"],
        force=options["force"],
        read=planned.read,
        private=planned.patient is not None,
    )
    warn_doses(planned.plan)


def _labels_doc(
    planned: Planned, options: dict[str, Any], stock: str | None, references: list[str]
) -> Any:
    """Build the labels document on the stock asked for, else the setting, else a sheet."""
    from npt_protocol.planning.labels import syringe_labels  # noqa: PLC0415
    from npt_protocol.render.labels import labels_data  # noqa: PLC0415

    config = planned.config
    paper = str(options["paper"] or config.get("paper") or "A4").lower()
    default = "letter-sheet" if paper == "letter" else "a4-sheet"
    return labels_data(
        syringe_labels(planned.plan, patient=planned.patient),
        stock_name=chosen(stock, config, "label_stock", default),
        prepared_by=options["prepared_by"],
        checked_by=options["checked_by"],
        references=references,
    )


def _point_counts(items: tuple[str, ...]) -> dict[str, int]:
    """Parse --points ID=N items."""
    counts: dict[str, int] = {}
    for item in items:
        name, separator, number = item.partition("=")
        if (
            not separator
            or not name.strip()
            or not number.strip().isascii()
            or not number.strip().isdigit()
        ):
            raise InputError(f"--points {item!r} is not ID=N; expected such as knee=14.")
        if name.strip() in counts:
            raise InputError(
                f"--points gives {name.strip()} twice; give each protocol's points once."
            )
        counts[name.strip()] = int(number)
    return counts
