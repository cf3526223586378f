"""The `tests` choice (Tests): its catalog entry."""

from __future__ import annotations

from ..entries import Choice, Side

CHOICE = Choice(
    key="tests",
    title="Tests",
    help="Tests that pass as generated: pytest + Flask's test client, node --test + supertest.",
    flask=Side((), "pytest fixtures app -> client.", dev_packages=("pytest",)),
    express=Side((), "node --test with supertest.", dev_packages=("supertest",)),
)
