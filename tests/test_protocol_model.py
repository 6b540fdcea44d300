"""The protocol model, the loader's API, and load -> dump -> load giving an equal protocol."""

from __future__ import annotations

import datetime
import hashlib
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from npt_protocol.catalogue.products import Catalogue, shipped_catalogue
from npt_protocol.errors import ProtocolError
from npt_protocol.protocol.dump import dump_protocol, exact_decimal
from npt_protocol.protocol.loader import check_bytes, check_file, load_file
from npt_protocol.protocol.model import Protocol, Sourced
from npt_protocol.render.protocol import protocol_json

FIXTURE = Path(__file__).parent / "protocol_fixtures" / "fixture-knee.yaml"
FIXTURE_V1 = Path(__file__).parent / "protocol_fixtures" / "fixture-knee-v1.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")


def load_text(text: str) -> Protocol:
    """Load protocol text that must be valid."""
    loaded = check_bytes(text.encode("utf-8"), path="test.yaml")
    assert loaded.findings == ()
    assert loaded.protocol is not None
    return loaded.protocol


def test_fixture_loads_into_exact_values() -> None:
    protocol = load_file(FIXTURE, origin="tests")
    assert protocol.id == "fixture-knee"
    assert protocol.sides == ("left", "right", "bilateral")
    assert protocol.solution.composition == {"dextrose": Fraction(50)}
    assert protocol.solution.buffer is not None
    assert protocol.solution.buffer.product == "bicarb-8.4"
    point = protocol.nerves[0].points[0]
    assert point.volume.default_ml == Fraction(1, 2)
    assert point.volume.min_ml == Fraction(1, 5)
    assert protocol.limits.max_volume_ml == 10
    assert protocol.typical_points == 7
    assert protocol.typical_volume_ml == Fraction(7, 2)
    assert protocol.content_hash == hashlib.sha256(FIXTURE.read_bytes()).hexdigest()[:12]
    assert protocol.origin == "tests"
    assert protocol.path == FIXTURE
    assert protocol.is_template
    assert protocol.references[0].pmid == "12345678"
    assert protocol.reference("example-2020") is protocol.references[0]
    assert [p.id for _, p in protocol.points] == [
        "medial-tendon",
        "tibial-tubercle",
        "lateral-joint-line",
    ]


def test_equality_is_about_content_and_protocols_are_hashable() -> None:
    first = load_file(FIXTURE, origin="one")
    second = attrs.evolve(load_text(TEXT + "\n# a comment changes the hash only\n"), origin="two")
    assert first == second
    assert first.content_hash != second.content_hash
    assert len({first, second}) == 1


def test_reviewed_protocol_needs_and_keeps_reviewer_and_date() -> None:
    text = (
        TEXT.replace("status: template", "status: reviewed")
        .replace("reviewed_by: null", "reviewed_by: Dr Example")
        .replace("reviewed_on: null", 'reviewed_on: "2025-03-01"')
    )
    protocol = load_text(text)
    assert protocol.reviewed_on == datetime.date(2025, 3, 1)
    assert not protocol.is_template


def test_volumes_in_other_units_are_the_same_exact_volume() -> None:
    text = TEXT.replace("default: 0.5 mL\n", "default: 500 µL\n").replace(
        "max_volume: 10 mL", "max_volume: 0.01 L"
    )
    protocol = load_text(text)
    assert protocol.nerves[0].points[0].volume.default_ml == Fraction(1, 2)
    assert protocol.limits.max_volume_ml == 10
    assert protocol == load_text(TEXT)


def test_buffer_alias_is_stored_as_the_product_id() -> None:
    alias = shipped_catalogue().product("bicarb-8.4").aliases
    if not alias:
        pytest.skip("the catalogue gives bicarb-8.4 no alias")
    protocol = load_text(TEXT.replace("product: bicarb-8.4", f"product: {alias[0]}"))
    assert protocol.solution.buffer is not None
    assert protocol.solution.buffer.product == "bicarb-8.4"


