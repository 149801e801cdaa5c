"""Success shapes on all four protocols, byte for byte against the real captures."""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable

import httpx
import pytest
from lxml import etree

from pixelz._operations import IMAGE_STATUS, NAMESPACE
from pixelz.emulator import Emulator, Record
from pixelz.emulator._wsdl import build_wsdl
from pixelz.models import Protocol

from ..unit._wire import FIXTURES as CAPTURES
from ..unit._wire import load_capture as capture
from ._helpers import SOAP11_NS, SOAP12_NS, request

NS = {"t": NAMESPACE, "s11": SOAP11_NS, "s12": SOAP12_NS}
CAPTURE_FILES = {
    Protocol.SOAP11: "soap11-ok.http",
    Protocol.SOAP12: "soap12-ok.http",
    Protocol.HTTP_GET: "get-ok.http",
    Protocol.HTTP_POST: "post-ok.http",
}


def capture_records(body: bytes) -> tuple[Record, ...]:
    """The two records of a capture, with that capture's tickets."""
    tickets = re.findall(rb"<ImageTicket>([^<]+)</ImageTicket>", body)
    day = datetime.date(2026, 1, 1)
    return (
        Record(1, day, uuid.UUID(tickets[0].decode()), "c1 <&>", "p", "Done", 5, True,
               "http://x/t.jpg", ("http://x/1.jpg", "http://x/2.jpg")),
        Record(2, day, uuid.UUID(tickets[1].decode()), None, None, "InProgress", 2, False,
               None, None),
    )  # fmt: skip


@pytest.mark.parametrize("protocol", list(Protocol))
def test_get_images_list_matches_capture_byte_for_byte(protocol: Protocol) -> None:
    _, headers, body = capture(CAPTURE_FILES[protocol])
    emu = Emulator(dataset=capture_records(body))
    with httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app), base_url="http://e") as c:
        response = request(c, protocol, page="1", imagesPerPage="10")
    assert response.status_code == 200
    assert response.content == body
    for name in ("Content-Type", "Cache-Control", "X-AspNet-Version"):
        assert response.headers[name] == headers[name]


def test_wsdl_matches_capture_for_the_captured_operation(monkeypatch: pytest.MonkeyPatch) -> None:
    from pixelz._operations import GET_IMAGES_LIST
    from pixelz.emulator import _wsdl

    monkeypatch.setattr(_wsdl, "OPERATIONS", {"GetImagesList": GET_IMAGES_LIST})
    wsdl = build_wsdl("http://127.0.0.1:8091/soap.asmx", set(Protocol))
    assert wsdl == (CAPTURES / "service.wsdl").read_bytes()


def _record_of(response: httpx.Response, protocol: Protocol) -> etree._Element:
    root = etree.fromstring(response.content)
    if protocol in (Protocol.SOAP11, Protocol.SOAP12):
        soap = "s11" if protocol is Protocol.SOAP11 else "s12"
        path = f"{soap}:Body/t:GetImageStatusResponse/t:GetImageStatusResult/t:ImageStatus"
    else:
        assert root.tag == f"{{{NAMESPACE}}}ImageStatusResponse"
        path = "t:ImageStatus"
    found = root.xpath(path, namespaces=NS)
    assert len(found) == 1
    element: etree._Element = found[0]
    return element


@pytest.mark.parametrize("protocol", list(Protocol))
def test_get_image_status_shape(
    protocol: Protocol, emu: Emulator, call: Callable[..., httpx.Response]
) -> None:
    record = next(
        r for r in emu.dataset if r.CustomerImageId and r.CustomerImageId.startswith("sku-")
    )
    response = call(protocol, "GetImageStatus", imageTicket=str(record.ImageTicket).upper())
    assert response.status_code == 200, response.text
    element = _record_of(response, protocol)
    assert element.findtext(f"{{{NAMESPACE}}}ImageTicket") == str(record.ImageTicket)
    names = [etree.QName(child).localname for child in element]
    assert names == [f.wire for f in IMAGE_STATUS.fields if f.wire in names]
    if protocol in (Protocol.SOAP11, Protocol.SOAP12):
        assert b"\n" not in response.content
    else:
        assert response.content.startswith(
            b'<?xml version="1.0" encoding="utf-8"?>\n<ImageStatusResponse xmlns:xsd="'
        )
        assert b"\n  <ImageStatus>\n    <ImageTicket>" in response.content


