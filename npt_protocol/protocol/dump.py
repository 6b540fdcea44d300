"""Turn a Protocol back into the plain data and YAML text of its file format."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from npt_protocol.numbers import round_to
from npt_protocol.protocol.model import (
    Course,
    Nerve,
    Point,
    Protocol,
    Reference,
    Solution,
    Technique,
)


def exact_decimal(value: Fraction) -> str:
    """Write a Fraction as a plain decimal, exactly when it terminates (parsed volumes do)."""
    for places in range(13):
        scaled = value * 10**places
        if scaled.denominator == 1:
            return format(Decimal(scaled.numerator).scaleb(-places), "f")
    return format(round_to(value, 12).normalize(), "f")


def dump_protocol(protocol: Protocol) -> str:
    """Write a protocol as YAML in the file format; loading it again gives an equal protocol."""
    import yaml  # noqa: PLC0415 - only the protocol commands pay for YAML

    dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text: str = yaml.dump(
        protocol_to_data(protocol),
        Dumper=dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return text


def protocol_to_data(protocol: Protocol) -> dict[str, Any]:
    """Return the protocol as the mapping its YAML file holds (volumes as text with mL)."""
    return {
        "schema_version": protocol.schema_version,
        "id": protocol.id,
        "title": protocol.title,
        "region": protocol.region,
        "sides": list(protocol.sides),
        "status": protocol.status,
        "version": protocol.version,
        "reviewed_by": protocol.reviewed_by,
        "reviewed_on": protocol.reviewed_on,
        "solution": _solution(protocol.solution),
        "technique": _technique(protocol.technique),
        "nerves": [nerve_data(nerve, _volume_text) for nerve in protocol.nerves],
        "limits": {
            "max_points": protocol.limits.max_points,
            "max_volume": _volume_text(protocol.limits.max_volume_ml),
            "source": protocol.limits.source,
        },
        "precautions": list(protocol.precautions),
        "contraindications": list(protocol.contraindications),
        "aftercare": list(protocol.aftercare),
        "course": _course(protocol.course),
        "references": [_reference(ref) for ref in protocol.references],
        "notes": protocol.notes,
    }


def _volume_text(value: Fraction) -> str:
    """Write a volume the way the file format reads it back."""
    return f"{exact_decimal(value)} mL"


def _solution(solution: Solution) -> dict[str, Any]:
    """Return the solution section."""
    data: dict[str, Any] = {"composition": solution.composition_text}
    if solution.buffer is not None:
        data["buffer"] = {
            "product": solution.buffer.product,
            "parts": solution.buffer.parts,
            "per_parts": solution.buffer.per_parts,
        }
    data["source"] = solution.source
    return data


def _technique(technique: Technique) -> dict[str, Any]:
    """Return the technique section."""
    needle = technique.needle
    return {
        "depth": technique.depth,
        "guidance": technique.guidance,
        "needle": {"gauge": needle.gauge, "length": needle.length, "source": needle.source},
    }


def nerve_data(nerve: Nerve, volume: Callable[[Fraction], Any]) -> dict[str, Any]:
    """Return one nerve, writing volumes with the given function."""
    data: dict[str, Any] = {"id": nerve.id, "name": nerve.name}
    if nerve.course:
        data["course"] = nerve.course
    data["source"] = nerve.source
    data["points"] = [_point(point, volume) for point in nerve.points]
    return data


def _point(point: Point, volume: Callable[[Fraction], Any]) -> dict[str, Any]:
    """Return one point, writing volumes with the given function."""
    return {
        "id": point.id,
        "name": point.name,
        "landmark": point.landmark,
        "volume": {
            "default": volume(point.volume.default_ml),
            "min": volume(point.volume.min_ml),
            "max": volume(point.volume.max_ml),
        },
        "count": {"typical": point.count.typical, "max": point.count.max},
        "source": point.source,
    }


def _course(course: Course) -> dict[str, Any]:
    """Return the course section."""
    return {
        "interval_days": course.interval_days,
        "typical_sessions": {
            "min": course.typical_sessions_min,
            "max": course.typical_sessions_max,
        },
        "reconsider": course.reconsider,
        "source": course.source,
    }


def _reference(reference: Reference) -> dict[str, Any]:
    """Return one reference, leaving out links it does not have."""
    data: dict[str, Any] = {"id": reference.id, "citation": reference.citation}
    for key in ("doi", "pmid", "url"):
        value = getattr(reference, key)
        if value is not None:
            data[key] = value
    return data
