"""How `dualgen check` plans and reports a step's checks (generator/workshop/check.py), without
starting a server: the server starts each step needs and the checks each start serves, a start
that failed, and a report's texts made safe for a terminal. What runs a participant's server is
tested in tests/integration/test_workshop_check.py."""

from __future__ import annotations

from pathlib import Path

from generator.errors import RunError
from generator.workshop import load_workshop
from generator.workshop import model as workshops
from generator.workshop.check import Outcome, Report, _outcome, _plan, _start_failed, shown
from generator.workshop.contract import Check

WORKSHOP = load_workshop("flask-vs-express")
#: Step one as it is, and step two with a rate limit of two requests a window.
LIMITED = workshops.parse_workshop(
    {
        "title": "T",
        "steps": [
            {"id": "one", "title": "One", "explanation": "Text.", "hints": {"start": "Run it."}},
            {
                "id": "two",
                "title": "Two",
                "explanation": "Text.",
                "change": {
                    "add-middleware": ["rate-limit"],
                    "settings": {"rate-limit": {"max": 2}},
                },
            },
        ],
    },
    "w",
    reference="w.yaml",
)


def planned(starts) -> dict[tuple, list[tuple[int, list[str]]]]:
    return {
        key: [(report.step.number, [check.name for check in checks]) for report, checks in served]
        for key, served in starts.items()
    }


def test_a_rate_limited_step_gets_a_fresh_server_for_each_batch_of_its_checks(tmp_path):
    reports, starts, left = _plan(LIMITED, [1, 2], tmp_path, "flask", "")
    assert planned(starts) == {
        (False, False, False, 0, 0): [(1, ["GET /", "no X-Powered-By"])],
        (False, False, True, 2, 0): [(2, ["GET /", "no X-Powered-By"])],
        (False, False, True, 2, 1): [
            (2, ["rate limit: headers", "rate limit: request 3 in the window"])
        ],
    }
    assert [left[id(report)] for report in reports] == [[], []]
    assert [(r.label, r.project, r.framework, r.command) for r in reports] == [
        (str(tmp_path), tmp_path, "flask", "python app.py"),
        (str(tmp_path), tmp_path, "flask", "python app.py"),
    ]
    assert [r.outcomes for r in reports] == [
        [
            Outcome(
                "start",
                expected=["the server starts and listens on the port in PORT"],
                hint="Run it.",
            )
        ],
        [
            Outcome(
                "start",
                expected=["the server starts and listens on the port in PORT"],
                hint="Run it.",
            )
        ],
    ]


def test_steps_that_start_alike_share_a_start_and_a_classic_step_names_its_port(tmp_path):
    reports, starts, _ = _plan(WORKSHOP, [1, 2], str(tmp_path), "express", "Ada")
    assert planned(starts) == {
        (False, True, False, 0, 0): [(1, ["GET /"])],
        (False, False, False, 0, 0): [(2, ["GET /", "no X-Powered-By"])],
    }
    assert [(r.label, r.project, r.framework, r.command) for r in reports] == [
        ("Ada", tmp_path, "express", "npm start"),
        ("Ada", tmp_path, "express", "npm start"),
    ]
    start = reports[0].outcomes[0]
    assert (start.expected, start.hint) == (
        ["the server listens on port 3000"],
        WORKSHOP.steps[0].hints["start"],
    )


def report(*outcomes: Outcome, error: str = "") -> Report:
    return Report("me", Path("me"), WORKSHOP.step(1), outcomes=list(outcomes), error=error)


def test_a_failed_start_keeps_its_first_reason_and_the_last_12_lines_of_output():
    failed = report(Outcome("start"))
    output = "\n".join(f"line {n}" for n in range(1, 15))
    _start_failed(failed, RunError(f"the server exited with code 1; its output:\n{output}\n\n"))
    _start_failed(failed, RunError("another reason"))
    start = failed.outcomes[0]
    assert (start.state, start.problems) == ("fail", ["the server exited with code 1"])
    assert start.received == [f"line {n}" for n in range(3, 15)]


def test_a_check_that_did_not_run_is_named():
    check = Check("GET /", "GET", "/", 200)
    ran = Outcome("GET /", "fail")
    assert _outcome({}, check) == Outcome("GET /", "not run")
    assert _outcome({id(check): ran}, check) is ran


def test_what_a_project_wrote_is_shown_on_one_line_with_its_control_characters_visible():
    found = shown(
        Report(
            "a\tb\nc",
            Path("me"),
            WORKSHOP.step(1),
            outcomes=[Outcome("start", sent=["x\ty"], received=["\x1b[2J"], problems=["p\nq"])],
            error="bad\tvalue\nsecond line",
        )
    )
    assert (found.label, found.error) == ("a\\tb\\nc", "bad\\tvalue")
    outcome = found.outcomes[0]
    assert (outcome.sent, outcome.received, outcome.problems) == (
        ["x\\ty"],
        ["\\x1b[2J"],
        ["p\\nq"],
    )
