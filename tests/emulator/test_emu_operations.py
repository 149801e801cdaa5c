"""The account operations through real HTTP to a loopback emulator: submissions, delete,
reject, product statistics, contact, invoices, templates, and the state they share.

Where the protocol changes the behaviour (which protocols carry an operation, arrays as
repeated fields, the empty result, a result-level ErrorCode) every protocol is tested;
elsewhere one protocol stands for all (the wire machinery is tested in the other files).
"""

from __future__ import annotations

import datetime
import threading
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import attrs
import httpx
import pytest
from lxml import etree

import pixelz
from pixelz._operations import (
    ADD_IMAGE_TO_QUEUE,
    ADD_STACK_IMAGE_TO_QUEUE,
    ADD_TEMPLATE,
    GET_CONTACT_DETAILED,
    GET_INVOICE_LIST,
    GET_TEMPLATE_SPEC,
    NAMESPACE,
    OPERATIONS,
    WHITE_GLOVE_SERVICE,
)
from pixelz.emulator import Emulator, generate_account, generate_dataset
from pixelz.models import ColorChangeRequest, Protocol

from ._helpers import request

SOAP = (Protocol.SOAP11, Protocol.SOAP12)
FORMS = (Protocol.HTTP_GET, Protocol.HTTP_POST)
SUBMISSIONS = ("WhiteGloveService", "AddPartnerImageToQueue", "AddImageToQueue",
               "AddImageWithInstructionToQueue", "AddStackImageToQueue")
# (submission, protocol) for every protocol that can carry it.
SUBMITTED_ON = [(op, p) for op in SUBMISSIONS for p in Protocol if p in OPERATIONS[op].protocols]
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_T = f"{{{NAMESPACE}}}"


def submission(op: str, **values: Any) -> dict[str, Any]:
    """The values a valid submission of ``op`` needs, overridden by ``values``."""
    base: dict[str, Any] = {"developerAPIkey": "dev-key", "applicationCode": "app",
                            "templateId": "101", "imageURL": "https://example.com/a.jpg"}
    base = {k: v for k, v in base.items() if k in OPERATIONS[op].parameters}
    return {**base, **values}


@pytest.fixture
def emulator(pixelz_emulator: Emulator) -> Emulator:
    return pixelz_emulator


@pytest.fixture
def http(emulator: Emulator) -> Iterator[httpx.Client]:
    root = emulator.base_url.rsplit("/", 1)[0]
    with httpx.Client(base_url=root, timeout=10) as client:
        yield client


@pytest.fixture
def call(http: httpx.Client) -> Callable[..., httpx.Response]:
    """Call an operation over a protocol with every parameter (demo credentials)."""

    def _call(protocol: Protocol | str, op: str, **values: Any) -> httpx.Response:
        return request(http, protocol, op, **values)

    return _call


@pytest.fixture
def sdk(emulator: Emulator) -> Iterator[Callable[..., pixelz.Client]]:
    clients: list[pixelz.Client] = []

    def make(protocol: Protocol = Protocol.SOAP11) -> pixelz.Client:
        email, key = emulator.credentials
        client = pixelz.Client(email, key, base_url=emulator.base_url, protocols=protocol,
                               max_retries=0)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def result(response: httpx.Response, op: str) -> Any:
    """The result element: ``{Op}Result`` in a SOAP envelope, else the GET/POST root."""
    assert response.status_code == 200, response.text
    root = etree.fromstring(response.content, etree.XMLParser(recover=True))
    if etree.QName(root).localname == "Envelope":
        return root.find(f".//{_T}{op}Result")
    return root


def fields(element: Any) -> dict[str, str | None]:
    """Child elements by local name: their text ("" when empty), None when nil."""
    return {
        etree.QName(child).localname: None if child.get(XSI_NIL) else (child.text or "")
        for child in element
    }


def records(response: httpx.Response, op: str, path: str, record: str) -> list[dict[str, Any]]:
    container = result(response, op).find(_T + path)
    return [] if container is None else [fields(r) for r in container.iter(_T + record)]


def fault(response: httpx.Response) -> str:
    """The service error's text (remote error style: the message only), any protocol."""
    assert response.status_code == 500, response.text
    if response.headers["content-type"].startswith("text/plain"):
        return response.text.rstrip("\n")
    root = etree.fromstring(response.content)
    text = root.findtext(".//faultstring")
    if text is None:
        text = root.findtext(".//{http://www.w3.org/2003/05/soap-envelope}Text")
    assert text is not None
    return text


def status_of(call: Callable[..., httpx.Response], **values: str) -> httpx.Response:
    return call(Protocol.SOAP11, "GetImageStatus", **values)


