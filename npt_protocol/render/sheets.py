"""Checklists and session packets as terminal text or Markdown, from the shared documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from npt_protocol.render.bodychart import legend, marks
from npt_protocol.render.columns import align
from npt_protocol.render.doctypes import (
    ChecklistDoc,
    DocumentMeta,
    PatientCourseDoc,
    PatientDoc,
    SessionDoc,
    SolutionDoc,
)
from npt_protocol.render.fit import wrap
from npt_protocol.render.fragments import (
    draws_text,
    ml_text,
    point_notes,
    reference_lines,
    sheet_heading,
    whole_text,
)
from npt_protocol.render.patient_course import SESSIONS_HEADER, session_rows

Style = Literal["text", "md"]


class _Writer:
    """Collect lines in one of two styles: plain terminal text or Markdown."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self.lines: list[str] = []

    def escape(self, text: str) -> str:
        """In Markdown, write HTML's special characters as entities, so text from a protocol
        (a title such as '<script>') shows as written instead of becoming markup."""
        if self.style != "md":
            return text
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        # A line that starts like a list item would become one: "* Volume is ..." is a note.
        return "\\" + text if text[:2] in {"* ", "- ", "+ "} else text

    def heading(self, text: str, level: int = 2) -> None:
        """Add a heading."""
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        if self.style == "md":
            self.lines += [f"{'#' * level} {self.escape(text)}", ""]
        else:
            shown = wrap(text.upper() if level == 1 else text, "")
            self.lines += [*shown, ("=" if level == 1 else "-") * max(map(len, shown))]

    def line(self, text: str = "") -> None:
        """Add a line of text (a paragraph in Markdown)."""
        self.lines.append(self.escape(text))

    def items(self, items: Sequence[str], *, boxes: bool = False) -> None:
        """Add a list, with tick boxes when asked."""
        mark = (
            ("- [ ] " if self.style == "md" else "  [ ] ")
            if boxes
            else ("- " if self.style == "md" else "  - ")
        )
        self.lines += [f"{mark}{self.escape(item)}" for item in items]
        self.lines.append("")

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """Add a table: a pipe table in Markdown, aligned columns in text."""
        if self.style == "md":

            def cell(text: str) -> str:
                return self.escape(text).replace("|", "\\|").replace("\n", " ")

            self.lines.append("| " + " | ".join(cell(h) for h in header) + " |")
            self.lines.append("|" + "|".join("---" for _ in header) + "|")
            self.lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
        else:
            self.lines += align([header, *rows])
        self.lines.append("")

    def text(self) -> str:
        """Return everything written, ending with one newline."""
        return "\n".join(self.lines).rstrip() + "\n"


def _blank(style: Style) -> str:
    """Return a space to write in by hand."""
    return "________" if style == "text" else "\\_\\_\\_\\_\\_\\_"


def patient_text(patient: PatientDoc | None, blank: str) -> str:
    """Say who the sheet is for: the identifier, and the name and birth date when given."""
    if patient is None:
        return f"Patient: {blank}"
    extra = [patient["name"], patient["date_of_birth"] and f"born {patient['date_of_birth']}"]
    shown = ", ".join(x for x in extra if x)
    return f"Patient: {patient['id']}" + (f" ({shown})" if shown else "")


def chart_text(doc: ChecklistDoc) -> str:
    """Say in words what the body chart marks."""
    return "Body chart: " + legend(marks(doc["protocol"]["id"], doc["side"], doc["chart"]))


