"""Fuzzing the response path of every protocol: only a PixelzError ever escapes.

Each example answers one call with a generated response, through an in-memory
``httpx.MockTransport`` (one pinned protocol, ``max_retries=0``). The call must either
return well-typed records or raise a :class:`pixelz.PixelzError` that names the operation
and the protocol; lxml, KeyError, bare ValueError, UnicodeError, RecursionError... never
escape. Example counts come from the hypothesis profile (see tests/conftest.py). Any
Retry-After header is a property of the policy alone (tests/unit/test_policy.py).
"""

from __future__ import annotations

import asyncio
import re
import uuid
import xml.sax.saxutils
from typing import Any

import httpx
import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

import pixelz

from ._wire import (
    BASE,
    CONTENT_TYPE,
    EMAIL,
    KEY,
    NS,
    OPERATIONS,
    PROTOCOLS,
    SOAP_NS,
    TICKET,
    Recorder,
    fault,
    result_xml,
)

# -- the harness -------------------------------------------------------------------------


class Answer:
    """The response the in-memory server gives next; one client per protocol reuses it."""

    def __init__(self) -> None:
        self.status = 200
        self.headers: dict[str, str] = {}
        self.body = b""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(self.status, headers=self.headers, content=self.body)


_CLIENTS: dict[str, tuple[pixelz.Client, Answer]] = {}


def _client(protocol: str) -> tuple[pixelz.Client, Answer]:
    if protocol not in _CLIENTS:
        answer = Answer()
        recorder = Recorder(answer)
        _CLIENTS[protocol] = (
            pixelz.Client(EMAIL, KEY, base_url=BASE, protocols=protocol, max_retries=0,
                          http_client=recorder.http_client()),
            answer,
        )
    return _CLIENTS[protocol]


def outcome(protocol: str, operation: str, body: bytes, *, status: int = 200,
            content_type: str | None = None, headers: dict[str, str] | None = None) -> Any:
    """Run one call against the given response; return its result or its PixelzError.
    Anything else propagates and fails the test."""
    c, answer = _client(protocol)
    answer.status = status
    answer.headers = dict(headers or {})
    answer.headers["Content-Type"] = (
        CONTENT_TYPE[protocol] if content_type is None else content_type
    )
    answer.body = body
    try:
        result = c.list_images() if operation == "GetImagesList" else c.get_image_status(TICKET)
    except pixelz.PixelzError as exc:
        _check_error(exc, protocol, operation)
        event(type(exc).__name__)
        return exc
    _check_result(result, operation)
    event("success")
    return result


def _check_error(exc: pixelz.PixelzError, protocol: str, operation: str) -> None:
    assert not isinstance(exc, pixelz.InvalidArgumentError)
    text = str(exc)
    assert operation in text and protocol in text, text
    assert KEY not in text and KEY not in repr(exc)
    assert exc.__cause__ is None
    cause = exc.__context__
    assert cause is None or isinstance(cause, pixelz.PixelzError), repr(cause)


def _check_record(record: object) -> None:
    assert isinstance(record, pixelz.ImageStatus)
    assert isinstance(record.image_ticket, uuid.UUID)
    assert type(record.status_id) is int
    assert type(record.is_paid) is bool
    for value in (record.customer_image_id, record.product_id, record.status_name,
                  record.thumbnail_image_url):
        assert value is None or isinstance(value, str)
    assert isinstance(record.final_image_urls, tuple)
    assert all(isinstance(u, str) for u in record.final_image_urls)


def _check_result(result: object, operation: str) -> None:
    if operation == "GetImagesList":
        assert isinstance(result, pixelz.ImagesPage)
        for record in result:
            _check_record(record)
    else:
        _check_record(result)


# -- strategies ----------------------------------------------------------------------------

ops = st.sampled_from(OPERATIONS)
protocols = pytest.mark.parametrize("protocol", PROTOCOLS)

