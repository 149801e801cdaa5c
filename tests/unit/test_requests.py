"""The exact request of each protocol: method, URL, headers, body bytes, order, escaping."""

from __future__ import annotations

import datetime
import re
import urllib.parse
import uuid

import httpx
import pytest
import respx
from lxml import etree

import pixelz
from pixelz import Protocol
from pixelz._arguments import Credentials
from pixelz._operations import GET_IMAGE_STATUS, GET_IMAGES_LIST

from ._wire import (
    BASE_URL,
    EMAIL,
    FIXTURES,
    KEY,
    ok_response,
    params_of,
    recs,
    serve,
)

LIST_PARAMS = [
    "contactEmail", "contactAPIkey", "imageStatus", "excludeImageStatus", "productId",
    "fromDate", "toDate", "page", "imagesPerPage", "sortBy", "isDescending",
]
XSI_XSD = (
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
)



# What httpx adds to every request of a pixelz-owned client.
STANDARD = {"host", "accept", "accept-encoding", "connection", "user-agent"}

def _one_request(router: respx.MockRouter, client: pixelz.Client, **query: object) -> httpx.Request:
    route = router.route().mock(side_effect=serve([]))
    client.list_images(**query)  # type: ignore[arg-type]
    assert route.call_count == 1
    return route.calls.last.request


def _unindent(xml: bytes) -> bytes:
    return re.sub(rb">\s+<", b"><", xml).strip()


# -- SOAP 1.1 -----------------------------------------------------------------------------


def test_soap11_request_exact(router: respx.MockRouter, make_client) -> None:
    request = _one_request(router, make_client("soap11"), per_page=10)
    assert request.method == "POST"
    assert str(request.url) == BASE_URL
    assert request.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert request.headers["SOAPAction"] == '"http://removethebackground.com/GetImagesList"'
    body = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope {XSI_XSD} xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        '<soap:Body><GetImagesList xmlns="http://removethebackground.com/">'
        f"<contactEmail>{EMAIL}</contactEmail><contactAPIkey>{KEY}</contactAPIkey>"
        "<imageStatus /><excludeImageStatus /><productId /><fromDate /><toDate />"
        "<page>1</page><imagesPerPage>10</imagesPerPage><sortBy /><isDescending />"
        "</GetImagesList></soap:Body></soap:Envelope>"
    ).encode()
    assert request.content == body
    assert request.headers["Content-Length"] == str(len(body))
    assert set(request.headers) == STANDARD | {"content-type", "soapaction", "content-length"}
    assert request.headers["User-Agent"].startswith("pixelz/")


@pytest.mark.parametrize(("protocol", "capture"), [
    ("soap11", "soap11-request.xml"), ("soap12", "soap12-request.xml"),
])
def test_soap_envelope_matches_real_capture(
    router: respx.MockRouter, protocol: str, capture: str
) -> None:
    """Byte for byte the envelope a real ASMX stack accepted, less its indentation."""
    route = router.route().mock(side_effect=serve([]))
    with pixelz.Client("a@example.com", "key", base_url=BASE_URL, protocols=protocol,
                       max_retries=0) as client:
        client.list_images(per_page=10)
    assert route.calls.last.request.content == _unindent((FIXTURES / capture).read_bytes())


def test_soap12_request_exact(router: respx.MockRouter, make_client) -> None:
    request = _one_request(router, make_client("soap12"))
    assert request.method == "POST"
    assert str(request.url) == BASE_URL
    assert request.headers["Content-Type"] == (
        'application/soap+xml; charset=utf-8; action="http://removethebackground.com/GetImagesList"'
    )
    assert "soapaction" not in request.headers
    body = request.content.decode()
    assert body.startswith(
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap12:Envelope {XSI_XSD} xmlns:soap12="http://www.w3.org/2003/05/soap-envelope">'
        '<soap12:Body><GetImagesList xmlns="http://removethebackground.com/">'
    )
    assert body.endswith("</GetImagesList></soap12:Body></soap12:Envelope>")
    assert "<imagesPerPage />" in body  # per_page None: the server default