def _checklist(w: _Writer, doc: ChecklistDoc, meta: DocumentMeta, *, level: int) -> None:
    """Write one checklist: the bedside sheet or the trainer's."""
    if doc["sheet"] == "bedside":
        _bedside(w, doc, meta, level=level)
        return
    protocol = doc["protocol"]
    blank = _blank(w.style)
    w.heading(sheet_heading(doc), level)
    w.line(
        f"Protocol {protocol['id']} version {protocol['version']} ({protocol['status']}), "
        f"content {protocol['content_hash']}. {protocol['status_line']}."
    )
    w.line(f"Solution: {doc['solution']}")
    if not doc["side"]:
        w.line(f"Side: {blank} (write left or right; the rows are for one side)")
    w.line(chart_text(doc))
    w.line("")
    w.line(
        f"{patient_text(doc['patient'], blank)}  Date: {blank}  Clinician: {blank}  "
        f"Pain before (0 to 10): {blank}"
    )
    if doc["indications"]:
        w.heading("Indications: confirm before treating", level + 1)
        w.items(doc["indications"], boxes=True)
    for group in doc["warnings"]:
        w.heading(group["heading"], level + 1)
        w.items(group["items"], boxes=True)
    w.heading("Before the first injection", level + 1)
    w.items(doc["pre_checks"], boxes=True)
    if doc["site_cautions"]:
        w.heading("Cautions at this site", level + 1)
        w.items(doc["site_cautions"])
    w.heading("Equipment", level + 1)
    w.items(doc["equipment"])
    _points_table(w, doc, blank, level=level + 1)
    w.line(
        f"Total: {doc['total_points_text']}, {doc['total_volume_text']}. Limits: "
        f"{doc['limits_text']}."
    )
    if any(r["practice_default"] for r in doc["rows"]):
        w.line(
            f"* Volume is a {doc['practice_default_text']}; each point's range is on the "
            "landmark list."
        )
    w.heading("Landmarks and cautions at each point", level + 1)
    notes = point_notes(doc)
    w.items(
        [
            " ".join([f"{n['point']} ({n['range_text']}): {n['landmark']}", *n["cautions"]])
            for n in notes
        ]
    )
    w.heading("After the procedure", level + 1)
    w.line(f"Pain after (0 to 10): {blank}  Adverse events: {blank}")
    w.line("")
    w.items(doc["aftercare"])
    w.line(doc["next_session"])
    if doc["outcome_measures"]:
        w.heading("Outcome measures", level + 1)
        w.items([m["text"] for m in doc["outcome_measures"]])
    w.heading("References", level + 1)
    w.items(reference_lines(doc))
    w.heading("Notes on the evidence", level + 1)
    w.line(" ".join(protocol["notes"].split()))
    w.line("")
    w.line(
        f"Made by npt {meta['tool_version']} on {meta['generated_at']}"
        + (f" for {meta['clinic']}" if meta["clinic"] else "")
        + "."
    )


def _bedside(w: _Writer, doc: ChecklistDoc, meta: DocumentMeta, *, level: int) -> None:
    """Write the bedside sheet: who, where, what, then the points grouped by nerve."""
    protocol = doc["protocol"]
    blank = _blank(w.style)
    w.heading(f"{sheet_heading(doc)} (bedside)", level)
    w.line(
        f"{patient_text(doc['patient'], blank)}  Date: {blank}  Clinician: {blank}  "
        f"Side: {doc['side'] or blank}"
    )
    w.line(f"Solution: {doc['solution']}; batch: {doc['batch'] or blank}")
    w.line(
        f"Protocol {protocol['id']} version {protocol['version']}, content "
        f"{protocol['content_hash']}. {protocol['status_line']}."
    )
    w.line(chart_text(doc))
    w.line(f"Pain before (0 to 10): {blank}")
    w.line("")
    for side, nerve, rows in bedside_groups(doc):
        shown = f"{nerve} ({side})" if side and doc["side"] == "bilateral" else nerve
        w.heading(shown, level + 1)
        for point in dict.fromkeys(r["point"] for r, _ in rows):
            mine = [r for r, _ in rows if r["point"] == point]
            w.line(f"{point}: {mine[0]['landmark']}")
            w.table(
                ["#", "Volume", "Caution", "Done", "Pain response"],
                [
                    [str(r["number"]), r["volume_text"], ", ".join(r["cautions"]), "[ ]", blank]
                    for r in mine
                ],
            )
    w.line(f"Total: {doc['total_points_text']}, {doc['total_volume_text']}.")
    w.line(f"Pain after (0 to 10): {blank}  Adverse events: {blank}")
    if doc["point_cautions"]:
        w.line("")
        w.items([f"{c['label']}: {c['text']}" for c in doc["point_cautions"]])
    w.line("")
    w.line(
        f"Made by npt {meta['tool_version']} on {meta['generated_at']}"
        + (f" for {meta['clinic']}" if meta["clinic"] else "")
        + "; references, evidence and precautions are on the trainer sheet (--sheet trainer)."
    )


