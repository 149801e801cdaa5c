"""The reference ASMX server (Mono System.Web.Services) behaves as docs/reference-server.md says.

Only httpx, lxml and the stdlib: these tests check the server itself, not the SDK, so the SDK's
integration tests can trust it as ground truth.
"""

from __future__ import annotations

import concurrent.futures
import re
import subprocess
import sys
import uuid
from typing import Any

import httpx
import pytest
from lxml import etree

from . import _reference as ref

pytestmark = pytest.mark.reference

NS = ref.NAMESPACE
SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
T = f"{{{NS}}}"
FIELDS = (
    "ImageTicket",
    "CustomerImageId",
    "ProductId",
    "StatusName",
    "StatusId",
    "IsPaid",
    "ThumbnailImageURL",
    "FinalImagesURL",
)

# --------------------------------------------------------------------------- helpers


def list_params(**overrides: str) -> dict[str, str]:
    return ref.params_for("GetImagesList", **overrides)


def status_params(**overrides: str) -> dict[str, str]:
    return ref.params_for("GetImageStatus", **overrides)


def soap11(
    url: str, op: str, params: dict[str, str], *, action: str | None = None
) -> httpx.Response:
    headers = {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": f'"{NS}{action or op}"',
    }
    return httpx.post(url, content=ref.soap11_envelope(op, params), headers=headers, timeout=30)


def soap12(url: str, op: str, params: dict[str, str]) -> httpx.Response:
    body = ref.soap11_envelope(op, params).replace(SOAP11_NS.encode(), SOAP12_NS.encode())
    headers = {"Content-Type": f'application/soap+xml; charset=utf-8; action="{NS}{op}"'}
    return httpx.post(url, content=body, headers=headers, timeout=30)


def http_get(url: str, op: str, params: dict[str, str]) -> httpx.Response:
    return httpx.get(f"{url}/{op}", params=params, timeout=30)


