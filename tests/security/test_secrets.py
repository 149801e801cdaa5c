"""The API key never leaks: not into log records (pixelz, httpx, httpcore, at DEBUG), not
into exceptions (message, repr, attributes, cause/context chains), not into the repr or str
of any SDK object.

Every protocol (and the automatic fallback) runs through success, retry, service fault,
block page, parse error, oversized body, transport errors whose text quotes the request
URL, and a real refused connection; the fault, block and parse-error answers echo the
request (URL and body, so the key) back, as careless servers and WAF pages do. The key
travels in a different place on each protocol (SOAP body, form body, URL), so that matrix
is complete; the async client shares the parser and policy with the sync one, so it runs
the answers its own I/O handles (transport errors, streamed bodies). A variant runs over a
real loopback ``http.server`` so that httpx and httpcore log real connections. The key is
searched in every form it travels in: plain, URL-encoded, XML-escaped.
"""

from __future__ import annotations

import asyncio
import html
import http.server
import logging
import re
import socket
import threading
import urllib.parse
import xml.sax.saxutils
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import httpx
import pytest

import pixelz
from pixelz._operations import GET_IMAGE_STATUS, GET_IMAGES_LIST

from ._wire import (
    CONTENT_TYPE,
    EMAIL,
    NS,
    PROTOCOLS,
    RECORD,
    SOAP_NS,
    TICKET,
    XML_DECL,
    protocol_of,
    result_xml,
)

# The second key exercises every escaping the key goes through (URL, form, XML, HTML); it
# has no "<": ASP.NET request validation would refuse it on GET/POST (and so does pixelz).
KEYS = ["SENTINEL-KEY-4b1d", "SENTINEL+k/4b1d=&x%y>'\"#?"]
LOGGERS = ("", "pixelz", "httpx", "httpcore")


def forms(key: str) -> set[str]:
    """Every form the key takes on the wire or in text."""
    return {
        key,
        urllib.parse.quote_plus(key),
        urllib.parse.quote(key, safe=""),
        urllib.parse.quote(key),
        xml.sax.saxutils.escape(key),
        xml.sax.saxutils.escape(key, {'"': "&quot;", "'": "&apos;"}),
        html.escape(key),
    }


def found(text: str, key: str) -> list[str]:
    return [form for form in forms(key) if form in text]


# -- log capture ----------------------------------------------------------------------------


