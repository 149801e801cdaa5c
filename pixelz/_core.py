"""What the sync and async clients share: configuration, calls, results. No I/O.

:class:`pixelz.AsyncClient` (pixelz/_async_client.py) is the one written definition of the
public methods; :class:`pixelz.Client` (pixelz/_client.py) is generated from it by
``.ci/unasync.py``. Everything that does not depend on how requests are sent lives here.
"""

from __future__ import annotations

import copy
import datetime
import enum
import math
import random
from collections.abc import Generator, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import httpx

from ._arguments import MAX_PER_PAGE, Credentials, resolve_credentials
from ._logging import install_redaction
from ._operations import (
    GET_CONTACT_DETAILED,
    GET_IMAGE_STATUS,
    GET_IMAGES_LIST,
    GET_INVOICE_LIST,
    GET_PRODUCT_IDS_LIST,
    GET_TEMPLATE_SPEC,
    GET_TEMPLATES,
    Call,
    Operation,
)
from ._policy import (
    Action,
    Feedback,
    Outcome,
    ProtocolSelector,
    RetryPolicy,
    Stats,
    execute,
)
from ._version import __version__
from .errors import InvalidArgumentError, PixelzError, ResponseParseError
from .models import ImagesPage, InvoicesPage, ProductIdsPage, Protocol, SortBy, Status
from .transports import Transport, default_transport

if TYPE_CHECKING:
    from .compare import ProtocolComparison, ProtocolResult

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_POLL_INTERVAL",
    "DEFAULT_TIMEOUT",
    "FIRST_POLL_DELAY",
    "ITER_PER_PAGE",
    "MAX_CONCURRENCY",
    "NOT_GIVEN",
    "READS",
    "USER_AGENT",
    "ClientCore",
    "DateArg",
    "NotGiven",
    "PageWalk",
    "Plan",
    "ProtocolsArg",
    "SortArg",
    "StatusArg",
    "TimeoutArg",
    "resolve_timeout",
    "shape_result",
]

DEFAULT_BASE_URL = "https://api.pixelz.com/soap.asmx"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RESPONSE_SIZE = 32 * 1024 * 1024
ITER_PER_PAGE = MAX_PER_PAGE  # iter_images reads the largest pages the service gives
FIRST_POLL_DELAY = 1.0  # wait_for: the first gap between polls, doubled after each ...
DEFAULT_POLL_INTERVAL = 30.0  # ... up to this, unless poll_interval says otherwise
DEFAULT_CONCURRENCY = 8  # download_all: files at once unless told ...
MAX_CONCURRENCY = 64  # ... and at most this many
USER_AGENT = f"pixelz/{__version__} python-httpx/{httpx.__version__}"


class NotGiven(enum.Enum):
    """The type of :data:`NOT_GIVEN`: an argument left out, told apart from ``None``."""

    NOT_GIVEN = "NOT_GIVEN"

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven.NOT_GIVEN

#: ``protocols=``: None (all four, default order), one protocol, or the fallback order.
ProtocolsArg = Protocol | str | Transport | Sequence[Protocol | str | Transport] | None
#: ``timeout=``: seconds for the whole request, or an ``httpx.Timeout`` per phase.
TimeoutArg = float | httpx.Timeout
#: A status filter: an id, a :class:`pixelz.Status`, or a name (``"delivered"``).
StatusArg = int | Status | str | None
#: A date filter: a ``datetime.date`` or ``"YYYY-MM-DD"``.
DateArg = datetime.date | str | None
#: A sort key: ``"id"``, ``"date"``, ``"status"`` or a :class:`pixelz.SortBy`.
SortArg = SortBy | str | None
Plan = Generator[Action, Feedback, Outcome]
_Self = TypeVar("_Self", bound="ClientCore")


@attrs.define
class _Shared:
    """What a client shares with the copies ``with_options`` makes: the connection pool,
    whether it is closed, and the protocol state (stickiness and cool-downs)."""

    http: Any
    owns_http: bool
    selector: ProtocolSelector
    closed: bool = False


