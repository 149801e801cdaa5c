"""SOAP 1.1 and SOAP 1.2: one envelope builder, two header conventions."""

from __future__ import annotations

import httpx

from .._envelope import SOAP11_NS, SOAP12_NS, build_envelope
from .._operations import Call
from ..models import Protocol
from ._base import Transport

__all__ = ["Soap11Transport", "Soap12Transport"]


class Soap11Transport(Transport):
    """``POST {base_url}``, ``text/xml``, the action in a quoted ``SOAPAction`` header."""

    protocol = Protocol.SOAP11

    def build_request(self, call: Call, base_url: httpx.URL) -> httpx.Request:
        return httpx.Request(
            "POST",
            base_url,
            headers={
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": f'"{call.operation.soap_action}"',
            },
            content=build_envelope(call, SOAP11_NS),
        )


class Soap12Transport(Transport):
    """``POST {base_url}``, ``application/soap+xml`` with the action as a media-type
    parameter (SOAP 1.2 has no SOAPAction header)."""

    protocol = Protocol.SOAP12

    def build_request(self, call: Call, base_url: httpx.URL) -> httpx.Request:
        return httpx.Request(
            "POST",
            base_url,
            headers={
                "Content-Type": "application/soap+xml; charset=utf-8; "
                f'action="{call.operation.soap_action}"',
            },
            content=build_envelope(call, SOAP12_NS),
        )
