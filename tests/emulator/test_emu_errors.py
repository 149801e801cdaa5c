"""Every error kind: service faults per protocol and style, routing errors, infrastructure pages."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from lxml import etree

from pixelz._operations import NAMESPACE
from pixelz.emulator import Emulator
from pixelz.models import Protocol

from ._helpers import SOAP11_NS, SOAP12_NS, envelope, full_values

Call = Callable[..., httpx.Response]
SOAP = (Protocol.SOAP11, Protocol.SOAP12)


def fault_of(response: httpx.Response) -> tuple[str, str]:
    """(code, text) of a SOAP 1.1 or 1.2 fault, checking the envelope's exact form."""
    assert response.status_code == 500
    root = etree.fromstring(response.content)
    if root.tag == f"{{{SOAP11_NS}}}Envelope":
        assert response.headers["content-type"] == "text/xml; charset=utf-8"
        fault = root.find(f"{{{SOAP11_NS}}}Body/{{{SOAP11_NS}}}Fault")
        assert fault is not None and b"<detail /></soap:Fault>" in response.content
        return fault.findtext("faultcode") or "", fault.findtext("faultstring") or ""
    assert response.headers["content-type"] == "application/soap+xml; charset=utf-8"
    ns = {"s": SOAP12_NS}
    assert b'<soap:Text xml:lang="en">' in response.content
    assert b"<soap:Detail /></soap:Fault>" in response.content
    return root.findtext(".//s:Code/s:Value", namespaces=ns) or "", root.findtext(
        ".//s:Reason/s:Text", namespaces=ns
    ) or ""


def text_error(response: httpx.Response) -> str:
    """The GET/POST error text, without the final newline every such answer ends with."""
    assert response.status_code == 500
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text.endswith("\n")
    return response.text[:-1]


CLIENT_CODE = {Protocol.SOAP11: "soap:Client", Protocol.SOAP12: "soap:Sender"}
SERVER_CODE = {Protocol.SOAP11: "soap:Server", Protocol.SOAP12: "soap:Receiver"}


@pytest.mark.parametrize("protocol", list(Protocol))
@pytest.mark.parametrize("style", ["remote", "local"])
def test_bad_credentials(protocol: Protocol, style: str, emu: Emulator, call: Call) -> None:
    emu.config.errors = style  # type: ignore[assignment]
    response = call(protocol, contactAPIkey="wrong")
    if protocol in SOAP:
        code, text = fault_of(response)
        assert code == CLIENT_CODE[protocol]
    else:
        text = text_error(response)
    if style == "remote":
        assert text == "Invalid contact email or API key"
    else:
        # As Mono prints it for the reference service: the helper that throws, then the method.
        first, second = text.split("\n")[:3][1:]
        assert text.startswith(
            "System.Web.Services.Protocols.SoapException: Invalid contact email or API key\n"
        )
        assert first.startswith("  at Soap.CheckCredentials (System.String email, System.String")
        assert second.startswith("  at Soap.GetImagesList (System.String contactEmail,")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"contactEmail": "nobody@example.com"}, "Invalid contact email or API key"),
        ({"contactEmail": None}, "Invalid contact email or API key"),
        ({"contactAPIkey": "DEMO-API-KEY"}, "Invalid contact email or API key"),
        ({"imageStatus": "x"}, "Invalid imageStatus"),
        ({"imageStatus": "-1"}, "Invalid imageStatus"),
        ({"imageStatus": " 80"}, "Invalid imageStatus"),
        ({"imageStatus": "99999999999"}, "Invalid imageStatus"),
        ({"excludeImageStatus": "1.5"}, "Invalid excludeImageStatus"),
        ({"fromDate": "2026-13-01"}, "Invalid fromDate"),
        ({"fromDate": "2026/01/01"}, "Invalid fromDate"),
        ({"toDate": "2026-02-30"}, "Invalid toDate"),
        ({"toDate": "26-01-01"}, "Invalid toDate"),
        ({"page": "0"}, "Invalid page"),
        ({"page": "one"}, "Invalid page"),
        ({"imagesPerPage": "0"}, "Invalid imagesPerPage"),
        ({"imagesPerPage": "-5"}, "Invalid imagesPerPage"),
        ({"imagesPerPage": "ten"}, "Invalid imagesPerPage"),
        ({"sortBy": "name"}, "Invalid sortBy"),
        ({"isDescending": "yes"}, "Invalid isDescending"),
        ({"imageStatus": "x", "page": "0"}, "Invalid imageStatus"),  # WSDL order
        ({"contactAPIkey": "x", "page": "0"}, "Invalid contact email or API key"),
    ],
)
def test_validation_messages(values: dict[str, str | None], message: str, call: Call) -> None:
    code, text = fault_of(call(Protocol.SOAP12, **values))
    assert (code, text) == ("soap:Sender", message)
    form = {k: "" if v is None else v for k, v in values.items()}
    assert text_error(call(Protocol.HTTP_GET, **form)) == message


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"imageTicket": "not-a-guid"}, "Invalid imageTicket"),
        ({}, "imageTicket or customerImageId is required"),
        ({"customerImageId": "no-such-sku"}, "Image not found"),
        ({"imageTicket": "00000000-0000-0000-0000-000000000000"}, "Image not found"),
        ({"imageTicket": "x", "contactAPIkey": "bad"}, "Invalid contact email or API key"),
    ],
)
def test_get_image_status_errors(values: dict[str, str], message: str, call: Call) -> None:
    for protocol in (Protocol.SOAP11, Protocol.HTTP_POST):
        response = call(protocol, "GetImageStatus", **values)
        text = fault_of(response)[1] if protocol in SOAP else text_error(response)
        assert text == message


