"""The blocking client, GENERATED from pixelz/_async_client.py: do not edit.

pixelz/_client.py (the blocking :class:`pixelz.Client`) is generated from this file by
``python .ci/unasync.py``; CI fails when it is stale. Edit this file, then run the script.
"""

from __future__ import annotations

import datetime
import os
import pathlib
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from . import _sync_io as _io
from ._core import (
    DEFAULT_BASE_URL,
    DEFAULT_CONCURRENCY,
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
    shape_result,
)
from ._operations import (
    ADD_IMAGE_TO_QUEUE,
    ADD_IMAGE_WITH_INSTRUCTION_TO_QUEUE,
    ADD_PARTNER_IMAGE_TO_QUEUE,
    ADD_STACK_IMAGE_TO_QUEUE,
    ADD_TEMPLATE,
    DELETE_IMAGE_FROM_QUEUE,
    EDIT_CONTACT,
    GET_CONTACT_DETAILED,
    GET_IMAGE_STATUS,
    GET_IMAGES_LIST,
    GET_INVOICE_LIST,
    GET_PRODUCT_IDS_LIST,
    GET_TEMPLATE_SPEC,
    GET_TEMPLATES,
    REJECT_PROCESSED_IMAGE,
    WHITE_GLOVE_SERVICE,
    Call,
    Operation,
)
from ._policy import (
    DEFAULT_COOLDOWN,
    DEFAULT_MAX_RETRIES,
    BodyReader,
    Failure,
    Feedback,
    Outcome,
    Sleep,
    Stopped,
    failure_from_exception,
)
from .errors import APIError, OutcomeUnknownError, PixelzError
from .models import (
    AddedTemplate,
    ColorChangeRequest,
    Contact,
    ImagesPage,
    ImageStatus,
    Invoice,
    InvoicesPage,
    ProductIdsPage,
    ProductIdStatistic,
    Status,
    SubmittedImage,
    Template,
    TemplateSpec,
)

if TYPE_CHECKING:
    from ._deliveries import (
        DownloadResult,
        FetchFailure,
        FetchFeedback,
        FetchPlan,
        Progress,
        ProgressCallback,
        Store,
    )
    from .compare import ProtocolComparison, ProtocolResult

__all__ = ["Client"]


def _arguments(names: dict[str, Any]) -> dict[str, Any]:
    """A method's own arguments by name (``locals()`` at its start), for ``_bind``: the
    keywords are spelled once, in the signature."""
    return {name: value for name, value in names.items() if name != "self"}


