"""wait_for: status sequences served by respx, the deadline, a missing image, the retry
policy per poll, and the sans-I/O Waiter that decides when to poll next."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable

import httpx
import pytest
import respx

import pixelz
from pixelz import APIError, InvalidArgumentError, RequestTimeoutError, Status
from pixelz._deliveries import FIRST_POLL_DELAY, Waiter
from pixelz._operations import GET_IMAGE_STATUS

from ._wire import BASE_URL, EMAIL, KEY, Rec, ok_response, params_of, protocol_of

T1 = "cdc798ef-2cf6-4610-a97e-887e63f8e477"


def statuses(*ids: int) -> Callable[[httpx.Request], httpx.Response]:
    """A respx side effect answering GetImageStatus with ``ids`` in turn (the last one
    repeated)."""
    served = iter(ids)
    last = [ids[0]]

    def handler(request: httpx.Request) -> httpx.Response:
        last[0] = next(served, last[0])
        return ok_response(protocol_of(request), Rec(T1, status_id=str(last[0])),
                           GET_IMAGE_STATUS)

    return handler


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The sync client's sleeps, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr("pixelz._sync_io.sleep", recorded.append)
    return recorded


def test_polls_until_delivered_with_growing_gaps(router: respx.MockRouter, make_client,
                                                 sleeps: list[float]) -> None:
    route = router.route().mock(side_effect=statuses(10, 60, 60, 70, 80))
    image = make_client("soap11").wait_for(T1)
    assert image.status is Status.DELIVERED and route.call_count == 5
    assert len(sleeps) == 4
    for n, slept in enumerate(sleeps):  # 1, 2, 4, 8 s less up to a tenth of jitter
        assert 0.9 * FIRST_POLL_DELAY * 2**n <= slept <= FIRST_POLL_DELAY * 2**n


def test_poll_interval_caps_the_gap(router: respx.MockRouter, make_client,
                                    sleeps: list[float]) -> None:
    router.route().mock(side_effect=statuses(10, 10, 10, 10, 80))
    make_client("http_post").wait_for(T1, poll_interval=2.5)
    assert sleeps[0] <= 1.0 and all(2.25 <= s <= 2.5 for s in sleeps[2:])
    assert max(sleeps) <= 2.5


def test_a_later_status_counts_as_reached(router: respx.MockRouter, make_client,
                                          sleeps: list[float]) -> None:
    client = make_client("soap12")
    for target in (Status.PRODUCTION_FINISHED, 70, "production_finished", "Production Finished"):
        route = router.route().mock(side_effect=statuses(60, 80))
        image = client.wait_for(T1, status=target)
        assert image.status_id == 80 and route.call_count == 2
        router.routes.clear()
    router.route().mock(side_effect=statuses(60))
    assert client.wait_for(T1, status=Status.NEW).status_id == 60


def test_already_there_returns_without_sleeping(router: respx.MockRouter, make_client,
                                                sleeps: list[float]) -> None:
    route = router.route().mock(side_effect=statuses(80))
    assert make_client("http_get").wait_for(customer_image_id="sku-1").status_id == 80
    assert route.call_count == 1 and sleeps == []
    assert ("customerImageId", "sku-1") in params_of(route.calls.last.request)


def test_timeout_raises_request_timeout_at_the_deadline(router: respx.MockRouter,
                                                        make_client) -> None:
    route = router.route().mock(side_effect=statuses(60))
    started = time.monotonic()
    with pytest.raises(RequestTimeoutError) as info:
        make_client("soap11").wait_for(T1, timeout=0.3, poll_interval=0.05)
    elapsed = time.monotonic() - started
    assert 0.3 <= elapsed < 2.0
    assert route.call_count >= 4
    message = str(info.value)
    assert T1 in message and "in production" in message and "delivered" in message
    assert info.value.operation == "GetImageStatus" and KEY not in message


def test_a_missing_image_raises_api_error_at_once(router: respx.MockRouter, make_client,
                                                  sleeps: list[float]) -> None:
    route = router.route().mock(return_value=httpx.Response(
        500, headers={"Content-Type": "text/plain; charset=utf-8"},
        text="System.ArgumentException: Image not found\n  at Pixelz.Api.GetImageStatus()"))
    with pytest.raises(APIError, match="Image not found"):
        make_client("http_post").wait_for(T1, timeout=60)
    assert route.call_count == 1 and sleeps == []


def test_each_poll_uses_the_retry_policy(router: respx.MockRouter, make_client) -> None:
    ok = statuses(60, 80)
    answers = iter([httpx.Response(503, headers={"Retry-After": "0"})])

    def handler(request: httpx.Request) -> httpx.Response:
        return next(answers, None) or ok(request)

    route = router.route().mock(side_effect=handler)
    image = make_client("soap11", max_retries=1).wait_for(T1, poll_interval=0.01)
    assert image.status_id == 80 and route.call_count == 3  # 503, retried: 60, then 80


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status": None}, "status"),
        ({"status": "finished"}, "status"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": float("inf")}, "timeout"),
        ({"poll_interval": -1}, "poll_interval"),
        ({"poll_interval": True}, "poll_interval"),
        ({"customer_image_id": "sku-1"}, "image_ticket"),
    ],
)
def test_invalid_arguments_fail_before_any_io(router: respx.MockRouter, make_client,
                                              kwargs: dict[str, object], message: str) -> None:
    route = router.route().mock(side_effect=statuses(80))
    with pytest.raises(InvalidArgumentError, match=message):
        make_client().wait_for(T1, **kwargs)
    assert route.call_count == 0


def test_async_wait_for(router: respx.MockRouter) -> None:
    route = router.route().mock(side_effect=statuses(10, 70, 80))

    async def main() -> tuple[pixelz.ImageStatus, BaseException]:
        async with pixelz.AsyncClient(EMAIL, KEY, base_url=BASE_URL, max_retries=0,
                                      protocols="soap11") as client:
            image = await client.wait_for(T1, poll_interval=0.01)
            try:
                await client.wait_for(T1, status=90, timeout=0.05, poll_interval=0.01)
            except RequestTimeoutError as exc:
                return image, exc
            raise AssertionError("no timeout")

    image, error = asyncio.run(main())
    assert image.status_id == 80 and route.call_count >= 4
    assert "status 90" in str(error)


# -- the decisions, on a fake clock --------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def rec(status_id: int) -> pixelz.ImageStatus:
    return Rec(T1, status_id=str(status_id)).expected()


def test_waiter_backs_off_and_polls_once_more_at_the_deadline() -> None:
    clock = Clock()
    waiter = Waiter(Status.DELIVERED, 10.0, 4.0, clock=clock, rng=random.Random(1))
    gaps: list[float] = []

    def poll_until_the_deadline() -> None:
        while True:
            delay = waiter.after(rec(60), T1)
            assert delay is not None
            gaps.append(delay)
            clock.now += delay

    with pytest.raises(RequestTimeoutError, match="after 10 s"):
        poll_until_the_deadline()
    assert clock.now == pytest.approx(110.0)  # the last gap was cut to hit the deadline
    assert 0.9 <= gaps[0] <= 1.0 and 1.8 <= gaps[1] <= 2.0 and 3.6 <= gaps[2] <= 4.0
    assert all(g <= 4.0 for g in gaps)
    assert waiter.after(rec(80), T1) is None  # reached beats the deadline


def test_waiter_without_timeout_never_gives_up() -> None:
    clock = Clock()
    waiter = Waiter("delivered", None, None, clock=clock)
    for _ in range(50):
        delay = waiter.after(rec(10), T1)
        assert delay is not None and delay <= 30.0
        clock.now += 10**6
    assert waiter.after(rec(80), T1) is None
