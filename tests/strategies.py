"""Hypothesis strategies and small independent oracles shared by the engine's tests.

The oracles (exact rounding, determinants, Cramer's rule, mark rounding) are written here from the
textbook definitions, not from the engine's code, so a property that compares the two can fail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction

import attrs
from hypothesis import strategies as st

from npt_protocol.catalogue.products import Product

# ---------------------------------------------------------------------------------------------
# Exact numbers and how people write them

# An ISMP number (clinical-facts §5): a leading zero or 1-3 digits then comma groups of three,
# and no trailing zero after the decimal point.
ISMP_NUMBER = re.compile(r"(?:0|[1-9][0-9]{0,2}(?:,[0-9]{3})*)(?:\.[0-9]*[1-9])?")


def decimals(low: Fraction | int, high: Fraction | int, places: int) -> st.SearchStrategy[Fraction]:
    """Exact decimals from low to high with at most `places` decimal places."""
    scale = 10**places
    return st.integers(int(Fraction(low) * scale), int(Fraction(high) * scale)).map(
        lambda n: Fraction(n, scale)
    )


def decimal_text(value: Fraction) -> str:
    """Write a terminating fraction as a plain decimal: 6, 0.06, 60000 (no exponent, no commas)."""
    value = Fraction(value)
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
        if places > 30:
            raise ValueError(f"{value} is not a terminating decimal")
    digits = str(abs(int(value * 10**places))).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    if places == 0:
        return sign + digits
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def exact_round(value: Fraction, places: int) -> Fraction:
    """Round half to even at `places` decimal places, exactly (round() on a Fraction)."""
    scale = 10**places
    return Fraction(round(Fraction(value) * scale), scale)


def volume_spellings(millilitres: Fraction) -> list[str]:
    """Every way the tool accepts of writing one volume: mL, ml, L, litre, µL (micro sign or Greek
    mu), uL, mcL, dL."""
    ml = decimal_text(millilitres)
    litres = decimal_text(millilitres / 1000)
    micro = decimal_text(millilitres * 1000)
    return [
        f"{ml} mL",
        f"{ml}mL",
        f"{ml} ml",
        f"{ml} milliliter",
        f"{litres} L",
        f"{litres}L",
        f"{litres} litre",
        f"{micro} µL",
        f"{micro} \u03bcL",
        f"{micro} uL",
        f"{micro}mcL",
        f"{decimal_text(millilitres / 100)} dL",
    ]


def strength_spellings(mg_per_ml: Fraction) -> list[str]:
    """Every way the grammar accepts of writing one mass concentration."""
    percent = decimal_text(mg_per_ml / 10)
    return [
        f"{percent}%",
        f"{percent} %",
        f"{percent} % w/v",
        f"{percent}% w/v",
        f"{decimal_text(mg_per_ml)} mg/mL",
        f"{decimal_text(mg_per_ml)}mg/ml",
        f"{percent} g/100 mL",
        f"{percent} g per 100 mL",
        f"{percent} g/dL",
        f"{decimal_text(mg_per_ml / 1000)} g per mL",
        f"{decimal_text(mg_per_ml / 1000)} g/mL",
        f"{decimal_text(mg_per_ml * 1000)} mcg/mL",
        f"{decimal_text(mg_per_ml)} g/L",
        f"{decimal_text(mg_per_ml * 10)} mg/10 mL",
    ]


# A realistic request volume: 1 mL to 500 mL in steps of 0.1 mL.
request_volumes = decimals(1, 500, 1)

# Anything a formatter may be handed: exact non-negative fractions, large, tiny and awkward.
formattable = st.one_of(
    st.fractions(min_value=0, max_value=10**7, max_denominator=10**6),
    decimals(0, 10**6, 4),
    st.integers(0, 10**12).map(Fraction),
    st.builds(Fraction, st.integers(0, 10**40), st.integers(1, 10**40)),
)
positive_volumes = st.one_of(
    st.fractions(min_value=Fraction(1, 10**6), max_value=10**6, max_denominator=10**6),
    decimals(Fraction(1, 1000), 10**5, 3).filter(lambda v: v > 0),
)

# ---------------------------------------------------------------------------------------------
# Products and solver problems

SOLUTES = ("dextrose", "mannitol", "sodium chloride", "sodium bicarbonate", "lidocaine")
STRENGTHS_MG_PER_ML = decimals(Fraction(1, 10), 700, 1)


def product(pid: str, composition: dict[str, Fraction], role: str = "stock") -> Product:
    """Make a stock product with a given composition (mg/mL), as a clinic catalogue would."""
    return Product(id=pid, name=pid, composition=composition, role=role)  # type: ignore[arg-type]


@attrs.frozen
class SquareProblem:
    """Stocks, a diluent and the volumes that were mixed: the answer is known before solving."""

    stocks: tuple[Product, ...]
    diluent: Product
    volumes: tuple[Fraction, ...]  # stocks first, then the diluent

    @property
    def components(self) -> tuple[Product, ...]:
        """List the stocks then the diluent, as the solver orders them."""
        return (*self.stocks, self.diluent)

    @property
    def total(self) -> Fraction:
        """Return the final volume."""
        return sum(self.volumes, Fraction(0))

    def target(self) -> dict[str, Fraction]:
        """Return the composition that mixing these volumes makes (mass over volume)."""
        masses: dict[str, Fraction] = {}
        for item, volume in zip(self.components, self.volumes, strict=True):
            for solute, strength in item.composition.items():
                masses[solute] = masses.get(solute, Fraction(0)) + strength * volume
        return {solute: mass / self.total for solute, mass in masses.items()}


@st.composite
def square_problems(draw: st.DrawFn) -> SquareProblem:
    """One to three stocks, each with its own solute (and maybe others), and a diluent that may
    itself contain a solute, as D5W does; positive stock volumes."""
    count = draw(st.integers(1, 3))
    solutes = draw(st.permutations(SOLUTES))[:count]
    stocks = []
    for index, own in enumerate(solutes):
        composition = {own: draw(STRENGTHS_MG_PER_ML)}
        for other in solutes:
            if other != own and draw(st.integers(0, 3)) == 0:
                composition[other] = draw(STRENGTHS_MG_PER_ML)
        stocks.append(product(f"stock-{index}", composition))
    diluent_composition: dict[str, Fraction] = {}
    if draw(st.booleans()):
        diluent_composition[draw(st.sampled_from(solutes))] = draw(STRENGTHS_MG_PER_ML)
    diluent = product("diluent", diluent_composition, "diluent")
    volumes = [draw(decimals(Fraction(1, 100), 100, 2)) for _ in stocks]
    volumes.append(draw(decimals(0, 100, 2)))
    return SquareProblem(tuple(stocks), diluent, tuple(volumes))


def determinant(matrix: Sequence[Sequence[Fraction]]) -> Fraction:
    """Return the determinant by Laplace expansion along the first row (fine up to 4 × 4)."""
    if len(matrix) == 1:
        return Fraction(matrix[0][0])
    total = Fraction(0)
    for column, value in enumerate(matrix[0]):
        if value == 0:
            continue
        minor = [[*row[:column], *row[column + 1 :]] for row in matrix[1:]]
        total += (-1) ** column * value * determinant(minor)
    return total


def system(components: Sequence[Product], solutes: Sequence[str]) -> list[list[Fraction]]:
    """Return the coefficient matrix: one row per solute (strengths), then a row of ones."""
    rows = [[Fraction(p.composition.get(s, 0)) for p in components] for s in solutes]
    rows.append([Fraction(1)] * len(components))
    return rows


def cramer(matrix: list[list[Fraction]], rhs: Sequence[Fraction]) -> list[Fraction] | None:
    """Solve a square system by Cramer's rule; None when it is singular."""
    base = determinant(matrix)
    if base == 0:
        return None
    answer = []
    for column in range(len(matrix)):
        replaced = [[*row[:column], rhs[i], *row[column + 1 :]] for i, row in enumerate(matrix)]
        answer.append(determinant(replaced) / base)
    return answer


