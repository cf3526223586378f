"""The dependency modules a project name may not shadow are read off a real install."""

from __future__ import annotations

import json
import subprocess

from generator import catalog, runner
from generator.render import render
from generator.spec import build

#: What a bare virtualenv brings on its own, whatever the project depends on.
VENV_OWN = {"_distutils_hack", "pip", "pkg_resources", "setuptools", "wrapt-stubs"}


def test_dependency_modules_match_the_installed_closure_of_every_flask_pin(tmp_path):
    # Redis for the rate limit, events: gunicorn's gevent worker, and a PostgreSQL database.
    redis = {"rate-limit": {"storage": "redis://localhost:6379"}}
    postgresql = {"database": {"url": "postgresql://localhost/app"}}
    spec = build({"preset": "production", "tests": True, "settings": redis})
    spec = build(
        {
            **spec.answers(),
            "middleware": [*spec.middleware, "events", "database"],
            "settings": spec.settings | postgresql,
        }
    )
    pinned = catalog.packages("flask", spec.choices(), settings=spec.settings)
    assert set(pinned) | {"pytest"} == set(catalog.PINS["flask"])
    (project,) = render(spec, ("flask",), tmp_path)
    installed = runner.install(project, dev=True)
    listing = subprocess.run(
        [
            str(installed.python),
            "-c",
            "import importlib.metadata, json; "
            "print(json.dumps(sorted(importlib.metadata.packages_distributions())))",
        ],
        cwd=tmp_path,
        env={k: v for k, v in installed.env.items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        check=True,
    )
    modules = set(json.loads(listing.stdout)) - VENV_OWN
    assert modules == set(catalog.DEPENDENCY_MODULES)
