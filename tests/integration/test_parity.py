"""Parity: for every tested choice set, the Flask and the Express server answer the exchanges the
spec yields, identically; and each generated project's own tests pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import contract as exchanges
from generator import runner, spec, verify
from generator.contract.exchange import MISSING
from generator.contract.streams import skip_reason
from generator.render import render
from tests.combos import ALL_COMBOS as COMBOS
from tests.helpers import run_project_tests


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


def observation(check: verify.Check) -> tuple:
    """What an exchange saw: status, body, media type and the headers the contract names."""
    exchange, response = check.exchange, check.response
    if response is None:  # a stream step: no one answer, its problems (none when it passed)
        return (exchange.name, check.problems, check.skipped)
    # Compare what the contract pins: a body only where it names one (without the
    # error-handlers choice each framework keeps its own error page).
    media = response.headers.get("Content-Type", "").split(";")[0] if exchange.media_type else None
    body = None
    if exchange.text is not None:
        body = response.content
    elif exchange.json is not MISSING:
        body = json.loads(response.content)
        if body in exchange.json_alternatives:
            body = exchange.json  # an error's other standard name: declared
    names = [*exchange.headers, *exchange.header_sets, *exchange.absent]
    # Whatever else each sends, both refuse what the contract forbids (exchange.problems).
    headers = {n: response.headers.get(n) for n in names if n != "X-Request-ID"}
    for name in exchange.header_sets:  # lists whose order the frameworks choose
        headers[name] = sorted(item.strip() for item in headers[name].split(","))
    status = response.status_code
    if exchange.any_success and 200 <= status < 300:
        status = "2xx"  # a preflight: flask-cors answers 200, the cors package 204
    return (exchange.name, status, body, media, headers)


#: With events, verify checks the streams in five steps after the exchanges.
STREAM_STEPS = 5


def unchecked_or_failed(result: verify.Verification) -> list[tuple[str, object]]:
    """Every check that failed or was skipped, but for the stream steps a rate limit too low
    for the streams' scenario leaves unchecked (the streams combo's: verify says so)."""
    allowed = skip_reason(result.spec)
    return [
        (c.exchange.name, c.problems or c.skipped)
        for c in result.checks
        if not c.ok and not (allowed and c.skipped == allowed)
    ]


@pytest.mark.parametrize("combo", list(COMBOS), ids=list(COMBOS))
def test_both_servers_answer_the_contract_identically(combo, rendered):
    built, projects = rendered[combo]
    observed = {}
    for framework, project in projects.items():
        result = verify.verify(project)
        assert result.spec == built, "the project records the spec it was made from"
        assert not unchecked_or_failed(result), f"{framework}: {unchecked_or_failed(result)}"
        streams = STREAM_STEPS if "events" in built.middleware else 0
        assert len(result.checks) == len(exchanges.exchanges(built)) + streams, "every check ran"
        if "logging" in built.middleware:
            tiny = built.setting("logging", "format") == "tiny"
            line = "GET / 200" if tiny else '"method":"GET","path":"/","status":200,'
            assert line in result.output, f"{framework} logs each request:\n{result.output}"
        observed[framework] = [observation(check) for check in result.checks]
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
    _, projects = rendered[combo]
    for framework, project in projects.items():
        result = verify.verify(project, production=True)
        failures = unchecked_or_failed(result)
        assert not failures, f"{framework}: {failures}\n{result.output}"


@pytest.mark.parametrize(
    "combo",
    [name for name, answers in COMBOS.items() if "tests" in spec.build(answers).switches],
    ids=lambda name: name,
)
@pytest.mark.parametrize("framework", ["flask", "express"], ids=["flask", "express"])
def test_generated_projects_own_tests_pass(combo, framework, rendered):
    project = rendered[combo][1][framework]
    installed = runner.install(project, dev=True)
    result = run_project_tests(project, installed, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
