"""`dualgen parity`'s logic without servers, against fixed expectations: how a pair of answers is
counted, raised or declared (generator/parity/__init__.py), the curl lines and client
addresses (generator/parity/wire.py), a request's one-line description and what a declared
difference covers."""

from __future__ import annotations

import uuid
from http.client import RemoteDisconnected
from types import SimpleNamespace

import pytest

from generator import parity, spec
from generator.bounds import Violation
from generator.catalog.choices import Declared
from generator.parity.observe import Aspect
from generator.parity.requests import Body, Request
from generator.parity.wire import Answer, _error_text, _printf, client_addresses, curl

BASE = "http://127.0.0.1:5000"

# -- kinds and signatures -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("aspect", "kind"),
    [
        pytest.param(Aspect("status", "", "200", "429"), "counting", id="express-429"),
        pytest.param(Aspect("status", "", "429", "200"), "counting", id="flask-429"),
        pytest.param(Aspect("status", "", "200", "404"), "status", id="status"),
        pytest.param(Aspect("header", "X-RateLimit-Remaining", "1", "2"), "counting", id="left"),
        pytest.param(Aspect("header", "x-ratelimit-remaining", "1", None), "counting", id="lower"),
        pytest.param(Aspect("header", "X-RateLimit-Reset", "1", "2"), "header", id="reset"),
        pytest.param(Aspect("header", "X-A", "429", None), "header", id="header-429"),
        pytest.param(Aspect("body", "", "429", "x"), "body", id="body-429"),
        pytest.param(Aspect("content-type", "", "a", "b"), "content-type", id="content-type"),
    ],
)
def test_each_difference_is_counted_under_its_kind(aspect, kind):
    assert parity.kind_of(aspect) == kind


@pytest.mark.parametrize(
    ("aspect", "signature"),
    [
        pytest.param(
            Aspect("status", "", "200", "404"), "status: Flask 200, Express 404", id="status"
        ),
        pytest.param(
            Aspect("content-type", "", "text/html", None),
            "Content-Type: Flask text/html, Express None",
            id="content-type",
        ),
        pytest.param(Aspect("body", "", "a", "b"), "body of a 201 answer", id="body"),
        pytest.param(
            Aspect("header", "X-A", "1", None), "header X-A: only Flask sends it", id="flask-only"
        ),
        pytest.param(
            Aspect("header", "X-A", None, "1"), "header X-A: only Express sends it", id="express"
        ),
        pytest.param(
            Aspect("header", "X-A", "1", "2"), "header X-A: the values differ", id="values"
        ),
    ],
)
def test_a_difference_is_known_by_its_signature(aspect, signature):
    assert parity.signature_of(aspect, Answer(201)) == signature


def test_each_signature_has_an_exception_type_of_its_own():
    # Signatures of their own: the types are kept for the process, so a signature another test
    # used would find its type made already.
    one, two = (f"status: Flask {uuid.uuid4()}" for _ in range(2))
    first = parity._difference_type(one)
    assert first is parity._difference_type(one)
    other = parity._difference_type(two)
    assert other is not first
    assert issubclass(first, parity.Difference) and issubclass(first, AssertionError)
    assert (first.__name__, first.signature, other.signature) == ("Difference", one, two)


def test_the_size_of_an_example_counts_requests_then_headers_and_bodies_then_paths():
    example = (
        Request("GET", "/ab", (("A", "1"), ("B", "2")), Body(b"x"), repeat=3),
        Request("POST", "/"),
    )
    assert parity._size(example) == (4, 3, 4)
    assert parity._size(example[:1]) == (3, 3, 3)
    assert parity._size(()) == (0, 0, 0)


@pytest.mark.parametrize(
    ("name", "flaky"),
    [
        pytest.param("Flaky", True, id="flaky"),
        pytest.param("FlakyFailure", True, id="flaky-failure"),
        pytest.param("FlakyStrategyDefinition", True, id="flaky-strategy"),
        pytest.param("ValueError", False, id="other"),
    ],
)
def test_only_hypothesis_flaky_errors_are_let_pass(name, flaky):
    assert parity._is_flaky(type(name, (Exception,), {})()) is flaky


