"""P3: ``AsyncClient.iter_images`` over the loopback emulator with added latency, one page
at a time against the opt-in bounded read-ahead (``prefetch``)."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid

import attrs
import httpx
from lxml import etree

import pixelz
from pixelz._arguments import MAX_PER_PAGE
from pixelz._operations import NAMESPACE

from .emulator import emulator_process

__all__ = ["PagingResult", "run_paging"]

_PAGE = f"{{{NAMESPACE}}}page"


@attrs.frozen
class PagingResult:
    pages: int
    prefetch: int
    sequential: float  # median seconds for the whole walk
    prefetched: float
    in_order: bool
    records: int
    last_page: int  # the page that ended the walk (the first short or empty one)
    requested: tuple[int, ...]  # pages the prefetching walk asked for, one per request

    @property
    def speedup(self) -> float:
        return self.sequential / self.prefetched

    @property
    def served(self) -> int:
        """Requests the prefetching walk sent."""
        return len(self.requested)

    @property
    def past_last(self) -> int:
        return sum(1 for page in self.requested if page > self.last_page)


def run_paging(*, pages: int, latency: float, prefetch: int, repeat: int) -> PagingResult:
    from pixelz.emulator import DEMO_CONTACT_API_KEY, DEMO_CONTACT_EMAIL, generate_dataset

    per_page = MAX_PER_PAGE
    images = pages * per_page
    # generate_dataset's records, checked against below.
    with emulator_process(images=images, latency=latency, dataset="hard-cases") as emulator:
        base_url = emulator.base_url

        async def walk(ahead: int) -> tuple[list[uuid.UUID], list[int], float]:
            bodies: list[bytes] = []  # read once the clock has stopped

            async def note(request: httpx.Request) -> None:
                bodies.append(request.content)

            http = httpx.AsyncClient(event_hooks={"request": [note]})
            async with pixelz.AsyncClient(
                DEMO_CONTACT_EMAIL, DEMO_CONTACT_API_KEY, base_url=base_url,
                protocols="soap11", http_client=http,
            ) as client:
                start = time.perf_counter()
                tickets = [
                    image.image_ticket
                    async for image in client.iter_images(per_page=per_page, prefetch=ahead)
                ]
                elapsed = time.perf_counter() - start
            await http.aclose()
            pages = [etree.fromstring(body).findtext(f".//{_PAGE}") for body in bodies]
            return tickets, [int(page) if page else -1 for page in pages], elapsed

        asyncio.run(walk(1))  # warm-up: connections, first-request costs
        one, two = [], []
        for _ in range(repeat):
            sequential_tickets, sequential_pages, elapsed = asyncio.run(walk(1))
            one.append(elapsed)
            tickets, requested, elapsed = asyncio.run(walk(prefetch))
            two.append(elapsed)
    # The same seed and size give the data set the emulator process serves.
    expected = {record.ImageTicket for record in generate_dataset(images)}
    return PagingResult(
        pages=pages,
        prefetch=prefetch,
        sequential=statistics.median(one),
        prefetched=statistics.median(two),
        # In order: the read-ahead walk yields exactly what the one-page walk yields, and
        # that is every record of the data set, once.
        in_order=tickets == sequential_tickets
        and len(tickets) == len(expected)
        and set(tickets) == expected,
        records=len(tickets),
        last_page=max(sequential_pages),
        requested=tuple(requested),
    )