def _hard_record(emu: Emulator, text: str) -> Record:
    return next(r for r in emu.dataset if r.CustomerImageId == text)


@pytest.mark.parametrize("protocol", [Protocol.SOAP11, Protocol.HTTP_GET])
def test_hard_text_escaping(
    protocol: Protocol, emu: Emulator, call: Callable[..., httpx.Response]
) -> None:
    cases = {
        "ctl\x01char": b"<CustomerImageId>ctl&#x1;char</CustomerImageId>",
        "carriage\rreturn and crlf\r\nend": b"carriage\rreturn and crlf\r\nend",  # raw, as Mono
        "tab\tseparated": b"<CustomerImageId>tab\tseparated</CustomerImageId>",
        "": b"<CustomerImageId />",
        "emoji-🎉📷-𝄞": "<CustomerImageId>emoji-🎉📷-𝄞</CustomerImageId>".encode(),
    }
    for text, expected in cases.items():
        ticket = str(_hard_record(emu, text).ImageTicket)
        response = call(protocol, "GetImageStatus", imageTicket=ticket)
        assert expected in response.content, text
    special = next(r for r in emu.dataset if r.CustomerImageId and "Jerry" in r.CustomerImageId)
    response = call(protocol, "GetImageStatus", imageTicket=str(special.ImageTicket))
    assert b"Tom &amp; Jerry &lt;b&gt;\"quoted\"&lt;/b&gt; 'single' &gt; ]]&gt;" in response.content


def test_escape_cr_knob(emu: Emulator, call: Callable[..., httpx.Response]) -> None:
    ticket = str(_hard_record(emu, "carriage\rreturn and crlf\r\nend").ImageTicket)
    emu.config.escape_cr = True
    for protocol in (Protocol.SOAP12, Protocol.HTTP_POST):
        body = call(protocol, "GetImageStatus", imageTicket=ticket).content
        assert b"carriage&#xD;return and crlf&#xD;\nend" in body
        assert b"\r" not in body


def test_final_urls_shapes(emu: Emulator, call: Callable[..., httpx.Response]) -> None:
    def body_for(finals: object) -> bytes:
        record = next(r for r in emu.dataset if r.FinalImagesURL == finals)
        return call(Protocol.SOAP11, "GetImageStatus", imageTicket=str(record.ImageTicket)).content

    assert b"FinalImagesURL" not in body_for(None)
    assert b"<FinalImagesURL />" in body_for(())
    with_null = next(
        r.FinalImagesURL for r in emu.dataset if r.FinalImagesURL and None in r.FinalImagesURL
    )
    assert b'<string xsi:nil="true" />' in body_for(with_null)
    with_empty = next(
        r.FinalImagesURL for r in emu.dataset if r.FinalImagesURL and "" in r.FinalImagesURL
    )
    assert b"<string />" in body_for(with_empty)


def test_nil_style(emu: Emulator, call: Callable[..., httpx.Response]) -> None:
    record = next(r for r in emu.dataset if r.CustomerImageId is None and r.FinalImagesURL is None)
    emu.config.nil_style = "nil"
    for protocol in (Protocol.SOAP12, Protocol.HTTP_POST):
        body = call(protocol, "GetImageStatus", imageTicket=str(record.ImageTicket)).content
        assert b'<CustomerImageId xsi:nil="true" />' in body
        assert b'<FinalImagesURL xsi:nil="true" />' in body
        etree.fromstring(body)  # the xsi prefix is declared


@pytest.mark.parametrize("protocol", list(Protocol))
def test_empty_page(protocol: Protocol, call: Callable[..., httpx.Response]) -> None:
    response = call(protocol, page="999")
    assert response.status_code == 200
    assert b"<Images />" in response.content