# -- counting, raising and declaring the answers of a run ---------------------------------------


def search(declared=()) -> parity._Search:
    """A search of a default project whose servers are never contacted: `_check` only counts."""
    built = spec.build({})
    report = parity.Report(built, seed=1, requested=10)
    servers = {name: SimpleNamespace(url=f"http://{name}") for name in ("flask", "express")}
    events: list = []
    found = parity._Search(built, report, servers, 0.0, lambda *event: events.append(event), None)
    found.declared = list(declared)
    found.events = events
    return found


def answers(flask: Answer, express: Answer) -> dict[str, Answer]:
    return {"flask": flask, "express": express}


STATUS = "status: Flask 200, Express 404"
ONE = (Request("GET", "/a"),)
TWO = (Request("GET", "/a"), Request("GET", "/bb"))


def test_identical_answers_are_counted_and_nothing_is_raised():
    run = search()
    for _ in range(2):
        run._check(answers(Answer(200, [], b"x"), Answer(200, [], b"x")), ONE, False)
    report = run.report
    assert (report.sent, report.identical, report.differing, report.declared_only) == (2, 2, 0, 0)
    assert report.found == {} and run.events == [] and report.ok


def test_a_new_difference_is_recorded_once_and_raised_with_its_signature():
    run = search()
    pair = answers(Answer(200), Answer(404))
    with pytest.raises(parity.Difference) as raised:
        run._check(pair, TWO, False)
    assert type(raised.value) is parity._difference_type(STATUS)
    assert str(raised.value) == STATUS
    report = run.report
    assert (report.sent, report.identical, report.differing, report.declared_only) == (1, 0, 1, 0)
    assert report.by_kind == {"status": 1}
    found = report.found[STATUS]
    assert (found.signature, found.kind, found.count, found.confirmed) == (STATUS, "status", 1, 0)
    assert found.aspects == [Aspect("status", "", "200", "404")] and found.example == TWO
    assert (found.flask, found.express, found.declared) == (pair["flask"], pair["express"], None)
    assert run.events == [("found", found)] and run.new == {STATUS}
    assert report.undeclared == [found] and not report.ok

    # A shrunk example replaces it; the final (minimal) replay confirms it, and then it stays.
    with pytest.raises(parity.Difference):
        run._check(answers(Answer(200), Answer(404)), ONE, True)
    assert (found.count, found.example, found.confirmed) == (2, ONE, True)
    with pytest.raises(parity.Difference):
        run._check(pair, TWO, False)
    assert (found.count, found.example, found.confirmed) == (3, ONE, True)
    assert run.events == [("found", found)] and list(report.found) == [STATUS]
    assert (report.sent, report.differing, report.by_kind) == (3, 3, {"status": 3})


def test_before_the_final_replay_the_latest_example_and_answers_are_kept():
    run = search()
    with pytest.raises(parity.Difference):
        run._check(answers(Answer(200), Answer(404)), TWO, False)
    later = answers(Answer(200, [("X", "1")]), Answer(404, [("X", "2")]))
    with pytest.raises(parity.Difference):
        run._check(later, ONE, False)
    found = run.report.found[STATUS]
    assert (found.example, found.flask, found.express) == (ONE, later["flask"], later["express"])
    assert found.confirmed is False


def test_a_difference_known_from_an_earlier_round_is_counted_not_raised():
    run = search()
    run.known = {STATUS}
    run._check(answers(Answer(200), Answer(404)), ONE, False)
    assert (run.report.differing, run.report.declared_only, run.report.found) == (1, 0, {})
    # Recorded in the round that found it: later rounds count it.
    run.report.found[STATUS] = parity.Found(STATUS, "status", [], TWO, Answer(200), Answer(404))
    run._check(answers(Answer(200), Answer(404)), ONE, False)
    assert (run.report.found[STATUS].count, run.report.found[STATUS].example) == (1, TWO)
    assert run.report.differing == 2 and run.events == [] and run.new == set()