CONTENT_TYPES = [
    "text/xml; charset=utf-8", "application/soap+xml; charset=utf-8", "application/xml",
    "text/html; charset=utf-8", "text/plain; charset=utf-8", "application/json",
    "application/octet-stream", "", "TEXT/XML", "text/xml; charset=utf-16",
    "text/xml; charset=no-such-charset", "application/xhtml+xml", "multipart/related",
]
content_types = st.sampled_from(CONTENT_TYPES) | st.text(
    st.characters(min_codepoint=32, max_codepoint=126), max_size=40
)
statuses = st.sampled_from([200, 500, 400, 403, 404, 405, 415, 302, 204, 503, 501]) | (
    st.integers(100, 599)
)
# Text an element may hold: anything, including what XML cannot carry.
any_text = st.text(max_size=40)


def esc(text: str) -> str:
    return xml.sax.saxutils.escape(text)


def enc(document: str) -> bytes:
    return document.encode("utf-8", "surrogatepass")


FIELDS = ("ImageTicket", "CustomerImageId", "ProductId", "StatusName", "StatusId", "IsPaid",
          "ThumbnailImageURL", "FinalImagesURL")
VALID = {
    "ImageTicket": TICKET, "CustomerImageId": "sku-1", "ProductId": "p", "StatusName": "Done",
    "StatusId": "80", "IsPaid": "true", "ThumbnailImageURL": "http://x/t.jpg",
    "FinalImagesURL": "<string>http://x/1.jpg</string><string xsi:nil=\"true\" />",
}
TRICKY = {
    "ImageTicket": ["", " ", "not-a-guid", TICKET.upper(), "{" + TICKET + "}", "urn:uuid:" + TICKET,
                    TICKET[:-1], TICKET + "0", "0" * 32, "²" * 32, "0x" + "f" * 32,
                    "<x>" + TICKET + "</x>", TICKET + "<!-- c -->"],
    "StatusId": ["", " ", "-1", "+5", "+-5", "1.0", "1e3", "0x10", "１２", "²", "٣", "NaN",
                 "9" * 30, "9" * 5000, "<x>1</x>", " 80 ", "80<!-- c -->", "8<?pi?>0"],
    "IsPaid": ["", " ", "True", "TRUE", "yes", "2", "-1", "1.0", "t", "false ", "<x>true</x>",
               "tr<!-- -->ue"],
}


def field_value(name: str) -> st.SearchStrategy[str | None]:
    """The XML for one field: valid, tricky, random, nil, empty or absent (None)."""
    options: list[st.SearchStrategy[Any]] = [
        st.just(f"<{name}>{VALID[name]}</{name}>"),
        st.just(f'<{name} xsi:nil="true" />'),
        st.just(f"<{name} />"),
        st.none(),
        any_text.map(lambda t: f"<{name}>{esc(t)}</{name}>"),
    ]
    if name in TRICKY:
        options.append(st.sampled_from(TRICKY[name]).map(lambda t: f"<{name}>{t}</{name}>"))
    return st.one_of(options)


@st.composite
def records(draw: st.DrawFn) -> str:
    """A record whose fields may be wrong, nil, missing, duplicated or reordered, with
    unknown elements mixed in."""
    parts = [p for p in (draw(field_value(name)) for name in FIELDS) if p is not None]
    for _ in range(draw(st.integers(0, 2))):
        parts.insert(draw(st.integers(0, len(parts))),
                     draw(st.sampled_from(parts or ["<Extra />"])))  # duplicates
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), "<Unknown><ImageStatus /></Unknown>")
    if draw(st.booleans()):
        parts = draw(st.permutations(parts))
    attrs = draw(st.sampled_from(["", ' xsi:nil="true"', ' xmlns="urn:other"', ' id="1"']))
    return f"<ImageStatus{attrs}>{''.join(parts)}</ImageStatus>"


RECORD_OK = "<ImageStatus>" + "".join(f"<{n}>{VALID[n]}</{n}>" for n in FIELDS) + "</ImageStatus>"


def seeds(protocol: str, operation: str) -> list[bytes]:
    """Valid answers of this protocol: a few successes and the service's fault."""
    many = RECORD_OK * (3 if operation == "GetImagesList" else 1)
    docs = [
        result_xml(protocol, operation, many),
        result_xml(protocol, operation, RECORD_OK),
        fault_body(protocol),
    ]
    return [enc(d) for d in docs]


def fault_body(protocol: str) -> str:
    return fault(protocol, "Invalid contact API key &amp; more").content.decode()


