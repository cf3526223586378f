"""dualgen bench --streams without servers: bad input, the answers it renders, and the table and
conclusions drawn from fixed figures."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from generator.bench import streams, streams_report
from generator.bench.streams import STREAM_SETUPS, StreamBench, StreamRun
from tests.helpers import ROOT, run_main


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--connections", "10,x"],
            "--connections '10,x' must be a comma-separated list of whole numbers from 1 to "
            "20000, e.g. 100,1000",
            id="not-a-number",
        ),
        pytest.param(
            ["--connections", "20001"],
            "--connections '20001' must be a comma-separated list of whole numbers from 1 to "
            "20000, e.g. 100,1000",
            id="too-many",
        ),
        pytest.param(
            ["--rate", "0"], "--rate 0 must be events a second above 0, at most 100", id="rate-0"
        ),
        pytest.param(
            ["--rate", "nan"],
            "--rate nan must be events a second above 0, at most 100",
            id="rate-nan",
        ),
        pytest.param(
            ["--duration", "0"], "--duration 0 must be whole seconds from 1 to 300", id="duration"
        ),
        pytest.param(
            ["--servers", "express,node-cluster"],
            "--servers 'express,node-cluster': 'node-cluster' is not one of express, "
            "gunicorn-gevent, gunicorn-gthread, flask-dev (with --streams)",
            id="server",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(args, message, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    code, err = run_main("bench", "--streams", *args)
    assert (code, err) == (2, f"dualgen: error: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_the_user_s_answers_get_events_in_memory_and_the_production_server():
    answers = {
        "middleware": ["cors", "events"],
        "settings": {"events": {"broker": "redis://x", "heartbeat": 2}, "cors": {"origins": []}},
    }
    assert streams.events_answers(answers) == {
        "middleware": ["cors", "events"],
        "settings": {"events": {"broker": "memory://", "heartbeat": 2}, "cors": {"origins": []}},
        "production-server": True,
    }
    assert streams.events_answers({})["middleware"] == ["events"]
    assert answers["settings"]["events"]["broker"] == "redis://x", "the caller's answers kept"


def test_answers_that_cannot_take_events_are_refused_in_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "answers.yaml").write_text("middleware: events\n", encoding="utf-8")
    code, err = run_main("bench", "--streams", "--answers", "answers.yaml")
    assert (code, err) == (2, "dualgen: error: middleware 'events' must be a list of keys\n")


def fixed() -> StreamBench:
    result = StreamBench((100, 1000), 1.0, 10, setups=[asdict(s) for s in STREAM_SETUPS[:2]])
    result.runs = [
        StreamRun("express", "express", 100, 100, 3.0, 12.0, 15.0, 1000, 1000, 20.5, 0.4, 0),
        StreamRun("express", "express", 1000, 1000, 40.0, 120.0, 130.0, 10000, 10000, 9.0, 2.5, 0),
        StreamRun("gunicorn-gevent", "flask", 100, 100, 5.0, 30.0, 31.0, 1000, 1000, 25.0, 0.5),
        # Every stream held, but an event lost: not counted as held with every event.
        StreamRun("gunicorn-gevent", "flask", 1000, 1000, 60.0, 200.0, 300.0, 9999, 10000),
    ]
    return result


def test_conclusions_name_the_most_streams_each_held_whole_and_a_verdict():
    assert streams_report.conclusions(fixed()) == [
        "Express, one process (node app.js): 1000 streams held with every event delivered, "
        "p99 <= 250 ms",
        "gunicorn, 1 gevent worker: 100 streams held with every event delivered, p99 <= 250 ms",
        '"many simultaneous connections": Express held more (1000 for Express, 100 for the '
        "best Flask server)",
        '"real-time": Express delivered sooner at 100 streams (p99 12 ms for Express, 30 ms for '
        "gunicorn, 1 gevent worker)",
    ]


def test_a_setup_that_held_none_whole_says_no_and_even_figures_say_even():
    result = fixed()
    result.runs = [
        StreamRun("express", "express", 100, 90, 3.0, 12.0, 15.0, 900, 900),
        StreamRun("gunicorn-gevent", "flask", 100, 90, 5.0, 251.0, 260.0, 900, 900),
    ]
    assert streams_report.conclusions(result)[::2] == [
        "Express, one process (node app.js): no streams held with every event delivered, "
        "p99 <= 250 ms",
        '"many simultaneous connections": about even: each held 90 streams open (0 each with '
        "every event delivered within 250 ms)",
    ]
    assert streams_report.conclusions(result)[-1] == (
        '"real-time": cannot tell (no number of streams both held with every event delivered)'
    )


def test_real_time_compares_p99_at_the_most_streams_both_held_whole():
    """10000 streams held whole by both: the p99 there decides; within 20%, about even."""
    result = fixed()
    result.runs = [
        StreamRun("express", "express", 10000, 10000, 164.5, 301.5, 318.0, 100000, 100000),
        StreamRun("gunicorn-gevent", "flask", 10000, 10000, 587.2, 1150.8, 1187.5, 100000, 100000),
        # Held whole at 100 only, over the target: not where the two are compared.
        StreamRun("gunicorn-gevent", "flask", 100, 100, 5.0, 260.0, 261.0, 1000, 1000),
    ]
    assert streams_report.conclusions(result)[-2:] == [
        '"many simultaneous connections": about even: each held 10000 streams open (0 each '
        "with every event delivered within 250 ms)",
        '"real-time": Express delivered sooner at 10000 streams (p99 302 ms for Express, 1151 '
        "ms for gunicorn, 1 gevent worker)",
    ]
    result.runs[1].p99_ms = 361.0  # 1.197 times Express's
    assert streams_report.conclusions(result)[-1] == (
        '"real-time": about even at 10000 streams (p99 302 ms for Express, 361 ms for '
        "gunicorn, 1 gevent worker)"
    )


def test_a_tie_by_the_target_is_told_apart_by_the_streams_held():
    result = fixed()
    result.runs = [
        StreamRun("express", "express", 10000, 7702, 556.0, 960.0, 988.0, 77020, 77020),
        StreamRun("gunicorn-gevent", "flask", 10000, 0),
    ]
    assert streams_report.conclusions(result)[-2] == (
        '"many simultaneous connections": cannot tell by the target (0 each); Express held '
        "more streams open (7702 for Express, 0 for the best Flask server)"
    )


def test_the_text_report_is_a_table_then_the_conclusions():
    result = fixed()
    result.notes = ["open files limited to 1024 (the hard limit): fewer streams than asked"]
    result.command = "dualgen bench --streams"
    lines = streams_report.render_text(result).splitlines()
    assert lines[0].split("  ")[0] == "server"
    assert lines[2].split() == (
        "Express, one process (node app.js) 100 100 3 12 15 1000 / 1000 20 0.40 0.00 0".split()
    )
    assert lines[5].split()[-12:] == "1000 1000 60 200 300 9999 / 10000 - 0.00 0.00 0".split()
    assert lines[-5].startswith('"many simultaneous connections"')
    assert lines[-4].startswith('"real-time"')
    assert lines[-3:] == [result.notes[0], "", "Run it again: dualgen bench --streams"]


def test_the_json_report_holds_every_figure_and_the_conclusions():
    data = json.loads(streams_report.render_json(fixed()))
    assert data["connections"] == [100, 1000]
    assert data["runs"][3] == {
        "setup": "gunicorn-gevent", "framework": "flask", "connections": 1000, "held": 1000,
        "p50_ms": 60.0, "p99_ms": 200.0, "max_ms": 300.0, "delivered": 9999, "expected": 10000,
        "kib_per_stream": None, "cpu_seconds": 0.0, "failed_publishes": 0, "dropped": 0,
        "client_cpu_seconds": 0.0,
    }  # fmt: skip
    assert data["conclusions"] == streams_report.conclusions(fixed())


def test_the_command_line_runs_the_same_again():
    line = streams_report.command_line((100, 1000), 0.5, 10, STREAM_SETUPS[::3])
    assert line == (
        "dualgen bench --streams --connections 100,1000 --rate 0.5 --duration 10 "
        "--servers express,flask-dev"
    )


RAISE = """
import resource, sys
from generator.bench.streams import raise_file_limit
resource.setrlimit(resource.RLIMIT_NOFILE, (int(sys.argv[1]), int(sys.argv[2])))
print(raise_file_limit(int(sys.argv[3])))
print(resource.getrlimit(resource.RLIMIT_NOFILE)[0])
"""


@pytest.mark.parametrize(
    ("soft", "hard", "wanted", "note", "after"),
    [
        (256, 1024, 200, "", 256),
        (256, 1024, 800, "open files: the soft limit raised from 256 to 800 for the servers "
         "and client", 800),
        (256, 512, 800, "open files limited to 512 (the hard limit; 800 wanted): fewer streams "
         "than asked; raise it with ulimit -Hn as root", 512),
    ],
    ids=["high-enough", "raised", "hard-limit"],
)  # fmt: skip
def test_the_open_file_limit_is_raised_within_the_hard_limit_and_said(
    soft, hard, wanted, note, after
):
    """In a process of its own: the limit it sets is the process's."""
    import subprocess
    import sys

    pytest.importorskip("resource")
    args = [sys.executable, "-c", RAISE, str(soft), str(hard), str(wanted)]
    done = subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.splitlines() == [note, str(after)]


