"""The public API: prepare, check, plan a session, load the protocol library, render.

Each function takes the same text a user would type on the command line (strengths, volumes,
product ids) and returns the same values the commands print, so a script gets exactly what
`npt` gives. Errors are `npt_protocol.errors.NptError` with a one-sentence message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from npt_protocol.catalogue.clinic import load_catalogue
from npt_protocol.engine.recipe import Recipe
from npt_protocol.engine.requests import (
    DEFAULT_TOLERANCE_TEXT,
    CheckRequest,
    CheckResult,
    PrepareRequest,
    parse_weight,
    run_check,
    run_prepare,
)
from npt_protocol.engine.safety import parse_tolerance
from npt_protocol.engine.snap import Method
from npt_protocol.engine.syringes import DEFAULT_SYRINGES_TEXT, syringe_set
from npt_protocol.errors import InputError
from npt_protocol.numbers import parse_percent
from npt_protocol.planning.checklist import Checklist, region_side
from npt_protocol.planning.session import DEFAULT_MARGIN, RegionRequest, Session
from npt_protocol.planning.session import plan_session as _plan_session
from npt_protocol.protocol.library import Library
from npt_protocol.protocol.library import load_library as _load_library
from npt_protocol.units import parse_volume

__all__ = ["check", "load_library", "plan_session", "prepare", "render_as"]


def prepare(
    target: str,
    *,
    volume: str,
    stocks: Sequence[str],
    diluent: str = "SWFI",
    method: Method | None = None,
    tolerance: str = DEFAULT_TOLERANCE_TEXT,
    weight: str | None = None,
    syringes: Sequence[str] = DEFAULT_SYRINGES_TEXT,
    catalogue: Path | None = None,
) -> Recipe:
    """Work out how to prepare `target` (e.g. 'dextrose 5%') at `volume` from `stocks`."""
    request = PrepareRequest(
        target=target,
        volume=volume,
        stocks=tuple(stocks),
        diluent=diluent,
        method=method,
        tolerance=tolerance,
        weight=weight,
        syringes=tuple(syringes),
        catalogue=None if catalogue is None else str(catalogue),
    )
    return run_prepare(request, load_catalogue(catalogue))


def check(
    target: str,
    drawn: Mapping[str, str],
    *,
    tolerance: str = DEFAULT_TOLERANCE_TEXT,
    weight: str | None = None,
    catalogue: Path | None = None,
) -> CheckResult:
    """Judge what was drawn (product -> volume, e.g. {'D50': '6mL'}) against `target`."""
    request = CheckRequest(
        target=target,
        drawn=tuple(f"{product}={volume}" for product, volume in drawn.items()),
        tolerance=tolerance,
        weight=weight,
        catalogue=None if catalogue is None else str(catalogue),
    )
    return run_check(request, load_catalogue(catalogue))


def load_library(folders: Sequence[Path] = ()) -> Library:
    """Load the protocol library: the clinic folders given first, then the shipped templates."""
    return _load_library(list(folders))


def plan_session(
    regions: Sequence[str],
    *,
    prepared_at: dt.datetime,
    points: Mapping[str, int] | None = None,
    stocks: Sequence[str] = (),
    diluent: str = "SWFI",
    solution: str | None = None,
    margin: str | None = None,
    tolerance: str = DEFAULT_TOLERANCE_TEXT,
    weight: str | None = None,
    syringes: Sequence[str] = DEFAULT_SYRINGES_TEXT,
    treatment_syringe: str = "10mL",
    use_by_rule: str = "immediate-use",
    protocols: Sequence[Path] = (),
    catalogue: Path | None = None,
) -> Session:
    """Plan a session for regions written 'protocol:side' (e.g. 'knee:left')."""
    library = _load_library(list(protocols), only=[r.partition(":")[0] for r in regions])
    counts = dict(points or {})
    requests = []
    for region in regions:
        protocol = library.get(region.partition(":")[0].strip())
        # A region must name its side (never a silent default); points hold on each side.
        requests.append(
            RegionRequest(protocol, region_side(protocol, region), counts.get(protocol.id))
        )
    unused = [name for name in counts if name not in {r.protocol.id for r in requests}]
    if unused:
        raise InputError(f"points name {', '.join(unused)}, which no region uses.")
    cat = load_catalogue(catalogue)
    return _plan_session(
        requests,
        catalogue=cat,
        stocks=[cat.product(s, what="stock") for s in stocks],
        diluent=cat.product(diluent, what="diluent"),
        syringes=syringe_set(syringes),
        prepared_at=prepared_at,
        solution_override=solution,
        margin=DEFAULT_MARGIN if margin is None else parse_percent(margin, what="margin"),
        treatment_syringe_ml=parse_volume(treatment_syringe, what="treatment syringe"),
        use_by_rule=use_by_rule,
        tolerance=parse_tolerance(tolerance),
        weight_kg=parse_weight(weight),
    )


def render_as(
    value: Recipe | CheckResult | Checklist | Session,
    fmt: str = "text",
    *,
    generated_at: dt.datetime | None = None,
    clinic: str | None = None,
    paper: str = "A4",
) -> str | bytes:
    """Render a recipe, check, checklist or session as the commands print it.

    Recipes and checks render as 'text' or 'json'; checklists and sessions also as 'md', 'html'
    and 'pdf' (bytes). `generated_at` is the time printed on documents (default: now).
    """
    import json  # noqa: PLC0415

    from npt_protocol.engine.results import check_data, recipe_data  # noqa: PLC0415
    from npt_protocol.render.documents import (  # noqa: PLC0415
        checklist_data,
        document_meta,
        session_data,
    )
    from npt_protocol.render.recipe import check_text, recipe_text  # noqa: PLC0415
    from npt_protocol.render.registry import FORMATS, render  # noqa: PLC0415

    if isinstance(value, Recipe | CheckResult):
        if fmt not in {"text", "json"}:
            raise InputError(f"format {fmt!r} is not available here; expected text or json.")
        if isinstance(value, Recipe):
            data, text = recipe_data(value), recipe_text(value)
        else:
            data = check_data(
                value.target_text, value.portions, value.assessment, value.catalogue_version
            )
            text = check_text(value.target_text, value.portions, value.assessment)
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n" if fmt == "json" else text
    chosen = next((f for f in FORMATS if f == fmt), None)
    if chosen is None:
        raise InputError(f"format {fmt!r} is not known; expected one of {', '.join(FORMATS)}.")
    moment = generated_at or dt.datetime.now(dt.UTC)
    meta = document_meta(generated_at=moment, clinic=clinic, paper=paper)
    if isinstance(value, Checklist):
        return render("checklist", checklist_data(value), chosen, meta=meta, timestamp=moment)
    return render("session", session_data(value), chosen, meta=meta, timestamp=moment)
