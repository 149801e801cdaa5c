"""The blocking primitives :class:`pixelz.Client` needs, twins of pixelz/_async_io.py."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from ._core import PageWalk
from .models import ImageStatus

__all__ = ["Images", "blocking", "collect", "run_all", "sleep", "walk_pages"]

T = TypeVar("T")
R = TypeVar("R")

sleep = time.sleep
#: What ``download_all`` accepts: records, a page, or ``iter_images(...)`` itself.
Images = Iterable[ImageStatus]


def collect(images: Images) -> list[ImageStatus]:
    """The records of an iterable, as a list."""
    return list(images)


def blocking(function: Callable[..., T], *args: object) -> T:
    """``function(*args)``, here and now (the asyncio twin runs it on a worker thread)."""
    return function(*args)


def run_all(
    items: Sequence[T], work: Callable[[T], R], concurrency: int, stop: Callable[[], object]
) -> list[R]:
    """``[work(item) for item in items]``, with up to ``concurrency`` of them running at
    once on worker threads; results in the order of ``items``. When one raises (or on
    Ctrl-C), the ones not started are cancelled, ``stop()`` tells the running ones to end,
    and once they have, the exception propagates."""
    if concurrency == 1 or len(items) <= 1:
        return [work(item) for item in items]
    # only when downloading in parallel
    from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

    pool = ThreadPoolExecutor(min(concurrency, len(items)), thread_name_prefix="pixelz-download")
    try:
        futures = [pool.submit(work, item) for item in items]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in futures:
            error = future.exception() if future in done else None
            if error is not None:
                raise error
    except BaseException:
        stop()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [future.result() for future in futures]


def walk_pages(
    fetch: Callable[[int], Any], prefetch: int, operation: str
) -> Iterator[Any]:
    """The records of pages 1, 2, ... in order, with up to ``prefetch`` requests in flight
    on worker threads; at most ``prefetch - 1`` requests go past the last page."""
    walk = PageWalk(operation)
    if prefetch == 1:
        number = 1
        while True:
            page = fetch(number)
            more = walk.more_after(page)
            yield from page
            if not more:
                return
            number += 1
    from concurrent.futures import Future, ThreadPoolExecutor  # only when prefetching

    with ThreadPoolExecutor(prefetch, thread_name_prefix="pixelz-prefetch") as pool:
        pending: list[Future[Any]] = [pool.submit(fetch, n) for n in range(1, prefetch + 1)]
        number = prefetch
        try:
            while True:
                page = pending.pop(0).result()
                more = walk.more_after(page)
                if more:
                    number += 1
                    pending.append(pool.submit(fetch, number))
                yield from page
                if not more:
                    return
        finally:
            for future in pending:
                future.cancel()