def test_a_solute_no_product_provides_is_a_finding() -> None:
    catalogue = shipped_catalogue()
    without_lidocaine = Catalogue(
        solutes=catalogue.solutes,
        version=catalogue.version,
        products=tuple(p for p in catalogue.products if "lidocaine" not in p.composition),
    )
    text = TEXT.replace("composition: dextrose 5%", "composition: dextrose 5% + lidocaine 0.1%")
    loaded = check_bytes(text.encode(), path="x.yaml", catalogue=without_lidocaine)
    assert [(f.line, f.column) for f in loaded.findings] == [(13, 16)]
    assert "needs lidocaine, which no catalogue product provides" in loaded.findings[0].message
    assert load_text(text).solution.composition["lidocaine"] == 1


def test_load_file_raises_with_the_first_finding(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(TEXT.replace("title: Fixture", "titel: Fixture"), encoding="utf-8")
    with pytest.raises(ProtocolError, match=r"broken\.yaml:4:1: protocol has unknown key"):
        load_file(broken)


def test_an_unreadable_file_is_a_protocol_error(tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match="cannot be read") as raised:
        check_file(tmp_path / "missing.yaml")
    assert raised.value.exit_code == 2


def test_json_gives_volumes_as_numbers_in_millilitres() -> None:
    data = protocol_json(load_file(FIXTURE, origin="tests"))
    point = data["nerves"][0]["points"][0]
    assert point["volume_mL"] == {"default": 0.5, "min": 0.2, "max": 1}
    assert data["limits"]["max_volume_mL"] == 10
    assert data["typical_volume_mL"] == 3.5
    assert data["solution"]["composition_mg_per_mL"] == {"dextrose": 50}
    assert data["source"] == "tests"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(1, 2), "0.5"),
        (Fraction(20), "20"),
        (Fraction(1, 1000), "0.001"),
        (Fraction(12345, 100), "123.45"),
        (Fraction(1, 3), "0.333333333333"),
    ],
)
def test_exact_decimal(value: Fraction, text: str) -> None:
    assert exact_decimal(value) == text


def test_the_model_and_its_printing_do_not_import_yaml() -> None:
    code = (
        "import sys, npt_protocol.protocol.model, npt_protocol.protocol.dump, "
        "npt_protocol.render.protocol; assert 'yaml' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------------------------------
# Round trip: load -> dump -> load gives an equal protocol


def millilitres(low: int, high: int) -> st.SearchStrategy[Fraction]:
    """Volumes in thousandths of a mL."""
    return st.integers(low, high).map(lambda n: Fraction(n, 1000))


TEXTS = st.one_of(
    st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool),
    st.sampled_from(
        [
            "yes",
            "no",
            "null",
            "~",
            "1.0",
            "2024-01-01",
            "0x1F",
            "'quoted'",
            '"double"',
            "a: b",
            "- item",
            "# not a comment",
            "[x]",
            "{y}",
            "50%",
            "*alias",
            "&anchor",
            "!tag",
            "<<",
            "µL and —",
        ]
    ),
)