@pytest.mark.parametrize("style", ["remote", "local"])
def test_server_failure(style: str, emu: Emulator, call: Call) -> None:
    emu.config.errors = style  # type: ignore[assignment]
    for protocol in SOAP:
        code, text = fault_of(call(protocol, productId="__boom__"))
        assert code == SERVER_CODE[protocol]
        if style == "remote":
            assert text == "Server was unable to process request. ---> Simulated server failure"
        else:
            assert text.startswith(
                "System.Web.Services.Protocols.SoapException: Server was unable to process "
                "request. ---> System.InvalidOperationException: Simulated server failure\n  at "
            )
            assert "--- End of inner exception stack trace ---" in text
    text = text_error(call(Protocol.HTTP_GET, productId="__boom__"))
    if style == "remote":
        assert text == "Simulated server failure"
    else:
        assert text.startswith("System.InvalidOperationException: Simulated server failure\n")


def test_unknown_soap_action(client: httpx.Client) -> None:
    body = envelope(Protocol.SOAP11, "GetImagesList", full_values("GetImagesList"))
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"urn:nope"'}
    code, text = fault_of(client.post("/soap.asmx", content=body, headers=headers))
    assert code == "soap:Client"
    assert text == "Server did not recognize the value of HTTP Header SOAPAction: urn:nope."


def test_soap11_without_action_routes_by_body(client: httpx.Client) -> None:
    body = envelope(Protocol.SOAP11, "GetImageStatus", full_values("GetImageStatus"))
    response = client.post("/soap.asmx", content=body, headers={"Content-Type": "text/xml"})
    assert fault_of(response)[1] == "imageTicket or customerImageId is required"


def test_soap12_action_routing(client: httpx.Client) -> None:
    body = envelope(Protocol.SOAP12, "GetImageStatus", full_values("GetImageStatus"))
    for ctype in ("application/soap+xml; charset=utf-8", 'application/soap+xml; action="urn:x"'):
        response = client.post("/soap.asmx", content=body, headers={"Content-Type": ctype})
        assert fault_of(response)[1] == "imageTicket or customerImageId is required"
    # action names one operation, body holds another: as on Mono/.NET the parameter reader
    # skips the unknown element, so the routed operation runs with every parameter absent
    ctype = f'application/soap+xml; action="{NAMESPACE}GetImagesList"'
    response = client.post("/soap.asmx", content=body, headers={"Content-Type": ctype})
    assert fault_of(response)[1] == "Invalid contact email or API key"


def test_unknown_body_element(client: httpx.Client) -> None:
    body = envelope(Protocol.SOAP11, "Nope", {})
    response = client.post("/soap.asmx", content=body, headers={"Content-Type": "text/xml"})
    assert fault_of(response)[1].startswith("Unable to handle request without a valid action")


