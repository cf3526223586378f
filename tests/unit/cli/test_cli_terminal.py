"""dualgen at a real terminal (a pseudo-terminal driven by pexpect): the questions `new` asks,
colour, and the width of what it prints. Fast: no servers."""

from __future__ import annotations

import io
import os
import re
import signal
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pexpect drives POSIX terminals")
pexpect = pytest.importorskip("pexpect") if sys.platform == "win32" else __import__("pexpect")

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def spawn(*args: str, cwd: Path, columns: int = 120, env: dict[str, str] | None = None):
    """`dualgen ARGS` in a terminal of `columns` columns, as a person runs it."""
    environment = {
        key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "COLUMNS")
    }
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    environment["TERM"] = "xterm"
    environment.update(env or {})
    return pexpect.spawn(
        sys.executable,
        ["-m", "generator", *args],
        cwd=str(cwd),
        env=environment,
        encoding="utf-8",
        timeout=10,
        dimensions=(40, columns),
    )


def converse(child, exchanges: list[tuple[str, str | None]]) -> None:
    """Wait for each question (a regex), then type the answer (None: only wait)."""
    for question, answer in exchanges:
        child.expect(question)
        if answer is not None:
            child.sendline(answer)


def finish(child) -> tuple[int, str]:
    child.expect(pexpect.EOF)
    output = child.before
    child.close()
    return child.exitstatus, output


def reading(child) -> None:
    """Wait until the child sleeps in its read of the terminal. A signal that comes after a
    question is printed but before Python's input() starts reading is only handled when the
    read returns (CPython checks for signals when a system call is interrupted); a person
    cannot be that quick, a test can."""
    import time

    import psutil

    deadline = time.monotonic() + 10
    while psutil.Process(child.pid).status() != psutil.STATUS_SLEEPING:
        assert time.monotonic() < deadline, "dualgen never waited for an answer"
        time.sleep(0.01)


def recorded(project: Path) -> dict:
    return yaml.safe_load((project / ".dualgen.yaml").read_text(encoding="utf-8"))


def test_every_choice_is_asked_and_a_bad_answer_is_asked_again_at_once(tmp_path):
    child = spawn("new", "flask", "-o", "out", cwd=tmp_path)
    converse(
        child,
        [
            (r"Project name \[hello\]: ", "../x"),
            (r"Error: name '\.\./x' is a path.*\r\nProject name \[hello\]: ", "Shop"),
            (r"4 - production: .*Choose from 1, 2, 3, 4 \[1\]: ", "9"),
            (r"Error: '9' is not one of 1, 2, 3, 4.*\r\nChoose from 1, 2, 3, 4 \[1\]: ", "3"),
            (r"Port \[5000\]: ", "99999"),
            (r"Error: port 99999 is not a number from 1 to 65535\r\nPort \[5000\]: ", "8080"),
            (r"Host \[127\.0\.0\.1\]: ", "bad host"),
            (r"Error: host 'bad host' is not .*\r\nHost \[127\.0\.0\.1\]: ", ""),
            (r"\[logging, cors, json-body,\s+error-handlers\]: ", "teleport"),
            (r"Error: middleware 'teleport' is unknown.*\r\nMiddleware .*: ", "-cors +rate-limit"),
            (r"Request logging, format: .* \[tiny\]: ", ""),
            (r"Rate limiting, max: .* \[100\]: ", "0"),
            (r"Error: rate-limit\.max 0 is out of range.*\r\nRate limiting, max: .*: ", "5"),
            (r"Rate limiting, window: .* \[60\]: ", ""),
            (r"Rate limiting, storage: .* \[memory://\]: ", ""),
            (r"Rate limiting, on-storage-error: .* \[open\]: ", ""),
            (r"Rate limiting, ipv6-subnet: .* \[56\]: ", ""),
            (r"JSON bodies, limit: .* \[102400\]: ", ""),
            (r"JSON bodies, depth: .* \[64\]: ", ""),
            (r"Routes so far: GET / \(Hello World\), GET /api/items, ", None),
            (r"\(blank when done\): ", "GET users"),
            (r"Error: route path 'users' must start with '/'.*\r\n.*done\): ", "GET /api/items"),
            (r"Error: route 'GET /api/items' duplicates .*\r\n.*done\): ", "GET /u"),
            (r"\(blank when done\): ", ""),
            (r"\.env file: .*\[y/N\]: ", "maybe"),
            (r"Error: invalid input\r\n\.env file: .*\[y/N\]: ", "y"),
            (r"Production server: .*\[y/N\]: ", ""),
            (r"Dockerfile: .*\[y/N\]: ", ""),
            (r"Tests: .*\[Y/n\]: ", ""),
            (r"Debug mode: .*\[y/N\]: ", ""),
        ],
    )
    code, output = finish(child)
    assert code == 0, output
    answers = recorded(tmp_path / "out" / "shop")
    assert answers["name"] == "Shop" and answers["port"] == 8080
    assert answers["host"] == "127.0.0.1" and answers["debug"] is False
    assert answers["middleware"] == ["logging", "rate-limit", "json-body", "error-handlers"]
    assert answers["settings"] == {
        "logging": {"format": "tiny"},
        "rate-limit": {
            "max": 5,
            "window": 60,
            "storage": "memory://",
            "on-storage-error": "open",
            "ipv6-subnet": 56,
        },
        "json-body": {"limit": 102400, "depth": 64},
    }
    assert [f"{route['method']} {route['path']}" for route in answers["routes"]] == [
        "GET /",
        "GET /api/items",
        "GET /api/items/{id:int}",
        "POST /api/items",
        "GET /u",
    ]
    assert (answers["env-file"], answers["production-server"], answers["tests"]) == (
        True,
        False,
        True,
    )


