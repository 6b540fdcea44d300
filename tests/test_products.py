"""The stock catalogue: label facts (clinical-facts §3), lookup, specs, clinic files, products."""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from npt_protocol.catalogue import products as products_module
from npt_protocol.catalogue.clinic import load_catalogue
from npt_protocol.catalogue.products import (
    Catalogue,
    CautionRule,
    DoseLimit,
    Product,
    Stated,
    _forms_from,
    _fraction,
    _percent,
    _size,
    _solute_from,
    product_from,
    shipped_catalogue,
)
from npt_protocol.cli import cli
from npt_protocol.errors import InputError, ProductError
from tests.strategies import ISMP_NUMBER, decimal_text, decimals, strength_spellings

CATALOGUE_FILE = Path(products_module.__file__).with_name("catalogue.toml")

# id → (aliases the issue names, composition in mg/mL from the label's % w/v × 10).
ISSUE_PRODUCTS: dict[str, tuple[tuple[str, ...], dict[str, Fraction]]] = {
    "D5W": (("D5",), {"dextrose": Fraction(50)}),
    "D10W": (("D10",), {"dextrose": Fraction(100)}),
    "D25W": (("D25",), {"dextrose": Fraction(250)}),
    "D50W": (("D50",), {"dextrose": Fraction(500)}),
    "D70W": (("D70",), {"dextrose": Fraction(700)}),
    "mannitol-5": ((), {"mannitol": Fraction(50)}),
    "mannitol-10": ((), {"mannitol": Fraction(100)}),
    "mannitol-20": ((), {"mannitol": Fraction(200)}),
    "mannitol-25": ((), {"mannitol": Fraction(250)}),
    "SWFI": ((), {}),
    "NS": ((), {"sodium chloride": Fraction(9)}),
    "bicarb-8.4": ((), {"sodium bicarbonate": Fraction(84)}),
    "bicarb-4.2": ((), {"sodium bicarbonate": Fraction(42)}),
    "lidocaine-1": ((), {"lidocaine": Fraction(10)}),
    "lidocaine-2": ((), {"lidocaine": Fraction(20)}),
}

# Label osmolarities (mOsmol/L) from clinical-facts §3.
LABEL_OSMOLARITY = {
    "D5W": 252,
    "D50W": 2530,
    "mannitol-5": 274,
    "mannitol-10": 549,
    "mannitol-20": 1098,
    "mannitol-25": 1372,
    "SWFI": 0,
    "NS": 308,
    "bicarb-8.4": 2000,
    "bicarb-4.2": 1000,
}
# Calculated ones: strength / 198.17 g/mol × 1000, e.g. 100 / 198.17 × 1000 = 504.6 → about 505.
CALCULATED_OSMOLARITY = {"D10W": 505, "D25W": 1262, "D70W": 3532}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return shipped_catalogue()


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner that never reads the machine's own clinic settings."""
    (tmp_path / "no-settings.toml").write_text("")  # named: never the machine's own
    monkeypatch.setenv("NPT_CONFIG", str(tmp_path / "no-settings.toml"))
    return CliRunner()


# ---------------------------------------------------------------------------------------------
# The shipped catalogue holds the label facts


@pytest.mark.parametrize("pid", sorted(ISSUE_PRODUCTS))
def test_every_issue_product_is_there_with_its_label_strength(
    catalogue: Catalogue, pid: str
) -> None:
    aliases, composition = ISSUE_PRODUCTS[pid]
    found = catalogue.product(pid)
    assert found.id == pid
    assert dict(found.composition) == composition
    for alias in aliases:
        assert catalogue.product(alias) is found
    assert found.source.strip(), f"{pid} has no source"
    assert found.name.strip()
    assert found.sizes_ml and all(size > 0 for size in found.sizes_ml)


@pytest.mark.parametrize(("pid", "osmolarity"), sorted(LABEL_OSMOLARITY.items()))
def test_label_osmolarities(catalogue: Catalogue, pid: str, osmolarity: int) -> None:
    assert catalogue.osmolarity(catalogue.product(pid)) == osmolarity


@pytest.mark.parametrize(("pid", "osmolarity"), sorted(CALCULATED_OSMOLARITY.items()))
def test_calculated_osmolarities(catalogue: Catalogue, pid: str, osmolarity: int) -> None:
    strength = catalogue.product(pid).composition["dextrose"]
    value = catalogue.osmolarity(catalogue.product(pid))
    assert value == strength / Fraction("198.17") * 1000
    assert round(value) == osmolarity


