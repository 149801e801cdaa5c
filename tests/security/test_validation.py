"""Input validation of every public parameter of every public method.

A bad argument raises :class:`pixelz.InvalidArgumentError` (also a ``ValueError``) before
any I/O: the in-memory transport records every request and must have seen none. The
message names the parameter (what was wrong) and what is allowed, stays short whatever
the value, and never contains the API key. Valid edge values are checked too, so that
validation does not refuse what the service accepts.

The sync and async clients share their argument handling, and so do the list methods:
every bad value goes through one entry point, and one bad value of each parameter
through every method of both clients (:func:`spread`), which shows that each of them
validates each parameter before any request.
"""

from __future__ import annotations

import asyncio
import datetime
import re
import uuid
from typing import Any

import httpx
import pytest

import pixelz
from pixelz import Protocol

from ._wire import (
    BASE,
    CONTENT_TYPE,
    EMAIL,
    KEY,
    TICKET,
    Recorder,
    client,
    ok_body,
    protocol_of,
)

EXPECTED = r"expected|must|set |give|exactly one|cannot|inclusive|not allowed"


class _Opaque:
    """An argument of no accepted type, with a stable repr (test ids must not vary)."""

    def __repr__(self) -> str:
        return "<opaque>"


OPAQUE = _Opaque()


def answer_ok(request: httpx.Request) -> httpx.Response:
    protocol = protocol_of(request)
    operation = "GetImageStatus" if "GetImageStatus" in str(request.url) or (
        b"GetImageStatus" in request.content) else "GetImagesList"
    return httpx.Response(200, headers={"Content-Type": CONTENT_TYPE[protocol]},
                          content=ok_body(protocol, operation))


def check_message(exc: BaseException, name: str, allowed: str = EXPECTED) -> None:
    assert isinstance(exc, pixelz.InvalidArgumentError)
    assert isinstance(exc, ValueError)
    message = str(exc)
    assert name in message, (name, message)
    assert re.search(allowed, message, re.IGNORECASE), (allowed, message)
    assert len(message) < 400, message
    assert KEY not in message and KEY not in repr(exc)
    assert exc.__cause__ is None


# -- constructors ---------------------------------------------------------------------------

C = "contact_email"
K = "contact_api_key"
INIT_CASES: list[tuple[dict[str, Any], str, str]] = [
    ({C: None}, C, "PIXELZ_CONTACT_EMAIL"),
    ({C: ""}, C, "PIXELZ_CONTACT_EMAIL"),
    ({C: 123}, C, "str"),
    ({C: b"a@b.c"}, C, "str"),
    ({C: ["a@b.c"]}, C, "str"),
    ({C: "a\x00@b.c"}, C, "character"),
    ({C: "a\x1b@b.c"}, C, "character"),
    ({K: None}, K, "PIXELZ_CONTACT_API_KEY"),
    ({K: ""}, K, "PIXELZ_CONTACT_API_KEY"),
    ({K: 123}, K, "str"),
    ({K: b"key"}, K, "str"),
    ({K: KEY + "\x00"}, K, "character"),
    ({K: KEY + "\ud800"}, K, "character"),
    ({K: KEY + "\ufffe"}, K, "character"),
    ({"base_url": 123}, "base_url", "expected"),
    ({"base_url": None}, "base_url", "expected"),
    ({"base_url": b"http://x/soap.asmx"}, "base_url", "expected"),
    ({"base_url": ""}, "base_url", "http"),
    ({"base_url": "not a url"}, "base_url", "http"),
    ({"base_url": "api.pixelz.com/soap.asmx"}, "base_url", "http"),
    ({"base_url": "ftp://x/soap.asmx"}, "base_url", "http"),
    ({"base_url": "file:///etc/passwd"}, "base_url", "http"),
    ({"base_url": "javascript:alert(1)"}, "base_url", "http"),
    ({"base_url": "http://"}, "base_url", "http"),
    ({"base_url": "http://[::1/soap.asmx"}, "base_url", "http"),
    ({"base_url": "http://256.1.1.1/soap.asmx"}, "base_url", "http"),
    ({"base_url": "http://127.0.0.1:99999/soap.asmx"}, "base_url", "http"),
    ({"protocols": []}, "protocols", "at least one"),
    ({"protocols": ()}, "protocols", "at least one"),
    ({"protocols": "soap13"}, "protocol", "soap11"),
    ({"protocols": "SOAP 1.1"}, "protocol", "soap11"),
    ({"protocols": ""}, "protocol", "soap11"),
    ({"protocols": ["soap11", "soap11"]}, "protocol", "twice"),
    ({"protocols": [Protocol.SOAP11, "SOAP11"]}, "protocol", "twice"),
    ({"protocols": [None]}, "protocol", "soap11"),
    ({"protocols": ["soap11", 3]}, "protocol", "soap11"),
    ({"protocols": 5}, "protocols", "soap11"),
    ({"protocols": 1.0}, "protocols", "soap11"),
    ({"protocols": OPAQUE}, "protocols", "soap11"),
    ({"timeout": 0}, "timeout", "expected"),
    ({"timeout": -1}, "timeout", "expected"),
    ({"timeout": True}, "timeout", "expected"),
    ({"timeout": "30"}, "timeout", "expected"),
    ({"timeout": None}, "timeout", "expected"),
    ({"timeout": float("nan")}, "timeout", "expected"),
    ({"timeout": float("inf")}, "timeout", "expected"),
    ({"timeout": float("-inf")}, "timeout", "expected"),
    ({"timeout": [30]}, "timeout", "expected"),
    ({"timeout": httpx.Timeout(None)}, "timeout", "None"),
    ({"timeout": httpx.Timeout(5.0, read=None)}, "timeout", "None"),
    ({"max_retries": -1}, "max_retries", "expected"),
    ({"max_retries": True}, "max_retries", "expected"),
    ({"max_retries": 1.5}, "max_retries", "expected"),
    ({"max_retries": "2"}, "max_retries", "expected"),
    ({"max_retries": None}, "max_retries", "expected"),
    ({"cooldown": -1}, "cooldown", "expected"),
    ({"cooldown": "60"}, "cooldown", "expected"),
    ({"cooldown": True}, "cooldown", "expected"),
    ({"cooldown": None}, "cooldown", "expected"),
    ({"cooldown": float("nan")}, "cooldown", "expected"),
    ({"max_response_size": 0}, "max_response_size", "expected"),
    ({"max_response_size": -1}, "max_response_size", "expected"),
    ({"max_response_size": True}, "max_response_size", "expected"),
    ({"max_response_size": 1.5}, "max_response_size", "expected"),
    ({"max_response_size": "1"}, "max_response_size", "expected"),
    ({"max_response_size": None}, "max_response_size", "expected"),
    ({"http_client": "client"}, "http_client", "httpx"),
    ({"http_client": OPAQUE}, "http_client", "httpx"),
]