class Client(ClientCore):
    """A blocking Pixelz client; safe to share between threads. Use one per process, and
    close it (``with``) to release its connections.

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
        http_client: an ``httpx.Client`` to send through (proxies, certificates,
            transports); pixelz never closes it.
        cooldown: seconds a protocol whose path failed is tried last.
        max_response_size: bytes; a larger answer is refused.

    Raises:
        InvalidArgumentError: an argument is invalid, or credentials are missing.
    """

    _http_type = httpx.Client

    def __init__(
        self,
        contact_email: str | None = None,
        contact_api_key: str | None = None,
        *,
        base_url: str | httpx.URL = DEFAULT_BASE_URL,
        protocols: ProtocolsArg = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        cooldown: float = DEFAULT_COOLDOWN,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
    ) -> None:
        super().__init__(
            contact_email, contact_api_key, base_url=base_url, protocols=protocols,
            timeout=timeout, max_retries=max_retries, http_client=http_client,
            cooldown=cooldown, max_response_size=max_response_size,
        )

    # -- lifecycle ----------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pool (shared with ``with_options`` copies), unless it
        belongs to a user-supplied ``http_client``. Later calls raise PixelzError."""
        shared = self._shared
        shared.closed = True
        if shared.owns_http:
            shared.http.close()

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
        return self._call(self._bind(  # type: ignore[no-any-return]
            GET_IMAGES_LIST, status=status, exclude_status=exclude_status,
            product_id=product_id, from_date=from_date, to_date=to_date, page=page,
            per_page=per_page, sort_by=sort_by, descending=descending,
        ))

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
    ) -> Iterator[ImageStatus]:
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
        return self._walk(first, self._check_prefetch(prefetch))

    def get_image_status(
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
        return self._invoke(  # type: ignore[no-any-return]
            GET_IMAGE_STATUS, image_ticket=image_ticket, customer_image_id=customer_image_id
        )

    def compare_protocols(
        self, method: str = "list_images", /, **arguments: Any
    ) -> ProtocolComparison:
        """Run one read call over each configured protocol, one after the other, without
        fallback or stickiness, and report what each returned, how fast, and where they
        differ. Failures are reported in the result, not raised.

        ``method`` names the read method (``"list_images"``, ``"get_image_status"``,
        ``"list_product_ids"``, ``"get_contact"``, ``"list_invoices"``,
        ``"list_templates"``, ``"get_template"``) and ``arguments`` are its keywords:
        ``compare_protocols(status="delivered")``, ``compare_protocols("get_contact")``.

        Raises:
            InvalidArgumentError: before any I/O, for a bad method or argument.
        """
        call = self._read_call(method, arguments)
        results: list[ProtocolResult] = []
        for transport, stats, plan in self._comparison_plans(call):
            try:
                value = shape_result(call, self._drive(plan, call))
            except PixelzError as exc:
                results.append(self._result(transport, stats, None, exc))
            else:
                results.append(self._result(transport, stats, value, None))
        return self._comparison(results)

    # -- images: delete, reject -----------------------------------------------------------

    def delete_image(
        self, image_ticket: Any = None, *, customer_image_id: str | None = None
    ) -> None:
        """Remove an image from the queue before production starts (DeleteImageFromQueue),
        by ticket or by your own id: exactly one of the two.

        Not idempotent: retried or moved to another protocol only when the failure proves
        the service did not process it.

        Raises:
            InvalidArgumentError: neither or both given, or a malformed ticket.
            APIError: refused by the service (already in production, not found...).
            OutcomeUnknownError: the call may or may not have been applied.
            ProtocolBlockedError, AllProtocolsFailedError, NetworkError: see pixelz.errors.
        """
        self._invoke(DELETE_IMAGE_FROM_QUEUE, image_ticket=image_ticket,
                           customer_image_id=customer_image_id)

    def reject_image(
        self,
        image_ticket: Any = None,
        *,
        comment: str,
        customer_image_id: str | None = None,
        markup_image_url: str | None = None,
    ) -> None:
        """Send a delivered image back to production with your ``comment``
        (RejectProcessedImage); by ticket or by your own id: exactly one of the two.
        Raises as :meth:`delete_image`."""
        self._invoke(
            REJECT_PROCESSED_IMAGE, image_ticket=image_ticket, comment=comment,
            customer_image_id=customer_image_id, markup_image_url=markup_image_url,
        )

    # -- products, account, invoices ------------------------------------------------------

    def list_product_ids(
        self, *, page: int = 1, per_page: int | None = None
    ) -> ProductIdsPage:
        """One page of your product ids with their done and to-do image counts
        (GetProductIdsList). ``per_page``: 1 to 100, None for the service's default.
        Raises as :meth:`list_images`."""
        return self._call(  # type: ignore[no-any-return]
            self._bind(GET_PRODUCT_IDS_LIST, page=page, per_page=per_page)
        )

    def iter_product_ids(
        self, *, per_page: int | None = ITER_PER_PAGE, prefetch: int = 1
    ) -> Iterator[ProductIdStatistic]:
        """Every product id statistic, page after page, lazily (as :meth:`iter_images`)."""
        first = self._bind(GET_PRODUCT_IDS_LIST, page=1, per_page=per_page)
        return self._walk(first, self._check_prefetch(prefetch))

    def get_contact(self) -> Contact:
        """Your account: contact, credit, balance and trial images (GetContactDetailed).
        Raises as :meth:`get_image_status`."""
        return self._invoke(GET_CONTACT_DETAILED)  # type: ignore[no-any-return]

    def edit_contact(
        self,
        *,
        name: str | None = None,
        company: str | None = None,
        address1: str | None = None,
        address2: str | None = None,
        zip_code: str | None = None,
        city: str | None = None,
        state: str | None = None,
        phone: str | None = None,
        timezone_index: int | None = None,
        billing_email: str | None = None,
        billing_address1: str | None = None,
        billing_address2: str | None = None,
        billing_zip_code: str | None = None,
        billing_city: str | None = None,
        billing_state: str | None = None,
        eu_vat_number: str | None = None,
        receive_newsletter: bool | None = None,
    ) -> None:
        """Change your account's details (EditContact); what you leave out (None) is sent
        empty, which the service keeps as it is. Raises as :meth:`delete_image`."""
        self._invoke(EDIT_CONTACT, **_arguments(locals()))

    def list_invoices(
        self,
        *,
        from_date: DateArg = None,
        to_date: DateArg = None,
        page: int = 1,
        return_url: str | None = None,
    ) -> InvoicesPage:
        """One page of your invoices created in the inclusive date range (GetInvoiceList);
        ``return_url`` is where the payment page sends you back. Raises as
        :meth:`list_images`."""
        return self._call(self._bind(  # type: ignore[no-any-return]
            GET_INVOICE_LIST, from_date=from_date, to_date=to_date, page=page,
            return_url=return_url,
        ))

    def iter_invoices(
        self,
        *,
        from_date: DateArg = None,
        to_date: DateArg = None,
        return_url: str | None = None,
        prefetch: int = 1,
    ) -> Iterator[Invoice]:
        """Every invoice in the range, page after page, lazily; the walk ends at the first
        empty page (the service does not say its page size)."""
        first = self._bind(GET_INVOICE_LIST, from_date=from_date, to_date=to_date, page=1,
                           return_url=return_url)
        return self._walk(first, self._check_prefetch(prefetch))

    # -- templates ---------------------------------------------------------------------------

    def list_templates(self) -> tuple[Template, ...]:
        """Your templates (GetTemplates). Raises as :meth:`get_image_status`."""
        return self._invoke(GET_TEMPLATES)  # type: ignore[no-any-return]

    def get_template(self, template_id: int) -> TemplateSpec:
        """One template in detail (GetTemplateSpec). Raises as :meth:`get_image_status`."""
        return self._invoke(  # type: ignore[no-any-return]
            GET_TEMPLATE_SPEC, template_id=template_id
        )

    def add_template(
        self,
        *,
        name: str,
        output_format: str,
        delivery_time_hours: int,
        background_type: int | None = None,
        background_color: str | None = None,
        background_vertical_gradient_color: str | None = None,
        resize_type: int | None = None,
        resize_unit: int | None = None,
        resize_height: int | None = None,
        resize_width: int | None = None,
        resize_min_size: int | None = None,
        resize_max_size: int | None = None,
        margin_type: int | None = None,
        margin_top: int | None = None,
        margin_bottom: int | None = None,
        margin_left: int | None = None,
        margin_right: int | None = None,
        margin_vertical_alignment: str | None = None,
        shadow_type: int | None = None,
        is_combined_images: bool | None = None,
        callback_url: str | None = None,
        comment: str | None = None,
        is_kept_mannequin: bool | None = None,
        is_kept_model: bool | None = None,
    ) -> AddedTemplate:
        """Create a template (AddTemplate); the answer holds its id when the service sends
        it. Raises as :meth:`delete_image`."""
        return self._invoke(ADD_TEMPLATE, **_arguments(locals()))  # type: ignore[no-any-return]

    # -- submissions ---------------------------------------------------------------------------

    def submit_image(
        self,
        image_url: str,
        *,
        template_id: int,
        developer_api_key: str | None = None,
        extra_image_urls: Sequence[str] | None = None,
        color_reference_file_url: str | None = None,
        additional_resource_file_url: str | None = None,
        additional_resource_file_urls: Sequence[str] | None = None,
        requested_delivery_hours: int | None = None,
        callback_url: str | None = None,
        customer_image_id: str | None = None,
        product_id: str | None = None,
        customer_folder: str | None = None,
        deadline: datetime.datetime | None = None,
        instruction: str | None = None,
        colorway_ids: Sequence[int] | None = None,
        color_change_requests: Sequence[ColorChangeRequest] | None = None,
    ) -> SubmittedImage:
        """Queue an image for editing with a template (AddImageToQueue). Only SOAP carries
        this operation (its color change requests are a complex type).

        ``extra_image_urls``: up to 4 more views (imageURL2..5); ``deadline``: an aware
        datetime, sent in UTC; ``developer_api_key`` is kept secret like your API key.
        With a ``customer_image_id`` the submission lands at most once: after an ambiguous
        failure the image is looked up by that id and resent only if it is not there.

        Raises:
            InvalidArgumentError: before any I/O, for a bad argument.
            APIError: refused by the service (unknown template, duplicate id...).
            OutcomeUnknownError: it may or may not have been queued (without a
                ``customer_image_id`` to look it up by).
            ProtocolBlockedError: the configured protocols cannot carry it.
            AllProtocolsFailedError, NetworkError: see pixelz.errors.
        """
        call = self._bind(ADD_IMAGE_TO_QUEUE, **_arguments(locals()))
        return self._submit(call, customer_image_id)

    def submit_image_with_instruction(
        self,
        image_url: str,
        *,
        template_id: int,
        instruction: str,
        developer_api_key: str | None = None,
        extra_image_urls: Sequence[str] | None = None,
        additional_resource_file_url: str | None = None,
        additional_resource_file_urls: Sequence[str] | None = None,
        requested_delivery_hours: int | None = None,
        callback_url: str | None = None,
        customer_image_id: str | None = None,
        product_id: str | None = None,
        customer_folder: str | None = None,
        deadline: datetime.datetime | None = None,
        colorway_ids: Sequence[int] | None = None,
    ) -> SubmittedImage:
        """Queue an image with written instructions (AddImageWithInstructionToQueue).
        Every further resource URL goes in ``additional_resource_file_urls`` (the
        additionalResourceFileURL2..5 parameters are sent empty). HTTP GET/POST carry it
        only when both arrays hold at least one value. Raises as :meth:`submit_image`."""
        call = self._bind(ADD_IMAGE_WITH_INSTRUCTION_TO_QUEUE, **_arguments(locals()))
        return self._submit(call, customer_image_id)

    def submit_stack_image(
        self,
        image_url: str,
        *,
        template_id: int,
        developer_api_key: str | None = None,
        extra_image_urls: Sequence[str] | None = None,
        color_reference_file_url: str | None = None,
        additional_resource_file_url: str | None = None,
        requested_delivery_hours: int | None = None,
        callback_url: str | None = None,
        customer_image_id: str | None = None,
        product_id: str | None = None,
        customer_folder: str | None = None,
        deadline: datetime.datetime | None = None,
        instruction: str | None = None,
        colorway_ids: Sequence[int] | None = None,
    ) -> SubmittedImage:
        """Queue a stack of views of one product (AddStackImageToQueue). HTTP GET/POST
        carry it only when ``colorway_ids`` holds at least one value. Raises as
        :meth:`submit_image`."""
        call = self._bind(ADD_STACK_IMAGE_TO_QUEUE, **_arguments(locals()))
        return self._submit(call, customer_image_id)

    def submit_partner_image(
        self,
        image_url: str,
        *,
        application_code: str,
        template_id: int,
        extra_image_urls: Sequence[str] | None = None,
        additional_resource_file_url: str | None = None,
        requested_delivery_hours: int | None = None,
        callback_url: str | None = None,
        customer_image_id: str | None = None,
        product_id: str | None = None,
        customer_folder: str | None = None,
        deadline: datetime.datetime | None = None,
    ) -> SubmittedImage:
        """Queue an image on behalf of a partner application (AddPartnerImageToQueue).
        Raises as :meth:`submit_image`."""
        call = self._bind(ADD_PARTNER_IMAGE_TO_QUEUE, **_arguments(locals()))
        return self._submit(call, customer_image_id)

    def submit_white_glove(
        self,
        image_url: str,
        *,
        developer_api_key: str | None = None,
        extra_image_urls: Sequence[str] | None = None,
        color_reference_file_url: str | None = None,
        callback_url: str | None = None,
        customer_image_id: str | None = None,
        product_id: str | None = None,
        customer_folder: str | None = None,
    ) -> SubmittedImage:
        """Queue an image for the white-glove service, without a template
        (WhiteGloveService). Raises as :meth:`submit_image`."""
        call = self._bind(WHITE_GLOVE_SERVICE, **_arguments(locals()))
        return self._submit(call, customer_image_id)

    def _submit(self, call: Call, customer_image_id: str | None) -> SubmittedImage:
        """Send a submission; with your own image id, resolve an ambiguous failure by
        looking the id up: found, it is the answer; not found, the call is resent (at most
        ``max_retries`` times). So a submission with an id lands at most once."""
        resends = 0
        while True:
            try:
                return (self._request(call)).value  # type: ignore[no-any-return]
            except OutcomeUnknownError as unknown:
                if customer_image_id is None:
                    raise
                try:
                    found = self.get_image_status(customer_image_id=customer_image_id)
                except APIError:  # not there: the first request was not processed
                    if resends >= self._retry.max_retries:
                        raise unknown from None
                    resends += 1
                    continue
                except PixelzError:
                    raise unknown from None
                return SubmittedImage(found.image_ticket, found.customer_image_id)

    def _walk(self, first: Call, prefetch: int) -> Iterator[Any]:
        """The records of ``first``'s pages, page after page."""

        def fetch(number: int) -> Any:
            return self._call(self._with_page(first, number))

        return _io.walk_pages(fetch, prefetch, first.operation.name)

    # -- deliveries -------------------------------------------------------------------

    def wait_for(
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
            image: ImageStatus = (self._request(call)).value
            delay = waiter.after(image, str(image.image_ticket))
            if delay is None:
                return image
            _io.sleep(delay)

    def download(
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
        results = self._download([image], dest, overwrite, max_size, 1, None)
        for result in results:
            if result.error is not None:
                raise result.error
        return [result.path for result in results]

    def download_all(
        self,
        images: _io.Images,
        dest: str | os.PathLike[str],
        *,
        overwrite: bool = False,
        concurrency: int = DEFAULT_CONCURRENCY,
        progress: ProgressCallback | None = None,
        max_size: int | None = None,
    ) -> list[DownloadResult]:
        """Download the final images of many records into ``dest``, ``concurrency`` files
        at a time on worker threads, and report each file: one broken URL does not stop the rest.

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
        records = _io.collect(images)
        return self._download(records, dest, overwrite, max_size, concurrency, progress)

    def _download(
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
        self._check_open("download")
        self._check_http_open("download")
        if not jobs:
            return []
        sizes = _io.blocking(d.prepare_dest, folder, jobs)
        meter = d.Progress(progress, len(jobs))
        timeout = d.download_timeout(self._timeout, self._shared.http.timeout)

        plans = [  # generators: nothing of a plan runs before its turn
            d.fetch_plan(job, existing=existing, overwrite=bool(overwrite), limit=limit,
                         retry=self._retry, rng=self._rng, timeout=timeout)
            for job, existing in zip(jobs, sizes, strict=True)
        ]
        return _io.run_all(plans, lambda plan: self._fetch_file(plan, meter),
                                 concurrency, meter.stop)

    def _fetch_file(self, plan: FetchPlan, meter: Progress) -> DownloadResult:
        """Drive one file's fetch plan: send, sleep, store, as it asks."""
        from . import _deliveries as d

        http = self._shared.http
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
                    feedback = self._store(streamed, action, meter)
                else:
                    if response is not None:
                        response.close()
                        response = None
                    if isinstance(action, Sleep):
                        _io.sleep(action.seconds)
                    else:
                        try:
                            response = http.send(
                                action.request, stream=True, auth=None, follow_redirects=False
                            )
                        except httpx.HTTPError as exc:
                            feedback = d.failure(exc)
                        else:
                            feedback = response
        finally:
            if response is not None:
                response.close()

    def _store(
        self, response: httpx.Response, store: Store, meter: Progress
    ) -> int | FetchFailure:
        """Stream ``response``'s body into a temporary file renamed to ``store.path``
        when complete; the byte count, or why it stopped. Closes ``response``."""
        from ._deliveries import Part, failure, too_large

        try:
            # Created, written, closed and renamed here on the event loop: each is one quick
            # call to the page cache, cheaper than a trip to a worker thread (a download is
            # CPU-bound, docs/performance.md), and a cancellation can neither cut a commit
            # short nor miss a file a thread created meanwhile.
            part = Part(store.path)
        except OSError as exc:
            response.close()
            return failure(exc)
        written = 0
        committed = False
        try:
            for chunk in response.iter_bytes():
                if written + len(chunk) > store.limit:
                    return too_large(store.limit)
                part.write(chunk)
                written += len(chunk)
                meter.add_bytes(len(chunk))
            part.commit()
            committed = True
            return written
        except (httpx.HTTPError, OSError) as exc:
            return failure(exc)
        finally:
            response.close()
            if not committed:
                part.discard()
                meter.add_bytes(-written)

    def _invoke(self, operation: Operation, **arguments: object) -> Any:
        """Call any operation of the table by its Python keywords: the result value."""
        outcome = self._request(self._bind(operation, **arguments))
        return outcome.value

    def _call(self, call: Call) -> Any:
        """Send ``call``: what its public method returns, the page of a paged list (see
        :func:`shape_result`)."""
        return shape_result(call, self._request(call))

    # -- I/O --------------------------------------------------------------------------

    def _request(self, call: Call) -> Outcome:
        return self._drive(self._plan(call), call)

    def _drive(self, plan: Plan, call: Call) -> Outcome:
        action = next(plan)
        while True:
            feedback: Feedback = None
            if isinstance(action, Sleep):
                _io.sleep(action.seconds)
            else:
                feedback = self._send(action.request, call)
            try:
                action = plan.send(feedback)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]

    def _send(self, request: httpx.Request, call: Call) -> httpx.Response | Failure:
        self._check_http_open(call.operation.name)
        http = self._shared.http
        request = self._prepare(request)
        reader = BodyReader(self._max_response_size, self._deadline)
        failure: Failure | None = None
        try:
            response: httpx.Response = http.send(request, stream=True)
            try:
                failure = reader.begin(response)
                if failure is None and reader.watch(response):
                    response.read()  # httpx reads it; the guard applies the limits
                    return response
                if failure is None:
                    for chunk in response.iter_bytes():
                        failure = reader.add(chunk)
                        if failure is not None:
                            break
            finally:
                response.close()
        except Stopped as stop:
            return stop.failure
        except httpx.HTTPError as exc:
            return failure_from_exception(exc, call)
        return failure or reader.finish(response)