def test_soap_version_mismatch_is_415(client: httpx.Client) -> None:
    body = envelope(Protocol.SOAP11, "GetImagesList", full_values("GetImagesList"))
    headers = {"Content-Type": "application/soap+xml"}
    response = client.post("/soap.asmx", content=body, headers=headers)
    assert (response.status_code, response.content) == (415, b"")
    assert response.headers["content-type"] == "text/xml; charset=utf-8"


def test_soap12_envelope_as_text_xml_is_answered_as_soap12(client: httpx.Client) -> None:
    """As on Mono/.NET: the envelope's namespace settles the version."""
    body = envelope(Protocol.SOAP12, "GetImagesList", full_values("GetImagesList"))
    response = client.post("/soap.asmx", content=body, headers={"Content-Type": "text/xml"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/soap+xml; charset=utf-8"
    assert SOAP12_NS.encode() in response.content


@pytest.mark.parametrize(
    "body",
    [
        b"<?xml version='1.0'?><soap:Envelope xmlns:soap='" + SOAP11_NS.encode() + b"'><soap:Bo",
        b"",
        b"<notsoap/>",
        b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
    ],
)
def test_malformed_xml_is_400_empty(body: bytes, client: httpx.Client) -> None:
    response = client.post("/soap.asmx", content=body, headers={"Content-Type": "text/xml"})
    assert (response.status_code, response.content) == (400, b"")


def test_control_characters_in_requests(client: httpx.Client, emu: Emulator, call: Call) -> None:
    """As on Mono: ``&#x1;`` or a raw control byte in a SOAP body is a 400; GET/POST carry
    ``%01`` fine."""
    record = next(r for r in emu.dataset if r.CustomerImageId == "ctl\x01char")
    values = full_values("GetImageStatus", customerImageId="ctl\x01char")
    raw = envelope(Protocol.SOAP11, "GetImageStatus", values)
    headers = {"Content-Type": "text/xml"}
    for body in (raw, raw.replace(b"ctl\x01char", b"ctl&#x1;char")):
        response = client.post("/soap.asmx", content=body, headers=headers)
        assert (response.status_code, response.content) == (400, b"")
    response = call(Protocol.HTTP_GET, "GetImageStatus", customerImageId="ctl\x01char")
    assert str(record.ImageTicket).encode() in response.content


def test_wrong_content_type_is_415(client: httpx.Client) -> None:
    # The empty answer's Content-Type follows ASMX's version guess: SOAP 1.1 with a SOAPAction
    # header, SOAP 1.2 without one (as on Mono).
    for ctype in ("application/json", "text/plain", "application/x-www-form-urlencoded", None):
        for action, answer in (('"x"', "text/xml"), (None, "application/soap+xml")):
            headers = {"Content-Type": ctype} if ctype else {}
            if action:
                headers["SOAPAction"] = action
            response = client.post("/soap.asmx", content=b"<x/>", headers=headers)
            assert (response.status_code, response.content) == (415, b"")
            assert response.headers["content-type"] == f"{answer}; charset=utf-8"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_verb_is_405(method: str, client: httpx.Client) -> None:
    response = client.request(method, "/soap.asmx/GetImagesList")
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]


def test_missing_parameter(client: httpx.Client, emu: Emulator) -> None:
    response = client.get("/soap.asmx/GetImagesList", params={"contactEmail": "a"})
    assert text_error(response) == "Missing parameter: contactAPIkey."
    emu.config.errors = "local"
    response = client.post("/soap.asmx/GetImageStatus", data={"CONTACTEMAIL": "a"})
    assert text_error(response).startswith(
        "System.InvalidOperationException: Missing parameter: contactAPIkey.\n"
        "  at System.Web.Services.Protocols.ValueCollectionParameterReader.Read"
    )
    assert "HtmlFormParameterReader" in response.text


def test_parameter_names_case_insensitive(client: httpx.Client) -> None:
    params = {k.upper(): v for k, v in full_values("GetImagesList", imagesPerPage="1").items()}
    response = client.get("/soap.asmx/GetImagesList", params=params)
    assert response.status_code == 200 and response.text.count("<ImageStatus>") == 1


def test_request_validation(emu: Emulator, call: Call) -> None:
    for protocol, collection in ((Protocol.HTTP_GET, "QueryString"), (Protocol.HTTP_POST, "Form")):
        text = text_error(call(protocol, "GetImageStatus", customerImageId="<x>"))
        assert text == (
            f"A potentially dangerous Request.{collection} value was detected from the client "
            "(customerImageId=&quot;&lt;x&gt;&quot;)."
        )
        emu.config.errors = "local"
        text = text_error(call(protocol, "GetImageStatus", customerImageId="<b>a long bold value"))
        assert text.startswith("System.Web.HttpRequestValidationException: A potentially")
        assert "(customerImageId=&quot;&lt;b&gt;a long bold ...&quot;)" in text
        emu.config.errors = "remote"
    # SOAP carries the same value fine; "<&" is not markup
    assert fault_of(call(Protocol.SOAP11, "GetImageStatus", customerImageId="<b>"))[1] == (
        "Image not found"
    )
    assert text_error(call(Protocol.HTTP_GET, "GetImageStatus", customerImageId="a <& b")) == (
        "Image not found"
    )


def test_wsdl(client: httpx.Client, emu: Emulator) -> None:
    for query in ("WSDL", "wsdl", "Wsdl"):
        response = client.get(f"/soap.asmx?{query}")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/xml; charset=utf-8"
        root = etree.fromstring(response.content)
        bindings = root.xpath("//*[local-name()='binding' and @name]/@name")
        assert bindings == ["SoapSoap", "SoapSoap12", "SoapHttpGet", "SoapHttpPost"]
        assert b'soapAction="http://removethebackground.com/GetImageStatus"' in response.content
        assert b'location="http://emulator/soap.asmx"' in response.content
    emu.config.enabled_protocols = "soap11,soap12"  # type: ignore[assignment]
    root = etree.fromstring(client.get("/soap.asmx?wsdl").content)
    assert root.xpath("//*[local-name()='binding' and @name]/@name") == ["SoapSoap", "SoapSoap12"]
    assert not root.xpath("//*[local-name()='message' and contains(@name, 'Http')]")
    assert client.get("/soap.asmx").headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("protocol", list(Protocol))
def test_disabled_protocol(protocol: Protocol, emu: Emulator, call: Call) -> None:
    emu.config.enabled_protocols = frozenset(Protocol) - {protocol}
    response = call(protocol)
    assert response.status_code == 500
    assert response.headers["content-type"] == "text/html"
    assert "<title>Runtime Error</title>" in response.text
    emu.config.errors = "local"
    response = call(protocol)
    if protocol in SOAP:
        assert "Request format is invalid: " in response.text
    else:
        op_ending = "&#x27;/GetImagesList&#x27;"
        assert f"Request format is unrecognized for URL unexpectedly ending in {op_ending}" in (
            response.text
        )
    other = next(p for p in Protocol if p is not protocol)
    assert call(other).status_code == 200


def test_disabled_page_is_the_captured_page(emu: Emulator, call: Call) -> None:
    from ..unit._wire import load_capture as capture

    _, headers, body = capture("get-disabled-remote.http")
    emu.config.enabled_protocols = "soap11"  # type: ignore[assignment]
    response = call(Protocol.HTTP_GET)
    assert response.headers["content-type"] == headers["Content-Type"]
    assert response.content == body


@pytest.mark.parametrize("protocol", list(Protocol))
def test_blocked_protocol(protocol: Protocol, emu: Emulator, call: Call) -> None:
    emu.config.blocked_protocols = frozenset({protocol})
    response = call(protocol)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "Request blocked by web application firewall" in response.text
    assert "support ID" in response.text
    assert all(call(p).status_code == 200 for p in Protocol if p is not protocol)


def test_unknown_operation_and_paths(client: httpx.Client, call: Call) -> None:
    response = client.get("/soap.asmx/Nope?x=1")
    assert text_error(response) == "Nope Web Service method name is not valid."
    # POST to an operation URL with a SOAP body is not a form post
    headers = {"Content-Type": "text/xml"}
    response = client.post("/soap.asmx/GetImagesList", content=b"<x/>", headers=headers)
    assert text_error(response) == "Request format is invalid: text/xml."
    assert client.get("/other.asmx").status_code == 404
    assert client.get("/soap.asmxfoo").status_code == 404
    assert client.get("/SOAP.ASMX?wsdl").status_code == 200