def test_label_and_molar_mass_agree_for_mannitol(catalogue: Catalogue) -> None:
    """50 mg/mL ÷ 182.17 g/mol × 1000 = 274.5 mOsmol/L, against the label's 274."""
    ideal = catalogue.solutes["mannitol"].milliosmoles_per_litre(Fraction(50))
    assert ideal is not None
    assert abs(ideal - 274) < 1


def test_lidocaine_osmolarity_comes_from_its_label_contents(catalogue: Catalogue) -> None:
    """Label: lidocaine hydrochloride (anhydrous, 270.8 g/mol) 10 mg/mL and sodium chloride
    (58.44 g/mol) 7 mg/mL, each two ions: 10/270.8 × 2,000 + 7/58.44 × 2,000 = 73.9 + 239.6 =
    313.4 mOsmol/L; 2 %: 20/270.8 × 2,000 + 6/58.44 × 2,000 = 147.7 + 205.3 = 353.0."""
    one = catalogue.osmolarity(catalogue.product("lidocaine-1"))
    two = catalogue.osmolarity(catalogue.product("lidocaine-2"))
    assert (
        one
        == Fraction(10, 1) / Fraction(2708, 10) * 2000 + Fraction(7) / Fraction(5844, 100) * 2000
    )
    assert two is not None and round(two, 1) == Fraction(3530, 10)


def test_a_mix_with_lidocaine_has_a_known_osmolarity(catalogue: Catalogue) -> None:
    """20 % dextrose and 0.1 % lidocaine from D50 and lidocaine 1 %: osmolarity is counted."""
    stated = catalogue.stated("dextrose 20% + lidocaine 0.1%")
    assert stated.composition == {"dextrose": 200, "lidocaine": 1}
    assert catalogue.osmolarity(catalogue.product("lidocaine-1")) is not None


def test_bicarbonate_one_meq_per_ml_is_eight_point_four_percent(catalogue: Catalogue) -> None:
    """84 mg per mEq (label): 1 mEq/mL = 84 mg/mL = 8.4 %; 0.5 mEq/mL = 4.2 %."""
    assert catalogue.composition("sodium bicarbonate 1 mEq/mL") == {
        "sodium bicarbonate": Fraction(84)
    }
    assert catalogue.composition("bicarbonate 0.5 mEq/mL") == dict(
        catalogue.product("bicarb-4.2").composition
    )


def test_sizes_on_the_labels(catalogue: Catalogue) -> None:
    assert Fraction(50) in catalogue.product("D50").sizes_ml
    assert Fraction(50) in catalogue.product("mannitol-25").sizes_ml
    assert set(catalogue.product("bicarb-8.4").sizes_ml) == {Fraction(10), Fraction(50)}
    assert all(1 <= size <= 100 for size in catalogue.product("SWFI").sizes_ml)


def test_no_two_products_share_a_name(catalogue: Catalogue) -> None:
    """An id or alias that two products answer to would make a lookup ambiguous."""
    seen: dict[str, str] = {}
    for item in catalogue.products:
        for name in (item.id, *item.aliases):
            key = re.sub(r"\s+", "", name.lower())
            assert key not in seen, f"{name!r} names both {seen[key]} and {item.id}"
            seen[key] = item.id


def test_diluents_are_weaker_than_the_stocks_of_their_solute(catalogue: Catalogue) -> None:
    assert catalogue.product("SWFI").role == "diluent"
    assert catalogue.product("D5W").role == "diluent"
    assert catalogue.product("D50W").role == "stock"


# ---------------------------------------------------------------------------------------------
# Lookup by id, alias and spec


@pytest.mark.parametrize(
    ("text", "pid"),
    [
        ("D50", "D50W"),
        ("d50", "D50W"),
        (" D50 ", "D50W"),
        ("d50w", "D50W"),
        ("dextrose-50", "D50W"),
        ("water", "SWFI"),
        ("Sterile Water", "SWFI"),
        ("swfi", "SWFI"),
        ("M20", "mannitol-20"),
        ("lidocaine 1%", "lidocaine-1"),
        ("saline", "NS"),
    ],
)
def test_lookup_by_id_or_alias(catalogue: Catalogue, text: str, pid: str) -> None:
    assert catalogue.product(text).id == pid


