"""What stateful parity draws (generator.parity.operations), without servers: sequences as long
as asked, ids that name existing items most of the time, each invalid write refused for one
reason, and simplest-first choices that shrink towards a plain list and each field's first value.

A sequence runs here against the contract itself (ids 1, 2, 3 …, never given again; a delete of
an item that exists answers 204), standing in for the servers.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.parity.operations import (
    BAD_IDS,
    KINDS,
    MAX_STEPS,
    MIN_STEPS,
    NEVER,
    Items,
    Operations,
    Step,
    decode,
)
from generator.spec.resources import MAX_INT, MAX_STRING, parse_resource

ITEMS = parse_resource("resource /items name:str price:float in_stock:bool?")
TAGS = parse_resource("resource /tags label:str count:int")
OPERATIONS = Operations([ITEMS, TAGS])
SETTINGS = settings(
    max_examples=150, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


def contract_status(step: Step, items: Items, given: list[int]) -> tuple[int, bytes]:
    """The status (and body) the contract gives, enough for the model to follow it."""
    request = step.request
    if request.method == "POST" and step.kind == "create":
        given.append(len(given) + 1)
        return 201, json.dumps({"id": given[-1]}).encode()
    last = request.path.rsplit("/", 1)[1]
    if request.method == "DELETE" and last.isdigit() and int(last) in items.live:
        return 204, b""
    return 200, b"{}"


def run_sequence(data: st.DataObject) -> list[tuple[Step, list[int]]]:
    """A whole drawn sequence, each step with the live ids of its resource before it."""
    models = [Items(), Items()]
    given: dict[str, list[int]] = {"/items": [], "/tags": []}
    found = []
    for _ in range(data.draw(OPERATIONS.length)):
        step = OPERATIONS.step(data.draw, models)
        items = models[0 if step.resource == "/items" else 1]
        found.append((step, list(items.live)))
        status, body = contract_status(step, items, given[step.resource])
        items.learn(step.request, status, body)
    return found


@SETTINGS
@given(st.data())
def test_a_sequence_holds_10_to_30_operations_on_both_resources(data):
    steps = run_sequence(data)
    assert MIN_STEPS <= len(steps) <= MAX_STEPS
    assert {step.resource for step, _ in steps} <= {"/items", "/tags"}
    for step, _ in steps:
        assert step.request.path.startswith(step.resource)
        assert step.kind in KINDS


def test_ids_name_existing_items_most_of_the_time():
    targeted, live = [], []

    @SETTINGS
    @given(st.data())
    def collect(data):
        for step, before in run_sequence(data):
            if step.kind in ("read", "replace", "delete", "invalid replace") and before:
                targeted.append(step)
                last = step.request.path.rsplit("/", 1)[1]
                live.append(last.isdigit() and int(last) in before)

    collect()
    assert len(targeted) > 500
    assert sum(live) / len(live) > 0.75
    others = {
        s.request.path.rsplit("/", 1)[1] for s, hit in zip(targeted, live, strict=True) if not hit
    }
    assert str(NEVER) in others and others & set(BAD_IDS)


def test_creates_outnumber_lists_and_sequences_write():
    assert KINDS[0] == "list", "a step shrinks towards a plain list"
    assert KINDS.count("create") > KINDS.count("list")
    assert KINDS.count("read") + KINDS.count("replace") + KINDS.count("delete") >= 10


def test_item_zero_is_each_fields_first_value_and_every_number_a_valid_item():
    assert decode(0, ITEMS.fields) == {"name": "a", "price": 0.5, "in_stock": True}
    seen_absent = seen_null = False
    for n in range(0, 6 * 6 * 4):
        item = decode(n, ITEMS.fields)
        assert isinstance(item["name"], str) and len(item["name"]) <= MAX_STRING
        assert isinstance(item["price"], int | float) and not isinstance(item["price"], bool)
        seen_absent |= "in_stock" not in item
        seen_null |= item.get("in_stock", False) is None
    assert seen_absent and seen_null


@SETTINGS
@given(st.data())
def test_an_invalid_write_is_invalid_for_one_drawn_reason(data):
    body = bytes(OPERATIONS.invalid(data.draw, TAGS))
    try:
        value = json.loads(body)
    except ValueError:
        return  # malformed: no JSON at all
    if not isinstance(value, dict):
        return  # not an object
    label, count = value.get("label"), value.get("count")
    reasons = [
        set(value) - {"label", "count"} != set(),
        not isinstance(label, str),
        isinstance(label, str) and (len(label) > MAX_STRING or "\0" in label),
        not isinstance(count, int) or isinstance(count, bool) or abs(count) > MAX_INT,
    ]
    assert any(reasons), value


def test_a_page_query_gives_limit_and_offset_as_drawn():
    pages = set()

    @SETTINGS
    @given(st.data())
    def collect(data):
        pages.add(OPERATIONS._page(data.draw))

    collect()
    assert "" in pages and "?limit=1" in pages and "?limit=0&offset=-1" in pages
