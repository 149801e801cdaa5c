"""The fast path (pixelz/_fastpath.py) reads exactly what the general reader reads.

Every test compares two runs of the one public parser on the same bytes: as shipped, and
with the fast path switched off so that the lxml tree reader does all the work. The
outcome (records, or error type and message) must be the same; on top, each test pins
down whether the fast path took the page or declined it, so a pattern that silently
stops matching real ASMX output (and costs P1 its speed) fails here too.
"""

from __future__ import annotations

import copy
import pickle
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pixelz import PixelzError, Protocol, _fastpath, _parser
from pixelz._arguments import Credentials, image_status_call
from pixelz._operations import GET_IMAGE_STATUS, GET_IMAGES_LIST, NAMESPACE, RECORD_FIELDS

from ._wire import (
    ABSENT,
    EDGE_RECORDS,
    NIL,
    XSI,
    Rec,
    bare_body,
    body_for,
    capture_response,
    expected,
    soap_body,
)
from .test_captures import CAPTURES, captured_records
from .test_responses import parse

T1 = "cdc798ef-2cf6-4610-a97e-887e63f8e477"
T2 = "92c220ce-487f-4e00-92d6-a744329ef1b1"
PROTOCOLS = list(Protocol)


def outcome(body: bytes, protocol: Protocol) -> tuple[Any, ...]:
    """What the parser makes of ``body``: ("ok", records) or ("error", type, message)."""
    try:
        return ("ok", parse(body, protocol))
    except PixelzError as exc:
        return ("error", type(exc), str(exc))


