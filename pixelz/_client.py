"""The synchronous client: a thin driver that sends what the shared policy asks for."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
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

__all__ = ["Client"]

class Client(ClientCore):
    """Synchronous Pixelz client; thread-safe, use one per process and close it.

    See the package README for the arguments; ``http_client`` is used as given and never
    closed by pixelz.
    """

    def __init__(
        self,
        contact_email: str | None = None,
        contact_api_key: str | None = None,
        *,
        base_url: str | httpx.URL = DEFAULT_BASE_URL,
        protocols: ProtocolsArg = None,
        timeout: TimeoutArg = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        cooldown: float = DEFAULT_COOLDOWN,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
    ) -> None:
        super().__init__(
            contact_email, contact_api_key, base_url=base_url, protocols=protocols,
            timeout=timeout, max_retries=max_retries, cooldown=cooldown,
            max_response_size=max_response_size,
        )
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise InvalidArgumentError("http_client must be an httpx.Client")
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(
            timeout=self._timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}
        )

    # -- lifecycle ----------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pool, unless it belongs to a user-supplied http_client."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- operations ---------------------------------------------------------------------

    def list_images(
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
        return self._page(self._run(self._plan(call), call), page, query.per_page)

    def iter_images(
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
    ) -> Iterator[ImageStatus]:
        """Every matching image, page after page, fetched lazily.

        ``prefetch`` > 1 keeps that many pages in flight (on worker threads); at most
        ``prefetch - 1`` requests go past the last page.
        """
        query, prefetch = self._iter_query(dict(
            status=status, exclude_status=exclude_status, product_id=product_id,
            from_date=from_date, to_date=to_date, per_page=per_page,
            sort_by=sort_by, descending=descending,
        ), prefetch)

        def fetch(number: int) -> ImagesPage:
            call = self._list_call(query, number)
            return self._page(self._run(self._plan(call), call), number, query.per_page)

        return self._walk(fetch, prefetch)

    def _walk(self, fetch: Callable[[int], ImagesPage], prefetch: int) -> Iterator[ImageStatus]:
        """Pages in order, with up to ``prefetch`` requests in flight on worker threads."""
        walk = PageWalk()
        if prefetch == 1:
            number = 1
            while True:
                page = fetch(number)
                more = walk.more_after(page)
                yield from page.images
                if not more:
                    return
                number += 1
        from concurrent.futures import Future, ThreadPoolExecutor  # only when prefetching

        with ThreadPoolExecutor(prefetch, thread_name_prefix="pixelz-prefetch") as pool:
            pending: list[Future[ImagesPage]] = [
                pool.submit(fetch, n) for n in range(1, prefetch + 1)
            ]
            number = prefetch
            try:
                while True:
                    page = pending.pop(0).result()
                    more = walk.more_after(page)
                    if more:
                        number += 1
                        pending.append(pool.submit(fetch, number))
                    yield from page.images
                    if not more:
                        return
            finally:
                for future in pending:
                    future.cancel()

    def get_image_status(
        self, image_ticket: Any = None, *, customer_image_id: str | None = None
    ) -> ImageStatus:
        """One image by its ticket (a UUID or GUID string) or by your own image id."""
        call = self._status_call(image_ticket, customer_image_id)
        return self._one(self._run(self._plan(call), call))

    def compare_protocols(
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
        """Run one ``list_images`` query over each configured protocol, without fallback
        or stickiness, and report what each returned, how fast, and where they differ."""
        query, page = self._query(dict(
            status=status, exclude_status=exclude_status, product_id=product_id,
            from_date=from_date, to_date=to_date, page=page, per_page=per_page,
            sort_by=sort_by, descending=descending,
        ))
        call = self._list_call(query, page)
        results: list[ProtocolResult] = []
        for transport, stats, plan in self._comparison_plans(call):
            try:
                result = self._page(self._run(plan, call), page, query.per_page)
            except PixelzError as exc:
                results.append(self._result(transport, stats, None, exc))
            else:
                results.append(self._result(transport, stats, result, None))
        from .compare import ProtocolComparison  # on first use: import time (P4)

        return ProtocolComparison(tuple(results))

    # -- I/O --------------------------------------------------------------------------

    def _run(self, plan: Plan, call: Call) -> Outcome:
        action = next(plan)
        while True:
            feedback: Feedback = None
            if isinstance(action, Sleep):
                time.sleep(action.seconds)
            else:
                feedback = self._send(action.request, call)
            try:
                action = plan.send(feedback)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]

    def _send(self, request: httpx.Request, call: Call) -> httpx.Response | Failure:
        request = self._prepare(request, self._http)
        reader = BodyReader(self._max_response_size, self._deadline)
        failure: Failure | None = None
        try:
            response = self._http.send(request, stream=True)
            try:
                failure = reader.begin(response)
                if failure is None:
                    for chunk in response.iter_bytes():
                        failure = reader.add(chunk)
                        if failure is not None:
                            break
            finally:
                response.close()
        except httpx.HTTPError as exc:
            return failure_from_exception(exc, call)
        return failure or reader.finish(response)
