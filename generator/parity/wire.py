"""Send a parity request over a fresh connection, byte for byte as drawn, and read the answer;
write the `curl` command that sends the same request.

Each run of an example connects from its own loopback address (127.0.0.0/8 is all loopback on
Linux and Windows), so that a rate limiter, which keys on the client address, starts every run
afresh; where only 127.0.0.1 answers (macOS), every run shares it.
"""

from __future__ import annotations

import http.client
import shlex
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

from .. import bounds as _bounds
from .requests import Body, Request

#: Headers every request carries unless it sets its own, as curl sends them.
DEFAULT_HEADERS = (("Accept", "*/*"), ("User-Agent", "dualgen-parity"))


@dataclass
class Answer:
    """What one server answered: status, headers as sent, body bytes; or why there was none."""

    status: int | None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    #: Set when the connection failed before a whole answer arrived.
    error: str | None = None

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        values = [value for key, value in self.headers if key.lower() == lowered]
        return ", ".join(values) if values else None

    def to_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "headers": [list(pair) for pair in self.headers],
            "body": self.body.decode("utf-8", "backslashreplace"),
            "error": self.error,
        }


#: The error of an answer whose connection was refused: no server listens on its port.
REFUSED = "connection refused"


def client_addresses(start: int = 0) -> Iterator[str]:
    """Distinct loopback addresses (127.1.0.1 onwards, about 16 million), one per run.

    Where only 127.0.0.1 is configured (macOS, unless aliases are added), every run comes from
    it: each request still goes to both servers, so both count the one client alike.
    """
    if not _loopback_range():
        while True:
            yield "127.0.0.1"
    n = start
    while True:
        rest, host = divmod(n, 254)
        yield f"127.{1 + (rest >> 8) % 254}.{rest & 255}.{host + 1}"
        n += 1


def _loopback_range() -> bool:
    """Whether this system can connect from loopback addresses other than 127.0.0.1."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.1.0.1", 0))
        except OSError:
            return False
    return True


def send(base: str, request: Request, *, source: str, client: str, timeout: float = 10.0) -> Answer:
    """Send one request to the server at `base` (http://host:port) from the address `source`."""
    host, port = base.split("://", 1)[1].rstrip("/").rsplit(":", 1)
    connection = http.client.HTTPConnection(
        host, int(port), timeout=timeout, source_address=(source, 0)
    )
    try:
        try:
            connection.connect()
        except ConnectionRefusedError:
            return Answer(None, error=REFUSED)  # nothing listens: the server stopped
        try:
            # The whole answer within `timeout`, its headers and body capped (generator.bounds).
            bounds = _bounds.Bounds.starting_now(timeout)
            connection.sock = _bounds.BoundedSocket(connection.sock, bounds)
            connection.putrequest(request.method, request.path, skip_accept_encoding=True)
            headers = request.concrete_headers(client)
            names = {name.lower() for name, _ in headers}
            for name, value in [
                *headers,
                *(h for h in DEFAULT_HEADERS if h[0].lower() not in names),
            ]:
                connection.putheader(name, value)
            body = bytes(request.body) if request.body is not None else None
            if body is not None and request.chunked:
                connection.putheader("Transfer-Encoding", "chunked")
                connection.endheaders()
                for start in range(0, len(body), 1 << 16):
                    chunk = body[start : start + (1 << 16)]
                    connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                connection.send(b"0\r\n\r\n")
            else:
                if body is not None:
                    connection.putheader("Content-Length", str(len(body)))
                connection.endheaders(body)
        except OSError:
            pass  # a server may answer (413) and close before the body is sent: read its answer
        try:
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException, _bounds.Violation) as error:
            return Answer(None, error=_error_text(error))
        return Answer(response.status, list(response.getheaders()), data)
    finally:
        connection.close()


def _error_text(error: BaseException) -> str:
    if isinstance(error, _bounds.Violation):
        return str(error)
    if isinstance(error, socket.timeout | TimeoutError):
        return "no answer in time"
    if isinstance(error, http.client.RemoteDisconnected | ConnectionResetError | BrokenPipeError):
        return "connection closed without an answer"
    return f"{type(error).__name__}: {error}"[:200]


# -- curl --------------------------------------------------------------------------------------


def curl(base: str, request: Request, *, client: str = "198.18.0.1", show: bool = True) -> str:
    """The curl command that sends `request` to the server at `base` (quoted for a POSIX shell).
    With `show`, it prints the status line and headers of the answer, else nothing."""
    words = ["curl", "-s", "--path-as-is"]
    words += ["-i"] if show else ["-o", "/dev/null"]
    if request.method == "HEAD":
        words.append("--head")
    elif request.method != "GET" or request.body is not None:
        words += ["-X", request.method]
    headers = request.concrete_headers(client)
    for name, value in headers:
        words += ["-H", f"{name}: {value}" if value else f"{name};"]
    names = {name.lower() for name, _ in headers}
    pipe = ""
    if request.body is not None:
        if "content-type" not in names:
            words += ["-H", "Content-Type:"]  # curl would add a form Content-Type
        if request.chunked:
            words += ["-H", "Transfer-Encoding: chunked"]
        if len(request.body) > 1024:
            words += ["-H", "Expect:"]
        pipe, data = _body_source(request.body)
        words += ["--data-binary", data]
    url = base.rstrip("/") + request.path
    command = " ".join(shlex.quote(word) for word in words) + " " + shlex.quote(url)
    command = pipe + command
    if request.repeat > 1:
        quiet = curl(base, Request(**{**request.__dict__, "repeat": 1}), client=client, show=False)
        command = f"for i in $(seq {request.repeat - 1}); do {quiet}; done; {command}"
    return command


def _body_source(body: Body) -> tuple[str, str]:
    """How curl gets the body: a quoted word when it is plain text, else from printf on stdin
    (a shell word cannot hold a NUL byte)."""
    if body.size:
        filler = shlex.quote(body.filler.decode())
        pipe = (
            f"{{ printf {_printf(body.prefix)}; head -c {body.size} /dev/zero | tr '\\0' {filler}; "
            f"printf {_printf(body.suffix)}; }} | "
        )
        return pipe, "@-"
    data = body.prefix
    if data and all(32 <= byte < 127 for byte in data) and not data.startswith(b"@"):
        return "", data.decode()
    return f"printf {_printf(data)} | ", "@-"


def _printf(data: bytes) -> str:
    """A printf format that writes exactly these bytes (octal escapes, as POSIX printf reads)."""
    out = []
    for byte in data:
        char = chr(byte)
        if char == "%":
            out.append("%%")
        elif 32 <= byte < 127 and char not in "\\'":
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return "'" + "".join(out) + "'"
