"""The service's help pages (``GET /soap.asmx``, ``GET /soap.asmx?op={Op}``).

The samples on the pages are generated from the operation specs; these tests hold them next
to what the SDK really sends (its transports and the one envelope builder) and parses (its
one parser), and next to what the emulator really answers, so the three cannot drift apart.
"""

from __future__ import annotations

import re
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import httpx
import lxml.html
import pytest
from lxml import etree

from pixelz._envelope import SOAP11_NS, SOAP12_NS, build_envelope
from pixelz._operations import IMAGE_STATUS, NAMESPACE, OPERATIONS, Call, Operation, WireType
from pixelz.emulator import DEMO_CONTACT_API_KEY, DEMO_CONTACT_EMAIL, Emulator
from pixelz.emulator._help import (
    TEST_FORM_PRIMITIVES_ONLY,
    TEST_FORM_UNAVAILABLE,
    render,
    request_sample,
)
from pixelz.models import Protocol
from pixelz.transports import default_transport

from ._helpers import request

HOST = "emulator"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
BASE = f"http://{HOST}/soap.asmx"
TITLES = {
    "SOAP 1.1": Protocol.SOAP11,
    "SOAP 1.2": Protocol.SOAP12,
    "HTTP GET": Protocol.HTTP_GET,
    "HTTP POST": Protocol.HTTP_POST,
}
ORDER = list(TITLES.values())  # .NET's section order (GET before POST)
TICKET = uuid.UUID("6f1c0b5e-8d3a-4c2b-9e7f-0123456789ab")
# What each placeholder stands for, to read a sample as a real answer, and as the SDK reads it.
TYPED = {"guid": str(TICKET), "int": "80", "boolean": "true", "string": "s", "decimal": "12.50"}
READ = {"guid": TICKET, "int": 80, "boolean": True, "string": "s", "decimal": Decimal("12.50")}
# (operation, protocol) for every protocol that can carry the operation.
CARRIED = [(op, p) for op in OPERATIONS for p in ORDER if p in OPERATIONS[op].protocols]


def page(client: httpx.Client, query: str = "") -> lxml.html.HtmlElement:
    response = client.get("/soap.asmx" + (f"?{query}" if query else ""))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return lxml.html.fromstring(response.text)


def sections(doc: lxml.html.HtmlElement) -> dict[Protocol, tuple[str, str]]:
    """Protocol -> (request sample, response sample) as the browser shows them (plain text)."""
    out = {}
    for span in doc.xpath("//span[h3][pre]"):
        title = span.findtext("h3")
        pres = span.findall("pre")
        assert len(pres) == 2, title
        out[TITLES[title]] = (pres[0].text_content(), pres[1].text_content())
    return out


def split_http(sample: str) -> tuple[str, dict[str, str], str]:
    """(request or status line, headers, body) of a sample exchange."""
    head, _, body = sample.partition("\n\n")
    first, *lines = head.splitlines()
    return first, dict(line.split(": ", 1) for line in lines if line), body


def shape(root: etree._Element) -> list[tuple[object, ...]]:
    """Element sequence: (depth, qualified name, namespace declarations, nil, has children)."""
    out: list[tuple[object, ...]] = []

    def walk(el: etree._Element, depth: int) -> None:
        parent = el.getparent()
        inherited = parent.nsmap if parent is not None else {}
        declared = {k: v for k, v in el.nsmap.items() if inherited.get(k) != v}
        nil = el.get("{http://www.w3.org/2001/XMLSchema-instance}nil")
        out.append((depth, el.tag, declared, nil, len(el) > 0))
        for child in el:
            walk(child, depth + 1)

    walk(root, 0)
    return out


def leaf_texts(root: etree._Element) -> list[str | None]:
    return [el.text for el in root.iter() if len(el) == 0]


def sample_value(type_: WireType, value: str | None) -> Any:
    """A wire value shaped like the help page's sample: two items per array, every member
    of a complex value; leaves are ``value``, or (None) the placeholder, the type name."""
    if type_.item is not None:
        return (sample_value(type_.item, value),) * 2
    if type_.members:
        return tuple(sample_value(m.type, value) for m in type_.members)
    return type_.name if value is None else value


def leaves(value: Any) -> list[str]:
    if isinstance(value, tuple):
        return [leaf for item in value for leaf in leaves(item)]
    return [value]


