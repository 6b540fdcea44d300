"""The stock catalogue: solutes, products, compositions, and lookup by id, alias or spec.

Strengths are kept in each solute's canonical form (its first form: dextrose monohydrate, as on
US labels) as exact mg/mL; a strength stated in another form (anhydrous glucose, as on BP labels)
is converted by molar mass when it is read, and printed back in the form it was stated in.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, NamedTuple

from npt_protocol.errors import ImpossibleStrengthError, InputError, NptError, ProductError
from npt_protocol.ismp import CompositionStyle, format_composition, format_percent
from npt_protocol.numbers import parse_number
from npt_protocol.strengths import STRENGTH_EXAMPLES, parse_strength

Role = Literal["stock", "diluent"]
Composition = Mapping[str, Fraction]
"""Solute name → exact concentration in mg/mL, in the solute's canonical form."""

_SHIPPED = Path(__file__).with_name("catalogue.toml")
_PART_SPLIT = re.compile(r"\s+\+\s+|\s+with\s+|\s+and\s+|\s*\+\s*(?=[A-Za-z])")
# 100 % w/v is a gram of solute in every millilitre of solution: no injection comes near it.
PHYSICAL_LIMIT_MG_PER_ML = Fraction(1000)


class Form(NamedTuple):
    """A way a solute's strength is stated (its basis), and how it converts to the canonical one."""

    basis: str
    label: str
    to_canonical: Fraction = Fraction(1)
    words: tuple[str, ...] = ()
    default_for: tuple[str, ...] = ()
    source: str = ""

    def shown(self, canonical_mg_per_ml: Fraction) -> Fraction:
        """Return a canonical strength as this form states it."""
        return canonical_mg_per_ml / self.to_canonical


class DoseLimit(NamedTuple):
    """A solute's maximum dose: per kilogram of body weight, and an absolute cap, with source."""

    max_mg: Fraction
    source: str
    mg_per_kg: Fraction | None = None
    applies_to: str = ""
    note: str = ""

    def maximum_mg(self, weight_kg: Fraction | None) -> Fraction:
        """Return the most that may be given: the weight-based limit within the absolute cap."""
        if weight_kg is None or self.mg_per_kg is None:
            return self.max_mg
        return min(self.mg_per_kg * weight_kg, self.max_mg)


@dataclass(frozen=True)
class Solute:
    """A dissolved substance, with what is needed to count, convert, limit and caution it."""

    name: str
    aliases: tuple[str, ...] = ()
    molar_mass_g_per_mol: Fraction | None = None
    osmoles_per_mole: Fraction | None = None
    milligrams_per_milliequivalent: Fraction | None = None
    note: str = ""
    source: str = ""
    forms: tuple[Form, ...] = ()
    dose_limit: DoseLimit | None = None
    load_note: str = ""
    max_strength: Fraction | None = None
    max_strength_source: str = ""

    @property
    def canonical(self) -> Form:
        """Return the form strengths are kept in."""
        return self.forms[0] if self.forms else Form(basis="", label=self.name)

    def milliosmoles_per_litre(self, mg_per_ml: Fraction) -> Fraction | None:
        """Return the ideal osmolarity this solute gives at a strength, if it can be counted."""
        if self.molar_mass_g_per_mol is None or self.osmoles_per_mole is None:
            return None
        return mg_per_ml / self.molar_mass_g_per_mol * self.osmoles_per_mole * 1000


class CautionRule(NamedTuple):
    """A warning that applies to a composition, with the source that backs it."""

    key: str
    text: str
    source: str
    solute: str | None = None
    at_least: Fraction | None = None
    above: Fraction | None = None
    no_solute: bool = False
    osmolarity_at_least: Fraction | None = None
    # What to do while drawing a stock this rule applies to, said in the recipe's own step.
    drawing: str | None = None

    def applies(self, composition: Composition, osmolarity: Fraction | None) -> bool:
        """Say whether this caution applies to a composition of this osmolarity."""
        if self.no_solute:
            return not composition
        if self.osmolarity_at_least is not None:
            return osmolarity is not None and osmolarity >= self.osmolarity_at_least
        if self.solute is None or self.solute not in composition:
            return False
        strength = composition[self.solute]
        if self.at_least is not None and strength < self.at_least:
            return False
        return self.above is None or strength > self.above