#: Flags that settle everything but the middleware and its settings.
SETTLED = (
    "--preset=api",
    "--port=8000",
    "--host=127.0.0.1",
    "--no-debug",
    "-r",
    "GET /x",
    "--no-env-file",
    "--no-production-server",
    "--no-docker",
    "--no-tests",
)


@pytest.mark.parametrize(
    ("typed", "middleware"),
    [
        pytest.param("cors", ["cors"], id="a-list-replaces"),
        pytest.param(
            "+static -logging,-json-body", ["cors", "static", "error-handlers"], id="edit"
        ),
        pytest.param("none", [], id="none"),
    ],
)
def test_the_middleware_list_can_be_replaced_added_to_and_removed_from(typed, middleware, tmp_path):
    child = spawn("new", "express", "shop", *SETTLED, cwd=tmp_path)
    converse(
        child,
        [(r"Middleware \(.*\) \[logging, cors, json-body, error-handlers\]: ", typed)]
        + [(r"CORS, origins: .*\s\[http://localhost:5173\]: ", "")] * ("cors" in middleware),
    )
    code, output = finish(child)
    assert code == 0, output
    assert recorded(tmp_path / "shop")["middleware"] == middleware


def test_a_setting_is_asked_with_its_kind_and_checked(tmp_path):
    child = spawn("new", "flask", "shop", *SETTLED, cwd=tmp_path)
    converse(
        child,
        [
            (r"Middleware .*: ", "cors"),
            (r"CORS, origins: .*\(comma-separated\)\s+\[http://localhost:5173\]: ", "ftp://x"),
            (
                r"Error: cors\.origins: 'ftp://x' is not an origin.*\r\nCORS, origins: .*: ",
                "https://a.example, https://b.example",
            ),
        ],
    )
    code, output = finish(child)
    assert code == 0, output
    assert recorded(tmp_path / "shop")["settings"] == {
        "cors": {"origins": ["https://a.example", "https://b.example"]}
    }


@pytest.mark.parametrize(
    ("key", "last_line"),
    [
        pytest.param("\x03", "dualgen: stopped by SIGINT", id="ctrl-c"),
        pytest.param("\x04", "dualgen: aborted", id="ctrl-d"),
    ],
)
def test_stopping_at_a_question_leaves_nothing_behind(key, last_line, tmp_path):
    child = spawn("new", "both", "-o", "out", cwd=tmp_path)
    converse(child, [(r"Project name .*: ", "shop"), (r"Choose from .*: ", "3")])
    child.expect(r"Port \[5000 for Flask, 3000 for Express\]: ")
    reading(child)
    child.send(key)
    code, output = finish(child)
    assert code == 130, output
    assert output.strip().splitlines()[-1] == last_line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("signum", "code"),
    [
        pytest.param(signal.SIGTERM, 143, id="SIGTERM"),
        pytest.param(signal.SIGHUP, 129, id="SIGHUP"),
    ],
)
def test_a_signal_at_a_question_is_one_line_and_128_plus_its_number(signum, code, tmp_path):
    child = spawn("new", "flask", "-o", "out", cwd=tmp_path)
    child.expect(r"Project name .*: ")
    reading(child)
    child.kill(signum)
    status, output = finish(child)
    assert status == code, output
    assert output.strip().splitlines()[-1] == f"dualgen: stopped by {signum.name}"
    assert list(tmp_path.iterdir()) == []