def http_post(url: str, op: str, params: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{url}/{op}", data=params, timeout=30)


CALLERS = {"soap11": soap11, "soap12": soap12, "http_get": http_get, "http_post": http_post}

def record(el: etree._Element) -> dict[str, Any]:
    """One <ImageStatus> element as a dataset-shaped dict (absent and nil -> None)."""
    out: dict[str, Any] = {}
    for name in FIELDS:
        child = el.find(T + name)
        if child is None or child.get(XSI_NIL) == "true":
            out[name] = None
        elif name == "FinalImagesURL":
            out[name] = [
                None if s.get(XSI_NIL) == "true" else ref.show_control_chars(s.text or "")
                for s in child.findall(T + "string")
            ]
        elif name == "StatusId":
            out[name] = int(child.text or "")
        elif name == "IsPaid":
            out[name] = {"true": True, "false": False}[child.text or ""]
        else:
            out[name] = ref.show_control_chars(child.text or "")
    return out


def wire_view(rec: dict[str, Any]) -> dict[str, Any]:
    """What an XML parser can see of a dataset record: CR and CRLF become LF (XML 1.0 2.11)."""

    def norm(v: Any) -> Any:
        if isinstance(v, str):
            return v.replace("\r\n", "\n").replace("\r", "\n")
        if isinstance(v, list):
            return [norm(x) for x in v]
        return v

    return {name: norm(rec[name]) for name in FIELDS}


def images_of(response: httpx.Response, protocol: str) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text[:2000]
    root = ref.parse_asmx(response.content)
    if protocol in ("soap11", "soap12"):
        env = SOAP11_NS if protocol == "soap11" else SOAP12_NS
        assert root.tag == f"{{{env}}}Envelope"
        result = root.find(f"{{{env}}}Body/{T}GetImagesListResponse/{T}GetImagesListResult")
    else:
        assert root.tag == T + "ImagesListResponse"
        result = root
    assert result is not None
    images = result.find(T + "Images")
    assert images is not None
    return [record(el) for el in images.findall(T + "ImageStatus")]


def fault_of(response: httpx.Response) -> tuple[str, str]:
    """(code, text) of a SOAP 1.1 or 1.2 fault."""
    root = ref.parse_asmx(response.content)
    fault = root.find(f"{{{SOAP11_NS}}}Body/{{{SOAP11_NS}}}Fault")
    if fault is not None:
        return fault.findtext("faultcode") or "", fault.findtext("faultstring") or ""
    fault = root.find(f"{{{SOAP12_NS}}}Body/{{{SOAP12_NS}}}Fault")
    assert fault is not None, response.text[:2000]
    code = fault.findtext(f"{{{SOAP12_NS}}}Code/{{{SOAP12_NS}}}Value") or ""
    text = fault.findtext(f"{{{SOAP12_NS}}}Reason/{{{SOAP12_NS}}}Text") or ""
    return code, text


def by_id(dataset: list[dict[str, Any]], rid: int) -> dict[str, Any]:
    return next(r for r in dataset if r["Id"] == rid)


# --------------------------------------------------------------------------- WSDL


def _bindings(url: str) -> list[str]:
    r = httpx.get(url + "?WSDL", timeout=30)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/xml")
    root = ref.parse_asmx(r.content)
    return [b.get("name") for b in root.findall(f"{{{WSDL_NS}}}binding")]


def test_wsdl_lists_four_bindings_on_instance_a(reference_server: str) -> None:
    assert _bindings(reference_server) == ["SoapSoap", "SoapSoap12", "SoapHttpGet", "SoapHttpPost"]
    text = httpx.get(reference_server + "?WSDL", timeout=30).text
    assert f'<soap:address location="{reference_server}" />' in text
    assert 'soapAction="http://removethebackground.com/GetImagesList"' in text
    assert 'soapAction="http://removethebackground.com/GetImageStatus"' in text


def test_wsdl_matches_the_captured_getimageslist_contract(reference_server: str) -> None:
    text = httpx.get(reference_server + "?WSDL", timeout=30).text
    root = ref.parse_asmx(text.encode())
    xs = "{http://www.w3.org/2001/XMLSchema}"
    schema = root.find(f"{{{WSDL_NS}}}types/{xs}schema")
    assert schema is not None
    params = schema.find(f"{xs}element[@name='GetImagesList']")
    assert params is not None
    assert [e.get("name") for e in params.iter(f"{xs}element")][1:] == list(ref.LIST_PARAMS)
    image = schema.find(f"{xs}complexType[@name='ImageStatus']")
    assert image is not None
    assert [(e.get("name"), e.get("type")) for e in image.iter(f"{xs}element")] == [
        ("ImageTicket", "s1:guid"),
        ("CustomerImageId", "s:string"),
        ("ProductId", "s:string"),
        ("StatusName", "s:string"),
        ("StatusId", "s:int"),
        ("IsPaid", "s:boolean"),
        ("ThumbnailImageURL", "s:string"),
        ("FinalImagesURL", "tns:ArrayOfString"),
    ]


def test_wsdl_lists_only_soap_bindings_on_instance_b(reference_server_soap_only: str) -> None:
    assert _bindings(reference_server_soap_only) == ["SoapSoap", "SoapSoap12"]


# --------------------------------------------------------------------------- success shapes


def test_soap11_success_is_a_one_line_envelope(
    reference_server: str, reference_dataset: list[dict[str, Any]]
) -> None:
    r = soap11(reference_server, "GetImagesList", list_params(imagesPerPage="5"))
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/xml; charset=utf-8"
    assert r.content.startswith(b'<?xml version="1.0" encoding="utf-8"?><soap:Envelope ')
    expected = ref.expected_list(reference_dataset, imagesPerPage="5")
    assert images_of(r, "soap11") == [wire_view(x) for x in expected]
    assert b"\n" not in r.content.split(b"<soap:Body>")[1].split(b"<CustomerImageId>")[0]


def test_soap12_success(reference_server: str, reference_dataset: list[dict[str, Any]]) -> None:
    r = soap12(reference_server, "GetImagesList", list_params(imagesPerPage="5"))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/soap+xml; charset=utf-8"
    assert r.content.startswith(b'<?xml version="1.0" encoding="utf-8"?><soap:Envelope ')
    expected = ref.expected_list(reference_dataset, imagesPerPage="5")
    assert images_of(r, "soap12") == [wire_view(x) for x in expected]


@pytest.mark.parametrize("protocol", ["http_get", "http_post"])
def test_get_and_post_return_the_bare_indented_document(
    reference_server: str, reference_dataset: list[dict[str, Any]], protocol: str
) -> None:
    r = CALLERS[protocol](reference_server, "GetImagesList", list_params(imagesPerPage="5"))
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/xml; charset=utf-8"
    assert r.content.startswith(
        b'<?xml version="1.0" encoding="utf-8"?>\n<ImagesListResponse '
        b'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        b'xmlns="http://removethebackground.com/">\n  <Images>\n    <ImageStatus>\n'
    )
    expected = ref.expected_list(reference_dataset, imagesPerPage="5")
    assert images_of(r, protocol) == [wire_view(x) for x in expected]


def test_all_protocols_agree_on_every_record(
    reference_server: str, reference_dataset: list[dict[str, Any]]
) -> None:
    pages = {}
    for protocol, call in CALLERS.items():
        rows: list[dict[str, Any]] = []
        for page in ("1", "2", "3", "4"):
            got = images_of(
                call(
                    reference_server, "GetImagesList", list_params(page=page, imagesPerPage="100")
                ),
                protocol,
            )
            rows.extend(got)
        pages[protocol] = rows
    truth = [wire_view(r) for r in reference_dataset]
    assert len(truth) > 200
    for protocol, rows in pages.items():
        assert rows == truth, protocol


def test_past_the_end_is_an_empty_images_element(reference_server: str) -> None:
    r = http_get(reference_server, "GetImagesList", list_params(page="99"))
    assert r.content == (
        b'<?xml version="1.0" encoding="utf-8"?>\n<ImagesListResponse '
        b'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        b'xmlns="http://removethebackground.com/">\n  <Images />\n</ImagesListResponse>'
    )
    r = soap11(reference_server, "GetImagesList", list_params(page="99"))
    assert b"<GetImagesListResult><Images /></GetImagesListResult>" in r.content


# --------------------------------------------------------------------------- semantics

QUERIES: list[dict[str, str]] = [
    {},
    {"imagesPerPage": "100"},
    {"imagesPerPage": "100", "page": "3"},
    {"imagesPerPage": "1000"},
    {"imagesPerPage": "007", "page": "2"},
    {"imageStatus": "80"},
    {"imageStatus": "55", "sortBy": "date"},
    {"imageStatus": "12345"},
    {"excludeImageStatus": "80", "imagesPerPage": "100", "page": "2"},
    {"imageStatus": "70", "excludeImageStatus": "70"},
    {"productId": "prod-a", "imagesPerPage": "100"},
    {"productId": "PROD-A"},
    {"productId": " prod-a "},
    {"productId": "shoes & bags", "sortBy": "STATUS", "isDescending": "TRUE"},
    {"fromDate": "2026-03-15", "toDate": "2026-03-15", "sortBy": "date"},
    {"fromDate": "2026-12-01", "sortBy": "date", "isDescending": "true"},
    {"toDate": "2026-01-31", "sortBy": "Date"},
    {"fromDate": "2026-06-01", "toDate": "2026-05-01"},
    {"sortBy": "status", "imagesPerPage": "100", "page": "2"},
    {"sortBy": "status", "isDescending": "true", "imagesPerPage": "100"},
    {"sortBy": "date", "isDescending": "false", "imagesPerPage": "100", "page": "3"},
    {"sortBy": "id", "isDescending": "True", "imagesPerPage": "30", "page": "2"},
    {"contactEmail": "DEMO@Example.COM", "imagesPerPage": "3"},
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: ",".join(f"{k}={v}" for k, v in q.items()))
def test_list_semantics_match_the_python_model(
    reference_server: str, reference_dataset: list[dict[str, Any]], query: dict[str, str]
) -> None:
    expected = ref.expected_list(reference_dataset, **query)
    r = soap11(reference_server, "GetImagesList", list_params(**query))
    got = images_of(r, "soap11")
    assert [g["ImageTicket"] for g in got] == [e["ImageTicket"] for e in expected]
    assert got == [wire_view(e) for e in expected]


def test_ties_break_by_id(reference_server: str, reference_dataset: list[dict[str, Any]]) -> None:
    q = {"fromDate": "2026-03-15", "toDate": "2026-03-15", "imageStatus": "70"}
    tied = [r["Id"] for r in ref.expected_list(reference_dataset, **q, sortBy="date")]
    assert len(tied) >= 5
    assert tied == sorted(tied)
    desc = [
        r["Id"]
        for r in ref.expected_list(reference_dataset, **q, sortBy="status", isDescending="true")
    ]
    assert desc == sorted(tied, reverse=True)
    got = images_of(
        soap11(reference_server, "GetImagesList", list_params(**q, sortBy="date")), "soap11"
    )
    tickets = {r["ImageTicket"]: r["Id"] for r in reference_dataset}
    assert [tickets[g["ImageTicket"]] for g in got] == tied


INVALID = [
    ("imageStatus", "abc", "Invalid imageStatus"),
    ("imageStatus", "-1", "Invalid imageStatus"),
    ("imageStatus", " 80", "Invalid imageStatus"),
    ("imageStatus", "99999999999", "Invalid imageStatus"),
    ("excludeImageStatus", "8.0", "Invalid excludeImageStatus"),
    ("fromDate", "2026-02-30", "Invalid fromDate"),
    ("fromDate", "20260101", "Invalid fromDate"),
    ("toDate", "2026-1-01", "Invalid toDate"),
    ("toDate", "2026-01-01T00:00:00", "Invalid toDate"),
    ("page", "0", "Invalid page"),
    ("page", "+1", "Invalid page"),
    ("imagesPerPage", "0", "Invalid imagesPerPage"),
    ("imagesPerPage", "-5", "Invalid imagesPerPage"),
    ("imagesPerPage", "ten", "Invalid imagesPerPage"),
    ("sortBy", "name", "Invalid sortBy"),
    ("isDescending", "yes", "Invalid isDescending"),
    ("isDescending", "1", "Invalid isDescending"),
]


@pytest.mark.parametrize(("field", "value", "message"), INVALID)
def test_invalid_arguments_are_client_faults(
    reference_server_soap_only: str,
    reference_dataset: list[dict[str, Any]],
    field: str,
    value: str,
    message: str,
) -> None:
    with pytest.raises(ref.ExpectedFault) as info:
        ref.expected_list(reference_dataset, **{field: value})
    assert info.value.message == message
    r = soap11(reference_server_soap_only, "GetImagesList", list_params(**{field: value}))
    assert r.status_code == 500
    assert fault_of(r) == ("soap:Client", message)


def test_credentials_are_checked_before_arguments(reference_server_soap_only: str) -> None:
    r = soap11(
        reference_server_soap_only,
        "GetImagesList",
        list_params(contactAPIkey="nope", page="zero", productId="__boom__"),
    )
    assert fault_of(r) == ("soap:Client", "Invalid contact email or API key")
    r = soap11(
        reference_server_soap_only, "GetImagesList", list_params(contactAPIkey="DEMO-API-KEY")
    )
    assert fault_of(r) == ("soap:Client", "Invalid contact email or API key")


def test_arguments_are_validated_before_the_simulated_failure(
    reference_server_soap_only: str,
) -> None:
    r = soap11(
        reference_server_soap_only, "GetImagesList", list_params(productId="__boom__", page="x")
    )
    assert fault_of(r) == ("soap:Client", "Invalid page")


# --------------------------------------------------------------------------- GetImageStatus


@pytest.mark.parametrize("protocol", list(CALLERS))
def test_get_image_status_by_ticket(
    reference_server: str, reference_dataset: list[dict[str, Any]], protocol: str
) -> None:
    rec = by_id(reference_dataset, 5)  # FinalImagesURL with nil items
    r = CALLERS[protocol](
        reference_server, "GetImageStatus", status_params(imageTicket=rec["ImageTicket"].upper())
    )
    assert r.status_code == 200, r.text
    root = ref.parse_asmx(r.content)
    if protocol.startswith("soap"):
        env = SOAP11_NS if protocol == "soap11" else SOAP12_NS
        el = root.find(
            f"{{{env}}}Body/{T}GetImageStatusResponse/{T}GetImageStatusResult/{T}ImageStatus"
        )
    else:
        assert root.tag == T + "ImageStatusResponse"
        el = root.find(T + "ImageStatus")
    assert el is not None
    assert record(el) == wire_view(rec)


def test_get_image_status_by_customer_image_id_takes_the_lowest_id(
    reference_server: str, reference_dataset: list[dict[str, Any]]
) -> None:
    expected = ref.expected_status(reference_dataset, customerImageId="dup-id")
    assert expected["Id"] == 13
    r = http_post(reference_server, "GetImageStatus", status_params(customerImageId="dup-id"))
    el = ref.parse_asmx(r.content).find(T + "ImageStatus")
    assert el is not None
    assert record(el) == wire_view(expected)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"imageTicket": "not-a-guid"}, "Invalid imageTicket"),
        ({"imageTicket": "{" + str(uuid.UUID(int=1)) + "}"}, "Invalid imageTicket"),
        ({"imageTicket": str(uuid.UUID(int=1))}, "Image not found"),
        ({"customerImageId": "no-such-id"}, "Image not found"),
        ({"customerImageId": "DUP-ID"}, "Image not found"),
        ({}, "imageTicket or customerImageId is required"),
        ({"contactAPIkey": "x", "imageTicket": "bad"}, "Invalid contact email or API key"),
    ],
)
def test_get_image_status_faults(
    reference_server_soap_only: str,
    reference_dataset: list[dict[str, Any]],
    params: dict[str, str],
    message: str,
) -> None:
    with pytest.raises(ref.ExpectedFault, match=re.escape(message)):
        ref.expected_status(reference_dataset, **params)
    r = soap12(reference_server_soap_only, "GetImageStatus", status_params(**params))
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/soap+xml; charset=utf-8"
    assert fault_of(r) == ("soap:Sender", message)