def _repr(value: object) -> str:
    try:
        return re.sub(r" at 0x[0-9a-f]+", "", repr(value))[:30]  # stable test ids
    except ValueError:  # an int too long to print
        return f"<{type(value).__name__} of {value.bit_length()} bits>"  # type: ignore[attr-defined]


def _id(case: tuple[dict[str, Any], str, str]) -> str:
    return ",".join(f"{name}={_repr(value)}" for name, value in case[0].items())


@pytest.fixture(autouse=True)
def no_env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIXELZ_CONTACT_EMAIL", raising=False)
    monkeypatch.delenv("PIXELZ_CONTACT_API_KEY", raising=False)


Case = tuple[Any, ...]  # (..., name, allowed): the last two are the parameter and message


def spread(cases: list[Case], methods: list[str], label: Any = _id) -> list[Any]:
    """Each case on the first method, sync; the first case of each kind (parameter and
    message) on every method of both clients too."""
    seen: set[tuple[str, str]] = set()
    params = []
    for case in cases:
        kind = (case[-2], case[-1])
        combos = [(methods[0], "sync")]
        if kind not in seen:
            seen.add(kind)
            combos = [(m, f) for m in methods for f in ("sync", "async")]
        params += [pytest.param(m, f, *case, id=f"{m}-{f}-{label(case)}") for m, f in combos]
    return params


@pytest.mark.parametrize(("method", "flavor", "kwargs", "name", "allowed"),
                         spread(INIT_CASES, ["__init__"]))
def test_constructor_rejects(method: str, flavor: str, kwargs: dict[str, Any], name: str,
                             allowed: str) -> None:
    recorder = Recorder(answer_ok)
    cls = pixelz.Client if flavor == "sync" else pixelz.AsyncClient
    full: dict[str, Any] = {C: EMAIL, K: KEY, "base_url": BASE}
    full["http_client"] = (recorder.http_client() if flavor == "sync"
                           else recorder.async_http_client())
    full.update(kwargs)
    with pytest.raises(pixelz.InvalidArgumentError) as info:
        cls(**full)
    check_message(info.value, name, allowed)
    assert recorder.requests == []