def test_the_classic_preset_asks_nothing_more(tmp_path):
    child = spawn("new", "flask", cwd=tmp_path)
    converse(child, [(r"Project name .*: ", ""), (r"Choose from .*: ", "classic")])
    code, output = finish(child)
    assert code == 0, output
    assert "Created hello" in output
    assert recorded(tmp_path / "hello")["classic"] is True


def test_no_input_asks_nothing_at_a_terminal(tmp_path):
    code, output = finish(spawn("new", "flask", "--no-input", cwd=tmp_path))
    assert code == 0, output
    assert "?" not in output and "[" not in output


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        pytest.param([], {}, True, id="terminal"),
        pytest.param([], {"NO_COLOR": "1"}, False, id="NO_COLOR"),
        pytest.param(["--no-color"], {}, False, id="no-color"),
    ],
)
@pytest.mark.parametrize(
    "command",
    [pytest.param(["options"], id="options"), pytest.param(["compare"], id="compare")],
)
def test_colour_at_a_terminal_unless_the_user_says_no(command, args, env, coloured, tmp_path):
    code, output = finish(spawn(*command, *args, cwd=tmp_path, env=env))
    assert code == 0, output
    assert bool(ANSI.search(output)) is coloured


@pytest.mark.parametrize("columns", [80, 120], ids=["80", "120"])
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["compare", "--preset", "production"], id="compare"),
        pytest.param(["options"], id="options"),
        pytest.param(["diff", "express", "--to", "production"], id="diff"),
    ],
)
def test_output_fits_the_terminal_it_runs_in(command, columns, tmp_path):
    code, output = finish(spawn(*command, cwd=tmp_path, columns=columns))
    assert code == 0, output
    widths = [len(ANSI.sub("", line)) for line in output.split("\r\n")]
    assert max(widths) <= columns
    assert max(widths) > columns - 10  # and uses it


def test_an_answer_that_conflicts_with_a_flag_is_asked_again(tmp_path):
    flags = ["--debug", "--port=8000", "-m", "health", "-r", "GET /x", "--no-env-file"]
    child = spawn("new", "flask", "s", *flags, "--no-docker", "--no-tests", cwd=tmp_path)
    converse(
        child,
        [
            (r"Choose from .*: ", ""),
            (r"Host \[127\.0\.0\.1\]: ", "0.0.0.0"),
            (r"Error: host '0\.0\.0\.0' with --debug would expose .*\r\nHost .*: ", "localhost"),
            (r"Production server: .*\[y/N\]: ", "y"),
            (r"Error: production-server is refused with --debug.*\r\nProduction .*: ", "n"),
        ],
    )
    code, output = finish(child)
    assert code == 0, output
    answers = recorded(tmp_path / "s")
    assert (answers["host"], answers["debug"], answers["production-server"]) == (
        "localhost",
        True,
        False,
    )


def test_questions_and_errors_break_at_spaces_in_a_narrow_terminal(tmp_path):
    child = spawn("new", "flask", "shop", *SETTLED, cwd=tmp_path, columns=40)
    child.logfile_read = transcript = io.StringIO()
    converse(
        child,
        [
            (r"removes\) \[logging, cors,\s+json-body, error-handlers\]: ", "rate-limt"),
            (r"Error: middleware 'rate-limt' is\s+unknown; did you mean\s+'rate-limit'\?", None),
            (r"\r\nMiddleware \(a list replaces it;.*error-handlers\]: ", "logging"),
            (r"Request logging, format: .*\[tiny\]: ", ""),
        ],
    )
    code, _ = finish(child)
    assert code == 0, transcript.getvalue()
    asked = transcript.getvalue().split("[tiny]: ")[0]  # the questions, not the next steps
    lines = [re.sub(r": (rate-limt|logging)$", ": ", line) for line in asked.split("\r\n")]
    assert max(map(len, lines)) <= 40, [line for line in lines if len(line) > 40]
    for word in ("security-headers", "compression", "error-handlers]:", "'rate-limit'?"):
        assert any(word in line for line in lines), word  # never cut
    assert recorded(tmp_path / "shop")["middleware"] == ["logging"]


def test_an_error_at_a_narrow_terminal_breaks_at_spaces(tmp_path):
    code, output = finish(
        spawn("new", "flask", "x", "-m", "rate-limt", "--no-input", cwd=tmp_path, columns=40)
    )
    lines = output.strip().split("\r\n")
    assert code == 2
    assert lines[0] == "dualgen: error: middleware 'rate-limt'"
    assert max(map(len, lines)) <= 40, lines
    assert " ".join(line.strip() for line in lines).startswith(
        "dualgen: error: middleware 'rate-limt' is unknown; did you mean 'rate-limit'? allowed:"
    )
