"""A session planned from the Session page's fields, as `npt session` plans it from its options
with the clinic settings (stocks, diluent, syringes, tolerance, margin and bases as the settings
say); and its packet and labels, drawn by the same renderers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import ImmutableMultiDict

from npt_protocol.catalogue.clinic import load_catalogue
from npt_protocol.catalogue.products import Catalogue
from npt_protocol.engine.requests import parse_weight, with_bases
from npt_protocol.engine.safety import parse_tolerance
from npt_protocol.engine.syringes import syringe_set
from npt_protocol.engine.use_by import DEFAULT_RULE, use_by_rules
from npt_protocol.errors import InputError
from npt_protocol.inputs import basis_texts, require_percent, syringe_texts, tolerance_text
from npt_protocol.numbers import parse_percent
from npt_protocol.planning.checklist import region_side
from npt_protocol.planning.patient import Patient, check_patient_fields, make_patient
from npt_protocol.planning.session import RegionRequest, Session, plan_session
from npt_protocol.protocol.library import Library, load_library
from npt_protocol.render.doctypes import DocumentMeta
from npt_protocol.settings import Settings
from npt_protocol.units import parse_volume
from npt_protocol.web.config import WebConfig
from npt_protocol.web.library import LibraryCache

DEFAULT_TREATMENT_SYRINGE = "10mL"
DEFAULT_DILUENT = "SWFI"


def _text(fields: ImmutableMultiDict[str, str], name: str) -> str:
    """Return a field's text without the spaces around it ('' when absent)."""
    return fields.get(name, "").strip()


@dataclass(frozen=True)
class SessionForm:
    """The Session page's fields as typed: patient, regions (PROTOCOL:SIDE), points per
    protocol, and the few options a clinician changes."""

    patient: str = ""
    regions: tuple[str, ...] = ()
    points: dict[str, str] = field(default_factory=dict)
    weight: str = ""
    treatment_syringe: str = ""
    use_by: str = ""
    by: str = ""

    @classmethod
    def read(cls, fields: ImmutableMultiDict[str, str]) -> SessionForm:
        """Read the fields of a sent form or of an address's query."""
        regions = tuple(dict.fromkeys(r.strip() for r in fields.getlist("region") if r.strip()))
        points = {
            name.removeprefix("points-"): value.strip()
            for name, value in fields.multi_items()
            if name.startswith("points-") and value.strip()
        }
        return cls(
            patient=fields.get("patient", ""),
            regions=regions,
            points=points,
            weight=_text(fields, "weight"),
            treatment_syringe=_text(fields, "treatment_syringe"),
            use_by=_text(fields, "use_by"),
            by=_text(fields, "by"),
        )

    @property
    def asked(self) -> bool:
        """Say whether anything was asked for (an empty form shows no plan)."""
        return bool(self.patient or self.regions)

    def pairs(self, *, regions: Sequence[str] | None = None) -> list[tuple[str, str]]:
        """Return the fields as name-value pairs (with other regions, when given)."""
        chosen = self.regions if regions is None else regions
        pairs = [("patient", self.patient)] + [("region", r) for r in chosen]
        protocols = {r.partition(":")[0] for r in chosen}
        pairs += [(f"points-{p}", n) for p, n in self.points.items() if p in protocols]
        for name in ("weight", "treatment_syringe", "use_by"):
            if getattr(self, name):
                pairs.append((name, getattr(self, name)))
        return pairs

    def query(self, *, regions: Sequence[str] | None = None) -> str:
        """Return the fields as an address's query, for links between the pages."""
        return urlencode(self.pairs(regions=regions))

    def toggled(self, region: str) -> str:
        """Return the query with one region added, or taken away when it is chosen."""
        chosen = list(self.regions)
        if region in chosen:
            chosen.remove(region)
        else:
            chosen.append(region)
        return self.query(regions=chosen)


@dataclass(frozen=True)
class Planned:
    """A session planned from the page, and what its packet, labels and log record need."""

    plan: Session
    patient: Patient
    request: dict[str, Any]  # the texts a batch record keeps to be recomputed
    prepared_at: dt.datetime


def clinic_catalogue(config: WebConfig) -> Catalogue:
    """Return the catalogue in force: the clinic's products first, in the clinic's bases."""
    return with_bases(load_catalogue(config.catalogue), basis_texts((), config.settings))


def session_library(config: WebConfig, cache: LibraryCache, catalogue: Catalogue) -> Library:
    """Return the protocols, read in the clinic's bases when it sets any (as `npt session`)."""
    if not config.settings.get("bases"):
        return cache.get()
    folders = [config.protocols_dir] if config.protocols_dir is not None else []
    return load_library(folders, catalogue=catalogue)