# -- submissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(("op", "protocol"), SUBMITTED_ON)
def test_a_submission_is_queued_as_new_on_every_protocol(
    emulator: Emulator, call: Callable[..., httpx.Response], op: str, protocol: Protocol
) -> None:
    first_id = max(r.Id for r in emulator.dataset) + 1
    answer = fields(result(call(protocol, op, **submission(
        op, customerImageId="mine-1", productId="prod-new")), op))
    expected_ticket = str(uuid.uuid5(uuid.NAMESPACE_URL, f"image:{first_id}"))
    assert answer == {"ImageTicket": expected_ticket, "CustomerImageId": "mine-1",
                      "IsTrial": "false"}
    # At once in the lookups and lists, status New, dated the data set's latest day.
    found = fields(result(status_of(call, imageTicket=expected_ticket), "GetImageStatus")[0])
    assert found == {"ImageTicket": expected_ticket, "CustomerImageId": "mine-1",
                     "ProductId": "prod-new", "StatusName": "New", "StatusId": "10",
                     "IsPaid": "false"}
    today = max(r.CreatedDate for r in emulator.dataset).isoformat()
    listed = records(call(Protocol.SOAP11, "GetImagesList", fromDate=today, toDate=today,
                          productId="prod-new"), "GetImagesList", "Images", "ImageStatus")
    assert [r["ImageTicket"] for r in listed] == [expected_ticket]


def test_submissions_through_the_sdk_return_the_ticket(
    sdk: Callable[..., pixelz.Client],
) -> None:
    client = sdk(Protocol.SOAP12)
    first = client._invoke(WHITE_GLOVE_SERVICE, image_url="https://example.com/a.jpg",
                           developer_api_key="k")
    second = client._invoke(
        ADD_IMAGE_TO_QUEUE, image_url="https://example.com/b.jpg", developer_api_key="k",
        template_id=102, extra_image_urls=["https://example.com/b2.jpg"], colorway_ids=[3, 4],
        additional_resource_file_urls=["https://example.com/r.pdf"], customer_image_id="b",
        color_change_requests=[ColorChangeRequest([(1, 2)], "c1", "out.jpg")],
        deadline=datetime.datetime(2026, 12, 24, 18, 0, tzinfo=datetime.timezone.utc),
    )
    assert (first.customer_image_id, first.is_trial) == (None, False)
    assert (second.customer_image_id, second.is_trial) == ("b", False)
    assert second.image_ticket.int - first.image_ticket.int != 0
    assert client.get_image_status(second.image_ticket).status_id == 10


def test_ids_and_tickets_go_on_from_the_highest_id() -> None:
    emu = Emulator(images=3, seed=5)
    top = max(r.Id for r in emu.dataset)
    with emu:
        emu.start()
        root = emu.base_url.rsplit("/", 1)[0]
        with httpx.Client(base_url=root) as client:
            tickets = [
                fields(result(request(client, Protocol.HTTP_POST, "WhiteGloveService",
                                      **submission("WhiteGloveService")),
                              "WhiteGloveService"))["ImageTicket"]
                for _ in range(2)
            ]
    assert tickets == [str(uuid.uuid5(uuid.NAMESPACE_URL, f"image:{top + n}")) for n in (1, 2)]


@pytest.mark.parametrize("protocol", FORMS)
def test_add_image_to_queue_is_not_on_get_or_post(
    http: httpx.Client, call: Callable[..., httpx.Response], protocol: Protocol
) -> None:
    response = call(protocol, "AddImageToQueue", **submission("AddImageToQueue"))
    assert fault(response) == "AddImageToQueue Web Service method name is not valid."
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    # ...and any other casing of it is the same unknown name, not a casing mistake.
    lower = http.request(protocol.value.split("_")[1].upper(), "/soap.asmx/addImageToQueue")
    assert fault(lower) == "addImageToQueue Web Service method name is not valid."


def test_empty_customer_image_ids_are_stored_as_null(call: Callable[..., httpx.Response]) -> None:
    for _ in range(2):  # two images without an id are no duplicates
        answer = fields(result(call(Protocol.HTTP_GET, "AddStackImageToQueue",
                                    **submission("AddStackImageToQueue", customerImageId="")),
                               "AddStackImageToQueue"))
        assert "CustomerImageId" not in answer
    found = fields(result(status_of(call, imageTicket=answer["ImageTicket"] or ""),
                          "GetImageStatus")[0])
    assert "CustomerImageId" not in found and "ProductId" not in found


