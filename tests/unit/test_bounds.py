"""generator.bounds against servers in threads of this process: the deadline stops a trickle,
the caps stop endless headers and bodies, a server's output keeps its head and tail, and a
participant's text shows its control characters instead of obeying them."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from generator import bounds as _bounds
from tests.helpers import run_main


def serve_raw(send) -> tuple[str, threading.Event]:
    """A server in a thread that reads one request per connection and calls send(connection);
    its URL, and an event that stops it."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    stop = threading.Event()

    def run() -> None:
        with server:
            while not stop.is_set():
                try:
                    connection, _ = server.accept()
                except TimeoutError:
                    continue
                with connection:
                    connection.recv(65536)
                    try:
                        send(connection, stop)
                    except OSError:
                        pass

    threading.Thread(target=run, daemon=True).start()
    return f"http://127.0.0.1:{server.getsockname()[1]}/", stop


def trickle(connection, stop) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\n")
    while not stop.is_set():
        connection.sendall(b"X-Slow: yes\r\n")
        time.sleep(0.2)


def endless_headers(connection, stop) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\n")
    while not stop.is_set():
        connection.sendall(b"X-Big: " + b"b" * 1000 + b"\r\n")


def endless_body(connection, stop) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    while not stop.is_set():
        connection.sendall(b"10000\r\n" + b"x" * 0x10000 + b"\r\n")


def just_enough(connection, stop) -> None:
    body = b"y" * _bounds.MAX_BODY
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\nX-A: b\r\n\r\n"
    connection.sendall(head.encode() + body)


def get(url: str, bounds: _bounds.Bounds, timeout: float = 10.0):
    with _bounds.session(bounds) as session:
        return _bounds.read_body(session.get(url, timeout=timeout, stream=True))


@pytest.mark.parametrize(
    ("send", "message"),
    [
        pytest.param(trickle, "past the deadline of 1 s (waiting for an answer)", id="trickle"),
        pytest.param(
            endless_headers, "the answer's headers are larger than 65536 bytes", id="headers"
        ),
        pytest.param(endless_body, "the answer's body is larger than 1048576 bytes", id="body"),
    ],
)
def test_an_answer_past_a_bound_raises_violation(send, message):
    url, stop = serve_raw(send)
    try:
        with pytest.raises(_bounds.Violation) as caught:
            get(url, _bounds.Bounds.starting_now(1))
    finally:
        stop.set()
    assert str(caught.value) == message


def test_an_answer_at_the_caps_is_read_whole():
    url, stop = serve_raw(just_enough)
    try:
        response = get(url, _bounds.Bounds.starting_now(30))
    finally:
        stop.set()
    assert response.status_code == 200
    assert response.content == b"y" * _bounds.MAX_BODY
    assert response.headers["X-A"] == "b"


def test_a_server_s_output_keeps_its_head_and_tail_and_counts_the_rest():
    read_end, write_end = os.pipe()
    log = _bounds.CappedLog(read_end)
    with os.fdopen(write_end, "wb") as out:
        out.write(b"H" * _bounds.LOG_HEAD)
        out.write(b"m" * 1_000_000)
        out.write(b"T" * _bounds.LOG_TAIL)
    log.finish()
    assert log.dropped == 1_000_000
    assert log.bytes() == (
        b"H" * _bounds.LOG_HEAD
        + b"\n[dualgen: 1000000 bytes of output dropped here]\n"
        + b"T" * _bounds.LOG_TAIL
    )


def test_a_short_output_is_kept_as_it_is():
    read_end, write_end = os.pipe()
    log = _bounds.CappedLog(read_end)
    os.write(write_end, b"started \x1b[31mred\x1b[0m\n")
    os.close(write_end)
    log.finish()
    assert log.dropped == 0
    assert log.read_text() == "started \x1b[31mred\x1b[0m\n"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("\x1b[2J", "\\x1b[2J", id="clear-screen"),
        pytest.param("\x1b]0;title\x07", "\\x1b]0;title\\x07", id="window-title"),
        pytest.param("a\rb\x00c\x7f", "a\\rb\\x00c\\x7f", id="c0-and-del"),
        pytest.param("\x9b2J", "\\x9b2J", id="c1-csi"),
        pytest.param("abc\u202edcba", "abc\\u202edcba", id="bidi-override"),
        pytest.param("tab\tand\nline é 中", "tab\tand\nline é 中", id="kept-as-is"),
    ],
)
def test_control_characters_are_made_visible(text, shown):
    assert _bounds.visible(text) == shown