# --------------------------------------------------------------------------- text fidelity


def test_control_character_is_written_as_an_illegal_character_reference(
    reference_server: str, reference_dataset: list[dict[str, Any]]
) -> None:
    rec = by_id(reference_dataset, 8)
    assert rec["CustomerImageId"] == "ctrl\u0001char"
    for protocol in ("soap11", "http_get"):
        r = CALLERS[protocol](
            reference_server, "GetImageStatus", status_params(imageTicket=rec["ImageTicket"])
        )
        assert b"<CustomerImageId>ctrl&#x1;char</CustomerImageId>" in r.content
        with pytest.raises(etree.XMLSyntaxError):
            etree.fromstring(r.content, ref.PARSER)


def test_carriage_return_goes_raw_and_a_parser_reads_it_as_lf(
    reference_server: str, reference_dataset: list[dict[str, Any]]
) -> None:
    rec = by_id(reference_dataset, 7)
    r = soap11(reference_server, "GetImageStatus", status_params(imageTicket=rec["ImageTicket"]))
    assert b"<CustomerImageId>carriage\rreturn</CustomerImageId>" in r.content
    el = ref.parse_asmx(r.content).find(f".//{T}CustomerImageId")
    assert el is not None
    assert el.text == "carriage\nreturn"


def test_nil_empty_and_absent(
    reference_server: str, reference_dataset: list[dict[str, Any]]
) -> None:
    def raw(rid: int) -> bytes:
        rec = by_id(reference_dataset, rid)
        r = soap11(
            reference_server, "GetImageStatus", status_params(imageTicket=rec["ImageTicket"])
        )
        assert r.status_code == 200
        return r.content.split(b"<ImageStatus>")[1].split(b"</ImageStatus>")[0]

    rec2 = raw(2)  # null strings and null FinalImagesURL: omitted
    assert b"CustomerImageId" not in rec2
    assert b"FinalImagesURL" not in rec2
    assert b"nil" not in rec2
    rec3 = raw(3)  # empty strings and empty list: empty elements
    assert b"<CustomerImageId /><ProductId /><StatusName />" in rec3
    assert b"<ThumbnailImageURL /><FinalImagesURL />" in rec3
    rec5 = raw(5)  # null items in the list
    assert rec5.endswith(
        b'<FinalImagesURL><string xsi:nil="true" /><string>https://cdn.example.com/5/b.jpg</string>'
        b'<string xsi:nil="true" /></FinalImagesURL>'
    )
    rec6 = raw(6)  # empty-string item
    assert b"<FinalImagesURL><string /><string>" in rec6
    rec11 = raw(11)  # unknown status id with a null name
    assert b"<StatusId>55</StatusId>" in rec11
    assert b"StatusName" not in rec11


