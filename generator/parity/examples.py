"""The declared differences' examples, measured: each example request sent to both servers of
the spec it is written for. `python -m generator.parity.examples` records what they answered in
generator/catalog/declared_answers.json, which `dualgen options` and `compare` show."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog.differences import MEASURED_FILE

if TYPE_CHECKING:
    from ..catalog.differences import Measured
    from ..spec import ProjectSpec
    from .observe import Aspect
    from .requests import Request
    from .wire import Answer


@contextlib.contextmanager
def example_servers(
    root: Path, *, strict: bool = False
) -> Iterator[tuple[ProjectSpec, dict[str, str]]]:
    """The spec the examples are written for (the api preset with a rate limit, with or
    without strict parity) and both its servers' URLs, rendered under root; stopped after."""
    from .. import catalog, runner, spec
    from ..render import render

    middleware = [*catalog.PRESETS["api"]["middleware"], "rate-limit"]  # type: ignore[misc]  # a list
    built = spec.build({"preset": "api", "middleware": middleware, "strict-parity": strict})
    with contextlib.ExitStack() as stack:
        projects = render(built, catalog.FRAMEWORKS, root)
        yield (
            built,
            {
                framework: stack.enter_context(runner.serve(project)).url
                for framework, project in zip(catalog.FRAMEWORKS, projects, strict=True)
            },
        )


def ask(
    urls: dict[str, str], request: Request, source: str
) -> tuple[dict[str, Answer], list[Aspect]]:
    """Both servers' answers to one request from one client, and how they differ."""
    from .observe import compare
    from .wire import send

    answers = {
        name: send(url, request, source=source, client="198.18.0.1") for name, url in urls.items()
    }
    return answers, compare(answers["flask"], answers["express"])


def measure(built: ProjectSpec, urls: dict[str, str]) -> dict[str, Measured]:
    """Send each example that applies to `built` to its running servers (example_servers):
    what each answered, and what differed that the example's difference covers, per title."""
    from .. import catalog
    from .requests import Request
    from .wire import client_addresses

    sources = client_addresses(start=7500)
    found: dict[str, Measured] = {}
    for declared in catalog.declared_differences(built):
        if not declared.example:
            continue
        request = Request(*declared.example.split(" "))  # type: ignore[arg-type]  # METHOD /path
        answers, aspects = ask(urls, request, next(sources))
        covered = [a.label for a in aspects if declared.covers(a, answers, (request,))]
        found[declared.title] = {
            "request": declared.example,
            "flask": answers["flask"].status,
            "express": answers["express"].status,
            "differs": sorted(set(covered)),
        }
    return found


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder, example_servers(Path(folder)) as running:
        answers = measure(*running)
    MEASURED_FILE.write_text(json.dumps(answers, indent=2) + "\n", encoding="utf-8")
    print(f"{MEASURED_FILE}: {len(answers)} examples measured")
