"""Checklists and session packets as terminal text or Markdown, from the shared documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from npt_protocol.render.columns import align
from npt_protocol.render.fragments import (
    draws_text,
    ml_text,
    point_notes,
    reference_lines,
    sheet_heading,
    whole_text,
)

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
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def heading(self, text: str, level: int = 2) -> None:
        """Add a heading."""
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        if self.style == "md":
            self.lines += [f"{'#' * level} {self.escape(text)}", ""]
        else:
            self.lines += [
                text.upper() if level == 1 else text,
                ("=" if level == 1 else "-") * len(text),
            ]

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


def _checklist(w: _Writer, doc: dict[str, Any], meta: dict[str, Any], *, level: int) -> None:
    """Write one checklist."""
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
    w.line("")
    w.line(f"Patient: {blank}  Date: {blank}  Clinician: {blank}  Pain before (0 to 10): {blank}")
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
    w.heading("Points", level + 1)
    rows = [
        [
            str(r["number"]),
            r["side"],
            r["nerve"],
            r["point"],
            r["volume_text"] + (" *" if r["practice_default"] else ""),
            ", ".join(r["cautions"]),
            "[ ]",
            blank,
        ]
        for r in doc["rows"]
    ]
    w.table(["#", "Side", "Nerve", "Point", "Volume", "Caution", "Done", "Pain response"], rows)
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


def checklist_sheet(doc: dict[str, Any], meta: dict[str, Any], style: Style) -> str:
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


def session_sheet(doc: dict[str, Any], meta: dict[str, Any], style: Style) -> str:
    """Render a whole session packet: summary, recipes, labels, then every checklist."""
    w = _Writer(style)
    w.heading("Session plan", 1)
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
    for solution in doc["solutions"]:
        volumes = solution["volumes_text"]
        recipe = solution["recipe"]
        w.heading(f"Solution: {solution['title']}", 2)
        w.line(f"Regions: {', '.join(solution['regions'])}")
        w.line(
            f"Injected {volumes['injected']}, plus dead space {volumes['dead_space']}, plus "
            f"margin {volumes['margin']}: {volumes['required']} needed; prepare "
            f"{volumes['prepare']}."
        )
        w.line("")
        _recipe(w, recipe)
        achieved = recipe["achieved"]
        verdict = "within" if recipe["pass"] else "NOT signable within"
        w.line(
            f"Achieved: {solution['achieved_text']}; "
            f"{verdict} the tolerance of {recipe['tolerance_percent']} %."
            + (
                f" Osmolarity {whole_text(achieved['osmolarity_mOsmol_per_L'])} mOsmol/L "
                f"({achieved['tonicity']})."
                if achieved["osmolarity_mOsmol_per_L"]
                else ""
            )
        )
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