class ClientCore:
    """Configuration, argument handling and results shared by :class:`pixelz.Client` and
    :class:`pixelz.AsyncClient`; each adds only how requests are sent."""

    _shared: _Shared
    _http_type: type[httpx.Client] | type[httpx.AsyncClient]

    def __init__(
        self,
        contact_email: str | None,
        contact_api_key: str | None,
        *,
        base_url: str | httpx.URL,
        protocols: ProtocolsArg,
        timeout: TimeoutArg | NotGiven,
        max_retries: int,
        http_client: httpx.Client | httpx.AsyncClient | None,
        cooldown: float,
        max_response_size: int,
    ) -> None:
        install_redaction()
        self._credentials: Credentials = resolve_credentials(contact_email, contact_api_key)
        self._base_url = _base_url(base_url)
        if (not isinstance(cooldown, (int, float)) or isinstance(cooldown, bool)
                or not 0 <= cooldown < math.inf):
            raise InvalidArgumentError(f"invalid cooldown={cooldown!r}: expected seconds >= 0")
        if (isinstance(max_response_size, bool) or not isinstance(max_response_size, int)
                or max_response_size < 1):
            raise InvalidArgumentError(
                f"invalid max_response_size={max_response_size!r}: expected bytes >= 1"
            )
        if http_client is not None and not isinstance(http_client, self._http_type):
            raise InvalidArgumentError(f"http_client must be an httpx.{self._http_type.__name__}")
        self._max_response_size = max_response_size
        self._rng = random.Random()
        self._configure(protocols, max_retries, timeout, http_client)
        owns = http_client is None
        if http_client is None:
            http_client = self._http_type(
                timeout=self._timeout or DEFAULT_TIMEOUT, follow_redirects=False,
                headers={"User-Agent": USER_AGENT},
            )
        self._shared = _Shared(http_client, owns, ProtocolSelector(float(cooldown)))

    def _configure(
        self,
        protocols: ProtocolsArg,
        max_retries: int,
        timeout: TimeoutArg | NotGiven,
        http_client: httpx.Client | httpx.AsyncClient | None,
    ) -> None:
        self._transports = _transports(protocols)
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise InvalidArgumentError(f"invalid max_retries={max_retries!r}: expected an int >= 0")
        self._retry = RetryPolicy(max_retries=max_retries)
        self._timeout_arg = timeout
        self._timeout: httpx.Timeout | None
        self._deadline: float | None
        if isinstance(timeout, NotGiven) and http_client is not None:
            # The http_client's own timeout applies, as long as it bounds every phase.
            resolve_timeout(http_client.timeout, "the http_client's timeout")
            self._timeout = self._deadline = None
        else:
            given = DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else timeout
            self._timeout, self._deadline = resolve_timeout(given)

    def with_options(
        self: _Self,
        *,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        protocols: ProtocolsArg | NotGiven = NOT_GIVEN,
    ) -> _Self:
        """A client with other options that shares this one's connection pool and
        protocol state (what worked, what is cooling down). Closing either closes both."""
        clone = copy.copy(self)
        clone._configure(
            self._transports if isinstance(protocols, NotGiven) else protocols,
            self._retry.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            self._timeout_arg if isinstance(timeout, NotGiven) else timeout,
            None if self._shared.owns_http else self._shared.http,
        )
        return clone

    @property
    def protocol(self) -> Protocol | str | None:
        """The protocol that served the last successful call, or None before any."""
        return self._shared.selector.last

    @property
    def protocols(self) -> tuple[Protocol | str, ...]:
        """The configured protocols, in fallback order."""
        return tuple(t.protocol for t in self._transports)

    @property
    def base_url(self) -> str:
        return str(self._base_url)

    @property
    def is_closed(self) -> bool:
        return self._shared.closed

    def __repr__(self) -> str:
        names = ", ".join(str(p) for p in self.protocols)
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, protocols=[{names}], "
            f"contact_email={self._credentials.email!r})"
        )

    # -- calls and plans: what a call does, for the subclass to drive ----------------------

    def _bind(self, operation: Operation, **values: object) -> Call:
        """The call with every argument validated and in wire form (before any I/O)."""
        return operation.bind(self._credentials.email, self._credentials.api_key, **values)

    def _check_open(self, operation: str) -> None:
        if self._shared.closed:
            raise PixelzError("the client is closed", operation=operation)

    def _check_http_open(self, operation: str) -> None:
        if self._shared.http.is_closed:
            raise PixelzError("the http_client is closed", operation=operation)

    def _plan(self, call: Call) -> Plan:
        self._check_open(call.operation.name)
        return execute(call, self._base_url, self._transports, self._retry,
                       selector=self._shared.selector, rng=self._rng)

    def _comparison_plans(self, call: Call) -> list[tuple[Transport, Stats, Plan]]:
        self._check_open(call.operation.name)
        plans = []
        for transport in self._transports:
            stats = Stats()
            plan = execute(call, self._base_url, [transport], self._retry,
                           rng=self._rng, stats=stats)
            plans.append((transport, stats, plan))
        return plans

    def _prepare(self, request: httpx.Request) -> httpx.Request:
        """The transport's request with the http client's defaults merged in (headers such
        as User-Agent, query params, cookies), as ``http.build_request`` would, and this
        client's timeout when it has one; done in place, as building it anew costs a
        tenth of a call."""
        http = self._shared.http
        # Client headers first, then the request's, which win: httpx's own merge, in one
        # pass over the raw pairs instead of a copy plus an update.
        own = {key.lower() for key, _ in request.headers.raw}
        request.headers = httpx.Headers([
            *((key, value) for key, value in http.headers.raw if key.lower() not in own),
            *request.headers.raw,
        ])
        if http.params:
            request.url = request.url.copy_merge_params(http.params)
        if http.cookies:
            http.cookies.set_cookie_header(request)
        if self._timeout is not None:
            request.extensions["timeout"] = self._timeout.as_dict()
        return request

    # -- results ---------------------------------------------------------------------------

    def _read_call(self, method: str, arguments: dict[str, Any]) -> Call:
        """The call behind read method ``method`` (for ``compare_protocols``)."""
        operation = READS.get(method)
        if operation is None:
            raise InvalidArgumentError(
                f"invalid method {method!r}: expected one of {', '.join(READS)}"
            )
        if "page" in operation.keywords:
            arguments = {"page": 1, **arguments}  # as the method's own default
        return self._bind(operation, **arguments)

    @staticmethod
    def _with_page(call: Call, number: int) -> Call:
        return call.with_value("page", str(number))

    @staticmethod
    def _check_prefetch(prefetch: object) -> int:
        if isinstance(prefetch, bool) or not isinstance(prefetch, int) or not 1 <= prefetch <= 32:
            raise InvalidArgumentError(
                f"invalid prefetch={prefetch!r}: expected an int from 1 to 32"
            )
        return prefetch

    @staticmethod
    def _result(
        transport: Transport, stats: Stats, value: Any, error: PixelzError | None
    ) -> ProtocolResult:
        from .compare import ProtocolResult, outcome_of  # on first use: import time

        return ProtocolResult(
            protocol=transport.protocol,
            outcome=outcome_of(error),
            error=error,
            latency=stats.latency,
            response_bytes=stats.response_bytes,
            value=value,
        )

    @staticmethod
    def _comparison(results: Iterable[ProtocolResult]) -> ProtocolComparison:
        from .compare import ProtocolComparison  # on first use: import time

        return ProtocolComparison(tuple(results))


