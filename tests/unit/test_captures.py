"""The real ASMX captures in fixtures/wire/: parsed exactly, and mirrored by the helpers."""

from __future__ import annotations

import uuid

import pytest
from lxml import etree

from pixelz import ImageStatus, Protocol
from pixelz._operations import GET_IMAGES_LIST, IMAGE_STATUS
from pixelz._parser import parse_response

from ._wire import FIXTURES, Rec, body_for, capture_response, load_capture
from .test_responses import LIST_CALL

CAPTURES = [
    ("soap11-ok.http", Protocol.SOAP11, "e4a6c144-9f27-468c-a264-ea228bbccc7e",
     "3f87f261-86d3-4890-b83e-a66055294236"),
    ("soap12-ok.http", Protocol.SOAP12, "3e8f3b72-853f-4ba0-aef1-d49dedfbd53d",
     "5f93dc93-080f-4eb0-8849-0e93aeb42908"),
    ("post-ok.http", Protocol.HTTP_POST, "35e202e3-88b6-43c8-9d24-a6e73fa3a9ca",
     "49712604-8668-452e-ad89-a9aa167e66be"),
    ("get-ok.http", Protocol.HTTP_GET, "cdc798ef-2cf6-4610-a97e-887e63f8e477",
     "92c220ce-487f-4e00-92d6-a744329ef1b1"),
]


def captured_records(first: str, second: str) -> list[Rec]:
    """The data the capturing server held, as the helper's records."""
    return [
        Rec(first, customer="c1 <&>", product="p", status_name="Done", status_id="5",
            thumbnail="http://x/t.jpg", finals=["http://x/1.jpg", "http://x/2.jpg"]),
        Rec(second, status_name="InProgress", status_id="2", is_paid="false"),
    ]


@pytest.mark.parametrize(("name", "protocol", "first", "second"), CAPTURES)
def test_capture_parses_exactly(name, protocol, first, second) -> None:
    images = parse_response(LIST_CALL, capture_response(name), protocol)
    assert images == (
        ImageStatus(uuid.UUID(first), "c1 <&>", "p", "Done", 5, True, "http://x/t.jpg",
                    ("http://x/1.jpg", "http://x/2.jpg")),
        ImageStatus(uuid.UUID(second), None, None, "InProgress", 2, False, None, ()),
    )


@pytest.mark.parametrize(("name", "protocol", "first", "second"), CAPTURES)
def test_helpers_reproduce_the_captures_byte_for_byte(name, protocol, first, second) -> None:
    """The synthetic fixtures of the other tests are written exactly as ASMX writes."""
    status, headers, body = load_capture(name)
    records = captured_records(first, second)
    assert body_for(protocol, records).encode() == body
    assert status == 200
    assert int(headers["Content-Length"]) == len(body)


def test_capture_headers() -> None:
    assert load_capture("soap12-ok.http")[1]["Content-Type"] == (
        "application/soap+xml; charset=utf-8")
    assert load_capture("get-ok.http")[1]["Content-Type"] == "text/xml; charset=utf-8"
    assert load_capture("post-fault.http")[1]["Content-Type"] == "text/plain; charset=utf-8"
    assert load_capture("soap11-malformed.http")[2] == b""


def test_wsdl_matches_operation_specs() -> None:
    """Parameter order and record field order, as the real service describes them."""
    tree = etree.parse(str(FIXTURES / "service.wsdl"), etree.XMLParser(resolve_entities=False))
    ns = {"s": "http://www.w3.org/2001/XMLSchema"}
    params = tree.xpath("//s:element[@name='GetImagesList']//s:element/@name", namespaces=ns)
    assert tuple(params) == GET_IMAGES_LIST.parameters
    fields = tree.xpath("//s:complexType[@name='ImageStatus']//s:element", namespaces=ns)
    assert [f.get("name") for f in fields] == [f.wire for f in IMAGE_STATUS.fields]
    result = tree.xpath("//s:element[@name='GetImagesListResponse']//s:element",
                        namespaces=ns)[0]
    assert result.get("name") == GET_IMAGES_LIST.result_element
    assert result.get("type") == "tns:" + GET_IMAGES_LIST.result.root