def test_a_customer_image_id_in_use_is_refused(
    emulator: Emulator, call: Callable[..., httpx.Response]
) -> None:
    seeded = next(r.CustomerImageId for r in emulator.dataset if r.CustomerImageId)
    for taken in (seeded, "fresh-id"):
        if taken == "fresh-id":
            call(Protocol.SOAP11, "AddPartnerImageToQueue",
                 **submission("AddPartnerImageToQueue", customerImageId=taken))
        again = call(Protocol.SOAP11, "AddStackImageToQueue",
                     **submission("AddStackImageToQueue", customerImageId=taken))
        assert fault(again) == "Duplicate customerImageId"
    count = len(emulator.config.state.images())
    assert count == len(emulator.dataset) + 1


def test_concurrent_submissions_with_one_id_land_once(
    emulator: Emulator, http: httpx.Client
) -> None:
    answers: list[int] = []

    def submit() -> None:
        response = request(http, Protocol.HTTP_POST, "WhiteGloveService",
                           **submission("WhiteGloveService", customerImageId="race"))
        answers.append(response.status_code)

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200] + [500] * 7
    assert sum(r.CustomerImageId == "race" for r in emulator.config.state.images()) == 1


@pytest.mark.parametrize(
    ("op", "values", "message"),
    [
        ("WhiteGloveService", {"contactAPIkey": "wrong", "developerAPIkey": ""},
         "Invalid contact email or API key"),
        ("WhiteGloveService", {"developerAPIkey": "", "imageURL": ""},
         "developerAPIkey is required"),
        ("WhiteGloveService", {"imageURL": ""}, "imageURL is required"),
        ("AddPartnerImageToQueue", {"applicationCode": "", "templateId": "x"},
         "applicationCode is required"),
        ("AddPartnerImageToQueue", {"templateId": "abc", "imageURL": ""}, "Invalid templateId"),
        ("AddImageToQueue", {"templateId": "999"}, "Invalid templateId"),
        ("AddImageToQueue", {"templateId": "-101"}, "Invalid templateId"),
        ("AddStackImageToQueue", {"imageURL": "", "imageRequestedDeliveryTimeInHours": "x"},
         "imageURL is required"),
        ("AddStackImageToQueue", {"imageRequestedDeliveryTimeInHours": "2147483648"},
         "Invalid imageRequestedDeliveryTimeInHours"),
        ("AddImageWithInstructionToQueue", {"imageDeadlineDateTimeUTC": "2026-02-30 10:00:00"},
         "Invalid imageDeadlineDateTimeUTC"),
        ("AddImageWithInstructionToQueue", {"imageDeadlineDateTimeUTC": "2026-02-03T10:00:00"},
         "Invalid imageDeadlineDateTimeUTC"),
        ("AddPartnerImageToQueue", {"imageDeadlineDateTimeUTC": "2026-02-03 24:00:00"},
         "Invalid imageDeadlineDateTimeUTC"),
    ],
)
def test_submission_checks_in_order(
    call: Callable[..., httpx.Response], op: str, values: dict[str, str], message: str
) -> None:
    assert fault(call(Protocol.SOAP12, op, **submission(op, **values))) == message


def test_white_glove_needs_no_template_and_a_new_template_is_usable(
    call: Callable[..., httpx.Response],
) -> None:
    assert result(call(Protocol.SOAP11, "WhiteGloveService",
                       **submission("WhiteGloveService")), "WhiteGloveService") is not None
    added = result(call(Protocol.SOAP11, "AddTemplate", templateName="mine",
                        templateOutputFormat="jpg"), "AddTemplate")
    template_id = fields(added)["TemplateId"] or ""
    response = call(Protocol.SOAP11, "AddStackImageToQueue",
                    **submission("AddStackImageToQueue", templateId=template_id))
    assert fields(result(response, "AddStackImageToQueue"))["IsTrial"] == "false"


# -- arrays on every protocol -----------------------------------------------------------------


@pytest.mark.parametrize("protocol", list(Protocol))
def test_array_parameters_on_every_protocol(
    call: Callable[..., httpx.Response], protocol: Protocol
) -> None:
    op = "AddImageWithInstructionToQueue"
    values = submission(op, instruction="crop", colorwayIds=["5", " 8 ", "-1"],
                        additionalResourceFileURLs=["https://example.com/r1", ""])
    assert fields(result(call(protocol, op, **values), op))["IsTrial"] == "false"


@pytest.mark.parametrize("protocol", SOAP)
def test_soap_carries_empty_and_absent_arrays(
    call: Callable[..., httpx.Response], protocol: Protocol
) -> None:
    op = "AddImageToQueue"
    empty = call(protocol, op, **submission(op, colorwayIds=[], additionalResourceFileURLs=[],
                                            colorChangeRequests=[]))
    absent = call(protocol, op, **submission(op, colorwayIds=None))
    assert result(empty, op) is not None and result(absent, op) is not None


