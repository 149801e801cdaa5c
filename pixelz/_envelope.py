"""The one envelope builder: SOAP 1.1 and SOAP 1.2 requests from the same code.

Every parameter of the operation is written in wire order; an unset one is an empty
element (``<imageStatus />``), so the service sees the same values on every protocol.
Arrays hold one element per item, named after the item type (``<int>5</int>``); complex
values hold their members in order. An empty array is an empty element.
"""

from __future__ import annotations

from ._operations import NAMESPACE, Call, WireType, WireValue

__all__ = ["SOAP11_NS", "SOAP12_NS", "XSD_NS", "XSI_NS", "build_envelope", "escape_text"]

SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSD_NS = "http://www.w3.org/2001/XMLSchema"

# CR is written as a reference: a literal CR would be normalized to LF by the server's
# XML parser and the value would change in transit.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#xD;"})


def escape_text(value: str) -> str:
    """Escape a string for XML character data (arguments were checked to be XML-safe)."""
    return value.translate(_ESCAPES)


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
    prefix = "soap" if soap_ns == SOAP11_NS else "soap12"
    name = call.operation.name
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<{prefix}:Envelope xmlns:xsi="{XSI_NS}" xmlns:xsd="{XSD_NS}" '
        f'xmlns:{prefix}="{soap_ns}">',
        f"<{prefix}:Body>",
        f'<{name} xmlns="{NAMESPACE}">',
    ]
    for param, value in call.arguments:
        _write(parts, param.wire, param.type, value)
    parts.append(f"</{name}></{prefix}:Body></{prefix}:Envelope>")
    return "".join(parts).encode("utf-8")
