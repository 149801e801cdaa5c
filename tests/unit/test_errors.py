"""Error mapping: faults, ASMX error text, blocked paths, unreadable bodies, the API key.

What the client does next (retry, fall back, give up) is the policy's: tests/unit/test_policy.py
and, on the wire, tests/resilience/. Hostile XML is in tests/security/test_hostile_xml.py.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

import pixelz
from pixelz import (
    APIError,
    PixelzError,
    Protocol,
    ProtocolBlockedError,
    ResponseParseError,
)
from pixelz._operations import GET_IMAGES_LIST, NAMESPACE

from ._wire import (
    BASE_URL,
    CONTENT_TYPES,
    EMAIL,
    KEY,
    SOAP11_NS,
    SOAP12_NS,
    XML_DECL,
    Rec,
    bare_body,
    capture_response,
    protocol_of,
    soap_body,
)

PROTOCOLS = list(Protocol)
T1 = "cdc798ef-2cf6-4610-a97e-887e63f8e477"
MONO_STACK = (
    "\n  at Soap.GetImagesList (System.String contactEmail, System.String contactAPIkey) "
    "[0x0001f] in <72eed30f62be46ea8db81f21d151556d>:0 "
    "\n  at (wrapper managed-to-native) System.Reflection.RuntimeMethodInfo.InternalInvoke("
    "System.Reflection.RuntimeMethodInfo,object,object[],System.Exception&)"
)
DOTNET_STACK = (
    "\r\n   at Soap.GetImagesList(String contactEmail, String contactAPIkey) in "
    "C:\\inetpub\\Soap.cs:line 42\r\n   --- End of inner exception stack trace ---\r\n"
    "   at System.Web.Services.Protocols.WebServiceHandler.Invoke()"
)


def assert_no_key(error: BaseException) -> None:
    """The key is in none of the error's text: str, repr, attributes, nested attempts."""
    texts = [str(error), repr(error)]
    for name in ("message", "detail", "snippet", "content_type", "code"):
        texts.append(str(getattr(error, name, "")))
    for _, nested in getattr(error, "attempts", ()):
        assert_no_key(nested)
    for text in texts:
        assert KEY not in text
        assert "9f3a" not in text and KEY[:6] not in text  # not even part of a cut key


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def soap11_fault(text: str, code: str = "soap:Client") -> httpx.Response:
    body = (
        f'{XML_DECL}<soap:Envelope xmlns:soap="{SOAP11_NS}"><soap:Body><soap:Fault>'
        f"<faultcode>{code}</faultcode><faultstring>{xml_escape(text)}</faultstring>"
        "<detail /></soap:Fault></soap:Body></soap:Envelope>"
    )
    return httpx.Response(500, headers={"Content-Type": CONTENT_TYPES[Protocol.SOAP11]},
                          content=body.encode())


def soap12_fault(text: str, code: str = "soap:Sender", extra_texts: str = "") -> httpx.Response:
    body = (
        f'{XML_DECL}<soap:Envelope xmlns:soap="{SOAP12_NS}"><soap:Body><soap:Fault>'
        f"<soap:Code><soap:Value>{code}</soap:Value></soap:Code><soap:Reason>{extra_texts}"
        f'<soap:Text xml:lang="en">{xml_escape(text)}</soap:Text></soap:Reason><soap:Detail />'
        "</soap:Fault></soap:Body></soap:Envelope>"
    )
    return httpx.Response(500, headers={"Content-Type": CONTENT_TYPES[Protocol.SOAP12]},
                          content=body.encode())


def text_error(text: str) -> httpx.Response:
    return httpx.Response(500, headers={"Content-Type": "text/plain; charset=utf-8"},
                          content=text.encode())


def fault_for(protocol: Protocol, text: str) -> httpx.Response:
    """The same service error as each protocol carries it."""
    if protocol is Protocol.SOAP11:
        return soap11_fault(text)
    if protocol is Protocol.SOAP12:
        return soap12_fault(text)
    return text_error(text)


def call_with(
    router: respx.MockRouter, make_client, protocol: Any, response: httpx.Response
) -> PixelzError:
    router.route().mock(return_value=response)
    client = make_client(protocol)
    with pytest.raises(PixelzError) as info:
        client.list_images()
    assert_no_key(info.value)
    return info.value


# -- the real captures ------------------------------------------------------------------------


