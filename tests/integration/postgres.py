"""A throwaway PostgreSQL server for the tests (issue 26): Debian's `postgresql` package's
binaries (/usr/lib/postgresql/VERSION/bin), a cluster in a temporary folder, on a free port of
127.0.0.1, trust authentication for the `postgres` role, no password anywhere.

The server refuses to run as root: when the tests run as root, its processes run as the
`postgres` system user (runuser), which owns the folder. Use it through the `postgres`
session fixture in tests/integration/conftest.py:

    def test_something(postgres):
        url = postgres.create_database()        # a fresh, empty database: its URL
        postgres.query(url, "SELECT count(*) FROM api_things")   # psql's unaligned rows
        postgres.url("postgres")                # the URL of any database on the server

`start()` and `PostgresServer.stop()` are the same without pytest. Missing PostgreSQL skips
the tests that ask for it, and fails them with CI=true (tests.helpers.missing).
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator import runner

#: Where Debian's postgresql-VERSION packages put their programs.
BIN_GLOB = "/usr/lib/postgresql/*/bin"
#: The role the cluster is made with; trust authentication, so no password.
SUPERUSER = "postgres"
#: The system user that runs the server when the tests run as root.
SYSTEM_USER = "postgres"
_names = itertools.count(1)


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder (with initdb, pg_ctl, psql), or None."""
    found = [
        folder
        for folder in Path("/").glob(BIN_GLOB.lstrip("/"))
        if all((folder / name).exists() for name in ("initdb", "pg_ctl", "postgres", "psql"))
    ]
    return max(found, key=lambda folder: int(folder.parent.name), default=None)


def missing_reason() -> str | None:
    """Why a server cannot be started here, or None when it can."""
    if binaries() is None:
        return f"PostgreSQL not found ({BIN_GLOB}/initdb: Debian's postgresql package)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            return f"running as root and no {SYSTEM_USER!r} system user to run PostgreSQL as"
    return None


@dataclass
class PostgresServer:
    """A running throwaway cluster; `stop()` stops it and deletes its folder."""

    bin: Path
    folder: Path
    port: int
    host: str = "127.0.0.1"
    _as_user: list[str] = field(default_factory=list)

    def url(self, database: str) -> str:
        """postgresql://postgres@HOST:PORT/DATABASE (no password: trust authentication)."""
        return f"postgresql://{SUPERUSER}@{self.host}:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """CREATE DATABASE (a new name unless given); its URL."""
        name = name or f"test_{os.getpid()}_{next(_names)}"
        self.query(self.url("postgres"), f'CREATE DATABASE "{name}"')
        return self.url(name)

    def query(self, url: str, sql: str) -> list[list[str]]:
        """Run SQL with psql against the database at `url`; its rows, each a list of fields
        as text (psql's unaligned output, fields separated by a tab). Fails on any error."""
        result = subprocess.run(
            [str(self.bin / "psql"), "-X", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t"]
            + ["-d", url, "-c", sql],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode:
            raise RuntimeError(f"psql failed ({result.returncode}): {result.stderr.strip()}")
        return [line.split("\t") for line in result.stdout.splitlines()]

    def stop(self) -> None:
        """Stop the server at once (pg_ctl's fast mode) and delete the cluster's folder."""
        try:
            self._pg_ctl("stop", "-m", "fast")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _pg_ctl(self, *args: str) -> None:
        command = [str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-w", *args]
        subprocess.run([*self._as_user, *command], check=True, capture_output=True, timeout=60)


def start() -> PostgresServer:
    """initdb a cluster in a new temporary folder and start it on a free port; raises
    RuntimeError when PostgreSQL is missing (missing_reason()) or does not start."""
    reason = missing_reason()
    if reason:
        raise RuntimeError(reason)
    bin_ = binaries()
    assert bin_ is not None  # missing_reason() said so
    # Under /tmp itself: pytest's own temporary folders are root's alone (0700).
    folder = Path(tempfile.mkdtemp(prefix="dualgen-postgres-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam(SYSTEM_USER)
        os.chown(folder, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", SYSTEM_USER, "--"]
    server = PostgresServer(bin_, folder, runner.free_port(), _as_user=as_user)
    try:
        initdb = [str(bin_ / "initdb"), "-D", str(folder / "data"), "-U", SUPERUSER]
        initdb += ["--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]
        subprocess.run([*as_user, *initdb], check=True, capture_output=True, timeout=120)
        options = (
            f"-p {server.port} -c listen_addresses={server.host} -k {folder}"
            " -c fsync=off -c max_connections=200"
        )
        server._pg_ctl("start", "-l", str(folder / "server.log"), "-o", options)
    except (subprocess.SubprocessError, OSError) as error:
        log = folder / "server.log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {error}\n{detail}") from error
    return server
