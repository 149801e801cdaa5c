"""The four protocols yield identical records for the same server data."""

from __future__ import annotations

import uuid

import pytest
import respx

from pixelz import ImageStatus, Protocol
from pixelz._operations import GET_IMAGE_STATUS, GET_IMAGES_LIST
from pixelz._parser import parse_response

from ._wire import (
    ABSENT,
    EDGE_RECORDS,
    NIL,
    Rec,
    bare_body,
    body_for,
    capture_response,
    expected,
    serve,
    soap_body,
)
from .test_responses import LIST_CALL, parse

# The tests that parse run through both readers (tests/unit/conftest.py).


def test_four_shapes_really_differ() -> None:
    """The helper writes four distinct documents, not one document four times."""
    bodies = {p: body_for(p, EDGE_RECORDS) for p in Protocol}
    assert bodies[Protocol.SOAP11] != bodies[Protocol.SOAP12]
    assert "\n  <" not in bodies[Protocol.SOAP11]  # one-line envelope (newlines only in data)
    assert bodies[Protocol.HTTP_GET].count("\n  ") > 50  # indented bare document
    assert bodies[Protocol.HTTP_GET].startswith(
        '<?xml version="1.0" encoding="utf-8"?>\n<ImagesListResponse ')
    assert soap_body(GET_IMAGES_LIST, EDGE_RECORDS) == bodies[Protocol.SOAP11]
    assert bare_body(GET_IMAGES_LIST, EDGE_RECORDS) == bodies[Protocol.HTTP_POST]


def test_identical_records_across_protocols(router: respx.MockRouter, make_client) -> None:
    router.route().mock(side_effect=serve(EDGE_RECORDS))
    results: dict[Protocol, tuple[ImageStatus, ...]] = {}
    for protocol in Protocol:
        page = make_client(protocol).list_images()
        assert page.protocol is protocol
        results[protocol] = page.images
    reference = results[Protocol.SOAP11]
    assert reference == expected(EDGE_RECORDS)
    for protocol, images in results.items():
        assert images == reference, protocol
        # Equal and of the same types, field by field (no str/None or list/tuple drift).
        for a, b in zip(images, reference, strict=True):
            for field in a.__slots__:
                if field.startswith("__"):
                    continue
                assert type(getattr(a, field)) is type(getattr(b, field)), (protocol, field)


def test_compare_protocols_agrees(router: respx.MockRouter, make_client) -> None:
    router.route().mock(side_effect=serve(EDGE_RECORDS))
    comparison = make_client().compare_protocols()
    assert comparison.consistent, comparison.differences
    assert {r.outcome for r in comparison.results} == {"ok"}


@pytest.mark.parametrize("rec", EDGE_RECORDS, ids=lambda r: r.ticket[:8])
def test_identical_single_record_across_protocols(router, make_client, rec: Rec) -> None:
    router.route().mock(side_effect=serve(rec, GET_IMAGE_STATUS))
    images = {make_client(p).get_image_status(rec.ticket) for p in Protocol}
    assert images == {rec.expected()}


@pytest.mark.parametrize("images", [ABSENT, NIL, []], ids=repr)
def test_identical_empty_pages(images) -> None:
    assert {parse(body_for(p, images), p) for p in Protocol} == {()}


def test_real_captures_agree() -> None:
    """The four real captures of one data set give the same records, tickets aside (the
    capturing server minted fresh GUIDs per request)."""
    results = {}
    captures = [(Protocol.SOAP11, "soap11-ok.http"), (Protocol.SOAP12, "soap12-ok.http"),
                (Protocol.HTTP_POST, "post-ok.http"), (Protocol.HTTP_GET, "get-ok.http")]
    for protocol, name in captures:
        response = capture_response(name)
        images = parse_response(LIST_CALL, response, protocol)
        results[protocol] = tuple(
            (i.customer_image_id, i.product_id, i.status_name, i.status_id, i.is_paid,
             i.thumbnail_image_url, i.final_image_urls) for i in images
        )
        assert all(isinstance(i.image_ticket, uuid.UUID) for i in images)
    assert len(set(results.values())) == 1


@pytest.mark.parametrize("protocol", [Protocol.SOAP11, Protocol.HTTP_GET])
def test_large_pages_stream_to_the_same_records(protocol: Protocol) -> None:
    """Pages above 1 MiB are read incrementally and freed in batches: same records, in
    order, as the small-document path gives for each slice, edge cases included."""
    from pixelz import _parser

    records = (list(EDGE_RECORDS) * 800)[:4000]
    body = body_for(protocol, records).encode("utf-8")
    assert len(body) > _parser._STREAM_ABOVE
    parsed = parse(body, protocol)
    assert parsed == expected(records)
    # Cut the same data into small pages: the non-streaming path agrees record for record.
    small = [parse(body_for(protocol, records[i : i + 500]), protocol)
             for i in range(0, len(records), 500)]
    assert parsed == tuple(image for page in small for image in page)
