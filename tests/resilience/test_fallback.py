"""Fallback, retries, stickiness and cool-down, checked on the wire with respx: what the
sync and async drivers do with the policy's decisions (sleep, send again, move on) and
how they turn httpx's exceptions into them. The decisions themselves, every row of the
table, are in tests/unit/test_policy.py."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import respx

import pixelz
from pixelz import Protocol

from ..unit._wire import protocol_of
from .conftest import BASE, EMAIL, KEY, Routes, ok, waf_block


def make(**kwargs: object) -> pixelz.Client:
    return pixelz.Client(EMAIL, KEY, base_url=BASE, **kwargs)  # type: ignore[arg-type]


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


def test_503_with_retry_after_is_retried(routes: Routes, no_sleep: list[float]) -> None:
    answers = iter([httpx.Response(503, headers={"Retry-After": "2"}), ok("soap11")])
    routes.answer["soap11"] = lambda: next(answers)
    with make() as client:
        assert client.list_images().protocol is Protocol.SOAP11
    assert routes.calls["soap11"] == 2
    assert no_sleep == [2.0]


def test_unreachable_host_raises_network_error_without_fallback(no_sleep: list[float]) -> None:
    with respx.mock() as router:
        route = router.route(host="pixelz.test").mock(side_effect=httpx.ConnectError("refused"))
        with make() as client, pytest.raises(pixelz.NetworkError) as info:
            client.list_images()
    assert route.call_count == 3  # one protocol, max_retries=2
    assert not isinstance(info.value, pixelz.AllProtocolsFailedError)
    assert info.value.protocol is Protocol.SOAP11
    assert len(no_sleep) == 2


def test_timeout_is_request_timeout_error(routes: Routes, no_sleep: list[float]) -> None:
    def slow() -> httpx.Response:
        raise httpx.ReadTimeout("read timed out")

    routes.answer["soap11"] = slow
    with make() as client, pytest.raises(pixelz.RequestTimeoutError) as info:
        client.list_images()
    assert isinstance(info.value, pixelz.NetworkError)
    assert routes.calls["soap12"] == 0


def test_connection_reset_is_retried_then_falls_back(routes: Routes, no_sleep: list[float]) -> None:
    def reset() -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")

    routes.answer["soap11"] = reset
    with make() as client:
        assert client.list_images().protocol is Protocol.SOAP12
    assert routes.calls["soap11"] == 3


@pytest.mark.parametrize("cooldown", [300, 0])
def test_sticky_protocol_and_cooldown(routes: Routes, cooldown: float) -> None:
    """A blocked protocol is skipped while it cools down (the clock itself is faked in
    tests/unit/test_policy.py); with no cool-down it is tried again on the next call."""
    routes.answer["soap11"] = waf_block
    with make(cooldown=cooldown) as client:
        assert client.list_images().protocol is Protocol.SOAP12
        routes.answer["soap11"] = lambda: ok("soap11")
        expected = Protocol.SOAP12 if cooldown else Protocol.SOAP11
        assert client.list_images().protocol is expected
        assert client.protocol is expected
    assert routes.calls["soap11"] == (1 if cooldown else 2)


def test_unreadable_answer_falls_back(routes: Routes) -> None:
    routes.answer["soap11"] = lambda: httpx.Response(
        200, headers={"Content-Type": "text/xml"}, content=b"<soap:Envelope xmlns:soap=")
    with make(protocols=["soap11", "http_post"]) as client:
        page = client.list_images()
    assert page.protocol is Protocol.HTTP_POST and len(page) == 1


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


def _trickle(protocol: str) -> tuple[bytes, bytes]:
    """The start of a long answer, and the piece it then repeats every 50 ms."""
    body = ok(protocol).content
    return body[: body.index(b"<ImageStatus>")], b"<ImageStatus />"


@pytest.mark.parametrize("flavor", ["sync", "async"])
def test_a_trickling_answer_meets_the_overall_timeout(flavor: str) -> None:
    """A float ``timeout`` bounds the whole request, not only each read: a server that
    keeps sending a little at a time cannot hold a call (and no retry or fallback)."""
    start, piece = _trickle("soap11")
    sent: list[str] = []

    def body() -> Iterator[bytes]:
        yield start
        while True:
            time.sleep(0.05)
            yield piece

    async def abody() -> AsyncIterator[bytes]:
        yield start
        while True:
            await asyncio.sleep(0.05)
            yield piece

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(str(protocol_of(request)))
        content = body() if flavor == "sync" else abody()
        return httpx.Response(200, headers={"Content-Type": "text/xml"}, content=content)

    async def aanswer(request: httpx.Request) -> httpx.Response:
        return answer(request)

    options = dict(base_url=BASE, protocols=["soap11", "soap12"], max_retries=0, timeout=0.3)

    async def call_async() -> None:
        http = httpx.AsyncClient(transport=httpx.MockTransport(aanswer))
        async with pixelz.AsyncClient(EMAIL, KEY, http_client=http, **options) as client:
            await client.list_images()

    def call() -> None:
        if flavor == "async":
            asyncio.run(call_async())
            return
        http = httpx.Client(transport=httpx.MockTransport(answer))
        with pixelz.Client(EMAIL, KEY, http_client=http, **options) as client:
            client.list_images()

    started = time.monotonic()
    with pytest.raises(pixelz.RequestTimeoutError) as info:
        call()
    assert 0.3 <= time.monotonic() - started < 2
    assert "0.3 s" in str(info.value)
    assert sent == ["soap11"]


def test_an_undecodable_body_falls_back(routes: Routes) -> None:
    routes.answer["soap11"] = lambda: httpx.Response(
        200, headers={"Content-Type": "text/xml", "Content-Encoding": "gzip"},
        content=b"not gzip at all")
    with make() as client:
        assert client.list_images().protocol is Protocol.SOAP12
