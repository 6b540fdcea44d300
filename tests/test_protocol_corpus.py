"""Every broken protocol in the corpus gives exactly the findings its expectations name."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from npt_protocol.protocol.loader import check_file

CORPUS = Path(__file__).parent / "protocol_corpus"
EXPECTATIONS = yaml.safe_load((CORPUS / "expectations.yaml").read_text(encoding="utf-8"))
FILES = sorted(p.name for p in CORPUS.glob("*.yaml") if p.name != "expectations.yaml")


def test_the_corpus_is_large_and_fully_described() -> None:
    broken = [name for name in FILES if EXPECTATIONS.get(name)]
    assert len(broken) >= 40
    assert sorted(EXPECTATIONS) == FILES


@pytest.mark.parametrize("name", FILES)
def test_corpus_file_gives_exactly_the_expected_findings(name: str) -> None:
    loaded = check_file(CORPUS / name)
    found = [(f.line, f.column, f.message) for f in loaded.findings]
    expected = EXPECTATIONS[name]
    assert len(found) == len(expected), found
    for (line, column, message), (want_line, want_column, fragment) in zip(
        found, expected, strict=True
    ):
        assert (line, column) == (want_line, want_column), message
        assert fragment in message
        assert "; " in message, "every message says what is wrong, then what is expected"
        assert not message.endswith(".")
    assert (loaded.protocol is None) == bool(expected)


@pytest.mark.parametrize("name", [n for n in FILES if EXPECTATIONS[n]])
def test_findings_print_as_file_line_column_message(name: str) -> None:
    loaded = check_file(CORPUS / name)
    first = loaded.findings[0]
    line, column, _ = EXPECTATIONS[name][0]
    assert str(first).startswith(f"{CORPUS / name}:{line}:{column}: ")


def test_the_schema_1_base_loads_with_its_old_fields_mapped() -> None:
    """Schema 1 files keep loading: precautions and contraindications keep their kind with no
    source, limits hold per side, and the one course source covers count and interval."""
    protocol = check_file(CORPUS / "base.yaml").protocol
    assert protocol is not None and protocol.schema_version == 1
    assert [w.text for w in protocol.warnings.contraindications] == ["Infection at the site."]
    assert [w.text for w in protocol.warnings.precautions] == ["Confirm locally."]
    assert {w.source for w in protocol.warnings.precautions} == {None}
    assert protocol.warnings.trial_exclusions == () and protocol.warnings.local_policy == ()
    assert protocol.limits.per == "side"
    assert protocol.course.sessions_source == protocol.course.interval_source == "practice-default"
    assert protocol.course.reassess.rule == "After 3 sessions without relief."
    assert protocol.cautions == () and protocol.outcome_measures == ()


def test_the_schema_2_base_loads_every_new_part() -> None:
    protocol = check_file(CORPUS / "v2-base.yaml").protocol
    assert protocol is not None and protocol.schema_version == 2
    assert protocol.limits.per == "session"
    assert [w.source for w in protocol.warnings.trial_exclusions] == ["example-2020"]
    assert protocol.nerves[0].points[0].cautions[0].text == "A vein runs here."
    assert protocol.outcome_measures == ("nrs-pain", "koos")
