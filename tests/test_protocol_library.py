"""Finding protocols: clinic folders before the shipped library, broken files never skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import npt_protocol
from npt_protocol.errors import ProtocolError
from npt_protocol.protocol.library import check_paths, load_library, shipped_dir

FIXTURE = Path(__file__).parent / "protocol_fixtures" / "fixture-knee.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")


def write(folder: Path, name: str, protocol_id: str, **replace: str) -> Path:
    """Write the fixture under a new id, with text replacements."""
    folder.mkdir(parents=True, exist_ok=True)
    text = TEXT.replace("id: fixture-knee", f"id: {protocol_id}")
    for old, new in replace.items():
        text = text.replace(old, new)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A stand-in shipped library with two protocols."""
    folder = tmp_path / "shipped"
    write(folder, "knee.yaml", "knee")
    write(folder, "hip.yaml", "hip")
    return folder


def test_shipped_folder_is_inside_the_package_when_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site-packages" / "npt_protocol"
    (package / "protocols").mkdir(parents=True)
    monkeypatch.setattr(npt_protocol, "__file__", str(package / "__init__.py"))
    assert shipped_dir() == package / "protocols"


def test_shipped_folder_falls_back_to_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "checkout" / "npt_protocol"
    package.mkdir(parents=True)
    monkeypatch.setattr(npt_protocol, "__file__", str(package / "__init__.py"))
    assert shipped_dir() == tmp_path / "checkout" / "protocols"


def test_the_source_checkout_finds_its_protocols_folder() -> None:
    assert shipped_dir().name == "protocols"
    assert shipped_dir().is_dir()


def test_clinic_protocol_overrides_a_shipped_id(tmp_path: Path, shipped: Path) -> None:
    clinic = tmp_path / "clinic"
    write(clinic, "our-knee.yaml", "knee", **{'version: "1.0.0"': 'version: "7"'})
    write(clinic, "ankle.yaml", "ankle")
    library = load_library([clinic], shipped=shipped)
    assert list(library.entries) == ["ankle", "hip", "knee"]
    knee = library.entries["knee"]
    assert knee.protocol.version == "7"
    assert knee.protocol.origin == str(clinic)
    assert [hidden.origin for hidden in knee.hides] == ["shipped"]
    assert library.get("hip").origin == "shipped"
    assert library.get("knee").version == "7"


def test_a_broken_clinic_file_never_falls_back_to_the_shipped_one(
    tmp_path: Path, shipped: Path
) -> None:
    clinic = tmp_path / "clinic"
    write(clinic, "knee.yaml", "knee", **{"default: 0.5 mL\n": "default: 5 mL\n"})
    library = load_library([clinic], shipped=shipped)
    with pytest.raises(ProtocolError, match=r"knee\.yaml:\d+:\d+: .*lies outside"):
        library.get("knee")
    assert library.get("hip").origin == "shipped"


