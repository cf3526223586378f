"""`dualgen bench --scenario resource`: a database resource under load, the generated code
against an anchor written the way each library's documentation writes it.

Both projects are rendered with the user's answers plus the bench's resource (RESOURCE, its
table bench_items) in SQLite or PostgreSQL, and the production server. Each anchor (anchors/
beside this file: Flask-SQLAlchemy's model and db.get_or_404 for Flask; a Knex query in an
Express handler for Express) goes into a copy of the generated project, so it runs with the
same pinned packages, the same server (gunicorn.conf.py, server.js's cluster) and the same
schema (the generated migrations, applied first). Every server starts on a database of its own
(generator.databases), is seeded with the same SEED rows through its own create route,
then loaded by wrk: `GET /bench/items/READ_ID` (read) and `POST /bench/items` (create) at each
concurrency. Rounds are interleaved: each round starts every server afresh, the generated
code and its anchor one after the other, each first in turn. What one read and one create
answered is kept, and the rows each server's database holds after its creates. The report is
generator.bench.resource_report.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import bounds as _bounds
from .. import runner
from .. import spec as specs
from ..databases import STORAGES, Databases, check_storage
from ..errors import RunError
from ..verify import plural
from . import (
    DEFAULT_CONCURRENCY,
    WRK_TIMEOUT,
    Progress,
    Run,
    Setup,
    _load,
    check_duration,
    check_repeat,
    machine,
    parse_setups,
    require_wrk,
    run_wrk,
)

PATH = "/bench/items"
#: The bench's resource, as `-r` writes it; its table is bench_items.
RESOURCE = f"resource {PATH} name:str price:float quantity:int"
FIELDS = {"name": "str", "price": "float", "quantity": "int"}
#: Rows each server's database holds before the measured runs, and the one the reads ask for.
SEED = 100
READ_ID = 42
#: The body of every measured create, and of the one create whose answer is compared.
CREATE_BODY = {"name": "bench item", "price": 12.5, "quantity": 3}
OPERATIONS = ("read", "create")
#: Seconds a server may take to answer its first request: its workers may still be booting
#: (importing, connecting) on a busy machine.
FIRST_ANSWER = 60
VARIANTS = ("generated", "anchor")
#: The servers the scenario runs: the production servers, and Express in one process.
SERVERS = ("gunicorn-sync", "gunicorn-gthread", "express", "node-cluster")
DEFAULT_SERVERS = ("gunicorn-gthread", "node-cluster")
ANCHORS = Path(__file__).resolve().parent / "anchors"
#: The database URL in the answers for PostgreSQL: DATABASE_URL gives the real one.
POSTGRESQL_ANSWER = "postgresql://localhost:5432/bench"

__all__ = ["STORAGES", "ResourceBench", "ResourceRun", "bench_resource", "parse_servers"]


@dataclass
class ResourceRun(Run):
    """A server, the generated code or its anchor, an operation (`kind`), a concurrency."""

    variant: str = "generated"


@dataclass
class ResourceBench:
    """Everything a resource bench measured, and how."""

    storage: str
    duration: int
    concurrency: tuple[int, ...]
    repeat: int = 1
    setups: list[dict[str, Any]] = field(default_factory=list)
    runs: list[ResourceRun] = field(default_factory=list)
    #: Per server and variant: what one read and one create answered (first round).
    answers: list[dict[str, Any]] = field(default_factory=list)
    #: Per server and variant: rows its databases gained from the measured creates, and the
    #: creates wrk counted as answered.
    rows: list[dict[str, Any]] = field(default_factory=list)
    machine: dict[str, object] = field(default_factory=dict)
    command: str = ""
    resource: str = RESOURCE
    seeded: int = SEED
    read_id: int = READ_ID

    def find(
        self, setup: str, variant: str, operation: str, concurrency: int
    ) -> ResourceRun | None:
        for run in self.runs:
            if (run.setup, run.variant, run.kind, run.concurrency) == (
                setup, variant, operation, concurrency,
            ):  # fmt: skip
                return run
        return None

    def as_dict(self) -> dict[str, Any]:  # JSON
        data = asdict(self)
        data["concurrency"] = list(self.concurrency)
        data["scenario"] = "resource"
        return data


def parse_servers(text: str | None) -> tuple[Setup, ...]:
    """`gunicorn-sync,node-cluster` -> those setups, in the order of SETUPS; None: the default."""
    return parse_setups(text, SERVERS, DEFAULT_SERVERS, " (with --scenario resource)")


def resource_answers(answers: specs.Answers, storage: str, worker_class: str) -> specs.Answers:
    """The user's answers plus the bench's resource in `storage` and the production server.
    Raises SpecError when the answers cannot take them (`spec.merge`, `spec.build`)."""
    specs.check_shapes(answers)
    chosen: list[object] = list(answers.get("middleware", []))  # type: ignore[call-overload]  # a list: check_shapes
    url = "sqlite:///app.db" if storage == "sqlite" else POSTGRESQL_ANSWER
    needs: specs.Answers = {
        "middleware": [] if "database" in chosen else ["database"],
        "routes": [{"resource": PATH, "fields": dict(FIELDS)}],
        "production-server": True,
        "settings": {
            "database": {"url": url},
            "production-server": {"worker-class": worker_class},
        },
    }
    return specs.merge(answers, needs)


def bench_resource(
    answers: specs.Answers,
    *,
    storage: str = "sqlite",
    concurrency: tuple[int, ...] = DEFAULT_CONCURRENCY,
    duration: int = 5,
    setups: tuple[Setup, ...] | None = None,
    repeat: int = 3,
    progress: Progress | None = None,
    command: str = "",
) -> ResourceBench:
    """Render, install, and load each server's generated code and anchor, `repeat` rounds.
    PostgreSQL takes its server from DATABASE_URL (UsageError without one)."""
    wrk = require_wrk()
    check_storage(storage)
    check_duration(duration)
    check_repeat(repeat)
    setups = setups or parse_servers(None)
    say = progress or (lambda line: None)
    result = ResourceBench(storage, duration, concurrency, repeat, machine=machine())
    result.command = command
    with tempfile.TemporaryDirectory(prefix="dualgen-bench-") as tmp:
        databases = Databases(storage, Path(tmp) / "databases")
        folders, installed = _prepare(answers, storage, setups, Path(tmp), say)
        databases.installed = installed.get("flask")
        measured: dict[tuple[str, str, str, int], list[tuple[float, ...]]] = {}
        for round_ in range(1, repeat + 1):
            for setup in setups:
                # Odd rounds the generated code first, even ones its anchor: neither always
                # meets the machine as the other left it.
                for variant in VARIANTS if round_ % 2 else VARIANTS[::-1]:
                    folder = folders[setup.key, variant]
                    with databases.fresh() as url:
                        if setup.framework == "express" and not setup.production:
                            _migrate(folder, installed["express"], url)
                        _one_server(result, setup, variant, (folder, installed[setup.framework]),
                                    (url, databases), (wrk, round_, measured), say)  # fmt: skip
        for (key, variant, operation, level), runs in measured.items():
            setup = next(s for s in setups if s.key == key)
            run = asdict(Run.of(setup, operation, level, runs))
            result.runs.append(ResourceRun(**run, variant=variant))
    result.setups = [{**asdict(s), "workers": s.workers} for s in setups]
    result.machine["load_after"] = _load()
    return result


def _prepare(
    answers: specs.Answers, storage: str, setups: tuple[Setup, ...], tmp: Path, say: Progress
) -> tuple[dict[tuple[str, str], Path], dict[str, runner.Installed]]:
    """Each setup's generated project and its anchor's copy; each framework's installed set
    (Flask's too with PostgreSQL: its driver makes and drops the bench's databases)."""
    from ..render import render_tree

    frameworks = {s.framework for s in setups} | ({"flask"} if storage != "sqlite" else set())
    worker_classes = {s.worker_class for s in setups if s.framework == "flask"} or {"gthread"}
    projects: dict[str, Path] = {}
    for framework in sorted(frameworks):
        for worker_class in sorted(worker_classes) if framework == "flask" else [""]:
            built = specs.build(resource_answers(answers, storage, worker_class or "gthread"))
            key = f"{framework}-{worker_class}".rstrip("-")
            projects[key] = render_tree(built, framework, tmp / key)
    installed = {}
    for framework in sorted(frameworks):
        say(f"installing the {framework} project's dependencies (cached)")
        project = next(p for key, p in projects.items() if key.startswith(framework))
        installed[framework] = runner.install(project)
    folders: dict[tuple[str, str], Path] = {}
    for setup in setups:
        key = f"{setup.framework}-{setup.worker_class}" if setup.framework == "flask" else "express"
        folders[setup.key, "generated"] = projects[key]
        anchor = tmp / f"{key}-anchor"
        if not anchor.exists():
            shutil.copytree(projects[key], anchor)
            _place_anchor(anchor, setup.framework)
        folders[setup.key, "anchor"] = anchor
    return folders, installed


def _place_anchor(folder: Path, framework: str) -> None:
    """The anchor into a copy of the generated project: Flask's beside app.py (gunicorn serves
    it, the project's `flask db upgrade` still finds app.py), Express's as app.js (server.js's
    workers load it)."""
    if framework == "flask":
        shutil.copyfile(ANCHORS / "flask_anchor.py", folder / "bench_anchor.py")
    else:
        shutil.copyfile(ANCHORS / "express_anchor.js", folder / "app.js")


def _command(setup: Setup, variant: str, installed: runner.Installed) -> list[str]:
    if setup.framework == "flask" and variant == "anchor":
        return [str(installed.python), "-m", "gunicorn", "bench_anchor:app"]
    return installed.command(setup.production)


def _migrate(folder: Path, installed: runner.Installed, url: str) -> None:
    """The generated migrations into the fresh database by the documented command (npm run
    migrate), for Express in one process: its anchor's app.js does not migrate as it starts.
    Every other server applies them as it starts (gunicorn.conf.py's on_starting runs
    `flask db upgrade` for the anchor too, server.js's primary runs them before the workers)."""
    import subprocess

    command = [shutil.which("npm") or "npm", "run", "--silent", "migrate"]
    env = dict(installed.env, DATABASE_URL=url)
    with installed.visible_in(folder):
        try:
            done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                                  timeout=120)  # fmt: skip
        except subprocess.TimeoutExpired:
            raise RunError("npm run migrate did not finish within 120 s") from None
    if done.returncode:
        tail = (done.stderr or done.stdout).strip()[-400:]
        raise RunError(f"the migrations failed (exit {done.returncode}): {tail}")


