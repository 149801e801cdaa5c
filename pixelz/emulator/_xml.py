"""Byte-exact XML output in the style of .NET's XmlSerializer, plus hardened request parsing.

Output is written by hand, not by lxml, because the point is to reproduce ASMX's exact bytes:
``<X />`` for empty elements, ``>`` escaped, quotes not escaped in text, control characters as
``&#xN;`` references that strict XML parsers reject, CR raw (as Mono writes it, so parsers read
it back as LF) or, with ``escape_cr``, as ``&#xD;``, one-line SOAP envelopes and two-space
indented GET/POST documents without a trailing newline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

import attrs
from lxml import etree

from pixelz._envelope import SOAP11_NS, XSD_NS, XSI_NS
from pixelz._operations import NAMESPACE, STRING, Operation, Record, Result, WireType

__all__ = [
    "DECLARATION",
    "NIL",
    "Element",
    "NilStyle",
    "escape_text",
    "parse_request_xml",
    "record_element",
    "result_children",
    "result_document",
    "soap_envelope",
    "soap_fault",
    "value_element",
]

NilStyle = Literal["omit", "nil"]

DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_AND_CR = re.compile("[\x00-\x08\x0b-\x1f]")


def _char_ref(match: re.Match[str]) -> str:
    return f"&#x{ord(match.group()):X};"


def escape_text(text: str, escape_cr: bool = False) -> str:
    """Escape element text as the ASMX serializer does."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (_CONTROL_AND_CR if escape_cr else _CONTROL).sub(_char_ref, text)


@attrs.frozen(slots=True)
class Element:
    """A minimal element: qualified ``name`` as written, attributes, text or children."""

    name: str
    attributes: tuple[tuple[str, str], ...] = ()
    children: tuple[Element, ...] = ()
    text: str | None = None


def _write(element: Element, out: list[str], indent: bool, depth: int, cr: bool) -> None:
    attrs_text = "".join(f' {k}="{escape_text(v)}"' for k, v in element.attributes)
    if not element.children and not element.text:
        out.append(f"<{element.name}{attrs_text} />")
        return
    out.append(f"<{element.name}{attrs_text}>")
    if element.children:
        for child in element.children:
            if indent:
                out.append("\n" + "  " * (depth + 1))
            _write(child, out, indent, depth + 1, cr)
        if indent:
            out.append("\n" + "  " * depth)
    else:
        out.append(escape_text(element.text or "", cr))
    out.append(f"</{element.name}>")


def serialize(element: Element, *, indent: bool, escape_cr: bool = False) -> bytes:
    """The document for ``element``, with the XML declaration, as UTF-8."""
    out = [DECLARATION, "\n" if indent else ""]
    _write(element, out, indent, 0, escape_cr)
    return "".join(out).encode("utf-8")


NIL = (("xsi:nil", "true"),)  # the attributes of a nil element


def _text(type_: WireType, value: Any) -> str:
    if type_.name == "guid":
        return str(value).lower()
    if type_.name == "int":
        return str(int(value))
    if type_.name == "boolean":
        return "true" if value else "false"
    return str(value)


def value_element(name: str, type_: WireType, value: Any, nil_style: NilStyle) -> Element | None:
    """The element for one value of ``type_``; a null one is nil or left out."""
    if value is None:  # a null string, array or object (value types are never null)
        return Element(name, NIL) if nil_style == "nil" else None
    if type_.item is not None:  # array items are always written, a null one as nil
        items = tuple(
            Element(type_.item_element, NIL) if item is None
            else value_element(type_.item_element, type_.item, item, nil_style)
            for item in value
        )
        return Element(name, children=tuple(i for i in items if i is not None))
    if type_.members:
        return _members(name, type_.members, value, nil_style)
    return Element(name, text=_text(type_, value))


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


def _members(name: str, fields: Any, obj: Any, nil_style: NilStyle) -> Element:
    children: list[Element] = []
    for field in fields:
        wire = field.wire
        xml_attribute = getattr(field, "xml_attribute", None)
        if xml_attribute is not None:  # an attribute of the element written just before
            value = _get(obj, f"{wire}@{xml_attribute}")
            if value is not None and children and children[-1].name == wire:
                extra = ((xml_attribute, str(value)),)
                children[-1] = attrs.evolve(children[-1],
                                            attributes=children[-1].attributes + extra)
            continue
        child = value_element(wire, field.type, _get(obj, wire), nil_style)
        if child is not None:
            children.append(child)
    return Element(name, children=tuple(children))