@dataclass(frozen=True)
class Stated:
    """A composition as written: canonical strengths, and the form each solute was stated in."""

    composition: Mapping[str, Fraction]
    forms: Mapping[str, Form] = field(default_factory=dict)
    text: str = ""

    def shown(self, solute: str, canonical_mg_per_ml: Fraction) -> Fraction:
        """Return a canonical strength of a solute in the form this composition states it."""
        form = self.forms.get(solute)
        return canonical_mg_per_ml if form is None else form.shown(canonical_mg_per_ml)

    def displayed(self, composition: Composition) -> dict[str, Fraction]:
        """Return strengths (canonical) converted to the forms this composition states them in."""
        return {s: self.shown(s, c) for s, c in composition.items()}

    def basis_labels(self) -> dict[str, str]:
        """Name the form of each solute that has more than one: 'dextrose monohydrate'."""
        return {s: f.label for s, f in self.forms.items() if f.basis}

    def describe(
        self,
        composition: Composition | None = None,
        *,
        style: CompositionStyle = "percent",
        places: int = 2,
        joiner: str = " and ",
    ) -> str:
        """Print strengths (the stated ones by default) in the forms stated, naming each basis.

        The stated strengths print exactly as written (lidocaine 0.125 %, not 0.12 %): they are
        what a label and a heading promise.
        """
        values = self.displayed(self.composition if composition is None else composition)
        if composition is None:
            places = max([places, *(_exact_places(v / 10) for v in values.values())])
        return format_composition(
            values, style=style, places=places, joiner=joiner, names=self.basis_labels()
        )

    def label(self, solute: str) -> str:
        """Name a solute with its basis where it has one: 'dextrose monohydrate', 'lidocaine'."""
        form = self.forms.get(solute)
        return form.label if form is not None and form.basis else solute


@dataclass(frozen=True)
class Product:
    """A stock on the shelf: what it contains, its label facts and where they come from."""

    id: str
    name: str
    composition: Mapping[str, Fraction]
    role: Role = "stock"
    aliases: tuple[str, ...] = ()
    label_osmolarity: Fraction | None = None
    ph: str = ""
    sizes_ml: tuple[Fraction, ...] = ()
    sizes_note: str = ""
    source: str = ""
    confidence: str = ""
    origin: str = "shipped"
    forms: Mapping[str, Form] = field(default_factory=dict)
    excipients: Mapping[str, Fraction] = field(default_factory=dict)
    replaces: str = ""  # the shipped product whose id or alias a clinic product takes
    composition_text: str = ""  # as written, to be read again in the bases a clinic sets

    @property
    def stated(self) -> Stated:
        """Return the composition as the label states it."""
        return Stated(self.composition, self.forms, self.name)