def _one_server(
    result: ResourceBench,
    setup: Setup,
    variant: str,
    project: tuple[Path, runner.Installed],
    database: tuple[str, Databases],
    loop: tuple[str, int, dict[tuple[str, str, str, int], list[tuple[float, ...]]]],
    say: Progress,
) -> None:
    """Start one server on its fresh database, seed it, check it, load it; count its rows."""
    folder, installed = project
    url, databases = database
    wrk, round_, measured = loop
    script = folder / "bench_create.lua"
    script.write_text(_lua(CREATE_BODY), encoding="utf-8")
    env = {"DATABASE_URL": url}
    with runner.serve(folder, installed=installed, production=setup.production, env=env,
                      command=_command(setup, variant, installed)) as server:  # fmt: skip
        base = server.url.rstrip("/") + PATH
        read, created = _seed(base)
        if round_ == 1:
            answer = {"variant": variant, "read": read, "created": created}
            result.answers.append({"setup": setup.key, "framework": setup.framework, **answer})
        creates = 0
        for operation in OPERATIONS:
            for level in result.concurrency:
                which = f" (run {round_} of {result.repeat})" if result.repeat > 1 else ""
                say(f"{setup.label}, {variant} code: {operation}, "
                    f"{plural(level, 'connection')}, {result.duration} s{which}")  # fmt: skip
                started = time.monotonic()
                target = f"{base}/{READ_ID}" if operation == "read" else base
                figures = run_wrk(wrk, target, level, result.duration,
                                  script if operation == "create" else None)  # fmt: skip
                measured.setdefault((setup.key, variant, operation, level), []).append(figures)
                creates += int(figures[4]) if operation == "create" else 0
                time.sleep(min(1.0, max(0.0, time.monotonic() - started) / 10))
    rows = databases.count(url, "bench_items") - SEED - 1
    _add_rows(result, setup.key, variant, rows, creates)


