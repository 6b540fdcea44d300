"""A course as an HL7 FHIR R4 Bundle (type collection), as JSON-ready data.

Pain scores are Observations coded LOINC 72514-3 (pain severity, 0-10 numeric rating), each
session a Procedure with its sites, volume, batch and adverse events, relief a duration
Observation, follow-up scores Observations of their named measure. The patient identifier, name
and date of birth are left out unless asked for: the Patient resource then says nothing that
identifies anyone, and resources refer to each other by random urn:uuid ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from npt_protocol.course.model import CourseView, SessionRecord
from npt_protocol.ismp import format_volume
from npt_protocol.numbers import json_number
from npt_protocol.protocol.measures import outcome_measures

LOINC = "http://loinc.org"
PAIN_CODE = "72514-3"
PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
PATIENT_SYSTEM = "urn:npt-protocol:patient-code"


def _pain_code() -> dict[str, Any]:
    """Return the LOINC code of a 0-10 pain score."""
    return {"coding": [{"system": LOINC, "code": PAIN_CODE, "display": PAIN_DISPLAY}]}


def _category(code: str) -> list[dict[str, Any]]:
    """Return an Observation category (survey, therapy)."""
    return [{"coding": [{"system": CATEGORY, "code": code}]}]


def _duration(minutes: int) -> dict[str, Any]:
    """Return a duration as a UCUM quantity in the largest whole unit."""
    for size, unit in ((24 * 60, "d"), (60, "h"), (1, "min")):
        if minutes % size == 0:
            return {"value": minutes // size, "unit": unit, "system": UCUM, "code": unit}
    raise AssertionError("minutes are whole")  # pragma: no cover - the loop ends on 1


def _procedure(record: SessionRecord, patient_ref: str) -> dict[str, Any]:
    """Describe one session's injections as a Procedure."""
    v = record.values
    details = [f"{'; '.join(s.text() for s in v.sites)}", f"solution {v.solution}"]
    if v.volume_ml is not None:
        details.append(f"{format_volume(v.volume_ml)} injected")
    if v.batch:
        details.append(f"batch {v.batch}")
    if v.log_ref:
        details.append(f"preparation log head {v.log_ref}")
    resource: dict[str, Any] = {
        "resourceType": "Procedure",
        "status": "completed",
        "code": {"text": "Perineural injection treatment (subcutaneous injections)"},
        "subject": {"reference": patient_ref},
        "performedDateTime": v.date.isoformat(),
        "bodySite": [{"text": f"{s.protocol}, {s.side}"} for s in v.sites],
        "note": [{"text": ", ".join(details)}],
    }
    events = [a for a in v.adverse if a != "none"]
    if events or v.adverse_note:
        resource["complication"] = [{"text": a} for a in events] + (
            [{"text": v.adverse_note}] if v.adverse_note else []
        )
    return resource


def _pain(
    record: SessionRecord, value: int, when: str, patient_ref: str, procedure_ref: str
) -> dict[str, Any]:
    """Describe one pain score of a session as an Observation."""
    return {
        "resourceType": "Observation",
        "status": "amended" if record.version > 1 else "final",
        "category": _category("survey"),
        "code": _pain_code(),
        "subject": {"reference": patient_ref},
        "partOf": [{"reference": procedure_ref}],
        "effectiveDateTime": record.values.date.isoformat(),
        "valueInteger": value,
        "note": [{"text": f"Pain {when} the injections."}],
    }


def bundle(
    view: CourseView,
    *,
    include_identifiers: bool = False,
    new_id: Callable[[], uuid.UUID] = uuid.uuid4,
) -> dict[str, Any]:
    """Return the course as a FHIR R4 Bundle of type collection."""
    entries: list[dict[str, Any]] = []

    def add(resource: dict[str, Any]) -> str:
        reference = f"urn:uuid:{new_id()}"
        entries.append({"fullUrl": reference, "resource": resource})
        return reference

    person: dict[str, Any] = {"resourceType": "Patient"}
    if include_identifiers:
        person["identifier"] = [{"system": PATIENT_SYSTEM, "value": view.patient.code}]
        if view.patient.display_name:
            person["name"] = [{"text": view.patient.display_name}]
        if view.patient.birth_date:
            person["birthDate"] = view.patient.birth_date.isoformat()
    patient_ref = add(person)
    for record in view.sessions:
        procedure_ref = add(_procedure(record, patient_ref))
        add(_pain(record, record.values.pain_before, "before", patient_ref, procedure_ref))
        if record.values.pain_after is not None:
            add(_pain(record, record.values.pain_after, "right after", patient_ref, procedure_ref))
        if record.values.relief_minutes is not None:
            add(
                {
                    "resourceType": "Observation",
                    "status": "amended" if record.version > 1 else "final",
                    "category": _category("survey"),
                    "code": {"text": "Duration of pain relief since the previous session"},
                    "subject": {"reference": patient_ref},
                    "effectiveDateTime": record.values.date.isoformat(),
                    "valueQuantity": _duration(record.values.relief_minutes),
                }
            )
    for follow in view.follow_ups:
        measure = outcome_measures()[follow.measure]
        observation: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "amended" if follow.version > 1 else "final",
            "category": _category("survey"),
            "code": _pain_code()
            if follow.measure == "nrs-pain"
            else {"text": f"{measure.name} ({measure.abbreviation}) score"},
            "subject": {"reference": patient_ref},
            "effectiveDateTime": follow.date.isoformat(),
        }
        if follow.measure == "nrs-pain":
            observation["valueInteger"] = int(follow.score)
        else:
            observation["valueQuantity"] = {
                "value": json_number(Fraction(follow.score), places=6),
                "unit": "score",
                "system": UCUM,
                "code": "{score}",
            }
        add(observation)
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}