@dataclass(frozen=True)
class Catalogue:
    """Solutes, products and caution rules, looked up by id, alias or a written spec."""

    solutes: Mapping[str, Solute]
    products: tuple[Product, ...]
    version: str
    cautions: tuple[CautionRule, ...] = ()
    bases: Mapping[str, str] = field(default_factory=dict)

    def solute(self, text: str, *, what: str) -> Solute:
        """Find a solute by name or alias, or say which names exist."""
        key = lookup_key(text)
        for solute in self.solutes.values():
            if key == lookup_key(solute.name) or key in {lookup_key(a) for a in solute.aliases}:
                return solute
        names = sorted(self.solutes)
        import difflib  # noqa: PLC0415 - only a failed lookup needs suggestions

        near = difflib.get_close_matches(text.lower(), names, n=2)
        hint = f" (did you mean {' or '.join(near)}?)" if near else ""
        raise ProductError(
            f"{what}: unknown solute {text!r}{hint}; known solutes are {', '.join(names)}."
        )

    def product(self, spec: str, *, what: str = "product") -> Product:
        """Resolve an id, an alias or a spec such as 'dextrose 500 mg/mL' to a Product."""
        key = lookup_key(spec)
        if not key:
            raise InputError(
                f"{what} is empty; expected a product id such as D50 or a spec "
                "such as 'dextrose 500 mg/mL'."
            )
        for product in self.products:
            if key == lookup_key(product.id) or key in {lookup_key(a) for a in product.aliases}:
                return product
        if any(ch.isdigit() for ch in spec):
            try:
                stated = self.stated(spec, what=what)
            except ImpossibleStrengthError:
                raise
            except NptError as error:
                raise ProductError(self._unknown(spec, what, str(error))) from None
            return self.adhoc(spec, stated)
        raise ProductError(self._unknown(spec, what, ""))

    def _unknown(self, spec: str, what: str, detail: str) -> str:
        """Build the one-sentence message for a product that cannot be resolved."""
        ids = [p.id for p in self.products]
        by_key = {lookup_key(p.id): p.id for p in self.products}
        by_key.update({lookup_key(a): p.id for p in self.products for a in p.aliases})
        import difflib  # noqa: PLC0415 - only a failed lookup needs suggestions

        near_keys = difflib.get_close_matches(lookup_key(spec), list(by_key), n=4, cutoff=0.6)
        near = list(dict.fromkeys(by_key[k] for k in near_keys))
        hint = f" (did you mean {' or '.join(near[:3])}?)" if near else ""
        looks_like_spec = any(ch in spec for ch in " %/")
        detail = f" ({detail.rstrip('.')})" if detail and looks_like_spec else ""
        return (
            f"{what} {spec!r} is not in the catalogue{detail}{hint}; use an id such as "
            f"{', '.join(ids[:6])} (see `npt products`) or a spec such as "
            "'dextrose 500 mg/mL'."
        )

    def adhoc(self, spec: str, stated: Stated) -> Product:
        """Make a product from a written spec such as 'dextrose 500 mg/mL'."""
        role: Role = "diluent" if not stated.composition else "stock"
        return Product(
            id=spec.strip(),
            name=spec.strip(),
            composition=stated.composition,
            role=role,
            source="typed by the user",
            origin="spec",
            forms=stated.forms,
        )

    def composition(self, text: str, *, what: str = "composition") -> dict[str, Fraction]:
        """Parse 'dextrose 20% + lidocaine 0.1%' into solute → canonical mg/mL."""
        return dict(self.stated(text, what=what).composition)

    def stated(self, text: str, *, what: str = "composition") -> Stated:
        """Parse a composition, keeping the form each solute was stated in."""
        stripped = text.strip()
        if not stripped:
            raise InputError(
                f"{what} is empty; expected a solute and strength such as 'dextrose 5%'."
            )
        result: dict[str, Fraction] = {}
        forms: dict[str, Form] = {}
        for part in _PART_SPLIT.split(stripped):
            name, strength_text = _split_part(part, text=text, what=what)
            strength_text, trailing = _trailing_basis(strength_text)
            solute = self.solute(name, what=what)
            form = self._form(solute, name, trailing, text=text, what=what)
            strength = parse_strength(strength_text, what=f"{what} {solute.name}")
            value = strength.value
            if strength.basis == "equivalent":
                if solute.milligrams_per_milliequivalent is None:
                    raise InputError(
                        f"{what}: {solute.name} cannot be given in mEq; give it in mg/mL or % w/v."
                    )
                value = value * solute.milligrams_per_milliequivalent
            if solute.name in result:
                raise InputError(
                    f"{what} {text!r} names {solute.name} twice; name each solute once."
                )
            _require_possible(solute, value, form, what=what, text=text)
            result[solute.name] = value * form.to_canonical
            forms[solute.name] = form
        return Stated(result, forms, stripped)

    def _form(self, solute: Solute, name: str, trailing: str, *, text: str, what: str) -> Form:
        """Choose the form a strength is stated in: named, then the clinic's, then the word's."""
        if not solute.forms:
            if trailing:
                raise InputError(
                    f"{what} {text!r}: {solute.name} has no {trailing} form; leave "
                    f"{trailing!r} out."
                )
            return solute.canonical
        named = [f for f in solute.forms if lookup_key(name) in {lookup_key(w) for w in f.words}]
        after = [
            f
            for f in solute.forms
            if trailing and lookup_key(trailing) in {lookup_key(w) for w in f.words}
        ]
        if trailing and not after:
            bases = " or ".join(f.basis for f in solute.forms)
            raise InputError(
                f"{what} {text!r}: {trailing!r} is not a basis of {solute.name}; expected {bases}."
            )
        if named and after and named[0] != after[0]:
            raise InputError(
                f"{what} {text!r} states {named[0].basis} and {after[0].basis} at once; "
                "state one basis."
            )
        if named or after:
            return (named or after)[0]
        chosen = self.bases.get(solute.name)
        if chosen is not None:
            return next(f for f in solute.forms if f.basis == chosen)
        word = lookup_key(name)
        return next(
            (f for f in solute.forms if word in {lookup_key(w) for w in f.default_for}),
            solute.canonical,
        )

    def with_bases(self, bases: Mapping[str, str], *, what: str = "basis") -> Catalogue:
        """Return a catalogue where a bare solute name means the basis given (solute → basis).

        Products are read again in those bases: a clinic that means anhydrous glucose by
        "dextrose" writes "dextrose 50%" in its own catalogue too (shipped products state their
        basis outright, so they read the same).
        """
        checked: dict[str, str] = {}
        for name, basis in bases.items():
            solute = self.solute(name, what=what)
            known = [f.basis for f in solute.forms]
            if basis not in known:
                expected = " or ".join(known) if known else "none: it has one form"
                raise InputError(
                    f"{what} {name}={basis}: {solute.name} has no {basis!r} basis; expected "
                    f"{expected}."
                )
            checked[solute.name] = basis
        based = replace(self, bases=checked)
        return replace(based, products=tuple(based._read_again(p) for p in self.products))

    def _read_again(self, product: Product) -> Product:
        """Read a product's written composition in this catalogue's bases."""
        if not product.composition_text:
            return product
        stated = self.stated(product.composition_text, what=f"product {product.id} composition")
        return replace(product, composition=stated.composition, forms=stated.forms)

    def osmolarity(self, product: Product) -> Fraction | None:
        """Return a product's osmolarity: the label's value, or its solutes' ideal sum."""
        if product.label_osmolarity is not None:
            return product.label_osmolarity
        return self.ideal_osmolarity({**product.excipients, **product.composition})

    def ideal_osmolarity(self, composition: Composition) -> Fraction | None:
        """Return the ideal osmolarity of dissolved solutes, or None if one cannot be counted."""
        total = Fraction(0)
        for name, strength in composition.items():
            part = self.solutes[name].milliosmoles_per_litre(strength)
            if part is None:
                return None
            total += part
        return total

    def caution_rules(
        self, composition: Composition, osmolarity: Fraction | None
    ) -> list[CautionRule]:
        """Return the caution rules that apply to a composition of this osmolarity."""
        return [rule for rule in self.cautions if rule.applies(composition, osmolarity)]

    def drawing_advice(self, product: Product) -> tuple[str, ...]:
        """Return what to do while drawing this product, from the caution rules it meets."""
        rules = self.caution_rules(product.composition, None)
        return tuple(rule.drawing for rule in rules if rule.drawing)

    def with_products(self, extra: Iterable[Product]) -> Catalogue:
        """Return a catalogue where the extra products come first and may replace shipped ones.

        A clinic product that takes a shipped id keeps the names people already use for it; one
        that takes a shipped id or alias says which shipped product it replaces, so that every
        recipe using it can say so.
        """
        shipped = {lookup_key(p.id): p for p in self.products}
        names = {lookup_key(name): p for p in self.products for name in (p.id, *p.aliases)}
        merged = []
        for product in extra:
            taken = next(
                (
                    names[lookup_key(n)]
                    for n in (product.id, *product.aliases)
                    if lookup_key(n) in names
                ),
                None,
            )
            if taken is None:
                merged.append(product)
                continue
            aliases = product.aliases
            if lookup_key(product.id) in shipped:
                aliases = tuple(dict.fromkeys(aliases + shipped[lookup_key(product.id)].aliases))
            merged.append(replace(product, aliases=aliases, replaces=taken.id))
        replaced = {lookup_key(p.id) for p in merged}
        kept = tuple(p for p in self.products if lookup_key(p.id) not in replaced)
        return replace(self, products=tuple(merged) + kept)


