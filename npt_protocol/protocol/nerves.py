"""Readers for the nerves of a protocol and the injection points along them."""

from __future__ import annotations

from npt_protocol.protocol.model import Nerve, Point, PointCount, VolumeRange
from npt_protocol.protocol.statements import read_sourced
from npt_protocol.reading.fields import FieldReader, unique_ids
from npt_protocol.reading.yaml_tree import Node


def read_nerves(check: FieldReader, node: Node | None, *, version: int) -> tuple[Nerve, ...] | None:
    """Read the nerves, each with a unique id and at least one point."""
    items = check.seq(node, "nerves", nonempty=True)
    if items is None:
        return None
    unique_ids(check, items, "nerve id")
    nerves = [_nerve(check, item, f"nerves[{i}]", version) for i, item in enumerate(items, 1)]
    return None if None in nerves else tuple(n for n in nerves if n is not None)


def _nerve(check: FieldReader, node: Node, what: str, version: int) -> Nerve | None:
    """Read one nerve."""
    f = check.fields(node, what, required=("id", "name", "source", "points"), optional=("course",))
    if f is None:
        return None
    ident = check.slug(f.get("id"), f"{what} id")
    name = check.text(f.get("name"), f"{what} name")
    course = check.text(f.get("course"), f"{what} course", optional=True) or ""
    source = check.source(f.get("source"), f"{what} source")
    items = check.seq(f.get("points"), f"{what} points", nonempty=True)
    points = None
    if items is not None:
        unique_ids(check, items, "point id", f" in {what}")
        read = [
            _point(check, item, f"{what}.points[{i}]", version) for i, item in enumerate(items, 1)
        ]
        points = None if None in read else tuple(p for p in read if p is not None)
    if ident is None or name is None or source is None or points is None:
        return None
    return Nerve(id=ident, name=name, course=course, source=source, points=points)


def _point(check: FieldReader, node: Node, what: str, version: int) -> Point | None:
    """Read one point with its volume range, counts and (schema 2) the cautions that are its."""
    f = check.fields(
        node,
        what,
        required=("id", "name", "landmark", "volume", "count", "source"),
        optional=("cautions",) if version >= 2 else (),
    )
    if f is None:
        return None
    ident = check.slug(f.get("id"), f"{what} id")
    name = check.text(f.get("name"), f"{what} name")
    landmark = check.text(f.get("landmark"), f"{what} landmark")
    volume = _volume_range(check, f.get("volume"), f"{what}.volume")
    count = _count(check, f.get("count"), f"{what}.count")
    source = check.source(f.get("source"), f"{what} source")
    cautions = read_sourced(check, f.get("cautions"), f"{what}.cautions") if "cautions" in f else ()
    if (
        ident is None
        or name is None
        or landmark is None
        or volume is None
        or count is None
        or source is None
        or cautions is None
    ):
        return None
    return Point(
        id=ident,
        name=name,
        landmark=landmark,
        volume=volume,
        count=count,
        source=source,
        cautions=cautions,
    )


def _volume_range(check: FieldReader, node: Node | None, what: str) -> VolumeRange | None:
    """Read default, min and max volumes with min <= default <= max."""
    f = check.fields(node, what, required=("default", "min", "max"))
    if f is None:
        return None
    default = check.volume(f.get("default"), f"{what}.default")
    low = check.volume(f.get("min"), f"{what}.min")
    high = check.volume(f.get("max"), f"{what}.max")
    if default is None or low is None or high is None:
        return None
    if low > high:
        check.add(
            f["min"],
            f"{what}.min {f['min'].text} is more than max {f['max'].text}; expected min <= max",
        )
        return None
    if not low <= default <= high:
        check.add(
            f["default"],
            f"{what}.default {f['default'].text} lies outside "
            f"{f['min'].text} to {f['max'].text}; expected a default between min and max",
        )
        return None
    return VolumeRange(default_ml=default, min_ml=low, max_ml=high)


def _count(check: FieldReader, node: Node | None, what: str) -> PointCount | None:
    """Read the typical and maximum number of points, typical <= max."""
    f = check.fields(node, what, required=("typical", "max"))
    if f is None:
        return None
    typical = check.integer(f.get("typical"), f"{what}.typical", minimum=0)
    most = check.integer(f.get("max"), f"{what}.max", minimum=1)
    if typical is None or most is None:
        return None
    if typical > most:
        check.add(
            f["typical"],
            f"{what}.typical {typical} is more than max {most}; expected typical <= max",
        )
        return None
    return PointCount(typical=typical, max=most)