def full_call(operation: str, value: str | None) -> Call:
    op = OPERATIONS[operation]
    return Call(op, tuple(sample_value(p.type, value) for p in op.params))


def primitive(op: Operation) -> bool:
    """Whether the help page offers a test form: one text box per parameter."""
    return not any(p.type.is_array or p.type.is_complex for p in op.params)


@pytest.fixture
def client_for() -> Iterator[Callable[..., httpx.Client]]:
    clients: list[httpx.Client] = []

    def make(**knobs: object) -> httpx.Client:
        emu = Emulator(images=30, **knobs)
        c = httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app), base_url=f"http://{HOST}")
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


# -- the operation list ----------------------------------------------------------------------


def test_service_page_lists_operations_with_links(client: httpx.Client) -> None:
    doc = page(client)
    assert doc.findtext(".//title").strip() == "Soap Web Service"
    assert doc.xpath("string(//p[@class='heading1'])") == "Soap"
    links = [(a.text, a.get("href")) for a in doc.xpath("//ul/li/a")]
    assert links == [(name, f"soap.asmx?op={name}") for name in OPERATIONS]
    assert doc.xpath("//a[text()='Service Description']/@href") == ["soap.asmx?WSDL"]
    assert "The following operations are supported." in doc.text_content()


@pytest.mark.parametrize("query", ["op=Nope", "op=getimageslist", "op=", "foo=bar"])
def test_unknown_operation_shows_the_list(client: httpx.Client, query: str) -> None:
    doc = page(client, query)
    assert doc.xpath("//h2") == []
    assert len(doc.xpath("//ul/li/a")) == len(OPERATIONS)


def test_links_lead_to_operation_pages(client: httpx.Client) -> None:
    for href in page(client).xpath("//ul/li/a/@href"):
        query = urllib.parse.urlsplit(href).query
        doc = page(client, query)
        assert doc.findtext(".//h2") == urllib.parse.parse_qs(query)["op"][0]
        assert doc.xpath("//a[text()='here']/@href") == ["soap.asmx"]


# -- the operation page ------------------------------------------------------------------------


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_operation_page_structure(client: httpx.Client, operation: str) -> None:
    op = OPERATIONS[operation]
    doc = page(client, f"op={operation}")
    carried = [title for title, protocol in TITLES.items() if protocol in op.protocols]
    assert [h.text for h in doc.xpath("//h3")] == ["Test", *carried]
    for title in carried:
        assert (
            f"The following is a sample {title} request and response.  The placeholders shown "
            "need to be replaced with actual values." in doc.text_content()
        )
    if not primitive(op):
        assert doc.xpath("//form") == []
        text = " ".join(doc.text_content().split())
        assert f"Test {TEST_FORM_PRIMITIVES_ONLY} SOAP 1.1" in text
        return
    form = doc.xpath("//form")[0]
    assert form.get("method") == "POST"
    assert form.get("action") == f"{BASE}/{operation}"
    names = [i.get("name") for i in form.xpath(".//input[@type='text']")]
    assert names == list(OPERATIONS[operation].parameters)
    assert form.xpath(".//input[@type='submit']/@value") == ["Invoke"]
    assert "To test the operation using the HTTP POST protocol" in doc.text_content()


def test_a_method_with_a_complex_parameter_is_documented_for_soap_only(
    client: httpx.Client,
) -> None:
    doc = page(client, "op=AddImageToQueue")
    text = " ".join(doc.text_content().split())
    assert "The test form is only available for methods with primitive types as parameters." in text
    assert list(sections(doc)) == [Protocol.SOAP11, Protocol.SOAP12]
    request_text = sections(doc)[Protocol.SOAP11][0]
    assert "<colorChangeRequestMarkers>" in request_text
    assert "<MarkerInfo>" in request_text and "<X>int</X>" in request_text


def test_array_parameters_are_repeated_fields_on_get_and_post(client: httpx.Client) -> None:
    doc = page(client, "op=AddStackImageToQueue")
    assert doc.xpath("//form") == []  # no text box can hold an array
    assert list(sections(doc)) == ORDER
    get_request = sections(doc)[Protocol.HTTP_GET][0]
    assert "&colorwayIds=int&colorwayIds=int HTTP/1.1" in get_request


