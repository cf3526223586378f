"""A generated project on disk: its recorded answers and its framework, read once and checked,
and how its server runs for a check.

`load_project(directory)` is the one reader of a project's `.dualgen.yaml`; `verify`, `diff`,
`compare`, `parity` and `update` call it. It first finishes an update that a dead run left
half-applied (`finish_interrupted`). A folder that is no project, an answers file that is a link
or a device, and a `package.json` that is not a valid manifest are refused (exit 2) before
anything runs.
`server_env(spec, production)` is the one policy for the servers that `verify`, `parity` and
`dualgen check` start. The runner below knows no answers: it installs and serves a folder with
the command and environment it is given.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import UsageError
from .render import ANSWERS_FILE
from .runner.folder import MAX_FILE_BYTES as MAX_FILE_BYTES
from .runner.folder import check_regular
from .runner.folder import detect_framework as detect_framework
from .runner.folder import read_manifest as read_manifest
from .runner.folder import read_text as read_text
from .spec import ProjectSpec
from .sse import CHECK_HEARTBEAT


def load_project(directory: Path) -> tuple[ProjectSpec, str]:
    """The spec recorded in a project folder and the project's framework ("flask" or "express")."""
    from . import spec as specs

    directory = Path(directory)
    for line in finish_interrupted(directory):
        sys.stderr.write(f"dualgen: {line}\n")
    framework = detect_framework(directory)
    answers_path = directory / ANSWERS_FILE
    if not os.path.lexists(answers_path):
        raise UsageError(
            f"{directory} has no {ANSWERS_FILE}; only projects made by `dualgen new` "
            "record the choices to check"
        )
    check_regular(answers_path, "answers file")
    answers = specs.load_answers(answers_path)
    answers.pop("dualgen", None)
    return specs.build(answers), framework


def finish_interrupted(directory: Path) -> list[str]:
    """Finish (or undo) an update of the project that a killed run left half-applied, and
    delete its staging folders (generator.journal); what was done, one line each. Holds the
    project's claim meanwhile (which removes a dead run's claim): a live run's update is
    refused (exit 2), never touched."""
    from . import journal
    from .files import Claim, claim_path, sweep

    directory = Path(os.path.abspath(directory))
    sweep(directory.parent)  # a killed run's claim, half deleted
    if not journal.pending(directory) and not os.path.lexists(claim_path(directory)):
        return []
    with Claim([directory]):
        return journal.recover(directory)


@contextlib.contextmanager
def fresh_database(spec: ProjectSpec) -> Iterator[dict[str, str]]:
    """While the block runs, what a check adds to the environment of a project's server so that
    it starts with an empty database of its own, a SQLite file in a temporary folder, rather
    than the project's (the resources' exchanges begin with an empty list and item id 1).

    A PostgreSQL project's server gets the database DATABASE_URL names in this environment,
    with its user and password (dualgen makes no database on a server): it must be empty.
    Raises UsageError when DATABASE_URL names no PostgreSQL database."""
    if "database" not in spec.middleware:
        yield {}
        return
    if str(spec.setting("database", "url")).startswith("postgresql:"):
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgresql://", "postgres://")):
            raise UsageError(
                "this project keeps its items in PostgreSQL: set DATABASE_URL to an empty "
                "database for the check, like postgresql://USER:PASSWORD@HOST:5432/DATABASE"
            )
        yield {"DATABASE_URL": url}
        return
    with tempfile.TemporaryDirectory(prefix="dualgen-database-") as folder:
        yield {"DATABASE_URL": f"sqlite:///{Path(folder, 'check.db').resolve()}"}


def server_env(spec: ProjectSpec, production: bool) -> dict[str, str]:
    """What a check adds to the environment of a project's server: one worker
    (WEB_CONCURRENCY=1) for a production server with a rate limit, whose in-memory counts are
    per worker, so that the limit a check counts on is the one every request meets, or with
    events in memory, which reach the streams of the worker they were posted to; and with
    events a heartbeat every second (EVENTS_HEARTBEAT), so that a check sees one soon."""
    env = {}
    events = "events" in spec.middleware
    if events:
        env["EVENTS_HEARTBEAT"] = str(CHECK_HEARTBEAT)
    in_memory = events and not str(spec.setting("events", "broker")).startswith("redis")
    if production and ("rate-limit" in spec.middleware or in_memory):
        env["WEB_CONCURRENCY"] = "1"
    return env