@pytest.mark.parametrize("protocol", FORMS)
def test_a_missing_array_field_crashes_get_and_post(
    http: httpx.Client, protocol: Protocol
) -> None:
    """As ASMX's parameter reader does (.NET and Mono alike): no field at all gives a null
    it dereferences; an empty field is an item that fails to convert to int."""
    op = "AddStackImageToQueue"
    form = [(name, "") for name in OPERATIONS[op].parameters if name != "colorwayIds"]
    form += [("contactEmail", "demo@example.com"), ("contactAPIkey", "demo-api-key")]
    url = f"/soap.asmx/{op}"
    if protocol is Protocol.HTTP_GET:
        missing = http.get(url, params=form)
        empty = http.get(url, params=[*form, ("colorwayIds", "")])
    else:
        missing = http.post(url, data=dict(form))
        empty = http.post(url, content=urllib.parse.urlencode([*form, ("colorwayIds", "")]),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert fault(missing) == "Object reference not set to an instance of an object"
    assert missing.headers["content-type"] == "text/plain; charset=utf-8"
    assert fault(empty) == (
        "Cannot convert  to System.Int32.\nParameter name: type ---> "
        "Input string was not in a correct format."
    )


def test_array_items_are_converted_like_dotnet_ints(call: Callable[..., httpx.Response]) -> None:
    op = "AddStackImageToQueue"
    too_big = call(Protocol.HTTP_GET, op, **submission(op, colorwayIds=["2147483648"]))
    assert fault(too_big) == (
        "Cannot convert 2147483648 to System.Int32.\nParameter name: type ---> "
        "Value was either too large or too small for an Int32."
    )
    soap = call(Protocol.SOAP11, op, **submission(op, colorwayIds=["1", "x"]))
    message = fault(soap)
    assert message.startswith("Server was unable to read request. ---> There is an error in "
                              "XML document (1, ")
    assert message.endswith("). ---> Input string was not in a correct format.")


def test_an_unreadable_item_is_located_at_the_next_node(http: httpx.Client) -> None:
    op = "AddStackImageToQueue"
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n<soap:Envelope '
        'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>\n'
        f'<{op} xmlns="{NAMESPACE}"><contactEmail>demo@example.com</contactEmail>'
        "<contactAPIkey>demo-api-key</contactAPIkey><colorwayIds>\n"
        "  <int>7</int><int>é</int>tail</colorwayIds>"
        f"</{op}></soap:Body></soap:Envelope>"
    )
    response = http.post("/soap.asmx", content=body.encode(), headers={
        "Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NAMESPACE}{op}"'})
    # Line 4, after "  <int>7</int><int>é</int>": the text node "tail" starts at column 27.
    assert "There is an error in XML document (4, 27)." in fault(response)


# -- delete and reject ------------------------------------------------------------------------


def test_delete_removes_a_new_image_only(
    emulator: Emulator, call: Callable[..., httpx.Response]
) -> None:
    new = next(r for r in emulator.dataset if r.StatusId == 10 and r.CustomerImageId)
    busy = next(r for r in emulator.dataset if r.StatusId == 60)
    deleted = call(Protocol.HTTP_POST, "DeleteImageFromQueue", imageTicket=str(new.ImageTicket))
    assert len(result(deleted, "DeleteImageFromQueue")) == 0
    assert fault(status_of(call, imageTicket=str(new.ImageTicket))) == "Image not found"
    again = call(Protocol.SOAP11, "DeleteImageFromQueue", imageTicket=str(new.ImageTicket))
    assert fault(again) == "Image not found"
    refused = call(Protocol.SOAP11, "DeleteImageFromQueue", imageTicket=str(busy.ImageTicket))
    assert fault(refused) == "Image is already in production"
    assert len(emulator.config.state.images()) == len(emulator.dataset) - 1


def test_delete_by_customer_image_id_and_its_faults(call: Callable[..., httpx.Response]) -> None:
    ticket = fields(result(call(Protocol.SOAP11, "WhiteGloveService",
                                **submission("WhiteGloveService", customerImageId="to-go")),
                           "WhiteGloveService"))["ImageTicket"]
    gone = call(Protocol.HTTP_GET, "DeleteImageFromQueue", customerImageId="to-go")
    assert len(result(gone, "DeleteImageFromQueue")) == 0
    assert fault(status_of(call, imageTicket=ticket or "")) == "Image not found"
    for values, message in (
        ({}, "imageTicket or customerImageId is required"),
        ({"imageTicket": "{" + str(uuid.uuid4()) + "}"}, "Invalid imageTicket"),
        ({"contactEmail": "x@example.com", "imageTicket": "bad"},
         "Invalid contact email or API key"),
    ):
        assert fault(call(Protocol.SOAP12, "DeleteImageFromQueue", **values)) == message


def test_reject_sends_a_delivered_image_back_to_production(
    emulator: Emulator, call: Callable[..., httpx.Response]
) -> None:
    delivered = next(r for r in emulator.dataset if r.StatusId == 80 and r.FinalImagesURL)
    ticket = str(delivered.ImageTicket)
    rejected = call(Protocol.SOAP12, "RejectProcessedImage", imageTicket=ticket,
                    comment="the shadow is missing", markupImageUrl="https://example.com/m")
    assert len(result(rejected, "RejectProcessedImage")) == 0
    image = fields(result(status_of(call, imageTicket=ticket), "GetImageStatus")[0])
    assert (image["StatusId"], image["StatusName"]) == ("60", "In Production")
    assert "FinalImagesURL" not in image
    assert image["ThumbnailImageURL"] == delivered.ThumbnailImageURL
    again = call(Protocol.SOAP12, "RejectProcessedImage", imageTicket=ticket, comment="c")
    assert fault(again) == "Only delivered images can be rejected"


def test_reject_finds_the_image_before_it_needs_a_comment(
    emulator: Emulator, call: Callable[..., httpx.Response]
) -> None:
    delivered = next(r for r in emulator.dataset if r.StatusId == 80)
    no_comment = call(Protocol.HTTP_GET, "RejectProcessedImage",
                      imageTicket=str(delivered.ImageTicket), comment="")
    assert fault(no_comment) == "comment is required"
    unknown = call(Protocol.HTTP_GET, "RejectProcessedImage", imageTicket=str(uuid.uuid4()),
                   comment="")
    assert fault(unknown) == "Image not found"


@pytest.mark.parametrize("protocol", list(Protocol))
def test_an_empty_result_on_every_protocol(
    emulator: Emulator, call: Callable[..., httpx.Response], protocol: Protocol
) -> None:
    new = next(r for r in emulator.dataset if r.StatusId == 10)
    response = call(protocol, "DeleteImageFromQueue", imageTicket=str(new.ImageTicket))
    assert response.status_code == 200
    if protocol in SOAP:
        assert b"<DeleteImageFromQueueResult /></DeleteImageFromQueueResponse>" in response.content
    else:
        assert response.content.endswith(b'xmlns="http://removethebackground.com/" />')
        assert b"<ServiceResponse " in response.content


# -- product statistics -----------------------------------------------------------------------


def test_product_statistics_follow_the_images(
    emulator: Emulator, call: Callable[..., httpx.Response]
) -> None:
    expected: dict[str, list[int]] = {}
    for image in emulator.dataset:
        if image.ProductId is not None:
            expected.setdefault(image.ProductId, [0, 0])[image.StatusId != 80] += 1
    listed = records(call(Protocol.SOAP11, "GetProductIdsList"), "GetProductIdsList",
                     "ProductIds", "ProductIdStatistic")
    assert [(r["ProductId"], int(r["DoneCount"] or 0), int(r["TodoCount"] or 0))
            for r in listed] == [(p, *expected[p]) for p in sorted(expected)]
    call(Protocol.SOAP11, "WhiteGloveService",
         **submission("WhiteGloveService", productId="A-first"))
    after = records(call(Protocol.SOAP11, "GetProductIdsList", productIdsPerPage="100"),
                    "GetProductIdsList", "ProductIds", "ProductIdStatistic")
    assert len(after) == len(listed) + 1
    assert {"ProductId": "A-first", "DoneCount": "0", "TodoCount": "1"} in after


def test_product_statistics_are_paged_and_ordered_ordinally() -> None:
    base = generate_dataset(5, 1)
    emu = Emulator(dataset=[
        *base,
        *(attrs.evolve(base[0], Id=9000 + n, ProductId=p, ImageTicket=uuid.UUID(int=n))
          for n, p in enumerate(["b", "B", "\U0001f600", "\uff41", ""]))
    ])
    with emu:
        emu.start()
        with httpx.Client(base_url=emu.base_url.rsplit("/", 1)[0]) as client:
            names = [
                r["ProductId"]
                for page in ("1", "2", "3")
                for r in records(request(client, Protocol.HTTP_GET, "GetProductIdsList",
                                         page=page, productIdsPerPage="3"),
                                 "GetProductIdsList", "ProductIds", "ProductIdStatistic")
            ]
            over = records(request(client, Protocol.HTTP_GET, "GetProductIdsList",
                                   productIdsPerPage="0000101"),
                           "GetProductIdsList", "ProductIds", "ProductIdStatistic")
    # .NET's ordinal order compares UTF-16 code units: U+1F600 (D83D DE00) before U+FF41.
    assert names[:3] == ["", "B", "b"]
    assert names.index("\U0001f600") < names.index("\uff41")
    assert len(over) == len(names)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"page": "0"}, "Invalid page"),
        ({"page": "1.5"}, "Invalid page"),
        ({"productIdsPerPage": "0"}, "Invalid productIdsPerPage"),
        ({"productIdsPerPage": "-5"}, "Invalid productIdsPerPage"),
    ],
)
def test_product_statistics_faults(
    call: Callable[..., httpx.Response], values: dict[str, str], message: str
) -> None:
    assert fault(call(Protocol.HTTP_POST, "GetProductIdsList", **values)) == message


