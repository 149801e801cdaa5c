"""The SDK over all four protocols, pinned in turn, against the servers' truth.

Each query of the matrix runs over SOAP 1.1, SOAP 1.2, HTTP POST and HTTP GET (one pinned
``pixelz.Client`` per protocol) against the Mono reference service and the emulator (the
``server`` fixture), and what the SDK returns must equal the truth, read without the SDK's
parser in two independent ways:

(a) the model: tests/reference_asmx/dataset.json through ``expected_list`` /
    ``expected_status`` (the Python model of the service), converted to ``ImageStatus`` field
    values by ``model_record`` below (a CR in data arrives as LF; null strings are None, empty
    ones ""; FinalImagesURL null or [] is (), nil items are dropped);
(b) the wire: the raw HTTP GET body of the same query, read by ``read_raw_records`` below
    (strict lxml after swapping ``&#x1;``-style references for stand-ins, so the control
    character is kept, as the SDK does; see ``_reference.parse_asmx`` for why not ``recover=True``).

(a) and (b) are compared with each other too (``test_raw_get_reader_agrees_with_model``).
(c) zeep over SOAP 1.1, from the server's live ``?WSDL``, is a third opinion: zeep's strict
lxml rejects a response holding ``&#x1;`` (record 8), so it only runs the queries whose result
leaves record 8 out, and since zeep reads ``<X />`` as None it can only tell values apart up
to that (``zeep_view``).

Equality to the truth on each protocol is what "identical across protocols" means here;
``compare_protocols`` checks the same from the SDK's side.
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import logging
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import attrs
import httpx
import pytest

import pixelz
from pixelz import (
    APIError,
    ImageStatus,
    Protocol,
    ProtocolBlockedError,
    SortBy,
    Status,
)

from ..conftest import ServerUnderTest
from . import _reference as ref

NS = "{" + ref.NAMESPACE + "}"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
PROTOCOLS = [p.value for p in Protocol]
FIELDS = [a.name for a in attrs.fields(ImageStatus)]
CONTROL_RECORD_ID = 8  # CustomerImageId "ctrl\x01char": ASMX writes "ctrl&#x1;char"

Record = tuple[Any, ...]  # ImageStatus field values, in field order

# --------------------------------------------------------------------------- the matrix
#
# list_images queries: SDK keyword arguments. Their wire form for the model is computed by
# ``wire_list_params`` below, independently of the SDK's argument handling.

D = datetime.date
LIST_QUERIES: dict[str, dict[str, Any]] = {
    # no filter (server default page size 50)
    "no_filter": {},
    # each filter
    "status_int": {"status": 80},
    "status_enum": {"status": Status.IN_PRODUCTION},
    "status_name": {"status": "delivered"},
    "status_unknown_55": {"status": 55},
    "status_unknown_99": {"status": 99},
    "status_zero": {"status": 0},
    "exclude_status": {"exclude_status": 10, "per_page": 100},
    "exclude_status_page2": {"exclude_status": Status.NEW, "per_page": 100, "page": 2},
    "product": {"product_id": "prod-a"},
    "product_other_case": {"product_id": "PROD-A"},
    "product_ampersand": {"product_id": "shoes & bags"},
    "product_padded": {"product_id": " prod-a "},
    "product_non_ascii": {"product_id": "prod-é"},
    "from_date": {"from_date": "2026-12-01"},
    "to_date": {"to_date": D(2026, 1, 31)},
    "date_first_day": {"from_date": "2026-01-01", "to_date": "2026-01-01"},
    "date_last_day": {"from_date": D(2026, 12, 31), "to_date": D(2026, 12, 31)},
    # filters combined
    "status_and_product": {"status": 70, "product_id": "prod-a"},
    "status_product_dates_sorted": {
        "status": 80, "product_id": "PROD-A", "from_date": "2026-03-01",
        "to_date": "2026-10-31", "sort_by": "date", "descending": True,
    },
    "exclude_product_dates": {
        "exclude_status": 60, "product_id": "prod-a", "from_date": D(2026, 2, 1),
        "to_date": D(2026, 11, 30), "per_page": 100,
    },
    "status_and_exclude": {"status": 70, "exclude_status": 80, "per_page": 100},
    # each sort, both directions (a full page of 100, so tie-breaks show)
    "sort_id_asc": {"sort_by": "id", "descending": False, "per_page": 100},
    "sort_id_desc": {"sort_by": SortBy.ID, "descending": True, "per_page": 100},
    "sort_date_asc": {"sort_by": "date", "per_page": 100},
    "sort_date_desc": {"sort_by": SortBy.DATE, "descending": True, "per_page": 100},
    "sort_status_asc": {"sort_by": "status", "descending": False, "per_page": 100},
    "sort_status_desc": {"sort_by": "status", "descending": True, "per_page": 100},
    "sort_status_desc_page3": {"sort_by": SortBy.STATUS, "descending": True, "per_page": 100,
                               "page": 3},
    "sort_date_ties": {"from_date": "2026-03-15", "to_date": "2026-03-15", "sort_by": "date",
                       "descending": True},
    # pages: first, middle, last partial, past the end
    "page_first": {"per_page": 100, "page": 1},
    "page_middle": {"per_page": 100, "page": 2},
    "page_last_partial": {"per_page": 100, "page": 3},
    "page_past_end": {"per_page": 100, "page": 4},
    "page7_last_partial": {"per_page": 7, "page": 36},
    "page7_past_end": {"per_page": 7, "page": 37},
    "page1_last_record": {"per_page": 1, "page": 250},
    "page1_past_end": {"per_page": 1, "page": 251},
    "filtered_last_partial": {"status": 80, "per_page": 25, "page": 3},
    "filtered_past_end": {"status": 80, "per_page": 25, "page": 4},
    "default_size_page5": {"page": 5},
    # empty results
    "empty_status": {"status": 12345},
    "empty_product": {"product_id": "no-such-product"},
    # (a reversed range, which the server answers with nothing, is refused by the SDK before
    # any I/O with InvalidArgumentError, by design)
    "empty_date_range": {"from_date": "2027-01-01", "to_date": "2027-12-31"},
    "empty_combined": {"status": 10, "product_id": "prod-é"},
}

# What is sent and read differs by protocol for values that need escaping and for empty,
# partial and full pages: those queries run over every protocol. The others exercise the
# server's filters, sorts and paging, which the raw GET answer and the model check per query
# (test_raw_get_reader_agrees_with_model): they run over one protocol each, in turn.
EVERY_PROTOCOL = {
    "no_filter", "product_other_case", "product_ampersand", "product_padded",
    "product_non_ascii", "status_product_dates_sorted", "sort_date_ties", "page_last_partial",
    "page_past_end", "page1_last_record", "empty_status", "empty_combined",
}


def protocols_for(query_id: str) -> list[str]:
    if query_id in EVERY_PROTOCOL:
        return PROTOCOLS
    return [PROTOCOLS[list(LIST_QUERIES).index(query_id) % len(PROTOCOLS)]]


LIST_CASES = [
    pytest.param(protocol, query_id, id=f"{protocol}-{query_id}")
    for query_id in LIST_QUERIES for protocol in protocols_for(query_id)
]

# GetImageStatus: by ticket (record Id -> the ticket from the data set) or by customer id.
STATUS_BY_TICKET = [1, 2, 3, 4, 5, 6, 7, CONTROL_RECORD_ID, 9, 11, 12, 15, 16, 17, 18, 19, 20,
                    130, 250]
STATUS_BY_CUSTOMER_ID = {
    "dup": "dup-id",  # two records: the lowest Id wins
    "quotes_amp": 'c1 <&> "quoted" \'apos\'',
    "spaces": "  leading and trailing  ",
    "newline": "line1\nline2",
    "tab": "tab\there",
    "carriage_return": "carriage\rreturn",  # SOAP must send it as &#xD; to match
    "crlf": "\r\n crlf \r\n",
    "astral": "café 日本 😀 📷",
    "cdata_end": "]]> cdata end",
    "single_space": " ",
    "many_urls": "many-urls",
}

# Faults the service produces: (operation, SDK kwargs, client overrides), with the model's
# message computed from the same inputs.
FAULTS: dict[str, tuple[str, dict[str, Any], dict[str, str]]] = {
    "list_bad_key": ("list", {}, {"contact_api_key": "wrong-key"}),
    "list_bad_email": ("list", {"status": 80}, {"contact_email": "nobody@example.com"}),
    "status_bad_key": (
        "ticket", {"image_ticket": uuid.UUID(int=1)}, {"contact_api_key": "bad-key-123"}
    ),
    "list_server_failure": ("list", {"product_id": "__boom__"}, {}),
    "ticket_not_found": ("ticket", {"image_ticket": uuid.UUID(int=7)}, {}),
    "customer_id_not_found": ("customer", {"customer_image_id": "no-such-id"}, {}),
}

STATUS_IDS = {"new": 10, "in_production": 60, "production_finished": 70, "delivered": 80}

# --------------------------------------------------------------------------- truth (a): model


def wire_text(value: Any) -> str:
    """How a list argument goes over the wire, written out by hand."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Status):
        return str(int(value))
    if isinstance(value, SortBy):
        return value.value
    if isinstance(value, (int, D)):
        return str(value) if isinstance(value, int) else value.isoformat()
    return str(value)


