"""Argument validation: InvalidArgumentError (a ValueError) before any I/O."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any

import pytest
import respx

import pixelz
from pixelz import InvalidArgumentError, Protocol, SortBy, Status

from ._wire import BASE_URL, EMAIL, KEY, params_of, serve

BAD_LIST_ARGS: list[dict[str, Any]] = [
    {"page": 0},
    {"page": -1},
    {"page": "1"},
    {"page": 1.0},
    {"page": True},
    {"page": None},
    {"per_page": 0},
    {"per_page": 101},
    {"per_page": -5},
    {"per_page": "10"},
    {"per_page": 10.0},
    {"per_page": False},
    {"from_date": "2024-1-5"},
    {"from_date": "2024-02-30"},
    {"from_date": "20240105"},
    {"from_date": "2024-01-05T00:00:00"},
    {"from_date": "２０２４-０１-０５"},
    {"from_date": datetime.datetime(2024, 1, 5, 12, 0)},
    {"to_date": 20240105},
    {"to_date": " 2024-01-05"},
    {"from_date": "2024-03-02", "to_date": "2024-03-01"},
    {"from_date": datetime.date(2024, 3, 2), "to_date": datetime.date(2024, 3, 1)},
    {"status": -1},
    {"status": "-1"},
    {"status": "finished"},
    {"status": 80.0},
    {"status": True},
    {"status": [80]},
    {"status": "²"},
    {"status": "٨٠"},
    {"status": ""},
    {"exclude_status": -10},
    {"exclude_status": "nope"},
    {"exclude_status": False},
    {"sort_by": "name"},
    {"sort_by": 1},
    {"sort_by": ""},
    {"descending": 1},
    {"descending": "true"},
    {"descending": "false"},
    {"product_id": 42},
    {"product_id": b"bytes"},
    {"product_id": "bad\x00char"},
    {"product_id": "bell\x07"},
    {"product_id": "lone \ud800 surrogate"},
    {"product_id": "non-char \uffff"},
    {"product_id": "vt\x0b"},
]


@pytest.mark.parametrize("kwargs", BAD_LIST_ARGS, ids=repr)
def test_invalid_list_arguments_raise_before_io(
    router: respx.MockRouter, make_client, kwargs: dict[str, Any]
) -> None:
    route = router.route().mock(side_effect=serve([]))
    client = make_client()
    with pytest.raises(InvalidArgumentError) as info:
        client.list_images(**kwargs)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, pixelz.PixelzError)
    if "page" not in kwargs:  # iter_images has no page argument
        with pytest.raises(InvalidArgumentError):
            client.iter_images(**kwargs)
    with pytest.raises(InvalidArgumentError):
        client.compare_protocols(**kwargs)
    assert route.call_count == 0
    assert not router.calls
    assert KEY not in str(info.value)


def test_iter_images_validates_eagerly(router: respx.MockRouter, make_client) -> None:
    """The error comes from the call, not from the first next()."""
    route = router.route().mock(side_effect=serve([]))
    with pytest.raises(InvalidArgumentError):
        make_client().iter_images(per_page=0)
    with pytest.raises(InvalidArgumentError):
        make_client().iter_images(prefetch=0)
    assert route.call_count == 0


GOOD: list[tuple[dict[str, Any], dict[str, str]]] = [
    ({"status": 80}, {"imageStatus": "80"}),
    ({"status": 0}, {"imageStatus": "0"}),
    ({"status": 999}, {"imageStatus": "999"}),
    ({"status": Status.DELIVERED}, {"imageStatus": "80"}),
    ({"status": "delivered"}, {"imageStatus": "80"}),
    ({"status": "DELIVERED"}, {"imageStatus": "80"}),
    ({"status": "In_Production"}, {"imageStatus": "60"}),
    ({"status": "production_finished"}, {"imageStatus": "70"}),
    ({"status": "new"}, {"imageStatus": "10"}),
    ({"status": "80"}, {"imageStatus": "80"}),
    ({"status": " in production "}, {"imageStatus": "60"}),
    ({"exclude_status": "New"}, {"excludeImageStatus": "10"}),
    ({"exclude_status": Status.IN_PRODUCTION}, {"excludeImageStatus": "60"}),
    ({"status": 80, "exclude_status": 80}, {"imageStatus": "80", "excludeImageStatus": "80"}),
    ({"from_date": "2024-02-29"}, {"fromDate": "2024-02-29"}),
    ({"to_date": datetime.date(1999, 12, 31)}, {"toDate": "1999-12-31"}),
    ({"from_date": "2024-03-01", "to_date": "2024-03-01"},
     {"fromDate": "2024-03-01", "toDate": "2024-03-01"}),
    ({"page": 7}, {"page": "7"}),
    ({"per_page": 1}, {"imagesPerPage": "1"}),
    ({"per_page": 100}, {"imagesPerPage": "100"}),
    ({"sort_by": "id"}, {"sortBy": "id"}),
    ({"sort_by": "Date"}, {"sortBy": "date"}),
    ({"sort_by": SortBy.STATUS}, {"sortBy": "status"}),
    ({"descending": True}, {"isDescending": "true"}),
    ({"descending": False}, {"isDescending": "false"}),
    ({"product_id": ""}, {"productId": ""}),
    ({"product_id": "tab\tnl\ncr\r"}, {"productId": "tab\tnl\ncr\r"}),
    ({"product_id": "😀"}, {"productId": "😀"}),
]


@pytest.mark.parametrize(("kwargs", "sent"), GOOD, ids=repr)
def test_valid_arguments_serialized(router, make_client, kwargs, sent) -> None:
    route = router.route().mock(side_effect=serve([]))
    make_client("soap11").list_images(**kwargs)
    values = dict(params_of(route.calls.last.request))
    for name, value in sent.items():
        assert values[name] == value


@pytest.mark.parametrize("kwargs", [
    {},
    {"image_ticket": "6f1c0d2e-3a4b-4c5d-8e6f-708192a3b4c5", "customer_image_id": "x"},
    {"image_ticket": "not-a-guid"},
    {"image_ticket": 123},
    {"customer_image_id": ""},
    {"customer_image_id": 5},
    {"customer_image_id": "nul\x00"},
], ids=repr)
def test_invalid_get_image_status_arguments(router, make_client, kwargs) -> None:
    route = router.route().mock(side_effect=serve([]))
    with pytest.raises(InvalidArgumentError):
        make_client().get_image_status(**kwargs)
    assert route.call_count == 0


# -- credentials ------------------------------------------------------------------------------


def test_missing_credentials_name_the_environment_variables() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        pixelz.Client()
    message = str(info.value)
    assert "PIXELZ_CONTACT_EMAIL" in message
    assert "PIXELZ_CONTACT_API_KEY" in message


def test_missing_api_key_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIXELZ_CONTACT_EMAIL", EMAIL)
    with pytest.raises(InvalidArgumentError) as info:
        pixelz.Client()
    assert "PIXELZ_CONTACT_API_KEY" in str(info.value)
    assert "PIXELZ_CONTACT_EMAIL" not in str(info.value)
    with pytest.raises(InvalidArgumentError):
        pixelz.Client(contact_api_key="")


def test_credentials_from_environment(router, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIXELZ_CONTACT_EMAIL", "env@example.com")
    monkeypatch.setenv("PIXELZ_CONTACT_API_KEY", KEY)
    route = router.route().mock(side_effect=serve([]))
    with pixelz.Client(base_url=BASE_URL, protocols="http_post", max_retries=0) as client:
        assert KEY not in repr(client)
        client.list_images()
    values = dict(params_of(route.calls.last.request))
    assert values["contactEmail"] == "env@example.com"
    assert values["contactAPIkey"] == KEY


def test_explicit_credentials_win_over_environment(router, monkeypatch) -> None:
    monkeypatch.setenv("PIXELZ_CONTACT_EMAIL", "env@example.com")
    monkeypatch.setenv("PIXELZ_CONTACT_API_KEY", "ENV-KEY")
    route = router.route().mock(side_effect=serve([]))
    with pixelz.Client(EMAIL, KEY, base_url=BASE_URL, protocols="http_post",
                       max_retries=0) as client:
        client.list_images()
    values = dict(params_of(route.calls.last.request))
    assert (values["contactEmail"], values["contactAPIkey"]) == (EMAIL, KEY)


@pytest.mark.parametrize(("email", "key"), [
    (EMAIL, "SENTINEL-KEY-9f3a\x01"),
    ("a\x00@example.com", KEY),
    (EMAIL, 12345),
])
def test_unsendable_credentials_rejected_without_echo(email: Any, key: Any) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        pixelz.Client(email, key)
    assert KEY not in str(info.value) and KEY not in repr(info.value)


@pytest.mark.parametrize("kwargs", [
    {"protocols": "soap13"},
    {"protocols": []},
    {"protocols": ["soap11", Protocol.SOAP11]},
    {"protocols": [object()]},
    {"timeout": 0},
    {"timeout": -1.0},
    {"timeout": "30"},
    {"max_retries": -1},
    {"max_retries": True},
    {"base_url": "ftp://example.com/soap.asmx"},
    {"base_url": "not a url"},
    {"http_client": object()},
], ids=repr)
def test_invalid_client_configuration(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgumentError):
        pixelz.Client(EMAIL, KEY, **kwargs)


def test_protocols_accepts_names_members_and_order() -> None:
    with pixelz.Client(EMAIL, KEY, protocols=["HTTP_GET", Protocol.SOAP12]) as client:
        assert client.protocols == (Protocol.HTTP_GET, Protocol.SOAP12)
        assert client.protocol is None
    with pixelz.Client(EMAIL, KEY) as client:
        assert client.protocols == (
            Protocol.SOAP11, Protocol.SOAP12, Protocol.HTTP_POST, Protocol.HTTP_GET
        )
    with pixelz.Client(EMAIL, KEY, protocols="soap12") as client:
        assert client.protocols == (Protocol.SOAP12,)


def test_async_client_validates_before_io(router: respx.MockRouter) -> None:
    route = router.route().mock(side_effect=serve([]))

    async def main() -> None:
        async with pixelz.AsyncClient(EMAIL, KEY, base_url=BASE_URL, max_retries=0) as client:
            with pytest.raises(InvalidArgumentError):
                await client.list_images(per_page=101)
            with pytest.raises(InvalidArgumentError):
                await client.get_image_status()
            with pytest.raises(InvalidArgumentError):
                async for _ in client.iter_images(status="bogus"):
                    pass

    asyncio.run(main())
    assert route.call_count == 0
    with pytest.raises(InvalidArgumentError):
        pixelz.AsyncClient()