def page_patient(settings: Settings, text: str) -> Patient:
    """Check the patient identifier as --patient is checked; the page requires one."""
    configured = settings.get("patient_fields")
    enabled = () if configured is None else check_patient_fields(configured, where="Settings file")
    patient = make_patient(text, enabled=enabled)
    assert patient is not None  # an identifier was given, so a patient is made
    return patient


def point_counts(form: SessionForm) -> dict[str, int]:
    """Read the points asked for each protocol: a whole number, as --points ID=N takes it."""
    counts: dict[str, int] = {}
    for protocol, text in form.points.items():
        if not text.isascii() or not text.isdigit():
            raise InputError(
                f"--points {protocol}={text!r} is not ID=N; expected such as {protocol}=14."
            )
        counts[protocol] = int(text)
    return counts


def region_requests(library: Library, form: SessionForm) -> list[RegionRequest]:
    """Turn the regions chosen into the requests `npt session --region` makes."""
    if not form.regions:
        raise InputError("No region is given; add one with --region, e.g. --region knee:left.")
    counts = point_counts(form)
    requests = []
    for item in form.regions:
        protocol = library.get(item.partition(":")[0].strip())
        requests.append(
            RegionRequest(protocol, region_side(protocol, item), counts.get(protocol.id))
        )
    return requests


def enabled_rules(settings: Settings) -> list[str] | None:
    """Return the use-by rules the clinic enables, or None for all of them."""
    enabled = settings.get("use_by_rules")
    if enabled is None:
        return None
    return [enabled] if isinstance(enabled, str) else list(enabled)


def use_by_choices(settings: Settings) -> list[tuple[str, str]]:
    """List the use-by rules a session may use here: key and name."""
    enabled = enabled_rules(settings)
    rules = use_by_rules()
    return [(k, r.name) for k, r in rules.items() if enabled is None or k in enabled]


def plan_from_form(
    config: WebConfig, cache: LibraryCache, form: SessionForm, *, now: dt.datetime
) -> Planned:
    """Plan the session the form describes, as `npt session` plans it with these options."""
    settings = config.settings
    patient = page_patient(settings, form.patient)
    catalogue = clinic_catalogue(config)
    library = session_library(config, cache, catalogue)
    requests = region_requests(library, form)
    margin = settings.get("margin")
    plan = plan_session(
        requests,
        catalogue=catalogue,
        stocks=[],
        diluent=catalogue.product(DEFAULT_DILUENT, what="--diluent"),
        syringes=syringe_set(syringe_texts((), settings)),
        prepared_at=now,
        margin=parse_percent(
            require_percent("10%" if margin is None else str(margin), what="--margin"),
            what="--margin",
        ),
        treatment_syringe_ml=parse_volume(
            form.treatment_syringe or DEFAULT_TREATMENT_SYRINGE, what="--treatment-syringe"
        ),
        use_by_rule=form.use_by or str(settings.get("use_by_rule") or DEFAULT_RULE),
        enabled_rules=enabled_rules(settings),
        tolerance=parse_tolerance(tolerance_text(None, settings)),
        weight_kg=parse_weight(form.weight or None),
    )
    request = {
        "tolerance": tolerance_text(None, settings),
        "weight": form.weight or None,
        "syringes": syringe_texts((), settings),
        "catalogue": None if config.catalogue is None else str(config.catalogue.absolute()),
        "bases": basis_texts((), settings),
    }
    return Planned(plan, patient, request, now)


def document_meta_for(settings: Settings, now: dt.datetime) -> DocumentMeta:
    """Describe a printed document: tool version, time, the clinic's name and paper."""
    from npt_protocol.render.documents import document_meta  # noqa: PLC0415

    paper = str(settings.get("paper") or "A4")
    if paper.lower() not in {"a4", "letter"}:
        raise InputError(f"paper {paper!r} is not known; expected A4 or Letter.")
    return document_meta(
        generated_at=now,
        clinic=settings.get("clinic_name"),
        paper="Letter" if paper.lower() == "letter" else "A4",
    )


def label_stock(settings: Settings) -> str:
    """Return the label stock: the label_stock setting, else a sheet of the paper size."""
    configured = settings.get("label_stock")
    if configured is not None:
        return str(configured)
    return "letter-sheet" if str(settings.get("paper") or "A4").lower() == "letter" else "a4-sheet"
