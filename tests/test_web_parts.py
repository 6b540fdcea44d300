"""The parts of the web app's security model one at a time: the users file, the session key,
the sign-in limits, the sign-in list, and which field an error concerns."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from npt_protocol.errors import InputError
from npt_protocol.web.auth import SignIns, safe_next
from npt_protocol.web.config import is_loopback
from npt_protocol.web.fields import CHECK_FIELDS, GENERAL, PREPARE_FIELDS, field_of
from npt_protocol.web.secret import SECRET_FILE, session_secret
from npt_protocol.web.throttle import LoginLimits, LoginThrottle
from npt_protocol.web.users import FileUserStore
from tests.webapp import CHEAP, PASSWORD, Clock


def store(tmp_path: Path) -> FileUserStore:
    return FileUserStore(tmp_path, hasher=CHEAP)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- users -------------------------------------------------------------------------------------


def test_users_are_kept_hashed_in_a_private_file(tmp_path: Path) -> None:
    users = store(tmp_path)
    assert not users.has_users()
    users.add("A. Lee", PASSWORD)
    assert users.has_users()
    assert mode(users.path) == 0o600
    text = users.path.read_text()
    assert PASSWORD not in text
    data = json.loads(text)
    assert data["schema"] == "npt.users/1"
    assert data["users"][0]["name"] == "A. Lee"
    assert data["users"][0]["hash"].startswith("$argon2id$")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_password_is_verified_and_names_match_in_any_case(tmp_path: Path) -> None:
    users = store(tmp_path)
    users.add("A. Lee", PASSWORD)
    assert users.verify("a. LEE", PASSWORD) == "A. Lee"
    assert users.verify("A. Lee", PASSWORD + "x") is None
    assert users.verify("B. Khan", PASSWORD) is None
    assert users.exists("a. lee")
    # Another store over the same file (another process) sees the same users.
    assert FileUserStore(tmp_path, hasher=CHEAP).verify("A. Lee", PASSWORD) == "A. Lee"


def test_users_are_added_and_removed_by_name(tmp_path: Path) -> None:
    users = store(tmp_path)
    users.add("A. Lee", PASSWORD)
    users.add("B. Khan", PASSWORD)
    assert users.names() == ["A. Lee", "B. Khan"]
    with pytest.raises(InputError, match="already exists"):
        users.add("a. lee", PASSWORD)
    assert users.remove("b. khan") == "B. Khan"
    assert users.names() == ["A. Lee"]
    with pytest.raises(InputError, match=r"no user is named 'C'; the users are: A\. Lee"):
        users.remove("C")


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("A. Lee", "short", "has 5 characters; give at least 12"),
        ("A. Lee", "x" * 1025, "longer than 1,024"),
        ("Lee Anne Cho", "lee anne cho", "is the user's name"),
        ("", PASSWORD, "is empty"),
        (" A. Lee", PASSWORD, "no spaces around it"),
        ("x" * 101, PASSWORD, "at most 100 characters"),
        ("A.\nLee", PASSWORD, "does not print"),
    ],
)
def test_weak_passwords_and_bad_names_are_refused(
    tmp_path: Path, name: str, password: str, message: str
) -> None:
    users = store(tmp_path)
    with pytest.raises(InputError, match=message):
        users.add(name, password)
    assert not users.path.exists()


def test_a_users_file_others_can_read_is_refused(tmp_path: Path) -> None:
    users = store(tmp_path)
    users.add("A. Lee", PASSWORD)
    os.chmod(users.path, 0o644)
    with pytest.raises(InputError, match="may be read by others"):
        store(tmp_path).has_users()


def test_a_file_that_is_not_a_users_file_is_refused_untouched(tmp_path: Path) -> None:
    (tmp_path / "users.json").write_text('{"hello": 1}')
    os.chmod(tmp_path / "users.json", 0o600)
    with pytest.raises(InputError, match="is not an npt users file"):
        store(tmp_path).add("A. Lee", PASSWORD)
    assert (tmp_path / "users.json").read_text() == '{"hello": 1}'


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    users = store(tmp_path)
    users.add("A. Lee", PASSWORD)
    assert users.exists("A. Lee")
    store(tmp_path).remove("A. Lee")
    assert not users.exists("A. Lee")


# -- the session key ---------------------------------------------------------------------------


def test_the_session_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    key = session_secret(tmp_path)
    assert len(key) == 64
    assert mode(tmp_path / SECRET_FILE) == 0o600
    assert session_secret(tmp_path) == key


def test_a_session_key_others_can_read_or_too_short_is_refused(tmp_path: Path) -> None:
    session_secret(tmp_path)
    os.chmod(tmp_path / SECRET_FILE, 0o640)
    with pytest.raises(InputError, match="chmod 600"):
        session_secret(tmp_path)
    (tmp_path / SECRET_FILE).write_text("short")
    os.chmod(tmp_path / SECRET_FILE, 0o600)
    with pytest.raises(InputError, match="too short"):
        session_secret(tmp_path)


# -- sign-in limits and sign-ins ---------------------------------------------------------------


def test_the_throttle_counts_failures_in_a_sliding_window() -> None:
    clock = Clock()
    throttle = LoginThrottle(LoginLimits(per_user=2, per_client=3, window_seconds=100), clock)
    assert throttle.wait_seconds(client="c", user="A") == 0
    throttle.failed(client="c", user="A")
    clock.advance(10)
    throttle.failed(client="c", user="a")
    assert throttle.wait_seconds(client="other", user="A") == pytest.approx(90)
    assert throttle.wait_seconds(client="c", user="B") == 0
    throttle.failed(client="c", user="B")
    assert throttle.wait_seconds(client="c", user="C") == pytest.approx(90)
    clock.advance(91)
    assert throttle.wait_seconds(client="c", user="A") == 0
    throttle.failed(client="c", user="A")
    throttle.succeeded(user="A")
    assert throttle.wait_seconds(client="d", user="A") == 0


def test_sign_ins_end_when_idle_or_ended() -> None:
    clock = Clock()
    sign_ins = SignIns(60, clock)
    sid = sign_ins.start("A. Lee")
    clock.advance(59)
    assert sign_ins.user(sid) == "A. Lee"
    clock.advance(59)
    assert sign_ins.user(sid) == "A. Lee"
    clock.advance(61)
    assert sign_ins.user(sid) is None
    other = sign_ins.start("B")
    sign_ins.end(other)
    assert sign_ins.user(other) is None
    assert sign_ins.user("made-up") is None


@given(st.text())
def test_after_sign_in_the_browser_stays_on_this_site(target: str) -> None:
    chosen = safe_next(target)
    assert chosen.startswith("/")
    assert not chosen.startswith("//")
    assert "\\" not in chosen
    assert chosen in (target, "/")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("clinic.lan", False),
    ],
)
def test_which_addresses_are_this_computer_only(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


# -- which field an error concerns -------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ("--volume '60x' has an unknown unit 'x'; expected ...", "volume"),
        ("--from 'D5000' is not in the catalogue ...", "stocks"),
        ("target: unknown solute 'dextrse' ...", "target"),
        ("target is empty; expected a solute ...", "target"),
        ("tolerance '0%' is outside 0 % to 50 %; expected such as 5%.", "tolerance"),
        ("syringe 'foo' is not a syringe; expected ...", "syringes"),
        ("SWFI is given twice (as a stock and the diluent, or twice with --from); ...", "stocks"),
        ("No stock given contains lidocaine; add one with --from such as lidocaine-1.", "stocks"),
        (
            "The qs method cannot measure this ...; choose another --method or leave it out.",
            "method",
        ),
        ("The target dextrose 90 % is stronger than every stock given ...", GENERAL),
        ("D50W needs 0.001 mL, less than half the finest syringe mark ...", GENERAL),
        ("--fromage is not an option", GENERAL),
    ],
)
def test_an_error_goes_to_the_field_it_names(message: str, field: str) -> None:
    assert field_of(message, PREPARE_FIELDS) == field


def test_a_check_error_goes_to_its_row() -> None:
    fields = {"drawn-1": ("'XX=6mL'",), **CHECK_FIELDS}
    assert field_of("'XX=6mL' is not in the catalogue ...", fields) == "drawn-1"
    assert field_of("'XX=6mL' volume '6x' has ...", fields) == "drawn-1"
    assert field_of("D50W is given twice; add its volumes into one PRODUCT=VOLUME.", fields) == (
        "drawn"
    )