@st.composite
def variants(draw: st.DrawFn) -> Protocol:
    """The fixture with its volumes, counts and texts varied, kept within its own limits."""
    base = load_text(TEXT)
    nerves = []
    for nerve in base.nerves:
        points = []
        for point in nerve.points:
            low = draw(millilitres(1, 2000))
            high = draw(millilitres(1, 2000).map(lambda v, low=low: v + low))
            default = draw(
                millilitres(0, 2000).map(
                    lambda v, low=low, high=high: low + (high - low) * min(v, 1)
                )
            )
            typical = draw(st.integers(0, 10))
            volume = attrs.evolve(point.volume, default_ml=default, min_ml=low, max_ml=high)
            count = attrs.evolve(
                point.count, typical=typical, max=typical + draw(st.integers(0, 5)) or 1
            )
            points.append(attrs.evolve(point, volume=volume, count=count, landmark=draw(TEXTS)))
        nerves.append(attrs.evolve(nerve, points=tuple(points), name=draw(TEXTS)))
    varied = attrs.evolve(
        base,
        nerves=tuple(nerves),
        title=draw(TEXTS),
        notes=draw(TEXTS),
        warnings=attrs.evolve(
            base.warnings,
            precautions=tuple(
                Sourced(
                    text=text, source=draw(st.sampled_from(["practice-default", "example-2020"]))
                )
                for text in draw(st.lists(TEXTS, max_size=3))
            ),
        ),
        cautions=tuple(
            Sourced(text=text, source="practice-default")
            for text in draw(st.lists(TEXTS, max_size=2))
        ),
    )
    limits = attrs.evolve(
        varied.limits,
        max_points=max(1, varied.typical_points),
        max_volume_ml=max(Fraction(1), varied.typical_volume_ml),
    )
    return attrs.evolve(varied, limits=limits)


@given(variants())
def test_load_dump_load_gives_an_equal_protocol(protocol: Protocol) -> None:
    dumped = dump_protocol(protocol)
    again = load_text(dumped)
    assert again == protocol
    assert dump_protocol(again) == dumped


def test_dump_of_the_fixture_round_trips() -> None:
    protocol = load_file(FIXTURE)
    assert load_text(dump_protocol(protocol)) == protocol


def test_the_annotated_example_in_the_format_docs_is_valid() -> None:
    docs = Path(__file__).parent.parent / "docs" / "protocol-format.md"
    example = docs.read_text(encoding="utf-8").split("```yaml\n", 1)[1].split("```", 1)[0]
    loaded = check_bytes(example.encode("utf-8"), path="docs/protocol-format.md example")
    assert loaded.findings == (), "\n".join(map(str, loaded.findings))


# ---------------------------------------------------------------------------------------------
# Schema 2 parts, and schema 1 files read into the same model


def test_schema_2_keeps_kinds_of_warning_cautions_course_and_measures_apart() -> None:
    protocol = load_file(FIXTURE)
    assert protocol.schema_version == 2
    assert protocol.limits.per == "side"
    assert [w.text for w in protocol.warnings.contraindications] == [
        "Infection at the injection site."
    ]
    assert [w.text for w in protocol.warnings.trial_exclusions] == ["Pregnancy."]
    assert protocol.warnings.trial_exclusions[0].source == "example-2020"
    assert [w.text for w in protocol.warnings.local_policy] == [
        "Decide locally whether to treat during pregnancy."
    ]
    assert protocol.cautions[0].text == "Inject subcutaneously only."
    point = protocol.nerves[0].points[0]
    assert point.cautions == (
        Sourced(text="Keep the needle subcutaneous beside the tendon.", source="practice-default"),
    )
    course = protocol.course
    assert (course.interval_days, course.interval_source) == (7, "example-2020")
    assert (course.typical_sessions_min, course.typical_sessions_max) == (4, 6)
    assert course.sessions_source == "practice-default"
    assert course.reassess.after_sessions == 3
    assert not course.single_session and course.follow_up is None
    assert protocol.outcome_measures == ("nrs-pain", "koos")
    assert protocol.indications[0].source == "example-2020"


def test_a_schema_1_file_loads_with_its_meaning_kept() -> None:
    """Schema 1 limits were applied to each side, precautions and contraindications were
    their own kinds, and the course had one source for every figure; all of that is kept."""
    protocol = load_file(FIXTURE_V1)
    assert protocol.schema_version == 1
    assert protocol.limits.per == "side"
    assert protocol.warnings.precautions == (
        Sourced(text="Confirm every value locally before use.", source=None),
    )
    assert protocol.warnings.contraindications == (
        Sourced(text="Infection at the injection site.", source=None),
    )
    assert protocol.warnings.trial_exclusions == () and protocol.warnings.local_policy == ()
    assert protocol.aftercare[0].source is None
    course = protocol.course
    assert (course.interval_days, course.typical_sessions_min, course.typical_sessions_max) == (
        7,
        4,
        6,
    )
    assert course.sessions_source == course.interval_source == course.reassess.source
    assert course.reassess.rule == "Reconsider if there is no relief after 3 sessions."
    assert course.reassess.after_sessions is None
    assert (
        protocol.cautions == () and protocol.indications == () and protocol.outcome_measures == ()
    )


