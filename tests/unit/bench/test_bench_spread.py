"""dualgen bench with repeated runs: each figure's median and spread, verdicts that say "about
even" or "cannot tell" when the spreads overlap the difference, the caveats, and the command
that runs the same bench again. Fixed figures, no server."""

from __future__ import annotations

import json

import pytest

from generator import bench
from generator.bench import Bench, Run, page, report
from generator.bench.spread import Figure, ratio, times, verdict
from generator.cli._bench import _command
from generator.cli._bench import bench as bench_command

WIDE = {"narrow": 0.02, "wide": 0.6}


@pytest.mark.parametrize(
    ("claimed", "other", "expected"),
    [
        pytest.param(Figure(200, 195, 205), Figure(100, 98, 102), "agrees", id="apart-narrow"),
        pytest.param(Figure(100, 98, 102), Figure(200, 195, 205), "contradicts", id="apart-less"),
        pytest.param(Figure(200, 90, 260), Figure(100, 60, 150), "cannot tell", id="wide-overlap"),
        pytest.param(Figure(105, 80, 130), Figure(100, 85, 120), "about even", id="wide-close"),
        pytest.param(Figure(105, 104, 106), Figure(100, 99, 101), "about even", id="apart-close"),
        pytest.param(Figure(200, 200, 200), Figure(100, 100, 100), "agrees", id="one-run-each"),
        pytest.param(Figure(100, 100, 100), Figure(100, 100, 100), "about even", id="equal"),
        # Touching spreads overlap: the difference is within what the runs varied.
        pytest.param(Figure(150, 120, 180), Figure(100, 80, 120), "cannot tell", id="touching"),
    ],
)
def test_a_verdict_needs_spreads_that_do_not_overlap(claimed, other, expected):
    assert verdict(claimed, other) == expected


def test_a_figure_is_the_median_and_spread_of_its_runs():
    assert Figure.of([90.0, 400.0, 80.0]) == Figure(90.0, 80.0, 400.0)
    assert Figure.of([1.0, 2.0, 3.0, 4.0]) == Figure(2.5, 1.0, 4.0)
    assert Figure.of([5.0, float("nan"), 7.0]) == Figure(6.0, 5.0, 7.0)


def test_a_ratio_carries_the_least_and_greatest_its_spreads_allow():
    assert ratio(Figure(200, 180, 220), Figure(100, 90, 110)) == Figure(2.0, 180 / 110, 220 / 90)
    assert times(ratio(Figure(200, 180, 220), Figure(100, 90, 110))) == "2.0× (1.6–2.4×)"
    assert times(Figure(18.0, 18.0, 18.0)) == "18×"
    assert times(Figure(1.1, 1.12, 1.14)) == "1.1×"  # the runs agree to the figure shown


def spread_figures(spread: float, repeat: int = 3) -> Bench:
    """Medians as the figures of test_bench.py, each measured `repeat` times, the runs spread
    by a share of the median above and below."""
    medians = {
        ("flask-dev", "delay", 1): 19,
        ("flask-dev", "delay", 100): 100,
        ("gunicorn-gthread", "delay", 100): 1260,
        ("express", "delay", 100): 1800,
        ("gunicorn-gthread", "cpu", 100): 90,
        ("express", "cpu", 100): 95,
        ("node-cluster", "cpu", 100): 180,
    }
    result = Bench(5, (1, 100), 50, 10, machine={"cpus": 2, "load_before": [0.1]}, repeat=repeat)
    for setup in bench.SETUPS:
        result.setups.append({"key": setup.key, "workers": setup.workers})
    by_key = {setup.key: setup for setup in bench.SETUPS}
    for (setup, kind, concurrency), value in medians.items():
        runs = [(value * (1 + share), 1.0, 2.0, 0, 10) for share in (-spread, 0, spread)]
        result.runs.append(Run.of(by_key[setup], kind, concurrency, runs[:repeat]))
    return result


def verdicts(result: Bench) -> dict[str, str]:
    return {c["claim"]: c["verdict"] for c in report.conclusions(result)["article"]}


def test_narrow_spreads_keep_the_verdicts_wide_ones_cannot_tell():
    assert verdicts(spread_figures(WIDE["narrow"])) == {
        "Flask uses Python's synchronous model (WSGI synchronous)": "contradicts",
        "Flask: good for CPU-bound tasks": "contradicts",  # 90 against the cluster's 180
        "Express: good for I/O-bound tasks": "agrees",  # 1800 against 1260
        "Express excels in handling many simultaneous connections": "agrees",
    }
    assert verdicts(spread_figures(WIDE["wide"])) == {
        # 100 against 19 at one connection: 5.3×, at the least 40 / 30.4 = 1.3×
        "Flask uses Python's synchronous model (WSGI synchronous)": "cannot tell",
        "Flask: good for CPU-bound tasks": "cannot tell",  # 36–144 against 72–288
        "Express: good for I/O-bound tasks": "cannot tell",  # 720–2880 against 504–2016
        "Express excels in handling many simultaneous connections": "cannot tell",
    }


