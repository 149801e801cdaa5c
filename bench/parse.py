"""P1 (parse a page through ``list_images``) and P2 (per-call overhead), over an in-memory
transport (``httpx.MockTransport``): no socket, so what is timed is pixelz and httpx."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import httpx
from lxml import etree

import pixelz
from pixelz._operations import GET_IMAGE_STATUS, Call
from pixelz.transports import Soap11Transport

from . import data
from .timing import Timing, interleaved, paired_ratio
from .zeep_baseline import reply_processor, zeep_count

__all__ = [
    "CallPair", "CallResult", "ParseResult", "bare_baseline", "canned_http", "client_for",
    "run_call", "run_parse",
]

BASE_URL = "http://pixelz.test/soap.asmx"
EMAIL, KEY = "bench@example.com", "bench-key"


def canned_http(body: Callable[[], bytes], content_type: str) -> httpx.Client:
    """An http client whose every request is answered in memory with ``body()``.

    The answer is built the way httpx's own HTTP transport builds one (raw header pairs,
    a byte stream), and as cheaply: this cost is common to pixelz and to every baseline,
    so a heavier stand-in would flatter the ratios.
    """
    kind = content_type.encode("ascii")

    def handler(request: httpx.Request) -> httpx.Response:
        content = body()
        headers = [(b"Content-Type", kind), (b"Content-Length", b"%d" % len(content))]
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(content))

    return httpx.Client(transport=httpx.MockTransport(handler))


def client_for(
    body: Callable[[], bytes], content_type: str, protocols: Any = None
) -> pixelz.Client:
    """A pixelz client whose every request is answered in memory with ``body()``."""
    http = canned_http(body, content_type)
    return pixelz.Client(EMAIL, KEY, base_url=BASE_URL, protocols=protocols, http_client=http)


@attrs.frozen
class ParseResult:
    size: int
    records: int
    entities: int  # entity references in the body (``&amp;`` and the like)
    pixelz: Timing
    lxml: Timing
    zeep: Timing

    @property
    def vs_zeep(self) -> float:
        """How many times faster than zeep (higher is better)."""
        return paired_ratio(self.zeep, self.pixelz)

    @property
    def vs_lxml(self) -> float:
        """Multiple of a bare ``lxml.etree.fromstring`` (lower is better)."""
        return paired_ratio(self.pixelz, self.lxml)


def run_parse(shape: str, *, records: int, repeat: int, number: int = 1) -> ParseResult:
    """``Client.list_images`` on a ``records``-record page of ``shape``, against zeep's
    reply processing and a bare ``etree.fromstring`` of the same bytes."""
    wires = data.records(records)
    body = data.images_list_body(shape, wires)
    content_type = data.CONTENT_TYPES[shape]
    expected = tuple(w.record for w in wires)
    client = client_for(lambda: body, content_type, protocols=shape)
    zeep_reply = reply_processor(shape, body, content_type)

    # Correctness first: a fast wrong answer is no answer.
    page = client.list_images()
    if page.images != expected:
        raise AssertionError(f"pixelz parsed the {shape} page differently from the generator")
    if zeep_count(zeep_reply()) != len(expected):
        raise AssertionError(f"zeep did not read {len(expected)} records from the {shape} page")

    fns: dict[str, Callable[[], Any]] = {
        "pixelz": client.list_images,
        "lxml": lambda: etree.fromstring(body),
        "zeep": zeep_reply,
    }
    timings = interleaved(fns, repeat=repeat, number=number)
    client.close()
    return ParseResult(
        len(body), records, body.count(b"&"), timings["pixelz"], timings["lxml"], timings["zeep"]
    )


@attrs.frozen
class CallResult:
    pixelz: Timing
    bare: Timing

    @property
    def ratio(self) -> float:
        return paired_ratio(self.pixelz, self.bare)


@attrs.frozen
class CallPair:
    """A pixelz call and its bare baseline on the same canned answer, both checked."""

    client: pixelz.Client
    call: Callable[[], Any]
    bare: Callable[[], Any]
    bare_http: httpx.Client

    def close(self) -> None:
        self.client.close()
        self.bare_http.close()


def bare_baseline(
    call: Call, body: bytes, content_type: str
) -> tuple[httpx.Client, httpx.Request, Callable[[], Any]]:
    """The leanest honest baseline for ``call``: one reused httpx.Client, the request
    pixelz's SOAP 1.1 transport builds (built once, outside the clock; its body and
    ``Content-Type``/``SOAPAction`` only) posted through the same in-memory transport,
    and lxml's parse of the answer; no checks, no record built. Also the request built,
    to compare with what pixelz sends."""
    request = Soap11Transport().build_request(call, httpx.URL(BASE_URL))
    content = request.content
    headers = {name: request.headers[name] for name in ("Content-Type", "SOAPAction")}
    http = canned_http(lambda: body, content_type)
    post = http.post
    fromstring = etree.fromstring

    def bare() -> Any:
        return fromstring(post(BASE_URL, content=content, headers=headers).content)

    return http, request, bare


def call_setup() -> CallPair:
    """The P2 pair on the same canned answer: ``get_image_status`` through pixelz (default
    protocol order: SOAP 1.1 serves it), and the bare baseline. Both checked first."""
    wire = data.records(1)[0]
    body = data.image_status_body(wire)
    content_type = data.CONTENT_TYPES["soap11"]
    client = client_for(lambda: body, content_type)
    ticket = wire.record.image_ticket
    if client.get_image_status(ticket) != wire.record:
        raise AssertionError("pixelz parsed the GetImageStatus response differently")
    http, _, bare = bare_baseline(
        GET_IMAGE_STATUS.bind(EMAIL, KEY, image_ticket=ticket), body, content_type
    )
    if bare().find(".//{*}ImageTicket").text != str(ticket):
        raise AssertionError("the bare baseline did not get the canned answer")
    return CallPair(client, lambda: client.get_image_status(ticket), bare, http)


def run_call(setup: Callable[[], CallPair], *, repeat: int, number: int) -> CallResult:
    """A pixelz call against a bare ``httpx.Client.post`` of the same request to the same
    canned answer plus ``etree.fromstring`` of its body (``setup``: :func:`call_setup`
    for P2, ``bench.submit.submit_setup`` for P6); CPU time."""
    pair = setup()
    timings = interleaved({"pixelz": pair.call, "bare": pair.bare}, repeat=repeat,
                          number=number)
    pair.close()
    return CallResult(timings["pixelz"], timings["bare"])