# -- contact -------------------------------------------------------------------------------------


def test_the_contact_and_edit_contact(
    emulator: Emulator, call: Callable[..., httpx.Response], sdk: Callable[..., pixelz.Client]
) -> None:
    contact = sdk(Protocol.HTTP_GET)._invoke(GET_CONTACT_DETAILED)
    assert (contact.person, contact.company, contact.email) == (
        "Dana Reviewer", "Example Imaging Ltd", emulator.contact_email)
    assert (contact.days_of_credit, contact.account_balance, contact.currency,
            contact.trial_images) == (30, Decimal("125.50"), "USD", 5)
    raw = call(Protocol.SOAP11, "GetContactDetailed", contactEmail="DEMO@Example.com")
    assert b'<ContactAccountBalance Currency="USD">125.50</ContactAccountBalance>' in raw.content
    assert b"<ContactEmail>demo@example.com</ContactEmail>" in raw.content  # as configured

    edited = call(Protocol.HTTP_POST, "EditContact", contactName="Robin Editor",
                  contactCompany="", billingEmail="billing@example.com", timezoneIndex="4",
                  isReceivedNewslater="FALSE")
    assert len(result(edited, "EditContact")) == 0
    after = fields(result(call(Protocol.SOAP12, "GetContactDetailed"),
                          "GetContactDetailed")[0])
    assert (after["ContactPerson"], after["ContactCompany"]) == (
        "Robin Editor", "Example Imaging Ltd")
    assert "billing@example.com" not in str(after)
    assert emulator.config.state.stored_contact_fields() == {
        "billingEmail": "billing@example.com", "timezoneIndex": "4",
        "isReceivedNewslater": "false"}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"timezoneIndex": "-1"}, "Invalid timezoneIndex"),
        ({"timezoneIndex": "x", "isReceivedNewslater": "x"}, "Invalid timezoneIndex"),
        ({"isReceivedNewslater": "yes"}, "Invalid isReceivedNewslater"),
        ({"contactAPIkey": "", "timezoneIndex": "x"}, "Invalid contact email or API key"),
    ],
)
def test_edit_contact_faults_change_nothing(
    emulator: Emulator, call: Callable[..., httpx.Response], values: dict[str, str],
    message: str,
) -> None:
    response = call(Protocol.SOAP11, "EditContact", contactName="Nobody", **values)
    assert fault(response) == message
    assert emulator.config.state.contact().ContactPerson == "Dana Reviewer"


