"""`dualgen parity`: a differential tester. Requests drawn from the spec and the catalog go to the
Flask and the Express server alike; every difference a client would see is shrunk to a minimal
request by hypothesis and reported once, with both answers and a curl command for each server.

`check(spec)` renders both projects into a temporary folder; `check_projects(flask, express)`
uses existing ones. Both start the two servers at once and return a `Report`.

How the search runs: hypothesis draws examples with a printed seed: a batch of independent
requests, sent to both servers at once, or under a rate limit one client's requests in order. Each
run connects from a fresh loopback address, so that it starts with fresh rate-limit counters
however often hypothesis replays it. A run whose answers differ raises an exception of a type made
for the difference's signature, so that hypothesis keeps one minimal example per distinct
difference (`report_multiple_bugs`). The search goes in rounds: a difference found in one round is
known in the next, where it is counted but no longer raised, so that what it hid comes out.
Declared differences (`catalog.declared_differences`) are counted, never raised.
"""

from __future__ import annotations

import contextlib
import math
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from .. import catalog, runner, signals
from ..errors import RunError, UsageError
from ..project import load_project, server_env
from ..spec import ProjectSpec
from .findings import (
    Difference,
    Found,
    Report,
    _difference_type,
    _is_flaky,
    _size,
    kind_of,
    new_report,
    signature_of,
)
from .observe import Aspect, compare
from .requests import MAX_BATCH, Example, Request, RequestSpace
from .servers import Stopped, check_running
from .streams import check_streams
from .wire import REFUSED, Answer, client_addresses, send

__all__ = ["Difference", "Found", "Report", "check", "check_projects", "kind_of", "signature_of"]

if sys.version_info >= (3, 11):
    from builtins import BaseExceptionGroup
else:  # hypothesis brings the backport
    from exceptiongroup import BaseExceptionGroup

DEFAULT_REQUESTS = 2000
DEFAULT_TIME_LIMIT = 600.0

Observer = Callable[[str, object], None]


class _Enough(BaseException):
    """The requests or the time are used up: ends a hypothesis run (which passes any
    BaseException through at once)."""


# -- running ---------------------------------------------------------------------------------


def check(spec: ProjectSpec, **options: Any) -> Report:  # _run's options
    """Render both projects of `spec` into a temporary folder and compare their servers."""
    from ..render import render_tree

    with tempfile.TemporaryDirectory(prefix="dualgen-parity-") as tmp:
        flask = render_tree(spec, "flask", Path(tmp) / "flask")
        express = render_tree(spec, "express", Path(tmp) / "express")
        return _run(spec, flask, express, **options)


def check_projects(first: Path, second: Path, **options: Any) -> Report:  # _run's options
    """Compare the servers of two existing projects, one Flask and one Express, made from the
    same choices."""
    specs, folders = {}, {}
    for folder in (Path(first), Path(second)):
        spec, framework = load_project(folder)
        if framework in folders:
            raise UsageError(
                f"{first} and {second} are both {framework} projects; give one Flask and one "
                "Express project"
            )
        specs[framework], folders[framework] = spec, folder
    if specs["flask"] != specs["express"]:
        raise UsageError(
            f"{folders['flask']} and {folders['express']} were made from different choices "
            "(their .dualgen.yaml differ); parity compares two projects of the same choices"
        )
    return _run(specs["flask"], folders["flask"], folders["express"], **options)


def _run(
    spec: ProjectSpec,
    flask: Path,
    express: Path,
    *,
    sequences: int | None = None,
    databases: Callable[[], str] | None = None,
    **options: Any,  # _requests' options
) -> Report:
    if sequences is None:
        return _requests(spec, flask, express, **options)
    from .stateful import run_sequences  # stateful: sequences of operations on the resources

    return run_sequences(spec, flask, express, sequences, databases, options)


