"""Turn a Protocol back into the plain data and YAML text of its file format."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from npt_protocol.numbers import round_to
from npt_protocol.protocol.model import (
    WARNING_KEYS,
    WARNING_KINDS,
    Course,
    Nerve,
    Point,
    Protocol,
    Reference,
    Solution,
    Sourced,
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


def protocol_to_data(protocol: Protocol, *, layout: int | None = None) -> dict[str, Any]:
    """Return the protocol as the mapping its YAML file holds (volumes as text with mL).

    A protocol read from a schema 1 file is written back in schema 1, so that loading the
    result gives an equal protocol; everything else is written in the current schema. `layout`
    asks for one schema's layout whatever the file's (JSON output always uses the current one).
    """
    data: dict[str, Any] = {
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
    }
    if (layout or protocol.schema_version) == 1:
        warnings = protocol.warnings
        data |= {
            "precautions": [item.text for item in warnings.precautions],
            "contraindications": [item.text for item in warnings.contraindications],
            "aftercare": [item.text for item in protocol.aftercare],
            "course": _course_v1(protocol.course),
        }
    else:
        data["limits"]["per"] = protocol.limits.per
        if protocol.cautions:
            data["cautions"] = _statements(protocol.cautions)
        if protocol.indications:
            data["indications"] = _statements(protocol.indications)
        data |= {
            "warnings": {
                key: _statements(protocol.warnings.of_kind(kind))
                for key, kind in zip(WARNING_KEYS, WARNING_KINDS, strict=True)
                if protocol.warnings.of_kind(kind)
            },
            "aftercare": _statements(protocol.aftercare),
            "course": _course(protocol.course),
        }
        if protocol.outcome_measures:
            data["outcome_measures"] = list(protocol.outcome_measures)
        if protocol.chart is not None:
            chart = protocol.chart
            data["chart"] = {
                "view": chart.view,
                "x": _number(chart.x),
                "y": _number(chart.y),
            }
    data["references"] = [_reference(ref) for ref in protocol.references]
    data["notes"] = protocol.notes
    return data


def _statements(items: tuple[Sourced, ...]) -> list[dict[str, Any]]:
    """Return sourced statements as the mappings the file holds."""
    return [{"text": item.text, "source": item.source} for item in items]


def _number(value: Fraction) -> int | float:
    """Write a chart coordinate as the plain number the file holds."""
    return int(value) if value.denominator == 1 else float(exact_decimal(value))


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
    data: dict[str, Any] = {
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
    if point.cautions:
        data["cautions"] = _statements(point.cautions)
    return data


def _course_v1(course: Course) -> dict[str, Any]:
    """Return the course section of a schema 1 file."""
    return {
        "interval_days": course.interval_days,
        "typical_sessions": {
            "min": course.typical_sessions_min,
            "max": course.typical_sessions_max,
        },
        "reconsider": course.reassess.rule,
        "source": course.sessions_source,
    }


def _course(course: Course) -> dict[str, Any]:
    """Return the course section of the current schema."""
    data: dict[str, Any] = {
        "typical_sessions": {
            "min": course.typical_sessions_min,
            "max": course.typical_sessions_max,
            "source": course.sessions_source,
        },
    }
    if course.interval_days is not None:
        data["interval"] = {"days": course.interval_days, "source": course.interval_source}
    reassess: dict[str, Any] = {}
    if course.reassess.after_sessions is not None:
        reassess["after_sessions"] = course.reassess.after_sessions
    reassess |= {"rule": course.reassess.rule, "source": course.reassess.source}
    data["reassess"] = reassess
    if course.follow_up is not None:
        data["follow_up"] = {"text": course.follow_up.text, "source": course.follow_up.source}
    return data


def _reference(reference: Reference) -> dict[str, Any]:
    """Return one reference, leaving out links it does not have."""
    data: dict[str, Any] = {"id": reference.id, "citation": reference.citation}
    for key in ("doi", "pmid", "url", "unverified"):
        value = getattr(reference, key)
        if value is not None:
            data[key] = value
    return data