# -- invoices ------------------------------------------------------------------------------------


def test_invoices_in_pages_of_ten(
    emulator: Emulator, call: Callable[..., httpx.Response]
) -> None:
    seeded = sorted(emulator.config.account.invoices, key=lambda i: (i.CreatedDate, i.InvoiceId))
    pages = [
        records(call(Protocol.HTTP_GET, "GetInvoiceList", page=page), "GetInvoiceList",
                "Invoices", "Invoice")
        for page in ("", "2", "3", "4")
    ]
    assert [len(p) for p in pages] == [10, 10, 5, 0]
    listed = [r for p in pages for r in p]
    assert [r["InvoiceId"] for r in listed] == [i.InvoiceId for i in seeded]
    first = listed[0]
    invoice = seeded[0]
    assert first == {
        "InvoiceId": invoice.InvoiceId, "CreatedDate": invoice.CreatedDate.isoformat(),
        "AmountDue": invoice.AmountDue, "IsPaid": "true" if invoice.IsPaid else "false",
        "PaymentUrl": f"https://pay.example.com/{invoice.InvoiceId}?return=",
        "InvoiceUrl": f"https://invoices.example.com/{invoice.InvoiceId}.pdf",
    }
    assert {r["IsPaid"] for r in listed} == {"true", "false"}