def _requests(
    spec: ProjectSpec,
    flask: Path,
    express: Path,
    *,
    requests: int = DEFAULT_REQUESTS,
    seed: int | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    production: bool = False,
    observer: Observer | None = None,
) -> Report:
    if production and "production-server" not in spec.switches:
        raise UsageError(
            "--production needs projects with the production-server choice; "
            "add --production-server, or leave --production out"
        )
    observe = observer or (lambda event, value: None)
    report = new_report(spec, seed, requests, production, observe)
    env = server_env(spec, production)
    installed = {
        name: runner.install(folder) for name, folder in (("flask", flask), ("express", express))
    }
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        servers = {
            name: stack.enter_context(
                runner.serve(
                    folder,
                    installed=installed[name],
                    production=production,
                    env=env,
                    # The article's programs listen on fixed ports.
                    port=spec.port_for(name) if spec.classic else None,
                )
            )
            for name, folder in (("flask", flask), ("express", express))
        }
        observe("listening", servers)
        check_streams(spec, report, {name: s.url for name, s in servers.items()}, observe)
        deadline = time.monotonic() + time_limit  # from when both servers listen
        with ThreadPoolExecutor(max_workers=2 * MAX_BATCH) as pool:
            try:
                _Search(spec, report, servers, deadline, observe, pool).run()
            except (Exception, Stopped) as error:
                # A server that stopped explains any failure; one that refused has stopped.
                check_running(servers, report.sent, wait=5.0 if isinstance(error, Stopped) else 0.0)
                if isinstance(error, Stopped):
                    raise RunError(
                        f"a server refused a connection after {report.sent} requests to each "
                        "server yet still runs; nothing is reported"
                    ) from None
                raise
        check_running(servers, report.sent)
    report.seconds = time.monotonic() - started
    observe("done", report)
    return report


