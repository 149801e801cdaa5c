"""Every operation × every protocol that carries it × (Mono reference, emulator).

Each test runs once per server kind and per protocol (a ``pixelz.Client`` pinned to it) and
checks what the SDK gets against the truth: the Python model below, computed from
tests/reference_asmx/dataset.json and account.json (docs/reference-server.md, "Semantics").
Both kinds meet the same expectations, so they give the same records and the same errors.

Servers: this module starts its own instances, never the session fixtures (other tests
compare those with the data files, so nothing may change them):

- ``pristine``: one reference instance and one emulator for the read-only checks; nothing
  writes to them.
- ``writable``: one more of each for the calls that change something. The tests do not reset
  it (a fresh Mono instance per test would be too slow): each test uses its own unique
  customer image ids, product ids and template names, or seeded records nobody else takes
  (``DELIVERED``), and reads back what it wrote.

Both are "remote" flavoured (the reference host reports the caller as 192.0.2.10, the emulator
uses ``errors="remote"``), so error texts are the bare messages. Faults the SDK's own argument
checks would stop before any I/O are sent as raw requests (``raw_call``): every parameter as
its wire string, arrays as repeated fields (GET/POST) or item elements (SOAP).
"""

from __future__ import annotations

import datetime
import itertools
import re
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import httpx
import pytest
from lxml import etree

import pixelz
from pixelz import APIError, ImageStatus, Protocol, ProtocolBlockedError
from pixelz import _operations as ops
from pixelz.models import (
    AddedTemplate,
    ColorChangeRequest,
    Contact,
    Invoice,
    MarkerInfo,
    ProductIdStatistic,
    SubmittedImage,
    Template,
    TemplateSpec,
)

from . import _reference as ref

EMAIL, API_KEY = ref.EMAIL, ref.API_KEY
NS = ref.NAMESPACE
SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
KINDS = [pytest.param("reference", marks=pytest.mark.reference), "emulator"]
ALL = [p.value for p in Protocol]
CREDENTIALS_FAULT = "Invalid contact email or API key"
INVOICES_PER_PAGE = 10
NEW_TEMPLATE_CONTACT_ID = 7


def carried(operation: ops.Operation) -> list[str]:
    """The protocols whose binding carries ``operation``, in the order of ``Protocol``."""
    return [p.value for p in Protocol if p in operation.protocols]


def matrix(*operations: ops.Operation) -> list[Any]:
    """``(operation, protocol)`` parameters: every protocol that carries each operation."""
    return [
        pytest.param(op, protocol, id=f"{op.name}-{protocol}")
        for op in operations
        for protocol in carried(op)
    ]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


# --------------------------------------------------------------------------- the model


DATASET = ref.load_dataset()
ACCOUNT = ref.load_account()
TODAY = max(r["CreatedDate"] for r in DATASET)


def model_templates() -> tuple[Template, ...]:
    return tuple(
        Template(
            t["TemplateId"], t["ContactId"], t["TemplateName"], t["Prices"],
            t["IsCombinedImages"], t["TemplateLabelId"], t["IsRecreateDetail"],
            t["ColorAdjustment"], t["ColorAdjustmentSetting"], t["ColorAdjustmentComment"],
            t["ColorMatching"], t["ColorMatchingSetting"],
        )
        for t in sorted(ACCOUNT["templates"], key=lambda t: t["TemplateId"])
    )


def model_spec(t: Mapping[str, Any]) -> TemplateSpec:
    price = t["Price"]
    return TemplateSpec(
        t["TemplateId"], t["TemplateName"], None if price is None else Decimal(price),
        None if price is None else t["Currency"], t["CreatedDate"], t["ModifiedDate"],
        t["IsDeleted"], t["OutputFormat"], t["DeliveryTimeInHours"], t["BackgroundType"],
        t["BackgroundColor"], t["BackgroundVerticalGradientColor"], t["ResizeType"],
        t["ResizeUnit"], t["ResizeWidth"], t["ResizeHeight"], t["ResizeMaxSize"],
        t["ResizeMinSize"], t["MarginType"], t["MarginTop"], t["MarginBottom"],
        t["MarginLeft"], t["MarginRight"],
    )


def model_contact(person: str | None = None, company: str | None = None) -> Contact:
    c = ACCOUNT["contact"]
    return Contact(
        person or c["ContactPerson"], company or c["ContactCompany"], EMAIL,
        c["ContactDaysOfCredit"], Decimal(c["ContactAccountBalance"]), c["Currency"],
        c["NumberOfTrialImages"],
    )


def model_invoices(
    from_date: str = "", to_date: str = "", page: int = 1, return_url: str = ""
) -> tuple[Invoice, ...]:
    rows = [
        i for i in ACCOUNT["invoices"]
        if (not from_date or i["CreatedDate"] >= from_date)
        and (not to_date or i["CreatedDate"] <= to_date)
    ]
    rows.sort(key=lambda i: (i["CreatedDate"], i["InvoiceId"]))
    back = urllib.parse.quote(return_url, safe="")
    skip = (page - 1) * INVOICES_PER_PAGE
    return tuple(
        Invoice(
            i["InvoiceId"], i["CreatedDate"], i["AmountDue"], i["IsPaid"],
            f"https://pay.example.com/{i['InvoiceId']}?return={back}",
            f"https://invoices.example.com/{i['InvoiceId']}.pdf",
        )
        for i in rows[skip : skip + INVOICES_PER_PAGE]
    )


def model_product_ids(page: int = 1, per_page: int = 50) -> tuple[ProductIdStatistic, ...]:
    done: dict[str, int] = {}
    todo: dict[str, int] = {}
    for r in DATASET:
        pid = r["ProductId"]
        if pid is None:
            continue
        done.setdefault(pid, 0)
        todo.setdefault(pid, 0)
        if r["StatusId"] == 80:
            done[pid] += 1
        else:
            todo[pid] += 1
    # Ordinal order: by UTF-16 code units, as .NET's string.CompareOrdinal.
    keys = sorted(done, key=lambda s: s.encode("utf-16-be"))
    stats = [ProductIdStatistic(k, done[k], todo[k]) for k in keys]
    skip = (page - 1) * per_page
    return tuple(stats[skip : skip + per_page])


def new_image(ticket: uuid.UUID, customer_image_id: str | None, product_id: str | None
              ) -> ImageStatus:
    """A submitted image as every lookup shows it."""
    return ImageStatus(ticket, customer_image_id, product_id, "New", 10, False, None, ())


