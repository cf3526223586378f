"""Shared fixtures: a CLI runner run from inside a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli


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
