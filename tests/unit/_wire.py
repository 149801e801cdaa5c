"""Test helpers: the same server data written in every ASMX response shape.

The builders follow the real captures in ``fixtures/wire/``: SOAP answers are a one-line
envelope (``{Op}Response/{Op}Result/...``), HTTP GET/POST answers an indented bare document
whose root is the .NET return type (``ImagesListResponse``) in the service namespace. Text is
escaped as ASMX escapes it: ``& < >`` as entities, CR and control characters as ``&#xN;``
references (the latter are not even legal XML 1.0, yet ASMX writes them).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
import httpx

from pixelz import ImageStatus, Protocol
from pixelz._operations import GET_IMAGE_STATUS, GET_IMAGES_LIST, NAMESPACE, Operation

EMAIL = "a@example.com"
KEY = "SENTINEL-KEY-9f3a"
BASE_URL = "https://api.pixelz.test/soap.asmx"
FIXTURES = Path(__file__).parent / "fixtures" / "wire"

SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
_DECLS = f'xmlns:xsd="{XSD}" xmlns:xsi="{XSI}"'
XML_DECL = '<?xml version="1.0" encoding="utf-8"?>'

CONTENT_TYPES = {
    Protocol.SOAP11: "text/xml; charset=utf-8",
    Protocol.SOAP12: "application/soap+xml; charset=utf-8",
    Protocol.HTTP_POST: "text/xml; charset=utf-8",
    Protocol.HTTP_GET: "text/xml; charset=utf-8",
}
ALL = tuple(Protocol)


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


ABSENT: Any = _Marker("ABSENT")  # the element is not written (how ASMX writes a null)
NIL: Any = _Marker("NIL")  # <X xsi:nil="true" />


def escape(text: str) -> str:
    """Character data as ASMX writes it."""
    out = []
    for char in text:
        code = ord(char)
        if char == "&":
            out.append("&amp;")
        elif char == "<":
            out.append("&lt;")
        elif char == ">":
            out.append("&gt;")
        elif char == "\r" or (code < 0x20 and char not in "\t\n"):
            out.append(f"&#x{code:X};")
        else:
            out.append(char)
    return "".join(out)


@attrs.frozen
class Rec:
    """One ImageStatus as the server holds it. String fields: a str, ABSENT or NIL.
    ``finals``: ABSENT, NIL or a list of str / NIL items. ``status_id`` and ``is_paid`` are
    wire text. ``extra`` is raw XML (unknown elements) written after the known fields."""

    ticket: str
    customer: Any = ABSENT
    product: Any = ABSENT
    status_name: Any = ABSENT
    status_id: str = "80"
    is_paid: str = "true"
    thumbnail: Any = ABSENT
    finals: Any = ABSENT
    extra: str = ""

    def expected(self) -> ImageStatus:
        def text(value: Any) -> str | None:
            return None if value is ABSENT or value is NIL else value

        finals: tuple[str, ...] = ()
        if isinstance(self.finals, list):
            finals = tuple(item for item in self.finals if item is not NIL)
        return ImageStatus(
            image_ticket=uuid.UUID(self.ticket),
            customer_image_id=text(self.customer),
            product_id=text(self.product),
            status_name=text(self.status_name),
            status_id=int(self.status_id),
            is_paid=self.is_paid.strip() in ("true", "1"),
            thumbnail_image_url=text(self.thumbnail),
            final_image_urls=finals,
        )

    def elements(self) -> list[tuple[str, Any]]:
        return [
            ("ImageTicket", self.ticket),
            ("CustomerImageId", self.customer),
            ("ProductId", self.product),
            ("StatusName", self.status_name),
            ("StatusId", self.status_id),
            ("IsPaid", self.is_paid),
            ("ThumbnailImageURL", self.thumbnail),
        ]


class _Writer:
    """Writes elements either on one line (SOAP) or indented by two spaces (GET/POST)."""

    def __init__(self, indent: bool) -> None:
        self.indent = indent
        self.parts: list[str] = []
        self.depth = 0

    def _line(self, text: str) -> None:
        if self.indent:
            self.parts.append("\n" + "  " * self.depth + text)
        else:
            self.parts.append(text)

    def leaf(self, name: str, value: Any) -> None:
        if value is ABSENT:
            return
        if value is NIL:
            self._line(f'<{name} xsi:nil="true" />')
        elif value == "":
            self._line(f"<{name} />")
        else:
            self._line(f"<{name}>{escape(value)}</{name}>")

    def open(self, name: str) -> None:
        self._line(f"<{name}>")
        self.depth += 1

    def close(self, name: str) -> None:
        self.depth -= 1
        self._line(f"</{name}>")

    def raw(self, xml: str) -> None:
        if xml:
            self._line(xml)

    def record(self, rec: Rec) -> None:
        self.open("ImageStatus")
        for name, value in rec.elements():
            self.leaf(name, value)
        if rec.finals is NIL or rec.finals == []:
            self.leaf("FinalImagesURL", rec.finals if rec.finals is NIL else "")
        elif isinstance(rec.finals, list):
            self.open("FinalImagesURL")
            for item in rec.finals:
                self.leaf("string", item)
            self.close("FinalImagesURL")
        self.raw(rec.extra)
        self.close("ImageStatus")

    def result_body(self, op: Operation, records: Any, extra: str) -> None:
        """What sits inside the result element: ``Images`` (lists) or one record."""
        if op.result.many:
            if records is ABSENT:
                pass
            elif records is NIL:
                self.leaf("Images", NIL)
            elif not records:
                self._line("<Images />")
            else:
                self.open("Images")
                for rec in records:
                    self.record(rec)
                self.close("Images")
        elif records is NIL:
            pass  # a nil result: nothing inside (the caller writes the element)
        elif records is not ABSENT:
            self.record(records)
        self.raw(extra)

    def text(self) -> str:
        return "".join(self.parts)


def soap_body(
    op: Operation, records: Any, *, version: Protocol = Protocol.SOAP11, extra: str = ""
) -> str:
    """A one-line SOAP envelope holding ``records`` (a list, ABSENT, NIL, or one Rec)."""
    ns = SOAP11_NS if version is Protocol.SOAP11 else SOAP12_NS
    writer = _Writer(indent=False)
    writer.result_body(op, records, extra)
    inner = writer.text()
    result = (
        f"<{op.result_element}>{inner}</{op.result_element}>" if inner
        else f"<{op.result_element} />"
    )
    response = (
        f'<{op.response_element} xmlns="{NAMESPACE}">{result}</{op.response_element}>'
    )
    return (
        f'{XML_DECL}<soap:Envelope xmlns:soap="{ns}" xmlns:xsi="{XSI}" xmlns:xsd="{XSD}">'
        f"<soap:Body>{response}</soap:Body></soap:Envelope>"
    )


def bare_body(op: Operation, records: Any, *, extra: str = "", root: str | None = None) -> str:
    """The indented GET/POST document holding ``records``."""
    root = root or op.result.root
    writer = _Writer(indent=True)
    writer.depth = 1
    writer.result_body(op, records, extra)
    inner = writer.text()
    head = f'{XML_DECL}\n<{root} {_DECLS} xmlns="{NAMESPACE}"'
    if not inner:
        return head + " />"
    return f"{head}>{inner}\n</{root}>"


def body_for(
    protocol: Protocol, records: Any, op: Operation = GET_IMAGES_LIST, extra: str = ""
) -> str:
    if protocol in (Protocol.SOAP11, Protocol.SOAP12):
        return soap_body(op, records, version=protocol, extra=extra)
    return bare_body(op, records, extra=extra)


def ok_response(
    protocol: Protocol, records: Any, op: Operation = GET_IMAGES_LIST, extra: str = ""
) -> httpx.Response:
    return httpx.Response(
        200,
        headers={"Content-Type": CONTENT_TYPES[protocol]},
        content=body_for(protocol, records, op, extra).encode("utf-8"),
    )


def protocol_of(request: httpx.Request) -> Protocol:
    """Which protocol a request speaks, as the ASMX server would route it."""
    if request.method == "GET":
        return Protocol.HTTP_GET
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/soap+xml"):
        return Protocol.SOAP12
    if content_type.startswith("text/xml"):
        return Protocol.SOAP11
    return Protocol.HTTP_POST


def operation_of(request: httpx.Request) -> Operation:
    text = request.url.path + request.headers.get("content-type", "")
    text += request.headers.get("soapaction", "")
    return GET_IMAGE_STATUS if "GetImageStatus" in text else GET_IMAGES_LIST


def params_of(request: httpx.Request) -> list[tuple[str, str]]:
    """The (name, value) parameters a request carries, in wire order, for any protocol."""
    import urllib.parse

    from lxml import etree

    protocol = protocol_of(request)
    if protocol is Protocol.HTTP_GET:
        return urllib.parse.parse_qsl(request.url.query.decode(), keep_blank_values=True)
    if protocol is Protocol.HTTP_POST:
        return urllib.parse.parse_qsl(request.content.decode("ascii"), keep_blank_values=True)
    root = etree.fromstring(request.content)
    body = root[0]
    operation = body[0]
    return [(etree.QName(el).localname, el.text or "") for el in operation]


def serve(records_by_page: Sequence[Any] | Any, op: Operation = GET_IMAGES_LIST) -> Any:
    """A respx side effect answering every protocol with the same data.

    ``records_by_page``: one list of records (every page the same) or, when it is a tuple,
    one entry per page (``page`` parameter, 1-based; pages past the end are empty)."""

    def handler(request: httpx.Request) -> httpx.Response:
        protocol = protocol_of(request)
        if isinstance(records_by_page, tuple):
            page = int(dict(params_of(request)).get("page") or 1)
            data = records_by_page[page - 1] if page <= len(records_by_page) else []
        else:
            data = records_by_page
        return ok_response(protocol, data, op)

    return handler


def load_capture(name: str) -> tuple[int, dict[str, str], bytes]:
    """A raw HTTP exchange from fixtures/wire/: status, headers, body bytes."""
    raw = (FIXTURES / name).read_bytes()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name_, _, value = line.partition(":")
        headers[name_.strip()] = value.strip()
    return status, headers, body


def capture_response(name: str) -> httpx.Response:
    status, headers, body = load_capture(name)
    headers.pop("Content-Length", None)
    return httpx.Response(status, headers=headers, content=body)


def tickets(count: int, start: int = 1) -> list[str]:
    return [str(uuid.UUID(int=(0xABCDEF << 96) + n)) for n in range(start, start + count)]


def recs(count: int, start: int = 1) -> list[Rec]:
    return [Rec(ticket=t, customer=f"c{n}") for n, t in enumerate(tickets(count, start), start)]


def expected(records: Iterable[Rec]) -> tuple[ImageStatus, ...]:
    return tuple(r.expected() for r in records)


# The hard cases, all in one page: every edge of the record format at once.
EDGE_RECORDS: list[Rec] = [
    Rec(  # every field set; XML specials; two final URLs
        ticket="cdc798ef-2cf6-4610-a97e-887e63f8e477",
        customer="c1 <&> \"q\" 'a' ]]>",
        product="p",
        status_name="Done",
        status_id="5",
        thumbnail="http://x/t.jpg?a=1&b=2",
        finals=["http://x/1.jpg", "http://x/2.jpg?x=<y>"],
    ),
    Rec(  # nulls as absent elements (the usual ASMX null)
        ticket="92c220ce-487f-4e00-92d6-a744329ef1b1", status_name="InProgress",
        status_id="2", is_paid="false",
    ),
    Rec(  # nulls as xsi:nil, empty strings, nil array
        ticket="00000000-0000-0000-0000-000000000001",
        customer=NIL, product="", status_name=NIL, thumbnail="", finals=NIL,
    ),
    Rec(  # non-ASCII incl. outside the BMP; surrounding whitespace and newlines kept
        ticket="11111111-2222-4333-8444-555555555555",
        customer="  héllo wörld 漢字 😀𝄞  ",
        product="\n\tline1\nline2\n",
        status_name=" ",
        thumbnail="http://x/ü.jpg",
        finals=["", "  spaced  ", "😀"],
    ),
    Rec(  # control characters (written as &#xN; references), CR kept
        ticket="22222222-3333-4444-8555-666666666666",
        customer="a\x01b\x1fc",
        product="cr\r\nlf",
        status_name="tab\there",
        finals=["\x02"],
    ),
    Rec(  # unknown status id and name; empty array; unknown elements
        ticket="33333333-4444-4555-8666-777777777777",
        status_name="Brand New State",
        status_id="12345",
        finals=[],
        extra="<FutureField>x</FutureField><Nested><ImageTicket>not-a-guid</ImageTicket></Nested>",
    ),
    Rec(  # one final URL; nil items dropped; a negative status id
        ticket="44444444-5555-4666-8777-888888888888",
        status_id="-1",
        finals=[NIL, "http://x/only.jpg", NIL],
    ),
    Rec(  # only nil items
        ticket="55555555-6666-4777-8888-999999999999",
        finals=[NIL, NIL],
        is_paid="false",
    ),
]
