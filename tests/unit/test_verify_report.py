"""What verify reports, without servers: each check's verdict, the summary, the complaint, the
progress lines, and the checks the time budget leaves out."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from generator import spec, verify
from generator.contract import Exchange
from generator.verify import Check, Verification, describe

EXCHANGE = Exchange("hello", "GET", "/", 200)


def report(*checks: Check, **more) -> Verification:
    return Verification(Path("p"), "flask", spec.build({}), checks=list(checks), **more)


def test_a_check_is_ok_only_when_checked_without_problems():
    assert Check(EXCHANGE).ok is True
    assert Check(EXCHANGE, problems=["status 500, expected 200"]).ok is False
    assert Check(EXCHANGE, skipped="no time").ok is False
    assert (Check(EXCHANGE).problems, Check(EXCHANGE).skipped, Check(EXCHANGE).response) == (
        [],
        None,
        None,
    )


def test_checks_are_sorted_into_passed_failed_and_skipped():
    passed, failed, skipped = Check(EXCHANGE), Check(EXCHANGE, ["x"]), Check(EXCHANGE, skipped="s")
    result = report(passed, failed, skipped)
    assert result.passed == [passed]
    assert result.failures == [failed]
    assert result.skipped == [skipped]
    assert result.ok is False
    assert report(passed, skipped).ok is True
    assert report(passed, out_of_time=True).ok is False
    assert report().ok is True


def test_a_verification_starts_empty_with_the_default_budget():
    result = report()
    assert (result.production, result.installed, result.notes, result.starts) == (
        False,
        None,
        [],
        [],
    )
    assert (result.seconds, result.output, result.budget, result.out_of_time) == (
        0.0,
        "",
        120.0,
        False,
    )
    assert (verify.MAX_REQUESTS, verify.DEFAULT_BUDGET, verify.REQUEST_TIMEOUT) == (
        1000,
        120.0,
        10.0,
    )


def test_the_summary_counts_what_passed_and_what_was_not_checked():
    assert report(Check(EXCHANGE), Check(EXCHANGE), seconds=1.234).summary() == (
        "2 exchanges passed; started, checked and stopped in 1.23 s"
    )
    assert report(Check(EXCHANGE), Check(EXCHANGE, skipped="s"), seconds=0.5).summary() == (
        "1 exchange passed, 1 not checked (see above); started, checked and stopped in 0.50 s"
    )


def test_the_complaint_shows_the_last_30_lines_of_output_when_exchanges_failed():
    output = "\n".join(f"line {n}" for n in range(1, 41)) + "\n\n"
    result = report(Check(EXCHANGE, ["x"]), Check(EXCHANGE), output=f"\n{output}")
    lines = "\n".join(f"line {n}" for n in range(11, 41))
    assert result.complaint() == f"\n1 of 2 exchanges failed. Server output:\n{lines}"


def test_the_complaint_names_the_budget_when_time_ran_out():
    result = report(Check(EXCHANGE), Check(EXCHANGE, skipped="s"), out_of_time=True, budget=2.5)
    assert result.complaint() == (
        "\nverify ran out of its 2.5 s budget: 1 of 2 exchanges was not checked; "
        "give --budget more seconds"
    )


@pytest.mark.parametrize(
    ("event", "value", "line"),
    [
        pytest.param("load", report(), "verify p (flask)", id="load"),
        pytest.param(
            "load", report(production=True), "verify p (flask, production)", id="load-production"
        ),
        pytest.param(
            "install",
            SimpleNamespace(reused=True, seconds=0.25),
            "  install  reused from the cache in 0.25 s",
            id="install-reused",
        ),
        pytest.param(
            "install",
            SimpleNamespace(reused=False, seconds=12),
            "  install  installed in 12.00 s",
            id="install-new",
        ),
        pytest.param(
            "start",
            SimpleNamespace(port=5001, timings={"start": 0.5}),
            "  start    listening on port 5001 after 0.50 s",
            id="start",
        ),
        pytest.param("note", "a note", "  note     a note", id="note"),
    ],
)
def test_progress_lines(event, value, line):
    assert describe(event, value) == line


def test_a_note_is_kept_and_heard():
    result, heard = report(), []
    verify._note(result, lambda event, value: heard.append((event, value)), "a note")
    assert result.notes == ["a note"]
    assert heard == [("note", "a note")]


def test_what_the_budget_leaves_out_is_each_reported():
    result, heard = report(), []
    batch = [EXCHANGE, Exchange("other", "GET", "/x", 200)]
    verify._skip_for_time(result, lambda event, value: heard.append((event, value)), batch, 1.5)
    assert result.out_of_time is True
    assert [(c.exchange.name, c.skipped) for c in result.checks] == [
        ("hello", "the time budget of 1.5 s ran out first"),
        ("other", "the time budget of 1.5 s ran out first"),
    ]
    assert heard == [("check", check) for check in result.checks]


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (ValueError("first\nsecond"), "first"),
        (ValueError("  \n"), "ValueError"),
        (ValueError("x" * 300), "x" * 200),
        (ValueError("\n  padded  \nmore"), "padded  "),
    ],
    ids=["two-lines", "blank", "long", "leading-blank"],
)
def test_an_error_is_shown_by_its_first_line(error, line):
    assert verify._first_line(error) == line


def test_the_complaint_counts_several_exchanges_not_checked_in_the_plural():
    result = report(
        Check(EXCHANGE, skipped="s"), Check(EXCHANGE, skipped="s"), out_of_time=True, budget=3
    )
    assert result.complaint() == (
        "\nverify ran out of its 3 s budget: 2 of 2 exchanges were not checked; "
        "give --budget more seconds"
    )


@pytest.mark.parametrize(
    ("framework", "answers", "line"),
    [
        pytest.param("flask", {}, "  install  flask==3.1.3 (pip)", id="flask"),
        pytest.param(
            "express",
            {"middleware": ["cors", "logging"]},
            "  install  express==5.3.0, morgan==1.12.1, cors==2.8.6 (npm)",
            id="express",
        ),
    ],
)
def test_the_install_line_names_the_pinned_packages_and_the_tool(framework, answers, line):
    result = Verification(Path("p"), framework, spec.build(answers))
    assert describe("installing", result) == line


@pytest.fixture
def silent_server():
    """A server that takes connections and never answers."""
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_a_wait_the_budget_cuts_short_is_not_checked_rather_than_failed(silent_server):
    import time

    result = report()
    batch = [EXCHANGE, Exchange("again", "GET", "/", 200)]
    deadline = time.monotonic() + 0.3
    verify._check_batch(result, lambda event, value: None, batch, silent_server, deadline, 1.5)
    assert [(check.skipped, check.problems) for check in result.checks] == [
        ("the time budget of 1.5 s ran out after 0 of 1 requests", []),
        ("the time budget of 1.5 s ran out first", []),
    ]
    assert result.out_of_time


def test_a_server_that_does_not_answer_within_the_request_timeout_fails(silent_server, monkeypatch):
    import time

    monkeypatch.setattr(verify, "REQUEST_TIMEOUT", 0.3)
    result = report()
    deadline = time.monotonic() + 60
    verify._check_batch(result, lambda event, value: None, [EXCHANGE], silent_server, deadline, 60)
    (check,) = result.checks
    assert check.skipped is None and not result.out_of_time
    assert check.problems[0].startswith("no answer: ") and "timed out" in check.problems[0]
