"""The asyncio primitives :class:`pixelz.AsyncClient` needs; pixelz/_sync_io.py holds the
blocking twins that the generated :class:`pixelz.Client` imports instead."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from ._core import PageWalk

__all__ = ["sleep", "walk_pages"]

sleep = asyncio.sleep


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
