"""`npt config show` never prints a database password, in text or JSON; the light masking rule
agrees with the one the course commands use through SQLAlchemy."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from npt_protocol.cli import cli
from npt_protocol.course.locations import masked, sqlite_file

SECRET = "s3cr%t-Pa55"  # the password the output must not show


def config_show(tmp_path: Path, database: str, *args: str) -> str:
    """Run `npt config show` with a settings file naming the database."""
    settings = tmp_path / "settings.toml"
    settings.write_text(f"database = {json.dumps(database)}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["config", "show", *args], env={"NPT_CONFIG": str(settings)})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(
    "database",
    [
        f"postgresql://clinic:{SECRET}@db.example.org/npt",
        f"postgresql://clinic:{SECRET}@db.example.org:5433/npt?sslmode=require",
        f"postgresql+psycopg://clinic:a@{SECRET}@db.example.org/npt",
        f"postgresql://clinic@db.example.org/npt?password={SECRET}&sslmode=require",
    ],
)
def test_config_show_masks_the_database_password(tmp_path: Path, database: str) -> None:
    text = config_show(tmp_path, database)
    assert SECRET not in text and "s3cr" not in text
    assert "db.example.org" in text and "***" in text
    data = json.loads(config_show(tmp_path, database, "--json"))
    value = data["settings"]["database"]["value"]
    assert SECRET not in json.dumps(data) and "s3cr" not in value
    assert value.startswith(database.partition("://")[0] + "://clinic")
    assert "***" in value and value.endswith(database.rpartition("@")[2].replace(SECRET, "***"))


def test_config_show_prints_a_file_database_as_written(tmp_path: Path) -> None:
    data = json.loads(config_show(tmp_path, "/srv/npt/course.sqlite3", "--json"))
    assert data["settings"]["database"]["value"] == "/srv/npt/course.sqlite3"


def test_config_show_does_not_load_the_database_library(tmp_path: Path) -> None:
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    settings = tmp_path / "settings.toml"
    settings.write_text(f'database = "postgresql://u:{SECRET}@h/d"\n', encoding="utf-8")
    code = (
        "import sys\nfrom npt_protocol.cli import main\ntry:\n    main(['config', 'show'])\n"
        "except SystemExit:\n    pass\nprint('sqlalchemy' in sys.modules, file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={"NPT_CONFIG": str(settings), "PATH": ""},
    )
    assert SECRET not in result.stdout and "***" in result.stdout
    assert result.stderr.strip().splitlines()[-1] == "False"


PART = st.text(string.ascii_letters + string.digits + "._-", min_size=1, max_size=12)
PASSWORD = st.text(string.ascii_letters + string.digits + "!$()*,;=~", min_size=1, max_size=16)


@given(user=PART, password=PASSWORD, host=PART, name=PART)
def test_masking_agrees_with_sqlalchemy(user: str, password: str, host: str, name: str) -> None:
    text = f"postgresql://{user}:{password}@{host}/{name}"
    expected = sa.engine.make_url(text).render_as_string(hide_password=True)
    assert masked(text) == expected


@pytest.mark.parametrize(
    ("location", "file"),
    [
        ("/srv/npt/course.sqlite3", Path("/srv/npt/course.sqlite3")),
        ("course.sqlite3", Path("course.sqlite3")),
        ("sqlite:///course.sqlite3", Path("course.sqlite3")),
        ("sqlite:////srv/course.sqlite3", Path("/srv/course.sqlite3")),
        ("postgresql://u@h/d", None),
        ("sqlite:///a%20b.sqlite3", None),  # percent-encoded: left to the database library
        ("sqlite://", None),
    ],
)
def test_the_file_a_location_names(location: str, file: Path | None) -> None:
    assert sqlite_file(location) == file
    if file is not None and "://" in location:
        assert Path(str(sa.engine.make_url(location).database)) == file
