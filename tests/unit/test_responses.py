"""Every success shape and edge of the response format, over every protocol."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import respx

from pixelz import ImagesPage, ImageStatus, Protocol, ResponseParseError, Status
from pixelz._operations import GET_IMAGE_STATUS, GET_IMAGES_LIST, NAMESPACE
from pixelz._parser import parse_response

from ._wire import (
    ABSENT,
    CONTENT_TYPES,
    EDGE_RECORDS,
    EMAIL,
    KEY,
    NIL,
    SOAP11_NS,
    SOAP12_NS,
    XML_DECL,
    XSI,
    Rec,
    bare_body,
    body_for,
    expected,
    ok_response,
    recs,
    serve,
    soap_body,
)

# Every test here runs through both readers (tests/unit/conftest.py).

PROTOCOLS = list(Protocol)
# The parser finds the records by the document's shape, not by the protocol: a SOAP envelope
# (1.1 and 1.2 differ in its namespace only) or the bare document (byte for byte the same
# over GET and POST). Rules about values inside a record need one of each; the shapes of
# pages and envelopes are checked on all four.
SHAPES = [Protocol.SOAP11, Protocol.HTTP_GET]
T1 = "cdc798ef-2cf6-4610-a97e-887e63f8e477"
LIST_CALL = GET_IMAGES_LIST.bind(EMAIL, KEY, page=1)
STATUS_CALL = GET_IMAGE_STATUS.bind(EMAIL, KEY, image_ticket=T1)


def parse(
    body: str | bytes,
    protocol: Protocol = Protocol.HTTP_GET,
    *,
    call: Any = LIST_CALL,
    status: int = 200,
    content_type: str | None = None,
) -> Any:
    content = body.encode("utf-8") if isinstance(body, str) else body
    headers = {"Content-Type": content_type or CONTENT_TYPES[protocol]}
    return parse_response(call, httpx.Response(status, headers=headers, content=content), protocol)


def list_over(
    router: respx.MockRouter, make_client: Any, protocol: Protocol, records: Any
) -> ImagesPage:
    router.route().mock(side_effect=serve(records))
    return make_client(protocol).list_images()  # type: ignore[no-any-return]


# -- all the edges at once, per protocol --------------------------------------------------------


def test_edge_records_spelled_out() -> None:
    """The expected values, written by hand, so the helper cannot hide a shared mistake."""
    images = parse(bare_body(GET_IMAGES_LIST, EDGE_RECORDS))
    full, nulls, nils, text, controls, unknown, one, only_nil = images
    assert full == ImageStatus(
        uuid.UUID(T1), "c1 <&> \"q\" 'a' ]]>", "p", "Done", 5, True,
        "http://x/t.jpg?a=1&b=2", ("http://x/1.jpg", "http://x/2.jpg?x=<y>"),
    )
    assert (nulls.customer_image_id, nulls.product_id, nulls.thumbnail_image_url) == (
        None, None, None)
    assert (nulls.status_name, nulls.is_paid, nulls.final_image_urls) == ("InProgress", False, ())
    assert (nils.customer_image_id, nils.product_id, nils.status_name) == (None, "", None)
    assert (nils.thumbnail_image_url, nils.final_image_urls) == ("", ())
    assert text.customer_image_id == "  héllo wörld 漢字 😀𝄞  "
    assert text.product_id == "\n\tline1\nline2\n"
    assert text.status_name == " "
    assert text.final_image_urls == ("", "  spaced  ", "😀")
    assert controls.customer_image_id == "a\x01b\x1fc"
    assert controls.product_id == "cr\r\nlf"
    assert controls.status_name == "tab\there"
    assert controls.final_image_urls == ("\x02",)
    assert (unknown.status_id, unknown.status, unknown.final_image_urls) == (12345, None, ())
    assert (one.status_id, one.final_image_urls) == (-1, ("http://x/only.jpg",))
    assert only_nil.final_image_urls == ()


# -- string fields: absent / nil / empty / text --------------------------------------------------

STRING_CASES = [
    (ABSENT, None),
    (NIL, None),
    ("", ""),
    (" ", " "),
    ("\n", "\n"),
    ("  padded\n\n", "  padded\n\n"),
    ("<&>'\"", "<&>'\""),
    ("𝄞😀", "𝄞😀"),
    ("\x01\x08\x0b\x0c\x1f", "\x01\x08\x0b\x0c\x1f"),
    ("\r", "\r"),
]


@pytest.mark.parametrize("protocol", SHAPES)
@pytest.mark.parametrize(("value", "want"), STRING_CASES, ids=repr)
def test_string_field_rules(protocol, value, want) -> None:
    rec = Rec(T1, customer=value, product=value, status_name=value, thumbnail=value)
    (image,) = parse(body_for(protocol, [rec]), protocol)
    for attribute in ("customer_image_id", "product_id", "status_name", "thumbnail_image_url"):
        assert getattr(image, attribute) == want, attribute
        assert type(getattr(image, attribute)) is type(want)


def test_string_fields_independent() -> None:
    rec = Rec(T1, customer=ABSENT, product=NIL, status_name="", thumbnail=" x ")
    (image,) = parse(bare_body(GET_IMAGES_LIST, [rec]))
    assert (image.customer_image_id, image.product_id, image.status_name,
            image.thumbnail_image_url) == (None, None, "", " x ")


FINALS_CASES = [
    (ABSENT, ()),
    (NIL, ()),
    ([], ()),
    (["u1"], ("u1",)),
    (["u1", "u2", "u3"], ("u1", "u2", "u3")),
    ([NIL], ()),
    ([NIL, "u1", NIL, "u2"], ("u1", "u2")),
    (["", " "], ("", " ")),
]


@pytest.mark.parametrize("protocol", SHAPES)
@pytest.mark.parametrize(("finals", "want"), FINALS_CASES, ids=repr)
def test_final_images_url_shapes(protocol, finals, want) -> None:
    (image,) = parse(body_for(protocol, [Rec(T1, finals=finals)]), protocol)
    assert image.final_image_urls == want
    assert isinstance(image.final_image_urls, tuple)


def test_final_images_url_unknown_items_ignored() -> None:
    body = bare_body(GET_IMAGES_LIST, [Rec(T1, extra="")]).replace(
        "<IsPaid>true</IsPaid>",
        "<IsPaid>true</IsPaid><FinalImagesURL><string>a</string><url>b</url>"
        "<string xsi:nil=\"1\" /><string>c</string></FinalImagesURL>",
    )
    assert parse(body)[0].final_image_urls == ("a", "c")


# -- the page container: Images absent / nil / empty; result absent / nil -------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("images", [ABSENT, NIL, []], ids=repr)
def test_empty_pages(protocol, images) -> None:
    assert parse(body_for(protocol, images), protocol) == ()


@pytest.mark.parametrize(("version", "ns"), [
    (Protocol.SOAP11, SOAP11_NS), (Protocol.SOAP12, SOAP12_NS),
])
@pytest.mark.parametrize("result", [
    "", "<GetImagesListResult />", f'<GetImagesListResult xmlns:xsi="{XSI}" xsi:nil="true" />',
])
def test_soap_result_absent_or_nil(version, ns, result) -> None:
    body = (
        f'{XML_DECL}<soap:Envelope xmlns:soap="{ns}"><soap:Body>'
        f'<GetImagesListResponse xmlns="{NAMESPACE}">{result}</GetImagesListResponse>'
        "</soap:Body></soap:Envelope>"
    )
    assert parse(body, version) == ()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_many_records_in_order(protocol) -> None:
    records = recs(100)
    assert parse(body_for(protocol, records), protocol) == expected(records)


# -- values ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("wire", "want", "known"), [
    ("80", 80, Status.DELIVERED),
    ("10", 10, Status.NEW),
    ("0", 0, None),
    ("7", 7, None),
    ("-3", -3, None),
    ("2147483647", 2147483647, None),
    (" 60 ", 60, Status.IN_PRODUCTION),
])
def test_status_ids_known_and_unknown(wire: str, want: int, known: Status | None) -> None:
    (image,) = parse(body_for(Protocol.SOAP11, [Rec(T1, status_id=wire)]), Protocol.SOAP11)
    assert image.status_id == want
    assert type(image.status_id) is int
    assert image.status == known


@pytest.mark.parametrize(("wire", "want"), [("true", True), ("false", False), ("1", True),
                                            ("0", False), ("\n true \n", True)])
def test_is_paid_xsd_boolean(wire: str, want: bool) -> None:
    assert parse(body_for(Protocol.HTTP_POST, [Rec(T1, is_paid=wire)]))[0].is_paid is want


@pytest.mark.parametrize("ticket", [T1.upper(), f"  {T1}\n", "{" + T1 + "}"])
def test_ticket_forms(ticket: str) -> None:
    body = bare_body(GET_IMAGES_LIST, [Rec(T1)]).replace(T1, ticket)
    assert parse(body)[0].image_ticket == uuid.UUID(T1)


def test_character_references_and_entities() -> None:
    body = bare_body(GET_IMAGES_LIST, [Rec(T1, customer="X")]).replace(
        ">X<", ">&#x1F600;&#128512;&#xE9;&#233;&quot;&apos;&amp;#x1;&#x9;&#10;&#13;<"
    )
    assert parse(body)[0].customer_image_id == "😀😀éé\"'&#x1;\t\n\r"


@pytest.mark.parametrize(("reference", "char"), [
    ("&#x1;", "\x01"), ("&#1;", "\x01"), ("&#x0B;", "\x0b"), ("&#x1f;", "\x1f"),
    ("&#31;", "\x1f"), ("&#x8;", "\x08"), ("&#0;", "\x00"),
])
@pytest.mark.parametrize("protocol", SHAPES)
def test_control_character_references_decoded(protocol, reference: str, char: str) -> None:
    """ASMX writes control characters as references XML 1.0 forbids; pixelz decodes them
    to the character itself, in every string field and in final URLs."""
    rec = Rec(T1, customer="X", status_name="X", finals=["X", "Y"])
    body = body_for(protocol, [rec]).replace(">X<", f">a{reference}b<")
    (image,) = parse(body, protocol)
    assert image.customer_image_id == f"a{char}b"
    assert image.status_name == f"a{char}b"
    assert image.final_image_urls == (f"a{char}b", "Y")


def test_control_references_do_not_disturb_private_use_text() -> None:
    """The stand-ins for control characters never collide with text already present."""
    used = "".join(chr(c) for c in range(0xE000, 0xE040))
    rec = Rec(T1, customer=used + "\x01", product="\ue001", status_name="\x01")
    (image,) = parse(bare_body(GET_IMAGES_LIST, [rec]))
    assert image.customer_image_id == used + "\x01"
    assert image.product_id == "\ue001"
    assert image.status_name == "\x01"


def test_cdata_comments_and_processing_instructions() -> None:
    body = bare_body(GET_IMAGES_LIST, [Rec(T1, customer="X")]).replace(
        ">X<", "><![CDATA[a<b&c]]><!-- note --><?pi data?>d<"
    ).replace("<Images>", "<!-- page --><Images><?pi x?>")
    assert parse(body)[0].customer_image_id == "a<b&cd"


def test_utf8_bom_and_no_declaration() -> None:
    body = bare_body(GET_IMAGES_LIST, [Rec(T1, customer="é")])
    assert parse(b"\xef\xbb\xbf" + body.encode())[0].customer_image_id == "é"
    assert parse(body.replace(XML_DECL, ""))[0].customer_image_id == "é"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_documents(codec: str) -> None:
    rec = Rec(T1, customer="é 😀", status_name="ctl\x01", finals=["u"])
    body = bare_body(GET_IMAGES_LIST, [rec]).replace('"utf-8"', f'"{codec}"')
    assert parse(body.encode(codec)) == (rec.expected(),)
    truncated = body[:-30].encode(codec)
    with pytest.raises(ResponseParseError) as info:
        parse(truncated)
    assert info.value.snippet.startswith('<?xml version="1.0" encoding=')


def test_other_declared_encoding() -> None:
    body = bare_body(GET_IMAGES_LIST, [Rec(T1, customer="é")]).replace("utf-8", "iso-8859-1")
    assert parse(body.encode("latin-1"), content_type="text/xml")[0].customer_image_id == "é"


def test_service_namespace_with_a_prefix() -> None:
    body = (
        f'<t:ImagesListResponse xmlns:t="{NAMESPACE}"><t:Images><t:ImageStatus>'
        f"<t:ImageTicket>{T1}</t:ImageTicket><t:StatusId>1</t:StatusId>"
        "<t:IsPaid>false</t:IsPaid></t:ImageStatus></t:Images></t:ImagesListResponse>"
    )
    assert parse(body)[0].status_id == 1


def test_field_order_does_not_matter() -> None:
    body = (
        f'<ImagesListResponse xmlns="{NAMESPACE}"><Images><ImageStatus>'
        "<IsPaid>true</IsPaid><FinalImagesURL><string>u</string></FinalImagesURL>"
        f"<StatusId>70</StatusId><ProductId>p</ProductId><ImageTicket>{T1}</ImageTicket>"
        "</ImageStatus></Images></ImagesListResponse>"
    )
    assert parse(body) == (ImageStatus(uuid.UUID(T1), None, "p", None, 70, True, None, ("u",)),)


def test_schema_order_then_stragglers_and_repeats() -> None:
    # The converter reads the schema-ordered prefix first, then the rest in a loop: an
    # element behind its place still counts, and a repeated one counts last in document
    # order, wherever each copy sits.
    body = (
        f'<ImagesListResponse xmlns="{NAMESPACE}"><Images><ImageStatus>'
        f"<ImageTicket>{T1}</ImageTicket><CustomerImageId>a</CustomerImageId>"
        "<StatusId>10</StatusId><ProductId>p</ProductId><IsPaid>false</IsPaid>"
        "<CustomerImageId>b</CustomerImageId><StatusId>80</StatusId>"
        "</ImageStatus></Images></ImagesListResponse>"
    )
    assert parse(body) == (ImageStatus(uuid.UUID(T1), "b", "p", None, 80, False, None),)


# -- unknown elements are ignored ------------------------------------------------------------------

UNKNOWN = '<Total>5</Total><Extra xmlns="urn:other"><ImageStatus>junk</ImageStatus></Extra>'


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_unknown_elements_everywhere(protocol) -> None:
    records = [Rec(T1, extra="<NewField>x</NewField><Nested><Deep>y</Deep></Nested>"),
               Rec(str(uuid.UUID(int=7)))]
    body = body_for(protocol, records, extra="<TotalCount>2</TotalCount>")
    body = body.replace("<Images>", "<Images><Cursor>abc</Cursor>")
    if protocol in (Protocol.SOAP11, Protocol.SOAP12):
        body = body.replace("<soap:Body>", "<soap:Header><H xmlns='urn:h'>1</H></soap:Header>"
                            "<soap:Body>")
    else:
        body = body.replace("\n  <Images>", f"\n  {UNKNOWN}\n  <Images>")
    assert parse(body, protocol) == expected(records)


def test_records_outside_the_images_container_are_not_results() -> None:
    stray = f"<ImageStatus><ImageTicket>{uuid.UUID(int=9)}</ImageTicket><StatusId>1</StatusId>" \
            "<IsPaid>true</IsPaid></ImageStatus>"
    body = bare_body(GET_IMAGES_LIST, [Rec(T1)], extra=f"<Other>{stray}</Other>")
    assert [i.image_ticket for i in parse(body)] == [uuid.UUID(T1)]


def test_nil_record_in_images_is_skipped() -> None:
    body = bare_body(GET_IMAGES_LIST, [Rec(T1)]).replace(
        "<Images>", '<Images>\n    <ImageStatus xsi:nil="true" />'
    )
    assert len(parse(body)) == 1


# -- GetImageStatus: one record --------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_get_image_status_shapes(protocol) -> None:
    rec = EDGE_RECORDS[0]
    body = body_for(protocol, rec, GET_IMAGE_STATUS)
    assert parse(body, protocol, call=STATUS_CALL) == rec.expected()


@pytest.mark.parametrize("root", ["ImageStatusResponse", "GetImageStatusResult", "Whatever"])
def test_get_image_status_bare_root_name_not_pinned(root: str) -> None:
    body = bare_body(GET_IMAGE_STATUS, Rec(T1), root=root)
    assert parse(body, call=STATUS_CALL).image_ticket == uuid.UUID(T1)


@pytest.mark.parametrize("body", [
    soap_body(GET_IMAGE_STATUS, ABSENT),
    bare_body(GET_IMAGE_STATUS, Rec(T1)).replace("<ImageStatus>", "<Other>").replace(
        "</ImageStatus>", "</Other>"),
    bare_body(GET_IMAGE_STATUS, Rec(T1)).replace(
        "</ImageStatusResponse>", f"<ImageStatus><ImageTicket>{T1}</ImageTicket><StatusId>1"
        "</StatusId><IsPaid>true</IsPaid></ImageStatus></ImageStatusResponse>"),
], ids=["soap-empty-result", "bare-no-record", "bare-two-records"])
def test_get_image_status_needs_exactly_one_record(body: str) -> None:
    with pytest.raises(ResponseParseError) as info:
        parse(body, call=STATUS_CALL, content_type="text/xml")
    assert info.value.operation == "GetImageStatus"


def test_ok_response_helper_roundtrip() -> None:
    response = ok_response(Protocol.SOAP11, recs(2))
    assert parse_response(LIST_CALL, response, Protocol.SOAP11) == expected(recs(2))