@given(decimals(Fraction(1, 10), 700, 1), st.data())
def test_a_spec_is_an_adhoc_stock_of_that_strength(
    mg_per_ml: Fraction, data: st.DataObject
) -> None:
    catalogue = shipped_catalogue()
    text = "dextrose " + data.draw(st.sampled_from(strength_spellings(mg_per_ml)))
    found = catalogue.product(text)
    assert dict(found.composition) == {"dextrose": mg_per_ml}
    assert found.origin == "spec"
    assert found.id == text


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        ("D55", "D50W"),
        ("Dextrose50", "D50W"),
        ("manitol-20", "mannitol-20"),
        ("lidocain-1", "lidocaine-1"),
    ],
)
def test_unknown_products_suggest_the_nearest_ids(
    catalogue: Catalogue, text: str, suggested: str
) -> None:
    with pytest.raises(ProductError) as caught:
        catalogue.product(text, what="--from")
    message = str(caught.value)
    assert "not in the catalogue" in message
    assert "did you mean" in message
    assert suggested in message.split("did you mean", 1)[1]
    assert "npt products" in message


def test_unknown_product_is_a_lookup_error(catalogue: Catalogue) -> None:
    with pytest.raises(LookupError):
        catalogue.product("no-such-thing")


def test_empty_product_name(catalogue: Catalogue) -> None:
    with pytest.raises(InputError, match="empty"):
        catalogue.product("  ")


def test_a_spec_with_an_unknown_solute_says_why(catalogue: Catalogue) -> None:
    with pytest.raises(ProductError, match="unknown solute 'unobtainium'"):
        catalogue.product("unobtainium 5%", what="--from")


# ---------------------------------------------------------------------------------------------
# Compositions


@pytest.mark.parametrize(
    ("text", "composition"),
    [
        ("dextrose 5%", {"dextrose": Fraction(50)}),
        ("5% dextrose", {"dextrose": Fraction(50)}),
        # 'glucose' is anhydrous glucose (BP labels): 50 mg/mL × 198.17 / 180.16 as monohydrate.
        ("glucose 5%", {"dextrose": Fraction(50) * Fraction(19817, 18016)}),
        ("dextrose 5% anhydrous", {"dextrose": Fraction(50) * Fraction(19817, 18016)}),
        ("glucose 5% monohydrate", {"dextrose": Fraction(50)}),
        ("dextrose 20% + lidocaine 0.1%", {"dextrose": Fraction(200), "lidocaine": Fraction(1)}),
        ("dextrose 20%+lidocaine 0.1%", {"dextrose": Fraction(200), "lidocaine": Fraction(1)}),
        (
            "dextrose 20% and lidocaine 1 mg/mL",
            {"dextrose": Fraction(200), "lidocaine": Fraction(1)},
        ),
        (
            "dextrose 20% with lignocaine 0.1%",
            {"dextrose": Fraction(200), "lidocaine": Fraction(1)},
        ),
        ("mannitol 5 g/100 mL", {"mannitol": Fraction(50)}),
        ("sodium chloride 0.9%", {"sodium chloride": Fraction(9)}),
    ],
)
def test_composition_examples(
    catalogue: Catalogue, text: str, composition: dict[str, Fraction]
) -> None:
    assert catalogue.composition(text) == composition


@pytest.mark.parametrize(
    ("text", "error", "fragment"),
    [
        ("dextrose 5% + dextrose 10%", InputError, "twice"),
        ("unobtainium 5%", ProductError, "unknown solute"),
        ("dextrose 1 mEq/mL", InputError, "cannot be given in mEq"),
        ("dextrose", InputError, "needs a solute and a strength"),
        ("", InputError, "empty"),
        ("dextrose 0%", InputError, "zero"),
    ],
)
def test_composition_refusals(
    catalogue: Catalogue, text: str, error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error, match=fragment):
        catalogue.composition(text, what="target")


@given(decimals(Fraction(1, 10), 500, 1), decimals(Fraction(1, 100), 20, 2))
def test_composition_of_two_solutes_in_any_order(dextrose: Fraction, lidocaine: Fraction) -> None:
    catalogue = shipped_catalogue()
    first = f"dextrose {decimal_text(dextrose / 10)}% + lidocaine {decimal_text(lidocaine)} mg/mL"
    second = f"lidocaine {decimal_text(lidocaine)} mg/mL + dextrose {decimal_text(dextrose)} mg/mL"
    expected = {"dextrose": dextrose, "lidocaine": lidocaine}
    assert catalogue.composition(first) == expected
    assert catalogue.composition(second) == expected