# Seeded delivered images, each handed to at most one rejecting test per server.
DELIVERED = [r for r in DATASET if r["StatusId"] == 80 and r["Id"] > 20]
IN_PRODUCTION = next(r for r in DATASET if r["StatusId"] == 60 and r["Id"] > 20)


# --------------------------------------------------------------------------- servers


def _start_reference(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[str]:
    server = ref.start_or_skip(
        "all", workdir=tmp_path_factory.mktemp(name), remote_address="192.0.2.10"
    )
    try:
        assert server.base_url
        yield server.base_url
    finally:
        server.stop()


def _start_emulator() -> Iterator[str]:
    from pixelz.emulator import serve
    from pixelz.emulator.dataset import load_account_json, load_json

    records = load_json(Path(ref.DATASET_PATH).read_text(encoding="utf-8"))
    account = load_account_json(Path(ref.ACCOUNT_PATH).read_text(encoding="utf-8"))
    with serve(dataset=records, account=account, errors="remote") as emulator:
        yield emulator.base_url


@pytest.fixture(scope="module", params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def pristine(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a server only read from."""
    if kind == "reference":
        yield from _start_reference(tmp_path_factory, "asmx-pristine")
    else:
        yield from _start_emulator()


@pytest.fixture(scope="module")
def writable(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a server the write tests change (unique ids per test)."""
    if kind == "reference":
        yield from _start_reference(tmp_path_factory, "asmx-writable")
    else:
        yield from _start_emulator()


ClientFor = Callable[..., pixelz.Client]


@pytest.fixture(scope="module")
def client_for() -> Iterator[ClientFor]:
    """Pinned clients, one per (base URL, protocols, key), closed at the end."""
    made: dict[tuple[Any, ...], pixelz.Client] = {}

    def get(base_url: str, *protocols: str, api_key: str = API_KEY) -> pixelz.Client:
        key = (base_url, protocols, api_key)
        if key not in made:
            made[key] = pixelz.Client(
                EMAIL, api_key, base_url=base_url, protocols=list(protocols), max_retries=0
            )
        return made[key]

    yield get
    for client in made.values():
        client.close()


@pytest.fixture(scope="module")
def delivered() -> Iterator[dict[str, Any]]:
    """Hands out seeded delivered images, each at most once per module run."""
    return iter(DELIVERED)


def api_error(call: Callable[[], object]) -> APIError:
    with pytest.raises(APIError) as info:
        call()
    return info.value


# --------------------------------------------------------------------------- reads


READS = (ops.GET_TEMPLATES, ops.GET_TEMPLATE_SPEC, ops.GET_CONTACT_DETAILED,
         ops.GET_INVOICE_LIST, ops.GET_PRODUCT_IDS_LIST)


@pytest.mark.parametrize("protocol", ALL)
def test_get_templates(pristine: str, client_for: ClientFor, protocol: str) -> None:
    templates = client_for(pristine, protocol)._invoke(ops.GET_TEMPLATES)
    assert templates == model_templates()
    assert all(t.extra == {} for t in templates)


@pytest.mark.parametrize("protocol", ALL)
@pytest.mark.parametrize("template_id", [t["TemplateId"] for t in ACCOUNT["templates"]])
def test_get_template_spec(
    pristine: str, client_for: ClientFor, protocol: str, template_id: int
) -> None:
    spec = client_for(pristine, protocol)._invoke(ops.GET_TEMPLATE_SPEC, template_id=template_id)
    expected = next(t for t in ACCOUNT["templates"] if t["TemplateId"] == template_id)
    assert spec == model_spec(expected)
    assert spec.extra == {}


@pytest.mark.parametrize("protocol", ALL)
def test_get_template_spec_not_found(
    pristine: str, client_for: ClientFor, protocol: str
) -> None:
    client = client_for(pristine, protocol)
    error = api_error(lambda: client._invoke(ops.GET_TEMPLATE_SPEC, template_id=999))
    assert error.message == "Template not found"


@pytest.mark.parametrize("protocol", ALL)
def test_get_contact(pristine: str, client_for: ClientFor, protocol: str) -> None:
    assert client_for(pristine, protocol)._invoke(ops.GET_CONTACT_DETAILED) == model_contact()


INVOICE_QUERIES: dict[str, dict[str, Any]] = {
    "page-1": {},
    "page-2": {"page": 2},
    "page-3-last": {"page": 3},
    "past-the-end": {"page": 4},
    "one-day-ties": {"from_date": "2026-07-02", "to_date": "2026-07-02"},
    "from": {"from_date": "2026-10-01"},
    "to-page-2": {"to_date": "2026-08-31", "page": 2},
    "nothing": {"from_date": "2027-01-01"},
    "return-url": {"return_url": "https://shop.example.com/back?a=1&b=ä é!*'()~"},
}


@pytest.mark.parametrize("protocol", ALL)
@pytest.mark.parametrize("query", list(INVOICE_QUERIES))
def test_get_invoice_list(
    pristine: str, client_for: ClientFor, protocol: str, query: str
) -> None:
    kwargs = dict(INVOICE_QUERIES[query])
    page = kwargs.setdefault("page", 1)
    invoices = client_for(pristine, protocol)._invoke(ops.GET_INVOICE_LIST, **kwargs)
    expected = model_invoices(
        kwargs.get("from_date", ""), kwargs.get("to_date", ""), page,
        kwargs.get("return_url", ""),
    )
    assert invoices == expected
    if query == "one-day-ties":
        assert [i.invoice_id for i in invoices] == ["INV-2026-013", "INV-2026-014",
                                                    "INV-2026-015"]


PRODUCT_QUERIES = {"default": (1, None), "per-3-page-1": (1, 3), "per-3-page-3": (3, 3),
                   "per-100": (1, 100), "past-the-end": (2, 100)}


@pytest.mark.parametrize("protocol", ALL)
@pytest.mark.parametrize("query", list(PRODUCT_QUERIES))
def test_get_product_ids_list(
    pristine: str, client_for: ClientFor, protocol: str, query: str
) -> None:
    page, per_page = PRODUCT_QUERIES[query]
    stats = client_for(pristine, protocol)._invoke(
        ops.GET_PRODUCT_IDS_LIST, page=page, per_page=per_page
    )
    assert stats == model_product_ids(page, per_page or 50)


# --------------------------------------------------------------------------- credentials

# The arguments each operation needs to get past the SDK's own checks; the wrong key fails
# first on the server, so nothing is changed.
MINIMAL: dict[str, dict[str, Any]] = {
    "GetImagesList": {"page": 1},
    "GetImageStatus": {"customer_image_id": "x"},
    "DeleteImageFromQueue": {"customer_image_id": "x"},
    "RejectProcessedImage": {"customer_image_id": "x", "comment": "c"},
    "GetProductIdsList": {"page": 1},
    "GetContactDetailed": {},
    "EditContact": {"name": "never"},
    "GetInvoiceList": {"page": 1},
    "GetTemplates": {},
    "GetTemplateSpec": {"template_id": 101},
    "AddTemplate": {"name": "never", "output_format": "JPG", "delivery_time_hours": 1},
    "WhiteGloveService": {"image_url": "https://img.example.com/a.jpg"},
    "AddPartnerImageToQueue": {"image_url": "u", "application_code": "app", "template_id": 101},
    "AddImageToQueue": {"image_url": "u", "template_id": 101},
    "AddImageWithInstructionToQueue": {
        "image_url": "u", "template_id": 101, "instruction": "i", "colorway_ids": [1],
        "additional_resource_file_urls": ["r"],
    },
    "AddStackImageToQueue": {"image_url": "u", "template_id": 101, "colorway_ids": [1]},
}


@pytest.mark.parametrize(("operation", "protocol"), matrix(*ops.OPERATIONS.values()))
def test_wrong_key_on_every_operation(
    pristine: str, client_for: ClientFor, operation: ops.Operation, protocol: str
) -> None:
    client = client_for(pristine, protocol, api_key="wrong-key")
    error = api_error(lambda: client._invoke(operation, **MINIMAL[operation.name]))
    assert error.message == CREDENTIALS_FAULT
    assert error.code == {"soap11": "Client", "soap12": "Sender"}.get(protocol)


def test_every_operation_is_in_the_matrix() -> None:
    assert set(MINIMAL) == set(ops.OPERATIONS)
    assert carried(ops.ADD_IMAGE_TO_QUEUE) == ["soap11", "soap12"]
    assert all(carried(op) == ALL for op in ops.OPERATIONS.values()
               if op is not ops.ADD_IMAGE_TO_QUEUE)


# --------------------------------------------------------------------------- submissions

SUBMISSIONS = (ops.WHITE_GLOVE_SERVICE, ops.ADD_PARTNER_IMAGE_TO_QUEUE, ops.ADD_IMAGE_TO_QUEUE,
               ops.ADD_IMAGE_WITH_INSTRUCTION_TO_QUEUE, ops.ADD_STACK_IMAGE_TO_QUEUE)
DEADLINE = datetime.datetime(2027, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


def submission_arguments(operation: ops.Operation, **more: Any) -> dict[str, Any]:
    """Every optional argument the operation takes, set, plus ``more``."""
    args: dict[str, Any] = {
        "image_url": "https://img.example.com/a.jpg?x=1&y=2",
        "extra_image_urls": ["https://img.example.com/b.jpg", "https://img.example.com/c.jpg"],
        "callback_url": "https://hooks.example.com/done?id=<1>",
        "customer_folder": "folder/ä",
    }
    names = {p.python for p in operation.params}
    optional = {
        "developer_api_key": "dev-key",
        "application_code": "app-code",
        "template_id": 102,
        "color_reference_file_url": "https://img.example.com/ref.jpg",
        "additional_resource_file_url": "https://img.example.com/res.zip",
        "additional_resource_file_urls": ["https://img.example.com/r1.zip", "r2"],
        "requested_delivery_hours": 48,
        "deadline": DEADLINE,
        "instruction": "remove the hanger & keep the shadow <2>",
        "colorway_ids": [5, 8],
        "color_change_requests": [
            ColorChangeRequest([MarkerInfo(10, 20), MarkerInfo(0, 2147483647)], "red", "r.jpg"),
            ColorChangeRequest(),
        ],
    }
    args.update({k: v for k, v in optional.items() if k in names})
    args.update(more)
    return args


@pytest.mark.parametrize(("operation", "protocol"), matrix(*SUBMISSIONS))
def test_submission_lands_and_reads_back(
    writable: str, client_for: ClientFor, operation: ops.Operation, protocol: str
) -> None:
    client = client_for(writable, protocol)
    cid, pid = unique("cid"), unique("pid")
    submitted = client._invoke(
        operation, **submission_arguments(operation, customer_image_id=cid, product_id=pid)
    )
    assert isinstance(submitted, SubmittedImage)
    assert (submitted.customer_image_id, submitted.is_trial, submitted.extra) == (cid, False, {})
    expected = new_image(submitted.image_ticket, cid, pid)

    assert client._invoke(ops.GET_IMAGE_STATUS, customer_image_id=cid) == expected
    by_ticket = client._invoke(ops.GET_IMAGE_STATUS, image_ticket=submitted.image_ticket)
    assert by_ticket == expected
    listed = client._invoke(ops.GET_IMAGES_LIST, page=1, product_id=pid)
    assert listed == (expected,)
    dated = client._invoke(ops.GET_IMAGES_LIST, page=1, product_id=pid, from_date=TODAY,
                           to_date=TODAY)
    assert dated == (expected,)
    assert find_statistic(client, pid) == ProductIdStatistic(pid, 0, 1)

    again = api_error(lambda: client._invoke(
        operation, **submission_arguments(operation, customer_image_id=cid)))
    assert again.message == "Duplicate customerImageId"
    assert client._invoke(ops.GET_IMAGES_LIST, page=1, product_id=pid) == (expected,)


@pytest.mark.parametrize(("operation", "protocol"), matrix(*SUBMISSIONS))
def test_submission_without_ids(
    writable: str, client_for: ClientFor, operation: ops.Operation, protocol: str
) -> None:
    client = client_for(writable, protocol)
    arguments = {k: v for k, v in submission_arguments(operation).items()
                 if k in ("image_url", "template_id", "application_code", "instruction",
                          "colorway_ids", "additional_resource_file_urls")}
    if operation is not ops.ADD_PARTNER_IMAGE_TO_QUEUE:
        arguments["developer_api_key"] = "dev-key"
    submitted = client._invoke(operation, **arguments)
    assert (submitted.customer_image_id, submitted.is_trial) == (None, False)
    found = client._invoke(ops.GET_IMAGE_STATUS, image_ticket=submitted.image_ticket)
    assert found == new_image(submitted.image_ticket, None, None)


def find_statistic(client: pixelz.Client, product_id: str) -> ProductIdStatistic | None:
    for page in itertools.count(1):
        stats = client._invoke(ops.GET_PRODUCT_IDS_LIST, page=page, per_page=100)
        for s in stats:
            if s.product_id == product_id:
                return s  # type: ignore[no-any-return]
        if len(stats) < 100:
            return None
    raise AssertionError("unreachable")


# Server-side faults of the submissions, in check order: (wire overrides, message).
SUBMISSION_FAULTS: list[tuple[str, dict[str, str], str]] = [
    ("no-developer-key", {"developerAPIkey": ""}, "developerAPIkey is required"),
    ("no-application-code", {"applicationCode": ""}, "applicationCode is required"),
    ("template-text", {"templateId": "abc"}, "Invalid templateId"),
    ("template-unknown", {"templateId": "999"}, "Invalid templateId"),
    ("template-empty", {"templateId": ""}, "Invalid templateId"),
    ("template-before-url", {"templateId": "x", "imageURL": ""}, "Invalid templateId"),
    ("no-image-url", {"imageURL": ""}, "imageURL is required"),
    ("delivery-text", {"imageRequestedDeliveryTimeInHours": "two"},
     "Invalid imageRequestedDeliveryTimeInHours"),
    ("delivery-sign", {"imageRequestedDeliveryTimeInHours": "-1"},
     "Invalid imageRequestedDeliveryTimeInHours"),
    ("deadline-date-only", {"imageDeadlineDateTimeUTC": "2027-01-02"},
     "Invalid imageDeadlineDateTimeUTC"),
    ("deadline-not-a-day", {"imageDeadlineDateTimeUTC": "2027-02-30 10:00:00"},
     "Invalid imageDeadlineDateTimeUTC"),
    ("deadline-iso-t", {"imageDeadlineDateTimeUTC": "2027-01-02T03:04:05"},
     "Invalid imageDeadlineDateTimeUTC"),
    ("credentials-first", {"contactAPIkey": "wrong", "imageURL": ""}, CREDENTIALS_FAULT),
]


def submission_fault_cases() -> list[Any]:
    cases = []
    for op, protocol in ((p.values[0], p.values[1]) for p in matrix(*SUBMISSIONS)):
        assert isinstance(op, ops.Operation)
        for name, overrides, message in SUBMISSION_FAULTS:
            if not set(overrides) <= set(op.parameters):
                continue
            cases.append(pytest.param(op, protocol, overrides, message,
                                      id=f"{op.name}-{protocol}-{name}"))
    return cases


@pytest.mark.parametrize(("operation", "protocol", "overrides", "message"),
                         submission_fault_cases())
def test_submission_faults(
    writable: str, operation: ops.Operation, protocol: str, overrides: dict[str, str],
    message: str,
) -> None:
    cid = unique("refused")
    values = valid_submission(operation, customerImageId=cid, **overrides)
    assert raw_error(writable, protocol, operation, values) == message
    assert raw_error(writable, protocol, ops.GET_IMAGE_STATUS,
                     {"customerImageId": cid}) == "Image not found"


def valid_submission(operation: ops.Operation, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "developerAPIkey": "dev", "applicationCode": "app", "templateId": "101",
        "imageURL": "https://img.example.com/a.jpg", "colorwayIds": ["5"],
        "additionalResourceFileURLs": ["r"], "instruction": "i",
    }
    values = {k: v for k, v in values.items() if k in operation.parameters}
    values.update(overrides)
    return values


# --------------------------------------------------------------------------- delete, reject


@pytest.mark.parametrize(("operation", "protocol"), matrix(ops.DELETE_IMAGE_FROM_QUEUE))
@pytest.mark.parametrize("by", ["customer_image_id", "image_ticket"])
def test_delete(
    writable: str, client_for: ClientFor, operation: ops.Operation, protocol: str, by: str
) -> None:
    client = client_for(writable, protocol)
    cid, pid = unique("del"), unique("del-pid")
    submitted = client._invoke(ops.WHITE_GLOVE_SERVICE, image_url="u", customer_image_id=cid,
                               product_id=pid, developer_api_key="d")
    key = {"customer_image_id": cid, "image_ticket": submitted.image_ticket}[by]
    assert client._invoke(operation, **{by: key}) is None
    gone = api_error(lambda: client._invoke(ops.GET_IMAGE_STATUS, customer_image_id=cid))
    assert gone.message == "Image not found"
    assert client._invoke(ops.GET_IMAGES_LIST, page=1, product_id=pid) == ()
    assert find_statistic(client, pid) is None
    again = api_error(lambda: client._invoke(operation, **{by: key}))
    assert again.message == "Image not found"


@pytest.mark.parametrize("protocol", ALL)
def test_delete_refuses_an_image_in_production(
    writable: str, client_for: ClientFor, protocol: str
) -> None:
    client = client_for(writable, protocol)
    ticket = uuid.UUID(IN_PRODUCTION["ImageTicket"])
    before = client._invoke(ops.GET_IMAGE_STATUS, image_ticket=ticket)
    error = api_error(lambda: client._invoke(ops.DELETE_IMAGE_FROM_QUEUE, image_ticket=ticket))
    assert error.message == "Image is already in production"
    assert client._invoke(ops.GET_IMAGE_STATUS, image_ticket=ticket) == before


@pytest.mark.parametrize(("operation", "protocol"), matrix(ops.REJECT_PROCESSED_IMAGE))
def test_reject(
    writable: str, client_for: ClientFor, delivered: Iterator[dict[str, Any]],
    operation: ops.Operation, protocol: str,
) -> None:
    client = client_for(writable, protocol)
    record = next(delivered)
    ticket = uuid.UUID(record["ImageTicket"])
    before = client._invoke(ops.GET_IMAGE_STATUS, image_ticket=ticket)
    assert before.status_id == 80
    assert client._invoke(operation, image_ticket=ticket, comment="the hem is cut",
                          markup_image_url="https://img.example.com/markup.png") is None
    after = client._invoke(ops.GET_IMAGE_STATUS, image_ticket=ticket)
    assert after == ImageStatus(ticket, before.customer_image_id, before.product_id,
                                "In Production", 60, before.is_paid,
                                before.thumbnail_image_url, ())
    again = api_error(lambda: client._invoke(operation, image_ticket=ticket, comment="again"))
    assert again.message == "Only delivered images can be rejected"


@pytest.mark.parametrize("protocol", ALL)
def test_reject_refuses_a_new_image(writable: str, client_for: ClientFor, protocol: str) -> None:
    client = client_for(writable, protocol)
    cid = unique("rej-new")
    client._invoke(ops.WHITE_GLOVE_SERVICE, image_url="u", customer_image_id=cid,
                   developer_api_key="d")
    error = api_error(lambda: client._invoke(ops.REJECT_PROCESSED_IMAGE, customer_image_id=cid,
                                             comment="c"))
    assert error.message == "Only delivered images can be rejected"
    assert client._invoke(ops.GET_IMAGE_STATUS, customer_image_id=cid).status_id == 10


LOOKUP_FAULTS: list[tuple[str, ops.Operation, dict[str, str], str]] = [
    ("delete-nothing", ops.DELETE_IMAGE_FROM_QUEUE, {},
     "imageTicket or customerImageId is required"),
    ("delete-bad-ticket", ops.DELETE_IMAGE_FROM_QUEUE, {"imageTicket": "nope"},
     "Invalid imageTicket"),
    ("reject-nothing", ops.REJECT_PROCESSED_IMAGE, {"comment": "c"},
     "imageTicket or customerImageId is required"),
    ("reject-unknown", ops.REJECT_PROCESSED_IMAGE, {"customerImageId": "no-such", "comment": ""},
     "Image not found"),
    ("reject-no-comment", ops.REJECT_PROCESSED_IMAGE,
     {"imageTicket": IN_PRODUCTION["ImageTicket"], "comment": ""}, "comment is required"),
]


@pytest.mark.parametrize("protocol", ALL)
@pytest.mark.parametrize(("operation", "overrides", "message"),
                         [pytest.param(*c[1:], id=c[0]) for c in LOOKUP_FAULTS])
def test_lookup_faults(
    writable: str, protocol: str, operation: ops.Operation, overrides: dict[str, str],
    message: str,
) -> None:
    assert raw_error(writable, protocol, operation, overrides) == message


# --------------------------------------------------------------------------- contact


@pytest.mark.parametrize(("operation", "protocol"), matrix(ops.EDIT_CONTACT))
def test_edit_contact(
    writable: str, client_for: ClientFor, operation: ops.Operation, protocol: str
) -> None:
    client = client_for(writable, protocol)
    name, company = unique("Name <&>"), unique("Company ä")
    assert client._invoke(operation, name=name, company=company, city="Hanoi",
                          timezone_index=7, billing_email="billing@example.com",
                          receive_newsletter=True) is None
    assert client._invoke(ops.GET_CONTACT_DETAILED) == model_contact(name, company)
    # Unset (empty) parameters leave their field alone.
    other = unique("Only name")
    assert client._invoke(operation, name=other) is None
    assert client._invoke(ops.GET_CONTACT_DETAILED) == model_contact(other, company)


CONTACT_FAULTS = [
    ("timezone-text", {"timezoneIndex": "UTC+7"}, "Invalid timezoneIndex"),
    ("timezone-sign", {"timezoneIndex": "-1"}, "Invalid timezoneIndex"),
    ("newsletter-yes", {"isReceivedNewslater": "yes"}, "Invalid isReceivedNewslater"),
    ("newsletter-1", {"isReceivedNewslater": "1"}, "Invalid isReceivedNewslater"),
]


@pytest.mark.parametrize("protocol", ALL)
@pytest.mark.parametrize(("overrides", "message"),
                         [pytest.param(*c[1:], id=c[0]) for c in CONTACT_FAULTS])
def test_edit_contact_faults_change_nothing(
    writable: str, client_for: ClientFor, protocol: str, overrides: dict[str, str],
    message: str,
) -> None:
    before = client_for(writable, protocol)._invoke(ops.GET_CONTACT_DETAILED)
    values = {"contactName": "never shown", **overrides}
    assert raw_error(writable, protocol, ops.EDIT_CONTACT, values) == message
    assert client_for(writable, protocol)._invoke(ops.GET_CONTACT_DETAILED) == before


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize(("operation", "protocol"), matrix(ops.ADD_TEMPLATE))
def test_add_template(
    writable: str, client_for: ClientFor, operation: ops.Operation, protocol: str
) -> None:
    client = client_for(writable, protocol)
    name = unique("Template & <1>")
    added = client._invoke(
        operation, name=name, output_format="png", delivery_time_hours=12, background_type=1,
        background_color="#FFFFFF", resize_type=2, resize_width=800, resize_height=600,
        margin_type=1, margin_top=4, margin_right=2, shadow_type=1, is_combined_images=True,
        is_kept_model=False, comment="c", callback_url="https://hooks.example.com/t",
        margin_vertical_alignment="top",
    )
    assert isinstance(added, AddedTemplate)
    assert added.extra == {}
    assert added.template_id is not None and added.template_id > 103
    spec = client._invoke(ops.GET_TEMPLATE_SPEC, template_id=added.template_id)
    assert spec == TemplateSpec(
        added.template_id, name, None, None, TODAY, None, False, "PNG", 12, 1, "#FFFFFF", None,
        2, 0, 800, 600, 0, 0, 1, 4, 0, 0, 2,
    )
    listed = client._invoke(ops.GET_TEMPLATES)
    assert listed[-1] == Template(added.template_id, NEW_TEMPLATE_CONTACT_ID, name, None, True,
                                  0, False, False, None, None, False, None)
    assert [t.template_id for t in listed] == sorted(t.template_id for t in listed)
    assert listed[:3] == model_templates()

    # A submission may use it at once.
    submitted = client._invoke(ops.ADD_STACK_IMAGE_TO_QUEUE, image_url="u", colorway_ids=[1],
                               template_id=added.template_id, developer_api_key="d")
    assert submitted.is_trial is False


@pytest.mark.parametrize(("operation", "protocol"), matrix(ops.ADD_TEMPLATE))
def test_add_template_result_level_error(
    writable: str, client_for: ClientFor, operation: ops.Operation, protocol: str
) -> None:
    client = client_for(writable, protocol)
    before = client._invoke(ops.GET_TEMPLATES)
    error = api_error(lambda: client._invoke(
        operation, name=unique("gif"), output_format="GIF", delivery_time_hours=1))
    assert (error.code, error.message, error.status_code) == (
        "InvalidOutputFormat", "Unsupported output format", 200)
    assert client._invoke(ops.GET_TEMPLATES) == before


TEMPLATE_FAULTS = [
    ("no-name", {"templateName": "", "templateOutputFormat": "JPG"}, "templateName is required"),
    ("name-before-format", {"templateName": "", "templateOutputFormat": "GIF"},
     "templateName is required"),
    ("delivery-text", {"deliveryTimeInHour": "x"}, "Invalid deliveryTimeInHour"),
    ("background-type", {"backgroundType": "1.5"}, "Invalid backgroundType"),
    ("margin-right", {"marginRight": "2147483648"}, "Invalid marginRight"),
    ("shadow-type", {"shadowType": "soft"}, "Invalid shadowType"),
    ("combined", {"isCombinedImages": "yes"}, "Invalid isCombinedImages"),
    ("kept-model", {"isKeptModel": "0"}, "Invalid isKeptModel"),
    ("in-order", {"resizeUnit": "x", "resizeHeight": "y"}, "Invalid resizeUnit"),
]


@pytest.mark.parametrize("protocol", ALL)
@pytest.mark.parametrize(("overrides", "message"),
                         [pytest.param(*c[1:], id=c[0]) for c in TEMPLATE_FAULTS])
def test_add_template_faults(
    writable: str, client_for: ClientFor, protocol: str, overrides: dict[str, str],
    message: str,
) -> None:
    name = unique("never")
    values = {"templateName": name, "templateOutputFormat": "JPG", **overrides}
    assert raw_error(writable, protocol, ops.ADD_TEMPLATE, values) == message
    names = [t.name for t in client_for(writable, protocol)._invoke(ops.GET_TEMPLATES)]
    assert name not in names


@pytest.mark.parametrize("protocol", ALL)
def test_add_template_format_is_checked_before_the_numbers(
    writable: str, protocol: str
) -> None:
    values = {"templateName": unique("n"), "templateOutputFormat": "bmp",
              "deliveryTimeInHour": "x"}
    response = raw_call(writable, protocol, ops.ADD_TEMPLATE, values)
    assert response.status_code == 200
    result = result_element(response, ops.ADD_TEMPLATE)
    assert [(child.tag.rpartition("}")[2], child.text) for child in result] == [
        ("TemplateId", "0"), ("ErrorCode", "InvalidOutputFormat"),
        ("Message", "Unsupported output format"),
    ]


READ_FAULTS: list[tuple[str, ops.Operation, dict[str, str], str]] = [
    ("spec-text", ops.GET_TEMPLATE_SPEC, {"templateId": "abc"}, "Invalid templateId"),
    ("spec-empty", ops.GET_TEMPLATE_SPEC, {"templateId": ""}, "Invalid templateId"),
    ("spec-overflow", ops.GET_TEMPLATE_SPEC, {"templateId": "2147483648"}, "Invalid templateId"),
    ("spec-unknown-zero", ops.GET_TEMPLATE_SPEC, {"templateId": "0"}, "Template not found"),
    ("invoices-from", ops.GET_INVOICE_LIST, {"fromDate": "2026-02-30"}, "Invalid fromDate"),
    ("invoices-to", ops.GET_INVOICE_LIST, {"toDate": "2026/01/01"}, "Invalid toDate"),
    ("invoices-page-0", ops.GET_INVOICE_LIST, {"page": "0"}, "Invalid page"),
    ("invoices-order", ops.GET_INVOICE_LIST, {"page": "x", "toDate": "x"}, "Invalid toDate"),
    ("products-page", ops.GET_PRODUCT_IDS_LIST, {"page": "-1"}, "Invalid page"),
    ("products-per-page-0", ops.GET_PRODUCT_IDS_LIST, {"productIdsPerPage": "0"},
     "Invalid productIdsPerPage"),
    ("products-per-page-text", ops.GET_PRODUCT_IDS_LIST, {"productIdsPerPage": "ten"},
     "Invalid productIdsPerPage"),
]


@pytest.mark.parametrize("protocol", ALL)
@pytest.mark.parametrize(("operation", "overrides", "message"),
                         [pytest.param(*c[1:], id=c[0]) for c in READ_FAULTS])
def test_read_faults(
    pristine: str, protocol: str, operation: ops.Operation, overrides: dict[str, str],
    message: str,
) -> None:
    assert raw_error(pristine, protocol, operation, overrides) == message


READ_EDGES: list[tuple[str, ops.Operation, dict[str, str], Any]] = [
    ("products-per-page-huge", ops.GET_PRODUCT_IDS_LIST, {"productIdsPerPage": "99999999999"},
     model_product_ids(1, 100)),
    ("products-per-page-007", ops.GET_PRODUCT_IDS_LIST, {"productIdsPerPage": "007"},
     model_product_ids(1, 7)),
    ("invoices-empty-page", ops.GET_INVOICE_LIST, {"page": ""}, model_invoices()),
]


@pytest.mark.parametrize("protocol", ALL)
@pytest.mark.parametrize(("operation", "overrides", "expected"),
                         [pytest.param(*c[1:], id=c[0]) for c in READ_EDGES])
def test_read_edges(
    pristine: str, client_for: ClientFor, protocol: str, operation: ops.Operation,
    overrides: dict[str, str], expected: Any,
) -> None:
    """Values the SDK never sends, read through the SDK's parser."""
    from pixelz._parser import parse_response

    response = raw_call(pristine, protocol, operation, overrides)
    values = raw_values(operation, overrides)
    call = ops.Call(operation, tuple(values.get(name) for name in operation.parameters))
    assert parse_response(call, response, protocol) == expected


# --------------------------------------------------------------------------- protocol limits


@pytest.mark.parametrize("protocol", ["http_get", "http_post"])
def test_add_image_to_queue_is_not_sent_over_get_post(
    writable: str, client_for: ClientFor, protocol: str
) -> None:
    client = client_for(writable, protocol)
    cid = unique("blocked")
    with pytest.raises(ProtocolBlockedError):
        client._invoke(ops.ADD_IMAGE_TO_QUEUE, image_url="u", template_id=101,
                       developer_api_key="d", customer_image_id=cid, colorway_ids=[1],
                       additional_resource_file_urls=["a"])
    gone = api_error(lambda: client._invoke(ops.GET_IMAGE_STATUS, customer_image_id=cid))
    assert gone.message == "Image not found"


@pytest.mark.parametrize("protocol", ["http_get", "http_post"])
@pytest.mark.parametrize("operation", [ops.ADD_IMAGE_WITH_INSTRUCTION_TO_QUEUE,
                                       ops.ADD_STACK_IMAGE_TO_QUEUE], ids=lambda o: o.name)
def test_empty_array_goes_over_soap_only(
    writable: str, client_for: ClientFor, protocol: str, operation: ops.Operation
) -> None:
    cid = unique("empty-array")
    arguments = submission_arguments(operation, customer_image_id=cid, colorway_ids=[])
    with pytest.raises(ProtocolBlockedError):
        client_for(writable, protocol)._invoke(operation, **arguments)
    # With SOAP behind it, the call falls back and lands once.
    both = client_for(writable, protocol, "soap11")
    submitted = both._invoke(operation, **arguments)
    assert submitted.customer_image_id == cid
    found = both._invoke(ops.GET_IMAGE_STATUS, customer_image_id=cid)
    assert found == new_image(submitted.image_ticket, cid, None)


GET_POST_METHOD_NOT_VALID = re.compile(
    r"(\{0\}|AddImageToQueue) Web Service method name is not valid\.\n")


@pytest.mark.parametrize("protocol", ["http_get", "http_post"])
def test_raw_add_image_to_queue_over_get_post(writable: str, protocol: str) -> None:
    cid = unique("raw-aitq")
    values = valid_submission(ops.ADD_IMAGE_TO_QUEUE, customerImageId=cid)
    response = raw_call(writable, protocol, ops.ADD_IMAGE_TO_QUEUE, values)
    assert (response.status_code, response.headers["content-type"]) == (
        500, "text/plain; charset=utf-8")
    assert GET_POST_METHOD_NOT_VALID.fullmatch(response.text)
    assert raw_error(writable, protocol, ops.GET_IMAGE_STATUS,
                     {"customerImageId": cid}) == "Image not found"


# Mono leaves the placeholders of framework messages unfilled; .NET, and so the emulator,
# fills them in (the value and the type).
NULL_REFERENCE = re.escape("Object reference not set to an instance of an object\n")
CANNOT_CONVERT = (r"Cannot convert (\{0\} to \{1\}|[^\n]* to System\.Int32)\.\n"
                  r"Parameter name: type ---> Input string was not in a correct format\.\n")

# Array fields over GET/POST, sent as given: (name, operation, fields, answer) where answer
# is a pattern of the remote error text, or None for success.
ARRAY_CASES: list[tuple[str, ops.Operation, dict[str, Any], str | None]] = [
    ("repeated", ops.ADD_STACK_IMAGE_TO_QUEUE, {"colorwayIds": ["5", "8"]}, None),
    ("repeated-both", ops.ADD_IMAGE_WITH_INSTRUCTION_TO_QUEUE,
     {"colorwayIds": ["5", "8"], "additionalResourceFileURLs": ["a", "b"]}, None),
    ("int-with-sign-and-spaces", ops.ADD_STACK_IMAGE_TO_QUEUE,
     {"colorwayIds": ["+5", " 7 ", "-1"]}, None),
    ("empty-string-item", ops.ADD_IMAGE_WITH_INSTRUCTION_TO_QUEUE,
     {"colorwayIds": ["5"], "additionalResourceFileURLs": [""]}, None),
    ("missing-int-array", ops.ADD_STACK_IMAGE_TO_QUEUE, {"colorwayIds": None}, NULL_REFERENCE),
    ("missing-string-array", ops.ADD_IMAGE_WITH_INSTRUCTION_TO_QUEUE,
     {"colorwayIds": ["5"], "additionalResourceFileURLs": None}, NULL_REFERENCE),
    ("empty-int-value", ops.ADD_STACK_IMAGE_TO_QUEUE, {"colorwayIds": [""]}, CANNOT_CONVERT),
    ("empty-among-ints", ops.ADD_STACK_IMAGE_TO_QUEUE, {"colorwayIds": ["5", ""]},
     CANNOT_CONVERT),
    ("comma-list", ops.ADD_STACK_IMAGE_TO_QUEUE, {"colorwayIds": ["5,6"]}, CANNOT_CONVERT),
]


@pytest.mark.parametrize("protocol", ["http_get", "http_post"])
@pytest.mark.parametrize(("operation", "fields", "answer"),
                         [pytest.param(*c[1:], id=c[0]) for c in ARRAY_CASES])
def test_raw_arrays_over_get_post(
    writable: str, protocol: str, operation: ops.Operation, fields: dict[str, Any],
    answer: str | None,
) -> None:
    cid = unique("raw-array")
    values = valid_submission(operation, customerImageId=cid, **fields)
    response = raw_call(writable, protocol, operation, values)
    lookup = raw_call(writable, protocol, ops.GET_IMAGE_STATUS, {"customerImageId": cid})
    if answer is None:
        assert response.status_code == 200, response.text
        assert lookup.status_code == 200
        return
    assert (response.status_code, response.headers["content-type"]) == (
        500, "text/plain; charset=utf-8")
    assert re.fullmatch(answer, response.text), response.text
    assert lookup.text == "Image not found\n"


# --------------------------------------------------------------------------- raw requests


def raw_values(operation: ops.Operation, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Every parameter in wire order: the credentials, the rest empty, then ``overrides``
    (None leaves a parameter out; a list is an array)."""
    values: dict[str, Any] = dict.fromkeys(operation.parameters, "")
    values.update(contactEmail=EMAIL, contactAPIkey=API_KEY)
    for param in operation.params:
        if param.type.is_array:
            values[param.wire] = []
    values.update(overrides)
    return values


def _soap_value(param: ops.Param, value: Any) -> str:
    if isinstance(value, list):
        item = param.type.item_element
        inner = "".join(f"<{item}>{escape(v)}</{item}>" for v in value)
        return f"<{param.wire}>{inner}</{param.wire}>"
    return f"<{param.wire}>{escape(value)}</{param.wire}>"


def raw_call(base_url: str, protocol: str, operation: ops.Operation,
             overrides: Mapping[str, Any]) -> httpx.Response:
    values = raw_values(operation, overrides)
    if protocol in ("soap11", "soap12"):
        params = {p.wire: p for p in operation.params}
        inner = "".join(_soap_value(params[k], v) for k, v in values.items() if v is not None)
        ns = SOAP11_NS if protocol == "soap11" else SOAP12_NS
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            f'<soap:Envelope xmlns:soap="{ns}"><soap:Body><{operation.name} xmlns="{NS}">'
            f"{inner}</{operation.name}></soap:Body></soap:Envelope>"
        ).encode()
        if protocol == "soap11":
            headers = {"Content-Type": "text/xml; charset=utf-8",
                       "SOAPAction": f'"{operation.soap_action}"'}
        else:
            headers = {"Content-Type": "application/soap+xml; charset=utf-8; "
                                       f'action="{operation.soap_action}"'}
        return httpx.post(base_url, content=body, headers=headers, timeout=30)
    fields = [
        (k, item)
        for k, v in values.items() if v is not None
        for item in (v if isinstance(v, list) else [v])
    ]
    url = f"{base_url}/{operation.name}"
    if protocol == "http_get":
        return httpx.get(url, params=fields, timeout=30)
    return httpx.post(url, content=urllib.parse.urlencode(fields).encode(), timeout=30,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})


def raw_error(base_url: str, protocol: str, operation: ops.Operation,
              overrides: Mapping[str, Any]) -> str:
    """The error message of a raw call (a SOAP fault's text, GET/POST's text/plain body)."""
    response = raw_call(base_url, protocol, operation, overrides)
    assert response.status_code == 500, response.text[:300]
    if protocol in ("soap11", "soap12"):
        root = etree.fromstring(response.content)
        if protocol == "soap11":
            code, text = root.findtext(".//faultcode"), root.findtext(".//faultstring")
            assert code == "soap:Client"
        else:
            ns = {"s": SOAP12_NS}
            code = root.findtext(".//s:Code/s:Value", namespaces=ns)
            text = root.findtext(".//s:Reason/s:Text", namespaces=ns)
            assert code == "soap:Sender"
        return text or ""
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text.endswith("\n")
    return response.text[:-1]


def result_element(response: httpx.Response, operation: ops.Operation) -> Any:
    root = etree.fromstring(response.content)
    if root.tag.endswith("}Envelope"):
        found = root.find(f".//{{{NS}}}{operation.result_element}")
        assert found is not None
        return found
    return root


# --------------------------------------------------------------------------- the reference itself
# Facts of Mono's stack that docs/reference-server.md records, checked on the session instance
# (local caller: full detail). None of these requests reaches a web method, so nothing changes.

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"


def _wire_type(type_: ops.WireType) -> str:
    if type_.is_array or type_.is_complex:
        return "tns:" + type_.name
    return "s:" + type_.name


@pytest.fixture(scope="module")
def reference_wsdl(reference_server: str) -> Any:
    return etree.fromstring(httpx.get(reference_server + "?WSDL", timeout=30).content)


def _schema_sequence(wsdl: Any, xpath: str) -> list[tuple[str, str]]:
    found = wsdl.xpath(xpath, namespaces={"s": XS, "w": WSDL})
    assert len(found) == 1, xpath
    return [(e.get("name"), e.get("type")) for e in found[0]]


@pytest.mark.reference
@pytest.mark.parametrize("operation", list(ops.OPERATIONS.values()), ids=lambda o: o.name)
def test_table_matches_the_reference_wsdl(reference_wsdl: Any, operation: ops.Operation) -> None:
    """Wire names, order and types of the parameters; the result type and its members."""
    schema = "w:types/s:schema"
    params = _schema_sequence(
        reference_wsdl, f"{schema}/s:element[@name='{operation.name}']/s:complexType/s:sequence")
    assert params == [(p.wire, _wire_type(p.type)) for p in operation.params]
    result = _schema_sequence(
        reference_wsdl,
        f"{schema}/s:element[@name='{operation.response_element}']/s:complexType/s:sequence")
    spec = operation.result
    assert spec is not None
    assert result == [(operation.result_element, "tns:" + spec.root)]
    members = [name for name, _ in _schema_sequence(
        reference_wsdl, f"{schema}/s:complexType[@name='{spec.root}']/s:sequence")]
    if spec.record is None:
        assert members == list(spec.status_members)
        return
    fields = list(dict.fromkeys(f.wire for f in spec.record.fields))
    if spec.inline:
        assert members == fields + list(spec.status_members)
    else:
        assert members == list(spec.path or (spec.record.element,))


@pytest.mark.reference
@pytest.mark.parametrize("verb", ["GET", "POST"])
def test_reference_get_post_bindings(reference_wsdl: Any, verb: str) -> None:
    port_type = reference_wsdl.find(f"{{{WSDL}}}portType[@name='SoapHttp{verb.title()}']")
    names = [o.get("name") for o in port_type.findall(f"{{{WSDL}}}operation")]
    assert names == [op.name for op in ops.OPERATIONS.values()
                     if op is not ops.ADD_IMAGE_TO_QUEUE]
    message = reference_wsdl.find(
        f"{{{WSDL}}}message[@name='AddImageWithInstructionToQueueHttp{verb.title()}In']")
    parts = {p.get("name"): p.get("type") for p in message}
    assert parts["colorwayIds"] == parts["additionalResourceFileURLs"] == "s2:StringArray"


LOCAL_ARRAY_ERRORS = [
    ("missing-array", ops.ADD_STACK_IMAGE_TO_QUEUE, {"colorwayIds": None},
     "System.NullReferenceException: Object reference not set to an instance of an object\n"
     "  at System.Web.Services.Protocols.ValueCollectionParameterReader.Read "),
    ("empty-int", ops.ADD_STACK_IMAGE_TO_QUEUE, {"colorwayIds": [""]},
     "System.ArgumentException: Cannot convert {0} to {1}.\nParameter name: type ---> "
     "System.FormatException: Input string was not in a correct format.\n  at "),
    ("complex-parameter", ops.ADD_IMAGE_TO_QUEUE, {},
     "System.InvalidOperationException: {0} Web Service method name is not valid.\n  at "),
]


@pytest.mark.reference
@pytest.mark.parametrize("protocol", ["http_get", "http_post"])
@pytest.mark.parametrize(("operation", "fields", "start"),
                         [pytest.param(*c[1:], id=c[0]) for c in LOCAL_ARRAY_ERRORS])
def test_reference_array_errors_for_a_local_caller(
    reference_server: str, protocol: str, operation: ops.Operation, fields: dict[str, Any],
    start: str,
) -> None:
    values = valid_submission(operation, customerImageId=unique("local"), **fields)
    response = raw_call(reference_server, protocol, operation, values)
    assert (response.status_code, response.headers["content-type"]) == (
        500, "text/plain; charset=utf-8")
    assert response.text.startswith(start)


@pytest.mark.reference
@pytest.mark.parametrize(("operation", "protocols", "test_form"), [
    ("AddImageToQueue", "Soap", "The test form is not available for this operation because "
                                "it has parameters with a complex structure."),
    ("AddStackImageToQueue", "Soap, HttpGet, HttpPost", "Enter values for the parameters"),
])
def test_reference_help_page_of_an_array_operation(
    reference_server: str, operation: str, protocols: str, test_form: str
) -> None:
    base = f"{reference_server}?page=op&op={operation}&bnd=SoapSoap&tab="
    main = httpx.get(base + "main", timeout=30).text
    assert f"Supported protocols: {protocols}" in main
    assert test_form in httpx.get(base + "test", timeout=30).text
