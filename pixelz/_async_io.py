"""The asyncio primitives :class:`pixelz.AsyncClient` needs; pixelz/_sync_io.py holds the
blocking twins that the generated :class:`pixelz.Client` imports instead."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

from ._core import PageWalk
from .models import ImageStatus

__all__ = [
    "Images",
    "blocking",
    "collect",
    "run_all",
    "sleep",
    "walk_pages",
]

T = TypeVar("T")
R = TypeVar("R")

sleep = asyncio.sleep
#: What ``download_all`` accepts: records, a page, or ``iter_images(...)`` itself.
Images = Iterable[ImageStatus] | AsyncIterable[ImageStatus]


async def collect(images: Images) -> list[ImageStatus]:
    """The records of a plain or an async iterable, as a list."""
    if isinstance(images, AsyncIterable):
        return [image async for image in images]
    return list(images)


async def blocking(function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` on a worker thread: file system calls stay off the event loop."""
    return await asyncio.to_thread(function, *args)


async def run_all(
    items: Sequence[T],
    work: Callable[[T], Awaitable[R]],
    concurrency: int,
    stop: Callable[[], object],
) -> list[R]:
    """``[await work(item) for item in items]``, with up to ``concurrency`` of them running
    at once as tasks; results in the order of ``items``. When one raises (or the caller
    is cancelled), ``stop()`` is called, the others are cancelled, and the exception
    propagates."""
    results: dict[int, R] = {}
    queue = iter(enumerate(items))

    async def worker() -> None:
        for index, item in queue:  # the workers share one iterator: each takes the next
            results[index] = await work(item)

    tasks = [asyncio.ensure_future(worker()) for _ in range(min(concurrency, len(items)))]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        stop()
        raise
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return [results[index] for index in range(len(items))]


async def walk_pages(
    fetch: Callable[[int], Awaitable[Any]], prefetch: int, operation: str
) -> AsyncIterator[Any]:
    """The records of pages 1, 2, ... in order, with up to ``prefetch`` requests in flight
    as tasks; at most ``prefetch - 1`` requests go past the last page."""
    walk = PageWalk(operation)
    pending: list[asyncio.Task[Any]] = []
    number = 0
    try:
        while True:
            while len(pending) < prefetch:
                number += 1
                pending.append(asyncio.ensure_future(fetch(number)))
            page = await pending.pop(0)
            more = walk.more_after(page)
            for image in page:
                yield image
            if not more:
                return
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