def test_the_spread_is_printed_beside_each_median():
    result = spread_figures(0.1)
    text = report.render_text(result)
    lines = text.splitlines()
    assert lines[0].split() == [
        "framework", "server", "route", "conns", "req/s", "min–max", "p50", "ms", "min–max",
        "p99", "ms", "min–max", "errors",
    ]  # fmt: skip
    (row,) = [line for line in lines if line.startswith("express") and " delay " in line]
    assert row.split() == [
        "express", "Express", "(one", "process)", "delay", "100", "1800", "1620–1980", "1.0",
        "-", "2.0", "-", "0",
    ]  # fmt: skip
    assert "3 runs of 5 s each: the median shown, the spread (min–max) beside it" in text
    evidence = report.conclusions(result)["article"][2]["evidence"]
    assert evidence == (
        "I/O-bound at 100 connections, the best Express server (Express (one process)) served "
        "1.4× (1.2–1.7×) the best Flask server (gunicorn gthread)"
    )
    data = json.loads(report.render_json(result))
    (run,) = [r for r in data["runs"] if (r["setup"], r["kind"]) == ("express", "delay")]
    assert [sample[0] for sample in run["samples"]] == pytest.approx([1620, 1800, 1980])
    assert (data["repeat"], run["rps"], run["requests"]) == (3, 1800, 30)


def test_one_run_a_figure_and_a_busy_machine_are_caveats():
    result = spread_figures(0.1, repeat=1)
    result.machine["load_before"] = [6.0, 5.0, 4.0]
    assert report.conclusions(result)["caveats"] == [
        "Each figure is one run of 5 s, so its spread is unknown and a verdict may be noise: "
        "run with --repeat 3 or more.",
        "The load average was 6 on 2 CPUs before the run: other work shared the CPUs, so the "
        "figures are lower and noisier than on an idle machine.",
    ]
    assert "min–max" not in report.render_text(result).splitlines()[0]
    assert report.conclusions(spread_figures(0.1))["caveats"] == []


def test_the_report_ends_with_the_command_that_runs_it_again():
    result = spread_figures(0.1)
    result.command = "dualgen bench --concurrency 1,100 --repeat 3"
    lines = report.render_text(result).splitlines()
    assert lines[-2:] == ["To run it again:", "  dualgen bench --concurrency 1,100 --repeat 3"]
    assert "dualgen bench --concurrency 1,100 --repeat 3" in page.render_html(result)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            [],
            "dualgen bench --concurrency 1,10,100 --duration 5 --repeat 3 --delay 50 --cpu 10 "
            "--servers flask-dev,gunicorn-sync,gunicorn-gthread,express,node-cluster",
            id="defaults-written-out",
        ),
        pytest.param(
            ["shop", "-m", "cors", "--set", "cors.origins=*", "-r", "GET /a b", "--no-docker",
             "--servers", "express,flask-dev", "--concurrency", "8", "--repeat", "5",
             "--format", "json", "--html", "b.html", "--force"],
            "dualgen bench shop --middleware cors --route 'GET /a b' --set 'cors.origins=*' "
            "--no-docker --concurrency 8 --duration 5 --repeat 5 --delay 50 --cpu 10 "
            "--servers flask-dev,express",
            id="choices-as-given-report-left-out",
        ),
    ],
)  # fmt: skip
def test_the_command_to_run_it_again(args, expected):
    ctx = bench_command.make_context("bench", list(args))
    levels = bench.parse_concurrency(ctx.params["concurrency"])
    setups = bench.parse_setups(ctx.params["servers"])
    assert _command(ctx, levels, setups) == expected


@pytest.mark.parametrize("value", ["0", "21", "x"], ids=["zero", "too-many", "word"])
def test_a_repeat_out_of_range_is_one_line(value, monkeypatch, tmp_path):
    from tests.helpers import run_main

    (tmp_path / "wrk").write_text("#!/bin/sh\nexit 1\n")
    (tmp_path / "wrk").chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    code, err = run_main("bench", "--repeat", value)
    assert code == 2
    if value == "x":
        assert "'x' is not a valid integer" in err
    else:
        assert err == (
            f"dualgen: error: --repeat {value} must be a whole number from 1 to 20 (3 or more "
            "shows how much each figure varies)\n"
        )