STATED_PLACES = 6  # more decimal places than any strength is written with


def _exact_places(value: Fraction) -> int:
    """Return the decimal places that print a value exactly, at most STATED_PLACES."""
    for places in range(STATED_PLACES + 1):
        if (value * 10**places).denominator == 1:
            return places
    return STATED_PLACES


def lookup_key(text: str) -> str:
    """Normalise a name for lookup: case, spaces and the % sign do not matter."""
    return re.sub(r"[\s_]+", "", text.strip().lower())


def _require_possible(solute: Solute, value: Fraction, form: Form, *, what: str, text: str) -> None:
    """Refuse a strength no solution can have: over 100 % w/v, or over a stated solubility."""
    if value > PHYSICAL_LIMIT_MG_PER_ML:
        raise ImpossibleStrengthError(
            f"{what} {text!r}: {solute.name} at {format_percent(value)} w/v is more than any "
            "solution can hold (no solution is stronger than 100 % w/v, a gram in every "
            "millilitre); check the strength."
        )
    canonical = value * form.to_canonical
    if solute.max_strength is not None and canonical > solute.max_strength:
        raise ImpossibleStrengthError(
            f"{what} {text!r}: {solute.name} at {format_percent(canonical)} is stronger than "
            f"{solute.name} stays dissolved, so no solution holds it "
            f"({solute.max_strength_source}); the strongest accepted is "
            f"{format_percent(solute.max_strength)}."
        )