@pytest.mark.parametrize("flavor", ["sync", "async"])
def test_constructor_rejects_the_other_flavor_of_http_client(flavor: str) -> None:
    if flavor == "sync":
        with pytest.raises(pixelz.InvalidArgumentError) as info:
            pixelz.Client(EMAIL, KEY, http_client=httpx.AsyncClient())  # type: ignore[arg-type]
    else:
        with pytest.raises(pixelz.InvalidArgumentError) as info:
            pixelz.AsyncClient(EMAIL, KEY, http_client=httpx.Client())  # type: ignore[arg-type]
    check_message(info.value, "http_client", "httpx")


VALID_INIT: list[dict[str, Any]] = [
    {"protocols": "SOAP11"}, {"protocols": Protocol.HTTP_GET},
    {"protocols": ["http_get", "soap11"]}, {"protocols": ("soap12",)},
    {"protocols": [pixelz.transports.HttpPostTransport()]},
    {"timeout": 0.001}, {"timeout": 5}, {"timeout": httpx.Timeout(3.0)},
    {"max_retries": 0}, {"max_retries": 10}, {"cooldown": 0}, {"cooldown": 0.5},
    {"max_response_size": 1}, {"base_url": "https://api.pixelz.com/soap.asmx"},
    {"base_url": httpx.URL("http://[::1]:8080/soap.asmx")},
    {"base_url": "http://127.0.0.1:65535/soap.asmx"},
]


@pytest.mark.parametrize("kwargs", VALID_INIT, ids=[repr(k)[:40] for k in VALID_INIT])
def test_constructor_accepts(kwargs: dict[str, Any]) -> None:
    with pixelz.Client(EMAIL, KEY, **kwargs) as c:
        assert c.protocols


# -- list_images / iter_images / compare_protocols ---------------------------------------------

S = "status"
X = "exclude_status"
LIST_CASES: list[tuple[dict[str, Any], str, str]] = []
for _name in (S, X):
    LIST_CASES += [
        ({_name: value}, _name, "expected.*delivered")
        for value in (-1, -80, "-1", True, False, 1.5, 80.0, "", " ", "nope", "deliverd",
                      "DELIVERED!", "status_80", "²", "٣", "٨٠", "1" * 5000, 10**5000, b"80",
                      [80], {80}, OPAQUE, float("nan"))
    ]
LIST_CASES += [
    ({"product_id": value}, "product_id", "expected|not allowed")
    for value in (5, 1.5, b"p-1", ["p-1"], "p\x00", "p\x07", "p\x0b", "p\ud800", "p\ufffe",
                  "p\uffff")
]
for _name in ("from_date", "to_date"):
    LIST_CASES += [
        ({_name: value}, _name, "YYYY-MM-DD")
        for value in ("2024-13-01", "2024-02-30", "2023-02-29", "2024-00-10", "2024-1-1",
                      "01/02/2024", "2024/01/02", "20240102", "2024-01-02T00:00:00",
                      "2024-01-02 ", " 2024-01-02", "２０２４-01-02", "", "yesterday",
                      20240102, b"2024-01-02", datetime.datetime(2024, 1, 2),
                      datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc), 1.5,
                      ("2024", "01", "02"))
    ]
LIST_CASES += [
    ({"from_date": a, "to_date": b}, "from_date", "inclusive|after")
    for a, b in (("2024-02-01", "2024-01-31"), ("2025-01-01", "2024-12-31"),
                 (datetime.date(2024, 3, 1), "2024-02-29"),
                 ("2024-01-02", datetime.date(2024, 1, 1)))
]
LIST_CASES += [
    ({"per_page": value}, "per_page", "1 to 100")
    for value in (0, -1, 101, 1000, 10**5000, True, False, 1.5, 10.0, "10", "", b"10", [10],
                  float("nan"))
]
LIST_CASES += [
    ({"sort_by": value}, "sort_by", "'id', 'date', 'status'")
    for value in ("name", "", " ", "ids", "created", "Id;drop", 1, 0, True, b"id", ["id"],
                  OPAQUE)
]
LIST_CASES += [
    ({"descending": value}, "descending", "True, False or None")
    for value in ("true", "false", "", "yes", 1, 0, 1.0, [], [True], b"true", OPAQUE)
]
PAGE_CASES: list[tuple[dict[str, Any], str, str]] = [
    ({"page": value}, "page", "expected an int")
    for value in (0, -1, -(2**63), True, False, 1.5, 1.0, "1", "", None, b"1", [1], 10**5000,
                  float("inf"))
]
PREFETCH_CASES: list[tuple[dict[str, Any], str, str]] = [
    ({"prefetch": value}, "prefetch", "1 to 32")
    for value in (0, -1, 33, 1000, True, 1.5, "2", None, [2])
]


