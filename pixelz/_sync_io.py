"""The blocking primitives :class:`pixelz.Client` needs, twins of pixelz/_async_io.py."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from ._core import PageWalk

__all__ = ["sleep", "walk_pages"]

sleep = time.sleep


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
