"""The ASMX HTTP GET and HTTP POST bindings: every parameter, in order, even when empty.

ASMX requires every parameter on these bindings ("Missing parameter" otherwise), so unset
ones are sent as empty values, which the service reads exactly like empty SOAP elements.
"""

from __future__ import annotations

import urllib.parse

import httpx

from .._operations import Call
from ..models import Protocol
from ._base import Transport, operation_url

__all__ = ["HttpGetTransport", "HttpPostTransport"]


def _form(call: Call) -> str:
    return urllib.parse.urlencode(call.items)


class HttpPostTransport(Transport):
    """``POST {base_url}/{Op}`` with an ``application/x-www-form-urlencoded`` body."""

    protocol = Protocol.HTTP_POST

    def build_request(self, call: Call, base_url: httpx.URL) -> httpx.Request:
        return httpx.Request(
            "POST",
            operation_url(base_url, call),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            content=_form(call).encode("ascii"),
        )


class HttpGetTransport(Transport):
    """``GET {base_url}/{Op}?{parameters}``. The API key travels in the URL, which is
    why this protocol comes last by default and why pixelz redacts it from log records."""

    protocol = Protocol.HTTP_GET

    def build_request(self, call: Call, base_url: httpx.URL) -> httpx.Request:
        url = operation_url(base_url, call).copy_with(query=_form(call).encode("ascii"))
        return httpx.Request("GET", url)
