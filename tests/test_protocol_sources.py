"""Every reference a shipped protocol prints can be found, and every figure has a source.

A reference can be found when it has a DOI, a PubMed id or an address, or a full citation (year;
volume:pages, or a book with its publisher); a citation that could not be confirmed says so
(`unverified`) and prints that. Every statement, point, limit and course figure names a reference
of its protocol or is marked practice-default, printed "practice-based default — confirm locally".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from npt_protocol.planning.checklist import build_checklist
from npt_protocol.protocol.measures import outcome_measures
from npt_protocol.protocol.model import PRACTICE_DEFAULT, PRACTICE_DEFAULT_TEXT, Protocol
from npt_protocol.render.documents import checklist_data
from npt_protocol.render.sheets import checklist_sheet
from tests.sessions import META, shipped

IDS = sorted(shipped())
FULL_CITATION = re.compile(r"\b(19|20)\d{2};\s*\d+(\([^)]*\))?(:\s*[A-Za-z]?\d+)?")
BOOK = re.compile(r"\bed\.\s.*:\s*[A-Z][\w &]+;\s*(19|20)\d{2}")
AUTHOR_YEAR = re.compile(r"([A-ZÜ][\w'’\-]*(?: [A-Z][\w\-]*)*),? ((?:19|20)\d{2})\b")
PUBMED = re.compile(r"\b(?:PubMed|PMID) (\d{6,9})\b")
CITED = re.compile(r"\[([a-z0-9][a-z0-9-]*)\]")


def everything(p: Protocol) -> str:
    """Join every sentence a protocol prints, to search for words it must no longer say."""
    parts = [p.title, p.notes, p.course.reassess.rule]
    parts += [n.course for n in p.nerves]
    parts += [pt.landmark for _, pt in p.points]
    parts += [c.text for _, pt in p.points for c in pt.cautions]
    parts += [s.text for s in (*p.cautions, *p.indications, *p.aftercare)]
    parts += [
        s.text for kind in ("contraindication", "precaution") for s in p.warnings.of_kind(kind)
    ]
    parts += [
        s.text for kind in ("trial_exclusion", "local_policy") for s in p.warnings.of_kind(kind)
    ]
    parts += [r.citation for r in p.references]
    if p.course.follow_up is not None:
        parts.append(p.course.follow_up.text)
    return " ".join(parts)


def sourced_figures(p: Protocol) -> Iterator[tuple[str, str | None]]:
    """Yield (what, source) for everything in a protocol that carries a source."""
    yield "limits", p.limits.source
    yield "solution", p.solution.source
    yield "needle", p.technique.needle.source
    yield "course sessions", p.course.sessions_source
    if p.course.interval_days is not None:
        yield "course interval", p.course.interval_source
    yield "reassessment", p.course.reassess.source
    if p.course.follow_up is not None:
        yield "follow-up", p.course.follow_up.source
    for nerve in p.nerves:
        yield f"nerve {nerve.id}", nerve.source
        for point in nerve.points:
            yield f"point {point.id}", point.source
            for caution in point.cautions:
                yield f"caution at {point.id}", caution.source
    for kind, items in (
        ("site caution", p.cautions),
        ("indication", p.indications),
        ("aftercare", p.aftercare),
        *((kind, p.warnings.of_kind(kind)) for kind in ("contraindication", "precaution")),
        *((kind, p.warnings.of_kind(kind)) for kind in ("trial_exclusion", "local_policy")),
    ):
        for item in items:
            yield kind, item.source


def sheet(p: Protocol, style: str = "text") -> str:
    """Print a protocol's checklist, side left blank."""
    return checklist_sheet(checklist_data(build_checklist(p, side=None)), META, style)


@pytest.mark.parametrize("pid", IDS)
def test_every_reference_can_be_found_or_says_why_not(pid: str) -> None:
    for ref in shipped()[pid].references:
        findable = ref.doi or ref.pmid or ref.url or ref.unverified
        full = FULL_CITATION.search(ref.citation) or BOOK.search(ref.citation)
        assert findable or full, f"{pid}: {ref.id} cannot be found: {ref.citation}"
        if not (ref.doi or ref.pmid or ref.url or ref.unverified):
            # Without an identifier the citation must carry its year.
            assert re.search(r"(19|20)\d{2}", ref.citation), f"{pid}: {ref.id} has no year"


@pytest.mark.parametrize("pid", IDS)
def test_every_figure_has_a_source_of_its_protocol_or_the_practice_default_mark(pid: str) -> None:
    p = shipped()[pid]
    known = {r.id for r in p.references} | {PRACTICE_DEFAULT}
    for what, source in sourced_figures(p):
        assert source is not None, f"{pid}: {what} has no source"
        assert source in known, f"{pid}: {what} cites {source!r}, not a reference of {pid}"


