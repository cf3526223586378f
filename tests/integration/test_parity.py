"""Parity: for every tested choice set, the Flask and the Express server answer the exchanges the
spec yields, identically; and each generated project's own tests pass."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import requests

from generator import exchanges, runner, spec
from generator.render import render
from tests.combos import ALL_COMBOS as COMBOS


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, tuple[spec.ProjectSpec, dict[str, Path]]]:
    """Every combination rendered once, for both frameworks."""
    root = tmp_path_factory.mktemp("parity")
    result = {}
    for name, answers in COMBOS.items():
        built = spec.build(answers)
        flask, express = render(built, ("flask", "express"), root / name)
        result[name] = (built, {"flask": flask, "express": express})
    return result


def observe(contract: list[exchanges.Exchange], url: str) -> list[tuple]:
    """What each exchange saw: status, body, media type and the headers the contract names."""
    seen = []
    with requests.Session() as session:
        for exchange in contract:
            response = exchanges.send(session, exchange, url)
            problems = exchange.problems(response)
            # Compare what the contract pins: a body only where it names one (without the
            # error-handlers choice each framework keeps its own error page).
            media = (
                response.headers.get("Content-Type", "").split(";")[0]
                if exchange.media_type
                else None
            )
            body = None
            if exchange.text is not None:
                body = response.content
            elif exchange.json is not exchanges._MISSING:
                body = json.loads(response.content)
            names = [*exchange.headers, *exchange.header_sets, *exchange.absent]
            headers = {n: response.headers.get(n) for n in names if n != "X-Request-ID"}
            for name in exchange.header_sets:  # lists whose order the frameworks choose
                headers[name] = sorted(item.strip() for item in headers[name].split(","))
            seen.append((exchange.name, problems, response.status_code, body, media, headers))
    return seen


@pytest.mark.parametrize("combo", list(COMBOS), ids=list(COMBOS))
def test_both_servers_answer_the_contract_identically(combo, rendered):
    built, projects = rendered[combo]
    contract = exchanges.exchanges(built)
    observed = {}
    for framework, project in projects.items():
        installed = runner.install(project)
        port = built.port_for(framework) if built.classic else None
        with runner.serve(project, installed=installed, port=port) as server:
            observed[framework] = observe(contract, server.url)
            output = server.output(200)
        failures = [(name, problems) for name, problems, *_ in observed[framework] if problems]
        assert not failures, f"{framework}: {failures}\n{output}"
        if "logging" in built.middleware:
            assert "GET / 200" in output, f"{framework} logs one line per request:\n{output}"
    for flask_seen, express_seen in zip(observed["flask"], observed["express"], strict=True):
        assert flask_seen == express_seen


@pytest.mark.parametrize(
    "combo",
    [
        name
        for name, answers in COMBOS.items()
        if spec.build(answers).switches.count("production-server")
    ],
    ids=lambda name: name,
)
def test_production_servers_answer_the_contract(combo, rendered):
    built, projects = rendered[combo]
    contract = exchanges.exchanges(built)
    for framework, project in projects.items():
        installed = runner.install(project)
        # One worker: the in-memory rate limiter counts per process (see the catalog's note).
        with runner.serve(
            project, installed=installed, production=True, env={"WEB_CONCURRENCY": "1"}
        ) as server:
            results = exchanges.run(contract, server.url)
            output = server.output()
        failures = [(exchange.name, problems) for exchange, problems in results if problems]
        assert not failures, f"{framework}: {failures}\n{output}"


@pytest.mark.parametrize(
    "combo",
    [name for name, answers in COMBOS.items() if "tests" in spec.build(answers).switches],
    ids=lambda name: name,
)
@pytest.mark.parametrize("framework", ["flask", "express"], ids=["flask", "express"])
def test_generated_projects_own_tests_pass(combo, framework, rendered):
    project = rendered[combo][1][framework]
    installed = runner.install(project, dev=True)
    result = subprocess.run(
        installed.test_command(),
        cwd=project,
        env=installed.env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
