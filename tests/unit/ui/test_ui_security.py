"""`dualgen ui` as a local server: loopback Host names only, writing only with POST, the token
and a same-origin Origin, no CORS headers, a CSP of 'self', and never a path outside --out."""

from __future__ import annotations

import pytest

from generator.ui import create_app
from generator.ui.security import CSP
from tests.unit.ui.conftest import BASE, PORT, TOKEN, LocalClient

PATHS = ["/", "/api/options", "/api/preview", "/api/command", "/starter.zip", "/answers.yaml"]
SAME_ORIGIN = {"Origin": BASE, "X-Dualgen-Token": TOKEN}


@pytest.mark.parametrize(
    "host",
    [
        pytest.param("evil.example", id="other-name"),
        pytest.param(f"evil.example:{PORT}", id="other-name-same-port"),
        pytest.param(f"127.0.0.1.evil.example:{PORT}", id="loopback-prefix"),
        pytest.param(f"127.0.0.1:{PORT + 1}", id="other-port"),
        pytest.param("127.0.0.1", id="no-port"),
        pytest.param(f"192.168.1.5:{PORT}", id="lan-address"),
        pytest.param("", id="empty"),
    ],
)
@pytest.mark.parametrize("path", PATHS)
def test_a_host_other_than_loopback_is_refused(client, host, path):
    answer = client.get(path, headers={"Host": host})
    assert answer.status_code == 403
    assert answer.data.decode().startswith(f"Host {host.lower()!r} is refused")


@pytest.mark.parametrize(
    "host", [f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"[::1]:{PORT}", f"LOCALHOST:{PORT}"]
)
def test_loopback_names_are_served(client, host):
    assert client.get("/api/command", headers={"Host": host}).status_code == 200


def test_a_refused_host_cannot_write(client, out):
    answer = client.post(
        "/api/write?name=shop",
        headers={**SAME_ORIGIN, "Host": "evil.example", "Origin": "http://evil.example"},
    )
    assert answer.status_code == 403
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        pytest.param({"X-Dualgen-Token": TOKEN}, 403, "writing needs an Origin", id="no-origin"),
        pytest.param(
            {**SAME_ORIGIN, "Origin": "http://evil.example"},
            403,
            "Origin 'http://evil.example'",
            id="cross-origin",
        ),
        pytest.param({**SAME_ORIGIN, "Origin": "null"}, 403, "Origin 'null'", id="null-origin"),
        pytest.param(
            {**SAME_ORIGIN, "Origin": f"http://localhost:{PORT}"},
            403,
            "Origin",
            id="other-loopback-name",
        ),
        pytest.param(
            {**SAME_ORIGIN, "Origin": f"https://127.0.0.1:{PORT}"}, 403, "Origin", id="https"
        ),
        pytest.param({"Origin": BASE}, 403, "writing needs the token", id="no-token"),
        pytest.param(
            {**SAME_ORIGIN, "X-Dualgen-Token": TOKEN[:-1]},
            403,
            "writing needs the token",
            id="wrong-token",
        ),
    ],
)
def test_a_write_without_token_or_same_origin_is_refused(client, out, headers, status, message):
    answer = client.post("/api/write?name=shop", headers=headers)
    assert answer.status_code == status
    assert answer.json["error"].startswith(message)
    assert list(out.iterdir()) == []


def test_writing_needs_post(client, out):
    answer = client.get("/api/write?name=shop", headers=SAME_ORIGIN)
    assert answer.status_code == 405
    assert list(out.iterdir()) == []


