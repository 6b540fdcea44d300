"""Find protocols: clinic folders first, then the shipped library; check whole folders."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

import attrs

import npt_protocol
from npt_protocol.catalogue.products import Catalogue, shipped_catalogue
from npt_protocol.errors import ProtocolError
from npt_protocol.protocol.cache import LibraryCache, file_status
from npt_protocol.protocol.loaded import Loaded
from npt_protocol.protocol.model import Protocol
from npt_protocol.reading.files import irregular
from npt_protocol.reading.findings import Finding


def _close_matches(word: str, choices: Iterable[str], n: int, cutoff: float = 0.6) -> list[str]:
    """Suggest the nearest choices; difflib is imported only when a suggestion is needed."""
    import difflib  # noqa: PLC0415 - costs start-up time; only a finding needs it

    return difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)


SHIPPED = "shipped"
SUFFIXES = (".yaml", ".yml")
# A session sheet lists every point; past this many a protocol is a mistake or an attack (a
# million points took minutes and gigabytes to render). Protocols in use need a few dozen.
MAX_POINTS_PER_SESSION = 200


def shipped_dir() -> Path:
    """Return the shipped protocols folder: inside the package in a wheel, else the checkout's."""
    package = Path(npt_protocol.__file__).parent
    inside = package / "protocols"
    return inside if inside.is_dir() else package.parent / "protocols"


def protocol_files(folder: Path) -> list[Path]:
    """List a folder's protocol entries (*.yaml, *.yml), sorted, without hidden files; entries
    that are not readable files are listed too, so that checking them reports them."""
    try:
        entries = sorted(Path(folder).iterdir())
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ProtocolError(
            f"Protocol folder {folder} cannot be read ({reason}); expected a "
            "folder of YAML protocol files."
        ) from None
    return [p for p in entries if p.suffix.lower() in SUFFIXES and not p.name.startswith(".")]


def unreadable(path: Path) -> Loaded | None:
    """Describe, as a finding, a protocol entry that is not a regular file: a link to nothing
    (an unmounted share), a FIFO, a folder named like a file. None for a regular file."""
    kind = irregular(path)
    if kind is None:
        return None
    return Loaded(
        path=str(path),
        protocol=None,
        findings=(
            Finding(
                str(path),
                1,
                1,
                f"this entry is {kind}, so it cannot be read; expected a YAML protocol file "
                "(remove or fix it, so that no protocol falls back to another silently)",
            ),
        ),
    )


def too_many_points(loaded: Loaded) -> Loaded:
    """Refuse a protocol whose session limit is more points than any sheet should hold."""
    protocol = loaded.protocol
    if protocol is None or protocol.limits.max_points <= MAX_POINTS_PER_SESSION:
        return loaded
    line, column = _position(Path(loaded.path), ("limits", "max_points"))
    finding = Finding(
        loaded.path,
        line,
        column,
        f"limits max_points is {protocol.limits.max_points:,}; expected at most "
        f"{MAX_POINTS_PER_SESSION} points per session",
    )
    return attrs.evolve(loaded, protocol=None, findings=(*loaded.findings, finding))


def _position(path: Path, keys: tuple[str, ...]) -> tuple[int, int]:
    """Find where a nested key's value is written, for a finding (1, 1 if it is not found)."""
    from npt_protocol.protocol.loader import read_file  # noqa: PLC0415 - YAML, only when read
    from npt_protocol.reading.yaml_tree import read_yaml  # noqa: PLC0415

    root, _ = read_yaml(read_file(path), path=str(path))
    node = root
    for key in keys:
        if node is None or node.kind != "map":
            return 1, 1
        node = next((value for name, value in node.value if name.text == key), None)
    return (node.line, node.column) if node is not None else (1, 1)


def check_paths(
    paths: Iterable[Path],
    *,
    origin: str | None = None,
    catalogue: Catalogue | None = None,
    cache: LibraryCache | None = None,
) -> list[Loaded]:
    """Check files and folders; ids repeated within one folder are findings too. A file the
    cache holds unchanged is taken from it; the others are read and kept in it."""
    files: list[Path] = []
    for path in paths:
        if Path(path).is_dir():
            files.extend(protocol_files(path))
        elif Path(path).exists() or Path(path).is_symlink():
            kind = irregular(Path(path))
            if kind is not None:  # named on purpose: it cannot be read at all
                raise ProtocolError(
                    f"Protocol file {path} cannot be read: it is {kind}; expected a YAML "
                    "protocol file."
                )
            files.append(Path(path))
        else:
            raise ProtocolError(
                f"Protocol path {path} does not exist; expected a YAML file or a folder of them."
            )
    unique = list({_identity(p): p for p in reversed(files)}.values())[::-1]
    results = [_checked(path, origin or str(path.parent), catalogue, cache) for path in unique]
    return _with_duplicates(results, [p.parent.resolve() for p in unique])


def _checked(
    path: Path, origin: str, catalogue: Catalogue | None, cache: LibraryCache | None
) -> Loaded:
    """Check one entry, from the cache when it holds the file unchanged."""
    kept = None if cache is None else cache.get(path)
    if kept is not None:
        return kept
    from npt_protocol.protocol.loader import check_file  # noqa: PLC0415 - YAML, only when read

    status = None if cache is None else file_status(path)  # before reading: a change shows
    loaded = unreadable(path) or too_many_points(
        check_file(path, origin=origin, catalogue=catalogue)
    )
    if cache is not None:
        cache.put(path, loaded, status=status)
    return loaded


def _identity(path: Path) -> Path:
    """Return where an entry leads, or the entry itself when it leads nowhere."""
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):
        return path.absolute()


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
            near = _close_matches(protocol_id, list(self.entries), n=2)
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
    cache: Path | None = None,
) -> Library:
    """Load clinic folders in order, then the shipped library; earlier folders win an id.

    With `only`, the shipped library reads just the files of those ids (each shipped file is
    named after its id, which a test enforces); clinic folders are always read whole, since a
    clinic may name its files as it likes. With `cache` (a file), the shipped protocols read in
    the shipped catalogue are kept there between runs (npt_protocol.protocol.cache).
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
        kept = None
        # A clinic catalogue or basis can read a solution differently: those are not cached.
        shipped_reading = catalogue is None or catalogue is shipped_catalogue()
        if cache is not None and origin == SHIPPED and shipped_reading:
            kept = LibraryCache.open(cache, folder=folder)
        for result in check_paths(paths, origin=origin, catalogue=catalogue, cache=kept):
            if result.protocol is None:
                broken.append(Broken(result, rank))
            elif result.protocol.id in entries:
                winner = entries[result.protocol.id]
                entries[result.protocol.id] = attrs.evolve(
                    winner, hides=(*winner.hides, result.protocol)
                )
            else:
                entries[result.protocol.id] = LibraryEntry(result.protocol, rank)
        if kept is not None:
            kept.save()
    return Library(entries=dict(sorted(entries.items())), broken=tuple(broken))
