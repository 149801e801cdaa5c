"""The asyncio client: the same policy as :class:`pixelz.Client`, driven with ``await``.

Kept in its own module so that ``import pixelz`` does not import asyncio.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from ._core import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_TIMEOUT,
    ITER_PER_PAGE,
    USER_AGENT,
    ClientCore,
    DateArg,
    PageWalk,
    Plan,
    ProtocolsArg,
    SortArg,
    StatusArg,
    TimeoutArg,
)
from ._operations import Call
from ._policy import (
    DEFAULT_COOLDOWN,
    DEFAULT_MAX_RETRIES,
    BodyReader,
    Failure,
    Feedback,
    Outcome,
    Sleep,
    failure_from_exception,
)
from .errors import InvalidArgumentError, PixelzError
from .models import ImagesPage, ImageStatus

if TYPE_CHECKING:
    from .compare import ProtocolComparison, ProtocolResult

__all__ = ["AsyncClient"]


class AsyncClient(ClientCore):
    """Asyncio Pixelz client; safe to share between tasks. Arguments as :class:`Client`
    (``http_client`` is an ``httpx.AsyncClient``, never closed by pixelz)."""

    def __init__(
        self,
        contact_email: str | None = None,
        contact_api_key: str | None = None,
        *,
        base_url: str | httpx.URL = DEFAULT_BASE_URL,
        protocols: ProtocolsArg = None,
        timeout: TimeoutArg = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        cooldown: float = DEFAULT_COOLDOWN,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
    ) -> None:
        super().__init__(
            contact_email, contact_api_key, base_url=base_url, protocols=protocols,
            timeout=timeout, max_retries=max_retries, cooldown=cooldown,
            max_response_size=max_response_size,
        )
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise InvalidArgumentError("http_client must be an httpx.AsyncClient")
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(
            timeout=self._timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}
        )

    # -- lifecycle ----------------------------------------------------------------------

    async def close(self) -> None:
        """Close the connection pool, unless it belongs to a user-supplied http_client."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- operations ---------------------------------------------------------------------

    async def list_images(
        self,
        status: StatusArg = None,
        exclude_status: StatusArg = None,
        product_id: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        page: int = 1,
        per_page: int | None = None,
        sort_by: SortArg = None,
        descending: bool | None = None,
    ) -> ImagesPage:
        """One page of images matching the filters (GetImagesList); ``page`` is 1-based."""
        query, page = self._query(dict(
            status=status, exclude_status=exclude_status, product_id=product_id,
            from_date=from_date, to_date=to_date, page=page, per_page=per_page,
            sort_by=sort_by, descending=descending,
        ))
        call = self._list_call(query, page)
        return self._page(await self._run(self._plan(call), call), page, query.per_page)

    async def iter_images(
        self,
        status: StatusArg = None,
        exclude_status: StatusArg = None,
        product_id: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        per_page: int | None = ITER_PER_PAGE,
        sort_by: SortArg = None,
        descending: bool | None = None,
        *,
        prefetch: int = 1,
    ) -> AsyncIterator[ImageStatus]:
        """Every matching image, page after page, fetched lazily.

        ``prefetch`` > 1 keeps that many page requests in flight (bounded read-ahead);
        records still come in order and at most ``prefetch - 1`` requests go past the
        last page.
        """
        query, prefetch = self._iter_query(dict(
            status=status, exclude_status=exclude_status, product_id=product_id,
            from_date=from_date, to_date=to_date, per_page=per_page,
            sort_by=sort_by, descending=descending,
        ), prefetch)

        async def fetch(number: int) -> ImagesPage:
            call = self._list_call(query, number)
            return self._page(await self._run(self._plan(call), call), number, query.per_page)

        async for image in _walk(fetch, prefetch):
            yield image

    async def get_image_status(
        self, image_ticket: Any = None, *, customer_image_id: str | None = None
    ) -> ImageStatus:
        """One image by its ticket (a UUID or GUID string) or by your own image id."""
        call = self._status_call(image_ticket, customer_image_id)
        return self._one(await self._run(self._plan(call), call))

    async def compare_protocols(
        self,
        status: StatusArg = None,
        exclude_status: StatusArg = None,
        product_id: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        page: int = 1,
        per_page: int | None = None,
        sort_by: SortArg = None,
        descending: bool | None = None,
    ) -> ProtocolComparison:
        """Run one ``list_images`` query over each configured protocol, one after the
        other, without fallback or stickiness; see :class:`pixelz.ProtocolComparison`."""
        query, page = self._query(dict(
            status=status, exclude_status=exclude_status, product_id=product_id,
            from_date=from_date, to_date=to_date, page=page, per_page=per_page,
            sort_by=sort_by, descending=descending,
        ))
        call = self._list_call(query, page)
        results: list[ProtocolResult] = []
        for transport, stats, plan in self._comparison_plans(call):
            try:
                result = self._page(await self._run(plan, call), page, query.per_page)
            except PixelzError as exc:
                results.append(self._result(transport, stats, None, exc))
            else:
                results.append(self._result(transport, stats, result, None))
        from .compare import ProtocolComparison  # on first use: import time (P4)

        return ProtocolComparison(tuple(results))

    # -- I/O --------------------------------------------------------------------------

    async def _run(self, plan: Plan, call: Call) -> Outcome:
        action = next(plan)
        while True:
            feedback: Feedback = None
            if isinstance(action, Sleep):
                await asyncio.sleep(action.seconds)
            else:
                feedback = await self._send(action.request, call)
            try:
                action = plan.send(feedback)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]

    async def _send(self, request: httpx.Request, call: Call) -> httpx.Response | Failure:
        request = self._prepare(request, self._http)
        reader = BodyReader(self._max_response_size, self._deadline)
        failure: Failure | None = None
        try:
            response = await self._http.send(request, stream=True)
            try:
                failure = reader.begin(response)
                if failure is None:
                    async for chunk in response.aiter_bytes():
                        failure = reader.add(chunk)
                        if failure is not None:
                            break
            finally:
                await response.aclose()
        except httpx.HTTPError as exc:
            return failure_from_exception(exc, call)
        return failure or reader.finish(response)


async def _walk(
    fetch: Callable[[int], Awaitable[ImagesPage]], prefetch: int
) -> AsyncIterator[ImageStatus]:
    """Pages in order, with up to ``prefetch`` requests in flight."""
    walk = PageWalk()
    pending: list[asyncio.Task[ImagesPage]] = []
    number = 0
    try:
        while True:
            while len(pending) < prefetch:
                number += 1
                pending.append(asyncio.ensure_future(fetch(number)))
            page = await pending.pop(0)
            more = walk.more_after(page)
            for image in page.images:
                yield image
            if not more:
                return
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
