"""What the production files promise (issue 22): a Node line that is still maintained."""

from __future__ import annotations

import json
from pathlib import Path

from generator import spec
from generator.render import render


def render_one(tmp_path: Path, framework: str, answers: dict[str, object]) -> Path:
    (project,) = render(spec.build(answers), (framework,), tmp_path / "out")
    return project


def test_the_express_image_and_engines_name_a_maintained_lts_line(tmp_path):
    project = render_one(tmp_path, "express", {"docker": True})
    assert (project / "Dockerfile").read_text().splitlines()[0] == "FROM node:24-slim"
    manifest = json.loads((project / "package.json").read_text())
    assert manifest["engines"] == {"node": ">=22"}