def wire_list_params(query: dict[str, Any]) -> dict[str, str]:
    status = query.get("status")
    if isinstance(status, str):
        status = STATUS_IDS[status.lower()]
    return {
        "imageStatus": wire_text(status),
        "excludeImageStatus": wire_text(query.get("exclude_status")),
        "productId": wire_text(query.get("product_id")),
        "fromDate": wire_text(query.get("from_date")),
        "toDate": wire_text(query.get("to_date")),
        "page": wire_text(query.get("page", 1)),
        "imagesPerPage": wire_text(query.get("per_page")),
        "sortBy": wire_text(query.get("sort_by")),
        "isDescending": wire_text(query.get("descending")),
    }


def _arrived(value: str | None) -> str | None:
    """A string as any XML reader sees it after the trip: CR (and CRLF) become LF."""
    if value is None:
        return None
    return value.replace("\r\n", "\n").replace("\r", "\n")


def model_record(row: dict[str, Any]) -> Record:
    """A data set record as the ImageStatus field values a correct client must produce."""
    finals = row["FinalImagesURL"] or []
    return (
        uuid.UUID(row["ImageTicket"]),
        _arrived(row["CustomerImageId"]),
        _arrived(row["ProductId"]),
        _arrived(row["StatusName"]),
        row["StatusId"],
        row["IsPaid"],
        _arrived(row["ThumbnailImageURL"]),
        tuple(_arrived(u) for u in finals if u is not None),
    )


