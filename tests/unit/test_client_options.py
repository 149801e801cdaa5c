"""Client lifecycle and options: with_options, closing, timeouts, the generated sync client."""

from __future__ import annotations

import asyncio
import importlib.util
import pathlib

import httpx
import pytest
import respx

import pixelz

from ._wire import BASE_URL, EMAIL, KEY, Rec, serve

ROOT = pathlib.Path(__file__).resolve().parents[2]
T1 = "cdc798ef-2cf6-4610-a97e-887e63f8e477"


def test_the_sync_client_is_generated_from_the_async_one() -> None:
    spec = importlib.util.spec_from_file_location("unasync", ROOT / ".ci" / "unasync.py")
    assert spec is not None and spec.loader is not None
    unasync = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(unasync)
    assert unasync.main(["--check"]) == 0, "pixelz/_client.py is stale: run .ci/unasync.py"
    generated = (ROOT / "pixelz" / "_client.py").read_text()
    assert "async " not in generated and "await " not in generated


def test_filters_and_options_are_keyword_only(make_client) -> None:
    client = make_client()
    with pytest.raises(TypeError):
        client.list_images(80)  # type: ignore[misc]
    with pytest.raises(TypeError):
        client.iter_images(80)  # type: ignore[misc]


def test_with_options_shares_pool_and_protocol_state(router: respx.MockRouter) -> None:
    soap = router.post(BASE_URL).respond(403, text="<html>blocked</html>",
                                         headers={"Content-Type": "text/html"})
    router.post(BASE_URL + "/GetImagesList").mock(side_effect=serve([Rec(T1)]))
    client = pixelz.Client(EMAIL, KEY, base_url=BASE_URL, max_retries=0)
    quick = client.with_options(timeout=2.5, max_retries=1)
    assert quick._shared.http is client._shared.http
    assert quick._timeout == httpx.Timeout(2.5) and quick._retry.max_retries == 1
    assert client._timeout == httpx.Timeout(30.0) and client._retry.max_retries == 0
    assert quick.list_images().protocol is pixelz.Protocol.HTTP_POST
    assert client.protocol is pixelz.Protocol.HTTP_POST  # learnt through the copy
    soap_calls = soap.call_count
    client.list_images()  # SOAP 1.1 and 1.2 are cooling down: straight to HTTP POST
    assert soap.call_count == soap_calls == 2
    pinned = client.with_options(protocols="soap11")
    assert pinned.protocols == (pixelz.Protocol.SOAP11,) and client.protocols[0] == "soap11"
    with pytest.raises(pixelz.InvalidArgumentError):
        client.with_options(max_retries=-1)
    quick.close()
    assert client.is_closed and client._shared.http.is_closed


def test_a_closed_client_says_so(make_client) -> None:
    client = make_client()
    client.close()
    with pytest.raises(pixelz.PixelzError, match="GetImagesList: the client is closed"):
        client.list_images()
    with pytest.raises(pixelz.PixelzError, match="the client is closed"):
        next(client.iter_images())
    with pytest.raises(pixelz.PixelzError, match="the client is closed"):
        client.compare_protocols()


def test_a_closed_user_http_client_is_a_pixelz_error() -> None:
    http = httpx.Client()
    client = pixelz.Client(EMAIL, KEY, base_url=BASE_URL, http_client=http)
    http.close()
    with pytest.raises(pixelz.PixelzError, match="the http_client is closed"):
        client.get_image_status(T1)


def test_async_iter_images_checks_its_arguments_when_called() -> None:
    client = pixelz.AsyncClient(EMAIL, KEY, base_url=BASE_URL)
    with pytest.raises(pixelz.InvalidArgumentError, match="per_page"):
        client.iter_images(per_page=0)
    with pytest.raises(pixelz.InvalidArgumentError, match="prefetch"):
        client.iter_images(prefetch=0)
    asyncio.run(client.close())


def _sent_timeout(router: respx.MockRouter) -> dict[str, float | None]:
    request = router.calls.last.request
    timeout: dict[str, float | None] = request.extensions["timeout"]
    return timeout


def test_a_user_http_clients_timeout_is_kept_unless_timeout_is_given(
    router: respx.MockRouter,
) -> None:
    router.post(BASE_URL).mock(side_effect=serve([Rec(T1)]))
    http = httpx.Client(timeout=httpx.Timeout(7.0, connect=2.0))
    with pixelz.Client(EMAIL, KEY, base_url=BASE_URL, http_client=http) as client:
        client.list_images()
        assert _sent_timeout(router) == {"connect": 2.0, "read": 7.0, "write": 7.0, "pool": 7.0}
        client.with_options(timeout=3.0).list_images()
        assert set(_sent_timeout(router).values()) == {3.0}
    with pixelz.Client(EMAIL, KEY, base_url=BASE_URL, http_client=http, timeout=4.0) as client:
        client.list_images()
        assert set(_sent_timeout(router).values()) == {4.0}
    http.close()


def test_an_unbounded_user_http_client_needs_a_timeout() -> None:
    http = httpx.Client(timeout=None)
    with pytest.raises(pixelz.InvalidArgumentError, match="http_client's timeout"):
        pixelz.Client(EMAIL, KEY, http_client=http)
    pixelz.Client(EMAIL, KEY, http_client=http, timeout=5.0).close()
    http.close()