class Capture(logging.Handler):
    """Everything a handler on the root logger could render from each record."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.records: list[logging.LogRecord] = []
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        parts = [self.format(record), record.getMessage(), str(record.msg), repr(record.args)]
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
        parts.extend(repr(v) for v in vars(record).values())
        self.texts.append("\n".join(parts))

    def leaks(self, key: str) -> list[str]:
        return [text for text in self.texts if found(text, key)]


@pytest.fixture
def logs() -> Iterator[Capture]:
    capture = Capture()
    loggers = [logging.getLogger(name) for name in LOGGERS]
    levels = [log.level for log in loggers]
    root = logging.getLogger()
    root.addHandler(capture)
    for log in loggers:
        log.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        root.removeHandler(capture)
        for log, level in zip(loggers, levels, strict=True):
            log.setLevel(level)


# -- walking objects --------------------------------------------------------------------------


def walk(obj: Any, key: str, path: str = "error", seen: set[int] | None = None) -> list[str]:
    """Paths under ``obj`` (attributes, items, exception chains) where the key shows.

    Tracebacks are not walked: their frames hold the caller's own arguments.
    """
    seen = set() if seen is None else seen
    if id(obj) in seen or obj is None or isinstance(obj, (bool, int, float)):
        return []
    seen.add(id(obj))
    hits: list[str] = []
    if isinstance(obj, bytes):
        obj = obj.decode("latin-1")
    if isinstance(obj, str):
        return [f"{path} = {obj[:120]!r}"] if found(obj, key) else []
    for label, text in (("str", str(obj)), ("repr", repr(obj))):
        if found(text, key):
            hits.append(f"{label}({path})")
    children: list[tuple[str, Any]] = []
    if isinstance(obj, BaseException):
        children += [("args", obj.args), ("__cause__", obj.__cause__),
                     ("__context__", obj.__context__), ("__notes__",
                                                        getattr(obj, "__notes__", None))]
    if isinstance(obj, (tuple, list, set, frozenset)):
        children += [(f"[{i}]", item) for i, item in enumerate(obj)]
    elif isinstance(obj, dict):
        children += [(f"[{k!r}]", v) for k, v in obj.items()]
        children += [(f"key {k!r}", k) for k in obj]
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        children += [(f".{k}", v) for k, v in vars(obj).items()]
    if attrs.has(type(obj)):
        children += [(f".{a.name}", getattr(obj, a.name)) for a in attrs.fields(type(obj))]
    for name in getattr(type(obj), "__slots__", ()):
        if hasattr(obj, name) and not attrs.has(type(obj)):
            children.append((f".{name}", getattr(obj, name)))
    for label, child in children:
        hits += walk(child, key, path + label, seen)
    return hits


# -- scenarios: what the server answers ---------------------------------------------------------

Answer = tuple[int, dict[str, str], bytes]


def _echo_xml(echo: str) -> str:
    return xml.sax.saxutils.escape(echo)


def success(protocol: str, operation: str, echo: str) -> Answer:
    body = result_xml(protocol, operation, RECORD)
    return 200, {"Content-Type": CONTENT_TYPE[protocol]}, body.encode()


def fault(protocol: str, operation: str, echo: str) -> Answer:
    message = f"Invalid contact API key; the request was: {echo}"
    if protocol == "soap11":
        body = (f'{XML_DECL}<soap:Envelope xmlns:soap="{SOAP_NS[protocol]}"><soap:Body>'
                f"<soap:Fault><faultcode>soap:Client</faultcode><faultstring>"
                f"{_echo_xml(message)}</faultstring><detail /></soap:Fault></soap:Body>"
                "</soap:Envelope>")
        return 500, {"Content-Type": CONTENT_TYPE[protocol]}, body.encode()
    if protocol == "soap12":
        body = (f'{XML_DECL}<soap:Envelope xmlns:soap="{SOAP_NS[protocol]}"><soap:Body>'
                "<soap:Fault><soap:Code><soap:Value>soap:Sender</soap:Value></soap:Code>"
                f'<soap:Reason><soap:Text xml:lang="en">{_echo_xml(message)}</soap:Text>'
                "</soap:Reason></soap:Fault></soap:Body></soap:Envelope>")
        return 500, {"Content-Type": CONTENT_TYPE[protocol]}, body.encode()
    text = (f"System.ArgumentException: {message}\n"
            f"  at Soap.{operation} (System.String contactAPIkey) [0x0001f] in <x>:0")
    return 500, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()


def blocked(protocol: str, operation: str, echo: str) -> Answer:
    page = f"<html><body><h1>Request blocked</h1><p>{html.escape(echo)}</p></body></html>"
    return 403, {"Content-Type": "text/html"}, page.encode()


def html_200(protocol: str, operation: str, echo: str) -> Answer:
    page = f"<!DOCTYPE html><html><body>Sign in to continue: {html.escape(echo)}</body></html>"
    return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()


def parse_error(protocol: str, operation: str, echo: str) -> Answer:
    body = (f'{XML_DECL}<ImagesListResponse xmlns="{NS}"><Images><ImageStatus>'
            f"<CustomerImageId>{_echo_xml(echo)}</CustomerImageId><Broken></ImageStatus>")
    return 200, {"Content-Type": "text/xml; charset=utf-8"}, body.encode()


def bad_record(protocol: str, operation: str, echo: str) -> Answer:
    record = RECORD.replace("<StatusId>80</StatusId>",
                            f"<StatusId>{_echo_xml(echo[-30:])}</StatusId>")
    body = result_xml(protocol, operation, record)
    return 200, {"Content-Type": CONTENT_TYPE[protocol]}, body.encode()


def oversized(protocol: str, operation: str, echo: str) -> Answer:
    body = result_xml(protocol, operation, RECORD * 400)
    return 200, {"Content-Type": CONTENT_TYPE[protocol]}, body.encode()


SCENARIOS: dict[str, Callable[[str, str, str], Answer]] = {
    f.__name__: f
    for f in (success, fault, blocked, html_200, parse_error, bad_record, oversized)
}


def echo_of(request: httpx.Request) -> str:
    return f"{request.method} {request.url} {request.content.decode('latin-1')}"


class Server:
    """In-memory server for one scenario; may also fail at the transport level."""

    def __init__(self, scenario: str, operation: str) -> None:
        self.scenario = scenario
        self.operation = operation
        self.count = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        protocol = protocol_of(request)
        if self.scenario == "connect_error":
            raise httpx.ConnectError(f"cannot connect for {request.url}", request=request)
        if self.scenario == "read_timeout":
            raise httpx.ReadTimeout(f"no answer to {echo_of(request)}", request=request)
        if self.scenario == "reset":
            raise httpx.RemoteProtocolError(f"peer closed during {request.url}",
                                            request=request)
        if self.scenario == "retry_then_ok" and self.count == 1:
            return httpx.Response(503, headers={"Retry-After": "0"}, text=echo_of(request))
        name = "success" if self.scenario == "retry_then_ok" else self.scenario
        status, headers, body = SCENARIOS[name](protocol, self.operation, echo_of(request))
        return httpx.Response(status, headers=headers, content=body)


ALL_SCENARIOS = [*SCENARIOS, "retry_then_ok", "connect_error", "read_timeout", "reset"]
PINNED = [*PROTOCOLS, "auto"]


def _protocols(protocol: str) -> str | None:
    return None if protocol == "auto" else protocol


def sdk_objects(c: Any, result: Any) -> list[tuple[str, Any]]:
    objects: list[tuple[str, Any]] = [
        ("client", c),
        ("credentials", c._credentials),
        ("call", c._bind(GET_IMAGES_LIST, page=1)),
        ("status_call", c._bind(GET_IMAGE_STATUS, image_ticket=TICKET)),
        ("result", result),
    ]
    objects += [(f"transport {t!r}", t) for t in c._transports]
    return objects


def assert_no_leak(key: str, logs: Capture, error: BaseException | None,
                   objects: list[tuple[str, Any]]) -> None:
    assert logs.leaks(key) == []
    if error is not None:
        assert walk(error, key) == []
    for label, obj in objects:
        for text in (repr(obj), str(obj)):
            assert found(text, key) == [], (label, text)
    # Where the GET URL was logged, it was logged redacted.
    for text in logs.texts:
        if "contactAPIkey=" in text:
            assert "contactAPIkey=***" in text or "contactAPIkey=&" in text, text


def _make_sync(key: str, protocol: str, server: Server, **kw: Any) -> pixelz.Client:
    return pixelz.Client(EMAIL, key, base_url="http://pixelz.test/soap.asmx",
                         protocols=_protocols(protocol), max_retries=1,
                         max_response_size=64 * 1024,
                         http_client=httpx.Client(transport=httpx.MockTransport(server)), **kw)


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pixelz._sync_io.sleep", lambda seconds: None)

    async def nap(seconds: float) -> None:
        return None

    monkeypatch.setattr("pixelz._async_io.sleep", nap)


@pytest.mark.usefixtures("no_sleep")
@pytest.mark.parametrize("key", KEYS, ids=["plain", "special"])
@pytest.mark.parametrize("scenario", ALL_SCENARIOS)
@pytest.mark.parametrize("protocol", PINNED)
def test_no_leak_sync(protocol: str, scenario: str, key: str, logs: Capture) -> None:
    # The operation alternates with the scenario: the key's path does not depend on it.
    operation = "GetImageStatus" if ALL_SCENARIOS.index(scenario) % 2 else "GetImagesList"
    server = Server(scenario, operation)
    error: BaseException | None = None
    result: Any = None
    with _make_sync(key, protocol, server) as c:
        try:
            result = (c.list_images(status="delivered") if operation == "GetImagesList"
                      else c.get_image_status(TICKET))
        except pixelz.PixelzError as exc:
            error = exc
        comparison = c.compare_protocols() if operation == "GetImagesList" else None
        assert_no_leak(key, logs, error, [*sdk_objects(c, result), ("comparison", comparison)])
    if comparison is not None:
        for item in comparison.results:
            assert walk(item.error, key) == []
    expect_ok = scenario in ("success", "retry_then_ok")
    assert (error is None) == expect_ok, repr(error)
    assert logs.records, "nothing was logged: the capture is not working"


ASYNC_SCENARIOS = ["success", "oversized", "retry_then_ok", "connect_error", "read_timeout",
                   "reset"]


@pytest.mark.usefixtures("no_sleep")
@pytest.mark.parametrize("key", KEYS, ids=["plain", "special"])
@pytest.mark.parametrize("scenario", ASYNC_SCENARIOS)
@pytest.mark.parametrize("protocol", PINNED)
def test_no_leak_async(protocol: str, scenario: str, key: str, logs: Capture) -> None:
    server = Server(scenario, "GetImagesList")

    async def handler(request: httpx.Request) -> httpx.Response:
        return server(request)

    async def main() -> tuple[Any, Any, BaseException | None, Any]:
        async with pixelz.AsyncClient(
            EMAIL, key, base_url="http://pixelz.test/soap.asmx",
            protocols=_protocols(protocol), max_retries=1, max_response_size=64 * 1024,
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        ) as c:
            try:
                result = await c.list_images(per_page=5)
            except pixelz.PixelzError as exc:
                return c, None, exc, await c.compare_protocols()
            return c, result, None, await c.compare_protocols()

    c, result, error, comparison = asyncio.run(main())
    assert_no_leak(key, logs, error, [*sdk_objects(c, result), ("comparison", comparison)])
    assert (error is None) == (scenario in ("success", "retry_then_ok")), repr(error)


# -- real sockets --------------------------------------------------------------------------------


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.usefixtures("no_sleep")
@pytest.mark.parametrize("key", KEYS, ids=["plain", "special"])
@pytest.mark.parametrize("protocol", PINNED)
def test_no_leak_connection_refused(protocol: str, key: str, logs: Capture) -> None:
    base = f"http://127.0.0.1:{closed_port()}/soap.asmx"
    with pixelz.Client(EMAIL, key, base_url=base, protocols=_protocols(protocol),
                       max_retries=1, timeout=2.0) as c:
        with pytest.raises(pixelz.NetworkError) as info:
            c.list_images()
        assert_no_leak(key, logs, info.value, sdk_objects(c, None))
    assert any(r.name.startswith("httpcore") for r in logs.records)

    async def main() -> BaseException:
        async with pixelz.AsyncClient(EMAIL, key, base_url=base, max_retries=1,
                                      protocols=_protocols(protocol), timeout=2.0) as ac:
            try:
                await ac.get_image_status(TICKET)
            except pixelz.NetworkError as exc:
                return exc
        raise AssertionError("no NetworkError")

    assert_no_leak(key, logs, asyncio.run(main()), [])


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _LoopbackServer

    def _answer(self, body: bytes) -> None:
        request = httpx.Request(self.command, f"http://x{self.path}",
                                headers=dict(self.headers.items()), content=body)
        protocol = protocol_of(request)
        operation = "GetImageStatus" if "GetImageStatus" in echo_of(request) else "GetImagesList"
        status, headers, payload = SCENARIOS[self.server.scenario](
            protocol, operation, f"{self.command} {self.path} {body.decode('latin-1')}")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        self._answer(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self._answer(self.rfile.read(length))

    def log_message(self, format: str, *args: Any) -> None:
        return None  # the test server's own access log is not under test


class _LoopbackServer(http.server.ThreadingHTTPServer):
    scenario = "success"
    daemon_threads = True


@pytest.fixture(scope="module")
def loopback() -> Iterator[_LoopbackServer]:
    server = _LoopbackServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("key", KEYS, ids=["plain", "special"])
@pytest.mark.parametrize("scenario", ["success", "fault", "blocked"])  # what a socket adds
@pytest.mark.parametrize("protocol", PINNED)
def test_no_leak_over_real_http(protocol: str, scenario: str, key: str, logs: Capture,
                                loopback: _LoopbackServer) -> None:
    loopback.scenario = scenario
    base = f"http://127.0.0.1:{loopback.server_address[1]}/soap.asmx"
    error: BaseException | None = None
    result: Any = None
    with pixelz.Client(EMAIL, key, base_url=base, protocols=_protocols(protocol),
                       max_retries=0, timeout=5.0, max_response_size=64 * 1024) as c:
        try:
            result = c.list_images()
        except pixelz.PixelzError as exc:
            error = exc
        assert_no_leak(key, logs, error, sdk_objects(c, result))
    assert (error is None) == (scenario == "success"), repr(error)
    names = {r.name for r in logs.records}
    assert "httpx" in names and any(n.startswith("httpcore") for n in names), names
    if protocol == "http_get":
        # httpx logged the GET URL (INFO "HTTP Request: GET ..."), with the key redacted.
        assert any("contactAPIkey=***" in t for t in logs.texts if "HTTP Request" in t)
    if scenario in ("fault", "blocked") and isinstance(error, pixelz.APIError):
        assert "***" in str(error)  # the echo arrived, redacted


LONG_KEY = "SENTINEL-KEY-" + "0123456789abcdef0123456789a"  # 40 characters


@pytest.mark.parametrize("field", ["StatusId", "IsPaid", "ImageTicket", "Images"])
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_no_partial_key_when_a_field_echoes_it(protocol: str, field: str,
                                               logs: Capture) -> None:
    """A server that puts the key where a typed value belongs: the parse error may quote
    the bad value, but never any recognizable part of the key."""
    if field == "Images":
        record = RECORD + LONG_KEY
    else:
        record = re.sub(f"<{field}>[^<]*</{field}>", f"<{field}>{LONG_KEY}</{field}>", RECORD)
    body = result_xml(protocol, "GetImagesList", record).encode()
    server = httpx.MockTransport(lambda request: httpx.Response(
        200, headers={"Content-Type": CONTENT_TYPE[protocol]}, content=body))
    with pixelz.Client(EMAIL, LONG_KEY, base_url="http://pixelz.test/soap.asmx",
                       protocols=protocol, max_retries=0,
                       http_client=httpx.Client(transport=server)) as c:
        try:
            c.list_images()
        except pixelz.PixelzError as exc:
            error: BaseException | None = exc
        else:
            error = None
    for text in [str(error), repr(error), getattr(error, "snippet", ""), *logs.texts]:
        for start in range(len(LONG_KEY) - 8):
            assert LONG_KEY[start:start + 8] not in text, (LONG_KEY[start:start + 8], text)


def test_detectors_catch_a_planted_leak(logs: Capture) -> None:
    """The capture and the walker do find a key when one is there."""
    key = KEYS[0]
    logging.getLogger("pixelz.test").debug("oops %s", key)
    logging.getLogger("httpcore.http11").debug("header %r", {"x": key.encode()})
    assert len(logs.leaks(key)) == 2
    inner = pixelz.APIError("fine")
    inner.extra = {"nested": [("x", key)]}  # type: ignore[attr-defined]
    outer = pixelz.NetworkError("fine")
    outer.__context__ = inner
    assert walk(outer, key)
