"""A generated project on disk: the one reader of its `.dualgen.yaml`."""

from __future__ import annotations

from pathlib import Path

from . import spec as specs
from .render import ANSWERS_FILE
from .runner import detect_framework


def load_project(directory: Path) -> tuple[specs.ProjectSpec, str]:
    """The spec recorded in a project's answer file, and the project's framework.

    A project without the file (rendered by plain cookiecutter) reads as the default choices.
    Raises SpecError for a malformed answer file and RunError when the folder is neither a
    Flask nor an Express project.
    """
    path = Path(directory) / ANSWERS_FILE
    answers = specs.load_answers(path) if path.exists() else {}
    answers.pop("dualgen", None)
    return specs.build(answers), detect_framework(Path(directory))