def test_invoice_dates_are_inclusive_and_the_return_url_escaped(
    emulator: Emulator, sdk: Callable[..., pixelz.Client]
) -> None:
    day = sorted(i.CreatedDate for i in emulator.config.account.invoices)[12]
    back = "https://shop.example.com/paid?a=1&b=é ~"
    invoices = sdk(Protocol.SOAP11)._invoke(GET_INVOICE_LIST, from_date=day, to_date=day,
                                            page=1, return_url=back)
    assert invoices  # the seeded invoices share that day with others
    assert {i.created_date for i in invoices} == {day.isoformat()}
    assert len(invoices) == sum(i.CreatedDate == day for i in emulator.config.account.invoices)
    assert invoices[0].payment_url.endswith(
        "?return=https%3A%2F%2Fshop.example.com%2Fpaid%3Fa%3D1%26b%3D%C3%A9%20~")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"fromDate": "2026-13-01"}, "Invalid fromDate"),
        ({"fromDate": "2026-1-01"}, "Invalid fromDate"),
        ({"toDate": "tomorrow", "page": "0"}, "Invalid toDate"),
        ({"page": "0"}, "Invalid page"),
    ],
)
def test_invoice_faults(
    call: Callable[..., httpx.Response], values: dict[str, str], message: str
) -> None:
    assert fault(call(Protocol.SOAP12, "GetInvoiceList", **values)) == message


# -- templates -----------------------------------------------------------------------------------


def test_the_seeded_templates(call: Callable[..., httpx.Response]) -> None:
    listed = records(call(Protocol.SOAP11, "GetTemplates"), "GetTemplates", "Templates",
                     "Template")
    assert [(t["TemplateId"], t["TemplateName"], t["ContactId"]) for t in listed] == [
        ("101", "White background", "7"), ("102", "Transparent PNG", "7"),
        ("103", "Ghost mannequin \u2013 caf\u00e9", "7")]
    spec = call(Protocol.HTTP_GET, "GetTemplateSpec", templateId="101")
    assert b'<Price Currency="USD">1.450</Price>' in spec.content
    shown = fields(result(spec, "GetTemplateSpec")[0])
    assert (shown["Id"], shown["Name"], shown["OutputFormat"], shown["ResizeWidth"]) == (
        "101", "White background", "JPG", "2000")
    no_price = fields(result(call(Protocol.HTTP_GET, "GetTemplateSpec", templateId="103"),
                             "GetTemplateSpec")[0])
    assert "Price" not in no_price


@pytest.mark.parametrize(
    ("template_id", "message"),
    [("", "Invalid templateId"), ("1O1", "Invalid templateId"), ("104", "Template not found")],
)
def test_template_spec_faults(
    call: Callable[..., httpx.Response], template_id: str, message: str
) -> None:
    assert fault(call(Protocol.SOAP11, "GetTemplateSpec", templateId=template_id)) == message


def test_add_template_adds_the_next_id(
    emulator: Emulator, call: Callable[..., httpx.Response], sdk: Callable[..., pixelz.Client]
) -> None:
    client = sdk(Protocol.HTTP_POST)
    first = client._invoke(ADD_TEMPLATE, name="Flat lay", output_format="tif",
                           delivery_time_hours=12, resize_width=800, is_combined_images=True,
                           background_color="#000000")
    second = client._invoke(ADD_TEMPLATE, name="Second", output_format="PsD",
                            delivery_time_hours=0)
    assert (first.template_id, second.template_id) == (104, 105)
    spec = sdk(Protocol.SOAP12)._invoke(GET_TEMPLATE_SPEC, template_id=104)
    assert (spec.name, spec.output_format, spec.delivery_time_hours, spec.resize_width,
            spec.background_color, spec.price, spec.currency) == (
        "Flat lay", "TIF", 12, 800, "#000000", None, None)
    today = max(r.CreatedDate for r in emulator.dataset).isoformat()
    assert spec.created_date == today
    listed = records(call(Protocol.SOAP11, "GetTemplates"), "GetTemplates", "Templates",
                     "Template")
    assert [(t["TemplateId"], t["IsCombinedImages"]) for t in listed[3:]] == [
        ("104", "true"), ("105", "false")]


