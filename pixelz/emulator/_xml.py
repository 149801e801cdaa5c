"""Byte-exact XML output in the style of .NET's XmlSerializer, plus hardened request parsing.

Output is written by hand, not by lxml, because the point is to reproduce ASMX's exact bytes:
``<X />`` for empty elements, ``>`` escaped, quotes not escaped in text, control characters as
``&#xN;`` references that strict XML parsers reject, CR raw (as Mono writes it, so parsers read
it back as LF) or, with ``escape_cr``, as ``&#xD;``, one-line SOAP envelopes and two-space
indented GET/POST documents without a trailing newline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

import attrs
from lxml import etree

from pixelz._envelope import SOAP11_NS, XSD_NS, XSI_NS
from pixelz._operations import NAMESPACE, RECORD_ELEMENT, RECORD_FIELDS, Operation
from pixelz.emulator.dataset import Record

__all__ = [
    "DECLARATION",
    "NIL",
    "Element",
    "NilStyle",
    "escape_text",
    "parse_request_xml",
    "result_document",
    "soap_envelope",
    "soap_fault",
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


def record_element(record: Record, nil_style: NilStyle) -> Element:
    """An ``ImageStatus`` element, children in ``RECORD_FIELDS`` order."""
    children: list[Element] = []
    for spec in RECORD_FIELDS:
        value = getattr(record, spec.wire_name)
        if value is None:  # a null string or array (the other types are never null)
            if nil_style == "nil":
                children.append(Element(spec.wire_name, NIL))
            continue
        if spec.xsd_type == "guid":
            child = Element(spec.wire_name, text=str(value).lower())
        elif spec.xsd_type == "int":
            child = Element(spec.wire_name, text=str(int(value)))
        elif spec.xsd_type == "boolean":
            child = Element(spec.wire_name, text="true" if value else "false")
        elif spec.xsd_type == "ArrayOfString":
            items = tuple(
                Element("string", NIL) if item is None else Element("string", text=item)
                for item in value
            )
            child = Element(spec.wire_name, children=items)
        else:
            child = Element(spec.wire_name, text=value)
        children.append(child)
    return Element(RECORD_ELEMENT, children=tuple(children))


def _result_children(
    result: Record | Iterable[Record], nil_style: NilStyle
) -> tuple[Element, ...]:
    if isinstance(result, Record):
        return (record_element(result, nil_style),)
    images = tuple(record_element(r, nil_style) for r in result)
    return (Element("Images", children=images),)


def result_document(
    operation: Operation,
    result: Record | Iterable[Record],
    nil_style: NilStyle,
    escape_cr: bool = False,
) -> bytes:
    """The GET/POST answer: an indented bare document rooted at the result type."""
    root = Element(
        operation.result_type,
        (("xmlns:xsd", XSD_NS), ("xmlns:xsi", XSI_NS), ("xmlns", NAMESPACE)),
        _result_children(result, nil_style),
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
    soap_ns: str,
    operation: Operation,
    result: Record | Iterable[Record],
    nil_style: NilStyle,
    escape_cr: bool = False,
) -> bytes:
    """The SOAP answer: a one-line envelope with ``{Op}Response/{Op}Result``."""
    result_el = Element(
        operation.result_element, children=_result_children(result, nil_style)
    )
    response = Element(operation.response_element, (("xmlns", NAMESPACE),), (result_el,))
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
