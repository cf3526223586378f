"""The plan of verify's checks, without servers: every exchange runs, each start stays under the
rate limit, what cannot be checked says so, and an over-limit body is never built in memory."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from generator import contract as exchanges
from generator import spec
from generator.errors import UsageError
from generator.verify import MAX_REQUESTS, Verification, _check_production, _plan_notes, plan


def limited(max_requests: int, **more) -> spec.ProjectSpec:
    return spec.build(
        {
            "middleware": ["rate-limit", "json-body", "error-handlers", "request-id"],
            "settings": {"rate-limit": {"max": max_requests}, **more},
            "routes": [
                {"method": "GET", "path": "/items/{id:int}"},
                {"method": "POST", "path": "/items", "status": 201},
            ],
        }
    )


@pytest.mark.parametrize("max_requests", [1, 2, 3, 5, 100], ids=lambda n: f"max-{n}")
def test_every_exchange_is_planned_under_a_small_rate_limit(max_requests):
    built = limited(max_requests)
    contract = exchanges.exchanges(built)
    names = [exchange.name for exchange in contract]
    assert "malformed JSON body" in names
    assert "JSON body over 102400 bytes" in names
    assert "request id echoed" in names
    starts, left_out = plan(built)
    assert [e for batch in starts for e in batch] == contract
    assert left_out == []
    exceeding = contract[-1]
    assert exceeding.repeat == max_requests + 1
    assert starts[-1][-1] == exceeding
    for batch in starts:
        counted = [e for e in batch if e != exceeding]
        assert sum(e.repeat for e in counted) <= max_requests, [e.name for e in batch]
    assert len(starts) == -(-(len(contract) - 1) // max_requests)


def test_a_limit_too_large_to_exceed_is_reported_not_checked():
    built = limited(1_000_000)
    starts, left_out = plan(built)
    assert [check.exchange.name for check in left_out] == [
        "rate limit: request 1000001 in the window"
    ]
    assert left_out[0].skipped == (
        f"it takes 1000001 requests; verify sends at most {MAX_REQUESTS} for one exchange"
    )
    assert len(starts) == 1
    assert "rate limit: headers" in [exchange.name for exchange in starts[0]]


def test_an_over_limit_body_is_streamed_not_built():
    limit = 1 << 30
    built = limited(5, **{"json-body": {"limit": limit}})
    tracemalloc.start()
    try:
        over = next(e for e in exchanges.exchanges(built) if e.status == 413)
        sizes = [len(chunk) for chunk in over.body]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(over.body) == sum(sizes) == limit + len(b'{"data": ""}')
    assert max(sizes) <= 1 << 20
    assert peak < 16 << 20, f"{peak} bytes allocated"


def test_a_small_over_limit_body_is_the_json_it_was():
    built = limited(5, **{"json-body": {"limit": 5}})
    over = next(e for e in exchanges.exchanges(built) if e.status == 413)
    assert b"".join(over.body) == b'{"data": "xxxxx"}'
    assert json.loads(b"".join(over.body)) == {"data": "xxxxx"}


@pytest.mark.parametrize(
    ("passed", "failed", "told"),
    [
        pytest.param(1, 0, "1 exchange passed;", id="one-passed"),
        pytest.param(2, 0, "2 exchanges passed;", id="two-passed"),
        pytest.param(0, 1, "1 of 1 exchange failed.", id="one-of-one-failed"),
        pytest.param(1, 1, "1 of 2 exchanges failed.", id="one-of-two-failed"),
    ],
)
def test_verify_counts_in_the_singular_too(passed, failed, told, tmp_path):
    from generator.verify import Check, Verification

    hello = exchanges.exchanges(spec.build({}))[0]
    checks = [Check(hello)] * passed + [Check(hello, problems=["wrong"])] * failed
    result = Verification(tmp_path, "flask", spec.build({}), checks=checks)
    # a verification that passed has a summary; one that failed, a complaint
    assert (result.complaint().strip() if failed else result.summary()).startswith(told)


def test_without_a_rate_limit_every_exchange_runs_on_one_start():
    routes = [{"method": "GET", "path": f"/r{n}"} for n in range(120)]
    built = spec.build({"middleware": ["request-id"], "routes": routes})
    starts, left_out = plan(built)
    assert len(starts) == 1 and left_out == []
    assert len(starts[0]) == len(exchanges.exchanges(built)) == 125


def test_what_follows_a_limit_too_large_to_exceed_is_still_planned():
    built = spec.build(
        {"middleware": ["health", "rate-limit"], "settings": {"rate-limit": {"max": 1000}}}
    )
    starts, left_out = plan(built)
    assert [check.exchange.name for check in left_out] == ["rate limit: request 1001 in the window"]
    assert [e.name for e in starts[-1]][-1] == "health check: past the rate limit"


def notes_of(built: spec.ProjectSpec, env: dict[str, str], starts: int) -> tuple[list, list]:
    """What _plan_notes records and tells its observer."""
    result, heard = Verification(Path("p"), "flask", built), []
    _plan_notes(result, lambda event, value: heard.append((event, value)), env, starts)
    return result.notes, heard


def test_the_plan_says_why_it_runs_one_worker_and_several_starts():
    notes, heard = notes_of(limited(5), {"WEB_CONCURRENCY": "1"}, 2)
    assert notes == [
        "rate limits count per worker; checking with WEB_CONCURRENCY=1",
        "a rate limit of 5: 2 server starts, so that every exchange is checked",
    ]
    assert heard == [("note", note) for note in notes]


def test_one_start_and_the_workers_as_they_are_need_no_note():
    assert notes_of(limited(5), {}, 1) == ([], [])
    assert notes_of(limited(5), {"OTHER": "1"}, 1) == ([], [])


def test_production_is_refused_without_a_production_server():
    plain = spec.build({"middleware": ["health"]})
    _check_production(Path("p"), plain, production=False)
    _check_production(Path("p"), spec.build({"production-server": True}), production=True)
    with pytest.raises(UsageError) as refused:
        _check_production(Path("shop-flask"), plain, production=True)
    assert str(refused.value) == (
        "shop-flask has no production server (production-server was not chosen); "
        "verify it without --production"
    )