def bedside_groups(doc: ChecklistDoc) -> list[tuple[str, str, list[tuple[Any, bool]]]]:
    """Group a sheet's rows by side and nerve, the nerve named once per group; each row says
    whether it is the first of its point (which prints the landmark)."""
    groups: list[tuple[str, str, list[tuple[Any, bool]]]] = []
    seen: set[tuple[str, str]] = set()
    for row in doc["rows"]:
        if not groups or groups[-1][:2] != (row["side"], row["nerve"]):
            groups.append((row["side"], row["nerve"], []))
        key = (row["side"], row["point"])
        groups[-1][2].append((row, key not in seen))
        seen.add(key)
    return groups


def checklist_text(doc: ChecklistDoc, meta: DocumentMeta, timestamp: dt.datetime | None) -> str:
    """Render one checklist as terminal text."""
    return checklist_sheet(doc, meta, "text")


def checklist_md(doc: ChecklistDoc, meta: DocumentMeta, timestamp: dt.datetime | None) -> str:
    """Render one checklist as Markdown."""
    return checklist_sheet(doc, meta, "md")


def session_text(doc: SessionDoc, meta: DocumentMeta, timestamp: dt.datetime | None) -> str:
    """Render a session packet as terminal text."""
    return session_sheet(doc, meta, "text")


def session_md(doc: SessionDoc, meta: DocumentMeta, timestamp: dt.datetime | None) -> str:
    """Render a session packet as Markdown."""
    return session_sheet(doc, meta, "md")


def _points_table(w: _Writer, doc: ChecklistDoc, blank: str, *, level: int) -> None:
    """Write the trainer sheet's table of points."""
    w.heading("Points", level)
    header = ["#", "Side", "Nerve", "Point", "Volume", "Caution", "Done", "Pain response"]
    if w.style == "md":
        w.table(header, [_point_row(r, blank) for r in doc["rows"]])
    else:
        # On a terminal the nerve and the point head their rows, so the table fits 100 columns.
        for side, nerve, group in bedside_groups(doc):
            w.line(f"  {nerve}{f' ({side})' if side else ''}")
            for point in dict.fromkeys(r["point"] for r, _ in group):
                w.line(f"    {point}")
                cells = [_point_row(r, blank) for r, _ in group if r["point"] == point]
                shown = ["#", "Volume", "Caution", "Done", "Pain response"]
                w.table(shown, [c[:1] + c[4:] for c in cells])


def _point_row(r: Any, blank: str) -> list[str]:
    """Return a checklist row's cells: number, side, nerve, point, volume, cautions, tick."""
    return [
        str(r["number"]),
        r["side"],
        r["nerve"],
        r["point"],
        r["volume_text"] + (" *" if r["practice_default"] else ""),
        ", ".join(r["cautions"]),
        "[ ]",
        blank,
    ]


def checklist_sheet(doc: ChecklistDoc, meta: DocumentMeta, style: Style) -> str:
    """Render one checklist document."""
    w = _Writer(style)
    _checklist(w, doc, meta, level=1)
    return w.text()


def _recipe(w: _Writer, recipe: dict[str, Any]) -> None:
    """Write a recipe from its JSON-ready form."""
    rows = [
        [
            c["product"],
            c["role"],
            ml_text(c["volume_mL"]),
            draws_text(c["draws"])
            if c["measured"]
            else f"up to the {ml_text(recipe['final_mark_mL'])} mark",
        ]
        for c in recipe["components"]
    ]
    w.table(["Product", "Role", "Volume", "Measure with"], rows)
    w.lines += [
        f"{'' if w.style == 'md' else '  '}{i}. {w.escape(s)}"
        for i, s in enumerate(recipe["steps"], 1)
    ]
    w.line("")


