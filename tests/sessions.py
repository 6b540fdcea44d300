"""Helpers that build checklists and sessions from the shipped library for tests."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from npt_protocol.catalogue.products import shipped_catalogue
from npt_protocol.engine.syringes import syringe_set
from npt_protocol.planning.session import RegionRequest, Session, plan_session
from npt_protocol.protocol.library import load_library
from npt_protocol.protocol.model import Protocol
from npt_protocol.render.documents import document_meta, session_data

PREPARED_AT = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
META = document_meta(generated_at=PREPARED_AT, clinic="Test Clinic", paper="A4")


@functools.cache
def shipped() -> dict[str, Protocol]:
    """Return the shipped protocols by id, loaded once."""
    return {pid: entry.protocol for pid, entry in load_library().entries.items()}


def packet() -> dict[str, object]:
    """Return the session document the renderer tests print: two solutions, bilateral ankle."""
    return session_data(
        session(
            [
                ("knee", "left", None),
                ("shoulder", "right", None),
                ("ankle-achilles", "bilateral", None),
            ],
            weight_kg=70,
        )
    )


def session(regions: Sequence[tuple[str, str, int | None]], **options: object) -> Session:
    """Plan a session of shipped protocols with the default stocks and syringes."""
    catalogue = shipped_catalogue()
    requests = [RegionRequest(shipped()[pid], side, points) for pid, side, points in regions]
    return plan_session(
        requests,
        catalogue=catalogue,
        stocks=[catalogue.product("D50")],
        diluent=catalogue.product("SWFI"),
        syringes=syringe_set(),
        prepared_at=PREPARED_AT,
        **options,
    )  # type: ignore[arg-type]