def test_the_first_difference_not_yet_known_is_the_one_raised():
    run = search()
    first, second = "header X-A: the values differ", "header X-B: only Flask sends it"
    run.known = {first}
    pair = answers(Answer(200, [("X-A", "1"), ("X-B", "1")]), Answer(200, [("X-A", "2")]))
    with pytest.raises(parity.Difference) as raised:
        run._check(pair, ONE, False)
    assert raised.value.signature == second
    found = run.report.found[second]
    assert found.kind == "header" and [a.name for a in found.aspects] == ["X-A", "X-B"]
    assert run.report.by_kind == {"header": 1}


STATUS_DECLARED = Declared("a declared status", "f", "e", "w", aspects=("status",))


def test_a_declared_difference_is_counted_and_keeps_its_smallest_example():
    run = search([STATUS_DECLARED])
    key = f"{STATUS} (a declared status)"
    run._check(answers(Answer(200), Answer(404)), TWO, False)
    report = run.report
    found = report.found[key]
    assert (found.signature, found.declared, found.count, found.confirmed) == (
        STATUS,
        STATUS_DECLARED,
        1,
        True,
    )
    assert (found.example, found.kind, report.declared_only, report.differing) == (
        TWO,
        "status",
        1,
        1,
    )
    assert run.events == [("found", found)] and report.ok and report.undeclared == []
    assert found.aspects == [Aspect("status", "", "200", "404")]
    assert (found.flask.status, found.express.status) == (200, 404)

    run._check(answers(Answer(200), Answer(404)), ONE, False)  # smaller: kept instead
    smaller = report.found[key]
    assert (smaller.example, smaller.count, report.declared_only) == (ONE, 2, 2)
    run._check(answers(Answer(200), Answer(404)), TWO, False)  # larger: counted only
    assert (report.found[key].example, report.found[key].count) == (ONE, 3)
    run._check(answers(Answer(200), Answer(404)), (Request("GET", "/b"),), False)  # as small
    assert (report.found[key].example, report.found[key].count) == (ONE, 4)
    assert len(run.events) == 1 and run.new == set()


def test_a_run_with_a_declared_and_an_undeclared_difference_raises_the_undeclared():
    declared = Declared("vary", "f", "e", "w", aspects=("header Vary",))
    run = search([declared])
    pair = answers(Answer(200, [("Vary", "a"), ("X-A", "1")]), Answer(200))
    with pytest.raises(parity.Difference) as raised:
        run._check(pair, ONE, False)
    assert raised.value.signature == "header X-A: only Flask sends it"
    assert run.report.declared_only == 0
    assert set(run.report.found) == {
        "header Vary: only Flask sends it (vary)",
        "header X-A: only Flask sends it",
    }


def test_rate_limit_differences_are_counted_as_counting():
    run = search()
    with pytest.raises(parity.Difference):
        run._check(answers(Answer(200), Answer(429)), ONE, False)
    assert run.report.by_kind == {"counting": 1}
    assert run.report.found["status: Flask 200, Express 429"].kind == "counting"


def test_a_found_difference_writes_one_curl_line_per_request_the_last_printing():
    example = (
        Request("GET", "/a", (("X-Forwarded-For", "{client}"),)),
        Request("POST", "/b", body=Body(b"x")),
    )
    found = parity.Found("s", "status", [], example, Answer(200), Answer(404))
    assert found.curl(BASE) == (
        "curl -s --path-as-is -o /dev/null -H 'X-Forwarded-For: 198.18.0.1' "
        "http://127.0.0.1:5000/a\n"
        "curl -s --path-as-is -i -X POST -H Content-Type: --data-binary x http://127.0.0.1:5000/b"
    )


# -- curl -----------------------------------------------------------------------------------------

PADDED = Body(b'{"d": "', 3000, b'"}')


