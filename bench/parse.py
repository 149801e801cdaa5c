"""P1 (parse a page through ``list_images``) and P2 (per-call overhead), over an in-memory
transport (``httpx.MockTransport``): no socket, so what is timed is pixelz and httpx."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import httpx
from lxml import etree

import pixelz
from pixelz._envelope import SOAP11_NS, build_envelope
from pixelz._operations import GET_IMAGE_STATUS

from . import data
from .timing import Timing, interleaved, paired_ratio
from .zeep_baseline import reply_processor, zeep_count

__all__ = ["CallResult", "ParseResult", "canned_http", "client_for", "run_call", "run_parse"]

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


def call_setup() -> tuple[pixelz.Client, Callable[[], Any], Callable[[], Any]]:
    """The P2 pair on the same canned answer: ``get_image_status`` through pixelz (default
    protocol order: SOAP 1.1 serves it), and the bare baseline. Both checked first."""
    wire = data.records(1)[0]
    body = data.image_status_body(wire)
    content_type = data.CONTENT_TYPES["soap11"]
    client = client_for(lambda: body, content_type)
    ticket = wire.record.image_ticket
    if client.get_image_status(ticket) != wire.record:
        raise AssertionError("pixelz parsed the GetImageStatus response differently")

    # The leanest honest baseline: one reused httpx.Client, the same request bytes
    # (built once, outside the clock) posted through the same in-memory transport, and
    # lxml's parse of the answer; no checks, no conversion into a record.
    http = canned_http(lambda: body, content_type)
    envelope = build_envelope(GET_IMAGE_STATUS.bind(EMAIL, KEY, image_ticket=ticket), SOAP11_NS)
    headers = {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": f'"{GET_IMAGE_STATUS.soap_action}"',
    }
    post = http.post
    fromstring = etree.fromstring

    def bare() -> Any:
        return fromstring(post(BASE_URL, content=envelope, headers=headers).content)

    if bare().find(".//{*}ImageTicket").text != str(ticket):
        raise AssertionError("the bare baseline did not get the canned answer")
    return client, (lambda: client.get_image_status(ticket)), bare


def run_call(*, repeat: int, number: int) -> CallResult:
    """``get_image_status`` against a bare ``httpx.Client.post`` of the same request to the
    same canned answer plus ``etree.fromstring`` of its body."""
    client, call, bare = call_setup()
    timings = interleaved({"pixelz": call, "bare": bare}, repeat=repeat, number=number)
    client.close()
    return CallResult(timings["pixelz"], timings["bare"])
