"""P6: the per-call overhead of ``submit_image`` over an in-memory transport
(``httpx.MockTransport`` answering a canned AddImageToQueue response), against a bare httpx
POST of the same envelope plus ``lxml.etree.fromstring`` of the answer, as P2 does for
reads."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
from lxml import etree

import pixelz
from pixelz._envelope import SOAP11_NS, build_envelope
from pixelz._operations import ADD_IMAGE_TO_QUEUE

from . import data
from .parse import BASE_URL, EMAIL, KEY, CallResult, canned_http, client_for
from .submits import DEVELOPER_KEY
from .timing import interleaved

__all__ = ["run_submit_call", "submit_setup"]

IMAGE_URL = "https://images.example.com/catalog/sku-19494/back.jpg?w=4000&h=4000"
TEMPLATE_ID = 101
CUSTOMER_ID = "sku&19494-back"
TICKET = uuid.UUID("0b5f3c1e-8d2a-4f67-9c41-5e7a2b9d6f10")
ARGUMENTS: dict[str, Any] = {
    "template_id": TEMPLATE_ID,
    "developer_api_key": DEVELOPER_KEY,
    "customer_image_id": CUSTOMER_ID,
}


def _sent_request(body: bytes, content_type: str) -> httpx.Request:
    """The request pixelz sends for the benchmark's submission (recorded once, untimed)."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, headers={"Content-Type": content_type}, content=body)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with pixelz.Client(EMAIL, KEY, base_url=BASE_URL, http_client=http) as client:
        client.submit_image(IMAGE_URL, **ARGUMENTS)
    http.close()
    if len(sent) != 1:
        raise AssertionError(f"submit_image sent {len(sent)} requests, not one")
    return sent[0]


def submit_setup() -> tuple[pixelz.Client, Callable[[], Any], Callable[[], Any]]:
    """The P6 pair on the same canned answer: ``submit_image`` through pixelz (default
    protocol order: SOAP 1.1 carries it), and the bare baseline posting the envelope
    pixelz's own builder makes. Both checked first, and the envelopes compared."""
    body = data.queue_body(TICKET, CUSTOMER_ID)
    content_type = data.CONTENT_TYPES["soap11"]
    expected = pixelz.SubmittedImage(TICKET, CUSTOMER_ID, False)

    envelope = build_envelope(
        ADD_IMAGE_TO_QUEUE.bind(EMAIL, KEY, image_url=IMAGE_URL, **ARGUMENTS), SOAP11_NS
    )
    headers = {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": f'"{ADD_IMAGE_TO_QUEUE.soap_action}"',
    }
    sent = _sent_request(body, content_type)
    if sent.content != envelope:
        raise AssertionError("pixelz sent another envelope than its builder makes")
    if sent.headers.get("SOAPAction") != headers["SOAPAction"]:
        raise AssertionError(f"pixelz sent SOAPAction {sent.headers.get('SOAPAction')!r}")

    client = client_for(lambda: body, content_type)
    if client.submit_image(IMAGE_URL, **ARGUMENTS) != expected:
        raise AssertionError("pixelz parsed the AddImageToQueue response differently")

    # The leanest honest baseline, as for P2: one reused httpx.Client, the same request
    # bytes (built once, outside the clock) through the same in-memory transport, and
    # lxml's parse of the answer; no checks, no record built.
    http = canned_http(lambda: body, content_type)
    post = http.post
    fromstring = etree.fromstring

    def bare() -> Any:
        return fromstring(post(BASE_URL, content=envelope, headers=headers).content)

    if bare().findtext(".//{*}ImageTicket") != str(TICKET):
        raise AssertionError("the bare baseline did not get the canned answer")
    return client, (lambda: client.submit_image(IMAGE_URL, **ARGUMENTS)), bare


def run_submit_call(*, repeat: int, number: int) -> CallResult:
    """``submit_image`` against a bare ``httpx.Client.post`` of the same envelope to the
    same canned answer plus ``etree.fromstring`` of its body; CPU time."""
    client, call, bare = submit_setup()
    timings = interleaved({"pixelz": call, "bare": bare}, repeat=repeat, number=number)
    client.close()
    return CallResult(timings["pixelz"], timings["bare"])