@pytest.mark.parametrize(
    ("request_", "show", "command"),
    [
        pytest.param(Request(), True, "curl -s --path-as-is -i http://127.0.0.1:5000/", id="get"),
        pytest.param(
            Request(), False, "curl -s --path-as-is -o /dev/null http://127.0.0.1:5000/", id="quiet"
        ),
        pytest.param(
            Request("HEAD", "/x"), True, "curl -s --path-as-is -i --head http://127.0.0.1:5000/x"
        ),
        pytest.param(
            Request("DELETE", "/x"),
            True,
            "curl -s --path-as-is -i -X DELETE http://127.0.0.1:5000/x",
            id="delete",
        ),
        pytest.param(
            Request("GET", "/", body=Body(b"a")),
            True,
            "curl -s --path-as-is -i -X GET -H Content-Type: --data-binary a http://127.0.0.1:5000/",
            id="get-with-body",
        ),
        pytest.param(
            Request(
                "PUT", "/", (("X-Request-ID", ""), ("content-type", "text/plain")), Body(b"a b")
            ),
            True,
            "curl -s --path-as-is -i -X PUT -H 'X-Request-ID;' -H 'content-type: text/plain' "
            "--data-binary 'a b' http://127.0.0.1:5000/",
            id="empty-header-and-own-content-type",
        ),
        pytest.param(
            Request("POST", "/", body=Body(b"a"), chunked=True),
            True,
            "curl -s --path-as-is -i -X POST -H Content-Type: -H 'Transfer-Encoding: chunked' "
            "--data-binary a http://127.0.0.1:5000/",
            id="chunked",
        ),
        pytest.param(
            Request("POST", "/", body=PADDED),
            True,
            "{ printf '{\"d\": \"'; head -c 3000 /dev/zero | tr '\\0' x; printf '\"}'; } | "
            "curl -s --path-as-is -i -X POST -H Content-Type: -H Expect: --data-binary @- "
            "http://127.0.0.1:5000/",
            id="padded",
        ),
        pytest.param(
            Request("POST", "/", body=Body(b"", 3, b"", b" ")),
            True,
            "{ printf ''; head -c 3 /dev/zero | tr '\\0' ' '; printf ''; } | "
            "curl -s --path-as-is -i -X POST -H Content-Type: --data-binary @- "
            "http://127.0.0.1:5000/",
            id="padded-with-spaces",
        ),
        pytest.param(
            Request("POST", "/", body=Body(b"@file")),
            True,
            "printf '@file' | curl -s --path-as-is -i -X POST -H Content-Type: --data-binary @- "
            "http://127.0.0.1:5000/",
            id="at-sign",
        ),
        pytest.param(
            Request("POST", "/", body=Body(b"")),
            True,
            "printf '' | curl -s --path-as-is -i -X POST -H Content-Type: --data-binary @- "
            "http://127.0.0.1:5000/",
            id="empty-body",
        ),
        pytest.param(
            Request("POST", "/", body=Body(b"a\x7f")),
            True,
            "printf 'a\\177' | curl -s --path-as-is -i -X POST -H Content-Type: "
            "--data-binary @- http://127.0.0.1:5000/",
            id="delete-byte",
        ),
        pytest.param(
            Request("POST", "/", body=Body(b"\x1fa")),
            True,
            "printf '\\037a' | curl -s --path-as-is -i -X POST -H Content-Type: "
            "--data-binary @- http://127.0.0.1:5000/",
            id="control-byte",
        ),
        pytest.param(
            Request("POST", "/", body=Body(b" ~")),
            True,
            "curl -s --path-as-is -i -X POST -H Content-Type: --data-binary ' ~' "
            "http://127.0.0.1:5000/",
            id="printable-edges",
        ),
        pytest.param(
            Request("HEAD", "/x", repeat=3),
            True,
            "for i in $(seq 2); do curl -s --path-as-is -o /dev/null --head "
            "http://127.0.0.1:5000/x; done; curl -s --path-as-is -i --head http://127.0.0.1:5000/x",
            id="repeated",
        ),
    ],
)
def test_the_curl_command_is_exactly(request_, show, command):
    assert curl(BASE + "/", request_, show=show) == command


@pytest.mark.parametrize(
    ("size", "expect"),
    [pytest.param(1024, False, id="1024-bytes"), pytest.param(1025, True, id="1025-bytes")],
)
def test_curl_waits_for_no_100_continue_above_1024_bytes(size, expect):
    command = curl(BASE, Request("POST", "/", body=Body(b"a" * size)))
    assert ("-H Expect:" in command) is expect


