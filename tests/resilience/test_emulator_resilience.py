"""Fallback, retries, stickiness and concurrency against a real emulator on loopback."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

import pixelz
from pixelz import Protocol
from pixelz.emulator import Emulator


@pytest.fixture
def client(pixelz_emulator: Emulator) -> Iterator[pixelz.Client]:
    email, key = pixelz_emulator.credentials
    with pixelz.Client(email, key, base_url=pixelz_emulator.base_url) as c:
        yield c


def expected_first_page(emulator: Emulator, per_page: int) -> list[str]:
    return [str(r.ImageTicket) for r in sorted(emulator.dataset, key=lambda r: r.Id)[:per_page]]


@pytest.mark.parametrize(
    ("blocked", "served"),
    [
        ({"soap11"}, Protocol.SOAP12),
        ({"soap11", "soap12"}, Protocol.HTTP_POST),
        ({"soap11", "soap12", "http_post"}, Protocol.HTTP_GET),
    ],
)
def test_waf_blocks_fall_back_in_order(
    pixelz_emulator: Emulator, client: pixelz.Client, blocked: set[str], served: Protocol
) -> None:
    pixelz_emulator.config.blocked_protocols = blocked
    page = client.list_images(per_page=10)
    assert page.protocol is served and client.protocol is served
    assert [str(i.image_ticket) for i in page] == expected_first_page(pixelz_emulator, 10)
    assert pixelz_emulator.log.count(status=403) == len(blocked)


def test_disabled_protocols_fall_back(pixelz_emulator: Emulator) -> None:
    pixelz_emulator.config.enabled_protocols = {"http_get"}
    email, key = pixelz_emulator.credentials
    with pixelz.Client(email, key, base_url=pixelz_emulator.base_url) as client:
        assert client.list_images(per_page=3).protocol is Protocol.HTTP_GET


def test_nothing_left_is_all_protocols_failed(
    pixelz_emulator: Emulator, client: pixelz.Client
) -> None:
    pixelz_emulator.config.blocked_protocols = {"soap11", "soap12", "http_post", "http_get"}
    with pytest.raises(pixelz.AllProtocolsFailedError) as info:
        client.list_images()
    assert len(info.value.attempts) == 4
    assert {p for p, _ in info.value.attempts} == set(Protocol)
    assert all(e.status_code == 403 for _, e in info.value.attempts)  # type: ignore[attr-defined]


def test_fault_is_one_request(pixelz_emulator: Emulator) -> None:
    base_url = pixelz_emulator.base_url
    with (
        pixelz.Client("demo@example.com", "wrong-key-123", base_url=base_url) as c,
        pytest.raises(pixelz.APIError) as info,
    ):
        c.list_images()
    assert info.value.message == "Invalid contact email or API key"
    assert info.value.code == "Client"
    assert len(pixelz_emulator.log.entries) == 1


def test_server_fault_same_message_on_every_protocol(pixelz_emulator: Emulator) -> None:
    email, key = pixelz_emulator.credentials
    messages = set()
    for protocol in Protocol:
        with (
            pixelz.Client(email, key, base_url=pixelz_emulator.base_url, protocols=protocol) as c,
            pytest.raises(pixelz.APIError) as info,
        ):
            c.list_images(product_id="__boom__")
        messages.add(info.value.message)
    assert messages == {"Simulated server failure"}


def test_transient_503_is_retried(
    pixelz_emulator: Emulator, client: pixelz.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr("pixelz._sync_io.sleep", slept.append)
    pixelz_emulator.config.update(fail_rate=1.0, retry_after="1")
    calls = {"n": 0}
    real_send = client._send

    def send_then_heal(request, call):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            pixelz_emulator.config.fail_rate = 0.0
        return real_send(request, call)

    monkeypatch.setattr(client, "_send", send_then_heal)
    page = client.list_images(per_page=5)
    assert page.protocol is Protocol.SOAP11 and len(page) == 5
    assert pixelz_emulator.log.count(status=503) == 1
    assert slept == [1.0]


def test_stickiness_and_cooldown_with_a_controllable_clock(
    pixelz_emulator: Emulator, client: pixelz.Client
) -> None:
    now = [0.0]
    client._shared.selector.clock = lambda: now[0]
    pixelz_emulator.config.blocked_protocols = {"soap11"}
    assert client.list_images(per_page=1).protocol is Protocol.SOAP12
    for _ in range(3):
        assert client.list_images(per_page=1).protocol is Protocol.SOAP12
    assert pixelz_emulator.log.count("soap11") == 1
    pixelz_emulator.config.blocked_protocols = set()
    now[0] += 299  # still cooling down: SOAP 1.2 keeps serving
    assert client.list_images(per_page=1).protocol is Protocol.SOAP12
    now[0] += 2  # cool-down over: back to the preferred protocol
    assert client.list_images(per_page=1).protocol is Protocol.SOAP11
    assert pixelz_emulator.log.count("soap11") == 2


def test_32_threads_share_one_client(pixelz_emulator: Emulator) -> None:
    email, key = pixelz_emulator.credentials
    pixelz_emulator.config.blocked_protocols = {"soap11"}
    truth = sorted(pixelz_emulator.dataset, key=lambda r: r.Id)
    errors: list[BaseException] = []
    wrong: list[str] = []
    with pixelz.Client(email, key, base_url=pixelz_emulator.base_url) as client:

        def work(worker: int) -> None:
            try:
                for n in range(5):
                    page_number = (worker + n) % 5 + 1
                    page = client.list_images(page=page_number, per_page=20)
                    want = [str(r.ImageTicket) for r in truth[(page_number - 1) * 20 :][:20]]
                    if [str(i.image_ticket) for i in page] != want:
                        wrong.append(f"worker {worker} page {page_number}")
                    ticket = truth[worker].ImageTicket
                    if client.get_image_status(ticket).image_ticket != ticket:
                        wrong.append(f"worker {worker} ticket")
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(32)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert client.protocol is Protocol.SOAP12
    assert errors == [] and wrong == []
    # SOAP 1.1 was probed by the first callers only, then skipped while cooling down.
    assert pixelz_emulator.log.count("soap11") <= 32
    assert pixelz_emulator.log.count("soap12") == 32 * 10


def test_100_tasks_share_one_async_client(pixelz_emulator: Emulator) -> None:
    email, key = pixelz_emulator.credentials
    pixelz_emulator.config.blocked_protocols = {"soap11", "soap12"}
    truth = sorted(pixelz_emulator.dataset, key=lambda r: r.Id)

    async def main() -> list[tuple[int, list[str]]]:
        async with pixelz.AsyncClient(email, key, base_url=pixelz_emulator.base_url) as client:

            async def one(n: int) -> tuple[int, list[str]]:
                page_number = n % 12 + 1
                page = await client.list_images(page=page_number, per_page=20)
                assert page.protocol is Protocol.HTTP_POST
                return page_number, [str(i.image_ticket) for i in page]

            results = await asyncio.gather(*(one(n) for n in range(100)))
            assert client.protocol is Protocol.HTTP_POST
            return list(results)

    for page_number, tickets in asyncio.run(main()):
        assert tickets == [str(r.ImageTicket) for r in truth[(page_number - 1) * 20 :][:20]]
    assert pixelz_emulator.log.count("http_get") == 0


def test_async_iter_images_with_prefetch_keeps_order(pixelz_emulator: Emulator) -> None:
    email, key = pixelz_emulator.credentials
    truth = [str(r.ImageTicket) for r in sorted(pixelz_emulator.dataset, key=lambda r: r.Id)]

    async def collect(prefetch: int) -> list[str]:
        async with pixelz.AsyncClient(email, key, base_url=pixelz_emulator.base_url) as c:
            return [
                str(i.image_ticket) async for i in c.iter_images(per_page=30, prefetch=prefetch)
            ]

    for prefetch in (1, 4):
        pixelz_emulator.log.clear()
        assert asyncio.run(collect(prefetch)) == truth
        pages = -(-len(truth) // 30)
        assert pages <= len(pixelz_emulator.log.entries) <= pages + prefetch - 1


def test_sync_iter_images_with_prefetch_keeps_order(
    pixelz_emulator: Emulator, client: pixelz.Client
) -> None:
    truth = [str(r.ImageTicket) for r in sorted(pixelz_emulator.dataset, key=lambda r: r.Id)]
    assert [str(i.image_ticket) for i in client.iter_images(per_page=40, prefetch=3)] == truth
    assert [str(i.image_ticket) for i in client.iter_images(status=None, per_page=100)] == truth


def test_compare_protocols_reports_blocked_and_agreement(
    pixelz_emulator: Emulator, client: pixelz.Client
) -> None:
    pixelz_emulator.config.blocked_protocols = {"soap12"}
    report = client.compare_protocols(per_page=25)
    outcomes = {r.protocol: r.outcome for r in report.results}
    assert outcomes == {
        Protocol.SOAP11: "ok",
        Protocol.SOAP12: "blocked",
        Protocol.HTTP_POST: "ok",
        Protocol.HTTP_GET: "ok",
    }
    assert report.consistent and report.differences == ()
    ok = [r for r in report.results if r.outcome == "ok"]
    assert all(r.page is not None and len(r.page) == 25 for r in ok)
    assert all(r.response_bytes > 0 and r.latency > 0 for r in ok)
    # Comparison is neither sticky nor a fallback: it leaves the client's state alone.
    assert client.protocol is None
