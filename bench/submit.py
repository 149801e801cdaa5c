"""P6: the per-call overhead of ``submit_image`` over an in-memory transport
(``httpx.MockTransport`` answering a canned AddImageToQueue response), against a bare httpx
POST of the same envelope plus ``lxml.etree.fromstring`` of the answer, as P2 does for
reads."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

import pixelz
from pixelz._operations import ADD_IMAGE_TO_QUEUE

from . import data
from .parse import BASE_URL, EMAIL, KEY, CallPair, bare_baseline, canned_http, client_for
from .submits import DEVELOPER_KEY

__all__ = ["submit_setup"]

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
    http = canned_http(lambda: body, content_type)
    http.event_hooks = {"request": [sent.append], "response": []}
    with http, pixelz.Client(EMAIL, KEY, base_url=BASE_URL, http_client=http) as client:
        client.submit_image(IMAGE_URL, **ARGUMENTS)
    if len(sent) != 1:
        raise AssertionError(f"submit_image sent {len(sent)} requests, not one")
    return sent[0]


def submit_setup() -> CallPair:
    """The P6 pair on the same canned answer: ``submit_image`` through pixelz (default
    protocol order: SOAP 1.1 carries it), and the bare baseline posting the request
    pixelz's own transport builds. Both checked first, and the requests compared."""
    body = data.queue_body(TICKET, CUSTOMER_ID)
    content_type = data.CONTENT_TYPES["soap11"]
    expected = pixelz.SubmittedImage(TICKET, CUSTOMER_ID, False)

    http, built, bare = bare_baseline(
        ADD_IMAGE_TO_QUEUE.bind(EMAIL, KEY, image_url=IMAGE_URL, **ARGUMENTS), body,
        content_type,
    )
    sent = _sent_request(body, content_type)
    if sent.content != built.content:
        raise AssertionError("pixelz sent another envelope than its builder makes")
    if sent.headers.get("SOAPAction") != built.headers["SOAPAction"]:
        raise AssertionError(f"pixelz sent SOAPAction {sent.headers.get('SOAPAction')!r}")

    client = client_for(lambda: body, content_type)
    if client.submit_image(IMAGE_URL, **ARGUMENTS) != expected:
        raise AssertionError("pixelz parsed the AddImageToQueue response differently")
    if bare().findtext(".//{*}ImageTicket") != str(TICKET):
        raise AssertionError("the bare baseline did not get the canned answer")
    return CallPair(client, lambda: client.submit_image(IMAGE_URL, **ARGUMENTS), bare, http)
