"""Helpers for the emulator tests: raw-HTTP calls over each protocol, the captures."""

from __future__ import annotations

import urllib.parse
from typing import Any
from xml.sax.saxutils import escape

import httpx

from pixelz._operations import NAMESPACE, OPERATIONS
from pixelz.emulator import DEMO_CONTACT_API_KEY, DEMO_CONTACT_EMAIL
from pixelz.models import Protocol

SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
DEFAULT_ITEMS = {"int": "1", "string": "s"}


Value = str | list[str] | None  # a list: an array's items (SOAP) or repeated fields (GET/POST)


def _element(op: str, name: str, value: Value) -> str:
    if value is None:
        return f'<{name} xsi:nil="true" />'
    if isinstance(value, list):
        param = next(p for p in OPERATIONS[op].params if p.wire == name)
        item = param.type.item_element
        return f"<{name}>" + "".join(f"<{item}>{escape(v)}</{item}>" for v in value) + f"</{name}>"
    return f"<{name}>{escape(value)}</{name}>"


def envelope(protocol: Protocol, op: str, values: dict[str, Value]) -> bytes:
    ns = SOAP11_NS if protocol is Protocol.SOAP11 else SOAP12_NS
    params = "".join(_element(op, k, v) for k, v in values.items())
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="{ns}"><soap:Body>'
        f'<{op} xmlns="{NAMESPACE}">{params}</{op}></soap:Body></soap:Envelope>'
    ).encode()


def full_values(op: str, **values: Value) -> dict[str, Value]:
    """Every parameter of ``op`` (demo credentials, others empty), overridden by ``values``;
    an array parameter not given holds one item (GET/POST cannot send an empty one)."""
    out: dict[str, Value] = {
        p.wire: ([DEFAULT_ITEMS[p.type.item_element]] if p.type.item_element in DEFAULT_ITEMS
                 else []) if p.type.is_array else ""
        for p in OPERATIONS[op].params
    }
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
    form = [
        (k, item)
        for k, v in vals.items()
        for item in (v if isinstance(v, list) else ["" if v is None else v])
    ]
    if protocol is Protocol.HTTP_POST:
        return client.post(
            f"{base}/{op}",
            content=urllib.parse.urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    return client.get(f"{base}/{op}", params=form)