# ---------------------------------------------------------------------------------------------
# Requests for `prepare`, in the catalogue's own products

DEXTROSE_STOCKS = {
    "D10W": Fraction(100),
    "D25W": Fraction(250),
    "D50W": Fraction(500),
    "D70W": Fraction(700),
}
DEXTROSE_DILUENTS = {"SWFI": Fraction(0), "D5W": Fraction(50)}
LIDOCAINE_STOCKS = {"lidocaine-1": Fraction(10), "lidocaine-2": Fraction(20)}

SYRINGE_SETS: tuple[tuple[str, ...] | None, ...] = (
    None,  # the default set
    ("10 mL by 1 mL", "60 mL by 5 mL"),
    ("5 mL by 0.5 mL", "20 mL by 2 mL"),
    ("3 mL by 0.1 mL", "10 mL by 0.5 mL", "30 mL by 1 mL"),
)


@attrs.frozen
class Request:
    """A `prepare` request whose exact answer is known from the alligation by hand."""

    target_text: str
    target: dict[str, Fraction]
    volume_ml: Fraction
    stocks: tuple[str, ...]
    diluent: str


@st.composite
def dextrose_requests(draw: st.DrawFn) -> Request:
    """Dextrose from one catalogue stock and diluent, strictly between the two strengths."""
    stock = draw(st.sampled_from(sorted(DEXTROSE_STOCKS)))
    diluent = draw(st.sampled_from(sorted(DEXTROSE_DILUENTS)))
    high, low = DEXTROSE_STOCKS[stock], DEXTROSE_DILUENTS[diluent]
    share = Fraction(draw(st.integers(1, 99)), 100)
    target = low + (high - low) * share
    return Request(
        f"dextrose {decimal_text(target / 10)}%",
        {"dextrose": target},
        draw(request_volumes),
        (stock,),
        diluent,
    )


