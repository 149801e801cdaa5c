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
    """Whether ASP.NET request validation refuses ``value`` in a form or query string."""
    return _DANGEROUS.search(value) is not None


def form_items(call: Call, protocol: Protocol) -> list[tuple[str, str]]:
    """Every parameter as ``name=value``, an array as one field per item, in wire order.

    Raises :class:`ProtocolBlockedError` (nothing is sent) when this binding cannot carry
    the call: a complex parameter (the GET/POST bindings carry primitives and arrays of
    primitives only), an empty array (ASMX fails on a missing array field and cannot
    convert an empty one), or a value ASP.NET request validation would reject.
    """
    if protocol not in call.operation.protocols:  # cached: the usual case costs a look-up
        structured = next(p for p in call.operation.params if p.type.is_structured)
        raise _cannot(call, protocol, f"{structured.wire} is a complex type, which only SOAP "
                      "carries")
    items: list[tuple[str, str]] = []
    for param, value in call.arguments:
        if param.type.is_array:
            if not value:
                raise _cannot(call, protocol, f"{param.wire} is an empty array, which only "
                              "SOAP carries")
            assert isinstance(value, tuple)
            items.extend((param.wire, str(item)) for item in value)
        else:
            items.append((param.wire, value if isinstance(value, str) else ""))
    for name, text in items:
        if request_validation_rejects(text):
            raise _cannot(call, protocol, f"the value of {name} looks like markup, which "
                          "ASP.NET request validation rejects on HTTP GET and POST")
    return items


def _cannot(call: Call, protocol: Protocol, reason: str) -> ProtocolBlockedError:
    return ProtocolBlockedError(f"{reason} (not sent)", operation=call.operation.name,
                                protocol=protocol)


def _form(call: Call, protocol: Protocol) -> str:
    return urllib.parse.urlencode(form_items(call, protocol))


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