def _number(text: Any) -> int | None:
    return int(text) if isinstance(text, str) and text else None


def shape_result(call: Call, outcome: Outcome) -> Any:
    """What a public method returns for ``outcome``: a page for the paged lists (with the
    page number and size of the call), the parsed value otherwise."""
    op = call.operation
    if op is GET_IMAGES_LIST:
        return ImagesPage(outcome.value, _number(call.value_of("page")) or 1,
                          _number(call.value_of("imagesPerPage")), outcome.protocol)
    if op is GET_PRODUCT_IDS_LIST:
        return ProductIdsPage(outcome.value, _number(call.value_of("page")) or 1,
                              _number(call.value_of("productIdsPerPage")), outcome.protocol)
    if op is GET_INVOICE_LIST:
        return InvoicesPage(outcome.value, _number(call.value_of("page")) or 1, outcome.protocol)
    return outcome.value


# The read methods ``compare_protocols`` can run, by client method name.
READS: dict[str, Operation] = {
    "list_images": GET_IMAGES_LIST,
    "get_image_status": GET_IMAGE_STATUS,
    "list_product_ids": GET_PRODUCT_IDS_LIST,
    "get_contact": GET_CONTACT_DETAILED,
    "list_invoices": GET_INVOICE_LIST,
    "list_templates": GET_TEMPLATES,
    "get_template": GET_TEMPLATE_SPEC,
}