def record_element(record: Record, obj: Any, nil_style: NilStyle) -> Element:
    """A record element (``ImageStatus``...), children in field order; ``obj`` holds the
    values as attributes or keys named after the wire fields."""
    return _members(record.element, record.fields, obj, nil_style)


def _status_children(result: Result, value: Any, nil_style: NilStyle) -> tuple[Element, ...]:
    """The ``ErrorCode`` and ``Message`` a write result declares, from the value's keys of
    those names (null, so left out, when the call succeeded)."""
    found = (value_element(name, STRING, _get(value, name), nil_style)
             for name in result.status_members)
    return tuple(child for child in found if child is not None)


def result_children(result: Result | None, value: Any, nil_style: NilStyle) -> tuple[Element, ...]:
    """What goes inside ``{Op}Result`` (or the GET/POST root) for a handler's value."""
    if result is None:
        return ()
    if result.record is None:
        return _status_children(result, value, nil_style)
    if result.inline:
        record = record_element(result.record, value, nil_style)
        return record.children + _status_children(result, value, nil_style)
    if result.many:
        children = tuple(
            Element(result.record.element, NIL) if item is None
            else record_element(result.record, item, nil_style)
            for item in value
        )
    else:
        children = (record_element(result.record, value, nil_style),)
    for name in reversed(result.path):
        children = (Element(name, children=children),)
    return children


def result_document(
    operation: Operation, value: Any, nil_style: NilStyle, escape_cr: bool = False
) -> bytes:
    """The GET/POST answer: an indented bare document rooted at the result type (an empty
    body for an operation without a result)."""
    if operation.result is None:
        return b""
    root = Element(
        operation.result.root,
        (("xmlns:xsd", XSD_NS), ("xmlns:xsi", XSI_NS), ("xmlns", NAMESPACE)),
        result_children(operation.result, value, nil_style),
    )
    return serialize(root, indent=True, escape_cr=escape_cr)


def _envelope(soap_ns: str, body: Element, escape_cr: bool = False) -> bytes:
    envelope = Element(
        "soap:Envelope",
        (("xmlns:soap", soap_ns), ("xmlns:xsi", XSI_NS), ("xmlns:xsd", XSD_NS)),
        (Element("soap:Body", children=(body,)),),
    )
    return serialize(envelope, indent=False, escape_cr=escape_cr)


def soap_envelope(
    soap_ns: str, operation: Operation, value: Any, nil_style: NilStyle, escape_cr: bool = False
) -> bytes:
    """The SOAP answer: a one-line envelope with ``{Op}Response/{Op}Result``."""
    if operation.result is None:
        inner: tuple[Element, ...] = ()
    else:
        result = result_children(operation.result, value, nil_style)
        inner = (Element(operation.result_element, children=result),)
    response = Element(operation.response_element, (("xmlns", NAMESPACE),), inner)
    return _envelope(soap_ns, response, escape_cr)


def soap_fault(soap_ns: str, code: str, text: str) -> bytes:
    """A SOAP 1.1 or 1.2 fault; ``code`` is the local name (Client, Sender, ...)."""
    if soap_ns == SOAP11_NS:
        fault = Element(
            "soap:Fault",
            children=(
                Element("faultcode", text=f"soap:{code}"),
                Element("faultstring", text=text),
                Element("detail"),
            ),
        )
    else:
        fault = Element(
            "soap:Fault",
            children=(
                Element("soap:Code", children=(Element("soap:Value", text=f"soap:{code}"),)),
                Element(
                    "soap:Reason",
                    children=(Element("soap:Text", (("xml:lang", "en"),), text=text),),
                ),
                Element("soap:Detail"),
            ),
        )
    return _envelope(soap_ns, fault)


# Request parsing: like Mono's reader, character references to control characters (``&#x1;``)
# are not well-formed, so such a request is a 400 like any other malformed body.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False
)


def parse_request_xml(body: bytes) -> etree._Element | None:
    """Parse a request body, or ``None`` when it is not well-formed or carries a DTD."""
    if b"<!DOCTYPE" in body:
        return None
    try:
        return etree.fromstring(body, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