def test_one_line_shows_its_breaks_too():
    assert _bounds.visible("a\tb\nFAKE ROW\r", breaks=False) == "a\\tb\\nFAKE ROW\\r"


@pytest.mark.parametrize("value", ["abc", "0", "nan", "100000"], ids=str)
def test_a_bad_install_timeout_exits_2_with_one_line(value, tmp_path, monkeypatch):
    (tmp_path / "app.py").write_text("")
    (tmp_path / "requirements.txt").write_text("flask\n")
    monkeypatch.setenv("DUALGEN_INSTALL_TIMEOUT", value)
    monkeypatch.setenv("DUALGEN_CACHE_DIR", str(tmp_path / "cache"))
    code, err = run_main("check", "--step", "1", str(tmp_path))
    assert code == 2
    assert err == (
        f"dualgen: error: DUALGEN_INSTALL_TIMEOUT={value!r} is not allowed: give a number of "
        "seconds, 1 to 86400\n"
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("abc", "'abc' is not a valid seconds"),
        ("0", "0.0 is not in the range 1<=x<=86400"),
        ("nan", "'nan' is not in the range 1<=x<=86400"),
    ],
    ids=["word", "zero", "nan"],
)
def test_a_bad_deadline_exits_2_with_one_line(value, reason, tmp_path):
    code, err = run_main("check", "--step", "1", "--deadline", value, str(tmp_path))
    assert code == 2
    assert err == (
        f"dualgen: error: Invalid value for '--deadline': {reason}. "
        "Try 'dualgen check -h' for help.\n"
    )


@pytest.mark.parametrize(
    ("send", "error"),
    [
        pytest.param(trickle, "past the deadline of 1 s (waiting for an answer)", id="trickle"),
        pytest.param(endless_body, "the answer's body is larger than 1048576 bytes", id="body"),
    ],
)
def test_parity_s_wire_answers_an_error_past_a_bound(send, error):
    from generator.parity.requests import Request
    from generator.parity.wire import send as wire_send

    url, stop = serve_raw(send)
    try:
        answer = wire_send(
            url.rstrip("/"), Request(), source="127.0.0.1", client="198.18.0.1", timeout=1
        )
    finally:
        stop.set()
    assert (answer.status, answer.error) == (None, error)


def test_a_server_s_output_is_shown_with_its_escapes_visible():
    from generator.runner import Server

    read_end, write_end = os.pipe()
    log = _bounds.CappedLog(read_end)
    os.write(write_end, b"booting\n\x1b[2J\x1b]0;pwned\x07All checks passed.\n")
    os.close(write_end)
    log.finish()
    server = Server("http://127.0.0.1:1/", 1, None, log)
    assert server.output() == "booting\n\\x1b[2J\\x1b]0;pwned\\x07All checks passed."
    assert server.output(1) == "\\x1b[2J\\x1b]0;pwned\\x07All checks passed."


def test_each_line_is_passed_on_as_it_comes_and_the_last_one_at_the_end():
    read_end, write_end = os.pipe()
    got: list[str] = []
    log = _bounds.CappedLog(read_end, got.append)
    os.write(write_end, b"Collecting flask\r\nInstalling")
    os.write(write_end, b" collected packages\n" + b"z" * (_bounds.LOG_HEAD // 2) + b"\nno newline")
    os.close(write_end)
    log.finish()
    assert got == [
        "Collecting flask",
        "Installing collected packages",
        "z" * (_bounds.LOG_HEAD // 2),
        "no newline",
    ]