class PageWalk:
    """Decides, page after page, whether an ``iter_*`` walk goes on.

    A page that says it is the last (short, or empty) ends the walk. A page identical to
    the previous one means the server ignores ``page``: that is an error, not a reason to
    loop forever.
    """

    def __init__(self, operation: str) -> None:
        self._operation = operation
        self._previous: Any = None

    def more_after(self, page: Any) -> bool:
        previous = self._previous
        records = tuple(page)
        if previous is not None and records and records == tuple(previous):
            raise ResponseParseError(
                f"page {page.page} repeats page {previous.page}: the server seems to ignore "
                "the page parameter",
                operation=self._operation,
                protocol=page.protocol,
            )
        self._previous = page
        return not page.is_last


def _base_url(value: str | httpx.URL) -> httpx.URL:
    expected = f"expected an http(s) URL such as {DEFAULT_BASE_URL!r}"
    try:
        url = httpx.URL(value)
        port = url.port
    except (TypeError, httpx.InvalidURL) as exc:
        raise InvalidArgumentError(f"invalid base_url ({exc}): {expected}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidArgumentError(f"invalid base_url={str(value)!r}: {expected}")
    if port is not None and not 1 <= port <= 65535:
        raise InvalidArgumentError(f"invalid base_url port {port}: {expected}")
    return url.copy_with(query=None, fragment=None)


def _transports(protocols: ProtocolsArg) -> tuple[Transport, ...]:
    if protocols is None:
        return tuple(default_transport(p) for p in Protocol)
    if isinstance(protocols, (str, Transport)):
        items: list[Any] = [protocols]
    elif isinstance(protocols, Iterable):
        items = list(protocols)
    else:
        names = ", ".join(p.value for p in Protocol)
        raise InvalidArgumentError(
            f"invalid protocols={protocols!r}: expected one of {names}, a pixelz.Protocol, "
            "a pixelz.transports.Transport, or a sequence of them"
        )
    if not items:
        raise InvalidArgumentError("protocols is empty: give at least one protocol")
    transports: list[Transport] = []
    for item in items:
        if isinstance(item, Transport):
            transports.append(item)
            continue
        try:
            protocol = Protocol(item.lower() if isinstance(item, str) else item)
        except ValueError:
            allowed = ", ".join(p.value for p in Protocol)
            raise InvalidArgumentError(
                f"invalid protocol {item!r}: expected one of {allowed}, a pixelz.Protocol "
                "or a pixelz.transports.Transport"
            ) from None
        transports.append(default_transport(protocol))
    names = [t.protocol for t in transports]
    if len(set(names)) != len(names):
        raise InvalidArgumentError(f"protocols lists a protocol twice: {names}")
    return tuple(transports)


def resolve_timeout(
    value: TimeoutArg, what: str = "timeout"
) -> tuple[httpx.Timeout, float | None]:
    """The httpx timeout plus an overall deadline for one request (None: phases only)."""
    if isinstance(value, httpx.Timeout):
        phases = (value.connect, value.read, value.write, value.pool)
        if any(p is None or not 0 < p < math.inf for p in phases):
            raise InvalidArgumentError(
                f"invalid {what} {value!r}: every phase must be finite seconds > 0 "
                "(None would leave a request unbounded); pass timeout= to pixelz or bound "
                "every phase"
            )
        return value, None
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not 0 < value < math.inf):
        raise InvalidArgumentError(
            f"invalid timeout={value!r}: expected seconds > 0 or an httpx.Timeout"
        )
    return httpx.Timeout(float(value)), float(value)