def test_non_ascii_and_whitespace_survive(
    reference_server: str, reference_dataset: list[dict[str, Any]]
) -> None:
    for rid in (1, 4, 6, 9, 15, 16, 18, 20):
        rec = by_id(reference_dataset, rid)
        for protocol in ("soap12", "http_post"):
            r = CALLERS[protocol](
                reference_server, "GetImageStatus", status_params(imageTicket=rec["ImageTicket"])
            )
            el = ref.parse_asmx(r.content).find(f".//{T}ImageStatus")
            assert el is not None
            assert record(el) == wire_view(rec), (rid, protocol)
    r = http_get(
        reference_server,
        "GetImageStatus",
        status_params(customerImageId=by_id(reference_dataset, 9)["CustomerImageId"]),
    )
    assert "😀".encode() in r.content  # astral chars raw in UTF-8, not as character references


# --------------------------------------------------------------------------- errors


def test_soap11_fault_for_a_wrong_key(reference_server: str) -> None:
    r = soap11(reference_server, "GetImagesList", list_params(contactAPIkey="wrong"))
    assert r.status_code == 500
    assert r.headers["content-type"] == "text/xml; charset=utf-8"
    code, text = fault_of(r)
    assert code == "soap:Client"
    # Local caller, custom errors RemoteOnly: type name and stack trace in the faultstring.
    assert text.startswith(
        "System.Web.Services.Protocols.SoapException: Invalid contact email or API key\n  at "
    )
    assert r.content.endswith(b"</faultstring><detail /></soap:Fault></soap:Body></soap:Envelope>")