def test_a_value_with_an_attribute_shows_it(client: httpx.Client) -> None:
    response = sections(page(client, "op=GetContactDetailed"))[Protocol.HTTP_GET][1]
    assert '<ContactAccountBalance Currency="string">decimal</ContactAccountBalance>' in response
    response = sections(page(client, "op=GetTemplateSpec"))[Protocol.SOAP12][1]
    assert '<Price Currency="string">decimal</Price>' in response


@pytest.mark.parametrize(
    "disabled",
    [(), (Protocol.SOAP12,), (Protocol.HTTP_GET, Protocol.HTTP_POST), (Protocol.SOAP11,)],
)
def test_only_enabled_protocols_are_documented(
    client_for: Callable[..., httpx.Client], disabled: tuple[Protocol, ...]
) -> None:
    enabled = [p for p in ORDER if p not in disabled]
    client = client_for(enabled_protocols=enabled)
    for operation, op in OPERATIONS.items():
        doc = page(client, f"op={operation}")
        assert list(sections(doc)) == [p for p in enabled if p in op.protocols]
        wsdl = client.get("/soap.asmx?WSDL").text  # the page and the WSDL agree
        for protocol in Protocol:
            binding = {
                Protocol.SOAP11: '<wsdl:binding name="SoapSoap"',
                Protocol.SOAP12: '<wsdl:binding name="SoapSoap12"',
                Protocol.HTTP_GET: '<wsdl:binding name="SoapHttpGet"',
                Protocol.HTTP_POST: '<wsdl:binding name="SoapHttpPost"',
            }[protocol]
            assert (binding in wsdl) == (protocol in enabled)


def test_blocked_protocols_are_still_documented(client_for: Callable[..., httpx.Client]) -> None:
    # A firewall in front of the service does not change what the service documents.
    client = client_for(blocked_protocols="soap12,http_post")
    doc = page(client, "op=GetImagesList")
    assert list(sections(doc)) == ORDER
    assert doc.xpath("//form")


# -- the samples against the SDK -----------------------------------------------------------


@pytest.mark.parametrize("protocol", [Protocol.SOAP11, Protocol.SOAP12])
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_soap_request_sample_has_the_envelope_builders_shape(
    client: httpx.Client, operation: str, protocol: Protocol
) -> None:
    sample = sections(page(client, f"op={operation}"))[protocol][0]
    _, _, body = split_http(sample)
    soap_ns = SOAP11_NS if protocol is Protocol.SOAP11 else SOAP12_NS
    built = build_envelope(full_call(operation, "v"), soap_ns)
    shown = etree.fromstring(body.encode())
    sent = etree.fromstring(built)
    assert shape(shown) == shape(sent)  # same elements, names, namespaces, order
    placeholders = leaves(full_call(operation, None).values)
    assert leaf_texts(shown) == placeholders  # the type names where values go
    assert leaf_texts(sent) == ["v"] * len(placeholders)
    # The same prefixes and namespace declarations, in the same order, as written.
    start = re.compile(r"<(\w+:Envelope[^>]*)>")
    assert start.search(body)[1] == start.search(built.decode())[1]  # type: ignore[index]
    # And the module-level sample is what the page shows.
    assert render(request_sample(OPERATIONS[operation], protocol), markup=False) == body


@pytest.mark.parametrize(("operation", "protocol"), CARRIED)
def test_request_sample_matches_the_transport(
    client: httpx.Client, operation: str, protocol: Protocol
) -> None:
    sample = sections(page(client, f"op={operation}"))[protocol][0]
    first, headers, body = split_http(sample)
    call = full_call(operation, None)
    sent = default_transport(protocol).build_request(call, httpx.URL(BASE))
    method, target, version = first.split(" ")
    assert (method, version) == (sent.method, "HTTP/1.1")
    assert headers.pop("Host") == HOST
    target_url = urllib.parse.urlsplit(target)
    assert target_url.path == sent.url.path
    if protocol is Protocol.HTTP_GET:
        assert not headers
        # key=placeholder pairs in WSDL order, exactly the SDK's query with placeholder values
        assert target_url.query == sent.url.query.decode()
        return
    assert headers.pop("Content-Length") == "length"
    media = headers.pop("Content-Type")
    assert media.split(";")[0] == sent.headers["content-type"].split(";")[0]
    if protocol is Protocol.SOAP11:
        assert headers.pop("SOAPAction") == sent.headers["soapaction"]
    if protocol is Protocol.SOAP12:
        # .NET's SOAP 1.2 sample shows no action= parameter; the SDK adds it (allowed, and
        # what routes the call when a body is ambiguous).
        assert media == "application/soap+xml; charset=utf-8"
    assert not headers
    if protocol is Protocol.HTTP_POST:
        assert body == sent.content.decode()
    else:
        assert shape(etree.fromstring(body.encode())) == shape(etree.fromstring(sent.content))


