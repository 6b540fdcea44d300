"""`npt prepare` and `npt check` through Click: output, JSON schema, exit codes, error messages."""

from __future__ import annotations

import datetime as dt
import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from npt_protocol.cli import cli, main
from tests.strategies import (
    ISMP_NUMBER,
    SYRINGE_SETS,
    Request,
    decimal_text,
    decimals,
    exact_round,
    requests,
)


@pytest.fixture(autouse=True)
def no_clinic_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never read the machine's own settings file."""
    folder = tmp_path_factory.mktemp("settings")
    (folder / "empty.toml").write_text("")
    monkeypatch.setenv("NPT_CONFIG", str(folder / "empty.toml"))


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def ok(*args: str, code: int = 0) -> Result:
    result = run(*args)
    assert result.exit_code == code, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    return result


def data(*args: str, code: int = 0) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(ok(*args, "--json", code=code).stdout)
    return parsed


def assert_refused(result: Result, fragment: str) -> None:
    """Exit 2, one line on stderr that names the problem, nothing on stdout, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("Error: ")
    assert "\n" not in message, message
    assert fragment in message, message


def assert_ismp_text(text: str) -> None:
    """Every printed quantity follows clinical-facts §5."""
    quantities = re.findall(
        r"(?<![\w.,])([0-9][0-9,]*(?:\.[0-9]+)?)\s(mL|L|mg|mcg|g|kg|%|"
        r"mOsmol/L)(?![\w/])",
        text,
    )
    assert quantities
    for number, _unit in quantities:
        assert ISMP_NUMBER.fullmatch(number), number
    assert not re.search(r"(?<![0-9])\.[0-9]", text), "naked decimal point"
    assert not re.search(r"[0-9]\.[0-9]*0\b", text), "trailing zero"
    assert not re.search(r"(?<![0-9.,])[0-9]{4,}(?:\.[0-9]+)? (?:mL|mg|g|mOsmol/L)\b", text), (
        "thousands without a comma"
    )
    for banned in ("µg", " ml", " cc", "5.9999", "6.0000"):
        assert banned not in text


# ---------------------------------------------------------------------------------------------
# Worked examples


def test_prepare_sixty_ml_of_five_percent() -> None:
    # 60 × 5 / 50 = 6 mL of D50, 60 − 6 = 54 mL of water; 6 × 2,530 / 60 = 253 mOsmol/L;
    # 60 mL × 50 mg/mL = 3 g of dextrose.
    text = ok("prepare", "dextrose 5%", "--volume", "60mL", "--from", "D50").stdout
    assert text.startswith("Target: dextrose monohydrate 5 % w/v (5 g per 100 mL), 60 mL\n")
    assert re.search(r"D50W\s+stock\s+6 mL\s+6 mL\s+10 mL syringe \(0\.2 mL marks\)", text)
    assert re.search(r"SWFI\s+diluent\s+54 mL\s+54 mL\s+60 mL syringe \(1 mL marks\)", text)
    assert (
        "Measure 6 mL of D50W (dextrose monohydrate 50 %) in a 10 mL syringe (0.2 mL marks)" in text
    )
    assert "Measure 54 mL of SWFI" in text
    assert "Osmolarity: 253 mOsmol/L, hypotonic" in text
    assert "Dextrose monohydrate load: 3 g in 60 mL" in text
    assert "Result: WITHIN the tolerance of 5 % on every solute" in text
    assert "corn" in text and "never inject it alone intravenously" in text
    assert_ismp_text(text)


def test_prepare_sixty_ml_json() -> None:
    result = data("prepare", "dextrose 5%", "--volume", "60mL", "--from", "D50")
    assert [(c["product"], c["volume_mL"], c["syringe_mL"]) for c in result["components"]] == [
        ("D50W", 6, 10),
        ("SWFI", 54, 60),
    ]
    assert result["achieved"]["volume_mL"] == 60
    assert result["achieved"]["concentrations_percent_wv"] == {"dextrose": 5}
    assert result["achieved"]["osmolarity_mOsmol_per_L"] == 253
    assert result["deviation_percent"] == {"dextrose": 0}
    assert result["within_tolerance"] is True
    assert isinstance(result["warnings"], list)
    assert result["suggestions"] == []


def test_prepare_mannitol() -> None:
    # 20 × 5 / 20 = 5 mL mannitol 20 %, then water to the 20 mL mark of one 20 mL syringe.
    # Osmolarity 5 × 1,098 / 20 = 274.5.
    # One 20 mL syringe would read the 5 mL to half a 1 mL mark, 10 %: each part is measured
    # on its own syringe instead (15 mL of water as a full 10 mL and 5 mL, 0.2 mL marks).
    text = ok("prepare", "mannitol 5%", "--volume", "20mL", "--from", "mannitol-20").stdout
    assert "Measure 5 mL of mannitol-20 (mannitol 20 %) in a 5 mL syringe" in text
    assert "filter needle" in text and "crystallise" in text
    assert_ismp_text(text)
    result = data("prepare", "mannitol 5%", "--volume", "20mL", "--from", "mannitol-20")
    assert result["method"] == "container"
    assert [(c["product"], c["volume_mL"], c["syringe_mL"]) for c in result["components"]] == [
        ("mannitol-20", 5, 5),
        ("SWFI", 15, 10),
    ]
    assert [d["volume_mL"] for d in result["components"][1]["draws"]] == [10, 5]
    assert result["achieved"]["osmolarity_mOsmol_per_L"] == 274.5
    assert result["achieved"]["tonicity"] == "hypotonic"


def test_prepare_dextrose_and_lidocaine() -> None:
    # lidocaine 10 × 0.1 / 1 = 1 mL; D50 10 × 20 / 50 = 4 mL; water 5 mL; lidocaine 10 mg.
    args = (
        "prepare",
        "dextrose 20% + lidocaine 0.1%",
        "--volume",
        "10mL",
        "--from",
        "D50",
        "--from",
        "lidocaine-1",
    )
    result = data(*args)
    assert [(c["product"], c["volume_mL"], c["syringe_mL"]) for c in result["components"]] == [
        ("D50W", 4, 5),
        ("lidocaine-1", 1, 1),
        ("SWFI", 5, 5),
    ]
    assert result["achieved"]["concentrations_percent_wv"] == {"dextrose": 20, "lidocaine": 0.1}
    # (4 × 2,530 + 1 × 313.42) / 10 = 1,043.3: lidocaine 1 % counted from its label contents.
    assert result["achieved"]["osmolarity_mOsmol_per_L"] == 1043.3
    (dose,) = result["doses"]
    assert (dose["solute"], dose["total_mg"], dose["maximum_mg"]) == ("lidocaine", 10, 300)
    assert dose["max_volume_mL"] == 300  # no weight: the absolute cap, 300 mg / 1 mg/mL
    assert result["within_tolerance"] is True and result["pass"] is True
    text = ok(*args, "--weight", "70kg").stdout
    # 70 kg × 4.5 mg/kg = 315 mg, capped at 300 mg, is 300 mL of this solution: more than the
    # 10 mL there is, so the line says all of it is within the maximum instead.
    assert text.startswith(
        "MAXIMUM TO INJECT: all 10 mL of this solution for 70 kg: it holds lidocaine 10 mg, "
        "within the\n  maximum of 300 mg"
    )
    assert_ismp_text(text)
    over = data(*args, "--weight", "2kg")  # 2 × 4.5 = 9 mg < 10 mg
    (dose,) = over["doses"]
    assert dose["maximum_mg"] == 9 and dose["over_limit"] is True
    assert dose["max_volume_mL"] == 9
    assert "WARNING: lidocaine 10 mg in the whole preparation, MORE than the maximum of 9 mg" in (
        ok(*args, "--weight", "2kg").stdout
    )


def test_prepare_dextrose_ten_percent_with_d5w() -> None:
    # Exact D50 = 100 × 5/45 = 100/9 = 11.11 mL, D5W 800/9 = 88.89 mL; measured 11 + 89 mL:
    # (11 × 500 + 89 × 50) / 100 = 99.5 mg/mL, 9.95 %, 0.5 % below the target, and exactly the
    # 100 mL asked; the snapped active is said.
    args = ("prepare", "dextrose 10%", "--volume", "100mL", "--from", "D50", "--diluent", "D5W")
    text = ok(*args).stdout
    assert re.search(r"D50W\s+stock\s+11\.111 mL\s+11 mL", text)
    assert re.search(r"D5W\s+diluent\s+88\.889 mL\s+", text)
    assert "D50W is measured as 11 mL, not its exact 11.111 mL" in text
    assert_ismp_text(text)
    result = data(*args)
    assert [(c["product"], c["exact_volume_mL"], c["volume_mL"]) for c in result["components"]] == [
        ("D50W", 11.1111, 11),
        ("D5W", 88.8889, 89),
    ]
    assert result["achieved"]["concentrations_percent_wv"] == {"dextrose": 9.95}
    assert result["achieved"]["volume_mL"] == 100
    assert result["achieved"]["tonicity"] == "hypertonic"


def test_prepare_from_a_spec_in_litres_equals_the_sixty_ml_case() -> None:
    spec = data("prepare", "dextrose 5%", "--volume", "0.06L", "--from", "dextrose 500 mg/mL")
    reference = data("prepare", "dextrose 5%", "--volume", "60mL", "--from", "D50")
    assert [(c["volume_mL"], c["syringe_mL"], c["draws"]) for c in spec["components"]] == [
        (c["volume_mL"], c["syringe_mL"], c["draws"]) for c in reference["components"]
    ]
    assert spec["achieved"]["concentrations_percent_wv"] == {"dextrose": 5}
    assert spec["request"]["volume_mL"] == 60
    # Calculated osmolarity: 500 / 198.17 × 1000 × 6 / 60 = 252.31 → 252.3 (D50's label: 253).
    assert spec["achieved"]["osmolarity_mOsmol_per_L"] == 252.3


@pytest.mark.parametrize(
    "volume",
    ["60mL", "60 mL", "60 ml", "0.06L", "0.06 litre", "60000µL", "60000 uL", "0.6 dL", "60.000 mL"],
)
def test_prepare_output_does_not_depend_on_the_volume_unit(volume: str) -> None:
    reference = data("prepare", "dextrose 5%", "--volume", "60mL", "--from", "D50")
    assert data("prepare", "dextrose 5%", "--volume", volume, "--from", "D50") == reference


@pytest.mark.parametrize(
    "target",
    [
        "dextrose 5%",
        "dextrose 50 mg/mL",
        "dextrose 5 g/100 mL",
        "dextrose 5 % w/v",
        "5% dextrose",
        "glucose 0.05 g per mL monohydrate",
        "dextrose monohydrate 0.05 g per mL",
    ],
)
def test_prepare_output_does_not_depend_on_the_strength_spelling(target: str) -> None:
    reference = data("prepare", "dextrose 5%", "--volume", "60mL", "--from", "D50")
    result = data("prepare", target, "--volume", "60mL", "--from", "D50")
    assert result["request"]["target"] == target
    result["request"]["target"] = reference["request"]["target"]
    assert result == reference


def test_prepare_a_large_batch_in_several_draws() -> None:
    # 500 mL: 50 mL D50 + 450 mL water = 7 × 60 mL + 30 mL.
    result = data("prepare", "dextrose 5%", "--volume", "500mL", "--from", "D50")
    water = result["components"][1]
    assert [d["volume_mL"] for d in water["draws"]] == [60] * 7 + [30]
    assert water["volume_mL"] == 450
    text = " ".join(
        ok("prepare", "dextrose 5%", "--volume", "500mL", "--from", "D50").stdout.split()
    )
    assert (
        "Measure 450 mL of SWFI (sterile water for injection) as 7 × 60 mL in a 60 mL syringe "
        "(1 mL marks) and 30 mL in a 30 mL syringe (1 mL marks)" in text
    )
    assert_ismp_text(text)


def test_prepare_a_thousand_millilitres_prints_a_comma() -> None:
    # Typed without a comma (a comma is refused: '1,000' is 1 in much of Europe), printed with
    # one (ISMP).
    text = ok("prepare", "dextrose 5%", "--volume", "1000 mL", "--from", "D50").stdout
    assert "1,000 mL" in text
    assert_ismp_text(text)


def test_prepare_with_a_clinic_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "clinic.yaml"
    path.write_text(
        "products:\n  - id: D20W\n    aliases: [D20]\n    composition: dextrose 20%\n"
        "    source: compounded here\n",
        encoding="utf-8",
    )
    # 60 × 5 / 20 = 15 mL of D20, 45 mL water.
    result = data(
        "prepare", "dextrose 5%", "--volume", "60mL", "--from", "D20", "--catalogue", str(path)
    )
    assert [(c["product"], c["volume_mL"]) for c in result["components"]] == [
        ("D20W", 15),
        ("SWFI", 45),
    ]


# ---------------------------------------------------------------------------------------------
# Exit 1: the answer is no


def test_check_within_tolerance_exits_0() -> None:
    text = ok("check", "dextrose 5%", "D50=6mL", "SWFI=54mL").stdout
    assert "Check: PASS" in text
    assert_ismp_text(text)
    result = data("check", "dextrose 5%", "D50=6mL", "SWFI=54mL")
    assert result["pass"] is True
    assert result["within_tolerance"] is True
    assert result["deviation_percent"] == {"dextrose": 0}


def test_check_outside_tolerance_exits_1() -> None:
    # 7 × 500 / 60 = 58.333 mg/mL = 5.833 %, (58.333 − 50) / 50 = 16.67 % above ±5 %.
    text = ok("check", "dextrose 5%", "D50=7mL", "SWFI=53mL", code=1).stdout
    assert re.search(r"dextrose monohydrate\s+5\.833 %\s+58\.333\s+5 %\s+16\.67 % above", text)
    assert "Result: OUTSIDE the tolerance of 5 %" in text
    assert "Check: FAIL" in text
    assert_ismp_text(text)
    result = data("check", "dextrose 5%", "D50=7mL", "SWFI=53mL", code=1)
    assert result["pass"] is False
    assert result["within_tolerance"] is False
    assert result["deviation_percent"] == {"dextrose": 16.67}
    assert abs(
        Fraction(str(result["achieved"]["concentrations_percent_wv"]["dextrose"])) - Fraction(35, 6)
    ) < Fraction(1, 10**4)
    assert result["achieved"]["volume_mL"] == 60
    assert result["achieved"]["osmolarity_mOsmol_per_L"] == 295.2  # 7 × 2,530 / 60 = 295.17
    assert [(c["product"], c["volume_mL"]) for c in result["components"]] == [
        ("D50W", 7),
        ("SWFI", 53),
    ]


@pytest.mark.parametrize(
    ("d50", "water", "code"),
    [
        ("6.3mL", "53.7mL", 0),  # 52.5 mg/mL: exactly 5 % above, inside
        ("6.31mL", "53.69mL", 1),  # 52.58 mg/mL: 5.17 % above
    ],
)
def test_check_tolerance_edge(d50: str, water: str, code: int) -> None:
    ok("check", "dextrose 5%", f"D50={d50}", f"SWFI={water}", code=code)


def test_check_with_a_wider_tolerance_passes() -> None:
    # 16.67 % above passes a ±20 % tolerance, and the tolerance is printed.
    text = ok("check", "dextrose 5%", "D50=7mL", "SWFI=53mL", "--tolerance", "20%").stdout
    assert "tolerance of 20 %" in text


def test_a_small_tolerance_is_printed_not_rounded_to_zero() -> None:
    text = ok("check", "dextrose 5%", "D50=6mL", "SWFI=54mL", "--tolerance", "0.001%").stdout
    assert "tolerance of 0.001 %" in text


def test_check_a_missing_solute_is_a_fail_not_an_error() -> None:
    result = data("check", "dextrose 5%", "SWFI=60mL", code=1)
    assert result["deviation_percent"] == {"dextrose": -100}


def test_prepare_outside_tolerance_exits_1_and_says_what_would_fix_it() -> None:
    # Only a 5 mL syringe with 0.5 mL marks: D50 can be 0.5 mL at least (0.3 mL exact), and
    # the water one mark either side of its 2.7 mL: 250 mg in at most 4 mL, 62.5 mg/mL, 25 %
    # above at best.
    args = (
        "prepare",
        "dextrose 5%",
        "--volume",
        "3mL",
        "--from",
        "D50",
        "--syringe",
        "5 mL by 0.5 mL",
    )
    text = ok(*args, code=1).stdout
    assert "Result: CANNOT BE SIGNED: dextrose monohydrate outside the tolerance" in text
    assert "To make it signable" in text
    assert "finer syringe" in text
    result = data(*args, code=1)
    assert result["within_tolerance"] is False and result["pass"] is False
    assert result["deviation_percent"]["dextrose"] >= 25
    assert result["suggestions"]


@settings(deadline=dt.timedelta(seconds=5))  # two whole commands, each searching every method
@given(requests, st.sampled_from(SYRINGE_SETS))
def test_prepare_exit_code_matches_the_verdict(
    request: Request, syringe_texts: tuple[str, ...] | None
) -> None:
    """Signable → 0; not → 1 with what would fix it printed; never a traceback."""
    args = [
        "prepare",
        request.target_text,
        "--volume",
        f"{decimal_text(request.volume_ml)}mL",
        "--diluent",
        request.diluent,
    ]
    for stock in request.stocks:
        args += ["--from", stock]
    for syringe in syringe_texts or ():
        args += ["--syringe", syringe]
    result = run(*args, "--json")
    assert "Traceback" not in result.output
    assert result.exit_code in {0, 1, 2}, result.output
    if result.exit_code == 2:
        assert "larger batch" in result.stderr, result.stderr
        return
    answer = json.loads(result.stdout)
    assert result.exit_code == (0 if answer["pass"] else 1)
    assert answer["pass"] == (
        answer["within_tolerance"] and answer["certification"]["certified"] and answer["volume_ok"]
    )
    assert bool(answer["suggestions"]) == (result.exit_code == 1)
    text = run(*args)
    assert text.exit_code == result.exit_code
    assert ("To make it signable" in text.stdout) == (result.exit_code == 1)
    assert_ismp_text(text.stdout)


@given(decimals(Fraction(1, 10), 30, 2), decimals(1, 60, 2))
def test_check_verdict_is_the_tolerance_worked_by_hand(d50: Fraction, water: Fraction) -> None:
    """Achieved = 500 × a / (a + b) mg/mL; pass when within ±5 % of 50 mg/mL."""
    args = ("check", "dextrose 5%", f"D50={decimal_text(d50)}mL", f"SWFI={decimal_text(water)}mL")
    strength = 500 * d50 / (d50 + water)
    passes = abs(strength - 50) <= Fraction(5, 2)
    result = run(*args, "--json")
    assert result.exit_code == (0 if passes else 1), result.output
    answer = json.loads(result.stdout)
    assert answer["pass"] is passes
    assert answer["achieved"]["volume_mL"] == float(d50 + water)
    assert Fraction(str(answer["deviation_percent"]["dextrose"])) == exact_round(
        (strength - 50) / 50 * 100, 2
    )
    assert_ismp_text(run(*args).stdout)


# ---------------------------------------------------------------------------------------------
# Exit 2: the question cannot be answered


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        # a target stronger than every stock
        (["dextrose 60%", "--volume", "60mL", "--from", "D50"], "stronger than every stock"),
        # a volume given as a mass
        (["dextrose 5%", "--volume", "5g", "--from", "D50"], "is not a volume"),
        # negative and zero volumes
        (["dextrose 5%", "--volume", "-5mL", "--from", "D50"], "negative"),
        (["dextrose 5%", "--volume=-5mL", "--from", "D50"], "negative"),
        (["dextrose 5%", "--volume", "−5mL", "--from", "D50"], "negative"),
        (["dextrose 5%", "--volume", "0mL", "--from", "D50"], "is zero"),
        # an unknown product, with the nearest ids
        (["dextrose 5%", "--volume", "60mL", "--from", "D55"], "did you mean D5W or D50W"),
        (
            ["dextrose 5%", "--volume", "60mL", "--from", "D50", "--diluent", "watr"],
            "did you mean SWFI",
        ),
        # a solute the stocks do not contain
        (["mannitol 5%", "--volume", "60mL", "--from", "D50"], "No stock given contains mannitol"),
        (
            ["dextrose 5% + lidocaine 0.1%", "--volume", "10mL", "--from", "D50"],
            "No stock given contains lidocaine",
        ),
        # more unknowns than equations
        (
            ["dextrose 5%", "--volume", "60mL", "--from", "D50", "--from", "D25"],
            "More stocks than needed",
        ),
        (
            ["dextrose 5%", "--volume", "60mL", "--from", "D50", "--from", "lidocaine-1"],
            "contains none of the target's solutes",
        ),
        # a diluent stronger than the target
        (
            ["dextrose 5%", "--volume", "60mL", "--from", "D50", "--diluent", "D10"],
            "diluent D10W already holds dextrose",
        ),
        # numbers written wrongly
        (["dextrose 5%", "--volume", "60,5mL", "--from", "D50"], "decimal comma"),
        (["dextrose 5%", "--volume", "٦٠mL", "--from", "D50"], "non-ASCII digits"),
        (["dextrose 5%", "--volume", "６０mL", "--from", "D50"], "non-ASCII digits"),
        (["dextrose 5%", "--volume", "NaNmL", "--from", "D50"], "not a quantity"),
        (["dextrose 5%", "--volume", "nan", "--from", "D50"], "not a quantity"),
        (["dextrose 5%", "--volume", "inf mL", "--from", "D50"], "not a quantity"),
        (["dextrose 5%", "--volume", "1e308mL", "--from", "D50"], "exponent"),
        (["dextrose 5%", "--volume", "1e3 mL", "--from", "D50"], "exponent"),
        (["dextrose 5,5%", "--volume", "60mL", "--from", "D50"], "decimal comma"),
        (["dextrose 1e3%", "--volume", "60mL", "--from", "D50"], "not a strength"),
        # other bad input
        (["dextrose 5%", "--volume", "60", "--from", "D50"], "has no unit"),
        (["dextrose 5%", "--volume", "60cc", "--from", "D50"], "cc"),
        (["dextrose 5%", "--volume", "20L", "--from", "D50"], "more than 10 L"),
        (["dextrose 1:20", "--volume", "60mL", "--from", "D50"], "strength"),
        (["unobtainium 5%", "--volume", "60mL", "--from", "D50"], "unknown solute"),
        (
            ["dextrose 5%", "--volume", "60mL", "--from", "D50", "--tolerance", "0%"],
            "outside 0 % to 50 %",
        ),
        (
            ["dextrose 5%", "--volume", "60mL", "--from", "D50", "--tolerance", "nan"],
            "not a finite number",
        ),
        (["dextrose 5%", "--volume", "60mL", "--from", "D50", "--weight", "70mL"], "is not a mass"),
        (
            ["dextrose 5%", "--volume", "60mL", "--from", "D50", "--weight", "5g"],
            "not a patient's weight",
        ),
        (
            ["dextrose 5%", "--volume", "60mL", "--from", "D50", "--syringe", "3 mL by 0.4 mL"],
            "do not divide",
        ),
        (
            ["dextrose 5%", "--volume", "100mL", "--from", "D50", "--method", "syringe"],
            "needs one syringe that holds the whole volume",
        ),
        (["dextrose 0.01%", "--volume", "1mL", "--from", "D50"], "make a larger batch"),
        # more digits than a decimal context holds (used to crash while printing the message)
        (
            ["dextrose 99999999999999999999999999999%", "--volume", "60mL", "--from", "D50"],
            "more than any solution can hold",
        ),
    ],
)
def test_prepare_refuses_bad_input(args: list[str], fragment: str) -> None:
    assert_refused(run("prepare", *args), fragment)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["dextrose 5%", "D50", "SWFI=54mL"], "has no '='"),
        (["dextrose 5%", "D50=6g", "SWFI=54mL"], "is not a volume"),
        (["dextrose 5%", "D50=0mL", "SWFI=54mL"], "is zero"),
        (["dextrose 5%", "D50=-1mL", "SWFI=54mL"], "negative"),
        (["dextrose 5%", "D55=6mL", "SWFI=54mL"], "did you mean"),
        (["dextrose 5%", "D50=3mL", "D50W=3mL", "SWFI=54mL"], "given twice"),
        (["dextrose 5%", "D50=6,5mL", "SWFI=54mL"], "decimal comma"),
        (["dextrose 5%", "D50=٦mL", "SWFI=54mL"], "non-ASCII digits"),
        (["dextrose 5%", "D50=NaNmL", "SWFI=54mL"], "not a quantity"),
        (["dextrose 5%", "D50=1e308mL", "SWFI=54mL"], "exponent"),
        (["dextrose 5%", "D50=6mL", "SWFI=54mL", "--tolerance", "75%"], "outside 0 % to 50 %"),
    ],
)
def test_check_refuses_bad_input(args: list[str], fragment: str) -> None:
    assert_refused(run("check", *args), fragment)


def test_check_with_more_digits_than_a_decimal_context_holds() -> None:
    """A huge re-entered volume is a fail (exit 1), printed without a traceback."""
    huge = "1" + "0" * 30
    result = ok("check", "dextrose 5%", f"D50={huge}mL", "SWFI=54mL", code=1)
    assert "Check: FAIL" in result.stdout


# Pieces of what people type, right and wrong, to assemble into arguments.
TYPED = st.lists(
    st.sampled_from(
        [
            *"0123456789.,%/ +-e:=",
            "mL",
            "mg",
            "g",
            "kg",
            "L",
            "µL",
            "cc",
            " by ",
            "dextrose ",
            "mannitol ",
            "lidocaine ",
            " + ",
            "per ",
            "mEq",
            "mcg",
            "٣",
            "nan",
            "inf",
            "−",
            "0.01",
            "99999999999999999999999999999",
            "D50",
            "SWFI",
        ]
    ),
    max_size=8,
).map("".join)


def typed(*good: str) -> st.SearchStrategy[str]:
    return st.one_of(TYPED, st.sampled_from(good))


@given(
    typed("dextrose 5%", "dextrose 20% + lidocaine 0.1%"),
    typed("60mL", "0.5mL"),
    st.lists(typed("D50", "lidocaine-1", "dextrose 500 mg/mL"), min_size=1, max_size=2),
    typed("SWFI", "D5W"),
    typed("5%"),
    st.booleans(),
)
def test_anything_typed_exits_0_1_or_2_without_a_traceback(
    target: str, volume: str, stocks: list[str], diluent: str, tolerance: str, check: bool
) -> None:
    if check:
        args = ["check", target, *(f"{s}={volume}" for s in stocks), f"{diluent}=54mL"]
    else:
        args = [
            "prepare",
            target,
            "--volume",
            volume,
            "--diluent",
            diluent,
            "--tolerance",
            tolerance,
        ]
        for stock in stocks:
            args += ["--from", stock]
    result = run(*args)
    assert result.exit_code in {0, 1, 2}, (args, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        repr(result.exception),
    )
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.strip()


@pytest.mark.parametrize(
    "args",
    [
        ["prepare", "dextrose 5%", "--from", "D50"],  # no --volume
        ["prepare", "dextrose 5%", "--volume", "60mL"],  # no --from
        ["prepare", "dextrose 5%", "--volume", "60mL", "--from", "D50", "--method", "bucket"],
        ["check", "dextrose 5%"],  # nothing drawn
        ["prepare", "--bogus"],
        ["no-such-command"],
    ],
)
def test_usage_errors_exit_2_without_a_traceback(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.strip()


def test_main_reports_errors_as_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """The console-script entry point: the same exit codes outside the test runner."""
    with pytest.raises(SystemExit) as exited:
        main(["prepare", "dextrose 60%", "--volume", "60mL", "--from", "D50"])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("Error: The target dextrose 60 % is stronger than every stock")
    assert captured.out == ""
    with pytest.raises(SystemExit) as exited:
        main(["check", "dextrose 5%", "D50=7mL", "SWFI=53mL"])
    assert exited.value.code == 1
    with pytest.raises(SystemExit) as exited:
        main(["check", "dextrose 5%", "D50=6mL", "SWFI=54mL"])
    assert exited.value.code == 0


# ---------------------------------------------------------------------------------------------
# JSON schema and help


def test_prepare_json_has_the_documented_keys() -> None:
    result = data(
        "prepare",
        "dextrose 20% + lidocaine 0.1%",
        "--volume",
        "10mL",
        "--from",
        "D50",
        "--from",
        "lidocaine-1",
    )
    for component in result["components"]:
        assert {"product", "volume_mL", "syringe_mL"} <= set(component)
        assert isinstance(component["product"], str)
        assert isinstance(component["volume_mL"], int | float)
        assert isinstance(component["syringe_mL"], int | float)
    assert {"volume_mL", "concentrations_percent_wv", "osmolarity_mOsmol_per_L"} <= set(
        result["achieved"]
    )
    assert set(result["deviation_percent"]) == {"dextrose", "lidocaine"}
    assert isinstance(result["within_tolerance"], bool)
    assert isinstance(result["warnings"], list)
    assert all(isinstance(w, str) for w in result["warnings"])


def test_check_json_has_the_documented_keys() -> None:
    result = data("check", "dextrose 5%", "D50=6mL", "SWFI=54mL")
    assert {
        "components",
        "achieved",
        "deviation_percent",
        "within_tolerance",
        "warnings",
        "pass",
    } <= set(result)
    assert {"volume_mL", "concentrations_percent_wv", "osmolarity_mOsmol_per_L"} <= set(
        result["achieved"]
    )
    assert all({"product", "volume_mL"} <= set(c) for c in result["components"])


@pytest.mark.parametrize("command", ["prepare", "check", "products"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = ok(command, "--help")
    assert "Example" in result.stdout
    assert f"npt {command}" in result.stdout


def test_top_level_help_lists_the_commands() -> None:
    text = ok("--help").stdout
    for command in ("prepare", "check", "products"):
        assert re.search(rf"^\s+{command}\s+\S", text, re.MULTILINE), command


def test_printed_instructions_use_words_not_symbols() -> None:
    text = ok(
        "prepare", "dextrose 10%", "--volume", "100mL", "--from", "D50", "--diluent", "D5W"
    ).stdout
    text += ok(
        "prepare",
        "dextrose 20% + lidocaine 0.1%",
        "--volume",
        "10mL",
        "--from",
        "D50",
        "--from",
        "lidocaine-1",
    ).stdout
    for symbol in ("+", "<", ">", "@", "&"):
        assert symbol not in text, symbol


def test_a_volume_on_an_insulin_syringe_mark_is_printed_as_measured() -> None:
    # 4.5 mL of dextrose 20 % + lidocaine 0.1 % with a 0.3 mL insulin syringe (0.005 mL marks):
    # lidocaine 2 % is measured on its exact 0.225 mL mark. Every line that says how much to
    # draw says 0.225 mL, never 0.22 mL.
    text = ok(
        "prepare",
        "dextrose 20% + lidocaine 0.1%",
        "--volume",
        "4.5mL",
        "--from",
        "D50",
        "--from",
        "lidocaine-2",
        "--syringe",
        "0.3 mL by 0.005 mL",
        "--syringe",
        "1 mL by 0.01 mL",
        "--syringe",
        "5 mL by 0.2 mL",
    ).stdout
    (row,) = [line for line in text.splitlines() if line.strip().startswith("lidocaine-2  stock")]
    assert " ".join(row.split()) == ("lidocaine-2 stock 0.225 mL 0.225 mL 1 container of 5 mL")
    assert "measure with: 0.3 mL syringe (0.005 mL marks)" in text
    assert "Measure 0.225 mL of lidocaine-2 (lidocaine 2 %) in a 0.3 mL syringe" in text
    assert "0.22 mL" not in text
