"""The patient on sessions, checklists and labels, and the use-by rules as sourced data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from npt_protocol.cli import cli
from npt_protocol.engine.use_by import RULES_FILE, enabled_rule, load_use_by_rules, use_by_rules
from npt_protocol.errors import InputError
from npt_protocol.planning.patient import make_patient, patient_id

pytestmark = pytest.mark.usefixtures("no_settings")


@pytest.fixture
def no_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point npt at an empty settings file of the test's own."""
    path = tmp_path / "settings.toml"
    path.write_text("", encoding="utf-8")
    monkeypatch.setenv("NPT_CONFIG", str(path))
    return path


@pytest.mark.parametrize("good", ["PT-0042", "a", "X" * 32, "patient 7", "Ünal-3"])
def test_a_pseudonymous_identifier_is_accepted_as_written(good: str) -> None:
    assert patient_id(good) == good


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        (" PT-1", "spaces at an end"),
        ("PT-1 ", "spaces at an end"),
        ("X" * 33, "33 characters long"),
        ("PT\x1b[2J", "does not print"),
        ("PT\n1", "does not print"),
    ],
)
def test_a_bad_identifier_is_refused_in_one_sentence(bad: str, why: str) -> None:
    with pytest.raises(InputError, match=why):
        patient_id(bad)
    result = CliRunner().invoke(cli, ["label", "--region", "knee:left", "--patient", bad])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --patient") and result.stderr.count("\n") == 1


def test_a_name_needs_the_clinic_setting_and_an_identifier(no_settings: Path) -> None:
    with pytest.raises(InputError, match="not enabled"):
        make_patient("PT-1", name="A. Patient")
    with pytest.raises(InputError, match="needs --patient"):
        make_patient(None, name="A. Patient", enabled=("name",))
    refused = CliRunner().invoke(
        cli, ["checklist", "knee", "--side", "left", "--patient", "P-1", "--patient-name", "Ann"]
    )
    assert refused.exit_code == 2 and 'patient_fields = ["name"]' in refused.stderr
    no_settings.write_text('patient_fields = ["name", "date_of_birth"]\n', encoding="utf-8")
    args = ["--patient", "P-1", "--patient-name", "Ann Lee", "--patient-dob", "1960-04-02"]
    shown = CliRunner().invoke(cli, ["checklist", "knee", "--side", "left", *args])
    assert shown.exit_code == 0, shown.output
    assert "Patient: P-1 (Ann Lee, born 1960-04-02)" in shown.stdout
    bad_date = CliRunner().invoke(
        cli, ["label", "--region", "knee:left", "--patient", "P-1", "--patient-dob", "2/4/60"]
    )
    assert bad_date.exit_code == 2 and "YYYY-MM-DD" in bad_date.stderr


def test_a_settings_file_with_an_unknown_patient_field_is_refused(no_settings: Path) -> None:
    no_settings.write_text('patient_fields = ["address"]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["checklist", "knee", "--patient", "P-1"])
    assert result.exit_code == 2 and "name, date_of_birth" in result.stderr


def test_every_use_by_rule_has_a_name_version_and_source() -> None:
    rules = use_by_rules()
    assert list(rules) == ["immediate-use", "category-1-room", "category-1-fridge"]
    assert [r.hours for r in rules.values()] == [4, 12, 24]  # clinical-facts §4
    for rule in rules.values():
        assert rule.name and rule.version and rule.source and rule.description
        assert "797" in rule.source
    assert RULES_FILE.name == "use_by_rules.toml" and RULES_FILE.parent.name == "engine"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "holds no use-by rule"),
        ('[[rule]]\nkey = "x"\n', "missing or unknown keys"),
        (
            '[[rule]]\nkey = "x"\nname = "X"\nversion = "1"\ndescription = "d"\n'
            'source = "s"\nhours = 0\n',
            "hours = 0",
        ),
        (
            '[[rule]]\nkey = "x"\nname = ""\nversion = "1"\ndescription = "d"\n'
            'source = "s"\nhours = 4\n',
            "not empty",
        ),
    ],
)
def test_a_rules_file_with_a_bad_entry_is_refused(tmp_path: Path, text: str, why: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=why):
        load_use_by_rules(path)


def test_the_clinic_enables_the_rules_it_uses(no_settings: Path) -> None:
    assert enabled_rule("category-1-room", ["immediate-use", "category-1-room"]).hours == 12
    with pytest.raises(InputError, match="not enabled by the clinic settings"):
        enabled_rule("category-1-fridge", ["immediate-use"])
    with pytest.raises(InputError, match="not a use-by rule"):
        enabled_rule("immediate-use", ["forever"])
    no_settings.write_text('use_by_rules = ["immediate-use"]\n', encoding="utf-8")
    refused = CliRunner().invoke(
        cli, ["label", "--region", "knee:left", "--use-by", "category-1-fridge"]
    )
    assert refused.exit_code == 2 and "not enabled" in refused.stderr
    allowed = CliRunner().invoke(
        cli,
        ["label", "--region", "knee:left", "--prepared-at", "2026-11-25T09:00+00:00"],
    )
    assert allowed.exit_code == 0 and "Use by 2026-11-25 13:00 +00:00" in allowed.stdout
    assert "USP 797 immediate use" in allowed.stdout


def test_the_label_stock_setting_chooses_the_stock(no_settings: Path) -> None:
    no_settings.write_text('label_stock = "89x36"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["label", "--region", "knee:left"])
    assert result.exit_code == 0 and "on 89x36 stock" in result.stdout
    chosen = CliRunner().invoke(cli, ["label", "--region", "knee:left", "--stock", "51x25"])
    assert "on 51x25 stock" in chosen.stdout
    no_settings.write_text('label_stock = "tiny"\n', encoding="utf-8")
    refused = CliRunner().invoke(cli, ["label", "--region", "knee:left"])
    assert refused.exit_code == 2 and "label stock 'tiny' is not known" in refused.stderr


def test_use_by_is_counted_from_the_start_of_preparation() -> None:
    start = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    assert enabled_rule("immediate-use").hours * dt.timedelta(hours=1) == dt.timedelta(hours=4)
    assert start + dt.timedelta(hours=use_by_rules()["category-1-fridge"].hours) == start.replace(
        day=26
    )
