"""The next steps `dualgen new` prints: the commands to install, test and run what it wrote."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..spec import ProjectSpec

_COMMENT = 36


def _line(command: str, comment: str = "") -> str:
    if not comment:
        return f"  {command}"
    return f"  {command.ljust(_COMMENT)}  # {comment}"


def next_steps(spec: ProjectSpec, projects: list[tuple[str, Path]]) -> list[str]:
    """Shell lines for each project, in order: each `cd` works from where the one before left
    you (the second project of `both` is a sibling of the first)."""
    lines: list[str] = []
    previous: Path | None = None
    for framework, project in projects:
        where = Path("..", project.name) if previous is not None else project
        previous = project
        lines += ["", f"Next steps ({framework.title()}):", _line(f"cd {shlex.quote(str(where))}")]
        lines += _flask(spec, project) if framework == "flask" else _express(spec, project)
    return lines


def _url(spec: ProjectSpec, framework: str) -> str:
    return f"http://{spec.host}:{spec.port_for(framework)}/"


def _docker(spec: ProjectSpec, framework: str, project: Path) -> list[str]:
    if "docker" not in spec.switches:
        return []
    port = spec.port_for(framework)
    tag = f"{spec.slug}-{framework}"  # the generated README's tag: one per framework
    return [_line(f"docker build -t {tag} . && docker run --rm -p {port}:{port} {tag}")]


def _flask(spec: ProjectSpec, project: Path) -> list[str]:
    tests = "tests" in spec.switches
    lines = [
        _line("python3 -m venv .venv"),
        _line(". .venv/bin/activate", r"Windows: .venv\Scripts\activate"),
        _line(f"pip install -r {'requirements-dev.txt' if tests else 'requirements.txt'}"),
    ]
    if tests:
        lines.append(_line("python -m pytest", "the tests"))
    lines.append(_line("python app.py", f"development server on {_url(spec, 'flask')}"))
    if "production-server" in spec.switches:
        lines.append(_line("gunicorn app:app", "production server (POSIX only)"))
    return lines + _docker(spec, "flask", project)


def _express(spec: ProjectSpec, project: Path) -> list[str]:
    lines = [_line("npm install")]
    if "tests" in spec.switches:
        lines.append(_line("npm test", "the tests"))
    lines.append(_line("npm start", f"server on {_url(spec, 'express')}"))
    if "production-server" in spec.switches:
        lines.append(_line("npm run start:prod", "production: a Node cluster"))
    return lines + _docker(spec, "express", project)
