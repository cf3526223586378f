"""The node_modules link that shows an Express project its cached dependencies while dualgen runs
it (generator.runner.linked): made only where the project has none, removed by the last user, taken
over from a killed run, never made over a project's own folder. No process is started."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import psutil
import pytest

from generator.errors import RunError
from generator.runner import linked as _linked


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("DUALGEN_CACHE_DIR", str(root))
    for name in ("one", "two"):
        (root / "node" / name / "node_modules" / "express").mkdir(parents=True)
    return root


@pytest.fixture
def project(tmp_path) -> Path:
    folder = tmp_path / "alice"
    folder.mkdir()
    (folder / "package.json").write_text("{}", encoding="utf-8")
    return folder


def modules(cache: Path, name: str = "one") -> Path:
    return cache / "node" / name / "node_modules"


def records(cache: Path) -> list[str]:
    folder = cache / "links"
    return sorted(p.name for p in folder.glob("*.json"))


def test_a_project_without_node_modules_sees_the_cache_only_while_it_runs(cache, project):
    with _linked.node_modules(project, modules(cache)):
        assert os.readlink(project / "node_modules") == str(modules(cache))
        assert (project / "node_modules" / "express").is_dir()
        assert len(records(cache)) == 1
    assert sorted(os.listdir(project)) == ["package.json"]
    assert sorted(os.listdir(cache / "links")) == ["links.lock"]  # no record, one lock
    assert (modules(cache) / "express").is_dir()


def test_the_link_is_removed_when_the_run_fails(cache, project):
    with pytest.raises(ValueError), _linked.node_modules(project, modules(cache)):
        raise ValueError("the server crashed")
    assert sorted(os.listdir(project)) == ["package.json"]


def test_a_projects_own_node_modules_is_used_as_it_is(cache, project):
    (project / "node_modules" / "left-pad").mkdir(parents=True)
    with _linked.node_modules(project, modules(cache)):
        assert not os.path.islink(project / "node_modules")
        assert os.listdir(project / "node_modules") == ["left-pad"]
    assert os.listdir(project / "node_modules") == ["left-pad"]
    assert records(cache) == []


def test_a_link_of_the_projects_own_is_left_alone(cache, project, tmp_path):
    elsewhere = tmp_path / "shared-modules"
    elsewhere.mkdir()
    os.symlink(elsewhere, project / "node_modules")
    with _linked.node_modules(project, modules(cache)):
        assert os.readlink(project / "node_modules") == str(elsewhere)
    assert os.readlink(project / "node_modules") == str(elsewhere)


def test_the_link_stays_until_its_last_user_ends(cache, project):
    outer = _linked.node_modules(project, modules(cache))
    outer.__enter__()
    with _linked.node_modules(project, modules(cache)):
        pass
    assert os.readlink(project / "node_modules") == str(modules(cache))
    outer.__exit__(None, None, None)
    assert not os.path.lexists(project / "node_modules")


def test_a_link_left_by_a_killed_run_is_taken_over_and_removed(cache, project):
    os.symlink(modules(cache, "two"), project / "node_modules")
    key = hashlib.sha256(str(project.resolve()).encode()).hexdigest()[:16]
    (cache / "links").mkdir()
    dead = [2**22 + 12345, 1.0, "dead"]  # no such process
    (cache / "links" / f"{key}.json").write_text(json.dumps({"users": [dead]}), encoding="utf-8")
    with _linked.node_modules(project, modules(cache)):
        assert os.readlink(project / "node_modules") == str(modules(cache))
    assert not os.path.lexists(project / "node_modules")
    assert records(cache) == []


def test_another_live_run_with_other_dependencies_is_refused(cache, project):
    with _linked.node_modules(project, modules(cache, "two")):
        with pytest.raises(RunError, match="another dualgen runs .* with other dependencies"):
            with _linked.node_modules(project, modules(cache)):
                pass
        assert os.readlink(project / "node_modules") == str(modules(cache, "two"))
    assert not os.path.lexists(project / "node_modules")


def test_a_user_is_a_live_process_by_pid_and_start_time():
    me = psutil.Process()
    assert _linked._alive([me.pid, me.create_time(), "x"])
    assert not _linked._alive([me.pid, me.create_time() + 1, "x"])
    assert not _linked._alive(["nonsense"])