def _split_part(part: str, *, text: str, what: str) -> tuple[str, str]:
    """Split 'dextrose 5%' or '5% dextrose' into the solute name and the strength text."""
    part = part.strip()
    leading = re.match(
        r"^([0-9.,]+\s*(?:%\s*(?:w\s*/\s*v)?|[a-zA-Zµ]+\s*(?:/|per)\s*[0-9.]*\s*"
        r"[a-zA-Zµ]+))\s+(.+)$",
        part,
        re.IGNORECASE,
    )
    if leading:
        return leading.group(2), leading.group(1)
    match = re.match(r"^(?P<name>.*?[A-Za-z)])\s*(?P<strength>[-−+.0-9].*)$", part)
    if not match:
        raise InputError(
            f"{what} {text!r}: {part!r} needs a solute and a strength, such as "
            f"'dextrose 5%' (strengths: {STRENGTH_EXAMPLES})."
        )
    return match.group("name"), match.group("strength")


def _trailing_basis(strength_text: str) -> tuple[str, str]:
    """Split a basis word written after the strength: '20% anhydrous' → ('20%', 'anhydrous')."""
    match = re.match(
        r"^(?P<strength>.*?[0-9%a-zA-Zµ])\s*,?\s*\(?\s*(?:as\s+)?(?P<basis>anhydrous|monohydrate|"
        r"hydrous)\s*\)?\s*$",
        strength_text.strip(),
        re.IGNORECASE,
    )
    if match is None:
        return strength_text, ""
    return match.group("strength"), match.group("basis").lower()


def _fraction(value: Any, *, what: str) -> Fraction:
    """Read a catalogue number, written as a string to stay exact."""
    return parse_number(str(value), what=what)


def _size(value: Any, *, what: str) -> Fraction:
    """Read a container size in mL, which cannot be zero."""
    size = _fraction(value, what=what)
    if size == 0:
        raise InputError(f"{what} {value!r} is zero; expected a container size in mL such as 10.")
    return size


def _percent(value: Any, *, what: str) -> Fraction:
    """Read a threshold written as a percent w/v ('15%') into mg/mL."""
    text = str(value).strip()
    if not text.endswith("%"):
        raise InputError(f"{what} {value!r} is not a percent; expected such as '15%'.")
    return _fraction(text[:-1], what=what) * 10


def _forms_from(row: Mapping[str, Any]) -> tuple[Form, ...]:
    """Build a solute's forms; the first is canonical and converts the others by molar mass."""
    rows = row.get("form", [])
    if not rows:
        return ()
    masses = [_fraction(f["molar_mass_g_per_mol"], what=f"{row['name']} form") for f in rows]
    return tuple(
        Form(
            basis=str(f["basis"]),
            label=str(f["label"]),
            to_canonical=masses[0] / mass,
            words=tuple(str(w) for w in f.get("words", ())),
            default_for=tuple(str(w) for w in f.get("default_for", ())),
            source=str(f.get("source", "")),
        )
        for f, mass in zip(rows, masses, strict=True)
    )


