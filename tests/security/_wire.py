"""Shared wire helpers for the security tests: response shapes per protocol, in-memory
clients that record what they send, and the sentinel credentials."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

import httpx

import pixelz

from ..unit._wire import protocol_of as protocol_of  # re-exported for the tests here

BASE = "http://pixelz.test/soap.asmx"
EMAIL = "security@example.com"
KEY = "SENTINEL-KEY-4b1d"
PROTOCOLS = ("soap11", "soap12", "http_post", "http_get")
OPERATIONS = ("GetImagesList", "GetImageStatus")
TICKET = "0f8fad5b-d9cb-469f-a165-70867728950e"
NS = "http://removethebackground.com/"
SOAP_NS = {
    "soap11": "http://schemas.xmlsoap.org/soap/envelope/",
    "soap12": "http://www.w3.org/2003/05/soap-envelope",
}
CONTENT_TYPE = {
    "soap11": "text/xml; charset=utf-8",
    "soap12": "application/soap+xml; charset=utf-8",
    "http_post": "text/xml; charset=utf-8",
    "http_get": "text/xml; charset=utf-8",
}
XML_DECL = '<?xml version="1.0" encoding="utf-8"?>'

RECORD = (
    f"<ImageStatus><ImageTicket>{TICKET}</ImageTicket>"
    "<CustomerImageId>sku-1</CustomerImageId><ProductId>p-1</ProductId>"
    "<StatusName>Delivered</StatusName><StatusId>80</StatusId><IsPaid>true</IsPaid>"
    "<ThumbnailImageURL>http://x/t.jpg</ThumbnailImageURL>"
    "<FinalImagesURL><string>http://x/1.jpg</string></FinalImagesURL></ImageStatus>"
)


def result_xml(protocol: str, operation: str, inner: str, *, decl: str = XML_DECL,
               prolog: str = "") -> str:
    """A success document of ``operation`` in the shape ``protocol`` answers with, with
    ``inner`` as the record part (``Images`` content for lists, the record for one)."""
    payload = f"<Images>{inner}</Images>" if operation == "GetImagesList" else inner
    if protocol in SOAP_NS:
        return (
            f'{decl}{prolog}<soap:Envelope xmlns:soap="{SOAP_NS[protocol]}" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>'
            f'<{operation}Response xmlns="{NS}"><{operation}Result>{payload}'
            f"</{operation}Result></{operation}Response></soap:Body></soap:Envelope>"
        )
    root = "ImagesListResponse" if operation == "GetImagesList" else "ImageStatusResponse"
    return (
        f'{decl}\n{prolog}<{root} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xmlns="{NS}">\n  {payload}\n</{root}>'
    )


def ok_body(protocol: str, operation: str = "GetImagesList") -> bytes:
    return result_xml(protocol, operation, RECORD).encode("utf-8")


def fault(protocol: str, message: str) -> httpx.Response:
    """The service's own error answer on ``protocol``, saying ``message``."""
    if protocol == "soap11":
        body = (
            f'{XML_DECL}<soap:Envelope xmlns:soap="{SOAP_NS["soap11"]}"><soap:Body>'
            f"<soap:Fault><faultcode>soap:Client</faultcode><faultstring>{message}"
            "</faultstring><detail /></soap:Fault></soap:Body></soap:Envelope>"
        )
    elif protocol == "soap12":
        body = (
            f'{XML_DECL}<soap:Envelope xmlns:soap="{SOAP_NS["soap12"]}"><soap:Body>'
            "<soap:Fault><soap:Code><soap:Value>soap:Sender</soap:Value></soap:Code>"
            f'<soap:Reason><soap:Text xml:lang="en">{message}</soap:Text></soap:Reason>'
            "<soap:Detail /></soap:Fault></soap:Body></soap:Envelope>"
        )
    else:
        return httpx.Response(
            500, headers={"Content-Type": "text/plain; charset=utf-8"},
            text=f"System.ArgumentException: {message}\n  at Soap.GetImagesList () [0x0]",
        )
    return httpx.Response(500, headers={"Content-Type": CONTENT_TYPE[protocol]}, text=body)


Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """An ``httpx.MockTransport`` handler that records every request it is given and
    answers with ``answer(request)`` (by default a 500 that no test expects to see)."""

    def __init__(self, answer: Handler | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.answer = answer or (lambda request: httpx.Response(599))
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
        return self.answer(request)

    def http_client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def async_http_client(self) -> httpx.AsyncClient:
        async def handler(request: httpx.Request) -> httpx.Response:
            return self(request)

        return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def client(recorder: Recorder, protocol: str | Iterable[str] | None = None,
           **kwargs: Any) -> pixelz.Client:
    """A client over an in-memory transport; one pinned protocol, no retries, unless
    told otherwise."""
    kwargs.setdefault("max_retries", 0)
    return pixelz.Client(EMAIL, KEY, base_url=BASE, protocols=protocol,
                         http_client=recorder.http_client(), **kwargs)


def call(c: pixelz.Client, operation: str) -> Any:
    if operation == "GetImagesList":
        return c.list_images()
    return c.get_image_status(TICKET)
