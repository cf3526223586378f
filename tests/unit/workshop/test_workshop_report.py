"""What `dualgen check` prints, from fixed outcomes: a participant's report, the class table, and
the lines that tell what was sent, expected and received. (The checks themselves run against
real servers in tests/integration/test_workshop_check.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.contract import Exchange, Padded
from generator.workshop import check as checking
from generator.workshop import load_workshop
from generator.workshop import report as reporting
from generator.workshop.check import Outcome, Report
from generator.workshop.contract import Check
from tests.helpers import response

WORKSHOP = load_workshop("flask-vs-express")
STEP = WORKSHOP.step(3)  # A route with a typed parameter


def coloured(text: str, **style: str) -> str:
    return f"<{style['fg']}>{text}</>"


def test_a_report_that_passes_lists_each_check_and_says_so():
    report = Report(
        "alice",
        Path("alice"),
        STEP,
        "flask",
        "python app.py",
        outcomes=[Outcome("start"), Outcome("GET /", "ok"), Outcome("limits", "skip")],
    )
    assert reporting.format_report(report, WORKSHOP) == (
        "Step 3 of 'Flask and Express, side by side': A route with a typed parameter\n"
        "alice: flask project, started with `python app.py`\n"
        "\n"
        "  ok    start\n"
        "  ok    GET /\n"
        "  skip  limits\n"
        "\n"
        "All 3 checks passed.\n"
    )
    assert reporting.format_report(report, WORKSHOP, coloured).endswith(
        "  <green>ok  </>  start\n"
        "  <green>ok  </>  GET /\n"
        "  <yellow>skip</>  limits\n"
        "\n"
        "<green>All 3 checks passed.</>\n"
    )


def test_a_failure_shows_what_was_sent_got_and_expected_with_the_hint_wrapped():
    failed = Outcome(
        "GET /users/x",
        "fail",
        sent=["GET /users/x", "Accept: */*"],
        received=["status 200, text/html", "body 'x' " + "y" * 120],
        expected=["status 404"],
        problems=["status 200, expected 404"],
        hint="Give the parameter a type: " + "an int converter turns a word away. " * 3,
    )
    report = Report(
        "bob",
        Path("bob"),
        STEP,
        "express",
        "npm start",
        outcomes=[
            Outcome("start", sent=["PORT=5000 python app.py"], expected=["it listens"]),
            failed,
            Outcome("GET /users/1", "not run", expected=["status 200"], hint="unused"),
        ],
    )
    hint = "Give the parameter a type: an int converter turns a word away. an int converter"
    assert reporting.format_report(report, WORKSHOP).splitlines() == [
        "Step 3 of 'Flask and Express, side by side': A route with a typed parameter",
        "bob: express project, started with `npm start`",
        "",
        "  ok    start",
        "  FAIL  GET /users/x",
        "        sent      GET /users/x",
        "                  Accept: */*",
        "        got       status 200, text/html",
        "                  body 'x' " + "y" * 72 + "…",  # clipped at 100 characters
        "        expected  status 404",
        "        problem   status 200, expected 404",
        "        hint      " + hint,  # wrapped at 82 characters, after the margin of 18
        "                  turns a word away. an int converter turns a word away.",
        "  --    GET /users/1  (not run: the server did not start)",
        "",
        "1 of 3 checks passed. Fix the first failure, then run `dualgen check --step 3` again.",
    ]
    marks = reporting.format_report(report, WORKSHOP, coloured).splitlines()
    assert (marks[4], marks[5], marks[-3]) == (
        "  <red>FAIL</>  GET /users/x",
        "        sent      GET /users/x",
        "  <yellow>--  </>  GET /users/1  (not run: the server did not start)",
    )


def test_a_long_problem_is_wrapped_whole_in_the_report_and_the_table():
    difference = "body differs at character 140: …'x" + "y" * 40 + "', expected …'x" + "z" * 40
    failed = Outcome("GET /", "fail", problems=[difference + "'"])
    report = Report("p", Path("p"), STEP, "flask", "python app.py", outcomes=[failed])
    lines = reporting.format_report(report, WORKSHOP).splitlines()[4:7]
    assert lines == [
        "        problem   body differs at character 140: …'x" + "y" * 40 + "',",
        "                  expected …'x" + "z" * 40 + "'",
        "",
    ]
    table = reporting.format_table([report], WORKSHOP).splitlines()[-2:]
    assert table == [
        "  p: 2 GET /: body differs at character 140: …'x" + "y" * 40 + "', expected",
        "      …'x" + "z" * 40 + "'",
    ]


def test_a_report_ends_with_a_line_break():
    report = Report("p", Path("p"), STEP, "flask", "python app.py", outcomes=[Outcome("start")])
    assert reporting.format_report(report, WORKSHOP).endswith("passed.\n")
    assert reporting.format_table([report], WORKSHOP).endswith("  1/1\n")


def test_a_hint_is_wrapped_at_82_characters():
    failed = Outcome("c", "fail", hint="a" * 82 + " b")
    report = Report("p", Path("p"), STEP, "flask", "python app.py", outcomes=[failed])
    assert reporting.format_report(report, WORKSHOP).splitlines()[4:6] == [
        "        hint      " + "a" * 82,
        "                  b",
    ]


def test_a_skipped_check_shows_why_but_no_hint():
    skipped = Outcome("limits", "skip", problems=["over 1000 requests"], hint="a hint")
    report = Report("c", Path("c"), STEP, "flask", "python app.py", outcomes=[skipped])
    assert reporting.format_report(report, WORKSHOP).splitlines()[3:5] == [
        "  skip  limits",
        "        problem   over 1000 requests",
    ]
    assert "hint" not in reporting.format_report(report, WORKSHOP)


def test_the_class_table_has_a_column_per_check_a_row_per_participant_and_the_failures():
    names = STEP.checks()
    everyone = [Outcome(name) for name in names]
    failing = [Outcome(name) for name in names]
    failing[2] = Outcome(names[2], "fail", problems=["status 500, expected 404", "more"])
    failing[3] = Outcome(names[3], "fail")
    reports = [
        Report("alice", Path("alice"), STEP, outcomes=everyone),
        Report("carol", Path("carol"), STEP, error="'carol' is neither a Flask nor an Express"),
        Report("a-long-participant-name", Path("x"), STEP, outcomes=failing[:-1]),
    ]
    numbers = " ".join(f"{n:>4}" for n in range(1, len(names) + 1))
    cells = ["  ok"] * len(names)
    bob = [*cells[:2], "FAIL", "FAIL", *cells[4:-1], "   -"]
    width = len("a-long-participant-name")
    assert reporting.format_table(reports, WORKSHOP) == "\n".join(
        [
            "Step 3 of 'Flask and Express, side by side': A route with a typed parameter",
            "",
            "Checks:",
            *(f"  {n:>2}  {name}" for n, name in enumerate(names, 1)),
            "",
            f"{'participant':<{width}}  {numbers}  passed",
            f"{'alice':<{width}}  {' '.join(cells)}  {len(names)}/{len(names)}",
            f"{'carol':<{width}}  error: 'carol' is neither a Flask nor an Express",
            f"a-long-participant-name  {' '.join(bob)}  {len(names) - 3}/{len(names) - 1}",
            "",
            "Failures (run `dualgen check --step 3 DIR` alone for the full report):",
            f"  a-long-participant-name: 3 {names[2]}: status 500, expected 404",
            f"  a-long-participant-name: 4 {names[3]}:",
            "",
        ]
    )


def test_the_class_table_is_at_least_12_wide_and_coloured_by_state():
    names = STEP.checks()
    outcomes = [Outcome(name) for name in names]
    outcomes[1] = Outcome(names[1], "fail", problems=["x"])
    reports = [
        Report("al", Path("al"), STEP, outcomes=outcomes[:-1]),
        Report("bo", Path("bo"), STEP, error="gone"),
    ]
    lines = reporting.format_table(reports, WORKSHOP, coloured).splitlines()
    ok, fail, missing = "  <green>ok</>", "<red>FAIL</>", "   <yellow>-</>"
    cells = [ok, fail, *[ok] * (len(names) - 3), missing]
    passed = f"{len(names) - 2}/{len(names) - 1}"
    assert lines[len(names) + 5] == "al            " + " ".join(cells) + "  " + passed
    assert lines[len(names) + 6] == "bo            <red>error: gone</>"
    assert lines[len(names) + 4].startswith("participant   ")
    alone = reporting.format_table(reports[:1], WORKSHOP).splitlines()
    assert alone[0] == "Step 3 of 'Flask and Express, side by side': A route with a typed parameter"


def test_an_exchange_is_told_as_sent_and_expected():
    exchange = Exchange(
        "create",
        "POST",
        "/users",
        201,
        request_headers={"Content-Type": "application/json"},
        body=b'{"name": "' + b"n" * 100 + b'"}',
        repeat=3,
        text="made",
        json={"id": 1},
        media_type="application/json",
        headers={"Location": "/users/1"},
        header_sets={"Vary": frozenset({"Origin", "Accept-Encoding"})},
        header_patterns={"X-Request-ID": "[0-9a-f]{32}"},
        absent=("X-Powered-By",),
    )
    assert reporting.sent_lines(exchange) == [
        "POST /users (3 times)",
        "Content-Type: application/json",
        'body \'{"name": "' + "n" * 90 + "'…",
    ]
    assert reporting.expected_lines(exchange) == [
        "status 201, application/json",
        "body 'made'",
        'JSON {"id": 1}',
        "Location: /users/1",
        "Vary: Accept-Encoding, Origin",
        "X-Request-ID: matching [0-9a-f]{32}",
        "no X-Powered-By header",
    ]
    twice = Exchange("again", "GET", "/", 200, repeat=2)
    assert reporting.sent_lines(twice) == ["GET / (2 times)"]
    plain = Exchange("home", "GET", "/", 200)
    assert (reporting.sent_lines(plain), reporting.expected_lines(plain)) == (
        ["GET /"],
        ["status 200"],
    )
    null = Exchange("nothing", "GET", "/", 200, json=None)
    assert reporting.expected_lines(null) == ["status 200", "JSON null"]
    big = Exchange("big", "POST", "/", 413, body=Padded(b'{"a": "', 1 << 20, b'"}'))
    assert reporting.sent_lines(big) == ["POST /", "a JSON body of 1048585 bytes"]


def test_an_answer_is_told_with_the_headers_the_exchange_looks_at():
    exchange = Exchange(
        "home",
        "GET",
        "/",
        200,
        headers={"Vary": "Origin"},
        header_sets={"Allow": frozenset({"GET"})},
        header_patterns={"vary": "x"},
        absent=("X-Powered-By",),
    )
    got = response(200, b"Hello", {"Content-Type": "text/plain", "Vary": "Origin"})
    assert reporting.received_lines(exchange, got) == [
        "status 200, text/plain",
        "body 'Hello'",
        "Vary: Origin",
        "no Allow header",
        "vary: Origin",
        "no X-Powered-By header",
    ]
    assert reporting.received_lines(Exchange("e", "GET", "/", 204), response(204)) == [
        "status 204, no Content-Type"
    ]


@pytest.mark.parametrize(
    ("content", "limit", "expected"),
    [
        (b"abc", 3, "'abc'"),
        (b"abcd", 3, "'abc'…"),
        (b"\xff\xfe", 100, "'\ufffd\ufffd'"),
        (b"x" * 100, 100, "'" + "x" * 100 + "'"),
        (b"x" * 101, 100, "'" + "x" * 100 + "'…"),
    ],
)
def test_a_body_is_shown_up_to_its_limit(content, limit, expected):
    assert reporting.shortened(content, limit) == expected


def test_defaults_and_lines_at_their_limits():
    assert reporting.shortened(b"y" * 101) == "'" + "y" * 100 + "'…"
    assert reporting._clip("x" * 100) == "x" * 100
    assert reporting._clip("x" * 101) == "x" * 99 + "…"
    assert reporting.first_line(OSError("first\nsecond")) == "first"
    assert reporting.first_line(OSError("  \n")) == "OSError"
    assert reporting.first_line(OSError("z" * 200)) == "z" * 160


def test_an_outcome_and_a_report_are_ok_by_their_states():
    assert [Outcome("c", state).ok for state in ("ok", "skip", "fail", "not run")] == [
        True,
        True,
        False,
        False,
    ]
    outcomes = [Outcome("a"), Outcome("b", "skip"), Outcome("c", "fail")]
    report = Report("p", Path("p"), STEP, outcomes=outcomes)
    assert (report.ok, report.passed) == (False, 2)
    assert Report("p", Path("p"), STEP, outcomes=outcomes[:2]).ok
    assert not Report("p", Path("p"), STEP, outcomes=outcomes[:2], error="gone").ok


class FakeRunner:
    """Stands in for generator.runner: records each server start; `fail` makes starts fail."""

    def __init__(self, monkeypatch, fail: int = 0):
        import contextlib
        from types import SimpleNamespace

        from generator.errors import RunError
        from generator.runner import Installed

        self.starts: list[tuple[bool, str, tuple[str, ...]]] = []
        self.sent: list[tuple[int, str, str]] = []
        self.tests = 0
        self.envs: list[dict[str, str]] = []

        @contextlib.contextmanager
        def serve(project, *, installed, port, production, timeout, env, command):
            self.starts.append((production, env["FLASK_RUN_PORT"], tuple(command)))
            self.envs.append(env)
            if len(self.starts) <= fail:
                raise RunError("the server exited with code 1 before listening; its output:\nboom")
            yield SimpleNamespace(url=f"http://127.0.0.1:{port}/", port=port)

        def run(check, url, hint, session, bounds):
            self.sent.append((len(self.starts), check.name, url))
            return Outcome(check.name, "ok", hint=hint)

        def tests(project, hint, bounds):
            self.tests += 1
            return Outcome("tests", "ok")

        installed = Installed("flask", {}, python=Path("/v/bin/python"))
        monkeypatch.setattr(checking.runner, "install", lambda project, bounds: installed)
        monkeypatch.setattr(checking.runner, "serve", serve)
        monkeypatch.setattr(checking.runner, "free_port", lambda: 8123)
        monkeypatch.setattr(checking, "_run", run)
        monkeypatch.setattr(checking, "_tests", tests)
        self.ready: list[tuple[int, float]] = []
        monkeypatch.setattr(
            checking.live,
            "ready",
            lambda session, url, limit: self.ready.append((len(self.starts), limit)),
        )


@pytest.fixture
def flask_project(tmp_path) -> Path:
    (tmp_path / "requirements.txt").write_text("flask\n", encoding="utf-8")
    (tmp_path / "app.py").write_text("app = 1\n", encoding="utf-8")
    return tmp_path


def test_steps_that_start_alike_share_one_start_and_the_tests_run_once(monkeypatch, flask_project):
    fake = FakeRunner(monkeypatch)
    reports = checking.check_steps(WORKSHOP, [3, 5, 6, 7], flask_project)
    dev = ("/v/bin/python", "-m", "flask", "--app", "app", "run")
    production = ("/v/bin/python", "-m", "gunicorn", "app:app")
    assert fake.starts == [(False, "8123", dev), (True, "8123", production)]
    assert fake.tests == 1
    assert [report.step.number for report in reports] == [3, 5, 6, 7]
    assert [report.command for report in reports] == ["flask --app app run"] * 3 + [
        "gunicorn app:app"
    ]
    for report in reports:  # every check of every step, in the step's order, once
        assert [outcome.name for outcome in report.outcomes] == report.step.checks()
        assert report.ok
    assert len(fake.sent) == sum(len(r.step.checks()) - 1 - (r.step.number >= 6) for r in reports)
    assert {start for start, _, _ in fake.sent} == {1, 2}
    assert reports[1].outcomes[0].sent == ["PORT=8123 HOST=127.0.0.1 flask --app app run"]
    assert reports[3].outcomes[0].received == ["listening on port 8123"]
    assert reports[2].outcomes[-1].hint == WORKSHOP.hint(6, "tests")
    assert fake.ready == [(2, 30.0)]  # a production server listens before its workers boot


def test_live_checks_get_starts_of_their_own_and_a_restart_keeps_the_database(
    monkeypatch, flask_project
):
    fake = FakeRunner(monkeypatch)
    calls: list[tuple[int, str, str]] = []

    def run(check, session, url, created):
        calls.append((len(fake.starts), "run", check.name))
        if check.restarts:
            created[id(check)] = {"id": 1}
        return ["POST /items answered status 404, expected 201"] if "opens" in check.name else []

    def after_restart(check, session, url, created):
        calls.append((len(fake.starts), "after", check.name))
        return [f"read {created[id(check)]}"]

    monkeypatch.setattr(checking.live, "run", run)
    monkeypatch.setattr(checking.live, "after_restart", after_restart)
    reports = checking.check_steps(WORKSHOP, [8, 9], flask_project)
    assert [production for production, _, _ in fake.starts] == [True] * 6
    urls = [env["DATABASE_URL"] for env in fake.envs]
    assert [urls.index(url) for url in urls] == [0, 1, 1, 3, 4, 4]
    assert all(url.startswith("sqlite:////") and url.endswith("/check.db") for url in urls)
    assert [env.get("WEB_CONCURRENCY") for env in fake.envs] == [None] * 3 + ["1"] * 3
    assert [start for start, _ in fake.ready] == [1, 2, 3, 4, 5, 6]
    restart = "resource /items: kept across a restart"
    assert calls == [
        (2, "run", restart),
        (3, "after", restart),
        (5, "run", "event stream: opens at once"),
        (5, "run", "event stream: a posted event arrives"),
        (5, "run", "event stream: resumes after Last-Event-ID"),
        (5, "run", restart),
        (6, "after", restart),
    ]
    for report in reports:
        assert [outcome.name for outcome in report.outcomes] == report.step.checks()
    live = {o.name: (o.state, o.problems) for o in reports[1].outcomes[-5:-1]}
    assert live == {
        "event stream: opens at once": ("fail", ["POST /items answered status 404, expected 201"]),
        "event stream: a posted event arrives": ("ok", []),
        "event stream: resumes after Last-Event-ID": ("ok", []),
        restart: ("fail", ["read {'id': 1}"]),
    }
    assert reports[0].outcomes[-2].hint == WORKSHOP.hint(8, restart)
    assert reports[0].outcomes[-2].sent[1] == (
        "the server stopped and started again, same DATABASE_URL"
    )
    assert reports[1].outcomes[-5].expected[0] == "status 200, Content-Type: text/event-stream"


def test_a_restart_check_whose_item_was_not_created_is_not_read_back(monkeypatch, flask_project):
    fake = FakeRunner(monkeypatch)
    monkeypatch.setattr(checking.live, "run", lambda check, session, url, created: ["no"])
    monkeypatch.setattr(
        checking.live, "after_restart", lambda *args: pytest.fail("read back without an item")
    )
    [report] = checking.check_steps(WORKSHOP, [8], flask_project)
    assert len(fake.starts) == 3
    assert (report.outcomes[-2].name, report.outcomes[-2].state) == (
        "resource /items: kept across a restart",
        "fail",
    )


def test_a_failed_start_fails_every_step_it_serves_and_runs_none_of_their_checks(
    monkeypatch, flask_project
):
    fake = FakeRunner(monkeypatch, fail=1)
    reports = checking.check_steps(WORKSHOP, [3, 4, 7], flask_project)
    assert len(fake.starts) == 2  # the production start is tried on its own
    assert [report.outcomes[0].state for report in reports] == ["fail", "fail", "ok"]
    assert reports[0].outcomes[0].problems == ["the server exited with code 1 before listening"]
    assert reports[0].outcomes[0].received == ["boom"]
    assert {o.state for o in reports[0].outcomes[1:] + reports[1].outcomes[1:]} == {"not run"}
    assert {start for start, _, _ in fake.sent} == {2}


def test_what_a_project_wrote_is_shown_with_its_control_characters_escaped():
    """A folder name and a server's output that clear the screen, retitle the window or forge a
    row: the report and the table show them as escapes, on the line they belong to."""
    step = WORKSHOP.step(3)
    start = Outcome("start", "fail", sent=["PORT=1 python app.py"])
    start.received = ["\x1b[2J\x1b]0;pwned\x07All checks passed.", "tab\there"]
    start.problems = ["the server exited with code 1 before listening"]
    report = checking.shown(
        Report("evil\x1b[2J\nfake  ok", Path("evil"), step, "flask", "python app.py", [start])
    )
    assert report.label == "evil\\x1b[2J\\nfake  ok"
    assert start.received == ["\\x1b[2J\\x1b]0;pwned\\x07All checks passed.", "tab\\there"]
    text = reporting.format_report(report, WORKSHOP) + reporting.format_table([report], WORKSHOP)
    assert "\x1b" not in text and "\x07" not in text
    assert "evil\\x1b[2J\\nfake  ok: flask project" in text
    failed = checking.shown(Report("b\x1b[2J", Path("b"), step, error="x\x1b[2J\nsecond"))
    assert (failed.label, failed.error) == ("b\\x1b[2J", "x\\x1b[2J")


def test_each_declared_difference_is_taught_at_the_step_where_it_first_applies():
    from generator.workshop.handout import differences

    taught = {
        step.number: [d.title for d in differences(WORKSHOP, step)] for step in WORKSHOP.steps
    }
    assert taught[1] == []  # the article's two programs, as written
    assert "a method the path has no route for" in taught[2]
    assert "error pages, without this choice" in taught[2]
    assert taught[3] == []
    assert taught[4] == ["JSON bodies at the edges of JSON", "the name of a 413, 414 or 416 error"]
    assert taught[5] == [
        "CORS headers on a request without Origin, or with one in capitals",
        "Vary: Origin on CORS answers",
    ]
    everything = [title for titles in taught.values() for title in titles]
    assert len(everything) == len(set(everything)), "each is taught once"


def test_an_error_s_other_standard_names_are_expected_too():
    check = Check(
        "big",
        "POST",
        "/users",
        413,
        json={"error": "Request Entity Too Large"},
        json_choices=({"error": "Payload Too Large"},),
    )
    assert reporting.expected_lines(check) == [
        "status 413",
        'JSON {"error": "Request Entity Too Large"}',
        '  or {"error": "Payload Too Large"}',
    ]


def test_a_cors_check_shows_the_header_a_browser_reads():
    check = Check("c", "GET", "/", 200, allowed_origin=True)
    got = response(200, b"", {"Access-Control-Allow-Origin": "*"})
    assert reporting.received_lines(check, got) == [
        "status 200, no Content-Type",
        "Access-Control-Allow-Origin: *",
    ]


def test_a_problem_is_wrapped_between_words_never_inside_a_hyphenated_one():
    line = "a" * 70 + " foo-bar-baz-qux"
    assert reporting._wrapped(line, " " * 18) == [" " * 18 + "a" * 70, " " * 18 + "foo-bar-baz-qux"]


def test_only_the_first_problem_is_titled():
    report = Report(
        "bob",
        Path("bob"),
        STEP,
        "flask",
        "python app.py",
        outcomes=[Outcome("GET /", "fail", problems=["one", "two"])],
    )
    assert reporting.format_report(report, WORKSHOP).splitlines()[3:6] == [
        "  FAIL  GET /",
        "        problem   one",
        "                  two",
    ]