def _solute_from(row: Mapping[str, Any]) -> Solute:
    """Build a Solute from a catalogue row."""

    def optional(key: str) -> Fraction | None:
        return _fraction(row[key], what=f"solute {row['name']} {key}") if key in row else None

    forms = _forms_from(row)
    molar_mass = optional("molar_mass_g_per_mol")
    if molar_mass is None and forms:
        molar_mass = _fraction(row["form"][0]["molar_mass_g_per_mol"], what=row["name"])
    limit = row.get("dose_limit")
    dose_limit = None
    if limit is not None:
        dose_limit = DoseLimit(
            max_mg=_fraction(limit["max_mg"], what=f"{row['name']} max_mg"),
            mg_per_kg=None
            if "mg_per_kg" not in limit
            else _fraction(limit["mg_per_kg"], what=f"{row['name']} mg_per_kg"),
            applies_to=str(limit.get("applies_to", "")),
            note=str(limit.get("note", "")),
            source=str(limit["source"]),
        )
    return Solute(
        name=str(row["name"]),
        aliases=tuple(row.get("aliases", ())),
        molar_mass_g_per_mol=molar_mass,
        osmoles_per_mole=optional("osmoles_per_mole"),
        milligrams_per_milliequivalent=optional("milligrams_per_milliequivalent"),
        note=str(row.get("note", "")),
        source=str(row.get("source", "")),
        forms=forms,
        dose_limit=dose_limit,
        load_note=str(row.get("load_note", "")),
        max_strength=None
        if "max_strength" not in row
        else _percent(row["max_strength"], what=f"{row['name']} max_strength"),
        max_strength_source=str(row.get("max_strength_source", "")),
    )


def _caution_from(row: Mapping[str, Any]) -> CautionRule:
    """Build a caution rule from a catalogue row."""

    def threshold(key: str) -> Fraction | None:
        return _percent(row[key], what=f"caution {row['key']} {key}") if key in row else None

    return CautionRule(
        key=str(row["key"]),
        text=str(row["text"]),
        source=str(row["source"]),
        solute=row.get("solute"),
        at_least=threshold("at_least"),
        above=threshold("above"),
        no_solute=bool(row.get("no_solute", False)),
        osmolarity_at_least=None
        if "osmolarity_at_least" not in row
        else _fraction(row["osmolarity_at_least"], what=f"caution {row['key']}"),
        drawing=None if "drawing" not in row else str(row["drawing"]),
    )


def product_from(row: Mapping[str, Any], catalogue: Catalogue, *, origin: str) -> Product:
    """Build a Product from a catalogue row, parsing its composition with the grammar."""
    pid = str(row["id"])
    text = str(row.get("composition", ""))
    stated = catalogue.stated(text, what=f"product {pid} composition") if text else Stated({})
    excipients_text = str(row.get("excipients", ""))
    excipients = (
        catalogue.composition(excipients_text, what=f"product {pid} excipients")
        if excipients_text
        else {}
    )
    osm = row.get("osmolarity_mOsmol_per_L")
    return Product(
        id=pid,
        name=str(row.get("name", pid)),
        composition=stated.composition,
        role=row.get("role", "stock" if stated.composition else "diluent"),
        aliases=tuple(str(a) for a in row.get("aliases", ())),
        label_osmolarity=None if osm is None else _fraction(osm, what=f"product {pid} osmolarity"),
        ph=str(row.get("ph", "")),
        sizes_ml=tuple(_size(s, what=f"product {pid} size") for s in row.get("sizes_mL", ())),
        sizes_note=str(row.get("sizes_note", "")),
        source=str(row.get("source", "")),
        confidence=str(row.get("confidence", "")),
        origin=origin,
        forms=stated.forms,
        excipients=excipients,
        composition_text=text,
    )


@functools.cache
def shipped_catalogue() -> Catalogue:
    """Load the catalogue that ships with the package (TOML: fast to read at start-up)."""
    with _SHIPPED.open("rb") as handle:
        data = tomllib.load(handle)
    solutes = {row["name"]: _solute_from(row) for row in data["solute"]}
    empty = Catalogue(
        solutes=solutes,
        products=(),
        version=str(data["version"]),
        cautions=tuple(_caution_from(row) for row in data.get("caution", ())),
    )
    products = tuple(product_from(row, empty, origin="shipped") for row in data["product"])
    return replace(empty, products=products)
