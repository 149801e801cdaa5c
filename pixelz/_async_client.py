"""The asyncio client: the one written definition of every public client method.

pixelz/_client.py (the blocking :class:`pixelz.Client`) is generated from this file by
``python .ci/unasync.py``; CI fails when it is stale. Edit this file, then run the script.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import AsyncIterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from . import _async_io as _io
from ._core import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RESPONSE_SIZE,
    ITER_PER_PAGE,
    NOT_GIVEN,
    ClientCore,
    DateArg,
    NotGiven,
    Plan,
    ProtocolsArg,
    SortArg,
    StatusArg,
    TimeoutArg,
)
from ._operations import GET_IMAGE_STATUS, GET_IMAGES_LIST, Call, Operation
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
from .errors import PixelzError
from .models import ImagesPage, ImageStatus, Status

if TYPE_CHECKING:
    from ._deliveries import (
        DownloadJob,
        DownloadResult,
        FetchFailure,
        FetchFeedback,
        Progress,
        ProgressCallback,
        Store,
    )
    from .compare import ProtocolComparison, ProtocolResult

__all__ = ["AsyncClient"]


class AsyncClient(ClientCore):
    """A Pixelz client for asyncio; safe to share between tasks. Use one per process, and
    close it (``async with``) to release its connections.

    Args:
        contact_email: your Pixelz contact email; default: env ``PIXELZ_CONTACT_EMAIL``.
        contact_api_key: your API key; default: env ``PIXELZ_CONTACT_API_KEY``. It never
            appears in a repr, an error message or a log record.
        base_url: the service's ``.asmx`` URL.
        protocols: None for all four in the default order (SOAP 1.1, SOAP 1.2, HTTP POST,
            HTTP GET); one protocol (a :class:`pixelz.Protocol`, its value, or a
            :class:`pixelz.transports.Transport`) to pin it; a sequence for the fallback
            order.
        timeout: seconds for a whole request, or an ``httpx.Timeout``. Left out, it is
            30 s, or the ``http_client``'s own timeout when you pass one (which must then
            bound every phase: pixelz never sends an unbounded request).
        max_retries: retries per protocol of connection failures, timeouts, 408, 429,
            502, 503 and 504, with exponential backoff and jitter, honouring Retry-After.
        http_client: an ``httpx.AsyncClient`` to send through (proxies, certificates,
            transports); pixelz never closes it.
        cooldown: seconds a protocol whose path failed is tried last.
        max_response_size: bytes; a larger answer is refused.

    Raises:
        InvalidArgumentError: an argument is invalid, or credentials are missing.
    """

    _http_type = httpx.AsyncClient

    def __init__(
        self,
        contact_email: str | None = None,
        contact_api_key: str | None = None,
        *,
        base_url: str | httpx.URL = DEFAULT_BASE_URL,
        protocols: ProtocolsArg = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        cooldown: float = DEFAULT_COOLDOWN,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
    ) -> None:
        super().__init__(
            contact_email, contact_api_key, base_url=base_url, protocols=protocols,
            timeout=timeout, max_retries=max_retries, http_client=http_client,
            cooldown=cooldown, max_response_size=max_response_size,
        )

    # -- lifecycle ----------------------------------------------------------------------

    async def close(self) -> None:
        """Close the connection pool (shared with ``with_options`` copies), unless it
        belongs to a user-supplied ``http_client``. Later calls raise PixelzError."""
        shared = self._shared
        shared.closed = True
        if shared.owns_http:
            await shared.http.aclose()

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
        *,
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
        """One page of your images matching the filters (GetImagesList).

        Args:
            status: only this status: an id, a :class:`pixelz.Status`, or a name
                (``"delivered"``, ``"InProduction"``).
            exclude_status: every status but this one.
            product_id: only this product id.
            from_date, to_date: created-date range, inclusive (``datetime.date`` or
                ``"YYYY-MM-DD"``).
            page: 1-based page number.
            per_page: 1 to 100; None for the service's default.
            sort_by: ``"id"``, ``"date"`` or ``"status"``.
            descending: sort order; None for the service's default.

        Raises:
            InvalidArgumentError: before any I/O, for a bad argument.
            APIError: the service refused the call (bad credentials, say).
            ProtocolBlockedError, AllProtocolsFailedError, NetworkError,
            RequestTimeoutError, ResponseParseError: see :mod:`pixelz.errors`.
        """
        call = self._bind(
            GET_IMAGES_LIST, status=status, exclude_status=exclude_status,
            product_id=product_id, from_date=from_date, to_date=to_date, page=page,
            per_page=per_page, sort_by=sort_by, descending=descending,
        )
        return self._page(call, await self._request(call))

    def iter_images(
        self,
        *,
        status: StatusArg = None,
        exclude_status: StatusArg = None,
        product_id: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        per_page: int | None = ITER_PER_PAGE,
        sort_by: SortArg = None,
        descending: bool | None = None,
        prefetch: int = 1,
    ) -> AsyncIterator[ImageStatus]:
        """Every matching image, page after page, fetched lazily. Arguments as
        :meth:`list_images`, checked here, before the first page is asked for.

        ``per_page`` defaults to 100: a short page marks the end only when the page size
        is known. ``prefetch`` (1 to 32) keeps that many page requests in flight; records
        still come in order, and at most ``prefetch - 1`` requests go past the last page.
        Raises what :meth:`list_images` raises, while iterating.
        """
        first = self._bind(
            GET_IMAGES_LIST, status=status, exclude_status=exclude_status,
            product_id=product_id, from_date=from_date, to_date=to_date, page=1,
            per_page=per_page, sort_by=sort_by, descending=descending,
        )
        prefetch = self._check_prefetch(prefetch)

        async def fetch(number: int) -> ImagesPage:
            call = self._with_page(first, number)
            return self._page(call, await self._request(call))

        return _io.walk_pages(fetch, prefetch)

    async def get_image_status(
        self, image_ticket: Any = None, *, customer_image_id: str | None = None
    ) -> ImageStatus:
        """One image (GetImageStatus), by its ticket (a UUID or GUID string) or by your
        own ``customer_image_id``: exactly one of the two.

        Raises:
            InvalidArgumentError: neither or both given, or a malformed ticket.
            APIError: the service refused the call (``Image not found``, say).
            ProtocolBlockedError, AllProtocolsFailedError, NetworkError,
            RequestTimeoutError, ResponseParseError: see :mod:`pixelz.errors`.
        """
        call = self._bind(
            GET_IMAGE_STATUS, image_ticket=image_ticket, customer_image_id=customer_image_id
        )
        outcome = await self._request(call)
        return outcome.value  # type: ignore[no-any-return]

    async def compare_protocols(
        self,
        *,
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
        """Run one :meth:`list_images` query over each configured protocol, one after the
        other, without fallback or stickiness, and report what each returned, how fast,
        and where they differ. Failures are reported in the result, not raised.

        Raises:
            InvalidArgumentError: before any I/O, for a bad argument.
        """
        call = self._bind(
            GET_IMAGES_LIST, status=status, exclude_status=exclude_status,
            product_id=product_id, from_date=from_date, to_date=to_date, page=page,
            per_page=per_page, sort_by=sort_by, descending=descending,
        )
        results: list[ProtocolResult] = []
        for transport, stats, plan in self._comparison_plans(call):
            try:
                result = self._page(call, await self._drive(plan, call))
            except PixelzError as exc:
                results.append(self._result(transport, stats, None, exc))
            else:
                results.append(self._result(transport, stats, result, None))
        return self._comparison(results)

    # -- deliveries -------------------------------------------------------------------

    async def wait_for(
        self,
        image_ticket: Any = None,
        *,
        customer_image_id: str | None = None,
        status: int | Status | str = Status.DELIVERED,
        timeout: float | None = None,
        poll_interval: float | None = None,
    ) -> ImageStatus:
        """Poll GetImageStatus until the image reaches ``status`` or a later one (ids are
        ordered: New 10 < In Production 60 < Production Finished 70 < Delivered 80) and
        return that record.

        Args:
            image_ticket, customer_image_id: the image, as for :meth:`get_image_status`.
            status: the status to wait for (a :class:`pixelz.Status`, an id or a name).
            timeout: seconds to wait in all; None waits as long as it takes.
            poll_interval: the longest gap between polls (default 30 s). Polls start 1 s
                apart (or ``poll_interval``, if shorter) and the gap doubles up to it.

        Each poll is an ordinary call with the client's retries and timeout; the deadline
        is checked between polls, and a last poll happens at the deadline itself.

        Raises:
            InvalidArgumentError: before any I/O, for a bad argument.
            RequestTimeoutError: ``timeout`` passed before the image reached ``status``.
            APIError: at once, when the image does not exist (``Image not found``).
            ProtocolBlockedError, AllProtocolsFailedError, NetworkError,
            ResponseParseError: a poll failed; see :mod:`pixelz.errors`.
        """
        from ._deliveries import Waiter

        call = self._bind(
            GET_IMAGE_STATUS, image_ticket=image_ticket, customer_image_id=customer_image_id
        )
        waiter = Waiter(status, timeout, poll_interval, rng=self._rng)
        while True:
            image: ImageStatus = (await self._request(call)).value
            delay = waiter.after(image, str(image.image_ticket))
            if delay is None:
                return image
            await _io.sleep(delay)

    async def download(
        self,
        image: ImageStatus,
        dest: str | os.PathLike[str],
        *,
        overwrite: bool = False,
        max_size: int | None = None,
    ) -> list[pathlib.Path]:
        """Download every final image URL of ``image`` into the directory ``dest``
        (created if missing), one after the other; the paths, in URL order.

        Names come from the URL (see :meth:`download_all`). A file already there with
        the size the server announces is kept as it is, unless ``overwrite``. Each file
        is written under a hidden temporary name and renamed when complete. An image
        without final URLs (not delivered yet) gives ``[]``.

        Raises:
            InvalidArgumentError: before any I/O, for a bad argument.
            DownloadError, NetworkError, RequestTimeoutError: the first file that could
                not be downloaded, once every file was tried (:meth:`download_all`
                reports each file instead of raising).
        """
        results = await self._download([image], dest, overwrite, max_size, 1, None)
        for result in results:
            if result.error is not None:
                raise result.error
        return [result.path for result in results]

    async def download_all(
        self,
        images: _io.Images,
        dest: str | os.PathLike[str],
        *,
        overwrite: bool = False,
        concurrency: int = 8,
        progress: ProgressCallback | None = None,
        max_size: int | None = None,
    ) -> list[DownloadResult]:
        """Download the final images of many records into ``dest``, ``concurrency`` files
        at a time as tasks, and report each file: one broken URL does not stop the rest.

        Args:
            images: records (a list, an :class:`pixelz.ImagesPage`, ``iter_images()``).
            dest: the directory, created if missing.
            overwrite: download even when a file of the announced size is there.
            concurrency: files downloaded at once, 1 to 64.
            progress: ``progress(files_done, files_total, bytes_done)``, called after
                every chunk written and every file finished (whatever its outcome), one
                call at a time. ``bytes_done`` drops back when a failed attempt's
                partial file is thrown away. An exception it raises stops the downloads.
            max_size: the largest file accepted, in bytes (default 1 GiB).

        Each file is named ``<image ticket>_<last URL path segment>``, reduced to
        letters, digits, ``.``, ``-`` and ``_`` (the ticket is left out when the name
        already holds it; ``-2``, ``-3`` tell equal names apart), and always lands
        directly in ``dest``. Requests are plain GETs to whatever host the URL names:
        they never carry the Pixelz credentials nor the ``http_client``'s headers,
        cookies or auth. Redirects are followed (up to 10), connection failures,
        timeouts and HTTP 408, 429, 500, 502, 503 and 504 are retried with the client's
        backoff (Retry-After honoured), and the client's timeout bounds each phase
        (connect, each read), not the whole file.

        Returns:
            one :class:`pixelz.DownloadResult` per final URL, in order.

        Raises:
            InvalidArgumentError: before any I/O, for a bad argument.
            DownloadError: ``dest`` cannot be created.
        """
        from ._deliveries import check_concurrency

        concurrency = check_concurrency(concurrency, progress)
        records = await _io.collect(images)
        return await self._download(records, dest, overwrite, max_size, concurrency, progress)

    async def _download(
        self,
        images: list[ImageStatus],
        dest: str | os.PathLike[str],
        overwrite: bool,
        max_size: int | None,
        concurrency: int,
        progress: ProgressCallback | None,
    ) -> list[DownloadResult]:
        from . import _deliveries as d

        limit = d.DEFAULT_MAX_DOWNLOAD_SIZE if max_size is None else max_size
        folder = d.check_download_args(dest, limit)
        jobs = d.plan_downloads(images, folder)
        if self._shared.closed:
            raise PixelzError("the client is closed", operation="download")
        if self._shared.http.is_closed:
            raise PixelzError("the http_client is closed", operation="download")
        if not jobs:
            return []
        await _io.blocking(d.make_dest, folder)
        meter = d.Progress(progress, len(jobs))

        async def fetch(job: DownloadJob) -> DownloadResult:
            return await self._fetch_file(job, bool(overwrite), limit, meter)

        return await _io.run_all(jobs, fetch, concurrency, meter.stop)

    async def _fetch_file(
        self, job: DownloadJob, overwrite: bool, limit: int, meter: Progress
    ) -> DownloadResult:
        """Drive one file's fetch plan: send, sleep, store, as it asks."""
        from . import _deliveries as d

        http = self._shared.http
        existing = await _io.blocking(d.existing_size, job.path)
        plan = d.fetch_plan(
            job, existing=existing, overwrite=overwrite, limit=limit, retry=self._retry,
            rng=self._rng, timeout=d.download_timeout(self._timeout, http.timeout),
        )
        response: httpx.Response | None = None
        feedback: FetchFeedback = None
        try:
            while True:
                try:
                    action = plan.send(feedback)
                except StopIteration as stop:
                    meter.file_done()
                    return stop.value  # type: ignore[no-any-return]
                feedback = None
                if isinstance(action, d.Store):
                    streamed = response
                    response = None  # _store closes it
                    assert streamed is not None
                    feedback = await self._store(streamed, action, meter)
                else:
                    if response is not None:
                        await response.aclose()
                        response = None
                    if isinstance(action, Sleep):
                        await _io.sleep(action.seconds)
                    else:
                        try:
                            response = await http.send(
                                action.request, stream=True, auth=None, follow_redirects=False
                            )
                        except httpx.HTTPError as exc:
                            feedback = d.failure(exc)
                        else:
                            feedback = response
        finally:
            if response is not None:
                await response.aclose()

    async def _store(
        self, response: httpx.Response, store: Store, meter: Progress
    ) -> int | FetchFailure:
        """Stream ``response``'s body into a temporary file renamed to ``store.path``
        when complete; the byte count, or why it stopped. Closes ``response``."""
        from ._deliveries import failure, too_large

        try:
            part = await _io.open_part(store.path)
        except OSError as exc:
            await response.aclose()
            return failure(exc)
        written = 0
        committed = False
        try:
            async for chunk in response.aiter_bytes():
                if written + len(chunk) > store.limit:
                    return too_large(store.limit)
                await part.write(chunk)
                written += len(chunk)
                meter.add_bytes(len(chunk))
            await part.commit()
            committed = True
            return written
        except (httpx.HTTPError, OSError) as exc:
            return failure(exc)
        finally:
            await response.aclose()
            if not committed:
                await part.discard()
                meter.add_bytes(-written)

    async def _invoke(self, operation: Operation, **arguments: object) -> Any:
        """Call any operation of the table by its Python keywords: the result value."""
        outcome = await self._request(self._bind(operation, **arguments))
        return outcome.value

    # -- I/O --------------------------------------------------------------------------

    async def _request(self, call: Call) -> Outcome:
        return await self._drive(self._plan(call), call)

    async def _drive(self, plan: Plan, call: Call) -> Outcome:
        action = next(plan)
        while True:
            feedback: Feedback = None
            if isinstance(action, Sleep):
                await _io.sleep(action.seconds)
            else:
                feedback = await self._send(action.request, call)
            try:
                action = plan.send(feedback)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]

    async def _send(self, request: httpx.Request, call: Call) -> httpx.Response | Failure:
        http = self._shared.http
        if http.is_closed:
            raise PixelzError("the http_client is closed", operation=call.operation.name)
        request = self._prepare(request)
        reader = BodyReader(self._max_response_size, self._deadline)
        failure: Failure | None = None
        try:
            response = await http.send(request, stream=True)
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