@pytest.mark.parametrize(("capture", "protocol", "code", "message"), [
    ("soap11-fault.http", Protocol.SOAP11, "Client", "Invalid contact API key"),
    ("soap12-fault.http", Protocol.SOAP12, "Sender", "Invalid contact API key"),
    ("soap11-unknown-action.http", Protocol.SOAP11, "Client",
     "Server did not recognize the value of HTTP Header {0}: {1}."),
    ("post-fault.http", Protocol.HTTP_POST, None, "Missing parameter: {0}."),
    ("get-missing-parameter.http", Protocol.HTTP_GET, None, "Missing parameter: {0}."),
])
def test_captured_service_errors(router, make_client, capture, protocol, code, message) -> None:
    error = call_with(router, make_client, protocol, capture_response(capture))
    assert type(error) is APIError
    assert error.message == message
    assert error.code == code
    assert error.status_code == 500
    assert error.protocol is protocol
    assert error.operation == "GetImagesList"
    assert str(error) == f"GetImagesList over {protocol.value}: {message}"
    assert "System." not in str(error) and " at " not in str(error)


@pytest.mark.parametrize(("capture", "protocol", "status"), [
    ("get-disabled-remote.http", Protocol.HTTP_GET, 500),
    ("soap11-malformed.http", Protocol.SOAP11, 400),
])
def test_captured_infrastructure_answers_are_blocked(router, make_client, capture, protocol,
                                                     status) -> None:
    error = call_with(router, make_client, protocol, capture_response(capture))
    assert type(error) is ProtocolBlockedError
    assert error.status_code == status
    assert error.protocol is protocol
    assert "GetImagesList" in str(error) and protocol.value in str(error)


# -- the same fault reads the same on every protocol ------------------------------------------


@pytest.mark.parametrize("text", [
    "Invalid contact API key",
    "System.Web.Services.Protocols.SoapException: Invalid contact API key" + MONO_STACK,
    "System.Web.Services.Protocols.SoapException: Invalid contact API key" + DOTNET_STACK,
    "System.Reflection.TargetInvocationException: Exception has been thrown ---> "
    "System.ArgumentException: Invalid contact API key" + DOTNET_STACK,
    "Exception has been thrown by the target of an invocation. ---> Invalid contact API key",
    "Server was unable to process request. ---> Invalid contact API key",
], ids=["remote", "mono-local", "dotnet-local", "chain-local", "chain-remote", "unable"])
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_same_fault_same_message_every_protocol(router, make_client, protocol, text) -> None:
    error = call_with(router, make_client, protocol, fault_for(protocol, text))
    assert type(error) is APIError
    assert error.message == "Invalid contact API key"
    assert error.code == {Protocol.SOAP11: "Client", Protocol.SOAP12: "Sender"}.get(protocol)


@pytest.mark.parametrize(("response", "code"), [
    (soap11_fault("boom", "soap:Server"), "Server"),
    (soap11_fault("boom", " soap:Client "), "Client"),
    (soap11_fault("boom", "Client"), "Client"),
    (soap12_fault("boom", "soap:Receiver"), "Receiver"),
    (soap12_fault("boom", "env:Sender"), "Sender"),
])
def test_fault_codes(router, make_client, response, code) -> None:
    protocol = protocol_of(httpx.Request(
        "POST", BASE_URL, headers={"content-type": response.headers["content-type"]}))
    error = call_with(router, make_client, protocol, response)
    assert (type(error), error.code, error.message) == (APIError, code, "boom")


def test_soap12_reason_prefers_english(router, make_client) -> None:
    response = soap12_fault("Invalid key", extra_texts='<soap:Text xml:lang="fr">Clé</soap:Text>')
    assert call_with(router, make_client, "soap12", response).message == "Invalid key"


def test_localized_messages_are_kept(router, make_client) -> None:
    text = "System.Web.Services.Protocols.SoapException: Clé API non valide – 無効" + MONO_STACK
    assert call_with(router, make_client, "soap11", soap11_fault(text)).message == (
        "Clé API non valide – 無効")


def test_multiline_message_without_stack_kept(router, make_client) -> None:
    error = call_with(router, make_client, "http_post", text_error("first line\nsecond line"))
    assert error.message == "first line\nsecond line"


def test_empty_fault_text_still_an_api_error(router, make_client) -> None:
    error = call_with(router, make_client, "soap11", soap11_fault(""))
    assert type(error) is APIError
    assert error.message


