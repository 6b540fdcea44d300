"""`--log` on `npt session` and `npt label`: one record per batch, recomputed by `npt log verify`
as the session chose it, found if forged, and referenced on the labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from npt_protocol.catalogue.products import shipped_catalogue
from npt_protocol.cli import cli
from npt_protocol.engine.requests import BatchRequest, run_batch
from npt_protocol.engine.results import recipe_data
from npt_protocol.errors import InputError
from npt_protocol.log.record import request_from
from npt_protocol.log.verify import verify
from tests.logs import rewrite


def _session(tmp_path: Path, *args: str) -> Path:
    log = tmp_path / "prep.log"
    result = CliRunner().invoke(
        cli,
        ["session", *args, "--log", str(log), "--by", "A. Lee", "--checked-by", "B. Khan"],
    )
    assert result.exit_code == 0, result.output
    return log


def _records(log: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in log.read_bytes().splitlines()[1:]]


def test_a_session_logs_one_record_per_batch_that_verification_recomputes(tmp_path: Path) -> None:
    log = _session(
        tmp_path,
        "--region",
        "knee:left",
        "--region",
        "knee-mannitol:right",
        "--weight",
        "70kg",
    )
    records = _records(log)
    assert [r["command"] for r in records] == ["session", "session"]
    assert records[0]["protocol"]["regions"] == "knee:left"
    assert records[0]["prepared_by"] == "A. Lee" and records[0]["checked_by"] == "B. Khan"
    normalised = records[0]["inputs"]["normalised"]
    assert normalised["volume"] == f"{records[0]['result']['request']['volume_mL']}mL"
    assert records[0]["result"]["schema"] == "npt.recipe/2" and records[0]["pass"] is True
    report = verify(log)
    assert report.ok and report.records == 2 and report.distinct_requests == 2
    shown = CliRunner().invoke(cli, ["log", "show", str(log)])
    assert "session" in shown.stdout and "for knee:left" in " ".join(shown.stdout.split())


def test_a_forged_batch_result_is_found_even_with_its_hashes_redone(tmp_path: Path) -> None:
    log = _session(tmp_path, "--region", "knee:left")

    def forge(record: dict) -> None:  # type: ignore[type-arg]
        record["result"]["components"][0]["volume_mL"] = 0.8

    log.write_bytes(rewrite(log.read_bytes(), 2, forge))
    report = verify(log)
    assert report.chain_ok and not report.ok
    assert any("components[0].volume_mL" in (f.field or "") for f in report.findings)


def test_the_batch_recomputes_with_the_sessions_least_volume(tmp_path: Path) -> None:
    log = _session(tmp_path, "--region", "knee:left", "--points", "knee=14")
    (record,) = _records(log)
    request = request_from("session", record["inputs"]["normalised"])
    assert isinstance(request, BatchRequest)
    recomputed = recipe_data(run_batch(request, shipped_catalogue()))
    recomputed.pop("tool_version")
    assert recomputed == {k: v for k, v in record["result"].items() if k != "tool_version"}


@pytest.mark.parametrize("minimum", ["0", "1/0", "1/00", "x", "-3", "1.5", "99999999"])
def test_a_batch_record_with_an_impossible_least_volume_is_refused(minimum: str) -> None:
    request = BatchRequest("dextrose 5%", "6mL", ("D50",), minimum=minimum)
    with pytest.raises(InputError, match="minimum"):
        run_batch(request, shipped_catalogue())


def test_a_label_and_the_packet_name_the_same_record(tmp_path: Path) -> None:
    log = tmp_path / "prep.log"
    out = CliRunner().invoke(
        cli, ["label", "--region", "knee:left", "--log", str(log), "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    reference = json.loads(out.stdout)["labels"][0]["log_reference"]
    head = CliRunner().invoke(cli, ["log", "head", str(log)]).stdout.splitlines()[-1]
    assert reference.endswith(f"record {head}")
    assert reference.split()[1] == json.loads(log.read_bytes().splitlines()[0])["log_id"][:8]


def test_names_without_a_log_are_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["label", "--region", "knee:left", "--by", "A. Lee"])
    assert result.exit_code == 2
    assert "--by is recorded only in a preparation log" in result.stderr
