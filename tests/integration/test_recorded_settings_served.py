"""Settings written by hand in an answer file take effect on real servers, checked against fixed
numbers, never against the spec the code itself read: a spec that drops a setting fails here."""

from __future__ import annotations

import pytest
import requests

from generator import runner
from tests.helpers import run_dualgen
from tests.integration.test_server_security import FRAMEWORKS

ANSWERS = """\
name: settings-shop
middleware: [cors, rate-limit, json-body]
settings:
  cors:
    origins: [https://shop.example, "http://localhost:8080"]
  rate-limit:
    max: 5
    window: 30
  json-body:
    limit: 2048
routes:
  - {method: POST, path: /items, status: 201}
"""


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    folder = tmp_path_factory.mktemp("recorded-settings")
    (folder / "answers.yaml").write_text(ANSWERS)
    result = run_dualgen(
        "new", "both", "--answers", "answers.yaml", "--no-input", "-o", "out", cwd=folder
    )
    assert result.returncode == 0, result.stderr
    return {framework: folder / "out" / f"settings-shop-{framework}" for framework in FRAMEWORKS}


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_hand_written_answer_file_sets_the_limits_and_origins(framework, projects):
    with runner.serve(projects[framework]) as server:
        base = server.url.rstrip("/")
        first = requests.get(base + "/", headers={"Origin": "https://shop.example"}, timeout=10)
        second = requests.get(base + "/", headers={"Origin": "http://localhost:8080"}, timeout=10)
        at_limit, over = (
            requests.post(
                base + "/items",
                data=b'{"d": "' + b"x" * size + b'"}',
                headers={"Content-Type": "application/json"},
                timeout=10,
            )
            for size in (2039, 2040)
        )
        then = [requests.get(base + "/", timeout=10).status_code for _ in range(2)]

    assert first.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    assert second.headers["Access-Control-Allow-Origin"] == "http://localhost:8080"
    assert first.headers["X-RateLimit-Limit"] == "5"
    assert (len(at_limit.request.body), len(over.request.body)) == (2048, 2049)
    statuses = [first.status_code, second.status_code, at_limit.status_code, over.status_code]
    assert [*statuses, *then] == [200, 200, 201, 413, 200, 429]
