"""Stateful parity: sequences of operations on a project's resources (generator.parity.operations)
go to the Flask and the Express server alike, each sequence on two freshly started servers, each
with a fresh store of its own; every answer is compared, and a sequence whose answers differ is
shrunk by hypothesis to the shortest that still differs.

The contract the two servers keep, and that this compares:
- Ids: a fresh store gives 1, 2, 3 … in the order of the creates, and never gives an id again,
  even after its item is deleted (SQLite's AUTOINCREMENT, PostgreSQL's identity, a counter in
  memory).
- Ordering: a list is in ascending id order (the order of the creates); `?limit=&offset=` cut
  that order.
- Timestamps: an item has none; the answers carry none but the Date header, which is ignored
  (generator.parity.observe.HEADER_RULES).
- Every answer's status, JSON body, Location and every other header a client acts on is compared
  as in stateless parity (generator.parity.observe).

Fresh stores: each sequence starts both servers anew (memory starts empty), with a SQLite file
of its own in a temporary folder, or a PostgreSQL database of its own that `databases()` makes
(the caller's), else made by dualgen on the server DATABASE_URL names and dropped at the end
(generator.databases).

Why hypothesis' `st.data()` rather than a RuleBasedStateMachine: each operation is drawn after
the answers to the ones before it (its ids are the ones the servers gave), so a sequence draws
nothing past its first difference and hypothesis has nothing past it to shrink; and a run is one
`@given` test, so the rounds, the one-exception-type-per-difference and the report of stateless
parity apply unchanged, which the state machine's own runner (with its own printing) would not.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from .. import runner, signals
from ..databases import Databases
from ..errors import RunError, UsageError
from ..project import server_env
from ..spec import ProjectSpec
from . import DEFAULT_TIME_LIMIT, Observer, _Enough, _Search
from .findings import Report, new_report
from .operations import Items, Operations
from .servers import Stopped, check_running
from .wire import REFUSED, Answer, send

#: The most sequences one run may ask for.
MAX_SEQUENCES = 100_000
#: A started pair: its number (its SQLite files' prefix), what stops it, the servers by name.
_Pair = tuple[int, contextlib.ExitStack, dict[str, runner.Server]]


class _ServerStopped(Stopped):
    """A server stopped during a sequence: carries the RunError that says so."""

    def __init__(self, error: RunError) -> None:
        super().__init__(str(error))
        self.error = error


def storage_of(spec: ProjectSpec) -> str:
    """Where the project keeps its items: memory, sqlite or postgresql."""
    if "database" not in spec.middleware:
        return "memory"
    return (
        "postgresql" if str(spec.setting("database", "url")).startswith("postgresql:") else "sqlite"
    )


def run_sequences(
    spec: ProjectSpec,
    flask: Path,
    express: Path,
    sequences: int,
    databases: Callable[[], str] | None,
    options: dict[str, Any],
) -> Report:
    """Run `sequences` sequences (more while shrinking) and report every difference; `options`
    are `parity.check`'s: seed, time_limit, production, observer."""
    production = bool(options.get("production", False))
    time_limit = float(options.get("time_limit", DEFAULT_TIME_LIMIT))
    if not spec.resources:
        raise UsageError(
            "stateful parity (--sequences) needs a resource, e.g. -r 'resource /items name:str'"
        )
    if not 1 <= sequences <= MAX_SEQUENCES:
        raise UsageError(f"--sequences {sequences} must be from 1 to {MAX_SEQUENCES}")
    if production and "production-server" not in spec.switches:
        raise UsageError(
            "--production needs projects with the production-server choice; "
            "add --production-server, or leave --production out"
        )
    storage = storage_of(spec)
    made = None
    if storage == "postgresql" and databases is None:  # DATABASE_URL's server, else refused
        made = Databases(
            "postgresql", Path(), prefix="dualgen_parity", what="stateful parity on PostgreSQL"
        )
    observe = options.get("observer") or (lambda event, value: None)
    report = new_report(spec, options.get("seed"), sequences, production, observe, storage)
    installed = {
        name: runner.install(folder) for name, folder in (("flask", flask), ("express", express))
    }
    folders = {"flask": flask, "express": express}
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        for name, folder in folders.items():  # node finds the dependencies all run long
            stack.enter_context(installed[name].visible_in(folder))
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dualgen-stateful-")))
        pool = stack.enter_context(ThreadPoolExecutor(2))
        if made is not None:  # dropped when the run ends, after the servers stop
            made.installed = installed["flask"]
            databases = _fresh_databases(made, stack.enter_context(contextlib.ExitStack()))
        servers = _Servers(spec, folders, installed, production, tmp, databases)
        stack.callback(servers.close)
        search = _Sequences(spec, report, time.monotonic() + time_limit, observe, pool)
        search.servers = servers
        try:
            search.run()
        except _ServerStopped as stopped:
            raise stopped.error from None
    report.seconds = time.monotonic() - started
    observe("done", report)
    return report


def _fresh_databases(made: Databases, stack: contextlib.ExitStack) -> Callable[[], str]:
    """A maker of PostgreSQL databases of dualgen's own, each dropped when `stack` closes."""
    lock = threading.Lock()

    def fresh() -> str:
        with lock:  # servers start in several threads
            return stack.enter_context(made.fresh())

    return fresh


