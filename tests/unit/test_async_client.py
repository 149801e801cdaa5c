"""The asyncio client: same requests, records and errors as the sync one (asyncio.run)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest
import respx

import pixelz
from pixelz import APIError, ImageStatus, Protocol, ProtocolBlockedError, ResponseParseError
from pixelz._operations import GET_IMAGE_STATUS

from ._wire import (
    BASE_URL,
    EDGE_RECORDS,
    EMAIL,
    KEY,
    Rec,
    expected,
    ok_response,
    params_of,
    protocol_of,
    recs,
    serve,
)

T = TypeVar("T")
T1 = "cdc798ef-2cf6-4610-a97e-887e63f8e477"


def run(body: Callable[[pixelz.AsyncClient], Awaitable[T]], **kwargs: Any) -> T:
    async def main() -> T:
        kwargs.setdefault("max_retries", 0)
        async with pixelz.AsyncClient(EMAIL, KEY, base_url=BASE_URL, **kwargs) as client:
            return await body(client)

    return asyncio.run(main())


@pytest.mark.parametrize("protocol", list(Protocol))
def test_async_list_images_same_records(router: respx.MockRouter, protocol) -> None:
    route = router.route().mock(side_effect=serve(EDGE_RECORDS))

    async def body(client: pixelz.AsyncClient) -> pixelz.ImagesPage:
        return await client.list_images(status="delivered", per_page=10)

    page = run(body, protocols=protocol)
    assert page.images == expected(EDGE_RECORDS)
    assert page.protocol is protocol
    values = dict(params_of(route.calls.last.request))
    assert (values["imageStatus"], values["imagesPerPage"]) == ("80", "10")


def test_async_iter_images_pages_and_stops(router: respx.MockRouter) -> None:
    route = router.route().mock(side_effect=serve((recs(2), recs(2, 3), recs(1, 5))))

    async def body(client: pixelz.AsyncClient) -> list[ImageStatus]:
        return [image async for image in client.iter_images(per_page=2)]

    images = run(body, protocols="soap12")
    assert [i.customer_image_id for i in images] == ["c1", "c2", "c3", "c4", "c5"]
    assert route.call_count == 3


def test_async_iter_images_repeated_page(router: respx.MockRouter) -> None:
    router.route().mock(side_effect=serve(recs(2)))

    async def body(client: pixelz.AsyncClient) -> None:
        async for _ in client.iter_images(per_page=2):
            pass

    with pytest.raises(ResponseParseError):
        run(body, protocols="http_get")


def test_async_get_image_status(router: respx.MockRouter) -> None:
    rec = Rec(T1, customer="sku-1")
    router.route().mock(side_effect=serve(rec, GET_IMAGE_STATUS))

    async def body(client: pixelz.AsyncClient) -> tuple[ImageStatus, ImageStatus]:
        return (await client.get_image_status(T1),
                await client.get_image_status(customer_image_id="sku-1"))

    assert run(body, protocols="http_post") == (rec.expected(), rec.expected())


def test_async_fault_and_fallback(router: respx.MockRouter) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        protocol = protocol_of(request)
        if protocol is Protocol.SOAP11:
            return httpx.Response(403, headers={"Content-Type": "text/html"}, text="<html/>")
        return httpx.Response(500, headers={"Content-Type": "text/plain; charset=utf-8"},
                              text="System.ArgumentException: Invalid contact API key\n  at X")

    route = router.route().mock(side_effect=handler)

    async def body(client: pixelz.AsyncClient) -> None:
        await client.list_images()

    with pytest.raises(APIError) as info:
        run(body, protocols=["soap11", "http_post", "http_get"])
    assert info.value.message == "Invalid contact API key"
    assert info.value.protocol is Protocol.HTTP_POST
    assert route.call_count == 2
    assert KEY not in repr(info.value)


def test_async_blocked_single_protocol(router: respx.MockRouter) -> None:
    router.route().mock(return_value=httpx.Response(415))

    async def body(client: pixelz.AsyncClient) -> None:
        await client.list_images()

    with pytest.raises(ProtocolBlockedError):
        run(body, protocols="soap12")


def test_async_user_http_client_not_closed() -> None:
    async def main() -> tuple[int, bool]:
        async def handler(request: httpx.Request) -> httpx.Response:
            return ok_response(protocol_of(request), [Rec(T1)])

        http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        async with pixelz.AsyncClient(EMAIL, KEY, base_url=BASE_URL, http_client=http,
                                      max_retries=0) as client:
            page = await client.list_images()
        closed = http.is_closed
        await http.aclose()
        return len(page), closed

    assert asyncio.run(main()) == (1, False)


def test_async_compare_protocols(router: respx.MockRouter) -> None:
    router.route().mock(side_effect=serve([Rec(T1, customer="x")]))

    async def body(client: pixelz.AsyncClient) -> pixelz.ProtocolComparison:
        return await client.compare_protocols()

    comparison = run(body)
    assert comparison.consistent
    assert [r.outcome for r in comparison.results] == ["ok"] * 4


def test_sync_and_async_clients_have_the_same_public_surface() -> None:
    def surface(cls: type) -> dict[str, inspect.Signature]:
        return {
            name: inspect.signature(member)
            for name, member in inspect.getmembers(cls)
            if not name.startswith("_") and callable(member)
        }

    sync, async_ = surface(pixelz.Client), surface(pixelz.AsyncClient)
    assert sync.keys() == async_.keys()
    for name, signature in sync.items():
        other = async_[name]
        assert list(signature.parameters) == list(other.parameters), name
    init_sync = inspect.signature(pixelz.Client.__init__).parameters
    init_async = inspect.signature(pixelz.AsyncClient.__init__).parameters
    assert list(init_sync) == list(init_async)
    sync_props = {n for n, v in inspect.getmembers(pixelz.Client) if isinstance(v, property)}
    async_props = {n for n, v in inspect.getmembers(pixelz.AsyncClient) if isinstance(v, property)}
    assert sync_props == async_props
