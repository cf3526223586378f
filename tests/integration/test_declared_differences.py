"""The declared differences are real and exact: each one's example request, sent to both servers
of a project without strict parity, gets answers that differ in a way the entry covers (and in
no undeclared way); with strict parity the same request gets the same answer from both."""

from __future__ import annotations

import contextlib

import pytest

from generator import catalog
from generator.catalog import differences
from generator.parity import examples
from generator.parity.requests import Request
from generator.parity.wire import client_addresses

REMOVED = catalog.CHOICES["strict-parity"].declared
#: Every difference strict parity removes that a plain request shows (the api preset's).
SHOWN = [
    declared
    for where, declared in catalog.all_declared()
    if declared.example and "strict-parity" in (where, declared.unless)
]
SOURCES = client_addresses(start=7000)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """The examples' project, without and with strict parity, both frameworks, started once."""
    root = tmp_path_factory.mktemp("declared")
    with contextlib.ExitStack() as stack:
        yield {
            strict: stack.enter_context(
                examples.example_servers(root / f"strict-{strict}", strict=strict)
            )
            for strict in (False, True)
        }


def _differences(started, request):
    built, urls = started
    answers, aspects = examples.ask(urls, request, next(SOURCES))
    return built, answers, aspects


def test_every_difference_strict_parity_removes_has_an_example_and_docs():
    assert len(REMOVED) == 9
    for declared in REMOVED:
        method, path = declared.example.split(" ")
        assert method.isupper() and path.startswith("/"), declared.title
        assert declared.docs and all(d.startswith("https://") for d in declared.docs)


def test_the_examples_cover_every_difference_strict_parity_removes_but_bodies_and_names():
    # With an example: CORS's two and Retry-After; without: JSON bodies and error names.
    assert len(SHOWN) == len(REMOVED) + 3


@pytest.mark.parametrize("declared", SHOWN, ids=[d.title for d in SHOWN])
def test_the_example_differs_as_declared_and_strict_parity_removes_it(declared, servers):
    request = Request(*declared.example.split(" "))
    built, answers, aspects = _differences(servers[False], request)
    assert aspects, f"{declared.example}: both servers answered alike"
    assert any(declared.covers(a, answers, (request,)) for a in aspects), [a.label for a in aspects]
    known = catalog.declared_differences(built)
    undeclared = [
        a.label for a in aspects if not any(d.covers(a, answers, (request,)) for d in known)
    ]
    assert undeclared == []

    idiomatic = {a.label for a in aspects}
    built, answers, aspects = _differences(servers[True], request)
    known = catalog.declared_differences(built)
    assert [
        a.label for a in aspects if not any(d.covers(a, answers, (request,)) for d in known)
    ] == []
    # Strict parity changes what differs; what stays is declared for it too (an OPTIONS
    # answer's Content-Type, above).
    assert {a.label for a in aspects} != idiomatic


def test_the_recorded_answers_are_what_the_servers_answer(servers):
    """`dualgen options` and `compare` show each example's answers from
    generator/declared_answers.json: measured, never typed by hand."""
    assert examples.measure(*servers[False]) == differences.measured()
    assert sorted(differences.measured()) == sorted(d.title for d in SHOWN)
