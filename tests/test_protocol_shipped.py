"""Every protocol in the repository's protocols/ folder loads, validates and round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from npt_protocol.cli import cli
from npt_protocol.protocol.dump import dump_protocol
from npt_protocol.protocol.loader import check_bytes, check_file

SHIPPED = Path(__file__).parent.parent / "protocols"
FILES = sorted(p for p in SHIPPED.glob("*.y*ml") if p.suffix in {".yaml", ".yml"})


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_shipped_protocol_is_valid(path: Path) -> None:
    loaded = check_file(path, origin="shipped")
    assert loaded.findings == (), "\n".join(map(str, loaded.findings))
    assert loaded.protocol is not None
    assert loaded.protocol.id == path.stem


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_shipped_protocol_round_trips(path: Path) -> None:
    protocol = check_file(path).protocol
    assert protocol is not None
    again = check_bytes(dump_protocol(protocol).encode("utf-8"), path=f"dumped {path.name}")
    assert again.findings == ()
    assert again.protocol == protocol


@pytest.mark.skipif(not FILES, reason="the protocols folder has no files yet")
def test_validate_the_shipped_folder_exits_0() -> None:
    result = CliRunner().invoke(cli, ["protocols", "validate", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    plural = "s" * (len(FILES) != 1)
    assert result.output == f"{len(FILES)} file{plural} checked: no problems found.\n"
