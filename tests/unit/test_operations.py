"""The whole service on the wire: arrays, complex types, result shapes, safe writes.

respx stands in for the server so that exact request bytes and odd answers can be checked;
the emulator and the Mono reference service check the same operations end to end in
tests/integration.
"""

from __future__ import annotations

import datetime
import decimal
import urllib.parse
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

import pixelz
from pixelz import Protocol
from pixelz._envelope import SOAP11_NS, build_envelope

from ._wire import BASE_URL, CONTENT_TYPES, KEY, SOAP12_NS, XML_DECL

T1 = "cdc798ef-2cf6-4610-a97e-887e63f8e477"
NS = "http://removethebackground.com/"
DEV_KEY = "DEV-SECRET-77"


def soap(op: str, inner: str, protocol: Protocol = Protocol.SOAP11) -> httpx.Response:
    ns = SOAP11_NS if protocol is Protocol.SOAP11 else SOAP12_NS
    body = (f'{XML_DECL}<soap:Envelope xmlns:soap="{ns}"><soap:Body>'
            f'<{op}Response xmlns="{NS}"><{op}Result>{inner}</{op}Result></{op}Response>'
            "</soap:Body></soap:Envelope>")
    return httpx.Response(200, headers={"Content-Type": CONTENT_TYPES[protocol]}, content=body)


def bare(root: str, inner: str) -> httpx.Response:
    body = f'{XML_DECL}\n<{root} xmlns="{NS}">{inner}</{root}>'
    return httpx.Response(200, headers={"Content-Type": "text/xml; charset=utf-8"},
                          content=body)


def answer(protocol: Protocol, op: str, root: str, inner: str) -> httpx.Response:
    if protocol in (Protocol.SOAP11, Protocol.SOAP12):
        return soap(op, inner, protocol)
    return bare(root, inner)


# -- requests ---------------------------------------------------------------------------------


def test_arrays_and_complex_types_in_the_envelope(router: respx.MockRouter, make_client) -> None:
    route = router.post(BASE_URL).mock(return_value=soap(
        "AddImageToQueue", f"<ImageTicket>{T1}</ImageTicket><IsTrial>false</IsTrial>"))
    client = make_client("soap11")
    image = client.submit_image(
        "https://img.example.com/a.jpg", template_id=101, developer_api_key=DEV_KEY,
        extra_image_urls=["https://img.example.com/b.jpg"], colorway_ids=[5, 8],
        additional_resource_file_urls=[],
        color_change_requests=[pixelz.ColorChangeRequest(
            markers=[pixelz.MarkerInfo(10, 20)], customer_image_color_id="red")],
        deadline=datetime.datetime(2026, 12, 24, 18, 30, tzinfo=datetime.timezone(
            datetime.timedelta(hours=2))),
    )
    assert image == pixelz.SubmittedImage(uuid.UUID(T1), None, False)
    sent = route.calls.last.request.content.decode()
    assert "<templateId>101</templateId><imageURL>https://img.example.com/a.jpg</imageURL>" \
           "<imageURL2>https://img.example.com/b.jpg</imageURL2><imageURL3 />" in sent
    assert "<additionalResourceFileURLs />" in sent  # an empty array: an empty element
    assert "<imageDeadlineDateTimeUTC>2026-12-24 16:30:00</imageDeadlineDateTimeUTC>" in sent
    assert "<colorwayIds><int>5</int><int>8</int></colorwayIds>" in sent
    assert ("<colorChangeRequests><ColorChangeRequest><colorChangeRequestMarkers><MarkerInfo>"
            "<X>10</X><Y>20</Y></MarkerInfo></colorChangeRequestMarkers>"
            "<customerImageColorID>red</customerImageColorID><outputFileName />"
            "</ColorChangeRequest></colorChangeRequests></AddImageToQueue>") in sent
    assert route.calls.last.request.headers["SOAPAction"] == \
        '"http://removethebackground.com/AddImageToQueue"'


@pytest.mark.parametrize("protocol", [Protocol.HTTP_POST, Protocol.HTTP_GET])
def test_primitive_arrays_go_as_repeated_fields(
    router: respx.MockRouter, make_client, protocol: Protocol
) -> None:
    route = router.route(path__regex="/AddStackImageToQueue$").mock(return_value=bare(
        "ImageQueueResponse", f"<ImageTicket>{T1}</ImageTicket>"))
    make_client(protocol).submit_stack_image(
        "https://img.example.com/a.jpg", template_id=7, colorway_ids=[5, 8])
    request = route.calls.last.request
    query = request.url.query if protocol is Protocol.HTTP_GET else request.content
    pairs = urllib.parse.parse_qsl(query.decode(), keep_blank_values=True)
    assert [v for k, v in pairs if k == "colorwayIds"] == ["5", "8"]
    names = [k for k, _ in pairs]
    assert names[:5] == ["contactEmail", "contactAPIkey", "developerAPIkey", "templateId",
                         "imageURL"]
    assert names.count("imageURL5") == 1 and names[-2:] == ["colorwayIds", "colorwayIds"]