class _Search:
    """The rounds of hypothesis runs against two running servers."""

    def __init__(
        self,
        spec: ProjectSpec,
        report: Report,
        servers: dict[str, runner.Server],
        deadline: float,
        observe: Observer,
        pool: ThreadPoolExecutor,
    ) -> None:
        self.spec = spec
        self.report = report
        self.urls = {name: server.url for name, server in servers.items()}
        self.deadline = deadline
        self.observe = observe
        self.space = RequestSpace(spec)
        self.declared = catalog.declared_differences(spec)
        self.known: set[str] = set()
        self.new: set[str] = set()
        self.clients = client_addresses()
        self.last_progress = 0.0
        self.pool = pool
        #: Requests per example so far, to size each round's max_examples.
        self.examples = 0

    def run(self) -> None:
        report = self.report
        while report.sent < report.requested:
            signals.checkpoint()
            if time.monotonic() >= self.deadline:
                report.out_of_time = True
                break
            report.rounds += 1
            self.new = set()
            before = report.sent
            # Size the round to the requests left, at the requests per example seen so far.
            per_example = report.sent / self.examples if self.examples else 4.0
            examples = math.ceil((report.requested - report.sent) / per_example)
            self._round(report.seed * 1000 + report.rounds, examples)
            self.known |= self.new
            if report.sent == before:
                break
        self.observe("progress", report)

    def _round(self, seed: int, examples: int) -> None:
        from hypothesis import HealthCheck, Phase, Verbosity, given, settings
        from hypothesis import seed as with_seed
        from hypothesis.configuration import set_hypothesis_home_dir

        # Hypothesis keeps a cache; in dualgen's, never in the user's folder.
        try:
            home = runner.cache_folder("hypothesis")
        except OSError:  # hypothesis writes nothing it needs: it copes with a folder it lacks
            home = runner.cache_dir() / "hypothesis"
        set_hypothesis_home_dir(home)

        @with_seed(seed)
        @settings(
            max_examples=examples,
            database=None,
            deadline=None,
            derandomize=False,
            report_multiple_bugs=True,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
            print_blob=False,
        )
        @given(self._strategy())
        def probe(example: Any) -> None:  # an Example, or hypothesis' data (stateful)
            self._probe(example)

        try:
            probe()
        except (Difference, _Enough):
            pass
        except BaseExceptionGroup as group:  # several differences: each was recorded
            # ... and the time limit or a flaky replay (a group itself) may end one's shrinking
            rest = group.split(lambda e: isinstance(e, Difference | _Enough) or _is_flaky(e))[1]
            if rest is not None:
                raise rest from None
        except Exception as error:  # hypothesis' Flaky: the minimal example did not fail again
            if not _is_flaky(error):
                raise

    def _strategy(self) -> Any:  # what hypothesis draws for one run
        return self.space.examples()

    def _probe(self, example: Any) -> None:
        from hypothesis.control import current_build_context

        signals.checkpoint()  # hypothesis may have caught the first raise
        final = current_build_context().is_final
        report = self.report
        now = time.monotonic()
        if now - self.last_progress > 0.5:
            self.observe("progress", report)
            self.last_progress = now
        if not final and (
            now >= self.deadline or (not self.new and report.sent >= report.requested)
        ):
            report.out_of_time = report.out_of_time or now >= self.deadline
            raise _Enough  # ends the round at once, shrinking included
        self.examples += 1
        source = next(self.clients)
        client = "198." + source.split(".", 1)[1]  # as unique as the source address
        if self.space.sequential:
            self._in_sequence(example, source, client, final)
        else:
            self._in_parallel(example, source, client, final)

    def _send_both(self, request: Request, source: str, client: str) -> dict[str, Future[Answer]]:
        """Futures of both servers' answers to one request, sent at the same time."""
        return {
            name: self.pool.submit(send, url, request, source=source, client=client)
            for name, url in self.urls.items()
        }

    def _in_parallel(self, example: Example, source: str, client: str, final: bool) -> None:
        """Independent requests, all sent at once; the first that differs is raised."""
        pending = [self._send_both(request, source, client) for request in example]
        for request, futures in zip(example, pending, strict=True):
            answers = {name: future.result() for name, future in futures.items()}
            if any(answer.error == REFUSED for answer in answers.values()):
                raise Stopped  # the rest of the run would compare with nothing
            self._check(answers, (request,), final)

    def _in_sequence(self, example: Example, source: str, client: str, final: bool) -> None:
        """One client's requests in order (a rate limit counts them), each to both servers."""
        shown: list[Request] = []
        for request in example:
            single = replace(request, repeat=1)
            for n in range(request.repeat):
                futures = self._send_both(single, source, client)
                answers = {name: future.result() for name, future in futures.items()}
                if any(answer.error == REFUSED for answer in answers.values()):
                    raise Stopped
                self._check(answers, (*shown, replace(request, repeat=n + 1)), final)
            shown.append(request)

    def _check(self, answers: dict[str, Answer], steps: Example, final: bool) -> None:
        """Count one pair of answers; raise for a difference neither known nor declared."""
        report = self.report
        report.sent += 1
        aspects = compare(answers["flask"], answers["express"])
        if not aspects:
            report.identical += 1
            return
        report.differing += 1
        report.by_kind.update({kind_of(aspect) for aspect in aspects})
        signature = self._raise_for(aspects, answers, steps)
        if signature is not None:
            self._record(signature, aspects, steps, answers, final)
            raise _difference_type(signature)(signature)

    def _raise_for(
        self, aspects: list[Aspect], answers: dict[str, Answer], steps: Example
    ) -> str | None:
        """The signature to raise this run for: its first difference neither known from an
        earlier round nor declared. Declared ones are counted and kept with the smallest
        example seen (hypothesis shrinks only what is raised)."""
        raised, undeclared = None, False
        for aspect in aspects:
            signature = signature_of(aspect, answers["flask"])
            declared = next((d for d in self.declared if d.covers(aspect, answers, steps)), None)
            key = signature if declared is None else f"{signature} ({declared.title})"
            found = self.report.found.get(key)
            if found is not None:
                found.count += 1
            if declared is not None:
                if found is None or _size(steps) < _size(found.example):
                    first = found is None
                    found = Found(
                        signature,
                        kind_of(aspect),
                        [aspect],
                        steps,
                        answers["flask"],
                        answers["express"],
                        declared,
                        count=found.count if found else 1,
                        confirmed=True,
                    )
                    self.report.found[key] = found
                    if first:
                        self.observe("found", found)
            else:
                undeclared = True
                if raised is None and signature not in self.known:
                    raised = signature
        self.report.declared_only += not undeclared
        return raised

    def _record(
        self,
        signature: str,
        aspects: list[Aspect],
        steps: Example,
        answers: dict[str, Answer],
        final: bool,
    ) -> None:
        """Keep the latest (most shrunk) example of a difference until hypothesis replays the
        minimal one, its final run."""
        found = self.report.found.get(signature)
        if found is None:
            self.new.add(signature)
            first = next(a for a in aspects if signature_of(a, answers["flask"]) == signature)
            found = self.report.found[signature] = Found(
                signature, kind_of(first), aspects, steps, answers["flask"], answers["express"]
            )
            found.count = 1
            self.observe("found", found)
        if final or not found.confirmed:
            found.aspects, found.example = aspects, steps
            found.flask, found.express = answers["flask"], answers["express"]
            found.confirmed = final