def check(body: str | bytes, protocol: Protocol = Protocol.SOAP11) -> tuple[tuple[Any, ...], bool]:
    """Both readers agree on ``body``: returns the outcome, and whether the shipped parser
    read it by the fast path (without calling the tree reader)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    used_tree: list[bool] = []
    real = _parser._Reader._read_tree

    def spy(self: Any, *args: Any) -> Any:
        used_tree.append(True)
        return real(self, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_parser._Reader, "_read_tree", spy)
        shipped = outcome(data, protocol)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_fastpath, "split", lambda document: None)
        assert shipped == outcome(data, protocol)
    return shipped, not used_tree


PAGE = captured_records(T1, T2)


def soap(records: Any = PAGE) -> str:
    return soap_body(GET_IMAGES_LIST, records)


def bare(records: Any = PAGE) -> str:
    return bare_body(GET_IMAGES_LIST, records)


# -- the spec and the pattern -----------------------------------------------------------------


def test_field_types_follow_the_spec() -> None:
    """_records() unpacks groups by position: a new or moved field must update it."""
    assert tuple(f.xsd_type for f in RECORD_FIELDS) == _fastpath.FIELD_TYPES


def test_fast_uuid_is_a_real_uuid() -> None:
    text = "0A1b2C3d-4e5F-4a6b-8c7d-9e0f1a2b3c4d"
    fast, plain = _fastpath._uuid(text), uuid.UUID(text)
    assert _fastpath._uuid is not uuid.UUID  # this Python takes the quick one
    assert type(fast) is uuid.UUID
    assert (fast, hash(fast), str(fast), fast.version, fast.is_safe) == (
        plain, hash(plain), str(plain), plain.version, plain.is_safe)
    assert pickle.loads(pickle.dumps(fast)) == plain
    assert copy.deepcopy(fast) == plain
    with pytest.raises(TypeError):
        fast.int = 1  # type: ignore[misc]  # still immutable


# -- what the fast path takes --------------------------------------------------------------------


@pytest.mark.parametrize(("name", "protocol", "first", "second"), CAPTURES)
def test_real_captures_take_the_fast_path(name, protocol, first, second) -> None:
    response = capture_response(name)
    shipped, fast = check(response.content, protocol)
    assert fast
    assert shipped[0] == "ok" and len(shipped[1]) == 2


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("index", range(len(EDGE_RECORDS)))
def test_edge_records(protocol, index) -> None:
    """Each hard record, as a page of two: read fast unless it carries unknown elements."""
    rec = EDGE_RECORDS[index]
    body = body_for(protocol, [rec, PAGE[1]]).encode()
    shipped, fast = check(body, protocol)
    assert shipped == ("ok", (rec.expected(), PAGE[1].expected()))
    assert fast is (rec.extra == "")


@pytest.mark.parametrize(
    ("description", "before", "after", "value"),
    [
        ("named entities", "c1 &lt;&amp;&gt;", "c1 &lt;&amp;&gt;&quot;&apos;", "c1 <&>\"'"),
        ("decimal and hex references", "c1 &lt;&amp;&gt;", "&#65;&#x42;&#x1F600;",
         "AB\U0001f600"),
        ("a control character reference", "c1 &lt;&amp;&gt;", "a&#x1;b&#0;", "a\x01b\x00"),
        ("CR as a reference stays CR", "c1 &lt;&amp;&gt;", "a&#xD;&#xA;b", "a\r\nb"),
        ("a literal CRLF becomes LF", "c1 &lt;&amp;&gt;", "a\r\nb\rc", "a\nb\nc"),
        ("non-ASCII", "c1 &lt;&amp;&gt;", "héllo 漢字 😀", "héllo 漢字 😀"),
        ("white space only", "c1 &lt;&amp;&gt;", " \t\n ", " \t\n "),
        ("> in text", "c1 &lt;&amp;&gt;", "a>b", "a>b"),
        ("empty as start and end tag", "<CustomerImageId>c1 &lt;&amp;&gt;</CustomerImageId>",
         "<CustomerImageId></CustomerImageId>", ""),
        ("empty without a space", "<CustomerImageId>c1 &lt;&amp;&gt;</CustomerImageId>",
         "<CustomerImageId/>", ""),
        ("nil", "<CustomerImageId>c1 &lt;&amp;&gt;</CustomerImageId>",
         '<CustomerImageId xsi:nil="true"/>', None),
        ("absent", "<CustomerImageId>c1 &lt;&amp;&gt;</CustomerImageId>", "", None),
    ],
)
def test_values_decoded_as_xml_decodes_them(description, before, after, value) -> None:
    body = soap().replace(before, after, 1)
    assert body != soap()
    shipped, fast = check(body)
    assert shipped[0] == "ok", shipped
    assert shipped[1][0].customer_image_id == value
    assert fast


def test_crlf_indentation_is_taken() -> None:
    """Windows servers indent GET/POST answers with CRLF."""
    body = bare().replace("\n", "\r\n")
    shipped, fast = check(body, Protocol.HTTP_GET)
    assert shipped == ("ok", expected(PAGE))
    assert fast


def test_final_url_items_in_every_form() -> None:
    body = soap().replace(
        "<string>http://x/2.jpg</string>",
        '<string /><string xsi:nil="true" /><string></string><string>&amp;</string>',
    )
    shipped, fast = check(body)
    assert shipped[1][0].final_image_urls == ("http://x/1.jpg", "", "", "&")
    assert fast


def test_a_large_page_is_taken_and_matches_the_streaming_reader() -> None:
    """Above 1 MiB the tree reader streams; the fast path must agree with that one too."""
    records = [
        Rec(str(uuid.UUID(int=n)), customer=f"SKU-{n}", product=NIL, status_name="Done",
            status_id=str(n % 90), is_paid="true" if n % 3 else "false",
            thumbnail="" if n % 7 == 0 else f"http://x/{n}.jpg",
            finals=[f"http://x/{n}/a.jpg", NIL] if n % 2 else ABSENT)
        for n in range(6000)
    ]
    body = soap(records).encode()
    assert len(body) > _parser._STREAM_ABOVE
    shipped, fast = check(body)
    assert shipped == ("ok", expected(records))
    assert fast


# -- what it declines ------------------------------------------------------------------------


def _mutations() -> Iterator[tuple[str, Any]]:
    """(name, function from the SOAP page to a variant the fast path must decline)."""
    def sub(old: str, new: str, count: int = 1) -> Any:
        def apply(body: str) -> str:
            assert old in body, old
            return body.replace(old, new, count)
        return apply

    yield "comment in a record", sub("<ProductId>", "<!-- x --><ProductId>")
    yield "CDATA", sub("<ProductId>p<", "<ProductId><![CDATA[p]]><")
    yield "prefixed field", sub("<ProductId>p</ProductId>",
                                f'<t:ProductId xmlns:t="{NAMESPACE}">p</t:ProductId>')
    yield "unknown field", sub("</ImageStatus>", "<New>x</New></ImageStatus>")
    yield "duplicate field", sub("<ProductId>p</ProductId>",
                                 "<ProductId>p</ProductId><ProductId>q</ProductId>")
    yield "fields out of order", sub("<ProductId>p</ProductId><StatusName>Done</StatusName>",
                                     "<StatusName>Done</StatusName><ProductId>p</ProductId>")
    yield "nil record", sub("<Images>", '<Images><ImageStatus xsi:nil="true" />')
    yield "attribute on a record", sub("<ImageStatus>", '<ImageStatus a="1">')
    yield "namespace on a record", sub("<ImageStatus>", '<ImageStatus xmlns="urn:other">')
    yield "nil in single quotes", sub("<ProductId>p</ProductId>",
                                      "<ProductId xsi:nil='true' />")
    yield "nil as 1", sub("<ProductId>p</ProductId>", '<ProductId xsi:nil="1" />')
    yield "nil with text", sub("<ProductId>p<", '<ProductId xsi:nil="true">p<')
    yield "ticket in braces", sub(f"<ImageTicket>{T1}<", f"<ImageTicket>{{{T1}}}<")
    yield "ticket with white space", sub(f"<ImageTicket>{T1}<", f"<ImageTicket> {T1} <")
    yield "ticket without dashes", sub(f"<ImageTicket>{T1}<",
                                       f"<ImageTicket>{T1.replace('-', '')}<")
    yield "status id with a sign", sub("<StatusId>5<", "<StatusId>+5<")
    yield "status id with spaces", sub("<StatusId>5<", "<StatusId> 5 <")
    yield "IsPaid with spaces", sub("<IsPaid>true<", "<IsPaid> true <")
    yield "records outside the container", lambda body: body.replace(
        "<Images>", "<Images /><Other>").replace("</Images>", "</Other>")
    yield "another element in the container", sub("</Images>", "<Other /></Images>")
    yield "text between records", sub("</ImageStatus><ImageStatus>",
                                      "</ImageStatus>x<ImageStatus>")
    yield "xsi bound elsewhere", sub(f'xmlns:xsi="{XSI}"', 'xmlns:xsi="urn:not-xsi"')
    yield "another default namespace", sub(f'xmlns="{NAMESPACE}"', 'xmlns="urn:other"')
    yield "ISO-8859-1 declaration", sub('encoding="utf-8"', 'encoding="iso-8859-1"')
    yield "XML 1.1", sub('version="1.0"', 'version="1.1"')
    yield "a literal control character", sub("<ProductId>p<", "<ProductId>p\x01<")
    yield "a literal U+FFFE", sub("<ProductId>p<", "<ProductId>p\ufffe<")
    yield "]]> in text", sub("<ProductId>p<", "<ProductId>p]]><")
    yield "a bare ampersand", sub("<ProductId>p<", "<ProductId>p & q<")
    yield "an unknown entity", sub("<ProductId>p<", "<ProductId>&nbsp;<")
    yield "a surrogate reference", sub("<ProductId>p<", "<ProductId>&#xD800;<")
    yield "a reference with a capital X", sub("<ProductId>p<", "<ProductId>&#X41;<")
    yield "a reference past Unicode", sub("<ProductId>p<", "<ProductId>&#x110000;<")
    yield "a truncated page", lambda body: body[: body.rindex("</ImageStatus>") + 20]
    yield "records in a comment", lambda body: body.replace("<Images>", "<Images><!--").replace(
        "</Images>", "--></Images>")


MUTATIONS = dict(_mutations())


@pytest.mark.parametrize("name", MUTATIONS)
def test_declines_and_agrees(name) -> None:
    body = MUTATIONS[name](soap())
    assert not check(body)[1]


def test_invalid_utf8_is_declined() -> None:
    body = soap().encode().replace(b"<ProductId>p<", b"<ProductId>\xff<")
    assert not check(body)[1]


def test_a_status_id_too_long_for_int_is_declined() -> None:
    body = soap().replace("<StatusId>5<", f"<StatusId>{'9' * 5000}<")
    shipped, fast = check(body)
    assert shipped[0] == "error"
    assert not fast


def test_text_past_the_libxml2_limit_is_declined(monkeypatch) -> None:
    """libxml2 refuses a text node over 10 MB; the general reader must say so."""
    monkeypatch.setattr(_fastpath, "_MAX_TEXT", 200)
    assert not check(soap())[1]


def test_a_single_record_answer_is_read_as_a_tree(monkeypatch) -> None:
    """GetImageStatus holds one record, which a tree reads faster (P2)."""
    used: list[bytes] = []
    monkeypatch.setattr(_fastpath, "split", lambda document: used.append(document))
    call = image_status_call(Credentials("a@example.com", "k"), T1, None)
    body = soap_body(GET_IMAGE_STATUS, PAGE[0]).encode()
    response = httpx.Response(200, headers={"Content-Type": "text/xml"}, content=body)
    assert _parser.parse_response(call, response, Protocol.SOAP11) == (PAGE[0].expected(),)
    assert not used


# -- both readers agree on anything ---------------------------------------------------------------

_texts = st.one_of(
    st.text(max_size=12),
    st.text(alphabet="<>&'\"\r\n\t ]\x01\x1f\x7f\u00e9\ud7ff\ue000\U0001f600", max_size=8),
)
_strings = st.one_of(st.just(ABSENT), st.just(NIL), _texts)
_records = st.builds(
    Rec,
    ticket=st.uuids().map(str),
    customer=_strings,
    product=_strings,
    status_name=_strings,
    status_id=st.integers(-(2**31), 2**31 - 1).map(str),
    is_paid=st.sampled_from(["true", "false", "1", "0"]),
    thumbnail=_strings,
    finals=st.one_of(st.just(ABSENT), st.just(NIL),
                     st.lists(st.one_of(st.just(NIL), _texts), max_size=3)),
)
# Edits a server or a proxy could make to ASMX's output; the first leaves it as written.
_EDITS = [
    lambda body: body,
    lambda body: body.replace("\n", "\r\n"),
    lambda body: body.replace(" />", "/>"),
    lambda body: body.replace("<ProductId", "<!--c--><ProductId"),
    lambda body: body.replace("</StatusName>", "</StatusName>\n "),
    lambda body: body.replace("&amp;", "&#38;"),
    lambda body: body.replace("&#x", "&#X"),
    lambda body: body.replace("&lt;", "<![CDATA[<]]>"),
    lambda body: body.replace("xsi:nil", "i:nil").replace("xmlns:xsi", "xmlns:i"),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.lists(_records, min_size=1, max_size=4),
    protocol=st.sampled_from(PROTOCOLS),
    edit=st.sampled_from(range(len(_EDITS))),
)
def test_both_readers_agree(records, protocol, edit) -> None:
    body = _EDITS[edit](body_for(protocol, records))
    shipped, fast = check(body, protocol)
    if edit == 0:  # as ASMX writes it: read fast, and right
        assert shipped == ("ok", expected(records))
        assert fast