# -- HTTP POST / GET ------------------------------------------------------------------------


def test_http_post_request_exact(router: respx.MockRouter, make_client) -> None:
    request = _one_request(router, make_client("http_post"))
    assert request.method == "POST"
    assert str(request.url) == BASE_URL + "/GetImagesList"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.content == (
        b"contactEmail=a%40example.com&contactAPIkey=SENTINEL-KEY-9f3a&imageStatus="
        b"&excludeImageStatus=&productId=&fromDate=&toDate=&page=1&imagesPerPage="
        b"&sortBy=&isDescending="
    )
    assert set(request.headers) == STANDARD | {"content-type", "content-length"}


def test_http_get_request_exact(router: respx.MockRouter, make_client) -> None:
    request = _one_request(router, make_client("http_get"), page=2, per_page=5)
    assert request.method == "GET"
    assert str(request.url) == (
        BASE_URL + "/GetImagesList?contactEmail=a%40example.com&contactAPIkey=SENTINEL-KEY-9f3a"
        "&imageStatus=&excludeImageStatus=&productId=&fromDate=&toDate=&page=2"
        "&imagesPerPage=5&sortBy=&isDescending="
    )
    assert request.content == b""
    assert "content-type" not in request.headers


@pytest.mark.parametrize("base", [BASE_URL + "/", BASE_URL + "?x=1#frag"])
def test_operation_url_normalizes_base_url(base: str) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.get(BASE_URL + "/GetImagesList").mock(side_effect=serve([]))
        with pixelz.Client(EMAIL, KEY, base_url=base, protocols="http_get",
                           max_retries=0) as client:
            client.list_images()
    assert route.calls.last.request.url.path == "/soap.asmx/GetImagesList"


# -- every protocol: the same eleven values in the same order -------------------------------

FULL_QUERY = dict(
    status="Delivered", exclude_status=pixelz.Status.NEW, product_id="prod-1",
    from_date=datetime.date(2024, 1, 31), to_date="2024-02-29", page=3, per_page=25,
    sort_by=pixelz.SortBy.DATE, descending=True,
)
FULL_VALUES = [
    ("contactEmail", EMAIL), ("contactAPIkey", KEY), ("imageStatus", "80"),
    ("excludeImageStatus", "10"), ("productId", "prod-1"), ("fromDate", "2024-01-31"),
    ("toDate", "2024-02-29"), ("page", "3"), ("imagesPerPage", "25"), ("sortBy", "date"),
    ("isDescending", "true"),
]
EMPTY_VALUES = [(name, "") for name in LIST_PARAMS]
EMPTY_VALUES[0] = ("contactEmail", EMAIL)
EMPTY_VALUES[1] = ("contactAPIkey", KEY)
EMPTY_VALUES[7] = ("page", "1")


@pytest.mark.parametrize("protocol", list(Protocol))
def test_every_parameter_in_wsdl_order(router: respx.MockRouter, make_client, protocol) -> None:
    assert list(GET_IMAGES_LIST.parameters) == LIST_PARAMS
    request = _one_request(router, make_client(protocol), **FULL_QUERY)
    assert params_of(request) == FULL_VALUES


@pytest.mark.parametrize("protocol", list(Protocol))
def test_unset_parameters_sent_empty(router: respx.MockRouter, make_client, protocol) -> None:
    request = _one_request(router, make_client(protocol))
    assert params_of(request) == EMPTY_VALUES
    if protocol in (Protocol.SOAP11, Protocol.SOAP12):
        for name in ("imageStatus", "excludeImageStatus", "productId", "sortBy"):
            assert f"<{name} />".encode() in request.content


@pytest.mark.parametrize("protocol", list(Protocol))
def test_descending_false_is_sent_as_false(router, make_client, protocol) -> None:
    request = _one_request(router, make_client(protocol), descending=False, sort_by="STATUS")
    values = dict(params_of(request))
    assert values["isDescending"] == "false"
    assert values["sortBy"] == "status"


