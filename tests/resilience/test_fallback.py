"""Fallback, retries, stickiness and cool-down, checked on the wire with respx."""

from __future__ import annotations

import asyncio
import inspect
import logging

import httpx
import pytest
import respx

import pixelz
from pixelz import Protocol

from .conftest import BASE, EMAIL, KEY, Routes, ok, soap11_fault, waf_block


def make(**kwargs: object) -> pixelz.Client:
    return pixelz.Client(EMAIL, KEY, base_url=BASE, **kwargs)  # type: ignore[arg-type]


def html_500() -> httpx.Response:
    return httpx.Response(
        500, headers={"Content-Type": "text/html"}, text="<html>Runtime Error</html>"
    )


def test_soap11_blocked_falls_back_to_soap12(
    routes: Routes, caplog: pytest.LogCaptureFixture
) -> None:
    routes.answer["soap11"] = waf_block
    caplog.set_level(logging.DEBUG, logger="pixelz")
    with make() as client:
        page = client.list_images()
    assert page.protocol is Protocol.SOAP12
    assert client.protocol is Protocol.SOAP12
    assert routes.calls == {"soap11": 1, "soap12": 1, "http_post": 0, "http_get": 0}
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "soap11" in warnings[0].getMessage() and "soap12" in warnings[0].getMessage()
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any("soap11: HTTP 403" in m for m in debug)
    assert any("soap12: HTTP 200" in m for m in debug)


def test_both_soap_blocked_falls_back_to_http_post(routes: Routes) -> None:
    routes.answer["soap11"] = waf_block
    routes.answer["soap12"] = lambda: httpx.Response(415)
    with make() as client:
        assert client.list_images().protocol is Protocol.HTTP_POST
    assert routes.calls["http_get"] == 0


def test_only_get_left(routes: Routes) -> None:
    routes.answer["soap11"] = waf_block
    routes.answer["soap12"] = waf_block
    routes.answer["http_post"] = html_500
    with make() as client:
        page = client.list_images()
    assert page.protocol is Protocol.HTTP_GET and len(page) == 1


def test_nothing_left_lists_every_attempt(routes: Routes) -> None:
    for name in routes.answer:
        routes.answer[name] = waf_block
    with make() as client, pytest.raises(pixelz.AllProtocolsFailedError) as info:
        client.list_images()
    attempts = info.value.attempts
    assert [p for p, _ in attempts] == list(Protocol)
    assert all(isinstance(e, pixelz.ProtocolBlockedError) for _, e in attempts)
    assert KEY not in str(info.value)
    assert "soap11" in str(info.value) and "http_get" in str(info.value)


def test_fault_does_not_fall_back(routes: Routes) -> None:
    routes.answer["soap11"] = soap11_fault
    with make() as client, pytest.raises(pixelz.APIError) as info:
        client.list_images()
    assert info.value.code == "Client"
    assert info.value.message == "Invalid contact email or API key"
    assert sum(routes.calls.values()) == 1


def test_asmx_error_text_does_not_fall_back(routes: Routes) -> None:
    routes.answer["http_post"] = lambda: httpx.Response(
        500,
        headers={"Content-Type": "text/plain; charset=utf-8"},
        text="Server was unable to process request. ---> Simulated server failure",
    )
    with (
        make(protocols=["http_post", "http_get"]) as client,
        pytest.raises(pixelz.APIError) as info,
    ):
        client.list_images()
    assert info.value.message == "Simulated server failure"
    assert routes.calls["http_get"] == 0


def test_invalid_arguments_never_reach_the_network(routes: Routes) -> None:
    with make() as client, pytest.raises(pixelz.InvalidArgumentError):
        client.list_images(per_page=500)
    assert sum(routes.calls.values()) == 0


def test_503_with_retry_after_is_retried(routes: Routes, no_sleep: list[float]) -> None:
    answers = iter([httpx.Response(503, headers={"Retry-After": "2"}), ok("soap11")])
    routes.answer["soap11"] = lambda: next(answers)
    with make() as client:
        assert client.list_images().protocol is Protocol.SOAP11
    assert routes.calls["soap11"] == 2
    assert no_sleep == [2.0]


def test_retry_after_is_capped(routes: Routes, no_sleep: list[float]) -> None:
    routes.answer["soap11"] = lambda: httpx.Response(429, headers={"Retry-After": "3600"})
    with make(max_retries=2) as client, pytest.raises(pixelz.APIError) as info:
        client.list_images()
    assert info.value.status_code == 429
    assert routes.calls["soap11"] == 3 and routes.calls["soap12"] == 0
    assert no_sleep == [60.0, 60.0]  # an hour-long hint waits the 60 s cap


def test_backoff_is_exponential_with_jitter(routes: Routes, no_sleep: list[float]) -> None:
    routes.answer["soap11"] = lambda: httpx.Response(502)
    with make(max_retries=3) as client, pytest.raises(pixelz.APIError):
        client.list_images()
    # No Retry-After: 0.5, 1, 2 s, each less up to 25 % at random.
    assert len(no_sleep) == 3
    for slept, base in zip(no_sleep, (0.5, 1.0, 2.0), strict=True):
        assert base * 0.75 <= slept <= base


