"""A recorded answer file written by hand (fixed text, not the spec's own writing of it) renders
the settings it says and records them again; the debug guard holds on the command line both ways.
"""

from __future__ import annotations

import pytest

from generator import spec
from generator.project import load_project
from tests.helpers import run_main

ANSWERS = """\
name: settings-shop
middleware: [proxy, cors, rate-limit, json-body]
settings:
  proxy:
    hops: 2
  cors:
    origins: [https://shop.example, "http://localhost:8080"]
  rate-limit:
    max: 5
    window: 30
    ipv6-subnet: 48
  json-body:
    limit: 2048
"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hand-written")
    (folder / "answers.yaml").write_text(ANSWERS)
    code, err = run_main(
        "new", "both", "--answers", str(folder / "answers.yaml"), "--no-input", "-o", str(folder)
    )
    assert code == 0, err
    return folder


def test_the_flask_project_holds_each_setting(rendered):
    app = (rendered / "settings-shop-flask" / "app.py").read_text()
    assert "    MAX_CONTENT_LENGTH=2048,\n" in app
    assert "app.wsgi_app = ProxyFix(app.wsgi_app, x_for=2, x_proto=2, x_host=2)\n" in app
    assert "cors = CORS(origins=['https://shop.example', 'http://localhost:8080'])\n" in app
    assert "    application_limits=['5 per 30 seconds'],\n" in app
    assert "        return str(ipaddress.ip_network(f'{address}/48', strict=False))\n" in app


def test_the_express_project_holds_each_setting(rendered):
    app = (rendered / "settings-shop-express" / "app.js").read_text()
    assert "app.set('trust proxy', 2);\n" in app
    assert "const CORS_ORIGINS = ['https://shop.example', 'http://localhost:8080'];\n" in app
    assert "    windowMs: 30 * 1000,\n    limit: 5,\n" in app
    assert "    ipv6Subnet: 48,\n" in app
    assert "app.use(express.json({ limit: 2048 }));\n" in app


@pytest.mark.parametrize("framework", ["flask", "express"])
def test_the_recorded_answers_say_the_same_settings(framework, rendered):
    built, found = load_project(rendered / f"settings-shop-{framework}")
    assert found == framework
    assert built.settings == {
        "proxy": {"hops": 2},
        "cors": {"origins": ("https://shop.example", "http://localhost:8080")},
        "rate-limit": {"max": 5, "window": 30, "storage": "memory://", "ipv6-subnet": 48},
        "json-body": {"limit": 2048},
    }
    recorded = spec.load_answers(rendered / f"settings-shop-{framework}" / ".dualgen.yaml")
    assert recorded["settings"] == {
        "proxy": {"hops": 2},
        "cors": {"origins": ["https://shop.example", "http://localhost:8080"]},
        "rate-limit": {"max": 5, "window": 30, "storage": "memory://", "ipv6-subnet": 48},
        "json-body": {"limit": 2048},
    }


@pytest.mark.parametrize("host", ["api.example.com", "0.0.0.0", "10.1.2.3", "::"])
def test_debug_on_a_public_host_is_refused_on_the_command_line(host, tmp_path):
    code, err = run_main(
        "new", "flask", "--debug", "--host", host, "--no-input", "-o", str(tmp_path)
    )
    assert code == 2
    assert err == (
        f"dualgen: error: debug with host {host!r} would expose the debugger to the network; "
        "use debug only with 127.0.0.1 or localhost\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1"])
def test_debug_on_loopback_is_accepted_on_the_command_line(host, tmp_path):
    code, err = run_main(
        "new", "flask", "--debug", "--host", host, "--no-input", "-o", str(tmp_path)
    )
    assert code == 0, err
    recorded = spec.load_answers(tmp_path / "hello" / ".dualgen.yaml")
    assert (recorded["host"], recorded["debug"]) == (host, True)
