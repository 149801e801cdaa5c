"""P1 (parse a 10,000-record page) and P2 (per-call overhead), over httpx.MockTransport."""

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
from .timing import Timing, interleaved
from .zeep_baseline import reply_processor, zeep_count

__all__ = ["CallResult", "ParseResult", "client_for", "run_call", "run_parse"]

BASE_URL = "http://pixelz.test/soap.asmx"
EMAIL, KEY = "bench@example.com", "bench-key"


def _canned(body: Callable[[], bytes], content_type: str) -> httpx.Client:
    """An http client whose every request is answered in memory with ``body()``."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": content_type}, content=body())

    return httpx.Client(transport=httpx.MockTransport(handler))


def client_for(
    body: Callable[[], bytes], content_type: str, protocols: Any = None
) -> pixelz.Client:
    """A client whose every request is answered in memory with ``body()``."""
    http = _canned(body, content_type)
    return pixelz.Client(EMAIL, KEY, base_url=BASE_URL, protocols=protocols, http_client=http)


@attrs.frozen
class ParseResult:
    size: int
    pixelz: Timing
    lxml: Timing
    zeep: Timing

    @property
    def vs_zeep(self) -> float:
        """How many times faster than zeep (higher is better)."""
        return self.zeep.best / self.pixelz.best

    @property
    def vs_lxml(self) -> float:
        """Multiple of a bare ``lxml.etree.fromstring`` (lower is better)."""
        return self.pixelz.best / self.lxml.best


def run_parse(shape: str, *, records: int, repeat: int) -> ParseResult:
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
    timings = interleaved(fns, repeat=repeat)
    client.close()
    return ParseResult(len(body), timings["pixelz"], timings["lxml"], timings["zeep"])


@attrs.frozen
class CallResult:
    pixelz: Timing
    bare: Timing

    @property
    def ratio(self) -> float:
        return self.pixelz.best / self.bare.best


def run_call(*, repeat: int, number: int) -> CallResult:
    """``get_image_status`` (one record, default protocol order: SOAP 1.1 serves it) against
    a bare ``httpx.Client.post`` of the same request bytes to the same canned response,
    plus ``etree.fromstring`` of its body."""
    wire = data.records(1)[0]
    body = data.image_status_body(wire)
    content_type = data.CONTENT_TYPES["soap11"]
    client = client_for(lambda: body, content_type)
    ticket = wire.record.image_ticket
    if client.get_image_status(ticket) != wire.record:
        raise AssertionError("pixelz parsed the GetImageStatus response differently")

    bare_http = _canned(lambda: body, content_type)
    # The same request bytes, built once, outside the clock.
    envelope = build_envelope(GET_IMAGE_STATUS.bind(EMAIL, KEY, image_ticket=ticket), SOAP11_NS)
    headers = {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": f'"{GET_IMAGE_STATUS.soap_action}"',
    }

    def bare() -> Any:
        response = bare_http.post(BASE_URL, content=envelope, headers=headers)
        return etree.fromstring(response.content)

    timings = interleaved(
        {"pixelz": lambda: client.get_image_status(ticket), "bare": bare},
        repeat=repeat,
        number=number,
    )
    client.close()
    bare_http.close()
    return CallResult(timings["pixelz"], timings["bare"])