def test_printf_writes_each_byte_exactly():
    assert _printf(b"%\\'\n~ \x1f\x7f\xffaX") == "'%%\\134\\047\\012~ \\037\\177\\377aX'"


def test_a_request_sent_twice_is_one_quiet_line_then_the_shown_one_from_the_same_client():
    request = Request("GET", "/", (("X-Forwarded-For", "{client}"),), repeat=2)
    assert curl(BASE, request, client="198.7.8.9") == (
        "for i in $(seq 1); do curl -s --path-as-is -o /dev/null "
        "-H 'X-Forwarded-For: 198.7.8.9' http://127.0.0.1:5000/; done; "
        "curl -s --path-as-is -i -H 'X-Forwarded-For: 198.7.8.9' http://127.0.0.1:5000/"
    )


def test_a_curl_line_comes_from_198_18_0_1_unless_told():
    request = Request("GET", "/", (("X-Forwarded-For", "{client}"),))
    assert curl(BASE, request) == (
        "curl -s --path-as-is -i -H 'X-Forwarded-For: 198.18.0.1' http://127.0.0.1:5000/"
    )


def test_the_client_of_a_curl_line_is_the_one_given():
    request = Request("GET", "/", (("X-Forwarded-For", "{client}, {proxy1}"),))
    assert curl(BASE, request, client="198.7.8.9") == (
        "curl -s --path-as-is -i -H 'X-Forwarded-For: 198.7.8.9, 10.7.8.9' http://127.0.0.1:5000/"
    )


# -- answers, addresses, errors ----------------------------------------------------------------


def test_an_answer_reads_headers_in_any_case_and_joins_repeats():
    answer = Answer(200, [("X-A", "1"), ("Y", "y"), ("x-a", "2")], b"\xffok")
    assert (answer.header("x-A"), answer.header("y"), answer.header("z")) == ("1, 2", "y", None)
    assert answer.to_json() == {
        "status": 200,
        "headers": [["X-A", "1"], ["Y", "y"], ["x-a", "2"]],
        "body": "\\xffok",
        "error": None,
    }
    assert Answer(None, error="closed").to_json()["error"] == "closed"


@pytest.mark.parametrize(
    ("start", "first"),
    [
        pytest.param(0, "127.1.0.1", id="first"),
        pytest.param(253, "127.1.0.254", id="last-host"),
        pytest.param(254, "127.1.1.1", id="next-block"),
        pytest.param(254 * 255, "127.1.255.1", id="last-block"),
        pytest.param(254 * 256, "127.2.0.1", id="next-second-octet"),
        pytest.param(254 * 256 * 253, "127.254.0.1", id="last-second-octet"),
        pytest.param(254 * 256 * 254, "127.1.0.1", id="wraps"),
    ],
)
def test_client_addresses_are_loopback_and_distinct(start, first):
    addresses = client_addresses(start)
    assert next(addresses) == first
    assert next(addresses) != first


def test_the_first_client_addresses_are_all_distinct():
    addresses = client_addresses()
    seen = [next(addresses) for _ in range(254 * 256 + 2)]
    assert len(set(seen)) == len(seen) and seen[:2] == ["127.1.0.1", "127.1.0.2"]


@pytest.mark.parametrize(
    ("error", "text"),
    [
        pytest.param(TimeoutError(), "no answer in time", id="timeout"),
        pytest.param(RemoteDisconnected("x"), "connection closed without an answer", id="closed"),
        pytest.param(ConnectionResetError(), "connection closed without an answer", id="reset"),
        pytest.param(BrokenPipeError(), "connection closed without an answer", id="pipe"),
        pytest.param(OSError("refused"), "OSError: refused", id="other"),
        pytest.param(ValueError("x" * 300), "ValueError: " + "x" * 188, id="long"),
        pytest.param(
            Violation("the answer's body is larger than 1048576 bytes"),
            "the answer's body is larger than 1048576 bytes",
            id="past-a-bound",
        ),
    ],
)
def test_a_failed_connection_is_said_in_words(error, text):
    assert _error_text(error) == text


