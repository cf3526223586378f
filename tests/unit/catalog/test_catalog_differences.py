"""Idiomatic by default: no project made without strict parity holds code that exists only to
make one framework answer as the other (generator.catalog.differences.EMULATION lists it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import spec
from generator.catalog.differences import EMULATION
from generator.render import render
from tests.combos import ALL_COMBOS


def _found(project: Path, framework: str) -> list[str]:
    return [
        f"{path.relative_to(project)}: {construct}"
        for path in sorted(project.rglob("*"))
        if path.is_file() and path.suffix in (".py", ".js")
        for construct in EMULATION[framework]
        if construct in path.read_text(encoding="utf-8")
    ]


IDIOMATIC = [c for c, a in ALL_COMBOS.items() if "strict-parity" not in spec.build(a).switches]


@pytest.mark.parametrize("combo", IDIOMATIC, ids=IDIOMATIC)
def test_no_emulation_without_strict_parity(combo, tmp_path):
    flask, express = render(spec.build(ALL_COMBOS[combo]), ("flask", "express"), tmp_path)
    assert (_found(flask, "flask"), _found(express, "express")) == ([], [])


def test_the_tested_choice_sets_include_strict_parity_and_idiomatic_ones():
    assert 10 <= len(IDIOMATIC) < len(ALL_COMBOS)


def test_strict_parity_holds_the_emulation(tmp_path):
    found: dict[str, set[str]] = {"flask": set(), "express": set()}
    for static in (True, False):  # Flask's static folder goes only without static files
        middleware = ["health", "cors", "compression", "rate-limit", "json-body"]
        middleware += ["static"] if static else ["error-handlers"]
        answers = {
            "routes": [{"method": "GET", "path": "/items/{id:int}"}],
            "middleware": middleware,
            "strict-parity": True,
        }
        projects = render(spec.build(answers), ("flask", "express"), tmp_path / str(static))
        for name, project in zip(("flask", "express"), projects, strict=True):
            found[name] |= {line.split(": ", 1)[1] for line in _found(project, name)}
    # Every construct is found when it is there: the test above can fail.
    assert found == {name: set(constructs) for name, constructs in EMULATION.items()}
