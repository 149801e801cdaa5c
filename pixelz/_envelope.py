"""The one envelope builder: SOAP 1.1 and SOAP 1.2 requests from the same code.

Every parameter of the operation is written in wire order; an unset one is an empty
element (``<imageStatus />``), so the service sees the same values on every protocol.
Arrays hold one element per item, named after the item type (``<int>5</int>``); complex
values hold their members in order. An empty array is an empty element.
"""

from __future__ import annotations

import functools

from ._operations import NAMESPACE, Call, Operation, Param, WireType, WireValue

__all__ = ["SOAP11_NS", "SOAP12_NS", "XSD_NS", "XSI_NS", "build_envelope", "escape_text"]

SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSD_NS = "http://www.w3.org/2001/XMLSchema"

def escape_text(value: str) -> str:
    """Escape a string for XML character data (arguments were checked to be XML-safe).

    CR is written as a reference: a literal CR would be normalized to LF by the server's
    XML parser and the value would change in transit. (A chain of ``replace`` is several
    times faster than ``str.translate`` with a table of strings.)"""
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#xD;"))


def _write(parts: list[str], name: str, type_: WireType, value: WireValue) -> None:
    if not value:  # unset, "" or an empty array
        parts.append(f"<{name} />")
    elif isinstance(value, str):
        parts.append(f"<{name}>{escape_text(value)}</{name}>")
    elif type_.item is not None:
        parts.append(f"<{name}>")
        for item in value:
            _write(parts, type_.item_element, type_.item, item)
        parts.append(f"</{name}>")
    else:
        parts.append(f"<{name}>")
        for member, member_value in zip(type_.members, value, strict=True):
            _write(parts, member.wire, member.type, member_value)
        parts.append(f"</{name}>")


def build_envelope(call: Call, soap_ns: str) -> bytes:
    """Serialize ``call`` as a document/literal SOAP envelope of the given version."""
    head, tail, tags = _frame(call.operation, soap_ns)
    parts = [head]
    for (param, empty, start, end), value in zip(tags, call.values, strict=True):
        if not value:  # unset, "" or an empty array
            parts.append(empty)
        elif isinstance(value, str):
            parts.append(start + escape_text(value) + end)
        else:
            _write(parts, param.wire, param.type, value)
    parts.append(tail)
    return "".join(parts).encode("utf-8")


@functools.cache
def _frame(operation: Operation, soap_ns: str) -> tuple[
    str, str, tuple[tuple[Param, str, str, str], ...]
]:
    """What an envelope of ``operation`` holds whatever the values: the text before and
    after the parameters, and each parameter's empty, start and end tags (built once per
    operation and SOAP version, not on every call)."""
    prefix = "soap" if soap_ns == SOAP11_NS else "soap12"
    name = operation.name
    head = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<{prefix}:Envelope xmlns:xsi="{XSI_NS}" xmlns:xsd="{XSD_NS}" '
        f'xmlns:{prefix}="{soap_ns}">'
        f"<{prefix}:Body>"
        f'<{name} xmlns="{NAMESPACE}">'
    )
    tail = f"</{name}></{prefix}:Body></{prefix}:Envelope>"
    tags = tuple((p, f"<{p.wire} />", f"<{p.wire}>", f"</{p.wire}>") for p in operation.params)
    return head, tail, tags
