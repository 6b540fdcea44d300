"""The security model of `npt serve` (docs/web.md): sign-in on a network address, form tokens,
escaping, the static folder, the sign-in limits, cookies and headers."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from npt_protocol.protocol.library import shipped_dir
from npt_protocol.web.pages import load_pages
from npt_protocol.web.throttle import LoginLimits
from tests.webapp import PASSWORD, Served, serve

PAGES = [
    "/",
    "/prepare",
    "/check",
    "/protocols",
    "/protocols/knee",
    "/protocols/knee/sheet",
    "/protocols/knee/sheet.pdf",
    "/course",
    "/nowhere",
]
PREPARE = {"target": "dextrose 5%", "volume": "60mL", "from": "D50"}


@pytest.fixture
def network(tmp_path: Path) -> Served:
    """An app bound to every address, with one user."""
    return serve(tmp_path, host="0.0.0.0", users=["A. Lee"], base_url="http://clinic.lan:8000")


# -- sign-in -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_on_a_network_address_every_page_needs_a_sign_in(network: Served, path: str) -> None:
    page = network.client.get(path)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=")
    assert "Recipe" not in page.text


def test_on_a_network_address_a_form_without_a_sign_in_is_refused(network: Served) -> None:
    # The sign-in page's token is a real one: the refusal is for the missing sign-in.
    token = network.token("/login")
    page = network.client.post("/prepare", data={"csrf_token": token, **PREPARE})
    assert page.status_code == 403
    assert "sign in first" in page.text.lower()
    assert "Result:" not in page.text


def test_after_signing_in_every_page_opens(network: Served) -> None:
    assert network.sign_in("A. Lee").status_code == 303
    for path in PAGES[:-1]:
        assert network.client.get(path).status_code == 200, path
    assert network.post("/prepare", PREPARE).status_code == 200


def test_on_loopback_users_make_sign_in_required(tmp_path: Path) -> None:
    app = serve(tmp_path)
    assert app.client.get("/prepare").status_code == 200
    app.users.add("A. Lee", PASSWORD)
    app.clock.advance(1)  # the app reads the users again at most once a second
    assert app.client.get("/prepare").status_code == 303


def test_the_public_paths_are_the_sign_in_page_and_static_files(network: Served) -> None:
    assert network.client.get("/login").status_code == 200
    assert network.client.get("/static/app.css").status_code == 200
    assert network.client.get("/static/nothing.css").status_code == 404


def test_a_removed_user_is_signed_out_at_the_next_request(network: Served) -> None:
    network.sign_in("A. Lee")
    assert network.client.get("/").status_code == 200
    network.users.remove("A. Lee")
    network.clock.advance(1)  # the app reads the users again at most once a second
    assert network.client.get("/").status_code == 303


def test_signing_out_ends_the_sign_in_even_for_a_copied_cookie(network: Served) -> None:
    network.sign_in("A. Lee")
    copied = dict(network.client.cookies)
    network.post("/logout", {})
    network.client.cookies.clear()
    for name, value in copied.items():
        network.client.cookies.set(name, value)
    assert network.client.get("/").status_code == 303


def test_a_forged_cookie_is_no_sign_in(network: Served) -> None:
    forged = base64.b64encode(json.dumps({"sid": "x"}).encode()).decode()
    network.client.cookies.set("npt", f"{forged}.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb")
    assert network.client.get("/").status_code == 303


def test_sign_in_starts_a_new_session_and_a_new_form_token(network: Served) -> None:
    before = network.token("/login")
    network.sign_in("A. Lee")
    after = network.token("/prepare")
    assert before != after
    # The token seen before signing in is worth nothing now.
    page = network.client.post("/prepare", data={"csrf_token": before, **PREPARE})
    assert page.status_code == 403


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:x"]
)
def test_sign_in_never_sends_the_browser_to_another_site(network: Served, target: str) -> None:
    page = network.post("/login", {"name": "A. Lee", "password": PASSWORD, "next": target})
    assert page.status_code == 303
    assert page.headers["location"] == "/"


# -- form tokens -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/prepare", "/check", "/login", "/logout"])
def test_a_form_without_its_token_is_refused(tmp_path: Path, path: str) -> None:
    app = serve(tmp_path, log=tmp_path / "clinic.log")
    app.client.get(path if path != "/logout" else "/")
    page = app.client.post(path, data=PREPARE)
    assert page.status_code == 403
    assert "did not come from this app" in page.text
    assert not (tmp_path / "clinic.log").exists()


def test_a_wrong_or_foreign_token_is_refused(tmp_path: Path) -> None:
    app = serve(tmp_path)
    app.token()
    assert app.client.post("/prepare", data={"csrf_token": "x" * 43, **PREPARE}).status_code == 403
    other = serve(tmp_path / "other")
    foreign = other.token()
    assert app.client.post("/prepare", data={"csrf_token": foreign, **PREPARE}).status_code == 403
    assert app.post("/prepare", PREPARE).status_code == 200


def test_a_form_sent_from_another_site_is_refused(tmp_path: Path) -> None:
    app = serve(tmp_path)
    data = {"csrf_token": app.token(), **PREPARE}
    page = app.client.post("/prepare", data=data, headers={"origin": "http://evil.example"})
    assert page.status_code == 403
    same = app.client.post("/prepare", data=data, headers={"origin": "http://127.0.0.1"})
    assert same.status_code == 200


def test_only_small_url_encoded_forms_are_taken(tmp_path: Path) -> None:
    app = serve(tmp_path)
    token = app.token()
    as_json = app.client.post(
        "/prepare",
        content=json.dumps({"csrf_token": token}),
        headers={"content-type": "application/json"},
    )
    assert as_json.status_code == 415
    huge = app.client.post("/prepare", data={"csrf_token": token, "target": "x" * 70_000})
    assert huge.status_code == 413


# -- escaping ----------------------------------------------------------------------------------


def test_a_protocol_title_with_a_script_is_shown_as_text(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    folder.mkdir()
    title = 'Knee <script>alert("x")</script> & <b>bold</b>'
    text = (shipped_dir() / "knee.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id: .*$", "id: evil-knee", text, count=1)
    text = re.sub(r"(?m)^title: >-\n(?:  .*\n)+", f"title: {json.dumps(title)}\n", text, count=1)
    (folder / "evil-knee.yaml").write_text(text, encoding="utf-8")
    app = serve(tmp_path, protocols_dir=folder)
    for path in ["/protocols", "/protocols/evil-knee", "/protocols/evil-knee/sheet"]:
        page = app.client.get(path)
        assert page.status_code == 200, path
        assert "<script>alert" not in page.text, path
        assert "&lt;script&gt;alert(" in page.text, path
        assert "<b>bold" not in page.text, path


def test_typed_text_comes_back_as_text(tmp_path: Path) -> None:
    app = serve(tmp_path)
    page = app.post("/prepare", {**PREPARE, "target": '"><script>alert(1)</script>'})
    assert page.status_code == 422
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_no_page_has_an_inline_script_or_style(tmp_path: Path) -> None:
    app = serve(tmp_path)
    pages = [app.client.get(p) for p in ["/", "/prepare", "/check", "/protocols", "/login"]]
    pages.append(app.post("/prepare", PREPARE))
    pages.append(app.client.get("/protocols/knee"))
    for page in pages:
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page.text) == []
        assert "<style" not in page.text
        assert " style=" not in page.text
        assert re.search(r"\son\w+=", page.text) is None  # no onclick= and the like


# -- static files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/static/%2e%2e%2fapp.py",
        "/static/..%2f..%2fpyproject.toml",
        "/static/app.css/../../app.py",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/....//app.py",
        "/static/app.css%00.py",
        "/static/",
    ],
)
def test_a_path_outside_the_static_folder_is_refused(tmp_path: Path, path: str) -> None:
    app = serve(tmp_path)
    page = app.client.get(path)
    assert page.status_code == 404
    assert "import" not in page.text
    assert "root:" not in page.text


# -- sign-in limits ----------------------------------------------------------------------------


def test_failed_sign_ins_for_a_name_are_limited(tmp_path: Path) -> None:
    app = serve(tmp_path, users=["A. Lee"], limits=LoginLimits(per_user=3, window_seconds=60))
    for _ in range(3):
        assert app.sign_in("A. Lee", "wrong password!").status_code == 401
    # Now even the right password waits, and the wait is said.
    page = app.sign_in("a. lee")
    assert page.status_code == 429
    assert "try again in 1 minute" in page.text
    app.clock.advance(61)
    assert app.sign_in("A. Lee").status_code == 303


def test_failed_sign_ins_from_a_client_are_limited_across_names(tmp_path: Path) -> None:
    limits = LoginLimits(per_user=100, per_client=5, window_seconds=600)
    app = serve(tmp_path, users=["A. Lee"], limits=limits)
    for i in range(5):
        assert app.sign_in(f"guess{i}", "wrong password!").status_code == 401
    assert app.sign_in("A. Lee").status_code == 429


def test_the_default_limits_hold(tmp_path: Path) -> None:
    app = serve(tmp_path, users=["A. Lee"])
    codes = [app.sign_in("A. Lee", f"wrong {i}").status_code for i in range(6)]
    assert codes == [401] * 5 + [429]


# -- cookies and headers -----------------------------------------------------------------------


def test_the_session_cookie_is_signed_httponly_strict_and_expires_when_idle(tmp_path: Path) -> None:
    app = serve(tmp_path, idle_seconds=900)
    cookie = app.client.get("/prepare").headers["set-cookie"]
    name, _, rest = cookie.partition("=")
    flags = [f.strip().lower() for f in rest.split(";")[1:]]
    assert name == "npt"
    assert "httponly" in flags
    assert "samesite=strict" in flags
    assert "max-age=900" in flags
    assert "path=/" in flags
    assert "secure" not in flags
    assert re.fullmatch(r"[\w=-]+\.[\w-]+\.[\w-]+", rest.split(";")[0])  # payload.time.signature


def test_over_https_the_cookie_is_secure_and_host_bound(tmp_path: Path) -> None:
    app = serve(tmp_path, https=True, base_url="https://127.0.0.1")
    page = app.client.get("/prepare")
    cookie = page.headers["set-cookie"].lower()
    assert cookie.startswith("__host-npt=")
    assert "; secure" in cookie
    assert page.headers["strict-transport-security"] == "max-age=31536000"


@pytest.mark.parametrize("path", [*PAGES, "/static/app.css", "/login"])
def test_every_response_carries_the_security_headers(tmp_path: Path, path: str) -> None:
    app = serve(tmp_path)
    headers = app.client.get(path).headers
    csp = headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in headers


def test_app_pages_allow_scripts_and_styles_from_the_server_only(tmp_path: Path) -> None:
    csp = serve(tmp_path).client.get("/").headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'none'"


def test_the_trainer_sheet_allows_its_one_style_by_hash_and_no_script(tmp_path: Path) -> None:
    page = serve(tmp_path).client.get("/protocols/knee/sheet")
    csp = page.headers["content-security-policy"]
    (style,) = re.findall(r"<style>(.*?)</style>", page.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["style-src"] == f"'sha256-{digest}'"
    assert "script-src" not in directives  # default-src 'none' forbids every script
    assert directives["default-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_pages_are_never_cached(tmp_path: Path) -> None:
    app = serve(tmp_path)
    assert app.client.get("/prepare").headers["cache-control"] == "no-store"
    assert app.client.get("/static/app.css").headers["cache-control"].startswith("public")


def test_a_loopback_server_answers_only_to_loopback_names(tmp_path: Path) -> None:
    app = serve(tmp_path)
    for host in ["127.0.0.1:8000", "localhost", "[::1]:8000", "127.0.0.2"]:
        assert app.client.get("/", headers={"host": host}).status_code == 200, host
    # A name that an attacker's DNS points at 127.0.0.1 reaches nothing.
    page = app.client.get("/", headers={"host": "evil.example"})
    assert page.status_code == 421
    assert page.headers["x-content-type-options"] == "nosniff"


def test_every_page_is_in_the_registry_with_its_routes() -> None:
    pages = load_pages()
    names = [p.name for p in pages]
    assert names == [
        "home",
        "prepare",
        "check",
        "session",
        "during",
        "course",
        "protocols",
        "account",
    ]
    paths = {getattr(r, "path", "") for p in pages for r in p.routes}
    assert {"/", "/prepare", "/check", "/course", "/protocols", "/login", "/logout"} <= paths
    assert {"/session", "/session/packet.pdf", "/session/labels.pdf", "/during"} <= paths
    assert {"/during/start", "/during/amend", "/course/{patient}/chart.svg"} <= paths