# -- requests described, and what a declared difference covers ------------------------------------


@pytest.mark.parametrize(
    ("request_", "routed", "line"),
    [
        pytest.param(Request(), False, "GET /", id="plain"),
        pytest.param(
            Request("GET", "//a%20b?q=%2F", (("X-Forwarded-For", "{client}"),)),
            False,
            "GET //a%20b?q=%2F  [X-Forwarded-For: 198.18.0.1]",
            id="as-sent",
        ),
        pytest.param(
            Request("GET", "//a%20b?q=%2F", (("X-Forwarded-For", "{client6}"),)),
            True,
            "GET /a b  [X-Forwarded-For: 2001:db8::18:0:1]",
            id="as-routed",
        ),
        pytest.param(
            Request("POST", "/", (("A", "{proxy2}"),), Body(b"ab"), chunked=True, repeat=3),
            False,
            "3 × POST /  [A: 172.18.0.1; body 'ab' (chunked)]",
            id="body-chunked-repeated",
        ),
        pytest.param(
            Request("PUT", "/", body=PADDED),
            False,
            "PUT /  [body '{\"d\": \"' + 3000 × x + '\"}']",
            id="padded",
        ),
    ],
)
def test_a_request_is_described_on_one_line(request_, routed, line):
    assert request_.describe(routed=routed) == line


@pytest.mark.parametrize(
    ("declared", "aspect", "example", "flask", "express", "covers"),
    [
        pytest.param(Declared("t", "f", "e", "w"), "status", ONE, 200, 404, True, id="anything"),
        pytest.param(
            Declared("t", "f", "e", "w", aspects=("header Vary",)),
            "header",
            ONE,
            200,
            200,
            True,
            id="its-header",
        ),
        pytest.param(
            Declared("t", "f", "e", "w", aspects=("status",)),
            "header",
            ONE,
            200,
            200,
            False,
            id="another-aspect",
        ),
        pytest.param(
            Declared("t", "f", "e", "w", statuses=(204,)), "body", ONE, 204, 200, True, id="204"
        ),
        pytest.param(
            Declared("t", "f", "e", "w", statuses=(204,)),
            "body",
            ONE,
            200,
            204,
            False,
            id="flask-status-counts",
        ),
        pytest.param(
            Declared("t", "f", "e", "w", values=r"^status: 200 \| 304$"),
            "status",
            ONE,
            200,
            304,
            True,
            id="values",
        ),
        pytest.param(
            Declared("t", "f", "e", "w", values=r"^status: 200 \| 304$"),
            "status",
            ONE,
            200,
            404,
            False,
            id="other-values",
        ),
        pytest.param(
            Declared("t", "f", "e", "w", request=r"^GET /bb$"),
            "status",
            TWO,
            200,
            404,
            False,
            id="request-lines-joined",
        ),
        pytest.param(
            Declared("t", "f", "e", "w", request=r"(?m)^GET /bb$"),
            "status",
            TWO,
            200,
            404,
            True,
            id="request-line",
        ),
        pytest.param(
            Declared("t", "f", "e", "w", request=r"/c"),
            "status",
            TWO,
            200,
            404,
            False,
            id="no-request",
        ),
        pytest.param(
            Declared("t", "f", "e", "w", request=r"^GET /a b$"),
            "status",
            (Request("GET", "/a%20b"),),
            200,
            404,
            True,
            id="routed-path",
        ),
        pytest.param(
            Declared("t", "f", "e", "w", raw=r"%20"),
            "status",
            (Request("GET", "/a%20b"),),
            200,
            404,
            True,
            id="raw-path",
        ),
        pytest.param(
            Declared("t", "f", "e", "w", raw=r"%20"),
            "status",
            (Request("GET", "/a b"),),
            200,
            404,
            False,
            id="raw-path-not-as-routed",
        ),
        pytest.param(
            Declared("t", "f", "e", "w", raw=r"(?m)^GET /bb\Z"),
            "status",
            TWO,
            200,
            404,
            True,
            id="raw-lines-joined",
        ),
        pytest.param(
            Declared("t", "f", "e", "w", raw=r"//", request=r"/x"),
            "status",
            (Request("GET", "//x"),),
            200,
            404,
            True,
            id="raw-and-request",
        ),
        pytest.param(
            Declared("t", "f", "e", "w", raw=r"//", request=r"/y"),
            "status",
            (Request("GET", "//x"),),
            200,
            404,
            False,
            id="raw-but-not-request",
        ),
    ],
)
def test_a_declared_difference_covers_what_it_names(
    declared, aspect, example, flask, express, covers
):
    found = {
        "status": Aspect("status", "", str(flask), str(express)),
        "header": Aspect("header", "Vary", "Origin", None),
        "body": Aspect("body", "", "", "x"),
    }[aspect]
    pair = answers(Answer(flask), Answer(express))
    assert declared.covers(found, pair, example) is covers