@pytest.mark.parametrize("protocol", list(Protocol))
def test_an_unsupported_output_format_is_an_error_in_the_result(
    emulator: Emulator, sdk: Callable[..., pixelz.Client], call: Callable[..., httpx.Response],
    protocol: Protocol,
) -> None:
    raw = call(protocol, "AddTemplate", templateName="x", templateOutputFormat="gif")
    assert fields(result(raw, "AddTemplate")) == {
        "TemplateId": "0", "ErrorCode": "InvalidOutputFormat",
        "Message": "Unsupported output format"}
    with pytest.raises(pixelz.APIError) as caught:
        sdk(protocol)._invoke(ADD_TEMPLATE, name="x", output_format="BMP",
                              delivery_time_hours=1)
    assert (caught.value.code, caught.value.message, caught.value.protocol) == (
        "InvalidOutputFormat", "Unsupported output format", protocol)
    assert len(emulator.config.state.templates()) == 3


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"templateName": "", "templateOutputFormat": "gif"}, "templateName is required"),
        ({"templateOutputFormat": "png", "deliveryTimeInHour": "24h"},
         "Invalid deliveryTimeInHour"),
        ({"templateOutputFormat": "png", "marginRight": "-1", "shadowType": "x"},
         "Invalid marginRight"),
        ({"templateOutputFormat": "png", "shadowType": "x", "isCombinedImages": "x"},
         "Invalid shadowType"),
        ({"templateOutputFormat": "png", "isKeptModel": "1"}, "Invalid isKeptModel"),
        # The output format is checked before any number: a result, not a fault.
        ({"templateOutputFormat": "", "deliveryTimeInHour": "x"}, None),
    ],
)
def test_add_template_checks_in_order(
    emulator: Emulator, call: Callable[..., httpx.Response], values: dict[str, str],
    message: str | None,
) -> None:
    response = call(Protocol.HTTP_GET, "AddTemplate", **{"templateName": "n", **values})
    if message is None:
        assert fields(result(response, "AddTemplate"))["ErrorCode"] == "InvalidOutputFormat"
    else:
        assert fault(response) == message
    assert len(emulator.config.state.templates()) == 3


# -- the state ----------------------------------------------------------------------------------


def test_reset_gives_the_first_state_back(
    emulator: Emulator, call: Callable[..., httpx.Response]
) -> None:
    new = next(r for r in emulator.dataset if r.StatusId == 10)
    call(Protocol.SOAP11, "DeleteImageFromQueue", imageTicket=str(new.ImageTicket))
    call(Protocol.SOAP11, "AddTemplate", templateName="t", templateOutputFormat="jpg")
    call(Protocol.SOAP11, "EditContact", contactName="Changed")
    ticket = fields(result(call(Protocol.SOAP11, "WhiteGloveService",
                                **submission("WhiteGloveService")), "WhiteGloveService"))
    emulator.config.reset()
    state = emulator.config.state
    assert state.images() == emulator.dataset
    assert len(state.templates()) == 3
    assert state.contact().ContactPerson == "Dana Reviewer"
    # ...and the next submission gets the same ticket as the first one did.
    again = fields(result(call(Protocol.SOAP11, "WhiteGloveService",
                               **submission("WhiteGloveService")), "WhiteGloveService"))
    assert again["ImageTicket"] == ticket["ImageTicket"]


def test_a_new_data_set_or_account_starts_the_state_again(emulator: Emulator) -> None:
    state = emulator.config.state
    emulator.config.latency = 0.0  # other knobs keep the state
    assert emulator.config.state is state
    small = generate_dataset(3, 7)
    emulator.config.update(dataset=small)
    assert emulator.config.state.images() == small
    emulator.config.account = generate_account(small, seed=7)
    assert emulator.config.state.invoices() == generate_account(small, seed=7).invoices


def test_the_account_is_deterministic_from_the_seed() -> None:
    same = [Emulator(images=40, seed=3).config.account for _ in range(2)]
    other = Emulator(images=40, seed=4).config.account
    assert same[0] == same[1]
    assert same[0].invoices != other.invoices
    assert [i.InvoiceId for i in same[0].invoices] != sorted(i.InvoiceId for i in same[0].invoices)
    dates = sorted(r.CreatedDate for r in generate_dataset(40, 3))
    invoice_dates = sorted(i.CreatedDate for i in same[0].invoices)
    assert invoice_dates[0] == dates[0]
    assert dates[0] < invoice_dates[len(invoice_dates) // 2] < invoice_dates[-1] <= dates[-1]


@pytest.mark.parametrize("run", [1, 2])
def test_the_shared_fixture_starts_each_test_afresh(
    pixelz_emulator_shared: Emulator, run: int
) -> None:
    # Run twice: a submission left over from the first run would be a duplicate.
    root = pixelz_emulator_shared.base_url.rsplit("/", 1)[0]
    with httpx.Client(base_url=root) as client:
        response = request(client, Protocol.SOAP11, "WhiteGloveService",
                           **submission("WhiteGloveService", customerImageId="once-per-test"))
    assert response.status_code == 200



def test_stack_images_and_colorways_through_the_sdk_on_every_form_protocol(
    sdk: Callable[..., pixelz.Client],
) -> None:
    for protocol in FORMS:
        submitted = sdk(protocol)._invoke(
            ADD_STACK_IMAGE_TO_QUEUE, image_url="https://example.com/s.jpg",
            developer_api_key="k", template_id=103, colorway_ids=[1, 2],
            customer_image_id=f"stack-{protocol.value}")
        assert submitted.customer_image_id == f"stack-{protocol.value}"