def test_what_a_protocol_cannot_carry_is_refused_before_any_io(
    router: respx.MockRouter, make_client
) -> None:
    with pytest.raises(pixelz.ProtocolBlockedError, match="complex type"):
        make_client("http_post").submit_image("https://x/a.jpg", template_id=1)
    with pytest.raises(pixelz.ProtocolBlockedError, match="colorwayIds is an empty array"):
        make_client("http_get").submit_stack_image("https://x/a.jpg", template_id=1)
    assert not router.calls
    # In a fallback order the protocols that cannot carry the call are skipped.
    route = router.post(BASE_URL).mock(return_value=soap(
        "AddImageToQueue", f"<ImageTicket>{T1}</ImageTicket>", Protocol.SOAP12))
    client = make_client(["http_get", "http_post", "soap12"])
    assert client.submit_image("https://x/a.jpg", template_id=1).image_ticket == uuid.UUID(T1)
    assert len(router.calls) == 1 and route.called


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"deadline": datetime.datetime(2026, 1, 1)}, "naive"),
    ({"extra_image_urls": ["a", "b", "c", "d", "e"]}, "at most 4"),
    ({"extra_image_urls": "https://x/b.jpg"}, "a sequence"),
    ({"colorway_ids": [1, "2"]}, r"colorway_ids\[1\]"),
    ({"template_id": -1}, "template_id"),
    ({"color_change_requests": [{"markers": []}]}, "ColorChangeRequest"),
])
def test_submission_arguments_are_checked(make_client, kwargs: dict[str, Any], message: str
                                          ) -> None:
    arguments = {"template_id": 1, **kwargs}
    with pytest.raises(pixelz.InvalidArgumentError, match=message):
        make_client().submit_image("https://x/a.jpg", **arguments)


def test_developer_key_is_a_secret(make_client) -> None:
    from pixelz._operations import ADD_IMAGE_TO_QUEUE

    call = make_client()._bind(ADD_IMAGE_TO_QUEUE, image_url="u", template_id=1,
                               developer_api_key=DEV_KEY)
    assert DEV_KEY not in repr(call) and KEY not in repr(call)
    assert set(call.secrets) == {DEV_KEY, KEY}
    assert DEV_KEY.encode() in build_envelope(call, SOAP11_NS)


# -- results ----------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", list(Protocol))
def test_contact_with_currency_attribute(
    router: respx.MockRouter, make_client, protocol: Protocol
) -> None:
    inner = ("<Contact><ContactPerson>Dana</ContactPerson><ContactCompany />"
             "<ContactDaysOfCredit>30</ContactDaysOfCredit>"
             '<ContactAccountBalance Currency="USD">125.50</ContactAccountBalance>'
             "<NumberOfTrialImages>5</NumberOfTrialImages></Contact>")
    router.route().mock(return_value=answer(protocol, "GetContactDetailed",
                                            "ContactDetailedResponse", inner))
    contact = make_client(protocol).get_contact()
    assert contact == pixelz.Contact("Dana", "", None, 30, decimal.Decimal("125.50"), "USD", 5)


def test_lists_keep_unknown_elements_in_extra(router: respx.MockRouter, make_client) -> None:
    inner = ("<Templates><Template><TemplateId>101</TemplateId><ContactId>7</ContactId>"
             "<TemplateName>White &amp; clean</TemplateName><IsCombinedImages>true"
             "</IsCombinedImages><Shadow>drop</Shadow><Later xsi:nil=\"true\" xmlns:xsi="
             "\"http://www.w3.org/2001/XMLSchema-instance\" /></Template>"
             "<Template><TemplateId>102</TemplateId></Template></Templates>")
    router.route().mock(return_value=soap("GetTemplates", inner))
    first, second = make_client("soap11").list_templates()
    assert (first.template_id, first.contact_id, first.name, first.is_combined_images) == (
        101, 7, "White & clean", True)
    assert dict(first.extra) == {"Shadow": "drop", "Later": None}
    assert second.template_id == 102 and second.name is None and not second.extra
    assert hash(first) != hash(second)


