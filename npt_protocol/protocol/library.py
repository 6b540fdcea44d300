"""Find protocols: clinic folders first, then the shipped library; check whole folders."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

import attrs

import npt_protocol
from npt_protocol.catalogue.products import Catalogue
from npt_protocol.errors import ProtocolError
from npt_protocol.protocol.loader import Loaded, check_file
from npt_protocol.protocol.model import Protocol
from npt_protocol.reading.findings import Finding

SHIPPED = "shipped"
SUFFIXES = (".yaml", ".yml")


def shipped_dir() -> Path:
    """Return the shipped protocols folder: inside the package in a wheel, else the checkout's."""
    package = Path(npt_protocol.__file__).parent
    inside = package / "protocols"
    return inside if inside.is_dir() else package.parent / "protocols"


def protocol_files(folder: Path) -> list[Path]:
    """List a folder's protocol files (*.yaml, *.yml), sorted, without hidden files."""
    try:
        entries = sorted(Path(folder).iterdir())
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ProtocolError(
            f"Protocol folder {folder} cannot be read ({reason}); expected a "
            "folder of YAML protocol files."
        ) from None
    return [
        p
        for p in entries
        if p.suffix.lower() in SUFFIXES and not p.name.startswith(".") and p.is_file()
    ]


def check_paths(
    paths: Iterable[Path], *, origin: str | None = None, catalogue: Catalogue | None = None
) -> list[Loaded]:
    """Check files and folders; ids repeated within one folder are findings too."""
    files: list[Path] = []
    for path in paths:
        if Path(path).is_dir():
            files.extend(protocol_files(path))
        elif Path(path).exists() or Path(path).is_symlink():
            files.append(Path(path))
        else:
            raise ProtocolError(
                f"Protocol path {path} does not exist; expected a YAML file or a folder of them."
            )
    unique = list({p.resolve(): p for p in reversed(files)}.values())[::-1]
    results = [
        check_file(path, origin=origin or str(path.parent), catalogue=catalogue) for path in unique
    ]
    return _with_duplicates(results, [p.parent.resolve() for p in unique])


def _with_duplicates(results: list[Loaded], folders: list[Path]) -> list[Loaded]:
    """Add a finding to each file whose id an earlier file of the same folder already has."""
    first: dict[tuple[Path, str], Loaded] = {}
    out = []
    for result, folder in zip(results, folders, strict=True):
        earlier = first.setdefault((folder, result.id), result) if result.id else result
        if earlier is result:
            out.append(result)
            continue
        finding = Finding(
            result.path,
            result.id_line,
            result.id_column,
            f"duplicate protocol id {result.id!r}, already used by "
            f"{earlier.path}:{earlier.id_line}; expected each id once per folder",
        )
        out.append(attrs.evolve(result, protocol=None, findings=(*result.findings, finding)))
    return out


@attrs.frozen
class LibraryEntry:
    """The protocol that wins for an id, and the ones from later folders it hides."""

    protocol: Protocol
    rank: int = 0  # position of its folder in the search order
    hides: tuple[Protocol, ...] = ()


@attrs.frozen
class Broken:
    """A file that could not be loaded, with the position of its folder in the search order."""

    loaded: Loaded
    rank: int


@attrs.frozen
class Library:
    """Protocols by id, clinic folders before the shipped library, with any broken files."""

    entries: dict[str, LibraryEntry]
    broken: tuple[Broken, ...] = ()

    def get(self, protocol_id: str) -> Protocol:
        """Return the protocol for an id; refuse if an earlier broken file may be the one meant."""
        entry = self.entries.get(protocol_id)
        for bad in self.broken:
            # A broken file whose id cannot be read might be the one meant, unless an earlier
            # folder already supplies the id; falling back silently would use the wrong file.
            maybe = bad.loaded.id is None and (entry is None or bad.rank <= entry.rank)
            if bad.loaded.id == protocol_id or maybe:
                raise ProtocolError(
                    f"Protocol file {bad.loaded.path} has problems, first "
                    f"{bad.loaded.findings[0]}; fix it before using protocol "
                    f"{protocol_id!r} (npt protocols validate lists them)."
                )
        if entry is None:
            near = difflib.get_close_matches(protocol_id, list(self.entries), n=2)
            hint = f" (did you mean {' or '.join(near)}?)" if near else ""
            raise ProtocolError(
                f"No protocol has id {protocol_id!r}{hint}; expected one of "
                f"{', '.join(self.entries) or 'none'} (see npt protocols "
                "list)."
            )
        return entry.protocol


def load_library(
    clinic_dirs: Sequence[Path] = (),
    *,
    shipped: Path | None = None,
    catalogue: Catalogue | None = None,
    only: Collection[str] | None = None,
) -> Library:
    """Load clinic folders in order, then the shipped library; earlier folders win an id.

    With `only`, the shipped library reads just the files of those ids (each shipped file is
    named after its id, which a test enforces); clinic folders are always read whole, since a
    clinic may name its files as it likes.
    """
    folders = [(Path(d), str(d)) for d in clinic_dirs]
    folders.append((shipped or shipped_dir(), SHIPPED))
    entries: dict[str, LibraryEntry] = {}
    broken: list[Broken] = []
    seen: set[Path] = set()
    for rank, (folder, origin) in enumerate(folders):
        if not folder.is_dir():
            if origin == SHIPPED:
                continue  # a checkout without the library still serves clinic folders
            raise ProtocolError(
                f"Clinic protocols folder {folder} does not exist or is not a "
                "folder; expected a folder of YAML protocol files."
            )
        if folder.resolve() in seen:
            continue  # a folder named twice would otherwise override itself
        seen.add(folder.resolve())
        paths = [folder]
        if origin == SHIPPED and only is not None:
            named = [folder / f"{pid}.yaml" for pid in only]
            if all(p.is_file() for p in named):
                paths = named  # else read the whole folder, so a typo still gets suggestions
        for result in check_paths(paths, origin=origin, catalogue=catalogue):
            if result.protocol is None:
                broken.append(Broken(result, rank))
            elif result.protocol.id in entries:
                winner = entries[result.protocol.id]
                entries[result.protocol.id] = attrs.evolve(
                    winner, hides=(*winner.hides, result.protocol)
                )
            else:
                entries[result.protocol.id] = LibraryEntry(result.protocol, rank)
    return Library(entries=dict(sorted(entries.items())), broken=tuple(broken))