def typed(sample_body: str) -> bytes:
    """A response sample with its placeholders replaced by values of their types (a
    write result's ErrorCode by "NoError": any other code is an error)."""
    sample_body = sample_body.replace(
        "<ErrorCode>string</ErrorCode>", "<ErrorCode>NoError</ErrorCode>"
    )
    return re.sub(
        r">(guid|int|boolean|string|decimal)<", lambda m: f">{TYPED[m[1]]}<", sample_body
    ).encode()


def expected_fields(operation: str) -> list[Any]:
    """Each field of the operation's record as the SDK reads it from the typed sample."""
    record = OPERATIONS[operation].result.record  # type: ignore[union-attr]
    assert record is not None
    out: list[Any] = []
    for field in record.fields:
        if field.xml_attribute is not None:
            out.append("string")  # an attribute keeps its placeholder
        elif field.type.item is not None:
            out.append((READ[field.type.item.name],) * 2)
        else:
            out.append(READ[field.type.name])
    return out


@pytest.mark.parametrize(("operation", "protocol"), CARRIED)
def test_response_sample_is_read_by_the_sdk_parser(
    client: httpx.Client, operation: str, protocol: Protocol
) -> None:
    sample = sections(page(client, f"op={operation}"))[protocol][1]
    status, headers, body = split_http(sample)
    assert status == "HTTP/1.1 200 OK"
    assert headers["Content-Length"] == "length"
    response = httpx.Response(
        200, headers={"Content-Type": headers["Content-Type"]}, content=typed(body)
    )
    result = default_transport(protocol).parse_response(full_call(operation, "x"), response)
    spec = OPERATIONS[operation].result
    assert spec is not None
    if spec.record is None:  # a write that reports nothing but success
        assert result is None
        return
    # The nil second item of a list is dropped; every field is read from its placeholder.
    records = result if spec.many else (result,)
    assert len(records) == 1
    assert [getattr(records[0], f.attribute) for f in spec.record.fields] == expected_fields(
        operation
    )


# One call per operation that answers with every field set (nil style: null ones written).
FULL_ANSWERS: dict[str, Callable[[Emulator], dict[str, Any]]] = {
    "GetImagesList": lambda emu: {"imagesPerPage": "100"},
    "GetImageStatus": lambda emu: {"imageTicket": str(emu.dataset[0].ImageTicket)},
    "DeleteImageFromQueue": lambda emu: {
        "imageTicket": str(next(r.ImageTicket for r in emu.dataset if r.StatusId == 10))
    },
    "RejectProcessedImage": lambda emu: {
        "imageTicket": str(next(r.ImageTicket for r in emu.dataset if r.StatusId == 80)),
        "comment": "again",
    },
    "GetTemplateSpec": lambda emu: {"templateId": "101"},
    "AddTemplate": lambda emu: {"templateName": "t", "templateOutputFormat": "png"},
    **{
        name: lambda emu: {
            "developerAPIkey": "k", "applicationCode": "a", "templateId": "101",
            "imageURL": "https://example.com/i.jpg", "customerImageId": "c-1",
        }
        for name in ("WhiteGloveService", "AddPartnerImageToQueue", "AddImageToQueue",
                     "AddImageWithInstructionToQueue", "AddStackImageToQueue")
    },
}  # fmt: skip


def element_paths(root: etree._Element) -> set[tuple[str, ...]]:
    """Every element's path of local names from the root (items of a list collapse)."""
    out: set[tuple[str, ...]] = set()

    def walk(el: etree._Element, path: tuple[str, ...]) -> None:
        here = (*path, etree.QName(el).localname)
        out.add(here)
        for child in el:
            walk(child, here)

    walk(root, ())
    return out


