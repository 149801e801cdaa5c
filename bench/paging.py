"""P3: ``AsyncClient.iter_images`` over the loopback emulator with added latency, one page
at a time against the opt-in bounded read-ahead (``prefetch``)."""

from __future__ import annotations

import asyncio
import re
import statistics
import time

import attrs
import httpx

import pixelz

__all__ = ["PagingResult", "run_paging"]

_PAGE = re.compile(rb"<page>(\d+)</page>")


@attrs.frozen
class PagingResult:
    pages: int
    latency: float
    prefetch: int
    sequential: float  # median seconds for the whole walk
    prefetched: float
    in_order: bool
    records: int
    last_page: int  # the page that ended the walk (the first short or empty one)
    requested: tuple[int, ...]  # pages the prefetching walk asked for
    served: int  # requests the emulator logged for the prefetching walk

    @property
    def speedup(self) -> float:
        return self.sequential / self.prefetched

    @property
    def past_last(self) -> int:
        return sum(1 for page in self.requested if page > self.last_page)


def run_paging(*, pages: int, latency: float, prefetch: int, repeat: int) -> PagingResult:
    from pixelz.emulator import serve  # imported here: the emulator is not needed elsewhere

    per_page = 100
    with serve(images=pages * per_page, latency=latency) as emulator:
        credentials = emulator.credentials

        async def walk(ahead: int) -> tuple[list[object], list[int], float]:
            requested: list[int] = []

            async def note(request: httpx.Request) -> None:
                found = _PAGE.search(request.content)
                requested.append(int(found.group(1)) if found else -1)

            http = httpx.AsyncClient(event_hooks={"request": [note]})
            async with pixelz.AsyncClient(
                *credentials, base_url=emulator.base_url, protocols="soap11", http_client=http
            ) as client:
                start = time.perf_counter()
                tickets = [
                    image.image_ticket
                    async for image in client.iter_images(per_page=per_page, prefetch=ahead)
                ]
                elapsed = time.perf_counter() - start
            await http.aclose()
            return tickets, requested, elapsed

        one, two = [], []
        for _ in range(repeat):
            sequential_tickets, sequential_pages, elapsed = asyncio.run(walk(1))
            one.append(elapsed)
            emulator.log.clear()
            tickets, requested, elapsed = asyncio.run(walk(prefetch))
            two.append(elapsed)
            served = len(emulator.log.entries)
            emulator.log.clear()
        expected = {record.ImageTicket for record in emulator.dataset}
    return PagingResult(
        pages=pages,
        latency=latency,
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
        served=served,
    )

