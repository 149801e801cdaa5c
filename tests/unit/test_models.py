"""Public value objects, enums and the error tree."""

from __future__ import annotations

import uuid

import attrs
import pytest

import pixelz
from pixelz import ImagesPage, ImageStatus, Protocol, SortBy, Status

T1 = uuid.UUID("cdc798ef-2cf6-4610-a97e-887e63f8e477")


def make(**changes: object) -> ImageStatus:
    fields = dict(
        image_ticket=T1, customer_image_id="c", product_id=None, status_name="Done",
        status_id=80, is_paid=True, thumbnail_image_url="", final_image_urls=("u",),
    )
    fields.update(changes)
    return ImageStatus(**fields)  # type: ignore[arg-type]


def test_image_status_fields_in_wire_order() -> None:
    """... and the operation spec's field list, the one source the CLI and comparison
    read, names them in the same order."""
    assert [f.name for f in attrs.fields(ImageStatus)] == [
        "image_ticket", "customer_image_id", "product_id", "status_name", "status_id",
        "is_paid", "thumbnail_image_url", "final_image_urls",
    ]
    from pixelz._operations import IMAGE_STATUS

    assert list(IMAGE_STATUS.attributes) == [f.name for f in attrs.fields(ImageStatus)]


def test_image_status_frozen_slots_hashable() -> None:
    image = make()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        image.status_id = 10  # type: ignore[misc]
    assert not hasattr(image, "__dict__")
    assert "__slots__" in type(image).__dict__
    with pytest.raises((AttributeError, TypeError)):
        image.extra = 1  # type: ignore[attr-defined]
    assert image == make() and hash(image) == hash(make())
    assert image != make(customer_image_id="")
    assert make(customer_image_id=None) != make(customer_image_id="")
    assert len({make(), make(), make(status_id=10)}) == 2
    assert attrs.evolve(image, status_id=10).status_id == 10


def test_image_status_defaults_and_status_property() -> None:
    image = ImageStatus(T1, None, None, None, 12345, False, None)
    assert image.final_image_urls == ()
    assert image.status is None
    assert make(status_id=80).status is Status.DELIVERED
    assert make(status_id=60).status == 60


def test_images_page_iterable_sized_indexable() -> None:
    images = (make(), make(status_id=10))
    page = ImagesPage(images, page=2, per_page=2, protocol=Protocol.SOAP11)
    assert len(page) == 2
    assert list(page) == list(images)
    assert page[0] is images[0] and page[-1] is images[1] and page[:1] == images[:1]
    assert [i.status_id for i in page] == [80, 10]
    assert not page.is_last  # full page: more may follow
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        page.page = 3  # type: ignore[misc]
    assert not hasattr(page, "__dict__")
    assert page == ImagesPage(images, 2, 2, Protocol.SOAP11)


def test_images_page_is_last() -> None:
    assert ImagesPage((), 1, None, Protocol.HTTP_GET).is_last
    assert ImagesPage((make(),), 1, 2, Protocol.HTTP_GET).is_last
    assert not ImagesPage((make(),), 1, None, Protocol.HTTP_GET).is_last
    assert len(ImagesPage((), 1, None, Protocol.HTTP_GET)) == 0


def test_protocol_enum() -> None:
    assert [p.value for p in Protocol] == ["soap11", "soap12", "http_post", "http_get"]
    assert [p.name for p in Protocol] == ["SOAP11", "SOAP12", "HTTP_POST", "HTTP_GET"]
    assert Protocol("http_get") is Protocol.HTTP_GET
    assert str(Protocol.SOAP12) == "soap12"
    assert Protocol.SOAP11 == "soap11"


def test_status_and_sort_enums() -> None:
    assert {s.name: int(s) for s in Status} == {
        "NEW": 10, "IN_PRODUCTION": 60, "PRODUCTION_FINISHED": 70, "DELIVERED": 80,
    }
    assert Status.DELIVERED == 80
    assert [s.value for s in SortBy] == ["id", "date", "status"]
    assert SortBy("date") is SortBy.DATE and SortBy.ID == "id"


def test_public_names() -> None:
    for name in [
        "Client", "AsyncClient", "ImageStatus", "ImagesPage", "Protocol", "Status", "SortBy",
        "ProtocolComparison", "ProtocolResult", "PixelzError", "InvalidArgumentError",
        "APIError", "ProtocolBlockedError", "AllProtocolsFailedError", "NetworkError",
        "RequestTimeoutError", "ResponseParseError",
    ]:
        assert name in pixelz.__all__
        assert getattr(pixelz, name) is not None
    from pixelz.transports import (
        HttpGetTransport,
        HttpPostTransport,
        Soap11Transport,
        Soap12Transport,
        Transport,
    )

    for cls, protocol in [(Soap11Transport, Protocol.SOAP11), (Soap12Transport, Protocol.SOAP12),
                          (HttpPostTransport, Protocol.HTTP_POST),
                          (HttpGetTransport, Protocol.HTTP_GET)]:
        assert issubclass(cls, Transport)
        assert cls().protocol is protocol


def test_error_tree() -> None:
    for cls in (pixelz.InvalidArgumentError, pixelz.APIError, pixelz.ProtocolBlockedError,
                pixelz.AllProtocolsFailedError, pixelz.NetworkError, pixelz.ResponseParseError):
        assert issubclass(cls, pixelz.PixelzError)
    assert issubclass(pixelz.InvalidArgumentError, ValueError)
    assert issubclass(pixelz.RequestTimeoutError, pixelz.NetworkError)
    assert not issubclass(pixelz.ResponseParseError, ValueError)
    assert not issubclass(pixelz.APIError, ValueError)


def test_error_attributes() -> None:
    error = pixelz.APIError("bad key", operation="GetImagesList", protocol=Protocol.SOAP12,
                            code="Sender", status_code=500)
    assert (error.message, error.code, error.status_code) == ("bad key", "Sender", 500)
    assert str(error) == "GetImagesList over soap12: bad key"
    parse = pixelz.ResponseParseError("x", protocol="json", status_code=200,
                                      content_type="text/xml", snippet="<a")
    assert (parse.snippet, parse.content_type, parse.protocol) == ("<a", "text/xml", "json")
    assert str(parse) == "json: x"
    every = pixelz.AllProtocolsFailedError([(Protocol.SOAP11, error)], operation="GetImagesList")
    assert every.attempts == ((Protocol.SOAP11, error),)
    assert "soap11" in str(every)