def test_soap12_fault_for_a_wrong_key(reference_server: str) -> None:
    r = soap12(reference_server, "GetImagesList", list_params(contactAPIkey="wrong"))
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/soap+xml; charset=utf-8"
    code, text = fault_of(r)
    assert code == "soap:Sender"
    assert text.startswith(
        "System.Web.Services.Protocols.SoapException: Invalid contact email or API key\n"
    )
    assert b'<soap:Text xml:lang="en">' in r.content
    assert r.content.endswith(
        b"</soap:Text></soap:Reason><soap:Detail /></soap:Fault></soap:Body></soap:Envelope>"
    )


@pytest.mark.parametrize("protocol", ["http_get", "http_post"])
def test_get_post_errors_are_plain_text(reference_server: str, protocol: str) -> None:
    r = CALLERS[protocol](reference_server, "GetImagesList", list_params(contactAPIkey="wrong"))
    assert r.status_code == 500
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.text.startswith(
        "System.Web.Services.Protocols.SoapException: Invalid contact email or API key\n  at "
    )
    r = CALLERS[protocol](reference_server, "GetImagesList", list_params(productId="__boom__"))
    assert r.status_code == 500
    assert r.text.startswith("System.InvalidOperationException: Simulated server failure\n  at ")


def test_missing_parameter_on_get(reference_server: str) -> None:
    r = httpx.get(
        reference_server + "/GetImagesList", params={"contactEmail": ref.EMAIL}, timeout=30
    )
    assert r.status_code == 500
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.text.startswith("System.InvalidOperationException: Missing parameter: {0}.\n")