@pytest.mark.parametrize(
    ("method", "flask_body", "express_body", "covers"),
    [
        pytest.param("GET", b"", b"", True, id="both-empty"),
        pytest.param("OPTIONS", b"", b"", True, id="options"),
        pytest.param("HEAD", b"", b"", False, id="head"),
        pytest.param("GET", b"x", b"", False, id="flask-content"),
        pytest.param("GET", b"", b"x", False, id="express-content"),
    ],
)
def test_a_difference_declared_for_empty_answers_needs_both_empty(
    method, flask_body, express_body, covers
):
    declared = Declared("t", "f", "e", "w", aspects=("content-type",), empty=True)
    aspect = Aspect("content-type", "", "text/html", None)
    pair = answers(Answer(204, body=flask_body), Answer(204, body=express_body))
    example = (Request("HEAD", "/x"), Request("GET", "/y"), Request(method, "/"))
    assert declared.covers(aspect, pair, example) is covers


@pytest.mark.parametrize(
    ("answers", "titles"),
    [
        pytest.param(
            {"strict-parity": True},
            [
                "answers without content (OPTIONS, 204)",
                "GET or HEAD with If-None-Match: * on a route's answer",
                "error pages, without this choice",
            ],
            id="strict",
        ),
        pytest.param(
            {"middleware": ["error-handlers"]},
            [
                "answers without content (OPTIONS, 204)",
                "GET or HEAD with If-None-Match: * on a route's answer",
                "the name of a 413, 414 or 416 error",
                "OPTIONS requests",
                "a method the path has no route for",
                "ETag on a view's answer",
                "the Server header of the development server",
                "paths under /static/ without the static choice",
                "a path with doubled slashes",
                "a path with percent-escapes",
                "a path in other letter case, or with a trailing slash",
                "an int parameter in other scripts' digits or longer than 15 digits",
            ],
            id="idiomatic",
        ),
    ],
)
def test_the_search_knows_the_differences_declared_for_its_project(answers, titles):
    built = spec.build(answers)
    report = parity.Report(built, seed=1, requested=10)
    servers = {name: SimpleNamespace(url=f"http://{name}") for name in ("flask", "express")}
    run = parity._Search(built, report, servers, 0.0, lambda *event: None, None)
    assert [declared.title for declared in run.declared] == titles


def test_a_body_difference_is_known_by_flasks_status():
    run = search()
    pair = answers(Answer(404, [], b"<html>"), Answer(404, [], b"Cannot GET"))
    with pytest.raises(parity.Difference) as raised:
        run._check(pair, ONE, False)
    assert raised.value.signature == "body of a 404 answer"
    assert run.report.found["body of a 404 answer"].kind == "body"


def test_a_declared_body_difference_is_kept_under_its_title():
    declared = Declared("pages", "f", "e", "w", aspects=("body",), statuses=(404,))
    run = search([declared])
    run._check(answers(Answer(404, [], b"a"), Answer(404, [], b"b")), ONE, False)
    assert list(run.report.found) == ["body of a 404 answer (pages)"]
    with pytest.raises(parity.Difference):  # another status: not covered
        run._check(answers(Answer(400, [], b"a"), Answer(400, [], b"b")), ONE, False)
