"""Hostile XML on every protocol's response path.

Each document must fail fast with ``ResponseParseError`` (the plain error with one pinned
protocol; with fallback, every attempt is a ``ResponseParseError`` inside
``AllProtocolsFailedError``), read no file, open no connection and stay within bounded
memory. Files are watched through a canary file (its content must not show up anywhere)
and a FIFO (opening it for reading blocks, so a parser that opens it never returns);
connections through a listening loopback socket that records any connection attempt.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import select
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import pixelz

from ._wire import (
    BASE,
    CONTENT_TYPE,
    EMAIL,
    KEY,
    OPERATIONS,
    PROTOCOLS,
    RECORD,
    TICKET,
    XML_DECL,
    Recorder,
    call,
    client,
    ok_body,
    protocol_of,
    result_xml,
)

TIME_LIMIT = 1.0  # seconds per hostile response
MEMORY_LIMIT = 16 * 1024 * 1024  # bytes; every expansion below is >= 1 GB
CANARY = "CANARY-c0ffee-7f3a"


# -- watchers -----------------------------------------------------------------------------


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(CANARY + "\n")
    return path


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


class Listener:
    """A loopback socket that notices any connection attempt."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/x"

    def connections(self, wait: float = 0.0) -> int:
        """Connection attempts so far. A parser connects before it returns, and a loopback
        handshake completes inside ``connect()``: no need to wait (the negative control
        at the end of this module proves it)."""
        count = 0
        while select.select([self.sock], [], [], wait)[0]:
            conn, _ = self.sock.accept()
            conn.close()
            count += 1
            wait = 0
        return count

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    watcher = Listener()
    yield watcher
    watcher.close()


class _Rss:
    """Peak resident memory around a block, including libxml2's C heap (Linux only)."""

    @staticmethod
    def _status() -> dict[str, int] | None:
        try:
            text = Path("/proc/self/status").read_text()
            Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM
        except OSError:
            return None
        found = dict(re.findall(r"(VmHWM|VmRSS):\s+(\d+) kB", text))
        return {k: int(v) * 1024 for k, v in found.items()}

    @staticmethod
    def peak_since_reset() -> int | None:
        try:
            text = Path("/proc/self/status").read_text()
        except OSError:
            return None
        match = re.search(r"VmHWM:\s+(\d+) kB", text)
        return int(match.group(1)) * 1024 if match else None