def _add_rows(result: ResourceBench, setup: str, variant: str, rows: int, creates: int) -> None:
    for entry in result.rows:
        if (entry["setup"], entry["variant"]) == (setup, variant):
            entry["created_rows"] += rows
            entry["create_requests"] += creates
            return
    result.rows.append({"setup": setup, "variant": variant, "created_rows": rows,
                        "create_requests": creates})  # fmt: skip


def seed_body(number: int) -> dict[str, object]:
    """The body of seeded row `number` (1 to SEED): the same rows in every database."""
    return {"name": f"item {number}", "price": number + 0.25, "quantity": number}


def _seed(base: str) -> tuple[object, object]:
    """SEED creates through the server's own route, then one read of READ_ID and one create
    (whose row is SEED + 1): their JSON answers, compared between the code and its anchor."""
    import requests

    with _bounds.session(_bounds.Bounds.starting_now(FIRST_ANSWER + SEED)) as session:
        try:
            for number in range(1, SEED + 1):
                wait = FIRST_ANSWER if number == 1 else WRK_TIMEOUT
                session.post(base, json=seed_body(number), timeout=wait).raise_for_status()
            read = session.get(f"{base}/{READ_ID}", timeout=WRK_TIMEOUT)
            created = session.post(base, json=CREATE_BODY, timeout=WRK_TIMEOUT)
            read.raise_for_status()
            created.raise_for_status()
            return read.json(), created.json()
        except (requests.RequestException, ValueError, _bounds.Violation) as error:
            raise RunError(f"{base} did not take the bench's rows: {error}") from None


def _lua(body: dict[str, object]) -> str:
    """wrk's script for the creates: a POST of `body` as JSON (a Lua string literal)."""
    text = json.dumps(body)
    return (
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(text)}\n"
    )
