"""The shipped-protocol cache: the same protocols as read from their files, or no cache at all."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from npt_protocol.catalogue.products import shipped_catalogue
from npt_protocol.cli import cli
from npt_protocol.engine.requests import with_bases
from npt_protocol.protocol import loader
from npt_protocol.protocol.cache import LibraryCache
from npt_protocol.protocol.library import Library, check_paths, load_library, shipped_dir
from npt_protocol.protocol.loaded import Loaded

SHIPPED_IDS = sorted(p.stem for p in shipped_dir().glob("*.yaml"))


def _no_reading(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every protocol file read from disk (the cache was not used for it)."""
    read: list[Path] = []
    check_file = loader.check_file

    def recording(path: Path, **options: object) -> Loaded:
        read.append(Path(path))
        return check_file(path, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "check_file", recording)
    return read


def _copy_library(tmp_path: Path) -> Path:
    """Copy the shipped library, so that a test may edit it."""
    folder = tmp_path / "shipped"
    shutil.copytree(shipped_dir(), folder)
    return folder


def test_cached_protocols_equal_uncached_for_every_shipped_protocol(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache" / "protocols.pickle"
    uncached = load_library()
    filled = load_library(cache=cache)
    assert cache.is_file() and oct(cache.stat().st_mode & 0o777) == "0o600"
    read = _no_reading(monkeypatch)
    cached = load_library(cache=cache)
    assert read == []  # every protocol came from the cache
    assert sorted(cached.entries) == SHIPPED_IDS
    assert cached == uncached == filled
    one_by_one = {pid: load_library(cache=cache, only=[pid]) for pid in SHIPPED_IDS}
    assert read == []  # one at a time, as the session commands ask, from the cache too
    for protocol_id, library in one_by_one.items():
        assert library == load_library(only=[protocol_id])


def test_a_session_from_the_cache_prints_what_one_from_the_files_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    args = ["session", "--region", "knee:left", "--region", "shoulder:right", "--format", "json"]
    args += ["--prepared-at", "2026-12-01T09:00+00:00", "--patient", "PT-0042"]
    first = CliRunner().invoke(cli, args)
    assert (tmp_path / "cache" / "npt" / "protocols.pickle").is_file()
    read = _no_reading(monkeypatch)
    second = CliRunner().invoke(cli, args)
    assert read == []
    assert first.exit_code == second.exit_code == 0, first.output
    assert _without_times(second.output) == _without_times(first.output)


def _without_times(text: str) -> str:
    """Drop the line that carries the time the document was made."""
    return "\n".join(line for line in text.splitlines() if "generated_at" not in line)


def test_an_edited_protocol_file_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _copy_library(tmp_path)
    cache = tmp_path / "protocols.pickle"
    before = load_library(shipped=folder, cache=cache).get("knee")
    knee = folder / "knee.yaml"
    status = knee.stat()
    text = knee.read_text(encoding="utf-8")
    edited = text.replace("  Knee —", "  KNEE —", 1)  # the title's first word
    assert edited != text and len(edited) == len(text)
    knee.write_text(edited, encoding="utf-8")
    # The same size and modification time: the change time still tells.
    os.utime(knee, ns=(status.st_atime_ns, status.st_mtime_ns))
    read = _no_reading(monkeypatch)
    after = load_library(shipped=folder, cache=cache).get("knee")
    assert read == [folder / "knee.yaml"]
    assert after.title == before.title.replace("Knee", "KNEE", 1) != before.title
    assert load_library(shipped=folder, cache=cache).get("knee") == after
    assert read == [folder / "knee.yaml"]  # the edit is cached in turn


def test_a_protocol_broken_after_caching_is_reported_not_taken_from_the_cache(
    tmp_path: Path,
) -> None:
    folder = _copy_library(tmp_path)
    cache = tmp_path / "protocols.pickle"
    load_library(shipped=folder, cache=cache)
    (folder / "knee.yaml").write_text("id: knee\n", encoding="utf-8")
    library = load_library(shipped=folder, cache=cache)
    assert "knee" not in library.entries
    assert [bad.loaded.path for bad in library.broken] == [str(folder / "knee.yaml")]
    assert library == load_library(shipped=folder)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a pickle at all",
        pickle.dumps(("stamp", {}))[:-3],  # cut short
        pickle.dumps(None),
        pickle.dumps(("a", "b", "c")),
        pickle.dumps((("stamp",), {"x": (1, 2)})),
    ],
    ids=["empty", "text", "truncated", "none", "three", "other-stamp"],
)
def test_a_corrupt_cache_is_ignored_and_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    cache = tmp_path / "protocols.pickle"
    cache.write_bytes(content)
    cache.chmod(0o600)
    read = _no_reading(monkeypatch)
    assert load_library(cache=cache) == load_library()
    assert len(read) == 2 * len(SHIPPED_IDS)  # the cache was not believed
    assert load_library(cache=cache) == load_library()
    assert len(read) == 3 * len(SHIPPED_IDS)  # rewritten, and believed once whole


def test_entries_of_the_wrong_kind_make_the_whole_cache_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "protocols.pickle"
    load_library(cache=cache)
    stamp, entries = pickle.loads(cache.read_bytes())  # written just above
    path, (status, _) = next(iter(entries.items()))
    entries[path] = (status, "a protocol")
    cache.write_bytes(pickle.dumps((stamp, entries)))
    assert LibraryCache.open(cache, folder=shipped_dir()).entries == {}


def test_a_cache_others_may_write_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "protocols.pickle"
    load_library(cache=cache)
    cache.chmod(0o666)
    read = _no_reading(monkeypatch)
    assert load_library(cache=cache) == load_library()
    assert len(read) == 2 * len(SHIPPED_IDS)


def test_a_cache_for_other_code_is_not_used(tmp_path: Path) -> None:
    cache = tmp_path / "protocols.pickle"
    load_library(cache=cache)
    assert LibraryCache.open(cache, folder=shipped_dir()).entries
    assert LibraryCache.open(cache, folder=_copy_library(tmp_path)).entries == {}
    stamp, entries = pickle.loads(cache.read_bytes())  # written just above
    cache.write_bytes(pickle.dumps(((*stamp[:1], "0.0.0", *stamp[2:]), entries)))
    assert LibraryCache.open(cache, folder=shipped_dir()).entries == {}


def test_a_cache_that_cannot_be_written_changes_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("")
    assert load_library(cache=blocker / "protocols.pickle") == load_library()


def test_protocols_read_in_a_clinic_catalogue_are_not_cached(tmp_path: Path) -> None:
    cache = tmp_path / "protocols.pickle"
    clinic = with_bases(shipped_catalogue(), ["dextrose=anhydrous"])
    assert clinic is not shipped_catalogue()
    load_library(cache=cache, catalogue=clinic)
    assert not cache.exists()
    load_library(cache=cache, catalogue=shipped_catalogue())
    assert cache.exists()


def test_clinic_folders_are_never_cached(tmp_path: Path) -> None:
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    shutil.copy(shipped_dir() / "knee.yaml", clinic / "knee.yaml")
    cache = tmp_path / "protocols.pickle"
    library: Library = load_library([clinic], cache=cache, only=["knee"])
    entries = LibraryCache.open(cache, folder=shipped_dir()).entries
    assert str(clinic / "knee.yaml") not in entries
    assert library.get("knee").origin == str(clinic)


def test_check_paths_without_a_cache_reads_every_file() -> None:
    results = check_paths([shipped_dir()], origin="shipped")
    assert sorted(r.id or "" for r in results) == SHIPPED_IDS