@st.composite
def dextrose_lidocaine_requests(draw: st.DrawFn) -> Request:
    """Dextrose and lidocaine from D50 and a lidocaine stock into sterile water."""
    lidocaine = draw(st.sampled_from(sorted(LIDOCAINE_STOCKS)))
    dextrose_share = Fraction(draw(st.integers(1, 90)), 100)
    room = 100 - int(dextrose_share * 100)
    # Often no water at all: the stocks alone make the volume.
    lidocaine_share = Fraction(draw(st.one_of(st.just(room), st.integers(1, room))), 100)
    dextrose = 500 * dextrose_share
    lido = LIDOCAINE_STOCKS[lidocaine] * lidocaine_share
    text = f"dextrose {decimal_text(dextrose / 10)}% + lidocaine {decimal_text(lido / 10)}%"
    return Request(
        text,
        {"dextrose": dextrose, "lidocaine": lido},
        draw(request_volumes),
        ("D50W", lidocaine),
        "SWFI",
    )


requests = st.one_of(dextrose_requests(), dextrose_lidocaine_requests())


# ---------------------------------------------------------------------------------------------
# Command-line tokens, real and broken, for fuzzing `npt` (tests/test_cli_fuzz.py)
#
# Paths are relative names only (the fuzz test runs in a fresh temporary folder, its working
# directory, that holds the files named in CLI_PATHS): no token is absolute or holds "..", so
# nothing can be written outside that folder, even with --force.