def model_list(dataset: list[dict[str, Any]], query: dict[str, Any]) -> list[Record]:
    return [model_record(r) for r in ref.expected_list(dataset, **wire_list_params(query))]


def model_all(dataset: list[dict[str, Any]], query: dict[str, Any]) -> list[Record]:
    """Every page of a query (what iter_images must yield)."""
    out: list[Record] = []
    page = 1
    while True:
        chunk = model_list(dataset, {**query, "per_page": 100, "page": page})
        out.extend(chunk)
        if len(chunk) < 100:
            return out
        page += 1


def sdk_record(image: ImageStatus) -> Record:
    return tuple(getattr(image, name) for name in FIELDS)


def assert_same_records(actual: list[Record], expected: list[Record], what: str) -> None:
    """Equality with a message naming the first differing record and field."""
    if actual == expected:
        return
    lines = [f"{what}: {len(actual)} records, expected {len(expected)}"]
    for index, (a, e) in enumerate(zip(actual, expected, strict=False)):
        for name, x, y in zip(FIELDS, a, e, strict=True):
            if x != y:
                lines.append(f"  record {index} ({e[0]}): {name} = {x!r}, expected {y!r}")
        if len(lines) > 12:
            break
    pytest.fail("\n".join(lines))


# --------------------------------------------------------------------------- truth (b): raw GET

_RAW_HTTP = httpx.Client(timeout=20)  # thread-safe; requests are built by hand below


def raw_get(base_url: str, operation: str, params: dict[str, str]) -> httpx.Response:
    """The HTTP GET request, built by hand: every parameter, unset ones empty."""
    query = urllib.parse.urlencode(ref.params_for(operation, **params))
    return _RAW_HTTP.get(f"{base_url}/{operation}?{query}")


def _raw_string(element: Any) -> str | None:
    if element is None or element.get(XSI_NIL) == "true":
        return None
    return ref.show_control_chars(element.text or "")


def read_raw_records(body: bytes) -> list[Record]:
    """ImageStatus records of a GET/POST body (root ImagesListResponse or ImageStatusResponse)."""
    assert chr(ref.STANDIN).encode() not in body  # (the stand-ins are not in the data)
    root = ref.parse_asmx(body)
    if root.tag == NS + "ImagesListResponse":
        images = root.find(NS + "Images")
        elements = [] if images is None else images.findall(NS + "ImageStatus")
    else:
        assert root.tag == NS + "ImageStatusResponse", root.tag
        elements = root.findall(NS + "ImageStatus")
    records = []
    for e in elements:
        finals_element = e.find(NS + "FinalImagesURL")
        finals: tuple[str, ...] = ()
        if finals_element is not None and finals_element.get(XSI_NIL) != "true":
            finals = tuple(
                ref.show_control_chars(s.text or "")
                for s in finals_element.findall(NS + "string")
                if s.get(XSI_NIL) != "true"
            )
        records.append((
            uuid.UUID(e.findtext(NS + "ImageTicket")),
            _raw_string(e.find(NS + "CustomerImageId")),
            _raw_string(e.find(NS + "ProductId")),
            _raw_string(e.find(NS + "StatusName")),
            int(e.findtext(NS + "StatusId")),
            {"true": True, "false": False}[e.findtext(NS + "IsPaid")],
            _raw_string(e.find(NS + "ThumbnailImageURL")),
            finals,
        ))
    return records


# --------------------------------------------------------------------------- truth (c): zeep


