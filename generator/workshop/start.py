"""How `dualgen check` starts a participant's project: the command the framework's own docs give
for the way the project is written, in the project's own folder.

- Express: `npm start`, and `npm run start:prod` at a production step, so whatever file the
  scripts name runs, CommonJS or ES module (`"type": "module"`, `.mjs`); the cached
  dependencies are linked into the folder while it runs (generator.runner.linked).
- Flask: `python app.py` when `app.py` starts its server itself (an `if __name__ ==
  "__main__":` block), else `flask --app app run` as Flask's quickstart does, which finds a
  module-level `app` or a `create_app()` factory, on the port in PORT (FLASK_RUN_PORT). At a
  production step `gunicorn app:app`, or `gunicorn 'app:create_app()'` when `app.py` has a
  factory and no module-level `app`. Python finds the project's own modules (a `hello` package
  beside `app.py`) from the folder, and the dependencies in the cached virtualenv.
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..project import read_text


@dataclass(frozen=True)
class Start:
    """A start command: as a participant reads it, and as it runs."""

    shown: str
    argv: tuple[str, ...]


def environment(framework: str, port: int, host: str = "127.0.0.1") -> dict[str, str]:
    """What the start command needs in its environment: PORT and HOST, and for Flask the same
    as `flask run` reads them."""
    env = {"PORT": str(port), "HOST": host}
    if framework == "flask":
        env.update(FLASK_RUN_PORT=str(port), FLASK_RUN_HOST=host)
    return env


def start_for(project: Path, framework: str, production: bool, python: str = "python") -> Start:
    """The command that starts the project; `python` is the interpreter that has its
    dependencies."""
    if framework == "express":
        npm = shutil.which("npm") or "npm"
        if production:
            return Start("npm run start:prod", (npm, "run", "start:prod"))
        return Start("npm start", (npm, "start"))
    runs_itself, factory_only = read_flask_app(Path(project) / "app.py")
    if production:
        target = "app:create_app()" if factory_only else "app:app"
        shown = f"gunicorn '{target}'" if factory_only else f"gunicorn {target}"
        return Start(shown, (python, "-m", "gunicorn", target))
    if runs_itself:
        return Start("python app.py", (python, "app.py"))
    return Start("flask --app app run", (python, "-m", "flask", "--app", "app", "run"))


def read_flask_app(path: Path) -> tuple[bool, bool]:
    """Whether app.py starts a server when run (an `if __name__ == "__main__":` block), and
    whether it offers only a factory (`create_app` and no module-level `app`). A file that
    cannot be read or parsed counts as the documented layout: Python reports it when it runs."""
    try:
        tree = ast.parse(read_text(path, "app.py"))
    except (UsageError, SyntaxError, ValueError):
        return True, False
    runs_itself = any(isinstance(node, ast.If) and _is_main(node.test) for node in tree.body)
    names = _bound_names(tree.body)
    return runs_itself, "app" not in names and "create_app" in names


def _is_main(test: ast.expr) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    if not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides
    )


def _bound_names(body: list[ast.stmt]) -> set[str]:
    """The names a module's top-level statements bind."""
    names: set[str] = set()
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names
