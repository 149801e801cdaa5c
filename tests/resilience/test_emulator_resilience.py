"""Fallback against a real emulator on loopback: the WAF and disabled-protocol shapes it
answers with, and one client shared by many threads or tasks while it falls back."""

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