def test_an_existing_html_file_is_refused_before_anything_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "streams.html").write_text("kept", encoding="utf-8")
    code, err = run_main("bench", "--streams", "--html", "streams.html")
    assert (code, err) == (
        2, "dualgen: error: 'streams.html' already exists; use --force to replace it\n"
    )  # fmt: skip
    assert (tmp_path / "streams.html").read_text(encoding="utf-8") == "kept"


def test_the_html_page_draws_a_chart_of_each_figure_and_holds_the_table():
    import re

    import markupsafe

    from generator.bench import streams_page

    result = fixed()
    result.connections = (100, 1000, 10000)
    result.runs.append(StreamRun("gunicorn-gevent", "flask", 10000))  # nothing measured
    result.command = "dualgen bench --streams --connections 100,1000"
    html = streams_page.render_html(result)
    assert html.count("<svg") == 4 and "<script" not in html and "src=" not in html
    titles = re.findall(r'<text class="title"[^>]*>([^<]*)</text>', html)
    assert titles == [title for _, title in streams_page.CHARTS]
    bars = re.findall(r'<rect class="(express|gunicorn-gevent)"[^>]*><title>([^<]*)</title>', html)
    assert bars[:4] == [
        ("express", "Express (one process): 100.0"),
        ("gunicorn-gevent", "gunicorn gevent: 100.0"),
        ("express", "Express (one process): 1000.0"),
        ("gunicorn-gevent", "gunicorn gevent: 1000.0"),
    ]
    # held 0 at 10000 is drawn; its latency and memory, never measured, are not.
    assert len(bars) == 5 + 4 + 4 + 3, bars
    assert html.count("<tr>") == 1 + len(result.runs)
    assert str(markupsafe.escape(streams_report.conclusions(result)[-1])) in html
    assert "dualgen bench --streams --connections 100,1000</code>" in html