def test_a_write_with_token_and_origin_writes_under_out_and_never_overwrites(client, out):
    answer = client.post("/api/write?name=shop&framework=flask", headers=SAME_ORIGIN)
    assert answer.status_code == 200
    assert answer.json["written"] == [str(out / "shop")]
    assert answer.json["command"] == "dualgen new flask shop --no-input"
    (out / "shop" / "app.py").write_text("# mine\n")
    (out / "shop" / "notes.txt").write_text("kept\n")
    again = client.post("/api/write?name=shop&framework=flask&middleware=cors", headers=SAME_ORIGIN)
    assert again.status_code == 409
    assert again.json["exists"] is True
    assert "already exists" in again.json["error"]
    assert (out / "shop" / "app.py").read_text() == "# mine\n"
    forced = client.post(
        "/api/write?name=shop&framework=flask&middleware=cors&force=true", headers=SAME_ORIGIN
    )
    assert forced.status_code == 200
    assert "CORS" in (out / "shop" / "app.py").read_text()
    assert (out / "shop" / "notes.txt").read_text() == "kept\n"


def test_bad_input_writes_nothing(client, out):
    answer = client.post("/api/write?name=shop&middleware=corz", headers=SAME_ORIGIN)
    assert answer.status_code == 400
    assert answer.json["error"].startswith("middleware 'corz' is unknown")
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("name", ["../escape", "/tmp/escape", "..", "a/../../escape"])
def test_a_name_never_writes_outside_out(client, out, name):
    answer = client.post("/api/write", query_string={"name": name}, headers=SAME_ORIGIN)
    assert answer.status_code == 400
    assert answer.json["error"] == (
        f"name {name!r} is a path; give a plain name, the folder is --output-dir"
    )
    assert sorted(out.parent.iterdir()) == [out]
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("force", ["false", "true"])
def test_a_symlink_under_out_never_leads_a_write_outside(client, out, tmp_path, force):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "shop").symlink_to(elsewhere)
    answer = client.post(
        "/api/write",
        query_string={"name": "shop", "framework": "flask", "force": force},
        headers=SAME_ORIGIN,
    )
    assert answer.status_code == 409
    assert answer.json == {
        "error": f"'shop' would be written outside {str(out)!r}",
        "exists": False,  # no confirmation can let it through
    }
    assert list(elsewhere.iterdir()) == []
    assert [path.name for path in out.iterdir()] == ["shop"]


def test_a_file_in_the_way_is_not_offered_for_replacing(client, out):
    (out / "shop").write_text("mine\n")
    answer = client.post("/api/write?name=shop&framework=flask", headers=SAME_ORIGIN)
    assert answer.status_code == 409
    assert answer.json["exists"] is False
    assert answer.json["error"].startswith(f"output folder {str(out / 'shop')!r} is a file")
    assert (out / "shop").read_text() == "mine\n"


def test_without_out_the_page_cannot_write(out):
    app = create_app(port=PORT, token=TOKEN, out=None)
    app.test_client_class = LocalClient
    answer = app.test_client().post("/api/write?name=shop", headers=SAME_ORIGIN)
    assert answer.status_code == 403
    assert answer.json["error"] == "writing needs a folder: start with dualgen ui --out DIR"


def test_the_token_link_sets_a_strict_cookie_and_leaves_the_url(client, out):
    answer = client.get(f"/?token={TOKEN}&name=shop")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/?name=shop"
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"dualgen-ui-{PORT}={TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    written = client.post("/api/write?name=shop", headers={"Origin": BASE})
    assert written.status_code == 200


def test_a_wrong_token_link_sets_no_cookie(client, out):
    answer = client.get("/?token=guess")
    assert answer.status_code == 303
    assert "Set-Cookie" not in answer.headers
    assert client.post("/api/write?name=shop", headers={"Origin": BASE}).status_code == 403


@pytest.mark.parametrize("path", [*PATHS, "/static/ui.js", "/nowhere"])
def test_every_answer_has_the_csp_and_no_cors_header(client, path):
    for method in ("GET", "OPTIONS"):
        headers = {
            "Origin": "http://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "X-Dualgen-Token",
        }
        with client.open(path, method=method, headers=headers) as answer:
            answer.get_data()
        assert answer.headers["Content-Security-Policy"] == CSP
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert not [h for h in answer.headers.keys() if h.lower().startswith("access-control")]


def test_the_csp_allows_nothing_but_this_server():
    directives = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert "unsafe" not in CSP