def test_server_fault(reference_server: str, reference_server_soap_only: str) -> None:
    r = soap11(reference_server, "GetImagesList", list_params(productId="__boom__"))
    code, text = fault_of(r)
    assert code == "soap:Server"
    assert text.startswith(
        "System.Web.Services.Protocols.SoapException: Server was unable to process request. "
        "---> System.InvalidOperationException: Simulated server failure\n"
    )
    r = soap12(reference_server, "GetImagesList", list_params(productId="__boom__"))
    assert fault_of(r)[0] == "soap:Receiver"
    r = soap11(reference_server_soap_only, "GetImagesList", list_params(productId="__boom__"))
    assert fault_of(r) == (
        "soap:Server",
        "Server was unable to process request. ---> Simulated server failure",
    )
    r = soap12(reference_server_soap_only, "GetImagesList", list_params(productId="__boom__"))
    assert fault_of(r) == (
        "soap:Receiver",
        "Server was unable to process request. ---> Simulated server failure",
    )


def test_custom_errors_on_gives_bare_fault_messages(reference_server_soap_only: str) -> None:
    r = soap11(reference_server_soap_only, "GetImagesList", list_params(contactAPIkey="wrong"))
    assert r.content == (
        b'<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
        b'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        b'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><soap:Fault>'
        b"<faultcode>soap:Client</faultcode>"
        b"<faultstring>Invalid contact email or API key</faultstring>"
        b"<detail /></soap:Fault></soap:Body></soap:Envelope>"
    )


