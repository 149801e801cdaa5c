"""Helpers for the emulator tests: raw-HTTP calls over each protocol, the captures."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

import httpx

from pixelz._operations import NAMESPACE, OPERATIONS
from pixelz.emulator import DEMO_CONTACT_API_KEY, DEMO_CONTACT_EMAIL
from pixelz.models import Protocol

SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"


def envelope(protocol: Protocol, op: str, values: dict[str, str | None]) -> bytes:
    ns = SOAP11_NS if protocol is Protocol.SOAP11 else SOAP12_NS
    params = "".join(
        f'<{k} xsi:nil="true" />' if v is None else f"<{k}>{escape(v)}</{k}>"
        for k, v in values.items()
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="{ns}"><soap:Body>'
        f'<{op} xmlns="{NAMESPACE}">{params}</{op}></soap:Body></soap:Envelope>'
    ).encode()


def full_values(op: str, **values: str | None) -> dict[str, str | None]:
    """Every parameter of ``op`` (demo credentials, others empty), overridden by ``values``."""
    out: dict[str, str | None] = dict.fromkeys(OPERATIONS[op].parameters, "")
    out.update(contactEmail=DEMO_CONTACT_EMAIL, contactAPIkey=DEMO_CONTACT_API_KEY)
    out.update(values)
    return out


def request(
    client: httpx.Client, protocol: Protocol | str, op: str = "GetImagesList", **values: Any
) -> httpx.Response:
    """Call ``op`` over ``protocol`` with every parameter, as the SDK will."""
    protocol = Protocol(protocol)
    vals = full_values(op, **values)
    base = "/soap.asmx"
    if protocol is Protocol.SOAP11:
        return client.post(
            base,
            content=envelope(protocol, op, vals),
            headers={
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": f'"{NAMESPACE}{op}"',
            },
        )
    if protocol is Protocol.SOAP12:
        ctype = f'application/soap+xml; charset=utf-8; action="{NAMESPACE}{op}"'
        return client.post(
            base, content=envelope(protocol, op, vals), headers={"Content-Type": ctype}
        )
    form = {k: "" if v is None else v for k, v in vals.items()}
    if protocol is Protocol.HTTP_POST:
        return client.post(f"{base}/{op}", data=form)
    return client.get(f"{base}/{op}", params=form)
