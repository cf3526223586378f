"""What the production files promise (issue 22): a Node line that is still maintained, and as
many workers as the CPUs the server may use."""

from __future__ import annotations

import json
import os
import re
import runpy
import subprocess
from pathlib import Path

import pytest

from generator import spec
from generator.render import render
from tests.helpers import require_tools


def render_one(tmp_path: Path, framework: str, answers: dict[str, object]) -> Path:
    (project,) = render(spec.build(answers), (framework,), tmp_path / "out")
    return project


def test_the_express_image_and_engines_name_a_maintained_lts_line(tmp_path):
    project = render_one(tmp_path, "express", {"docker": True})
    assert (project / "Dockerfile").read_text().splitlines()[0] == "FROM node:24-slim"
    manifest = json.loads((project / "package.json").read_text())
    assert manifest["engines"] == {"node": ">=22"}


# The worker rule, the same in gunicorn.conf.py and server.js: WEB_CONCURRENCY, else the CPUs
# the process may use, which are its affinity mask (here 4 CPUs) capped by the cgroup v2 quota
# in cpu.max ("QUOTA PERIOD", "max PERIOD" for none), rounded up.
CPU_MAX = [
    pytest.param(None, 4, id="no-cpu-max-file"),
    pytest.param("max 100000\n", 4, id="no-quota"),
    pytest.param("200000 100000\n", 2, id="two-cpus"),
    pytest.param("150000 100000\n", 2, id="rounded-up"),
    pytest.param("50000 100000\n", 1, id="half-a-cpu-is-one"),
    pytest.param("800000 100000\n", 4, id="quota-above-the-mask"),
]


def cpu_max_file(tmp_path: Path, text: str | None) -> Path:
    path = tmp_path / "cpu.max"
    if text is not None:
        path.write_text(text)
    return path


@pytest.fixture(scope="module")
def gunicorn_conf(tmp_path_factory) -> Path:
    project = render_one(tmp_path_factory.mktemp("gunicorn"), "flask", {"production-server": True})
    return project / "gunicorn.conf.py"


def load(conf: Path, monkeypatch: pytest.MonkeyPatch, cpus: set[int], **env: str) -> dict:
    """gunicorn.conf.py's names, as gunicorn reads them, on a machine with these CPUs."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: cpus, raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(conf))


@pytest.mark.parametrize(("text", "expected"), CPU_MAX)
def test_gunicorn_counts_the_cpus_it_may_use(text, expected, gunicorn_conf, tmp_path, monkeypatch):
    usable_cpus = load(gunicorn_conf, monkeypatch, {0, 1, 2, 3})["usable_cpus"]
    assert usable_cpus(str(cpu_max_file(tmp_path, text))) == expected


def test_gunicorn_without_an_affinity_mask_counts_every_cpu(gunicorn_conf, tmp_path, monkeypatch):
    usable_cpus = load(gunicorn_conf, monkeypatch, {0})["usable_cpus"]
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)  # macOS, Windows
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    assert usable_cpus(str(cpu_max_file(tmp_path, None))) == 3
    assert usable_cpus(str(cpu_max_file(tmp_path, "150000 100000\n"))) == 2


def test_gunicorn_runs_two_workers_a_cpu_plus_one(gunicorn_conf, monkeypatch):
    # One CPU in the mask: one usable CPU whatever the quota of the machine running this test.
    assert load(gunicorn_conf, monkeypatch, {3})["workers"] == 3


def test_web_concurrency_sets_the_gunicorn_workers(gunicorn_conf, monkeypatch):
    assert load(gunicorn_conf, monkeypatch, {0, 1}, WEB_CONCURRENCY="5")["workers"] == 5


@pytest.fixture(scope="module")
def usable_cpus_js(tmp_path_factory) -> str:
    """server.js's usableCpus function, as rendered."""
    require_tools("node")
    project = render_one(tmp_path_factory.mktemp("cluster"), "express", {"production-server": True})
    found = re.search(
        r"^function usableCpus\(.*?^}$", (project / "server.js").read_text(), re.M | re.S
    )
    assert found, "server.js has no function usableCpus"
    return found[0]


def node_usable_cpus(function: str, cpus: int, *args: str) -> int:
    """usableCpus(...args) in node, on a machine with this many CPUs in the affinity mask."""
    script = (
        "const fs = require('node:fs');\n"
        "const os = require('node:os');\n"
        f"os.availableParallelism = () => {cpus};\n"
        f"{function}\n"
        "console.log(usableCpus(...process.argv.slice(1)));\n"
    )
    result = subprocess.run(["node", "-e", script, *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


@pytest.mark.parametrize(("text", "expected"), CPU_MAX)
def test_the_cluster_counts_the_cpus_it_may_use(text, expected, usable_cpus_js, tmp_path):
    assert node_usable_cpus(usable_cpus_js, 4, str(cpu_max_file(tmp_path, text))) == expected


def test_the_cluster_reads_the_cgroup_quota_file_by_default(usable_cpus_js):
    # One CPU in the mask: one usable CPU, whatever the quota of the machine running this test.
    assert node_usable_cpus(usable_cpus_js, 1) == 1
    assert "function usableCpus(cpuMax = '/sys/fs/cgroup/cpu.max') {" in usable_cpus_js


PER_WORKER_README = "Rate limits count per worker: each worker keeps its own counts in memory"


@pytest.mark.parametrize("framework", ["flask", "express"])
@pytest.mark.parametrize(
    ("answers", "explained"),
    [
        pytest.param(
            {"middleware": ["rate-limit"], "production-server": True}, True, id="memory-workers"
        ),
        pytest.param({"middleware": ["rate-limit"]}, False, id="one-process"),
        pytest.param(
            {
                "middleware": ["rate-limit"],
                "production-server": True,
                "settings": {"rate-limit": {"storage": "redis://localhost"}},
            },
            False,
            id="redis",
        ),
    ],
)
def test_the_readme_explains_per_worker_limits_only_where_they_apply(
    framework, answers, explained, tmp_path
):
    text = (render_one(tmp_path, framework, answers) / "README.md").read_text()
    assert text.count(PER_WORKER_README) == int(explained)
    assert ("client make up to N × 100 requests in 60 s" in text) is explained
    assert ("`--set rate-limit.storage=redis://HOST:6379`" in text) is explained
