"""The health and proxy choices on real servers: what the exchanges cannot see (the access log)
and the edges of trusting X-Forwarded-For."""

from __future__ import annotations

import pytest
import requests

from generator import runner
from tests.integration.test_server_security import FRAMEWORKS, render_both, settled_log


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_health_checks_are_never_limited_or_logged(framework, tmp_path):
    project = render_both(tmp_path, "-m", "health,logging,rate-limit", "--set", "rate-limit.max=3")[
        framework
    ]
    with runner.serve(project) as server:
        base = server.url.rstrip("/")
        health = [requests.get(base + "/healthz", timeout=10) for _ in range(5)]
        limited = [requests.get(base + "/", timeout=10).status_code for _ in range(4)]
        after = requests.get(base + "/healthz", timeout=10)
        log = settled_log(server)

    assert [(r.status_code, r.json()) for r in health] == [(200, {"status": "ok"})] * 5
    assert limited == [200, 200, 200, 429]
    assert (after.status_code, after.json()) == (200, {"status": "ok"})
    assert "/healthz" not in log
    assert log.count("GET / ") == 4


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize(
    ("hops", "forwarded", "own_limit"),
    [
        pytest.param(0, "198.51.100.7", False, id="no-proxy-trusted"),
        pytest.param(1, "198.51.100.7", True, id="one-proxy"),
        pytest.param(2, "198.51.100.7, 10.0.0.1", True, id="two-proxies"),
    ],
)
def test_the_forwarded_client_has_a_limit_of_its_own_only_behind_trusted_proxies(
    framework, hops, forwarded, own_limit, tmp_path
):
    project = render_both(
        tmp_path,
        "-m",
        "proxy,rate-limit",
        "--set",
        "rate-limit.max=2",
        "--set",
        f"proxy.hops={hops}",
    )[framework]
    with runner.serve(project) as server:
        base = server.url.rstrip("/")
        used_up = [requests.get(base + "/", timeout=10).status_code for _ in range(3)]
        other = requests.get(base + "/", headers={"X-Forwarded-For": forwarded}, timeout=10)

    assert used_up == [200, 200, 429]
    assert other.status_code == (200 if own_limit else 429)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_client_cannot_dodge_its_limit_by_prepending_a_forged_address(framework, tmp_path):
    project = render_both(tmp_path, "-m", "proxy,rate-limit", "--set", "rate-limit.max=2")[
        framework
    ]
    via_proxy = {"X-Forwarded-For": "198.51.100.7"}
    forged = {"X-Forwarded-For": "203.0.113.50, 198.51.100.7"}
    with runner.serve(project) as server:
        base = server.url.rstrip("/")
        used_up = [
            requests.get(base + "/", headers=via_proxy, timeout=10).status_code for _ in range(3)
        ]
        dodging = requests.get(base + "/", headers=forged, timeout=10)

    assert used_up == [200, 200, 429]
    assert dodging.status_code == 429
