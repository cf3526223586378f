"""Shared fixtures: a CLI runner run from inside a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from generator.cli import cli
from tests.helpers import IN_CI

#: Participants' projects hold their own tests: `dualgen check` runs them, this suite does not.
collect_ignore = ["workshop_projects"]

# In CI the property tests replay the same examples every run: a red run is always reproducible.
# Locally they explore new examples each time and remember the failures they find. Under mutation
# testing (tests/mutation) they replay too, so that a verdict does not depend on luck.
settings.register_profile("ci", derandomize=True, database=None)
if IN_CI or "MUTANT_UNDER_TEST" in os.environ:
    settings.load_profile("ci")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run `dualgen ARGS` in-process from inside tmp_path; returns the click Result."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return run
