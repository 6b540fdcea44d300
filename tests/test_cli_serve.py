"""`npt serve` on the command line: users added from a prompt or standard input, the refusal to
serve a network without users, the start-up line and its warning, HTTPS, a port in use."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from npt_protocol.cli import cli
from npt_protocol.cli.serve import start_line
from npt_protocol.web.users import FileUserStore
from tests.served import npt_serve
from tests.webapp import PASSWORD


@pytest.fixture(autouse=True)
def no_clinic_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty.toml").write_text("")
    monkeypatch.setenv("NPT_CONFIG", str(tmp_path / "empty.toml"))


def run(tmp_path: Path, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """Run `npt serve ARGS` with a data folder in tmp_path."""
    result = CliRunner().invoke(
        cli, ["serve", "--data", str(tmp_path / "data"), *args], input=stdin
    )
    return result.exit_code, result.stdout, result.stderr


def test_a_user_is_added_with_the_password_from_standard_input(tmp_path: Path) -> None:
    code, _, err = run(tmp_path, "--add-user", "A. Lee", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert err.startswith("Added user A. Lee to ")
    store = FileUserStore(tmp_path / "data")
    assert store.verify("A. Lee", PASSWORD) == "A. Lee"
    assert (tmp_path / "data").stat().st_mode & 0o077 == 0


def test_users_are_listed_and_removed(tmp_path: Path) -> None:
    run(tmp_path, "--add-user", "A. Lee", stdin=PASSWORD)
    run(tmp_path, "--add-user", "B. Khan", stdin=PASSWORD)
    assert run(tmp_path, "--list-users")[1] == "A. Lee\nB. Khan\n"
    code, _, err = run(tmp_path, "--remove-user", "b. khan")
    assert code == 0
    assert "Removed user B. Khan" in err
    assert run(tmp_path, "--list-users")[1] == "A. Lee\n"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--add-user", "A. Lee"], "short\n", "the password has 5 characters; give at least 12."),
        (["--add-user", ""], PASSWORD, "the user name is empty"),
        (["--remove-user", "Nobody"], "", "no user is named 'Nobody'"),
    ],
)
def test_user_problems_are_one_sentence_and_exit_2(
    tmp_path: Path, args: list[str], stdin: str, message: str
) -> None:
    code, _, err = run(tmp_path, *args, stdin=stdin)
    assert code == 2
    assert err.startswith(f"Error: {message}")
    assert len(err.strip().splitlines()) == 1


def test_no_option_takes_a_password() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert "--password" not in result.output
    assert "never given as arguments" in result.output


def test_a_network_address_without_users_is_refused(tmp_path: Path) -> None:
    code, _, err = run(tmp_path, "--host", "0.0.0.0")
    assert code == 2
    assert "--host 0.0.0.0 serves the network" in err
    assert "npt serve --add-user NAME" in err


def test_https_needs_both_files(tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("x")
    code, _, err = run(tmp_path, "--certfile", str(cert))
    assert code == 2
    assert "--certfile and --keyfile go together" in err


def test_a_certificate_that_cannot_be_used_is_one_sentence(tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("not a certificate")
    code, _, err = run(tmp_path, "--certfile", str(cert), "--keyfile", str(cert))
    assert code == 2
    assert err.startswith(f"Error: --certfile {cert} with --keyfile {cert} cannot be used")


def test_the_start_up_line_warns_about_a_network_without_https() -> None:
    plain = start_line("http://0.0.0.0:8000/", loopback=False, https=False, users=True)
    assert "WARNING: no HTTPS" in plain
    assert "give --certfile and --keyfile" in plain
    secure = start_line("https://0.0.0.0:8000/", loopback=False, https=True, users=True)
    assert "WARNING" not in secure
    local = start_line("http://127.0.0.1:8000/", loopback=True, https=False, users=False)
    assert "WARNING" not in local
    assert "this computer only; no sign-in (no users)" in local


def test_serve_starts_on_a_free_port_and_answers(tmp_path: Path) -> None:
    with npt_serve([], folder=tmp_path) as (url, line):
        assert url.startswith("http://127.0.0.1:")
        assert "this computer only" in line
        with urllib.request.urlopen(url + "prepare", timeout=10) as page:
            assert page.status == 200
            assert "Prepare a solution" in page.read().decode()


def test_serve_on_the_network_says_sign_in_and_warns_without_https(tmp_path: Path) -> None:
    run(tmp_path, "--add-user", "A. Lee", stdin=PASSWORD)
    with npt_serve(["--host", "0.0.0.0"], folder=tmp_path) as (url, line):
        assert "the network; sign-in required" in line
        assert "WARNING: no HTTPS" in line
        port = url.rsplit(":", 1)[1].strip("/")
        request = urllib.request.Request(f"http://127.0.0.1:{port}/prepare")
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(request, timeout=10)
        assert refused.value.code == 303


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report a redirect instead of following it."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_serve_over_https_with_a_certificate(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    with npt_serve(["--certfile", str(cert), "--keyfile", str(key)], folder=tmp_path) as (
        url,
        line,
    ):
        assert url.startswith("https://127.0.0.1:")
        assert "WARNING" not in line
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False
        with urllib.request.urlopen(url + "prepare", timeout=10, context=context) as page:
            assert page.status == 200
            assert page.headers["strict-transport-security"] == "max-age=31536000"
            cookie = page.headers["set-cookie"].lower()
            assert cookie.startswith("__host-npt=")
            assert "; secure" in cookie


def test_a_port_in_use_is_one_sentence(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code, _, err = run(tmp_path, "--port", str(port))
    assert code == 2
    assert err.startswith(f"Error: cannot listen on 127.0.0.1 port {port}:")
    assert "choose another --port" in err


def test_serve_is_listed_with_a_summary() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert "serve" in result.output
    assert "treatment-room app" in result.output


def test_python_m_npt_protocol_serve_help_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "npt_protocol", "serve", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--add-user" in done.stdout