class _Servers:
    """A fresh pair of servers, each with a fresh store, for each sequence; the next pair
    starts while a sequence runs (a spare, never sent a request, so its stores are fresh)."""

    def __init__(
        self,
        spec: ProjectSpec,
        folders: dict[str, Path],
        installed: dict[str, runner.Installed],
        production: bool,
        tmp: Path,
        databases: Callable[[], str] | None,
    ) -> None:
        self.spec, self.folders, self.installed = spec, folders, installed
        self.production, self.tmp, self.databases = production, tmp, databases
        self.storage = storage_of(spec)
        self.count = 0
        self.starter = ThreadPoolExecutor(4, thread_name_prefix="dualgen-start")
        self.spare: Future[_Pair] | None = None

    def _env(self, name: str, number: int) -> dict[str, str]:
        env = server_env(self.spec, self.production)
        if self.storage == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{self.tmp / f'{number}-{name}.db'}"
        elif self.storage == "postgresql" and self.databases is not None:
            env["DATABASE_URL"] = self.databases()
        return env

    def _command(self, name: str) -> list[str] | None:
        """What `npm start` runs (`node app.js`), without npm's own second of start-up."""
        if name == "express" and not self.production:
            return [shutil.which("node") or "node", "app.js"]
        return None

    def _ports(self) -> list[int]:
        """A port for each server, chosen one after the other: two servers that each chose a
        free port at the same moment could be given the same one, and the second would seem
        to listen where the first does."""
        if self.spec.classic:  # the article's programs listen on fixed ports
            return [self.spec.port_for(name) for name in self.folders]
        ports: list[int] = []
        while len(ports) < len(self.folders):
            port = runner.free_port()
            if port not in ports:
                ports.append(port)
        return ports

    def _start(self) -> _Pair:
        """Both servers, started at once on fresh stores; their ExitStack stops them."""
        self.count += 1
        number = self.count
        managers = {
            name: runner.serve(
                folder,
                installed=self.installed[name],
                production=self.production,
                env=self._env(name, number),
                port=port,
                command=self._command(name),
            )
            for (name, folder), port in zip(self.folders.items(), self._ports(), strict=True)
        }
        stack = contextlib.ExitStack()
        futures = {name: self.starter.submit(m.__enter__) for name, m in managers.items()}
        servers, error = {}, None
        for name, future in futures.items():
            try:
                servers[name] = future.result()
                stack.push(managers[name])
            except BaseException as failed:  # noqa: BLE001 - the other one is stopped first
                error = error or failed
        if error is not None:
            stack.close()
            raise error
        return number, stack, servers

    @contextlib.contextmanager
    def fresh(self) -> Iterator[dict[str, runner.Server]]:
        """A pair of servers on fresh stores, stopped (and their files deleted) after."""
        pair = self.spare.result() if self.spare is not None else self._start()
        self.spare = None
        number, stack, servers = pair
        try:
            self.spare = self.starter.submit(self._start)
            yield servers
        finally:
            stack.close()
            for path in self.tmp.glob(f"{number}-*.db*"):
                path.unlink(missing_ok=True)

    def close(self) -> None:
        """Stop the spare pair, if one started."""
        try:
            if self.spare is not None:
                with contextlib.suppress(Exception):
                    self.spare.result()[1].close()
        finally:
            self.starter.shutdown(wait=True)


class _Sequences(_Search):
    """The rounds of hypothesis runs, each run one sequence on fresh servers."""

    servers: _Servers

    def __init__(
        self,
        spec: ProjectSpec,
        report: Report,
        deadline: float,
        observe: Observer,
        pool: ThreadPoolExecutor,
    ) -> None:
        super().__init__(spec, report, {}, deadline, observe, pool)
        self.operations = Operations(spec.resources)

    def run(self) -> None:
        report = self.report
        while report.sequences < report.requested:
            signals.checkpoint()
            if time.monotonic() >= self.deadline:
                report.out_of_time = True
                break
            report.rounds += 1
            self.new = set()
            before = report.sequences
            self._round(report.seed * 1000 + report.rounds, report.requested - report.sequences)
            self.known |= self.new
            if report.sequences == before:
                break
        self.observe("progress", report)

    def _strategy(self) -> Any:  # hypothesis' data: each operation drawn after the last answer
        return st.data()

    def _probe(self, example: Any) -> None:  # hypothesis' DataObject
        from hypothesis.control import current_build_context

        signals.checkpoint()
        final = current_build_context().is_final
        report = self.report
        if not final and (
            time.monotonic() >= self.deadline
            or (not self.new and report.sequences >= report.requested)
        ):
            report.out_of_time = report.out_of_time or time.monotonic() >= self.deadline
            raise _Enough
        report.sequences += 1
        self.observe("progress", report)
        source = next(self.clients)
        client = "198." + source.split(".", 1)[1]
        with self.servers.fresh() as servers:
            self._sequence(example, servers, source, client, final)

    def _sequence(
        self, data: Any, servers: dict[str, runner.Server], source: str, client: str, final: bool
    ) -> None:
        """One sequence: each operation to both servers, its answers compared at once."""
        models = [Items() for _ in self.operations.resources]
        shown: list[Any] = []
        steps = data.draw(self.operations.length, label="operations")
        for _ in range(steps):
            step = self.operations.step(data.draw, models)
            futures = {
                name: self.pool.submit(send, server.url, step.request, source=source, client=client)
                for name, server in servers.items()
            }
            answers: dict[str, Answer] = {name: f.result() for name, f in futures.items()}
            if any(answer.error == REFUSED for answer in answers.values()):
                try:
                    check_running(servers, self.report.sent, wait=5.0)
                except RunError as error:
                    raise _ServerStopped(error) from None
                raise _ServerStopped(RunError("a server refused a connection yet still runs"))
            shown.append(step.request)
            self._check(answers, tuple(shown), final)
            index = [r.path for r in self.operations.resources].index(step.resource)
            flask = answers["flask"]
            models[index].learn(step.request, flask.status, flask.body)