def test_a_schema_1_file_round_trips_in_schema_1() -> None:
    protocol = load_file(FIXTURE_V1)
    dumped = dump_protocol(protocol)
    assert dumped.startswith("schema_version: 1\n")
    assert "precautions:" in dumped and "warnings:" not in dumped
    assert load_text(dumped) == protocol


def test_schema_2_keys_are_refused_in_a_schema_1_file() -> None:
    text = FIXTURE_V1.read_text(encoding="utf-8").replace("notes: >-", "cautions: []\nnotes: >-")
    loaded = check_bytes(text.encode(), path="v1.yaml")
    assert loaded.protocol is None
    assert "unknown key 'cautions'" in loaded.findings[0].message


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("  per: side\n", "  per: leg\n", "limits per 'leg' is not allowed"),
        ("  per: side\n", "", "limits is missing 'per'"),
        (
            "outcome_measures: [nrs-pain, koos]",
            "outcome_measures: [nrs-pain, kos]",
            "'kos' is not a known measure",
        ),
        (
            "outcome_measures: [nrs-pain, koos]",
            "outcome_measures: [koos, koos]",
            "lists 'koos' twice",
        ),
        (
            "    source: example-2020\nwarnings:",
            "    source: exampel-2020\nwarnings:",
            "names no reference",
        ),
        ("  trial_exclusions:", "  exclusions:", "unknown key 'exclusions'"),
    ],
)
def test_schema_2_rules(old: str, new: str, fragment: str) -> None:
    assert old in TEXT
    loaded = check_bytes(TEXT.replace(old, new).encode(), path="x.yaml")
    assert loaded.protocol is None
    assert any(fragment in f.message for f in loaded.findings), loaded.findings


def test_a_single_session_course_needs_a_follow_up_and_no_interval() -> None:
    single = TEXT.replace(
        "{min: 4, max: 6, source: practice-default}", "{min: 1, max: 1, source: practice-default}"
    )
    loaded = check_bytes(single.encode(), path="x.yaml")
    assert any(
        "interval is given for a single-session course" in f.message for f in loaded.findings
    )
    without_interval = single.replace("  interval: {days: 7, source: example-2020}\n", "")
    loaded = check_bytes(without_interval.encode(), path="x.yaml")
    assert any("has no follow_up" in f.message for f in loaded.findings)
    with_follow_up = without_interval.replace(
        "outcome_measures:",
        "  follow_up: {text: Review at 1 month., source: example-2020}\noutcome_measures:",
    )
    protocol = load_text(with_follow_up)
    assert protocol.course.single_session and protocol.course.interval_days is None
    assert protocol.course.follow_up == Sourced(text="Review at 1 month.", source="example-2020")
    again = load_text(dump_protocol(protocol))
    assert again == protocol


def test_a_course_of_several_sessions_needs_an_interval() -> None:
    text = TEXT.replace("  interval: {days: 7, source: example-2020}\n", "")
    loaded = check_bytes(text.encode(), path="x.yaml")
    assert any("has no interval" in f.message for f in loaded.findings)


def test_an_unverified_reference_keeps_its_reason() -> None:
    text = TEXT.replace(
        "    url: https://example.org/example-2020\n",
        "    url: https://example.org/example-2020\n    unverified: pages not confirmed\n",
    )
    protocol = load_text(text)
    assert protocol.references[0].unverified == "pages not confirmed"
    assert load_text(dump_protocol(protocol)) == protocol