def seed_response(protocol: str, index: int, operation: str) -> tuple[bytes, int, str]:
    body = seeds(protocol, operation)[index]
    if index == 2:
        return body, 500, fault(protocol, "x").headers["content-type"]
    return body, 200, CONTENT_TYPE[protocol]


# -- the fuzz tests ------------------------------------------------------------------------


@protocols
@given(operation=ops, body=st.binary(max_size=2048), status=statuses,
       content_type=content_types)
@example(operation="GetImagesList", body=b"\x00\xff" * 10, status=200,
         content_type="text/xml")
@example(operation="GetImagesList", body=b"\xef\xbb\xbf", status=200, content_type="text/xml")
@example(operation="GetImageStatus", body=b"", status=500, content_type="text/plain")
def test_random_bytes(protocol: str, operation: str, body: bytes, status: int,
                      content_type: str) -> None:
    outcome(protocol, operation, body, status=status, content_type=content_type)


@protocols
@given(operation=ops, which=st.integers(0, 2), cut=st.floats(0, 1, exclude_max=True))
def test_truncated_valid_responses(protocol: str, operation: str, which: int,
                                   cut: float) -> None:
    body, status, ctype = seed_response(protocol, which, operation)
    result = outcome(protocol, operation, body[: int(len(body) * cut)], status=status,
                     content_type=ctype)
    if status == 200:
        assert isinstance(result, pixelz.PixelzError)  # a cut document is never a success


@protocols
@given(operation=ops, which=st.integers(0, 2), data=st.data())
def test_byte_mutations_of_valid_responses(protocol: str, operation: str, which: int,
                                           data: st.DataObject) -> None:
    body, status, ctype = seed_response(protocol, which, operation)
    buf = bytearray(body)
    for _ in range(data.draw(st.integers(1, 8))):
        if not buf:
            break
        at = data.draw(st.integers(0, len(buf) - 1))
        action = data.draw(st.sampled_from(["flip", "insert", "delete", "dup"]))
        if action == "flip":
            buf[at] = data.draw(st.integers(0, 255))
        elif action == "insert":
            buf[at:at] = data.draw(st.sampled_from(
                [b"<", b">", b"&", b"&#x1;", b"&#0;", b"]]>", b"<![CDATA[", b"\xff", b"\x00",
                 b"<!--", b"<?", b"</ImageStatus>", b"<ImageStatus>", b'"', b"\r\n"]))
        elif action == "delete":
            del buf[at: at + data.draw(st.integers(1, 16))]
        else:
            end = min(len(buf), at + data.draw(st.integers(1, 64)))
            buf[at:at] = buf[at:end]
    outcome(protocol, operation, bytes(buf), status=status, content_type=ctype)


@protocols
@given(operation=ops, service_ns=st.sampled_from(
    [NS, "", "http://removethebackground.com", "http://REMOVETHEBACKGROUND.com/",
     "urn:evil", "http://tempuri.org/"]) | st.text(
    st.characters(min_codepoint=33, max_codepoint=126, exclude_characters='"<>&'), max_size=30),
    envelope_ns=st.sampled_from(
    [*SOAP_NS.values(), "", "http://schemas.xmlsoap.org/soap/envelope", "urn:evil"]))
def test_wrong_namespaces(protocol: str, operation: str, service_ns: str,
                          envelope_ns: str) -> None:
    document = result_xml(protocol, operation, RECORD_OK * 2)
    document = document.replace(f'xmlns="{NS}"', f'xmlns="{service_ns}"' if service_ns else "")
    if protocol in SOAP_NS:
        document = document.replace(SOAP_NS[protocol], envelope_ns)
    result = outcome(protocol, operation, enc(document))
    if service_ns != NS and not isinstance(result, pixelz.PixelzError):
        # Records in a foreign namespace are never read as ours.
        assert len(result) == 0 if operation == "GetImagesList" else False


@protocols
@given(operation=ops, items=st.lists(records(), max_size=4))
def test_wrong_types_and_duplicated_or_missing_fields(protocol: str, operation: str,
                                                      items: list[str]) -> None:
    outcome(protocol, operation, enc(result_xml(protocol, operation, "".join(items))))