TRICKY = "a&b<c>d\"e'f\r\ng\th ü 漢 😀 +=%/?#;]]>"
# What GET/POST may carry: ASP.NET request validation rejects "<" before a letter, "!", "/"
# or "?", and "&#", in form and query values (pixelz does not send those over GET/POST).
TRICKY_FORM = "a&b< c>d\"e'f\r\ng\th ü 漢 😀 +=%/?#;]]> <1 &amp; & #"


@pytest.mark.parametrize(("protocol", "value"), [
    *((p, TRICKY_FORM) for p in Protocol), (Protocol.SOAP11, TRICKY), (Protocol.SOAP12, TRICKY),
])
def test_values_round_trip_exactly(router, make_client, protocol, value) -> None:
    """Whatever the protocol, the server decodes exactly the string the caller gave."""
    request = _one_request(router, make_client(protocol), product_id=value)
    assert dict(params_of(request))["productId"] == value


@pytest.mark.parametrize("value", ["<x", "a<!--", "</b>", "<?pi", "&#x41;", "&#65;"])
@pytest.mark.parametrize("protocol", [Protocol.HTTP_POST, Protocol.HTTP_GET])
def test_markup_values_not_sent_over_get_post(router, make_client, protocol, value) -> None:
    route = router.route().mock(side_effect=serve([]))
    with pytest.raises(pixelz.ProtocolBlockedError) as info:
        make_client(protocol).list_images(product_id=value)
    assert route.call_count == 0
    assert "productId" in str(info.value)


def test_markup_values_go_over_soap_instead(router, make_client) -> None:
    route = router.route().mock(side_effect=serve([]))
    page = make_client([Protocol.HTTP_GET, Protocol.SOAP12]).list_images(product_id="<b>x")
    assert page.protocol is Protocol.SOAP12
    assert route.call_count == 1
    assert dict(params_of(route.calls.last.request))["productId"] == "<b>x"


def test_soap_escaping_bytes(router: respx.MockRouter, make_client) -> None:
    request = _one_request(router, make_client("soap11"), product_id=TRICKY)
    expected = (
        "<productId>a&amp;b&lt;c&gt;d\"e'f&#xD;\ng\th ü 漢 😀 +=%/?#;]]&gt;</productId>"
    ).encode()
    assert expected in request.content  # CR as a reference: a literal CR would become LF


def test_form_escaping_bytes(router: respx.MockRouter, make_client) -> None:
    request = _one_request(router, make_client("http_post"), product_id=TRICKY_FORM)
    encoded = urllib.parse.quote_plus(TRICKY_FORM, safe="", encoding="utf-8").encode()
    assert b"&productId=" + encoded + b"&" in request.content
    assert b"%F0%9F%98%80" in request.content  # U+1F600 as its four UTF-8 bytes
    assert b"+%2B%3D%25" in request.content  # space, plus, equals, percent


def test_get_escaping_in_url(router: respx.MockRouter, make_client) -> None:
    request = _one_request(router, make_client("http_get"), product_id="a b&c=d")
    assert b"productId=a+b%26c%3Dd&" in request.url.query


def test_credentials_with_specials_escaped(router: respx.MockRouter) -> None:
    route = router.route().mock(side_effect=serve([]))
    key = "k&<>\"'+ %ü"
    for protocol in Protocol:
        with pixelz.Client("a+b@example.com", key, base_url=BASE_URL, protocols=protocol,
                           max_retries=0) as client:
            client.list_images()
        values = dict(params_of(route.calls.last.request))
        assert values["contactEmail"] == "a+b@example.com"
        assert values["contactAPIkey"] == key


def test_soap_body_is_well_formed_utf8(router: respx.MockRouter, make_client) -> None:
    request = _one_request(router, make_client("soap12"), product_id=TRICKY)
    root = etree.fromstring(request.content)
    assert root.tag == "{http://www.w3.org/2003/05/soap-envelope}Envelope"
    assert [etree.QName(e).localname for e in root[0][0]] == LIST_PARAMS