CLI_COMMANDS = (
    (),
    ("prepare",),
    ("check",),
    ("products",),
    ("protocols",),
    ("protocols", "list"),
    ("protocols", "show"),
    ("protocols", "validate"),
    ("checklist",),
    ("session",),
    ("config",),
    ("config", "show"),
    ("log",),
    ("log", "verify"),
    ("log", "show"),
    ("prepar",),
    ("PREPARE",),
    ("protocols", "lists"),
    ("--help",),
    ("--version",),
)
CLI_VALUE_OPTIONS = (
    "--volume",
    "--from",
    "--diluent",
    "--method",
    "--tolerance",
    "--weight",
    "--syringe",
    "--catalogue",
    "--log",
    "--by",
    "--checked-by",
    "--side",
    "--points",
    "--format",
    "-o",
    "--output",
    "--protocols",
    "--paper",
    "--clinic",
    "--region",
    "--solution",
    "--margin",
    "--treatment-syringe",
    "--use-by",
    "--prepared-at",
    "--since",
    "--volum",
    "--form",
    "-x",
    "--volume=60mL",
    "--json=1",
)
CLI_FLAGS = ("--json", "--force", "--help", "-h", "--", "-", "--bogus", "--jsn")
CLI_TARGETS = (
    "dextrose 5%",
    "dextrose 5 % w/v",
    "dextrose 50 mg/mL",
    "5% dextrose",
    "mannitol 5%",
    "dextrose 20% + lidocaine 0.1%",
    "dextrose 10%",
    "glucose 0.05 g per mL",
    "dextrose 60%",
    "dextrose 5,5%",
    "dextrose −5%",
    "dextrose 0%",
    "dextrose 1e308%",
    "dextrose NaN%",
    "dextrose 1:20",
    "sodium chloride 0.9%",
    "dextrose",
    "%",
    "dextrose 5 mg/0 mL",
    "dextrose 5% + dextrose 5%",
    "dextrose ٥%",
    "lidocaine 1 mEq/mL",
)
CLI_VOLUMES = (
    "60mL",
    "60 ml",
    "0.06 L",
    "60000 µL",
    "6 dL",
    "1,000 mL",
    "10L",
    "0.5 mL",
    "60",
    "60cc",
    "60 m L",
    "60mls",
    "60ML",
    "60mL!",
    "−60mL",
    "-60mL",
    "0mL",
    "1e308mL",
    "NaN mL",
    "inf mL",
    "60,5mL",
    "٦٠mL",
    "６０mL",
    "100000L",
    "0.0000001mL",
    "60 g",
    "",
    " ",
)
CLI_PRODUCTS = (
    "D50",
    "D50W",
    "D5W",
    "D10",
    "D25W",
    "SWFI",
    "NS",
    "mannitol-20",
    "mannitol-5",
    "lidocaine-1",
    "bicarb-8.4",
    "water",
    "D55",
    "d50",
    "dextrose 500 mg/mL",
    "D50WW",
    "",
)
CLI_PROTOCOLS = (
    "knee",
    "shoulder",
    "hip",
    "neck",
    "wrist",
    "ankle-achilles",
    "low-back",
    "kneee",
    "",
    "KNEE",
)
CLI_SIDES = ("left", "right", "bilateral", "midline", "up", "", "LEFT")
# Values by kind: the well-formed ones first (structured command lines draw mostly from them).
CLI_PERCENTS = (
    "5%",
    "10%",
    "2.5",
    "0%",
    "60%",
    "150%",
    "-5%",
    "−5%",
    "nan",
    "inf",
    "1e308",
    "2,5%",
    "",
)
CLI_WEIGHTS = ("70kg", "70 kg", "150 lb", "0.001kg", "7000kg", "70", "70 lbs", "-70kg", "")
CLI_POINTS = ("14", "4", "1", "0", "-3", "٣", "1_0", "99999999999999999999", "")
CLI_POINT_ITEMS = ("knee=14", "shoulder=8", "knee=0", "knee=x", "=3", "hip=3", "knee")
CLI_SYRINGES = (
    "10 mL by 0.2 mL",
    "1 mL by 0.01 mL",
    "60 mL by 1 mL",
    "3 mL by 0.4 mL",
    "0.001 mL by 0.001 mL",
    "10 mL",
    "10 mL by 0 mL",
    "by by by",
    "",
)
CLI_DATES = (
    "2026-11-25T09:30",
    "2026-11-25",
    "2026-11-25T09:30Z",
    "9999-12-31T23:00+00:00",
    "0001-01-01T00:00",
    "0001-01-01T00:00+01:00",
    "yesterday",
    "2026-02-30T09:00",
    "",
)
CLI_CHOICES = {
    "--method": ("syringe", "container", "bucket"),
    "--format": ("text", "md", "html", "json", "pdf", "docx"),
    "--paper": ("A4", "letter", "A5"),
    "--use-by": ("immediate-use", "category-1-room", "category-1-fridge", "forever", ""),
}
# Files and folders the fuzz test creates in its temporary folder, and names that do not exist
# there (a missing folder, a name too long is not needed: CLI_PATHS stay short and relative).
CLI_OUTPUTS = (
    "out.md",
    "out.html",
    "out.json",
    "out.txt",
    "out.pdf",
    "existing.md",
    "folder",
    "dangling.md",
    "missing/out.md",
    "",
)
CLI_CATALOGUES = ("clinic.yaml", "hostile.yaml", "missing.yaml", "folder", "existing.md", "")
CLI_PROTOCOL_DIRS = ("clinic-good", "clinic", "folder", "missing", "clinic.yaml", "")
CLI_LOGS = ("prep.log", "new.log", "folder", "missing/prep.log", "")
CLI_PATHS = tuple(dict.fromkeys(CLI_OUTPUTS + CLI_CATALOGUES + CLI_PROTOCOL_DIRS + CLI_LOGS))
CLI_NUMBERS = CLI_PERCENTS + CLI_WEIGHTS + CLI_POINTS
CLI_OTHERS = CLI_SYRINGES + CLI_DATES + tuple(v for vs in CLI_CHOICES.values() for v in vs)