def test_retry_after_http_date(routes: Routes, no_sleep: list[float]) -> None:
    import email.utils
    import time

    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    answers = iter([httpx.Response(503, headers={"Retry-After": when}), ok("soap11")])
    routes.answer["soap11"] = lambda: next(answers)
    with make() as client:
        client.list_images()
    assert len(no_sleep) == 1 and 3.0 <= no_sleep[0] <= 5.0


@pytest.mark.parametrize("status", [408, 429, 502, 503, 504])
def test_retryable_statuses(routes: Routes, no_sleep: list[float], status: int) -> None:
    answers = iter([httpx.Response(status), httpx.Response(status), ok("soap11")])
    routes.answer["soap11"] = lambda: next(answers)
    with make() as client:
        client.list_images()
    assert routes.calls["soap11"] == 3 and len(no_sleep) == 2


def test_unreachable_host_raises_network_error_without_fallback(no_sleep: list[float]) -> None:
    with respx.mock() as router:
        route = router.route(host="pixelz.test").mock(side_effect=httpx.ConnectError("refused"))
        with make() as client, pytest.raises(pixelz.NetworkError) as info:
            client.list_images()
    assert route.call_count == 3  # one protocol, max_retries=2
    assert not isinstance(info.value, pixelz.AllProtocolsFailedError)
    assert info.value.protocol is Protocol.SOAP11
    assert len(no_sleep) == 2


def test_real_unreachable_port_gives_network_error(no_sleep: list[float]) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with (
        pixelz.Client(
            EMAIL, KEY, base_url=f"http://127.0.0.1:{port}/soap.asmx", max_retries=1
        ) as client,
        pytest.raises(pixelz.NetworkError) as info,
    ):
        client.list_images()
    assert "GetImagesList over soap11" in str(info.value)
    assert len(no_sleep) == 1


def test_timeout_is_request_timeout_error(routes: Routes, no_sleep: list[float]) -> None:
    def slow() -> httpx.Response:
        raise httpx.ReadTimeout("read timed out")

    routes.answer["soap11"] = slow
    with make() as client, pytest.raises(pixelz.RequestTimeoutError):
        client.list_images()
    assert routes.calls["soap12"] == 0


def test_connection_reset_is_retried_then_falls_back(routes: Routes, no_sleep: list[float]) -> None:
    def reset() -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")

    routes.answer["soap11"] = reset
    with make() as client:
        assert client.list_images().protocol is Protocol.SOAP12
    assert routes.calls["soap11"] == 3


def test_pinned_protocol_raises_its_own_error(routes: Routes) -> None:
    routes.answer["soap12"] = waf_block
    with make(protocols=Protocol.SOAP12) as client, pytest.raises(pixelz.ProtocolBlockedError):
        client.list_images()
    assert routes.calls == {"soap11": 0, "soap12": 1, "http_post": 0, "http_get": 0}


def test_sticky_protocol_and_cooldown(routes: Routes) -> None:
    now = [1000.0]
    routes.answer["soap11"] = waf_block
    with make(cooldown=60) as client:
        client._shared.selector.clock = lambda: now[0]
        assert client.list_images().protocol is Protocol.SOAP12
        # Sticky: the blocked protocol is skipped while it cools down.
        for _ in range(3):
            assert client.list_images().protocol is Protocol.SOAP12
        assert routes.calls["soap11"] == 1 and routes.calls["soap12"] == 4
        # After the cool-down SOAP 1.1 is tried again, and used once it works.
        routes.answer["soap11"] = lambda: ok("soap11")
        now[0] += 61
        assert client.list_images().protocol is Protocol.SOAP11
        assert client.protocol is Protocol.SOAP11
        assert routes.calls["soap11"] == 2


def test_cooling_protocols_are_still_tried_last(routes: Routes) -> None:
    routes.answer["soap11"] = waf_block
    with make(protocols=["soap11", "soap12"]) as client:
        assert client.list_images().protocol is Protocol.SOAP12
        # Now SOAP 1.2 breaks and SOAP 1.1 recovers inside its cool-down.
        routes.answer["soap12"] = waf_block
        routes.answer["soap11"] = lambda: ok("soap11")
        assert client.list_images().protocol is Protocol.SOAP11


def test_response_size_limit(routes: Routes) -> None:
    big = ok("soap11")
    routes.answer["soap11"] = lambda: big
    with (
        make(protocols="soap11", max_response_size=100) as client,
        pytest.raises(pixelz.ResponseParseError) as info,
    ):
        client.list_images()
    assert "max_response_size" in str(info.value)


def test_api_key_absent_from_logs_for_every_protocol(
    routes: Routes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for protocol in Protocol:
        with make(protocols=protocol) as client:
            client.list_images()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "contactAPIkey=***" in text  # httpx logged the GET URL, redacted
    assert KEY not in text


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


def test_async_fallback_and_retry(routes: Routes, monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr("pixelz._async_io.sleep", fake_sleep)
    routes.answer["soap11"] = waf_block
    answers = iter([httpx.Response(503, headers={"Retry-After": "1"}), ok("soap12")])
    routes.answer["soap12"] = lambda: next(answers)

    async def main() -> pixelz.ImagesPage:
        async with pixelz.AsyncClient(EMAIL, KEY, base_url=BASE) as client:
            page = await client.list_images()
            assert client.protocol is Protocol.SOAP12
            return page

    page = asyncio.run(main())
    assert page.protocol is Protocol.SOAP12
    assert slept == [1.0]
