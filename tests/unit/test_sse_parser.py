"""The server-sent events parser (generator/sse.py) without a server: the HTML standard's line
ends, comments, fields and blocks, text that arrives in pieces, and the deadline of a reader."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest

from generator.sse import Block, Parser, Stream, StreamTimeout, parse


def test_blocks_end_at_a_blank_line_whatever_the_line_ends():
    text = "retry: 3000\n\nid: 1\r\nevent: a\r\ndata: x\r\n\r\n: heartbeat\r\rdata:y\n\n"
    assert [(b.fields, b.comments) for b in parse(text)] == [
        ([("retry", "3000")], []),
        ([("id", "1"), ("event", "a"), ("data", "x")], []),
        ([], ["heartbeat"]),
        ([("data", "y")], []),
    ]


def test_one_space_after_the_colon_is_dropped_and_no_more():
    (block,) = parse("data:  two spaces\ndata\ndata:\n\n")
    assert block.fields == [("data", " two spaces"), ("data", ""), ("data", "")]
    assert block.data == " two spaces\n\n"


def test_data_lines_join_with_line_breaks_and_the_last_id_wins():
    (block,) = parse("id: 1\nid: 2\ndata: a\ndata: b\n\n")
    assert (block.get("id"), block.data, block.get("event")) == ("2", "a\nb", None)
    assert block.is_event


def test_a_block_without_data_is_no_event():
    (block,) = parse("event: x\nid: 3\n\n")
    assert not block.is_event
    assert block.text() == "event: x\nid: 3"


def test_unicode_line_separators_are_no_line_ends():
    (block,) = parse('data: "a\u2028b\u0085c"\n\n')
    assert block.data == '"a\u2028b\u0085c"'


def test_a_block_without_its_blank_line_is_not_given_yet():
    assert parse("id: 1\ndata: x\n") == []


def test_text_in_pieces_gives_the_same_blocks_a_cr_lf_split_included():
    text = "id: 1\r\ndata: x\r\n\r\n: hb\r\n\r\n"
    whole = parse(text)
    for cut in range(1, len(text)):
        parser = Parser()
        assert parser.feed(text[:cut]) + parser.feed(text[cut:]) == whole, cut
    assert whole == [Block([("id", "1"), ("data", "x")]), Block([], ["hb"])]


def test_a_lone_cr_at_the_end_waits_for_what_follows():
    parser = Parser()
    assert parser.feed("data: x\r") == []
    assert parser.feed("\r") == []  # CR then CR: a line, then a blank line ...
    assert parser.feed("data: y\n\n") == [Block([("data", "x")]), Block([("data", "y")])]


FIRST = b"10\r\nretry: 3000\n\n   \r\n"


@pytest.fixture
def silent_server(request):
    """A server that answers a stream's headers and its first chunk, then says nothing more
    (or what the test's parameter gives)."""
    more = getattr(request, "param", b"")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []

    def serve() -> None:
        connection, _ = listener.accept()
        accepted.append(connection)
        connection.recv(65536)
        connection.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + FIRST
        )
        with contextlib.suppress(OSError):  # the reader may have given up and closed
            for _ in range(3):
                connection.sendall(more)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    thread.join(5)
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_reader_gives_up_at_its_deadline_when_nothing_comes(silent_server):
    with Stream(silent_server, deadline=time.monotonic() + 1) as stream:
        assert stream.block().fields == [("retry", "3000")]
        with pytest.raises(StreamTimeout):
            stream.block()
    assert stream.transcript == [Block([("retry", "3000")])]


LONG = b"%x\r\n%s\r\n" % (1 << 19, b"d" * (1 << 19))


@pytest.mark.parametrize("silent_server", [LONG], indirect=True, ids=["1.5 MiB, no line end"])
def test_a_reader_holds_no_block_past_a_mebibyte(silent_server):
    with Stream(silent_server, deadline=time.monotonic() + 20) as stream:
        stream.block()
        with pytest.raises(StreamTimeout, match="a block over 1048576 characters, not ended"):
            stream.block()
