"""The ASMX HTTP GET and HTTP POST bindings: every parameter, in order, even when empty.

ASMX requires every parameter on these bindings ("Missing parameter" otherwise), so unset
ones are sent as empty values, which the service reads exactly like empty SOAP elements.
"""

from __future__ import annotations

import re
import urllib.parse

import httpx

from .._operations import Call
from ..errors import ProtocolBlockedError
from ..models import Protocol
from ._base import Transport, operation_url

__all__ = ["HttpGetTransport", "HttpPostTransport", "request_validation_rejects"]

# ASP.NET request validation (CrossSiteScriptingValidation.IsDangerousString) rejects form
# and query values holding "<" before a letter, "!", "/" or "?", or "&#". SOAP bodies are
# not validated, so such a value is sent over SOAP instead of failing with a localized
# 500 text that would read like a service error.
_DANGEROUS = re.compile(r"<[A-Za-z!/?]|&#")


def request_validation_rejects(value: str) -> bool:
    """Whether ASP.NET request validation refuses ``value`` in a form or query string (the
    emulator applies the same rule as a server)."""
    return _DANGEROUS.search(value) is not None


def _form(call: Call, protocol: Protocol) -> str:
    for name, value in call.items:
        if request_validation_rejects(value):
            raise ProtocolBlockedError(
                f"the value of {name} looks like markup, which ASP.NET request validation "
                "rejects on HTTP GET and POST (not sent)",
                operation=call.operation.name,
                protocol=protocol,
            )
    return urllib.parse.urlencode(call.items)


class HttpPostTransport(Transport):
    """``POST {base_url}/{Op}`` with an ``application/x-www-form-urlencoded`` body."""

    protocol = Protocol.HTTP_POST

    def build_request(self, call: Call, base_url: httpx.URL) -> httpx.Request:
        return httpx.Request(
            "POST",
            operation_url(base_url, call),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            content=_form(call, self.protocol).encode("ascii"),
        )


class HttpGetTransport(Transport):
    """``GET {base_url}/{Op}?{parameters}``. The API key travels in the URL, which is
    why this protocol comes last by default and why pixelz redacts it from log records."""

    protocol = Protocol.HTTP_GET

    def build_request(self, call: Call, base_url: httpx.URL) -> httpx.Request:
        query = _form(call, self.protocol).encode("ascii")
        url = operation_url(base_url, call).copy_with(query=query)
        return httpx.Request("GET", url)
