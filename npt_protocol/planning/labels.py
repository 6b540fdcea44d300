"""One label per treatment syringe a session fills: what is in it, for whom, where it goes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from npt_protocol.engine.use_by import UseByRule
from npt_protocol.planning.patient import Patient
from npt_protocol.planning.session import Session, side_volumes, syringe_shares

ROUTES = ("subcutaneous", "perineural")


@dataclass(frozen=True)
class SyringeLabel:
    """The label of one treatment syringe."""

    patient: Patient | None
    contents: str  # the intended strength with its basis: 'dextrose monohydrate 5 % w/v'
    volume_ml: Fraction  # the volume drawn into this syringe for injection
    route: str
    protocol: str
    region: str
    side: str
    number: int  # this syringe's number among the region's syringes
    of: int
    prepared_at: dt.datetime
    use_by: dt.datetime
    rule: UseByRule
    solution: int  # index of the session's solution (its batch) the syringe is filled from


def route_of(depth: str) -> str:
    """Name the route a protocol's depth describes: subcutaneous or perineural, else its words."""
    first = depth.strip().lower().replace("(", " ").replace(",", " ").split()
    word = first[0] if first else ""
    return word if word in ROUTES else depth.strip().split(",")[0]


def syringe_labels(session: Session, *, patient: Patient | None) -> tuple[SyringeLabel, ...]:
    """Return a label for every treatment syringe of the session, region by region."""
    labels = []
    for index, plan in enumerate(session.solutions):
        label = plan.label
        contents = label.intended.describe(style="w/v")
        for region in plan.regions:
            protocol = region.checklist.protocol
            for side, volume in side_volumes(region.checklist).items():
                volumes = syringe_shares(volume, session.treatment_syringe_ml)
                for number, share in enumerate(volumes, 1):
                    labels.append(
                        SyringeLabel(
                            patient=patient,
                            contents=contents,
                            volume_ml=share,
                            route=route_of(protocol.technique.depth),
                            protocol=protocol.id,
                            region=protocol.region,
                            side=side,
                            number=number,
                            of=len(volumes),
                            prepared_at=label.prepared_at,
                            use_by=label.use_by,
                            rule=label.rule,
                            solution=index,
                        )
                    )
    return tuple(labels)