def _run(
    flavor: str, method: str, kwargs: dict[str, Any], recorder: Recorder, *args: Any
) -> Any:
    if flavor == "sync":
        with client(recorder) as c:
            return getattr(c, method)(*args, **kwargs)  # iter_images too: it checks eagerly

    async def main() -> Any:
        ac = pixelz.AsyncClient(EMAIL, KEY, base_url=BASE, max_retries=0,
                                http_client=recorder.async_http_client())
        if method == "iter_images":  # checks its arguments when called, before iterating
            return ac.iter_images(*args, **kwargs)
        return await getattr(ac, method)(*args, **kwargs)

    return asyncio.run(main())


def first_of_each_kind(cases: list[Case]) -> list[Case]:
    kinds: dict[tuple[str, str], Case] = {}
    for case in cases:
        kinds.setdefault((case[-2], case[-1]), case)
    return list(kinds.values())


METHOD_CASES = [
    *spread(LIST_CASES + PAGE_CASES, ["list_images", "compare_protocols"]),
    *spread(first_of_each_kind(LIST_CASES) + PREFETCH_CASES, ["iter_images"]),
]


@pytest.mark.parametrize(("method", "flavor", "kwargs", "name", "allowed"), METHOD_CASES)
def test_list_arguments_rejected_before_io(method: str, flavor: str, kwargs: dict[str, Any],
                                          name: str, allowed: str) -> None:
    recorder = Recorder(answer_ok)
    with pytest.raises(pixelz.InvalidArgumentError) as info:
        _run(flavor, method, kwargs, recorder)
    check_message(info.value, name, allowed)
    assert recorder.requests == [], "a request was sent before validation"


@pytest.mark.parametrize("method", ["list_images", "iter_images", "compare_protocols"])
def test_unknown_keyword_is_a_type_error(method: str) -> None:
    recorder = Recorder(answer_ok)
    with client(recorder) as c, pytest.raises(TypeError):
        getattr(c, method)(statuz=80)
    assert recorder.requests == []


@pytest.mark.parametrize("page", [1, 2, 2**31 - 1])
def test_valid_pages(page: int) -> None:
    recorder = Recorder(answer_ok)
    with client(recorder, "http_post") as c:
        assert c.list_images(page=page).page == page
    assert f"page={page}&".encode() in recorder.requests[0].content


# -- get_image_status -------------------------------------------------------------------------

STATUS_CASES: list[tuple[tuple[Any, ...], dict[str, Any], str, str]] = [
    ((), {}, "image_ticket", "exactly one"),
    ((TICKET,), {"customer_image_id": "sku-1"}, "image_ticket", "exactly one"),
    ((None,), {"customer_image_id": None}, "customer_image_id", "exactly one"),
    *[((value,), {}, "image_ticket", "UUID")
      for value in ("", " ", "not-a-guid", TICKET[:-1], TICKET + "0", "g" * 32, 5, 1.5,
                    uuid.UUID(TICKET).int, uuid.UUID(TICKET).bytes, TICKET.encode(), [TICKET],
                    True, OPAQUE)],
    *[((), {"customer_image_id": value}, "customer_image_id", "expected|not allowed")
      for value in ("", 5, 1.5, b"sku-1", ["sku-1"], True, "sku\x00", "sku\ud800")],
]


@pytest.mark.parametrize(
    ("method", "flavor", "args", "kwargs", "name", "allowed"),
    spread(STATUS_CASES, ["get_image_status"], lambda c: f"{c[0]!r:.30}-{c[1]!r:.30}"),
)
def test_get_image_status_rejects(method: str, flavor: str, args: tuple[Any, ...],
                                  kwargs: dict[str, Any], name: str, allowed: str) -> None:
    recorder = Recorder(answer_ok)
    with pytest.raises(pixelz.InvalidArgumentError) as info:
        _run(flavor, method, kwargs, recorder, *args)
    check_message(info.value, name, allowed)
    assert recorder.requests == []


@pytest.mark.parametrize("ticket", [
    TICKET, TICKET.upper(), uuid.UUID(TICKET), "{" + TICKET + "}", f"  {TICKET}  ",
    TICKET.replace("-", ""), "urn:uuid:" + TICKET,
])
def test_get_image_status_accepts(ticket: Any) -> None:
    recorder = Recorder(answer_ok)
    with client(recorder, "http_get") as c:
        assert str(c.get_image_status(ticket).image_ticket) == TICKET
    assert f"imageTicket={TICKET}&" in str(recorder.requests[0].url)