def _drawn(draw: st.DrawFn) -> str:
    """A PRODUCT=VOLUME item, sometimes broken."""
    return draw(
        st.sampled_from(("{p}={v}", "{p}={v}", "{p} {v}", "{p}:{v}", "={v}", "{p}=", "{p}=={v}"))
    ).format(p=draw(st.sampled_from(CLI_PRODUCTS)), v=draw(st.sampled_from(CLI_VOLUMES)))


def _junk(draw: st.DrawFn) -> str:
    """Unicode text, long strings and numbers of every kind, with no '/' (no path leaves the
    temporary folder)."""
    text = draw(
        st.one_of(
            st.text(max_size=30),
            st.sampled_from(("x" * 10_000, "9" * 1_000, "\u202e", "\ufeff60mL", "😀", "\u0000")),
            st.integers().map(str),
            st.floats().map(str),
            st.decimals(allow_nan=True).map(str),
        )
    )
    return text.replace("/", "").replace("..", "")


@st.composite
def cli_token(draw: st.DrawFn) -> str:
    """One argument: a value of some kind, real or broken."""
    kind = draw(
        st.sampled_from(
            (
                "target",
                "volume",
                "product",
                "drawn",
                "protocol",
                "region",
                "number",
                "other",
                "path",
                "junk",
            )
        )
    )
    if kind == "drawn":
        return _drawn(draw)
    if kind == "region":
        return f"{draw(st.sampled_from(CLI_PROTOCOLS))}:{draw(st.sampled_from(CLI_SIDES))}"
    if kind == "junk":
        return _junk(draw)
    pool = {
        "target": CLI_TARGETS,
        "volume": CLI_VOLUMES,
        "product": CLI_PRODUCTS,
        "protocol": CLI_PROTOCOLS,
        "number": CLI_NUMBERS,
        "other": CLI_OTHERS,
        "path": CLI_PATHS,
    }[kind]
    return draw(st.sampled_from(pool))


@st.composite
def cli_argv(draw: st.DrawFn) -> list[str]:
    """A whole command line: a command, then options with values, flags and loose arguments."""
    argv = list(draw(st.sampled_from(CLI_COMMANDS)))
    for _ in range(draw(st.integers(0, 10))):
        shape = draw(st.sampled_from(("option", "option", "flag", "argument")))
        if shape == "option":
            argv += [draw(st.sampled_from(CLI_VALUE_OPTIONS)), draw(cli_token())]
        elif shape == "flag":
            argv.append(draw(st.sampled_from(CLI_FLAGS)))
        else:
            argv.append(draw(cli_token()))
    return argv


# Each command's own options, so that a structured command line reaches past Click's parser.
CLI_COMMAND_OPTIONS: dict[str, tuple[str, ...]] = {
    "prepare": (
        "--diluent",
        "--method",
        "--tolerance",
        "--weight",
        "--syringe",
        "--catalogue",
        "--log",
        "--by",
    ),
    "check": ("--tolerance", "--weight", "--catalogue", "--log", "--checked-by"),
    "checklist": ("--side", "--points", "--format", "-o", "--protocols", "--paper", "--clinic"),
    "session": (
        "--points",
        "--from",
        "--diluent",
        "--solution",
        "--margin",
        "--treatment-syringe",
        "--use-by",
        "--prepared-at",
        "--weight",
        "--tolerance",
        "--syringe",
        "--catalogue",
        "--format",
        "-o",
        "--protocols",
        "--paper",
        "--clinic",
        "--region",
    ),
    "products": ("--catalogue",),
    "protocols list": ("--protocols",),
    "protocols show": ("--protocols",),
    "log show": ("--since",),
}
# Where an option's values come from: a pool and how many of its first values are well formed.
CLI_OPTION_VALUES: dict[str, tuple[tuple[str, ...], int]] = {
    "--volume": (CLI_VOLUMES, 8),
    "--treatment-syringe": (CLI_VOLUMES, 8),
    "--from": (CLI_PRODUCTS, 11),
    "--diluent": (CLI_PRODUCTS, 11),
    "--solution": (CLI_TARGETS, 8),
    "--side": (CLI_SIDES, 3),
    "--tolerance": (CLI_PERCENTS, 3),
    "--margin": (CLI_PERCENTS, 3),
    "--weight": (CLI_WEIGHTS, 3),
    "--syringe": (CLI_SYRINGES, 3),
    "--prepared-at": (CLI_DATES, 3),
    "--since": (CLI_DATES, 3),
    "--catalogue": (CLI_CATALOGUES, 1),
    "--log": (CLI_LOGS, 2),
    "-o": (CLI_OUTPUTS, 5),
    "--output": (CLI_OUTPUTS, 5),
    "--protocols": (CLI_PROTOCOL_DIRS, 1),
    **{option: (values, 3) for option, values in CLI_CHOICES.items()},
}