@pytest.mark.parametrize("pid", IDS)
def test_every_reference_listed_is_used(pid: str) -> None:
    p = shipped()[pid]
    used = {source for _, source in sourced_figures(p)}
    measures = outcome_measures()
    used |= {r.id for r in p.references for m in p.outcome_measures if _same(r, measures[m])}
    text = p.notes + " " + " ".join(n.course for n in p.nerves) + " " + p.course.reassess.rule
    for ref in p.references:
        if ref.id in used:
            continue
        surname = re.split(r"[ ,.]", ref.citation)[0]
        mentions = [surname, f"PubMed {ref.pmid}", f"PMID {ref.pmid}", ref.id.replace("-", " ")]
        mentions += [m.group(0) for m in re.finditer(r"[A-Z][\w.]+ (?:19|20)\d{2}", ref.citation)]
        mentions += re.findall(r"\b[a-z]+\.(?:org|com|ca|au)\b", ref.citation)
        lowered = text.lower()
        assert any(m.lower() in lowered for m in mentions if m), f"{pid}: {ref.id} is never used"


def _same(ref: object, measure: object) -> bool:
    """Say whether a protocol reference is the source of an outcome measure."""
    doi = getattr(getattr(measure, "source", None), "doi", None)
    return doi is not None and getattr(ref, "doi", None) == doi


@pytest.mark.parametrize("pid", IDS)
def test_every_study_named_in_the_text_is_a_reference(pid: str) -> None:
    p = shipped()[pid]
    text = everything(p).replace(" ".join(r.citation for r in p.references), "")
    named = 0
    for match in AUTHOR_YEAR.finditer(text):
        name, year = match.group(1), match.group(2)
        last = name.split()[-1].lower()
        assert any(
            (last in r.citation.lower() and year in r.citation) or (last in r.id and year in r.id)
            for r in p.references
        ), f"{pid}: '{name} {year}' is not among its references"
        named += 1
    for match in PUBMED.finditer(text):
        assert any(r.pmid == match.group(1) for r in p.references), f"{pid}: {match.group(0)}"
        named += 1
    assert named, f"{pid} names no study at all"


@pytest.mark.parametrize("pid", IDS)
@pytest.mark.parametrize("style", ["text", "md"])
def test_every_reference_printed_is_listed_on_the_sheet_with_enough_to_find_it(
    pid: str, style: str
) -> None:
    printed = sheet(shipped()[pid], style)
    body, _, listed = printed.partition("References")
    listed = listed.split("Notes on the evidence")[0]
    entries = {m.group(1): line for line in listed.splitlines() for m in [CITED.search(line)] if m}
    cited = set(CITED.findall(body.replace("\\[", "[").replace("\\]", "]")))
    assert cited, pid
    assert cited <= entries.keys(), f"{pid}: {sorted(cited - entries.keys())} printed, not listed"
    for ref_id, line in entries.items():
        found = re.search(r"doi:|PMID|https?://|Unverified:", line) or FULL_CITATION.search(line)
        assert found, f"{pid}: [{ref_id}] is listed without a way to find it"


@pytest.mark.parametrize("pid", IDS)
def test_every_printed_statement_ends_with_its_source(pid: str) -> None:
    doc = checklist_data(build_checklist(shipped()[pid], side=None))
    statements = [*doc["indications"], *doc["site_cautions"], *doc["aftercare"]]
    statements += [item for group in doc["warnings"] for item in group["items"]]
    statements += [note["text"] for note in doc["point_cautions"]]
    for text in statements:
        assert re.search(r"\[[a-z0-9-]+\]$", text) or text.endswith(f"({PRACTICE_DEFAULT_TEXT})"), (
            f"{pid}: {text!r}"
        )
    assert doc["limits_text"].endswith("]") or doc["limits_text"].endswith(
        f"({PRACTICE_DEFAULT_TEXT})"
    )


def test_practice_default_figures_print_with_their_mark() -> None:
    printed = sheet(shipped()["knee"])
    assert f"Needle 27G, 13 mm ({PRACTICE_DEFAULT_TEXT})" in printed
    assert f"20 mL per side ({PRACTICE_DEFAULT_TEXT})" in printed
    assert f"* Volume is a {PRACTICE_DEFAULT_TEXT}" in printed


@pytest.mark.parametrize("pid", IDS)
def test_outcome_measures_are_known_and_printed_with_their_source(pid: str) -> None:
    p = shipped()[pid]
    measures = outcome_measures()
    assert p.outcome_measures and set(p.outcome_measures) <= measures.keys()
    assert "nrs-pain" in p.outcome_measures
    printed = sheet(p)
    section = printed.split("Outcome measures")[1].split("References")[0]
    for measure_id in p.outcome_measures:
        assert measures[measure_id].abbreviation in section
    references = printed.split("References")[1]
    assert "Franchignoni" in references or "quickdash" not in p.outcome_measures
