"""Arguments as they go over the wire, credentials from the environment, protocol names.

What is refused, and that nothing is sent then, is in tests/security/test_validation.py.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

import pixelz
from pixelz import InvalidArgumentError, Protocol, SortBy, Status

from ._wire import BASE_URL, EMAIL, KEY, params_of, serve

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
    ({"status": "in-production"}, {"imageStatus": "60"}),
    ({"status": 12345}, {"imageStatus": "12345"}),
    ({"exclude_status": "New"}, {"excludeImageStatus": "10"}),
    ({"exclude_status": Status.IN_PRODUCTION}, {"excludeImageStatus": "60"}),
    ({"exclude_status": Status.NEW}, {"excludeImageStatus": "10"}),
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
    ({"sort_by": " status "}, {"sortBy": "status"}),
    ({"descending": True}, {"isDescending": "true"}),
    ({"descending": False}, {"isDescending": "false"}),
    ({"product_id": ""}, {"productId": ""}),
    ({"product_id": "tab\tnl\ncr\r"}, {"productId": "tab\tnl\ncr\r"}),
    ({"product_id": "😀"}, {"productId": "😀"}),
    ({"product_id": "p <&> é"}, {"productId": "p <&> é"}),
]


@pytest.mark.parametrize(("kwargs", "sent"), GOOD, ids=repr)
def test_valid_arguments_serialized(router, make_client, kwargs, sent) -> None:
    route = router.route().mock(side_effect=serve([]))
    make_client("soap11").list_images(**kwargs)
    values = dict(params_of(route.calls.last.request))
    for name, value in sent.items():
        assert values[name] == value


# -- credentials ------------------------------------------------------------------------------


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