# -- GetImageStatus --------------------------------------------------------------------------

TICKET = "6F1C0D2E-3A4B-4C5D-8E6F-708192A3B4C5"


@pytest.mark.parametrize("protocol", list(Protocol))
def test_get_image_status_by_ticket_request(router, make_client, protocol) -> None:
    from ._wire import Rec

    route = router.route().mock(side_effect=serve(Rec(TICKET.lower()), GET_IMAGE_STATUS))
    client = make_client(protocol)
    image = client.get_image_status(TICKET)
    assert image.image_ticket == uuid.UUID(TICKET)
    request = route.calls.last.request
    assert params_of(request) == [
        ("contactEmail", EMAIL), ("contactAPIkey", KEY),
        ("imageTicket", TICKET.lower()), ("customerImageId", ""),
    ]
    if protocol is Protocol.SOAP11:
        assert request.headers["SOAPAction"] == '"http://removethebackground.com/GetImageStatus"'
        assert b'<GetImageStatus xmlns="http://removethebackground.com/">' in request.content
    elif protocol is Protocol.SOAP12:
        assert request.headers["Content-Type"].endswith(
            'action="http://removethebackground.com/GetImageStatus"'
        )
    else:
        assert request.url.path == "/soap.asmx/GetImageStatus"


@pytest.mark.parametrize("protocol", list(Protocol))
def test_get_image_status_by_customer_id_request(router, make_client, protocol) -> None:
    from ._wire import Rec

    rec = Rec(TICKET.lower(), customer="sku <1>")
    route = router.route().mock(side_effect=serve(rec, GET_IMAGE_STATUS))
    image = make_client(protocol).get_image_status(customer_image_id="sku <1>")
    assert image == rec.expected()
    assert params_of(route.calls.last.request) == [
        ("contactEmail", EMAIL), ("contactAPIkey", KEY),
        ("imageTicket", ""), ("customerImageId", "sku <1>"),
    ]
    if protocol is Protocol.SOAP11:
        assert b"<imageTicket /><customerImageId>sku &lt;1&gt;</customerImageId>" in (
            route.calls.last.request.content
        )


def test_call_repr_hides_key() -> None:

    call = GET_IMAGES_LIST.bind(EMAIL, KEY, page=1)
    assert KEY not in repr(call)
    assert "contactAPIkey=***" in repr(call)
    assert KEY not in repr(Credentials(EMAIL, KEY)) and KEY not in str(Credentials(EMAIL, KEY))


def test_every_page_request_is_rebuilt(router: respx.MockRouter, make_client) -> None:
    """Each page request carries its own page number (iter_images)."""
    route = router.route().mock(side_effect=serve((recs(2), recs(2, 3), recs(1, 5))))
    images = list(make_client("soap11").iter_images(per_page=2))
    assert len(images) == 5
    assert [dict(params_of(c.request))["page"] for c in route.calls] == ["1", "2", "3"]
    assert {dict(params_of(c.request))["imagesPerPage"] for c in route.calls} == {"2"}


def test_ok_response_helper_content_types() -> None:
    assert ok_response(Protocol.SOAP12, []).headers["content-type"].startswith(
        "application/soap+xml"
    )


def test_user_http_client_headers_cookies_and_params_are_applied(router: respx.MockRouter) -> None:
    route = router.route().mock(side_effect=serve([]))
    http = httpx.Client(headers={"X-Team": "retouch", "User-Agent": "acme/1.0"},
                        cookies={"session": "abc"}, params={"tenant": "t1"})
    with pixelz.Client("a@example.com", "key", base_url=BASE_URL, protocols="soap11",
                       max_retries=0, http_client=http) as client:
        client.list_images()
    sent = route.calls.last.request
    assert sent.url.params["tenant"] == "t1"
    assert sent.headers["X-Team"] == "retouch"
    assert sent.headers["User-Agent"] == "acme/1.0"
    assert "session=abc" in sent.headers["Cookie"]
    assert sent.headers["SOAPAction"] == '"http://removethebackground.com/GetImagesList"'
    http.close()