def zeep_view(records: list[Record]) -> list[Record]:
    """What zeep can tell: it reads ``<X />`` as None, and ``<string />`` items as None."""
    return [
        (r[0], r[1] or None, r[2] or None, r[3] or None, r[4], r[5], r[6] or None,
         tuple(u for u in r[7] if u))
        for r in records
    ]


def read_zeep_records(result: Any) -> list[Record]:
    if result is None:  # zeep's empty Images
        return []
    items = result.ImageStatus if hasattr(result, "ImageStatus") else [result]
    out = []
    for i in items:
        finals = i.FinalImagesURL.string if i.FinalImagesURL is not None else []
        out.append((
            uuid.UUID(i.ImageTicket), i.CustomerImageId or None, i.ProductId or None,
            i.StatusName or None, i.StatusId, i.IsPaid, i.ThumbnailImageURL or None,
            tuple(u for u in finals if u),
        ))
    return out


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module", autouse=True)
def _close_raw_http() -> Iterator[None]:
    yield
    _RAW_HTTP.close()


@pytest.fixture(scope="module")
def dataset(reference_dataset: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return reference_dataset


@pytest.fixture(scope="module")
def tickets(dataset: list[dict[str, Any]]) -> dict[int, str]:
    return {r["Id"]: r["ImageTicket"] for r in dataset}


ClientFor = Callable[..., pixelz.Client]


def _client_cache() -> Iterator[ClientFor]:
    clients: dict[tuple[Any, ...], pixelz.Client] = {}

    def get(base_url: str, protocols: Any, **kwargs: Any) -> pixelz.Client:
        key = (base_url, protocols if isinstance(protocols, str) or protocols is None
               else tuple(protocols), tuple(sorted(kwargs.items())))
        if key not in clients:
            kwargs.setdefault("contact_email", ref.EMAIL)
            kwargs.setdefault("contact_api_key", ref.API_KEY)
            clients[key] = pixelz.Client(
                base_url=base_url, protocols=protocols, timeout=20.0, max_retries=0, **kwargs
            )
        return clients[key]

    yield get
    for client in clients.values():
        client.close()


@pytest.fixture(scope="module")
def client_for() -> Iterator[ClientFor]:
    """``client_for(base_url, protocol)``: one shared Client per (server, protocol)."""
    yield from _client_cache()


class Prefetched:
    """The list_images and get_image_status matrix of one server, run concurrently when
    the module starts.

    A request answered with 50-100 records takes ~45 ms of latency and little CPU (and every
    emulator request currently takes ~45 ms, see the report), so the ~300 calls per server
    go through a thread pool (8 at a time) up front; each test then takes its own future's
    result, so failures still name protocol and query and re-raise the SDK's own exception.
    """

    def __init__(self, server: ServerUnderTest, client_for: ClientFor, zeep: Any,
                 tickets: dict[int, str]) -> None:
        self.sdk: dict[tuple[str, str], Future[pixelz.ImagesPage]] = {}
        self.raw: dict[str, Future[httpx.Response]] = {}
        self.zeep: dict[str, Future[Any]] = {}
        self.status_sdk: dict[tuple[str, str, Any], Future[ImageStatus]] = {}
        self.status_raw: dict[tuple[str, Any], Future[httpx.Response]] = {}
        clients = {p: client_for(server.base_url, p) for p in PROTOCOLS}
        with ThreadPoolExecutor(8, thread_name_prefix="matrix") as pool:
            for kind, key in STATUS_CASES:
                kwargs, wire = _status_lookup(kind, key, tickets)
                self.status_raw[kind, key] = pool.submit(
                    raw_get, server.base_url, "GetImageStatus", wire
                )
                for protocol in PROTOCOLS:
                    self.status_sdk[protocol, kind, key] = pool.submit(
                        clients[protocol].get_image_status, **kwargs
                    )
            for query_id, query in LIST_QUERIES.items():
                wire = wire_list_params(query)
                self.raw[query_id] = pool.submit(raw_get, server.base_url, "GetImagesList", wire)
                for protocol in protocols_for(query_id):
                    self.sdk[protocol, query_id] = pool.submit(
                        clients[protocol].list_images, **query
                    )
                if zeep is not None:
                    params = ref.params_for("GetImagesList", **wire)
                    self.zeep[query_id] = pool.submit(zeep.GetImagesList, **params)

    def raw_records(self, query_id: str) -> list[Record]:
        response = self.raw[query_id].result()
        assert response.status_code == 200, response.text[:500]
        assert response.headers["content-type"].startswith("text/xml"), response.headers
        return read_raw_records(response.content)


@pytest.fixture(scope="module")
def prefetched(
    server: ServerUnderTest, client_for: ClientFor, zeep_soap11: Any, tickets: dict[int, str]
) -> Prefetched:
    return Prefetched(server, client_for, zeep_soap11, tickets)


# zeep imports the SOAP encoding schema on its own whenever a WSDL uses soapenc:Array (the
# HTTP GET/POST messages of the array operations do) and would fetch it from the network.
SOAP_ENCODING = "http://schemas.xmlsoap.org/soap/encoding/"
SOAP_ENCODING_STUB = (
    f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{SOAP_ENCODING}">'
    '<xs:complexType name="Array"><xs:sequence><xs:any namespace="##any" minOccurs="0" '
    'maxOccurs="unbounded" processContents="lax"/></xs:sequence>'
    '<xs:anyAttribute namespace="##other" processContents="lax"/></xs:complexType>'
    '<xs:attribute name="arrayType" type="xs:string"/></xs:schema>'
).encode()


def _offline_transport(zeep: Any) -> Any:
    class Offline(zeep.Transport):  # type: ignore[misc, name-defined]
        def load(self, url: str) -> bytes:
            if url.rstrip("/") == SOAP_ENCODING.rstrip("/"):
                return SOAP_ENCODING_STUB
            return super().load(url)  # type: ignore[no-any-return]

    return Offline()


@pytest.fixture(scope="module")
def zeep_soap11(server: ServerUnderTest) -> Any:
    """A zeep service proxy bound to the SOAP 1.1 port of the server's live WSDL (None
    without zeep: the zeep tests then skip)."""
    try:
        import zeep
        from zeep.wsdl.bindings.soap import Soap11Binding
    except ImportError:
        return None

    client = zeep.Client(server.base_url + "?WSDL", transport=_offline_transport(zeep))
    for service in client.wsdl.services.values():
        for port in service.ports.values():
            if type(port.binding) is Soap11Binding:
                # The WSDL's address follows the Host header; bind to the URL we know.
                return client.create_service(port.binding.name, server.base_url)
    pytest.fail(f"no SOAP 1.1 port in the WSDL of {server.kind}")


# --------------------------------------------------------------------------- list_images


@pytest.mark.parametrize("query_id", list(LIST_QUERIES))
def test_raw_get_reader_agrees_with_model(
    server: ServerUnderTest, dataset: list[dict[str, Any]], prefetched: Prefetched,
    query_id: str,
) -> None:
    """The two truths agree: the server's own GET answer, read by hand, equals the model."""
    assert_same_records(
        prefetched.raw_records(query_id),
        model_list(dataset, LIST_QUERIES[query_id]),
        f"{server.kind} raw GET vs model, {query_id}",
    )


@pytest.mark.parametrize(("protocol", "query_id"), LIST_CASES)
def test_list_images(
    server: ServerUnderTest,
    client_for: ClientFor,
    dataset: list[dict[str, Any]],
    prefetched: Prefetched,
    protocol: str,
    query_id: str,
) -> None:
    query = LIST_QUERIES[query_id]
    page = prefetched.sdk[protocol, query_id].result()  # client.list_images(**query)
    assert page.protocol == Protocol(protocol)
    assert client_for(server.base_url, protocol).protocol == Protocol(protocol)
    assert page.page == query.get("page", 1)
    assert page.per_page == query.get("per_page")
    actual = [sdk_record(i) for i in page]
    expected = model_list(dataset, query)
    assert_same_records(actual, expected, f"{server.kind} {protocol} vs model")
    per_page = query.get("per_page")
    assert page.is_last == (not expected or (per_page is not None and len(expected) < per_page))
    assert_same_records(actual, prefetched.raw_records(query_id),
                        f"{server.kind} {protocol} vs raw GET")


@pytest.mark.parametrize("query_id", list(LIST_QUERIES))
def test_zeep_soap11_second_opinion(
    server: ServerUnderTest,
    dataset: list[dict[str, Any]],
    prefetched: Prefetched,
    query_id: str,
) -> None:
    query = LIST_QUERIES[query_id]
    expected = model_list(dataset, query)
    control_ticket = uuid.UUID(dataset[CONTROL_RECORD_ID - 1]["ImageTicket"])
    if any(r[0] == control_ticket for r in expected):
        pytest.skip("result holds record 8 (ctrl&#x1;char), which zeep's strict lxml rejects")
    if query_id not in prefetched.zeep:
        pytest.skip("zeep is not installed")
    theirs = read_zeep_records(prefetched.zeep[query_id].result())
    protocol = protocols_for(query_id)[0]
    ours = [sdk_record(i) for i in prefetched.sdk[protocol, query_id].result()]
    assert_same_records(theirs, zeep_view(expected), f"{server.kind} zeep vs model")
    assert_same_records(zeep_view(ours), theirs, f"{server.kind} SDK {protocol} vs zeep")


def test_zeep_cannot_read_the_control_character(
    server: ServerUnderTest, zeep_soap11: Any, client_for: ClientFor,
    dataset: list[dict[str, Any]],
) -> None:
    """Why zeep skips some queries: both servers write U+0001 as ``&#x1;`` (as ASMX does),
    which strict XML parsers reject; the SDK reads it and returns the character."""
    if zeep_soap11 is None:
        pytest.skip("zeep is not installed")
    params = ref.params_for("GetImagesList", productId="prod-a")
    with pytest.raises(Exception, match=r"(?i)xmlParseCharRef|invalid xml"):
        zeep_soap11.GetImagesList(**params)
    images = client_for(server.base_url, "soap11").list_images(product_id="prod-a")
    assert "ctrl\x01char" in [i.customer_image_id for i in images]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_iter_images_over_everything(
    server: ServerUnderTest, client_for: ClientFor, dataset: list[dict[str, Any]], protocol: str
) -> None:
    client = client_for(server.base_url, protocol)
    actual = [sdk_record(i) for i in client.iter_images()]
    expected = model_all(dataset, {})
    assert len(expected) == len(dataset) == 250
    assert_same_records(actual, expected, f"{server.kind} {protocol} iter_images()")
    assert client.protocol == Protocol(protocol)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_iter_images_filtered_sorted_small_pages(
    server: ServerUnderTest, client_for: ClientFor, dataset: list[dict[str, Any]], protocol: str
) -> None:
    query = {"exclude_status": 10, "product_id": "prod-a", "sort_by": "date", "descending": True}
    client = client_for(server.base_url, protocol)
    expected = model_all(dataset, query)
    assert len(expected) > 12
    for prefetch in (1, 3):
        actual = [sdk_record(i) for i in client.iter_images(**query, per_page=6,
                                                            prefetch=prefetch)]
        assert_same_records(actual, expected,
                            f"{server.kind} {protocol} iter_images(filtered, prefetch={prefetch})")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_async_client_matches(
    server: ServerUnderTest, dataset: list[dict[str, Any]], protocol: str
) -> None:
    query = LIST_QUERIES["status_product_dates_sorted"]

    async def run() -> tuple[list[Record], list[Record]]:
        async with pixelz.AsyncClient(ref.EMAIL, ref.API_KEY, base_url=server.base_url,
                                      protocols=protocol, max_retries=0) as aclient:
            page = await aclient.list_images(**query)
            assert page.protocol == Protocol(protocol)
            every = [sdk_record(i) async for i in aclient.iter_images(status=70, per_page=40)]
            return [sdk_record(i) for i in page], every

    one_page, every = asyncio.run(run())
    assert_same_records(one_page, model_list(dataset, query), f"{server.kind} async {protocol}")
    assert_same_records(every, model_all(dataset, {"status": 70}),
                        f"{server.kind} async {protocol} iter_images")


# --------------------------------------------------------------------------- get_image_status


STATUS_CASES: list[tuple[str, Any]] = [("ticket", i) for i in STATUS_BY_TICKET] + [
    ("customer", name) for name in STATUS_BY_CUSTOMER_ID
]


def _status_cases() -> list[Any]:
    return [pytest.param(kind, key, id=f"{kind}_{key}") for kind, key in STATUS_CASES]


def _status_lookup(
    kind: str, key: Any, tickets: dict[int, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """(SDK kwargs, wire parameters) of a GetImageStatus case."""
    if kind == "ticket":
        ticket = tickets[key]
        # Alternate the accepted forms: a uuid.UUID and an upper-case GUID string.
        value: Any = uuid.UUID(ticket) if key % 2 else ticket.upper()
        return {"image_ticket": value}, {"imageTicket": ticket}
    customer_id = STATUS_BY_CUSTOMER_ID[key]
    return {"customer_image_id": customer_id}, {"customerImageId": customer_id}


@pytest.mark.parametrize(("kind", "key"), _status_cases())
def test_raw_get_status_agrees_with_model(
    server: ServerUnderTest, dataset: list[dict[str, Any]], tickets: dict[int, str],
    prefetched: Prefetched, kind: str, key: Any,
) -> None:
    _, wire = _status_lookup(kind, key, tickets)
    response = prefetched.status_raw[kind, key].result()
    assert response.status_code == 200, response.text[:300]
    assert_same_records(read_raw_records(response.content),
                        [model_record(ref.expected_status(dataset, **wire))],
                        f"{server.kind} raw GET GetImageStatus vs model")


@pytest.mark.parametrize(("kind", "key"), _status_cases())
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_get_image_status(
    server: ServerUnderTest,
    client_for: ClientFor,
    dataset: list[dict[str, Any]],
    tickets: dict[int, str],
    prefetched: Prefetched,
    protocol: str,
    kind: str,
    key: Any,
) -> None:
    _, wire = _status_lookup(kind, key, tickets)
    image = prefetched.status_sdk[protocol, kind, key].result()  # .get_image_status(**kwargs)
    assert client_for(server.base_url, protocol).protocol == Protocol(protocol)
    expected = model_record(ref.expected_status(dataset, **wire))
    assert_same_records([sdk_record(image)], [expected], f"{server.kind} {protocol}")


def test_zeep_get_image_status_second_opinion(
    server: ServerUnderTest, zeep_soap11: Any, client_for: ClientFor,
    dataset: list[dict[str, Any]], tickets: dict[int, str],
) -> None:
    if zeep_soap11 is None:
        pytest.skip("zeep is not installed")
    client = client_for(server.base_url, "soap11")
    for record_id in [i for i in STATUS_BY_TICKET if i != CONTROL_RECORD_ID]:
        theirs = read_zeep_records(zeep_soap11.GetImageStatus(
            contactEmail=ref.EMAIL, contactAPIkey=ref.API_KEY,
            imageTicket=tickets[record_id], customerImageId=""))
        ours = [sdk_record(client.get_image_status(tickets[record_id]))]
        expected = [model_record(dataset[record_id - 1])]
        assert_same_records(theirs, zeep_view(expected), f"zeep vs model, record {record_id}")
        assert_same_records(zeep_view(ours), theirs, f"SDK vs zeep, record {record_id}")


# --------------------------------------------------------------------------- faults

FAULT_CODES = {
    "soap11": {"Client": "Client", "Server": "Server"},
    "soap12": {"Client": "Sender", "Server": "Receiver"},
}


@pytest.mark.parametrize("fault_id", list(FAULTS))
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_fault_message(
    fault_server: ServerUnderTest,
    client_for: ClientFor,
    dataset: list[dict[str, Any]],
    protocol: str,
    fault_id: str,
) -> None:
    """The service's error reads the same on all four protocols (the model's message), with
    either error-detail style (local callers: .NET type names and stack traces)."""
    operation, kwargs, overrides = FAULTS[fault_id]
    credentials = {
        "contactEmail": overrides.get("contact_email", ref.EMAIL),
        "contactAPIkey": overrides.get("contact_api_key", ref.API_KEY),
    }
    if operation == "list":
        model = functools.partial(ref.expected_list, **wire_list_params(kwargs))
    elif operation == "ticket":
        model = functools.partial(ref.expected_status, imageTicket=str(kwargs["image_ticket"]))
    else:
        model = functools.partial(ref.expected_status,
                                  customerImageId=kwargs["customer_image_id"])
    with pytest.raises(ref.ExpectedFault) as expected:
        model(dataset, **credentials)

    client = client_for(fault_server.base_url, protocol, **overrides)
    call = client.list_images if operation == "list" else client.get_image_status
    with pytest.raises(APIError) as caught:
        call(**kwargs)
    error = caught.value
    assert error.message == expected.value.message, (fault_server.kind, protocol, str(error))
    assert error.protocol == Protocol(protocol)
    assert error.status_code == 500
    assert error.code == FAULT_CODES.get(protocol, {}).get(expected.value.code)
    assert overrides.get("contact_api_key", ref.API_KEY) not in str(error)
    assert "Exception" not in error.message and " at " not in error.message


# --------------------------------------------------------------------------- compare_protocols


@pytest.mark.parametrize("query_id", ["no_filter", "status_product_dates_sorted",
                                      "page_last_partial", "empty_status"])
def test_compare_protocols_all_ok(
    server: ServerUnderTest, client_for: ClientFor, dataset: list[dict[str, Any]], query_id: str
) -> None:
    client = client_for(server.base_url, None)
    report = client.compare_protocols(**LIST_QUERIES[query_id])
    assert [r.protocol for r in report.results] == list(Protocol)
    assert [r.outcome for r in report.results] == ["ok"] * 4, report.results
    assert report.consistent, report.differences
    assert report.differences == ()
    expected = model_list(dataset, LIST_QUERIES[query_id])
    for result in report.results:
        assert result.error is None
        assert result.page is not None and result.page.protocol == result.protocol
        assert_same_records([sdk_record(i) for i in result.page], expected,
                            f"{server.kind} compare {result.protocol}")
        assert result.response_bytes > 0 and result.latency > 0


# --------------------------------------------------------------------------- soap-only server


@pytest.mark.parametrize("protocol", ["http_post", "http_get"])
def test_soap_only_pinned_get_post_are_blocked(
    soap_only_server: ServerUnderTest, client_for: ClientFor, protocol: str
) -> None:
    client = client_for(soap_only_server.base_url, protocol)
    with pytest.raises(ProtocolBlockedError) as caught:
        client.list_images(status=80)
    assert caught.value.protocol == Protocol(protocol)
    with pytest.raises(ProtocolBlockedError):
        client.get_image_status(customer_image_id="dup-id")
    assert client.protocol is None


@pytest.mark.parametrize("protocol", ["soap11", "soap12"])
def test_soap_only_pinned_soap_works(
    soap_only_server: ServerUnderTest, client_for: ClientFor, dataset: list[dict[str, Any]],
    protocol: str,
) -> None:
    client = client_for(soap_only_server.base_url, protocol)
    query = LIST_QUERIES["status_product_dates_sorted"]
    page = client.list_images(**query)
    assert page.protocol == Protocol(protocol)
    assert_same_records([sdk_record(i) for i in page], model_list(dataset, query),
                        f"{soap_only_server.kind} {protocol}")
    image = client.get_image_status(customer_image_id="carriage\rreturn")
    assert image.customer_image_id == "carriage\nreturn"
    with pytest.raises(APIError) as caught:  # custom errors on: the bare message
        client_for(soap_only_server.base_url, protocol, contact_api_key="nope").list_images()
    assert caught.value.message == "Invalid contact email or API key"


def test_soap_only_auto_mode_uses_soap11(
    soap_only_server: ServerUnderTest, dataset: list[dict[str, Any]]
) -> None:
    with pixelz.Client(ref.EMAIL, ref.API_KEY, base_url=soap_only_server.base_url) as client:
        page = client.list_images(status="delivered", per_page=100)
        assert client.protocol == Protocol.SOAP11
        assert page.protocol == Protocol.SOAP11
        assert_same_records([sdk_record(i) for i in page],
                            model_list(dataset, {"status": 80, "per_page": 100}), "auto")
        assert len(list(client.iter_images())) == 250
        assert client.protocol == Protocol.SOAP11


def test_soap_only_fallback_from_get_post_to_soap(
    soap_only_server: ServerUnderTest, dataset: list[dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    order = ["http_get", "http_post", "soap12", "soap11"]
    with pixelz.Client(ref.EMAIL, ref.API_KEY, base_url=soap_only_server.base_url,
                       protocols=order, max_retries=0) as client:
        with caplog.at_level(logging.WARNING, logger="pixelz"):
            page = client.list_images(product_id="prod-a")
        assert client.protocol == Protocol.SOAP12
        assert_same_records([sdk_record(i) for i in page],
                            model_list(dataset, {"product_id": "prod-a"}), "fallback")
        warnings = [r for r in caplog.records if r.name == "pixelz" and r.levelno == 30]
        assert len(warnings) == 2, [r.getMessage() for r in warnings]  # GET->POST, POST->1.2
        assert all(ref.API_KEY not in r.getMessage() for r in caplog.records)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="pixelz"):
            client.get_image_status(customer_image_id="dup-id")  # sticky: starts with 1.2
        assert client.protocol == Protocol.SOAP12
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_soap_only_compare_protocols_shows_blocked(
    soap_only_server: ServerUnderTest, client_for: ClientFor, dataset: list[dict[str, Any]]
) -> None:
    report = client_for(soap_only_server.base_url, None).compare_protocols(status=70)
    outcomes = {str(r.protocol): r.outcome for r in report.results}
    assert outcomes == {"soap11": "ok", "soap12": "ok", "http_post": "blocked",
                        "http_get": "blocked"}, report.results
    assert report.consistent, report.differences
    for result in report.results:
        if result.outcome == "blocked":
            assert isinstance(result.error, ProtocolBlockedError)
            assert result.page is None
        else:
            assert_same_records([sdk_record(i) for i in result.page],
                                model_list(dataset, {"status": 70}), str(result.protocol))


# --------------------------------------------------------------------------- request validation


@pytest.mark.parametrize("order", [["http_get", "soap11"], ["http_post", "soap12"]],
                         ids=["get_then_soap11", "post_then_soap12"])
def test_markup_value_falls_back_to_soap(
    server: ServerUnderTest, dataset: list[dict[str, Any]], order: list[str]
) -> None:
    """ASP.NET request validation refuses GET/POST values like ``<x>`` (500 text/plain, the
    ``HttpRequestValidationException`` text) where SOAP carries them fine. The failure is
    specific to the protocol path, so the client must move on to SOAP (docs/fallback.md) and
    find record 15 (CustomerImageId ``<x>markup</x>``); it must not end in an APIError."""
    with pixelz.Client(ref.EMAIL, ref.API_KEY, base_url=server.base_url, protocols=order,
                       max_retries=0) as client:
        image = client.get_image_status(customer_image_id="<x>markup</x>")
        assert_same_records([sdk_record(image)],
                            [model_record(ref.expected_status(
                                dataset, customerImageId="<x>markup</x>"))], "markup lookup")
        assert client.protocol == Protocol(order[1])
        for product in ("<b>bold</b>", "R&#D"):  # both trip validation ("<" + letter, "&#")
            page = client.list_images(product_id=product)
            assert len(page) == 0
            assert page.protocol == Protocol(order[1])
