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