@protocols
@given(operation=ops, data=st.data())
def test_structural_mutations(protocol: str, operation: str, data: st.DataObject) -> None:
    """Duplicated or missing containers, results and bodies; records in odd places."""
    document = result_xml(protocol, operation, RECORD_OK * 2)
    tags = ["Images", f"{operation}Result", f"{operation}Response", "soap:Body", "ImageStatus",
            "ImagesListResponse", "ImageStatusResponse", "FinalImagesURL"]
    for _ in range(data.draw(st.integers(1, 3))):
        tag = data.draw(st.sampled_from(tags))
        match = re.search(f"<{tag}[ >].*?</{tag}>", document, re.S)
        if match is None:
            continue
        action = data.draw(st.sampled_from(["drop", "unwrap", "duplicate", "nil", "empty",
                                            "rename"]))
        span, inner = match.group(0), re.sub(f"^<{tag}[^>]*>|</{tag}>$", "", match.group(0))
        replacement = {
            "drop": "",
            "unwrap": inner,
            "duplicate": span + span,
            "nil": f'<{tag} xsi:nil="true" />',
            "empty": f"<{tag} />",
            "rename": f"<Other>{inner}</Other>",
        }[action]
        document = document.replace(span, replacement, 1)
    outcome(protocol, operation, enc(document))


HTML_PAGES = [
    "<html><head><title>403 Forbidden</title></head><body>Request blocked</body></html>",
    "<!DOCTYPE html><html><body><h1>Runtime Error</h1></body></html>",
    '<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html xmlns="http://www.w3.org/1999/'
    'xhtml"><body>blocked</body></html>',
    "<HTML><BODY>Access Denied</BODY></HTML>",
    "  \r\n<html>",
    '{"error": "blocked"}',
    "Service Unavailable",
]


@protocols
@given(operation=ops, root=st.sampled_from(
    ["ImagesListResponse", "ImageStatusResponse", "ArrayOfImageStatus", "string", "Envelope",
     "soap:Envelope", "Fault", "html", "ImageStatus", "Images"]) | st.from_regex(
    r"\A[A-Za-z_][A-Za-z0-9_.-]{0,20}\Z"),
    ns=st.sampled_from([NS, "", *SOAP_NS.values()]), html=st.sampled_from(HTML_PAGES),
    use_html=st.booleans(), status=statuses, content_type=content_types)
def test_unexpected_roots_html_and_wrong_headers(
    protocol: str, operation: str, root: str, ns: str, html: str, use_html: bool,
    status: int, content_type: str,
) -> None:
    if use_html:
        document = html
    else:
        declare = ' xmlns:soap="urn:x"' if root.startswith("soap:") else ""
        xmlns = f' xmlns="{ns}"' if ns else ""
        document = (f'<?xml version="1.0" encoding="utf-8"?><{root}{xmlns}{declare} '
                    f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                    f"<Images>{RECORD_OK}</Images>{RECORD_OK}</{root}>")
    outcome(protocol, operation, enc(document), status=status, content_type=content_type)


@protocols
@given(operation=ops, which=st.integers(0, 2), status=statuses, content_type=content_types)
def test_valid_bodies_with_wrong_statuses_and_content_types(
    protocol: str, operation: str, which: int, status: int, content_type: str
) -> None:
    body, _, _ = seed_response(protocol, which, operation)
    result = outcome(protocol, operation, body, status=status, content_type=content_type)
    if status not in (200, 500):
        assert isinstance(result, pixelz.PixelzError)


async_bodies = st.one_of(
    st.binary(max_size=512),
    st.builds(lambda items: result_xml("soap11", "GetImagesList", "".join(items)),
              st.lists(records(), max_size=3)).map(enc),
)


@given(body=async_bodies, status=statuses, content_type=content_types)
def test_async_client_random_responses(body: bytes, status: int, content_type: str) -> None:
    """The async client drives the same parser; spot-check it with random responses."""

    async def main() -> Any:
        async def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(status, headers={"Content-Type": content_type},
                                  content=body)

        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
            c = pixelz.AsyncClient(EMAIL, KEY, base_url=BASE, protocols="soap11",
                                   max_retries=0, http_client=http)
            try:
                return await c.list_images()
            except pixelz.PixelzError as exc:
                _check_error(exc, "soap11", "GetImagesList")
                return exc

    result = asyncio.run(main())
    if not isinstance(result, pixelz.PixelzError):
        _check_result(result, "GetImagesList")