@pytest.mark.parametrize("protocol", list(Protocol))
def test_a_result_error_code_is_an_api_error(
    router: respx.MockRouter, make_client, protocol: Protocol
) -> None:
    inner = "<ErrorCode>InvalidOutputFormat</ErrorCode><Message>Unsupported &amp; odd</Message>"
    router.route().mock(return_value=answer(protocol, "AddTemplate", "AddedTemplateResponse",
                                            inner))
    client = make_client(protocol)
    with pytest.raises(pixelz.APIError) as caught:
        client.add_template(name="n", output_format="BMP", delivery_time_hours=24)
    error = caught.value
    assert (error.code, error.message, error.protocol) == (
        "InvalidOutputFormat", "Unsupported & odd", protocol)
    assert len(router.calls) == 1  # an API error is not retried elsewhere


@pytest.mark.parametrize("code", ["NoError", "0", ""])
def test_no_error_codes_are_success(router: respx.MockRouter, make_client, code: str) -> None:
    router.route().mock(return_value=soap(
        "AddTemplate", f"<TemplateId>104</TemplateId><ErrorCode>{code}</ErrorCode>"))
    added = make_client("soap11").add_template(name="n", output_format="PNG",
                                               delivery_time_hours=24)
    assert added.template_id == 104 and added.extra["ErrorCode"] == code


def test_record_less_results_and_void_get_post_answers(
    router: respx.MockRouter, make_client
) -> None:
    router.post(BASE_URL).mock(return_value=soap("DeleteImageFromQueue", ""))
    assert make_client("soap11").delete_image(T1) is None
    router.post(BASE_URL + "/EditContact").mock(return_value=httpx.Response(200))
    assert make_client("http_post").edit_contact(name="Dana", receive_newsletter=True) is None
    sent = dict(urllib.parse.parse_qsl(router.calls.last.request.content.decode(),
                                       keep_blank_values=True))
    assert sent["contactName"] == "Dana" and sent["isReceivedNewslater"] == "true"
    assert sent["contactCity"] == ""


def test_paged_lists(router: respx.MockRouter, make_client) -> None:
    def stats(request: httpx.Request) -> httpx.Response:
        page = int(dict(urllib.parse.parse_qsl(request.content.decode()))["page"])
        items = "".join(
            f"<ProductIdStatistic><ProductId>p{n}</ProductId><DoneCount>{n}</DoneCount>"
            f"<TodoCount>1</TodoCount></ProductIdStatistic>"
            for n in range(2 * page - 1, min(2 * page, 3) + 1)
        )
        return bare("ProductIdsListResponse", f"<ProductIds>{items}</ProductIds>")

    router.post(BASE_URL + "/GetProductIdsList").mock(side_effect=stats)
    client = make_client("http_post")
    page = client.list_product_ids(per_page=2)
    assert [s.product_id for s in page] == ["p1", "p2"] and not page.is_last
    assert [s.done_count for s in client.iter_product_ids(per_page=2)] == [1, 2, 3]

    def invoices(request: httpx.Request) -> httpx.Response:
        page = int(dict(urllib.parse.parse_qsl(request.content.decode()))["page"])
        items = "".join(f"<Invoice><InvoiceId>INV-{page}-{n}</InvoiceId><IsPaid>false</IsPaid>"
                        "</Invoice>" for n in range(3 if page < 3 else 0))
        return bare("InvoiceListResponse", f"<Invoices>{items}</Invoices>")

    router.post(BASE_URL + "/GetInvoiceList").mock(side_effect=invoices)
    ids = [i.invoice_id for i in client.iter_invoices(from_date="2026-01-01")]
    assert ids == [f"INV-{p}-{n}" for p in (1, 2) for n in range(3)]


# -- safe writes -------------------------------------------------------------------------------


def _submit(client: pixelz.Client, **kwargs: Any) -> pixelz.SubmittedImage:
    return client.submit_white_glove("https://img.example.com/a.jpg", **kwargs)


@pytest.mark.parametrize("failure", [
    httpx.ReadTimeout("read timed out"),
    httpx.RemoteProtocolError("server disconnected"),
    httpx.Response(502),
    httpx.Response(504),
    httpx.Response(503),
    httpx.Response(200, headers={"Content-Type": "text/xml"}, content=b"<truncated"),
    httpx.Response(200, content=b"\x1f\x8bgarbage"),
])
def test_ambiguous_failures_of_a_write_are_not_resent(
    router: respx.MockRouter, make_client, failure: Any
) -> None:
    route = router.route()
    route.side_effect = failure if isinstance(failure, Exception) else [failure]
    client = make_client(max_retries=3)
    with pytest.raises(pixelz.OutcomeUnknownError) as caught:
        _submit(client)
    assert caught.value.operation == "WhiteGloveService"
    assert caught.value.protocol is Protocol.SOAP11
    assert route.call_count == 1  # neither retried nor moved to another protocol


