"""The transport contract: build an ``httpx.Request``, interpret an ``httpx.Response``.

A transport does no I/O. The clients send what it builds and hand back what came, which
lets the sync client, the async client and the fallback policy share every transport.
"""

from __future__ import annotations

import abc
from typing import Any

import httpx

from .._operations import Call
from .._parser import parse_response
from ..models import Protocol

__all__ = ["Transport"]


class Transport(abc.ABC):
    """One wire protocol. Subclass it to add a protocol and pass an instance in
    ``Client(protocols=[...])``; ``protocol`` names it on results and in errors.

    ``parse_response`` defaults to the shared parser, which reads both the SOAP envelope
    and the bare GET/POST document; override it for a different response format.
    """

    protocol: Protocol | str

    @abc.abstractmethod
    def build_request(self, call: Call, base_url: httpx.URL) -> httpx.Request:
        """The request that performs ``call`` against the service at ``base_url``.

        Raise :class:`pixelz.ProtocolBlockedError` when this protocol cannot carry the
        call (the client then moves on to the next protocol without sending anything).
        """

    def parse_response(self, call: Call, response: httpx.Response) -> Any:
        """The result of ``call`` in ``response`` (the records of a list, one record, or
        None for an operation without a result), or raise a :class:`pixelz.PixelzError`:
        :class:`pixelz.APIError` when the service reported an error (no fallback), any
        other to move the call to the next protocol."""
        return parse_response(call, response, self.protocol)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def operation_url(base_url: httpx.URL, call: Call) -> httpx.URL:
    """``{base_url}/{Operation}``: where the HTTP GET and POST bindings live."""
    return base_url.copy_with(path=base_url.path.rstrip("/") + "/" + call.operation.name)