def _mostly_real(draw: st.DrawFn, pool: Sequence[str], real: int) -> str:
    """Draw from the first `real` (well-formed) values of a pool three times in four, else from
    all of it, so most structured command lines get past the first check."""
    broken = draw(st.integers(0, 3)) == 3  # Hypothesis favours 0: the well-formed side
    return draw(st.sampled_from(pool if broken or not real else pool[:real]))


def _option_value(draw: st.DrawFn, option: str, argv0: str = "") -> str:
    """A value for an option: usually of the kind it takes, sometimes anything at all."""
    if option == "--region":
        return f"{_mostly_real(draw, CLI_PROTOCOLS, 7)}:{_mostly_real(draw, CLI_SIDES, 3)}"
    if option == "--points" and argv0 == "session":
        return _mostly_real(draw, CLI_POINT_ITEMS, 2)
    if option == "--points":
        return _mostly_real(draw, CLI_POINTS, 3)
    if option not in CLI_OPTION_VALUES or draw(st.integers(0, 3)) == 3:
        return draw(cli_token())
    pool, real = CLI_OPTION_VALUES[option]
    return _mostly_real(draw, pool, real)


@st.composite
def cli_command_line(draw: st.DrawFn) -> list[str]:
    """A command line shaped like a real one (the required arguments present), with each value
    usually well formed and a few of the command's options added."""
    command = draw(
        st.sampled_from(
            (
                "prepare",
                "check",
                "checklist",
                "session",
                "products",
                "protocols list",
                "protocols show",
                "protocols validate",
                "config show",
                "log verify",
                "log show",
            )
        )
    )
    if command == "prepare":
        argv = [
            "prepare",
            _mostly_real(draw, CLI_TARGETS, 8),
            "--volume",
            _mostly_real(draw, CLI_VOLUMES, 8),
            "--from",
            _mostly_real(draw, CLI_PRODUCTS, 11),
        ]
    elif command == "check":
        argv = [
            "check",
            _mostly_real(draw, CLI_TARGETS, 8),
            *[
                f"{_mostly_real(draw, CLI_PRODUCTS, 11)}={_mostly_real(draw, CLI_VOLUMES, 8)}"
                if draw(st.integers(0, 3)) < 3
                else _drawn(draw)
                for _ in range(draw(st.integers(1, 3)))
            ],
        ]
    elif command == "checklist":
        argv = ["checklist", _mostly_real(draw, CLI_PROTOCOLS, 7)]
    elif command == "session":
        argv = ["session", "--region", _option_value(draw, "--region")]
    else:
        argv = command.split()
        if command == "protocols show":
            argv.append(_mostly_real(draw, CLI_PROTOCOLS, 7))
        elif command in {"protocols validate", "log verify", "log show"}:
            argv.append(draw(st.sampled_from(CLI_PATHS)))
    options = CLI_COMMAND_OPTIONS.get(command, ())
    for _ in range(draw(st.integers(0, 4))):
        shape = draw(st.integers(0, 9))  # 0-7: an option of the command, 8: --json, 9: any
        if options and shape < 8:
            option = draw(st.sampled_from(options))
            argv += [option, _option_value(draw, option, command)]
        elif shape == 8 and command not in {"log verify", "protocols validate"}:
            argv.append(
                draw(st.sampled_from(("--json", "--force")))
                if command in {"checklist", "session"}
                else "--json"
            )
        elif shape == 9:
            option = draw(st.sampled_from(CLI_VALUE_OPTIONS))
            argv += [option, _option_value(draw, option)]
    return argv