def _course(w: _Writer, course: PatientCourseDoc) -> None:
    """Say where the patient's course stands: the course, its status and flags, and the last
    sessions' numbers; or that the record holds no course for the patient."""
    w.heading("Course record", 2)
    w.line(course["text"])
    if course["status_text"]:
        w.line("")
        w.line(course["status_text"])
    w.line("")
    if course["flags"]:
        w.items([f"FLAG {flag['line']}" for flag in course["flags"]])
    if course["sessions"]:
        w.table(SESSIONS_HEADER, session_rows(course))


def volumes_line(solution: SolutionDoc) -> str:
    """Say what a solution's batch is made of: injected, dead space, margin, need, batch."""
    volumes = solution["volumes_text"]
    return (
        f"Injected {volumes['injected']}, plus dead space {volumes['dead_space']}, plus "
        f"margin {volumes['margin']}: {volumes['required']} needed; prepare "
        f"{volumes['prepare']}."
    )


def achieved_line(solution: SolutionDoc) -> str:
    """Say what a solution's batch achieves and whether it is within the tolerance."""
    recipe = solution["recipe"]
    achieved = recipe["achieved"]
    verdict = "within" if recipe["pass"] else "NOT signable within"
    return (
        f"Achieved: {solution['achieved_text']}; "
        f"{verdict} the tolerance of {recipe['tolerance_percent']} %."
        + (
            f" Osmolarity {whole_text(achieved['osmolarity_mOsmol_per_L'])} mOsmol/L "
            f"({achieved['tonicity']})."
            if achieved["osmolarity_mOsmol_per_L"]
            else ""
        )
    )


def session_sheet(doc: SessionDoc, meta: DocumentMeta, style: Style) -> str:
    """Render a whole session packet: summary, recipes, labels, then every checklist."""
    w = _Writer(style)
    w.heading("Session plan", 1)
    if doc["patient"] is not None:
        w.line(patient_text(doc["patient"], _blank(style)))
    found = [m for r in doc["regions"] for m in marks(r["protocol"], r["side"], r["chart"])]
    w.line(f"Body chart: {legend(found)}")
    w.line("")
    if doc["problems"]:
        w.heading("DO NOT PROCEED", 2)
        w.items(doc["problems"])
    w.table(
        ["Region", "Side", "Points", "Volume", "Treatment syringes"],
        [
            [r["protocol"], r["side"], str(r["points"]), r["volume_text"], str(r["syringes"])]
            for r in doc["regions"]
        ],
    )
    if doc["course"] is not None:
        _course(w, doc["course"])
    for solution in doc["solutions"]:
        recipe = solution["recipe"]
        w.heading(f"Solution: {solution['title']}", 2)
        w.line(f"Regions: {', '.join(solution['regions'])}")
        w.line(volumes_line(solution))
        w.line("")
        _recipe(w, recipe)
        w.line(achieved_line(solution))
        if solution["loads_injected_text"]:
            w.line(f"Injected: {solution['loads_injected_text']}.")
        for dose in solution["doses_injected_text"]:
            w.line(f"Dose: {dose}.")
        if recipe["cautions"] or recipe["warnings"]:
            w.line("")
            w.items([c["text"] for c in recipe["cautions"]] + list(recipe["warnings"]))
        w.heading("Label", 3)
        label = solution["label"]
        blank = _blank(style)
        w.items(
            [
                f"Contents: {label['contents']}",
                f"Made from: {label['ingredients_text']}",
                f"Total volume: {label['total_volume_text']}",
                f"Prepared at: {label['prepared_at']}",
                f"Use by: {label['use_by']} ({label['rule']})",
                *([f"Log record: {label['log_reference']}"] if label["log_reference"] else []),
                f"Prepared by: {blank}",
                f"Checked by: {blank}",
            ]
        )
    if doc["loads_text"]:
        w.line(f"Prepared in all: {doc['loads_text']}.")
    if doc["log_text"]:
        w.line(f"{doc['log_text']}.")
    if doc["warnings"]:
        w.heading("Warnings", 2)
        w.items(doc["warnings"])
    for checklist in doc["checklists"]:
        _checklist(w, checklist, meta, level=2)
    return w.text()
