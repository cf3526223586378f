"""Fresh databases for the servers dualgen starts (`bench --scenario resource`, stateful
`parity`): a fresh one for every server start.

SQLite: a file in the run's temporary folder. PostgreSQL: a database of dualgen's own
(PREFIX_PID_N: dualgen_bench_…, dualgen_parity_…) on the server DATABASE_URL names, made with
the user and password it gives and dropped after (the role needs CREATEDB): dualgen never writes
to the database the URL names. The SQL goes through psycopg in the Flask project's installed
environment (dualgen itself has no PostgreSQL driver); the URL and the SQL reach it as
arguments, never as code.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from . import runner
from .errors import RunError, UsageError

STORAGES = ("sqlite", "postgresql")
POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")
#: Run by the Flask project's Python: argv[1] a URL, argv[2] one SQL statement; prints the
#: first column of the first row, if any.
_SQL = """
import sys
import psycopg
with psycopg.connect(sys.argv[1], autocommit=True, connect_timeout=10) as connection:
    cursor = connection.execute(sys.argv[2])
    row = cursor.fetchone() if cursor.description else None
    print("" if row is None else row[0])
"""
_names = itertools.count(1)


def check_storage(storage: str) -> str:
    if storage not in STORAGES:
        raise UsageError(f"--storage {storage!r} must be one of {', '.join(STORAGES)}")
    return storage


def postgresql_url(what: str = "--storage postgresql") -> str:
    """DATABASE_URL, which must name a PostgreSQL server; else a usage error that says why
    `what` (the option or run that needs it) needs it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(POSTGRESQL_SCHEMES):
        raise UsageError(
            f"{what} needs DATABASE_URL=postgresql://USER:PASSWORD@HOST:PORT/DB: "
            "dualgen makes a database of its own there for each server and drops it after "
            "(the role needs CREATEDB)"
        )
    return url


class Databases:
    """Fresh databases, one per server start, in `storage`."""

    def __init__(
        self,
        storage: str,
        folder: Path,
        prefix: str = "dualgen_bench",
        what: str = "--storage postgresql",
    ) -> None:
        self.storage = storage
        self.folder = folder
        self.prefix = prefix
        self.server_url = postgresql_url(what) if storage == "postgresql" else ""
        #: The Flask project's installed set: its psycopg runs the PostgreSQL statements.
        self.installed: runner.Installed | None = None

    @contextlib.contextmanager
    def fresh(self) -> Iterator[str]:
        """An empty database's URL while the block runs; gone after."""
        name = f"{self.prefix}_{os.getpid()}_{next(_names)}"
        if self.storage == "sqlite":
            self.folder.mkdir(parents=True, exist_ok=True)
            yield f"sqlite:///{(self.folder / f'{name}.db').resolve()}"
            return
        self.sql(self.server_url, f'CREATE DATABASE "{name}"')
        try:
            yield urlsplit(self.server_url)._replace(path=f"/{name}").geturl()
        finally:
            self.sql(self.server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def count(self, url: str, table: str) -> int:
        """The rows of `table` (a name of the bench's, never a user value)."""
        query = f'SELECT count(*) FROM "{table}"'
        if self.storage == "sqlite":
            with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
                return int(db.execute(query).fetchone()[0])
        return int(self.sql(url, query))

    def sql(self, url: str, statement: str) -> str:
        """One statement through psycopg in the Flask project's environment."""
        if self.installed is None or self.installed.python is None:
            raise RunError("the Flask project's environment (psycopg) is not installed")
        try:
            done = subprocess.run(
                [str(self.installed.python), "-c", _SQL, url, statement],
                env=self.installed.env, capture_output=True, text=True, timeout=60,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise RunError("PostgreSQL did not answer within 60 s") from None
        if done.returncode:
            lines = done.stderr.strip().splitlines() or [f"exit code {done.returncode}"]
            raise RunError(f"PostgreSQL refused {statement.split()[0]}: {lines[-1]}")
        return done.stdout.strip()