def test_fault_with_200_status_is_an_api_error(router, make_client) -> None:
    fault = soap11_fault("boom")
    error = call_with(router, make_client, "soap11",
                      httpx.Response(200, headers=fault.headers, content=fault.content))
    assert type(error) is APIError


def test_fault_control_character_reference(router, make_client) -> None:
    body = soap11_fault("image a\x01b unknown").content.replace(b"\x01", b"&#x1;")
    response = httpx.Response(500, headers={"Content-Type": "text/xml"}, content=body)
    assert call_with(router, make_client, "soap11", response).message == "image a\x01b unknown"


def test_fault_echoing_the_key_is_redacted(router, make_client) -> None:
    for protocol in PROTOCOLS:
        error = call_with(router, make_client, protocol,
                          fault_for(protocol, f"Invalid contact API key '{KEY}'"))
        assert error.message == "Invalid contact API key '***'"


# -- blocked paths ----------------------------------------------------------------------------

WAF_PAGE = (
    "<!DOCTYPE html><html><head><title>Access Denied</title></head>"
    "<body><h1>Request blocked</h1><p>Ref 123</p></body></html>"
)
BLOCKED = [
    (403, "text/html; charset=utf-8", WAF_PAGE),
    (403, "", ""),
    (403, "text/plain", "Forbidden"),
    (400, "text/html", "<html><body>Bad Request</body></html>"),
    (400, "text/xml; charset=utf-8", ""),
    (405, "text/html", "<html><body>Method Not Allowed</body></html>"),
    (405, "", ""),
    (406, "text/html", "Not Acceptable"),
    (415, "", ""),
    (415, "text/xml; charset=utf-8", ""),
    (501, "text/plain", "Not Implemented"),
    (404, "text/html", "<html>Not found</html>"),
    (302, "text/html", ""),
    (200, "text/html; charset=utf-8", WAF_PAGE),
    (200, "text/xml; charset=utf-8", WAF_PAGE),
    (200, "text/xml", '<?xml version="1.0"?>\n<!DOCTYPE html><html><body>x</body></html>'),
    (200, "text/xml", '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>x</body></html>'),
    (200, "", "<html><body>captive portal</body></html>"),
    (200, "text/xml; charset=utf-8", ""),
    (200, "text/xml; charset=utf-8", "   \r\n"),
    (200, "application/json", '{"error": "blocked"}'),
    (200, "text/plain", "OK"),
    (200, "text/xml", "Request rejected by policy"),
    (500, "text/html", "<html><body>Runtime Error</body></html>"),
    (500, "text/xml; charset=utf-8", ""),
]


@pytest.mark.parametrize(("status", "content_type", "body"), BLOCKED, ids=repr)
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_blocked_shapes(router, make_client, protocol, status, content_type, body) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    error = call_with(router, make_client, protocol,
                      httpx.Response(status, headers=headers, content=body.encode()))
    assert type(error) is ProtocolBlockedError, error
    assert error.status_code == status
    assert error.protocol is protocol
    assert "GetImagesList" in str(error) and protocol.value in str(error)


# -- unreadable responses ---------------------------------------------------------------------