@pytest.mark.parametrize("first", [
    httpx.ConnectError("refused"),
    httpx.Response(503, headers={"Retry-After": "0"}),
    httpx.Response(429),
    httpx.Response(403, headers={"Content-Type": "text/html"}, content=b"<html>denied</html>"),
    httpx.Response(415),
])
def test_failures_that_prove_nothing_was_processed_are_retried(
    router: respx.MockRouter, make_client, first: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pixelz._sync_io.sleep", lambda seconds: None)
    ok = soap("WhiteGloveService", f"<ImageTicket>{T1}</ImageTicket>", Protocol.SOAP12)
    route = router.route().mock(side_effect=[first, ok])
    image = _submit(make_client(["soap11", "soap12"], max_retries=1))
    assert image.image_ticket == uuid.UUID(T1) and route.call_count == 2


def _lookup_then(status_answers: list[httpx.Response]) -> Callable[[httpx.Request], Any]:
    """A server whose first submission times out after it was processed (or not)."""

    def handler(request: httpx.Request) -> Any:
        body = request.content.decode()
        if "GetImageStatus" in body:
            return status_answers.pop(0)
        handler.submissions += 1  # type: ignore[attr-defined]
        if handler.submissions == 1:  # type: ignore[attr-defined]
            raise httpx.ReadTimeout("no answer")
        return soap("WhiteGloveService", f"<ImageTicket>{T1}</ImageTicket>")

    handler.submissions = 0  # type: ignore[attr-defined]
    return handler


def test_a_submission_with_an_id_found_after_a_timeout_is_not_resent(
    router: respx.MockRouter, make_client
) -> None:
    found = soap("GetImageStatus", f"<ImageStatus><ImageTicket>{T1}</ImageTicket>"
                 "<CustomerImageId>sku-1</CustomerImageId><StatusId>10</StatusId>"
                 "<IsPaid>false</IsPaid></ImageStatus>")
    handler = _lookup_then([found])
    router.route().mock(side_effect=handler)
    image = _submit(make_client(), customer_image_id="sku-1")
    assert image == pixelz.SubmittedImage(uuid.UUID(T1), "sku-1")
    assert handler.submissions == 1  # type: ignore[attr-defined]


def test_a_submission_with_an_id_not_found_after_a_timeout_is_resent(
    router: respx.MockRouter, make_client
) -> None:
    fault = httpx.Response(
        500, headers={"Content-Type": "text/xml; charset=utf-8"},
        content=f'{XML_DECL}<soap:Envelope xmlns:soap="{SOAP11_NS}"><soap:Body><soap:Fault>'
                "<faultcode>soap:Client</faultcode><faultstring>Image not found</faultstring>"
                "<detail /></soap:Fault></soap:Body></soap:Envelope>")
    handler = _lookup_then([fault])
    router.route().mock(side_effect=handler)
    image = _submit(make_client(max_retries=1), customer_image_id="sku-1")
    assert image.image_ticket == uuid.UUID(T1)
    assert handler.submissions == 2  # type: ignore[attr-defined]


def test_a_submission_without_an_id_reports_the_unknown_outcome(
    router: respx.MockRouter, make_client
) -> None:
    handler = _lookup_then([])
    router.route().mock(side_effect=handler)
    with pytest.raises(pixelz.OutcomeUnknownError, match="may have been processed"):
        _submit(make_client(max_retries=2))
    assert handler.submissions == 1  # type: ignore[attr-defined]


# -- comparison ----------------------------------------------------------------------------------


def test_compare_any_read_operation(router: respx.MockRouter, make_client) -> None:
    def contact(request: httpx.Request) -> httpx.Response:
        person = "Dana" if request.method == "POST" and "soap" in str(request.headers) else "Dan"
        inner = f"<Contact><ContactPerson>{person}</ContactPerson></Contact>"
        if request.url.path.endswith("GetContactDetailed"):
            return bare("ContactDetailedResponse", inner)
        return soap("GetContactDetailed", inner, Protocol.SOAP11
                    if "text/xml" in request.headers["Content-Type"] else Protocol.SOAP12)

    router.route().mock(side_effect=contact)
    report = make_client().compare_protocols("get_contact")
    assert [r.outcome for r in report.results] == ["ok"] * 4
    assert not report.consistent
    assert any("person 'Dan' != 'Dana'" in line for line in report.differences)
    with pytest.raises(pixelz.InvalidArgumentError, match="submit_image"):
        make_client().compare_protocols("submit_image")
