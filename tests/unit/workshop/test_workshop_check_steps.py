"""How `dualgen check` plans and reports a step's checks (generator/workshop/check.py), without
starting a server: the server starts each step needs and the checks each start serves, a start
that failed, and a report's texts made safe for a terminal. What runs a participant's server is
tested in tests/integration/test_workshop_check.py."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator.bounds import Violation
from generator.errors import RunError
from generator.workshop import check as checking
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


# -- check_steps with the runner standing in: what it installs, starts and sends ---------------


class Runner:
    """Stands in for generator.runner (install, serve, free_port) and for the two functions that
    talk to a live project (_run, _tests), recording what each is given. `fail` starts fail,
    `broken` fails the install, `late` lets the deadline pass while a start fails."""

    def __init__(self, monkeypatch, framework="flask", python=None, fail=0, broken="", late=False):
        import contextlib
        from types import SimpleNamespace

        from generator.runner import Installed

        self.installed = Installed(framework, {}, python=python)
        self.installs: list[tuple[Path, bool]] = []
        self.starts: list[dict[str, object]] = []
        self.sent: list[tuple[str, str, str, bool, bool]] = []
        self.tests: list[tuple[Path, str, bool]] = []
        self.bounds = None

        def install(project, bounds):
            self.installs.append((project, bounds is not None))
            self.bounds = bounds
            if broken:
                raise RunError(broken)
            return self.installed

        @contextlib.contextmanager
        def serve(project, *, installed, port, production, timeout, env, command):
            self.starts.append(
                dict(project=project, installed=installed is self.installed, port=port,
                     production=production, timeout=timeout, env=env, command=tuple(command))
            )  # fmt: skip
            if len(self.starts) <= fail:
                if late:
                    self.bounds.deadline = 0.0  # the start took the time that was left
                raise RunError("the server exited with code 1 before listening; its output:\nboom")
            yield SimpleNamespace(url=f"http://127.0.0.1:{port}/", port=port)

        def run(check, url, hint, session, bounds):
            self.sent.append((check.name, url, hint, session is not None, bounds is self.bounds))
            return Outcome(check.name, "ok", hint=hint)

        def tests(project, hint, bounds):
            self.tests.append((project, hint, bounds is self.bounds))
            return Outcome("tests", "ok")

        monkeypatch.setattr(checking.runner, "install", install)
        monkeypatch.setattr(checking.runner, "serve", serve)
        monkeypatch.setattr(checking.runner, "free_port", lambda: 8123)
        monkeypatch.setattr(checking, "_run", run)
        monkeypatch.setattr(checking, "_tests", tests)
        self.ready: list[str] = []
        monkeypatch.setattr(
            checking.live, "ready", lambda session, url, limit: self.ready.append(url)
        )


#: Two steps with their own hints: the second adds a production server and a rate limit of
#: 1000 requests, more than a check sends for one exchange (generator.verify.MAX_REQUESTS).
HINTED = workshops.parse_workshop(
    {
        "title": "T",
        "steps": [
            {
                "id": "one",
                "title": "One",
                "explanation": "Text.",
                "change": {"tests": True},
                "hints": {"GET /": "A", "tests": "A"},
            },
            {
                "id": "two",
                "title": "Two",
                "explanation": "Text.",
                "change": {
                    "production-server": True,
                    "add-middleware": ["rate-limit"],
                    "settings": {"rate-limit": {"max": 1000}},
                },
                "hints": {"GET /": "B", "tests": "B"},
            },
        ],
    },
    "w",
    reference="w.yaml",
)


@pytest.fixture
def flask_project(tmp_path) -> Path:
    (tmp_path / "requirements.txt").write_text("flask\n", encoding="utf-8")
    (tmp_path / "app.py").write_text("app = 1\n", encoding="utf-8")
    return tmp_path


def test_a_classic_express_step_starts_npm_on_the_article_s_port(tmp_path, monkeypatch):
    (tmp_path / "package.json").write_text('{"name": "p"}', encoding="utf-8")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    fake = Runner(monkeypatch, framework="express")
    [report] = checking.check_steps(WORKSHOP, [1], tmp_path)
    assert fake.installs == [(tmp_path, True)]
    assert fake.starts == [
        dict(project=tmp_path, installed=True, port=3000, production=False, timeout=30.0,
             env={"PORT": "3000", "HOST": "127.0.0.1"}, command=("npm", "start"))
    ]  # fmt: skip
    hint = WORKSHOP.steps[0].hints["GET /"]
    assert fake.sent == [("GET /", "http://127.0.0.1:3000/", hint, True, True)]
    assert (report.label, report.framework, report.command) == (
        str(tmp_path),
        "express",
        "npm start",
    )
    assert [(o.name, o.state, o.sent) for o in report.outcomes] == [
        ("start", "ok", ["PORT=3000 HOST=127.0.0.1 npm start"]),
        ("GET /", "ok", []),
    ]


def test_each_step_gets_its_own_hints_and_checks_it_cannot_send_are_skipped(
    flask_project, monkeypatch
):
    fake = Runner(monkeypatch)
    before = time.monotonic()
    one, two = checking.check_steps(HINTED, [1, 2], flask_project, timeout=5.0)
    started = [
        (s["port"], s["production"], s["timeout"], s["env"], s["command"]) for s in fake.starts
    ]
    env = {
        "PORT": "8123",
        "HOST": "127.0.0.1",
        "FLASK_RUN_PORT": "8123",
        "FLASK_RUN_HOST": "127.0.0.1",
    }
    assert started == [
        (8123, False, 5.0, env, ("python", "-m", "flask", "--app", "app", "run")),
        (8123, True, 5.0, env | {"WEB_CONCURRENCY": "1"}, ("python", "-m", "gunicorn", "app:app")),
    ]
    assert [(name, hint) for name, _, hint, _, _ in fake.sent if name == "GET /"] == [
        ("GET /", "A"),
        ("GET /", "B"),
    ]
    assert fake.tests == [(flask_project, "", True)]
    assert [(o.name, o.hint) for o in one.outcomes[-1:] + two.outcomes[-1:]] == [
        ("tests", "A"),
        ("tests", "B"),
    ]
    skipped = [o for o in two.outcomes if o.state == "skip"]
    assert skipped == [
        Outcome(
            "rate limit: request 1001 in the window",
            "skip",
            problems=["it takes 1001 requests; verify sends at most 1000 for one exchange"],
        )
    ]
    assert 0 <= one.seconds <= two.seconds <= time.monotonic() - before


def test_an_install_that_fails_fails_every_step_s_start(flask_project, monkeypatch):
    fake = Runner(monkeypatch, broken="pip install failed; its output:\nno such package\n")
    one, two = checking.check_steps(HINTED, [1, 2], flask_project)
    assert fake.starts == []
    for report, states in ((one, {"not run"}), (two, {"not run", "skip"})):
        start = report.outcomes[0]
        assert (start.state, start.problems, start.received) == (
            "fail",
            ["pip install failed"],
            ["no such package"],
        )
        assert {o.state for o in report.outcomes[1:-1]} == states


def test_a_step_whose_first_start_failed_is_not_started_again(flask_project, monkeypatch):
    fake = Runner(monkeypatch, fail=1)
    [report] = checking.check_steps(LIMITED, [2], flask_project)
    assert len(fake.starts) == 1
    assert report.outcomes[0].problems == ["the server exited with code 1 before listening"]
    assert {o.state for o in report.outcomes[1:]} == {"not run"}


@pytest.mark.parametrize("late", [False, True], ids=["before-the-start", "during-the-start"])
def test_a_start_past_the_deadline_is_a_violation(late, flask_project, monkeypatch):
    Runner(monkeypatch, fail=1, late=late)
    with pytest.raises(Violation) as error:
        checking.check_steps(WORKSHOP, [2], flask_project, deadline=600.0 if late else 0.0)
    seconds = 600 if late else 0
    assert str(error.value) == f"past the deadline of {seconds} s (starting the server)"


def test_a_step_with_a_resource_gets_servers_of_its_own_and_one_for_its_live_checks(tmp_path):
    """A resource's exchanges begin with an empty list: no other step's may come before them
    on one server; the live checks (streams, a restart) start a server of their own."""
    reports, starts, left = _plan(WORKSHOP, [7, 8, 9], tmp_path, "flask", "")
    shape = {
        key: [(report.step.number, len(checks), checks[0].name) for report, checks in served]
        for key, served in starts.items()
    }
    assert shape == {
        (True, False, False, 0, 0): [(7, 11, "GET /")],
        (True, False, False, 8, 0): [(8, 31, "GET /")],
        (True, False, False, 8, -1): [(8, 1, "resource /items: kept across a restart")],
        (True, False, False, 9, 0): [(9, 39, "GET /")],
        (True, False, False, 9, -1): [(9, 4, "event stream: opens at once")],
    }
    assert [report.command for report in reports] == ["gunicorn app:app"] * 3
    assert [left[id(report)] for report in reports] == [[], [], []]