@contextlib.contextmanager
def bounded(limit: float = TIME_LIMIT, memory: int = MEMORY_LIMIT) -> Iterator[dict[str, Any]]:
    """Measure wall time, Python peak allocation and (on Linux) peak RSS growth."""
    facts: dict[str, Any] = {}
    before = _Rss._status()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield facts
    finally:
        facts["seconds"] = time.perf_counter() - started
        facts["python_peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        peak = _Rss.peak_since_reset()
        if before is not None and peak is not None:
            facts["rss_growth"] = peak - before["VmRSS"]
    assert facts["seconds"] < limit, facts
    assert facts["python_peak"] < memory, facts
    # RSS also sees libxml2's allocations; allow for allocator slack and tracemalloc.
    assert facts.get("rss_growth", 0) < 8 * memory, facts


def run_in_thread(fn: Callable[[], Any], fifo: Path | None, timeout: float) -> Any:
    """Run ``fn`` on a daemon thread; if it hangs (a FIFO was opened), unblock and fail."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        if fifo is not None:
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # EOF to the reader
        thread.join(5)
        pytest.fail(f"call did not finish within {timeout} s (a file or socket was opened?)")
    if "error" in box:
        raise box["error"]
    return box.get("value")


# -- hostile documents -------------------------------------------------------------------


def _with_dtd(protocol: str, operation: str, dtd: str, field: str = "&xxe;") -> str:
    record = RECORD.replace("sku-1", field)
    return result_xml(protocol, operation, record, prolog=dtd)


def _root(protocol: str) -> str:
    return "soap:Envelope" if protocol.startswith("soap") else "ImagesListResponse"


def billion_laughs(protocol: str, operation: str, **_: Any) -> str:
    levels = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    ]  # 3 * 10**9 bytes once expanded
    dtd = f"<!DOCTYPE {_root(protocol)} [{''.join(levels)}]>"
    return _with_dtd(protocol, operation, dtd, "&l9;")


def quadratic_blowup(protocol: str, operation: str, **_: Any) -> str:
    dtd = f'<!DOCTYPE {_root(protocol)} [<!ENTITY a "{"A" * 50_000}">]>'
    return _with_dtd(protocol, operation, dtd, "&a;" * 50_000)  # 2.5 * 10**9 bytes


def xxe_file(protocol: str, operation: str, *, canary: Path, **_: Any) -> str:
    dtd = f'<!DOCTYPE {_root(protocol)} [<!ENTITY xxe SYSTEM "{canary.as_uri()}">]>'
    return _with_dtd(protocol, operation, dtd)


def xxe_fifo(protocol: str, operation: str, *, fifo: Path, **_: Any) -> str:
    dtd = f'<!DOCTYPE {_root(protocol)} [<!ENTITY xxe SYSTEM "{fifo.as_uri()}">]>'
    return _with_dtd(protocol, operation, dtd)


def xxe_passwd(protocol: str, operation: str, **_: Any) -> str:
    dtd = f'<!DOCTYPE {_root(protocol)} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return _with_dtd(protocol, operation, dtd)


def xxe_network(protocol: str, operation: str, *, listener: Listener, **_: Any) -> str:
    dtd = f'<!DOCTYPE {_root(protocol)} [<!ENTITY xxe SYSTEM "{listener.url}">]>'
    return _with_dtd(protocol, operation, dtd)


def external_dtd_network(protocol: str, operation: str, *, listener: Listener,
                         **_: Any) -> str:
    dtd = f'<!DOCTYPE {_root(protocol)} SYSTEM "{listener.url}/evil.dtd">'
    return _with_dtd(protocol, operation, dtd, "sku-1")


def external_dtd_file(protocol: str, operation: str, *, fifo: Path, **_: Any) -> str:
    dtd = f'<!DOCTYPE {_root(protocol)} PUBLIC "-//X//Y" "{fifo.as_uri()}">'
    return _with_dtd(protocol, operation, dtd, "sku-1")


def parameter_entity(protocol: str, operation: str, *, listener: Listener, **_: Any) -> str:
    dtd = f'<!DOCTYPE {_root(protocol)} [<!ENTITY % p SYSTEM "{listener.url}/p.dtd"> %p;]>'
    return _with_dtd(protocol, operation, dtd, "sku-1")


def harmless_doctype(protocol: str, operation: str, **_: Any) -> str:
    # A DOCTYPE with nothing in it: still refused, a service never sends one.
    return _with_dtd(protocol, operation, f"<!DOCTYPE {_root(protocol)}>", "sku-1")


def internal_entity(protocol: str, operation: str, **_: Any) -> str:
    dtd = f'<!DOCTYPE {_root(protocol)} [<!ENTITY xxe "injected">]>'
    return _with_dtd(protocol, operation, dtd)


def deep_in_body(protocol: str, operation: str, **_: Any) -> str:
    return result_xml(protocol, operation, "<a>" * 100_000 + "</a>" * 100_000)


def deep_in_record(protocol: str, operation: str, **_: Any) -> str:
    deep = "<x>" * 100_000 + "</x>" * 100_000
    return result_xml(protocol, operation, RECORD.replace("sku-1", deep))


def deep_unknown_root(protocol: str, operation: str, **_: Any) -> str:
    return XML_DECL + "<a>" * 100_000 + "</a>" * 100_000


HOSTILE: dict[str, Callable[..., str]] = {
    f.__name__: f
    for f in (
        billion_laughs, quadratic_blowup, xxe_file, xxe_fifo, xxe_passwd, xxe_network,
        external_dtd_network, external_dtd_file, parameter_entity, harmless_doctype,
        internal_entity, deep_in_body, deep_in_record, deep_unknown_root,
    )
}


def _encode(document: str, encoding: str) -> bytes:
    if encoding.startswith("utf-16"):  # with a BOM ("utf-16") or by declaration alone
        return document.replace('encoding="utf-8"', f'encoding="{encoding}"').encode(encoding)
    return document.encode(encoding)


def _check(exc: BaseException, protocol: str) -> None:
    """No trace of the canary, /etc/passwd or an expanded entity in what the caller sees."""
    seen = " ".join([str(exc), repr(exc), getattr(exc, "snippet", "")])
    assert CANARY not in seen
    assert "root:x:0:0" not in seen
    assert "lollollol" not in seen and "A" * 1000 not in seen
    assert exc.__cause__ is None and exc.__context__ is None
    assert protocol in str(exc)


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("attack", list(HOSTILE))
def test_hostile_document_fails_fast_and_safely(
    attack: str, protocol: str, operation: str,
    canary: Path, fifo: Path, listener: Listener,
) -> None:
    document = HOSTILE[attack](protocol, operation, canary=canary, fifo=fifo,
                               listener=listener).encode("utf-8")
    recorder = Recorder(lambda request: httpx.Response(
        200, headers={"Content-Type": CONTENT_TYPE[protocol]}, content=document))
    with (
        client(recorder, protocol) as c,
        bounded(),
        pytest.raises(pixelz.ResponseParseError) as info,
    ):
        run_in_thread(lambda: call(c, operation), fifo, TIME_LIMIT)
    _check(info.value, protocol)
    assert info.value.protocol == protocol
    assert len(recorder.requests) == 1
    assert listener.connections() == 0


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be"])
@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("attack", ["xxe_file", "xxe_network", "billion_laughs"])
def test_hostile_document_in_other_encodings(
    attack: str, protocol: str, encoding: str,
    canary: Path, fifo: Path, listener: Listener,
) -> None:
    """A BOM or a UTF-16 body is still XML: refused as hostile, not mistaken for a block."""
    document = _encode(HOSTILE[attack](protocol, "GetImagesList", canary=canary, fifo=fifo,
                                       listener=listener), encoding)
    recorder = Recorder(lambda request: httpx.Response(
        200, headers={"Content-Type": CONTENT_TYPE[protocol]}, content=document))
    with (
        client(recorder, protocol) as c,
        bounded(),
        pytest.raises(pixelz.PixelzError) as info,
    ):
        run_in_thread(c.list_images, fifo, TIME_LIMIT)
    _check(info.value, protocol)
    assert listener.connections() == 0
    assert isinstance(info.value, pixelz.ResponseParseError), repr(info.value)


@pytest.mark.parametrize("attack", list(HOSTILE))
def test_hostile_document_with_fallback(
    attack: str, canary: Path, fifo: Path, listener: Listener
) -> None:
    """Unpinned: every protocol gets a hostile answer; each attempt is a parse error."""

    def answer(request: httpx.Request) -> httpx.Response:
        protocol = protocol_of(request)
        body = HOSTILE[attack](protocol, "GetImagesList", canary=canary, fifo=fifo,
                               listener=listener)
        return httpx.Response(200, headers={"Content-Type": CONTENT_TYPE[protocol]},
                              text=body)

    recorder = Recorder(answer)
    with (
        client(recorder, None) as c,
        bounded(limit=4 * TIME_LIMIT),
        pytest.raises(pixelz.AllProtocolsFailedError) as info,
    ):
        run_in_thread(c.list_images, fifo, 4 * TIME_LIMIT)
    attempts = info.value.attempts
    assert [str(p) for p, _ in attempts] == list(PROTOCOLS)
    for protocol, error in attempts:
        assert isinstance(error, pixelz.ResponseParseError), repr(error)
        _check(error, str(protocol))
    assert CANARY not in str(info.value)
    assert listener.connections() == 0


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_xinclude_and_stylesheet_are_not_processed(
    protocol: str, canary: Path, listener: Listener
) -> None:
    """XInclude and xml-stylesheet need no DTD: they must simply be inert."""
    include = (
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{canary.as_uri()}" '
        'parse="text"/>'
    )
    record = RECORD.replace("sku-1", include)
    prolog = f'<?xml-stylesheet type="text/xsl" href="{listener.url}/s.xsl"?>'
    document = result_xml(protocol, "GetImagesList", record, prolog=prolog)
    recorder = Recorder(lambda request: httpx.Response(
        200, headers={"Content-Type": CONTENT_TYPE[protocol]}, text=document))
    with client(recorder, protocol) as c, bounded():
        try:
            outcome: object = c.list_images()
        except pixelz.PixelzError as exc:
            outcome = exc
    assert CANARY not in repr(outcome)
    assert listener.connections() == 0


# -- oversized responses -----------------------------------------------------------------
#
# The size limit is applied while the body is read, before any parsing, the same way for
# every protocol: one protocol stands for all here (the parser's share, what a cut document
# gives, is fuzzed on every protocol in test_fuzz.py).

PROTOCOL = "soap12"

LIMIT = 64 * 1024
CHUNK = 4096
HUGE = 1 << 30  # what the body would amount to if read to the end


class Pulled:
    """A streamed body that counts how many bytes the client pulled from it."""

    def __init__(self, prefix: bytes, total: int = HUGE, chunk: bytes | None = None) -> None:
        self.prefix = prefix
        self.total = total
        self.chunk = chunk or b"<x>" + b"A" * (CHUNK - 7) + b"</x>"
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        self.pulled += len(self.prefix)
        yield self.prefix
        while self.pulled < self.total:
            self.pulled += len(self.chunk)
            yield self.chunk



class AsyncPulled:
    """The same body for ``httpx.AsyncClient``, which wants an async iterable only."""

    def __init__(self, body: Pulled) -> None:
        self.body = body

    async def __aiter__(self) -> Any:
        for piece in self.body:
            yield piece


def _open_document(protocol: str) -> bytes:
    document = result_xml(protocol, "GetImagesList", RECORD * 3)
    return document[: document.index("</Images>")].encode("utf-8")


def _stream_response(body: Pulled, protocol: str, announce: bool,
                     asynchronous: bool = False) -> httpx.Response:
    headers = {"Content-Type": CONTENT_TYPE[protocol]}
    if announce:
        headers["Content-Length"] = str(body.total)
    content: Any = AsyncPulled(body) if asynchronous else body
    return httpx.Response(200, headers=headers, content=content)


@pytest.mark.parametrize("announce", [False, True], ids=["chunked", "content-length"])
def test_oversized_response_stops_reading_early(announce: bool) -> None:
    protocol = PROTOCOL
    body = Pulled(_open_document(protocol))
    recorder = Recorder(lambda request: _stream_response(body, protocol, announce))
    with (
        client(recorder, protocol, max_response_size=LIMIT) as c,
        bounded(),
        pytest.raises(pixelz.ResponseParseError) as info,
    ):
        c.list_images()
    assert "max_response_size" in str(info.value) and protocol in str(info.value)
    assert body.pulled <= (len(body.prefix) if announce else LIMIT + len(body.chunk))


@pytest.mark.parametrize("announce", [False, True], ids=["chunked", "content-length"])
def test_oversized_response_stops_reading_early_async(announce: bool) -> None:
    import asyncio

    protocol = PROTOCOL
    body = Pulled(_open_document(protocol))
    recorder = Recorder(lambda request: _stream_response(body, protocol, announce, True))

    async def main() -> None:
        async with pixelz.AsyncClient(
            EMAIL, KEY, base_url=BASE,
            protocols=protocol, max_retries=0, max_response_size=LIMIT,
            http_client=recorder.async_http_client(),
        ) as c:
            with pytest.raises(pixelz.ResponseParseError) as info:
                await c.list_images()
        assert "max_response_size" in str(info.value)

    with bounded():
        asyncio.run(main())
    assert body.pulled <= (len(body.prefix) if announce else LIMIT + len(body.chunk))


def test_response_just_under_the_limit_is_read() -> None:
    protocol = PROTOCOL
    document = ok_body(protocol)
    recorder = Recorder(lambda request: httpx.Response(
        200, headers={"Content-Type": CONTENT_TYPE[protocol]}, content=document))
    with client(recorder, protocol, max_response_size=len(document)) as c:
        assert c.list_images()[0].image_ticket.hex == TICKET.replace("-", "")
    with (
        client(recorder, protocol, max_response_size=len(document) - 1) as c,
        pytest.raises(pixelz.ResponseParseError),
    ):
        c.list_images()


def test_oversized_response_with_fallback() -> None:
    """Unpinned, every attempt of an oversized body is a ResponseParseError."""
    bodies: list[Pulled] = []

    def answer(request: httpx.Request) -> httpx.Response:
        protocol = str(protocol_of(request))
        body = Pulled(_open_document(protocol))
        bodies.append(body)
        return _stream_response(body, protocol, announce=False)

    with (
        client(Recorder(answer), None, max_response_size=LIMIT) as c,
        bounded(limit=4 * TIME_LIMIT),
        pytest.raises(pixelz.AllProtocolsFailedError) as info,
    ):
        c.list_images()
    assert all(isinstance(e, pixelz.ResponseParseError) for _, e in info.value.attempts)
    assert len(bodies) == 4
    assert all(b.pulled <= LIMIT + len(b.chunk) for b in bodies)


def test_gzip_bomb_is_bounded_by_decoded_size() -> None:
    """The limit applies to decoded bytes: 64 MiB of zeros in 64 KiB of gzip."""
    protocol = PROTOCOL
    raw = gzip.compress(_open_document(protocol) + b"\0" * (HUGE // 16), compresslevel=9)
    pieces = [raw[i:i + 16384] for i in range(0, len(raw), 16384)]
    pulled = [0]

    def stream() -> Iterator[bytes]:
        for piece in pieces:
            pulled[0] += len(piece)
            yield piece

    recorder = Recorder(lambda request: httpx.Response(
        200, headers={"Content-Type": CONTENT_TYPE[protocol], "Content-Encoding": "gzip"},
        content=stream()))
    with (
        client(recorder, protocol, max_response_size=LIMIT) as c,
        bounded(memory=64 * 1024 * 1024),
        pytest.raises(pixelz.ResponseParseError),
    ):
        c.list_images()
    assert pulled[0] <= 2 * 16384


# -- negative control: the watchers do catch a parser that resolves entities --------------


def test_watchers_catch_a_permissive_parser(
    canary: Path, fifo: Path, listener: Listener
) -> None:
    """Proof that the watchers above work: a parser configured to resolve external
    entities trips each of them, so their silence in the tests above means something."""
    from lxml import etree

    unsafe = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=False)

    text = etree.tostring(etree.fromstring(
        xxe_file("http_get", "GetImagesList", canary=canary).encode(), unsafe))
    assert CANARY.encode() in text

    # libxml2 >= 2.13 may be built without HTTP ("http" missing from LIBXML_FEATURES):
    # then no parser can fetch over the network and the listener is proved directly.
    if "http" in getattr(etree, "LIBXML_FEATURES", {"http"}):
        with contextlib.suppress(etree.XMLSyntaxError):
            etree.fromstring(
                external_dtd_network("http_get", "GetImagesList", listener=listener).encode(),
                unsafe,
            )
    else:
        socket.create_connection(("127.0.0.1", listener.port), timeout=1).close()
    assert listener.connections() >= 1

    with pytest.raises(pytest.fail.Exception, match="did not finish"):
        run_in_thread(
            lambda: etree.fromstring(
                xxe_fifo("http_get", "GetImagesList", fifo=fifo).encode(), unsafe),
            fifo,
            0.5,
        )