@pytest.mark.parametrize("url_fixture", ["reference_server", "reference_server_soap_only"])
def test_malformed_body_is_400_empty(url_fixture: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue(url_fixture)
    r = httpx.post(
        url,
        content=b'<?xml version="1.0"?><soap:Envelope xmlns:soap="'
        + SOAP11_NS.encode()
        + b'"><soap:Bo',
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}GetImagesList"'},
        timeout=30,
    )
    assert r.status_code == 400
    assert r.content == b""


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/octet-stream", "application/xml", None]
)
def test_wrong_content_type_is_415_empty(reference_server: str, content_type: str | None) -> None:
    headers = {"SOAPAction": f'"{NS}GetImagesList"'}
    if content_type:
        headers["Content-Type"] = content_type
    body = ref.soap11_envelope("GetImagesList", list_params())
    r = httpx.post(reference_server, content=body, headers=headers, timeout=30)
    assert r.status_code == 415
    assert r.content == b""


def test_json_content_type_is_claimed_by_the_script_handler(reference_server: str) -> None:
    # Mono quirk: application/json goes to the ASP.NET AJAX handler, which crashes (500 HTML).
    body = ref.soap11_envelope("GetImagesList", list_params())
    r = httpx.post(
        reference_server, content=body, headers={"Content-Type": "application/json"}, timeout=30
    )
    assert r.status_code == 500
    assert r.headers["content-type"] == "text/html"


def test_unknown_soap_action_and_missing_soap_action(reference_server: str) -> None:
    r = soap11(reference_server, "GetImagesList", list_params(), action="NoSuchOperation")
    assert r.status_code == 500
    code, text = fault_of(r)
    assert code == "soap:Client"
    assert "Server did not recognize the value of HTTP Header" in text
    body = ref.soap11_envelope("GetImagesList", list_params(imagesPerPage="2"))
    r = httpx.post(
        reference_server,
        content=body,
        headers={"Content-Type": "text/xml; charset=utf-8"},
        timeout=30,
    )
    assert r.status_code == 200
    assert len(images_of(r, "soap11")) == 2


@pytest.mark.parametrize("protocol", ["http_get", "http_post"])
def test_disabled_protocols_give_the_runtime_error_page(
    reference_server_soap_only: str, protocol: str
) -> None:
    r = CALLERS[protocol](reference_server_soap_only, "GetImagesList", list_params())
    assert r.status_code == 500
    assert r.headers["content-type"] == "text/html"
    assert "<title>Runtime Error</title>" in r.text
    assert "A runtime error has occurred" in r.text
    assert ref.API_KEY not in r.text


def test_request_validation_rejects_markup_on_get(reference_server: str) -> None:
    r = http_get(reference_server, "GetImagesList", list_params(productId="<x>"))
    assert r.status_code == 500
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.text.startswith("System.Web.HttpRequestValidationException: A potentially dangerous")
    r = soap11(reference_server, "GetImagesList", list_params(productId="<x>"))
    assert r.status_code == 200


def test_remote_callers_get_the_message_only(reference_server_remote: str) -> None:
    r = http_get(reference_server_remote, "GetImagesList", list_params(contactAPIkey="wrong"))
    assert (r.status_code, r.headers["content-type"], r.content) == (
        500,
        "text/plain; charset=utf-8",
        b"Invalid contact email or API key\n",
    )
    r = http_post(reference_server_remote, "GetImagesList", list_params(productId="__boom__"))
    assert (r.status_code, r.content) == (500, b"Simulated server failure\n")
    r = httpx.get(
        reference_server_remote + "/GetImagesList", params={"contactEmail": "x"}, timeout=30
    )
    assert (r.status_code, r.content) == (500, b"Missing parameter: {0}.\n")
    r = soap11(reference_server_remote, "GetImagesList", list_params(contactAPIkey="wrong"))
    assert fault_of(r) == ("soap:Client", "Invalid contact email or API key")


# --------------------------------------------------------------------------- host


def test_concurrent_requests_and_keep_alive(reference_server: str) -> None:
    with httpx.Client(timeout=30) as client:
        for _ in range(5):
            r = client.get(
                reference_server + "/GetImagesList", params=list_params(imagesPerPage="1")
            )
            assert r.status_code == 200

    def one(i: int) -> int:
        call = list(CALLERS.values())[i % 4]
        return call(reference_server, "GetImagesList", list_params(page=str(i % 3 + 1))).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        assert set(pool.map(one, range(48))) == {200}


def test_dataset_is_up_to_date() -> None:
    script = ref.ROOT / "make_dataset.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