SOAP_OK = soap_body(GET_IMAGES_LIST, [Rec(T1)])
BARE_OK = bare_body(GET_IMAGES_LIST, [Rec(T1)])
BAD_XML = {
    "truncated-soap": SOAP_OK[: len(SOAP_OK) // 2],
    "truncated-bare": BARE_OK[:-20],
    "only-declaration": XML_DECL,
    "mismatched-tags": f'<ImagesListResponse xmlns="{NAMESPACE}"><Images></ImagesListResponse>',
    "undefined-entity": f'<ImagesListResponse xmlns="{NAMESPACE}">&lol;</ImagesListResponse>',
    "two-roots": BARE_OK.replace(XML_DECL, "") + "<again/>",
    "bad-char-ref": BARE_OK.replace(T1, "&#xFFFE;"),
    "wrong-namespace": BARE_OK.replace(NAMESPACE, "http://example.com/other/"),
    "no-namespace": BARE_OK.replace(f' xmlns="{NAMESPACE}"', ""),
    "wrong-root": BARE_OK.replace("ImagesListResponse", "ImageStatusResponse"),
    "other-root": "<root><x/></root>",
    "soap-wrong-response": SOAP_OK.replace("GetImagesListResponse", "GetImageStatusResponse"),
    "soap-wrong-result": SOAP_OK.replace("GetImagesListResult", "Result"),
    "soap-foreign-body": f'<s:Envelope xmlns:s="{SOAP11_NS}"><s:Body><x:Y xmlns:x="urn:y"/>'
                         "</s:Body></s:Envelope>",
    "soap-no-body": f'<s:Envelope xmlns:s="{SOAP11_NS}"><s:Header/></s:Envelope>',
    "soap-empty-body": f'<s:Envelope xmlns:s="{SOAP11_NS}"><s:Body> </s:Body></s:Envelope>',
    "soap-unknown-version": SOAP_OK.replace(SOAP11_NS, "http://example.com/soap-env/"),
    "bad-guid": BARE_OK.replace(T1, "not-a-guid"),
    "no-ticket": BARE_OK.replace(f"<ImageTicket>{T1}</ImageTicket>", ""),
    "nil-ticket": BARE_OK.replace(f"<ImageTicket>{T1}</ImageTicket>",
                                  '<ImageTicket xsi:nil="true" />'),
    "no-status-id": BARE_OK.replace("<StatusId>80</StatusId>", ""),
    "status-id-text": BARE_OK.replace("<StatusId>80</StatusId>", "<StatusId>eighty</StatusId>"),
    "status-id-float": BARE_OK.replace("<StatusId>80</StatusId>", "<StatusId>8.0</StatusId>"),
    "status-id-empty": BARE_OK.replace("<StatusId>80</StatusId>", "<StatusId />"),
    "status-id-unicode-digits": BARE_OK.replace("<StatusId>80</StatusId>",
                                                "<StatusId>٨٠</StatusId>"),
    "is-paid-yes": BARE_OK.replace("<IsPaid>true</IsPaid>", "<IsPaid>yes</IsPaid>"),
    "is-paid-empty": BARE_OK.replace("<IsPaid>true</IsPaid>", "<IsPaid />"),
    "not-utf8": BARE_OK.replace("<IsPaid>", "<IsPaid\udcff>"),
    "deeply-nested": BARE_OK.replace("<Images>", "<a>" * 5000 + "</a>" * 5000 + "<Images>"),
    "500-without-fault": BARE_OK,
}


@pytest.mark.parametrize("name", list(BAD_XML))
@pytest.mark.parametrize("protocol", [Protocol.SOAP11, Protocol.HTTP_GET])
def test_unreadable_xml(router, make_client, protocol, name) -> None:
    body = BAD_XML[name].encode("utf-8", "surrogateescape")
    status = 500 if name == "500-without-fault" else 200
    response = httpx.Response(status, headers={"Content-Type": CONTENT_TYPES[protocol]},
                              content=body)
    error = call_with(router, make_client, protocol, response)
    assert type(error) is ResponseParseError, error
    assert not isinstance(error, ValueError)
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__
    assert error.protocol is protocol
    assert error.operation == "GetImagesList"
    assert error.status_code == status
    assert error.content_type == CONTENT_TYPES[protocol]
    assert error.snippet and body.decode("utf-8", "replace").startswith(error.snippet)
    assert len(error.snippet) <= 200


# -- the API key in parse errors --------------------------------------------------------------


@pytest.mark.parametrize("body", [
    f"<x>{KEY}",  # plain, in the snippet
    f"<ImagesListResponse xmlns='{NAMESPACE}'><{KEY}>",  # in lxml's message (a tag name)
    "<x>" + "y" * 150 + KEY,  # straddling the snippet cut
    "<x>" + "y" * 155 + KEY,
    f"<x a='{KEY}'><",
    BARE_OK.replace("<StatusId>80</StatusId>", f"<StatusId>{KEY[:20]}</StatusId>"),
    BARE_OK.replace(T1, KEY),
])
def test_key_never_in_parse_errors(router, make_client, body: str) -> None:
    response = httpx.Response(200, headers={"Content-Type": "text/xml"}, content=body.encode())
    error = call_with(router, make_client, "soap11", response)
    assert type(error) is ResponseParseError


def test_key_with_xml_specials_redacted_in_snippet(router) -> None:
    key = "K<&>\"'-9f3a"
    escaped = xml_escape(key)
    router.route().mock(return_value=httpx.Response(
        200, headers={"Content-Type": "text/xml"}, content=f"<a>{escaped}</a><b".encode()))
    with pixelz.Client(EMAIL, key, base_url=BASE_URL, protocols="soap11",
                       max_retries=0) as client, pytest.raises(ResponseParseError) as info:
        client.list_images()
    assert escaped not in info.value.snippet and key not in info.value.snippet
    assert "***" in info.value.snippet