# ---------------------------------------------------------------------------------------------
# Cautions (clinical-facts §3 notes)


@pytest.mark.parametrize(
    ("pid", "expected"),
    [
        ("D5W", {"corn"}),  # 252 mOsmol/L: not hypertonic stock
        ("D50W", {"corn", "hypertonic"}),  # 2,530 mOsmol/L
        ("mannitol-10", set()),  # 10 %: below the 15 % crystal line
        ("mannitol-20", {"mannitol-crystals", "mannitol-filter", "hypertonic"}),
        ("mannitol-25", {"mannitol-crystals", "mannitol-filter", "hypertonic"}),
        ("SWFI", {"water-alone"}),
        ("NS", set()),
        ("bicarb-8.4", {"bicarbonate", "hypertonic"}),
        ("lidocaine-1", {"local-anaesthetic"}),
    ],
)
def test_product_cautions(catalogue: Catalogue, pid: str, expected: set[str]) -> None:
    item = catalogue.product(pid)
    keys = {c.key for c in catalogue.caution_rules(item.composition, catalogue.osmolarity(item))}
    assert keys == expected


def test_mannitol_fifteen_percent_crystallises_but_needs_no_filter(catalogue: Catalogue) -> None:
    keys = {c.key for c in catalogue.caution_rules({"mannitol": Fraction(150)}, None)}
    assert keys == {"mannitol-crystals"}


# ---------------------------------------------------------------------------------------------
# A clinic's own catalogue file


def test_clinic_catalogue_adds_and_replaces_products(tmp_path: Path) -> None:
    path = tmp_path / "clinic.yaml"
    path.write_text(
        "products:\n"
        "  - id: D50W\n    composition: dextrose 50%\n    sizes_mL: ['10']\n"
        "    source: our shelf\n"
        "  - id: D20W\n    aliases: [D20]\n    composition: dextrose 20%\n"
        "    source: compounded here\n",
        encoding="utf-8",
    )
    catalogue = load_catalogue(path)
    assert catalogue.product("D20").composition == {"dextrose": Fraction(200)}
    assert catalogue.product("D50W").sizes_ml == (Fraction(10),)
    assert catalogue.product("D50W").source == "our shelf"
    assert [p.id for p in catalogue.products].count("D50W") == 1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("products:\n  - id: X\n    colour: red\n", "unknown key 'colour'"),
        ("products:\n  - id: X\n    role: solvent\n", "role 'solvent'"),
        ("products:\n  - name: X\n", "clinic.yaml:2:5: products[1] is missing 'id'"),
        ("products: [\n", "clinic.yaml:2:1: YAML syntax error"),
        ("items: []\n", "has 2 problems, first"),
        ("items: []\n", "clinic.yaml:1:1: catalogue has unknown key 'items'"),
        ("products:\n  - id: X\n    composition: dextrose 5,5%\n", "decimal comma"),
    ],
)
def test_clinic_catalogue_errors(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(fragment)):
        load_catalogue(path)


def test_with_products_puts_clinic_products_first(catalogue: Catalogue) -> None:
    extra = Product(
        id="D5W", name="our D5W", composition={"dextrose": Fraction(50)}, role="diluent"
    )
    merged = catalogue.with_products([extra])
    assert merged.product("D5W").name == "our D5W"
    assert len(merged.products) == len(catalogue.products)


# ---------------------------------------------------------------------------------------------
# `npt products`