@pytest.mark.parametrize(("operation", "protocol"), CARRIED)
def test_response_sample_has_the_emulators_answer_shape(operation: str, protocol: Protocol) -> None:
    """The documented answer and the real one (nil style: every element written), element
    for element up from the SOAP body or the GET/POST root."""
    emu = Emulator(images=60, nil_style="nil")
    transport = httpx.WSGITransport(app=emu.wsgi_app)
    with httpx.Client(transport=transport, base_url=f"http://{HOST}") as client:
        _, headers, body = split_http(sections(page(client, f"op={operation}"))[protocol][1])
        values = FULL_ANSWERS.get(operation, lambda emu: {})(emu)
        answer = request(client, protocol, operation, **values)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == headers["Content-Type"]
    shown = etree.fromstring(body.encode())
    # recover: the data set holds control characters, which ASMX writes as &#x1; references
    real = etree.fromstring(answer.content, etree.XMLParser(recover=True))
    assert element_paths(shown) == element_paths(real)
    shown_attributes = {(etree.QName(e).localname, tuple(e.attrib)) for e in shown.iter()
                        if e.attrib and not e.get(f"{{{XSI}}}nil")}
    real_attributes = {(etree.QName(e).localname, tuple(e.attrib)) for e in real.iter()
                       if e.attrib and not e.get(f"{{{XSI}}}nil")}
    assert shown_attributes <= real_attributes


def test_nillable_placeholders_follow_the_xsd_types(client: httpx.Client) -> None:
    _, _, body = split_http(sections(page(client, "op=GetImagesList"))[Protocol.HTTP_GET][1])
    root = etree.fromstring(body.encode())
    first, second = root.iter(f"{{{NAMESPACE}}}{IMAGE_STATUS.element}")
    for field, element in zip(IMAGE_STATUS.fields, first, strict=True):
        assert etree.QName(element).localname == field.wire
        if field.type.is_array:
            assert [item.text for item in element] == ["string", "string"]
        else:
            assert element.text == field.type.name
    assert second.get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true"
    assert len(second) == 0
    assert '<ImageStatus xsi:nil="true" />' in body


def test_placeholders_are_marked_up(client: httpx.Client) -> None:
    text = client.get("/soap.asmx?op=GetImagesList").text
    assert "&lt;ImageTicket&gt;<font class=value>guid</font>&lt;/ImageTicket&gt;" in text
    assert "&lt;StatusId&gt;<font class=value>int</font>&lt;/StatusId&gt;" in text
    assert "&lt;IsPaid&gt;<font class=value>boolean</font>&lt;/IsPaid&gt;" in text
    assert "Content-Length: <font class=value>length</font>" in text
    assert "<font class=key>contactEmail</font>=<font class=value>string</font>&amp;" in text


# -- the test form -----------------------------------------------------------------------------


def submit(
    client: httpx.Client, doc: lxml.html.HtmlElement, values: dict[str, str]
) -> httpx.Response:
    """Submit the page's form as a browser would (every text input, in order)."""
    form = doc.xpath("//form")[0]
    fields = [
        (i.get("name"), values.get(i.get("name"), ""))
        for i in form.xpath(".//input")
        if i.get("type") == "text"
    ]
    action = urllib.parse.urlsplit(form.get("action"))
    assert action.netloc == HOST
    return client.request(
        form.get("method"),
        action.path,
        content=urllib.parse.urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


@pytest.mark.parametrize(
    ("operation", "values"),
    [
        ("GetImagesList", {"imageStatus": "80", "imagesPerPage": "3", "sortBy": "date"}),
        ("GetImagesList", {"page": "0"}),  # an error answers the same too
        ("GetImageStatus", {"customerImageId": "nope"}),
    ],
)
def test_test_form_answers_like_http_post(
    client: httpx.Client, operation: str, values: dict[str, str]
) -> None:
    values = {"contactEmail": DEMO_CONTACT_EMAIL, "contactAPIkey": DEMO_CONTACT_API_KEY, **values}
    via_form = submit(client, page(client, f"op={operation}"), values)
    direct = request(client, Protocol.HTTP_POST, operation, **values)
    assert (via_form.status_code, via_form.headers["content-type"], via_form.content) == (
        direct.status_code,
        direct.headers["content-type"],
        direct.content,
    )


def test_test_form_unavailable_without_http_post(client_for: Callable[..., httpx.Client]) -> None:
    client = client_for(enabled_protocols="soap11,soap12,http_get")
    doc = page(client, "op=GetImagesList")
    assert doc.xpath("//form") == []
    assert doc.xpath("//input") == []
    text = " ".join(doc.text_content().split())
    assert f"Test {TEST_FORM_UNAVAILABLE} SOAP 1.1" in text
    assert "Invoke" not in text
    assert Protocol.HTTP_POST not in sections(doc)