def test_a_clinic_file_without_a_readable_id_blocks_later_folders(
    tmp_path: Path, shipped: Path
) -> None:
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    (clinic / "mystery.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    write(clinic, "ankle.yaml", "ankle")
    library = load_library([clinic], shipped=shipped)
    with pytest.raises(ProtocolError, match=r"mystery\.yaml"):
        library.get("hip")
    with pytest.raises(ProtocolError, match=r"mystery\.yaml"):
        library.get("ankle")


def test_a_broken_shipped_file_does_not_block_clinic_ids(tmp_path: Path, shipped: Path) -> None:
    (shipped / "broken.yaml").write_text("- not a protocol\n", encoding="utf-8")
    clinic = tmp_path / "clinic"
    write(clinic, "ankle.yaml", "ankle")
    library = load_library([clinic], shipped=shipped)
    assert library.get("ankle").id == "ankle"
    with pytest.raises(ProtocolError, match=r"broken\.yaml"):
        library.get("knee")


def test_unknown_id_suggests_near_ones(shipped: Path) -> None:
    with pytest.raises(ProtocolError, match="did you mean knee"):
        load_library(shipped=shipped).get("kne")


def test_a_missing_clinic_folder_is_an_error(tmp_path: Path, shipped: Path) -> None:
    with pytest.raises(ProtocolError, match="does not exist") as raised:
        load_library([tmp_path / "nowhere"], shipped=shipped)
    assert raised.value.exit_code == 2


def test_duplicate_ids_in_one_folder_are_findings(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    write(folder, "a.yaml", "knee")
    second = write(folder, "b.yaml", "knee")
    results = check_paths([folder])
    assert [len(r.findings) for r in results] == [0, 1]
    finding = results[1].findings[0]
    assert (finding.path, finding.line, finding.column) == (str(second), 3, 5)
    assert "duplicate protocol id 'knee', already used by" in finding.message
    with pytest.raises(ProtocolError, match="duplicate protocol id"):
        load_library([folder], shipped=tmp_path / "none").get("knee")


def test_the_same_id_in_different_folders_is_not_a_duplicate(tmp_path: Path) -> None:
    first = write(tmp_path / "one", "knee.yaml", "knee")
    second = write(tmp_path / "two", "knee.yaml", "knee")
    assert all(not r.findings for r in check_paths([first, second]))


def test_a_file_given_twice_is_checked_once(tmp_path: Path) -> None:
    path = write(tmp_path / "one", "knee.yaml", "knee")
    assert len(check_paths([path, path.parent, path])) == 1


def test_only_yaml_files_are_read_from_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    write(folder, "knee.yml", "knee")
    (folder / "README.txt").write_text("not a protocol", encoding="utf-8")
    (folder / ".hidden.yaml").write_text("- junk", encoding="utf-8")
    assert [Path(r.path).name for r in check_paths([folder])] == ["knee.yml"]


def test_a_clinic_folder_that_is_the_shipped_folder_is_read_once(shipped: Path) -> None:
    library = load_library([shipped], shipped=shipped)
    assert all(entry.hides == () for entry in library.entries.values())
    assert library.get("knee").origin == str(shipped)


# ---------------------------------------------------------------------------------------------
# Entries of a clinic folder that cannot be read never fall back to the shipped protocol


def _unreadable(folder: Path, kind: str) -> Path:
    """Make a knee.yaml entry that cannot be read: a link to an unmounted share, a FIFO, a
    folder."""
    folder.mkdir(parents=True, exist_ok=True)
    entry = folder / "knee.yaml"
    if kind == "dangling link":
        entry.symlink_to("/mnt/unmounted-share/knee.yaml")
    elif kind == "fifo":
        os.mkfifo(entry)
    else:
        entry.mkdir()
    return entry


@pytest.mark.parametrize("kind", ["dangling link", "fifo", "folder"])
def test_an_unreadable_clinic_entry_is_an_error_not_a_fallback(
    tmp_path: Path, shipped: Path, kind: str
) -> None:
    clinic = tmp_path / "clinic"
    _unreadable(clinic, kind)
    library = load_library([clinic], shipped=shipped)
    with pytest.raises(ProtocolError, match="cannot be read; expected a YAML protocol file"):
        library.get("knee")  # the shipped knee must not be used instead of the clinic's


@pytest.mark.parametrize("kind", ["dangling link", "fifo", "folder"])
def test_validate_reports_an_unreadable_entry_never_zero_files(tmp_path: Path, kind: str) -> None:
    entry = _unreadable(tmp_path / "clinic", kind)
    results = check_paths([tmp_path / "clinic"])
    assert [(r.path, r.protocol) for r in results] == [(str(entry), None)]
    assert "so it cannot be read" in results[0].findings[0].message


def test_a_fifo_named_on_purpose_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "knee.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ProtocolError, match="is a FIFO"):
        check_paths([fifo])


def test_a_protocol_with_a_million_points_is_refused_with_the_limit(tmp_path: Path) -> None:
    text = TEXT.replace("max_points: 14", "max_points: 1000000")
    assert text != TEXT
    path = tmp_path / "huge.yaml"
    path.write_text(text, encoding="utf-8")
    [result] = check_paths([path])
    assert result.protocol is None
    [finding] = result.findings
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "max_points:" in row)
    assert (finding.line, finding.message) == (
        line,
        "limits max_points is 1,000,000; expected at most 200 points per session",
    )