def test_products_lists_every_product_with_its_facts(
    runner: CliRunner, catalogue: Catalogue
) -> None:
    result = runner.invoke(cli, ["products"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert max(len(line) for line in text.splitlines()) <= 100  # wrapped to fit a terminal
    joined = " ".join(text.split())
    for item in catalogue.products:
        assert re.search(rf"^{re.escape(item.id)}\b", text, re.MULTILINE), item.id
        for alias in item.aliases:
            assert alias in text, alias
        assert " ".join(item.source.split()) in joined
        if item.ph:
            assert " ".join(item.ph.split()) in joined
    # Printed numbers follow ISMP: thousands commas, no trailing zero.
    assert "2,530 mOsmol/L" in text  # D50W label
    assert "1,098 mOsmol/L" in text  # mannitol 20 %
    assert "1,000 mL" in text  # D5W bag
    assert "filter needle" in text  # mannitol ≥ 20 %
    assert "never inject it alone" in text  # sterile water
    assert "% w/v" in text
    printed = [line for line in text.splitlines() if line.startswith(("  contains:", "  sizes:"))]
    assert len(printed) == 2 * len(catalogue.products)
    for number in re.findall(r"([0-9][0-9,.]*) (?:mL|mOsmol/L)\b", "\n".join(printed)):
        assert ISMP_NUMBER.fullmatch(number), number
    assert "Traceback" not in result.output


def test_products_json_schema(runner: CliRunner, catalogue: Catalogue) -> None:
    result = runner.invoke(cli, ["products", "--json"])
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    assert listing["schema"] == "npt.products/1"
    assert listing["catalogue_version"] == catalogue.version
    rows = listing["products"]
    assert isinstance(rows, list)
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {p.id for p in catalogue.products}
    for row in rows:
        for key in ("id", "aliases", "composition", "osmolarity_mOsmol_per_L", "source"):
            assert key in row, (row.get("id"), key)
        assert isinstance(row["aliases"], list)
        assert row["source"]
    for pid, (aliases, composition) in ISSUE_PRODUCTS.items():
        row = by_id[pid]
        assert set(aliases) <= set(row["aliases"])
        # composition is solute → percent w/v: mg/mL ÷ 10.
        assert {s: Fraction(str(v)) for s, v in row["composition"].items()} == {
            s: c / 10 for s, c in composition.items()
        }
    for pid, osmolarity in LABEL_OSMOLARITY.items():
        assert by_id[pid]["osmolarity_mOsmol_per_L"] == osmolarity
    for pid, osmolarity in CALCULATED_OSMOLARITY.items():
        assert abs(by_id[pid]["osmolarity_mOsmol_per_L"] - osmolarity) <= 1
    assert by_id["lidocaine-1"]["osmolarity_mOsmol_per_L"] == 313
    assert by_id["NS"]["composition"] == {"sodium chloride": 0.9}


def test_products_reads_a_clinic_catalogue(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "clinic.yaml"
    path.write_text(
        "products:\n  - id: D20W\n    aliases: [D20]\n"
        "    composition: dextrose 20%\n    source: compounded here\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["products", "--json", "--catalogue", str(path)])
    assert result.exit_code == 0, result.output
    row = next(r for r in json.loads(result.stdout)["products"] if r["id"] == "D20W")
    assert row["composition"] == {"dextrose": 20}
    assert row["aliases"] == ["D20"]


def test_products_bad_clinic_catalogue_is_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "clinic.yaml"
    path.write_text("products:\n  - id: X\n    colour: red\n", encoding="utf-8")
    result = runner.invoke(cli, ["products", "--catalogue", str(path)])
    assert result.exit_code == 2
    assert "unknown key 'colour'" in result.stderr
    assert "Traceback" not in result.output


def _clinic(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("composition", "osmolarity", "accepted"),
    [
        ("dextrose 50%", "2530", True),  # US label; 2,523 from the monohydrate
        ("glucose 50%", "2775", True),  # BP label; 2,775 from anhydrous glucose
        ("dextrose 50%", "253", False),  # a slipped digit
        ("dextrose 50%", "2780", False),  # a BP figure on a monohydrate composition
        (None, "0", True),  # water: no solute
        (None, "11", False),
    ],
)
def test_a_stated_osmolarity_must_agree_with_the_composition(
    tmp_path: Path, composition: str | None, osmolarity: str, accepted: bool
) -> None:
    stated = f"    composition: {composition}\n" if composition else "    role: diluent\n"
    path = _clinic(
        tmp_path,
        f"products:\n  - id: D50-local\n{stated}    osmolarity_mOsmol_per_L: {osmolarity}\n",
    )
    if accepted:
        assert load_catalogue(path).product("D50-local").label_osmolarity == int(osmolarity)
        return
    with pytest.raises(InputError, match=r"clinic\.yaml:4:30: .*osmolarity .* disagrees"):
        load_catalogue(path)


def test_a_clinic_product_taking_a_shipped_name_is_named_in_the_recipe(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _clinic(tmp_path, "products:\n  - id: D50\n    composition: dextrose 50%\n")
    catalogue = load_catalogue(path)
    assert catalogue.product("D50").replaces == "D50W"
    args = ["prepare", "dextrose 5%", "--volume", "60mL", "--from", "D50"]
    result = runner.invoke(cli, [*args, "--catalogue", str(path)])
    assert result.exit_code == 0, result.output
    assert "takes the name of the shipped D50W" in " ".join(result.stdout.split())


def test_the_catalogue_version_names_the_clinic_file_contents(tmp_path: Path) -> None:
    text = "products:\n  - id: D20-local\n    composition: dextrose 20%\n"
    first = load_catalogue(_clinic(tmp_path, text)).version
    second = load_catalogue(_clinic(tmp_path, text.replace("20%", "25%"))).version
    shipped = shipped_catalogue().version
    assert first.startswith(f"{shipped}+") and second.startswith(f"{shipped}+")
    assert first != second and len(first) == len(shipped) + 13


def test_validate_lists_every_problem_with_its_position(runner: CliRunner, tmp_path: Path) -> None:
    path = _clinic(
        tmp_path,
        "products:\n  - id: A\n    colour: red\n  - id: B\n    sizes_mL: [010]\n",
    )
    result = runner.invoke(cli, ["products", "--catalogue", str(path), "--validate"])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines == [
        f"{path}:3:5: products[1] has unknown key 'colour'; expected one of id, aliases, name, "
        "composition, excipients, osmolarity_mOsmol_per_L, ph, sizes_mL, sizes_note, role, "
        "source, confidence",
        f"{path}:5:16: product B size '010' is read by YAML as 8, not 010; expected a plain "
        "decimal such as 10 or 0.5",
        f"2 problems in {path}.",
    ]
    good = _clinic(tmp_path, "products:\n  - id: A\n    composition: dextrose 20%\n")
    result = runner.invoke(cli, ["products", "--catalogue", str(good), "--validate"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{good}: 1 product, no problems found.\n"


def test_validate_needs_a_clinic_catalogue(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["products", "--validate"])
    assert result.exit_code == 2
    assert "give one with --catalogue FILE" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")
def test_a_fifo_named_as_the_catalogue_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "clinic.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is a FIFO"):
        load_catalogue(fifo)


# ---------------------------------------------------------------------------------------------
# Written for mutants that survived: hints, specs, bases, clinic products and the loader's
# refusals, word for word

NOT_IN = (
    "; use an id such as D5W, D10W, D25W, D50W, D70W, glucose-5-bp (see `npt products`) or a "
    "spec such as 'dextrose 500 mg/mL'."
)


@pytest.mark.parametrize(
    ("text", "middle"),
    [
        # Up to three distinct products from the four nearest names (ids and aliases).
        ("liocaine-1", " (did you mean lidocaine-1 or lidocaine-2?)"),
        ("glcose-50", " (did you mean glucose-50-bp or glucose-5-bp?)"),
        ("mannitol-2", " (did you mean mannitol-25 or mannitol-20 or mannitol-5?)"),
        # Not written like a spec (no space, % or /): why the spec failed is not shown.
        ("D50X", " (did you mean D50W or D5W?)"),
        # Written like a spec: the reason, without its full stop, then the hint.
        (
            "dextrose 5 %x",
            " (product dextrose '5 %x' is not a strength; expected one such as 5%, 5 % w/v, "
            "50 mg/mL, 5 g/100 mL, 0.5 g per mL or 1 mEq/mL) (did you mean D5W or D50W or D25W?)",
        ),
        # Like a spec but without a number: no reason to show, and no empty brackets.
        ("dextrose x", " (did you mean D5W or D70W or D50W?)"),
    ],
)
def test_an_unknown_product_message_word_for_word(
    catalogue: Catalogue, text: str, middle: str
) -> None:
    with pytest.raises(ProductError) as caught:
        catalogue.product(text)
    assert str(caught.value) == f"product {text!r} is not in the catalogue{middle}{NOT_IN}"


def test_a_spec_makes_a_stock_typed_by_the_user(catalogue: Catalogue) -> None:
    product = catalogue.product(" dextrose 500 mg/mL ")
    assert (product.id, product.name, product.role, product.source, product.origin) == (
        "dextrose 500 mg/mL",
        "dextrose 500 mg/mL",
        "stock",
        "typed by the user",
        "spec",
    )
    assert product.forms["dextrose"].basis == "monohydrate"
    water = catalogue.adhoc("water", Stated({}))
    assert (water.role, water.composition, water.source) == ("diluent", {}, "typed by the user")


def test_a_stated_label_names_the_basis_only_where_there_is_one(catalogue: Catalogue) -> None:
    stated = catalogue.stated("glucose 20% + lidocaine 0.1%")
    assert stated.label("dextrose") == "anhydrous glucose"
    assert stated.label("lidocaine") == "lidocaine"  # one form: no basis to name
    assert Stated({"heparin": Fraction(1)}).label("heparin") == "heparin"  # no form recorded


def test_a_basis_for_an_unknown_solute_or_a_missing_form_is_refused(catalogue: Catalogue) -> None:
    with pytest.raises(ProductError) as caught:
        catalogue.with_bases({"sugar": "anhydrous"})
    assert str(caught.value) == (
        "basis: unknown solute 'sugar'; known solutes are dextrose, lidocaine, mannitol, "
        "sodium bicarbonate, sodium chloride."
    )
    with pytest.raises(InputError) as caught:
        catalogue.with_bases({"lidocaine": "anhydrous"}, what="--basis")
    assert str(caught.value) == (
        "--basis lidocaine=anhydrous: lidocaine has no 'anhydrous' basis; expected none: it has "
        "one form."
    )


def test_clinic_products_all_kept_and_a_shipped_id_keeps_its_aliases(
    catalogue: Catalogue,
) -> None:
    # A new product first, then one that takes D50W's id: both are kept, and the names people
    # use for D50W (D50, dextrose-50) now find the clinic's product.
    new = Product("D40W", "Clinic dextrose 40 %", {"dextrose": Fraction(400)})
    ours = Product("D50W", "Clinic dextrose 50 %", {"dextrose": Fraction(500)}, origin="c.toml")
    merged = catalogue.with_products([new, ours])
    assert merged.product("D40W").name == "Clinic dextrose 40 %"
    assert merged.product("D40W").replaces == ""
    for name in ("D50W", "D50", "dextrose-50"):
        found = merged.product(name)
        assert (found.name, found.replaces) == ("Clinic dextrose 50 %", "D50W")
    assert merged.product("D50").aliases == ("D50", "dextrose-50")


@pytest.mark.parametrize(
    ("read", "value", "message"),
    [
        (_size, 0, "row 0 is zero; expected a container size in mL such as 10."),
        (_size, "x", "row 'x' is not a number; expected plain digits such as 5, 0.5 or 1000."),
        (_percent, "15", "row '15' is not a percent; expected such as '15%'."),
        (_percent, "x%", "row 'x' is not a number; expected plain digits such as 5, 0.5 or 1000."),
        (
            _fraction,
            "abc",
            "row 'abc' is not a number; expected plain digits such as 5, 0.5 or 1000.",
        ),
    ],
)
def test_the_shipped_file_reader_refuses_a_bad_number_naming_it(
    read: Callable[..., Fraction], value: object, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        read(value, what="row")
    assert str(caught.value) == message


def test_the_shipped_file_reader_reads_sizes_and_percents() -> None:
    assert _size("1", what="row") == 1  # 1 mL is a size; only zero is refused
    assert _percent(" 15% ", what="row") == 150  # 15 % w/v is 150 mg/mL
    assert _forms_from({"name": "heparin"}) == ()
    with pytest.raises(InputError) as caught:
        _forms_from(
            {
                "name": "dextrose",
                "form": [{"basis": "a", "label": "b", "molar_mass_g_per_mol": "x"}],
            }
        )
    assert str(caught.value) == (
        "dextrose form 'x' is not a number; expected plain digits such as 5, 0.5 or 1000."
    )


def percent_mg_per_ml(text: str) -> Fraction:
    """Read '15%' as mg/mL, independently of the catalogue's reader."""
    return Fraction(text.strip().removesuffix("%")) * 10


def test_every_fact_in_the_shipped_file_reaches_the_catalogue() -> None:
    """Read catalogue.toml with tomllib alone and find every solute, form, dose limit, caution
    and product field in the loaded catalogue, unchanged (defaults where a field is absent)."""
    data = tomllib.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    loaded = shipped_catalogue()
    assert loaded.version == data["version"]
    assert set(loaded.solutes) == {row["name"] for row in data["solute"]}
    for row in data["solute"]:
        solute = loaded.solutes[row["name"]]
        forms = row.get("form", [])
        molar = row.get("molar_mass_g_per_mol") or (
            forms[0]["molar_mass_g_per_mol"] if forms else None
        )
        assert solute.molar_mass_g_per_mol == (None if molar is None else Fraction(molar))
        for key in ("osmoles_per_mole", "milligrams_per_milliequivalent"):
            expected = Fraction(row[key]) if key in row else None
            assert getattr(solute, key) == expected, (row["name"], key)
        for key in ("note", "source", "load_note", "max_strength_source"):
            assert getattr(solute, key) == row.get(key, ""), (row["name"], key)
        assert solute.aliases == tuple(row.get("aliases", ()))
        assert solute.max_strength == (
            percent_mg_per_ml(row["max_strength"]) if "max_strength" in row else None
        )
        assert [
            (f.basis, f.label, f.to_canonical, f.words, f.default_for, f.source)
            for f in solute.forms
        ] == [
            (
                form["basis"],
                form["label"],
                Fraction(forms[0]["molar_mass_g_per_mol"]) / Fraction(form["molar_mass_g_per_mol"]),
                tuple(form.get("words", ())),
                tuple(form.get("default_for", ())),
                form.get("source", ""),
            )
            for form in forms
        ]
        limit = row.get("dose_limit")
        if limit is None:
            assert solute.dose_limit is None
        else:
            assert solute.dose_limit == DoseLimit(
                max_mg=Fraction(limit["max_mg"]),
                source=limit["source"],
                mg_per_kg=Fraction(limit["mg_per_kg"]) if "mg_per_kg" in limit else None,
                applies_to=limit.get("applies_to", ""),
                note=limit.get("note", ""),
            )
    assert loaded.cautions == tuple(
        CautionRule(
            key=row["key"],
            text=row["text"],
            source=row["source"],
            solute=row.get("solute"),
            at_least=percent_mg_per_ml(row["at_least"]) if "at_least" in row else None,
            above=percent_mg_per_ml(row["above"]) if "above" in row else None,
            no_solute=row.get("no_solute", False),
            osmolarity_at_least=Fraction(row["osmolarity_at_least"])
            if "osmolarity_at_least" in row
            else None,
            drawing=row.get("drawing"),
        )
        for row in data["caution"]
    )
    assert [p.id for p in loaded.products] == [row["id"] for row in data["product"]]
    for product, row in zip(loaded.products, data["product"], strict=True):
        composition = loaded.composition(row["composition"]) if row.get("composition") else {}
        assert product.composition == composition, row["id"]
        assert (
            product.name,
            product.role,
            product.aliases,
            product.ph,
            product.sizes_ml,
            product.sizes_note,
            product.source,
            product.confidence,
            product.origin,
            product.replaces,
        ) == (
            row.get("name", row["id"]),
            row.get("role", "stock" if composition else "diluent"),
            tuple(row.get("aliases", ())),
            row.get("ph", ""),
            tuple(Fraction(s) for s in row.get("sizes_mL", ())),
            row.get("sizes_note", ""),
            row.get("source", ""),
            row.get("confidence", ""),
            "shipped",
            "",
        ), row["id"]
        osmolarity = row.get("osmolarity_mOsmol_per_L")
        assert product.label_osmolarity == (None if osmolarity is None else Fraction(osmolarity))
        excipients = loaded.composition(row["excipients"]) if "excipients" in row else {}
        assert product.excipients == excipients, row["id"]
        assert set(product.forms) == set(composition)


def test_a_solute_row_with_its_own_molar_mass_keeps_it() -> None:
    # A stated molar mass is the solute's; the first form's is used only when none is stated.
    row = {
        "name": "x",
        "molar_mass_g_per_mol": "100",
        "form": [{"basis": "a", "label": "x a", "molar_mass_g_per_mol": "120"}],
    }
    assert _solute_from(row).molar_mass_g_per_mol == 100
    del row["molar_mass_g_per_mol"]
    assert _solute_from(row).molar_mass_g_per_mol == 120


def test_a_product_row_with_only_an_id_is_a_diluent_named_by_it(catalogue: Catalogue) -> None:
    water = product_from({"id": "WFI-2"}, catalogue, origin="shipped")
    assert (water.name, water.role, water.composition, water.sizes_ml) == (
        "WFI-2",
        "diluent",
        {},
        (),
    )
