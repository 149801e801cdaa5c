"""What the sync and async clients share: configuration, arguments, results. No I/O."""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Generator, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import httpx

from ._arguments import (
    MAX_PER_PAGE,
    Credentials,
    ListQuery,
    bounded_int,
    image_status_call,
    list_query,
    resolve_credentials,
)
from ._logging import install_redaction
from ._operations import Call
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
from .models import ImagesPage, ImageStatus, Protocol, SortBy, Status
from .transports import Transport, default_transport

if TYPE_CHECKING:
    from .compare import ProtocolResult

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_TIMEOUT",
    "ITER_PER_PAGE",
    "USER_AGENT",
    "ClientCore",
    "DateArg",
    "PageWalk",
    "ProtocolsArg",
    "SortArg",
    "StatusArg",
    "TimeoutArg",
    "resolve_timeout",
]

DEFAULT_BASE_URL = "https://api.pixelz.com/soap.asmx"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RESPONSE_SIZE = 32 * 1024 * 1024
ITER_PER_PAGE = MAX_PER_PAGE  # iter_images reads the largest pages the service gives
USER_AGENT = f"pixelz/{__version__} python-httpx/{httpx.__version__}"

ProtocolsArg = Protocol | str | Transport | Sequence[Protocol | str | Transport] | None
TimeoutArg = float | httpx.Timeout
StatusArg = int | Status | str | None
DateArg = datetime.date | str | None
SortArg = SortBy | str | None
Plan = Generator[Action, Feedback, Outcome]

install_redaction()


class ClientCore:
    """Configuration and argument handling shared by :class:`Client` and
    :class:`AsyncClient`; each subclass only adds how requests are sent."""

    def __init__(
        self,
        contact_email: str | None,
        contact_api_key: str | None,
        *,
        base_url: str | httpx.URL,
        protocols: ProtocolsArg,
        timeout: TimeoutArg,
        max_retries: int,
        cooldown: float,
        max_response_size: int,
    ) -> None:
        self._credentials: Credentials = resolve_credentials(contact_email, contact_api_key)
        self._base_url = _base_url(base_url)
        self._transports = _transports(protocols)
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise InvalidArgumentError(f"invalid max_retries={max_retries!r}: expected an int >= 0")
        if (not isinstance(cooldown, (int, float)) or isinstance(cooldown, bool)
                or not 0 <= cooldown < math.inf):
            raise InvalidArgumentError(f"invalid cooldown={cooldown!r}: expected seconds >= 0")
        if (isinstance(max_response_size, bool) or not isinstance(max_response_size, int)
                or max_response_size < 1):
            raise InvalidArgumentError(
                f"invalid max_response_size={max_response_size!r}: expected bytes >= 1"
            )
        self._timeout, self._deadline = resolve_timeout(timeout)
        self._retry = RetryPolicy(max_retries=max_retries)
        self._selector = ProtocolSelector(self._transports, float(cooldown))
        self._max_response_size = max_response_size
        self._rng = random.Random()

    @property
    def protocol(self) -> Protocol | str | None:
        """The protocol that served the last successful call, or None before any."""
        return self._selector.last

    @property
    def protocols(self) -> tuple[Protocol | str, ...]:
        """The configured protocols, in fallback order."""
        return tuple(t.protocol for t in self._transports)

    @property
    def base_url(self) -> str:
        return str(self._base_url)

    def __repr__(self) -> str:
        names = ", ".join(str(p) for p in self.protocols)
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, protocols=[{names}], "
            f"contact_email={self._credentials.email!r})"
        )

    # -- plans: what a call does, for the subclass to drive ---------------------------

    def _plan(self, call: Call) -> Plan:
        return execute(call, self._base_url, self._transports, self._retry,
                       selector=self._selector, rng=self._rng)

    def _prepare(
        self, request: httpx.Request, http: httpx.Client | httpx.AsyncClient
    ) -> httpx.Request:
        """The transport's request with the http client's defaults merged in (headers such
        as User-Agent, query params, cookies), as ``http.build_request`` would, and this
        client's timeout; done in place, as building it anew costs a tenth of a call."""
        headers = httpx.Headers(http.headers)
        headers.update(request.headers)
        request.headers = headers
        if http.params:
            request.url = request.url.copy_merge_params(http.params)
        if http.cookies:
            http.cookies.set_cookie_header(request)
        request.extensions["timeout"] = self._timeout.as_dict()
        return request

    def _list_call(self, query: ListQuery, page: int) -> Call:
        return query.call(self._credentials, page)

    def _status_call(self, image_ticket: object, customer_image_id: object) -> Call:
        return image_status_call(self._credentials, image_ticket, customer_image_id)

    def _comparison_plans(self, call: Call) -> list[tuple[Transport, Stats, Plan]]:
        plans = []
        for transport in self._transports:
            stats = Stats()
            plan = execute(call, self._base_url, [transport], self._retry,
                           rng=self._rng, stats=stats)
            plans.append((transport, stats, plan))
        return plans

    @staticmethod
    def _page(outcome: Outcome, page: int, per_page: int | None) -> ImagesPage:
        return ImagesPage(outcome.records, page, per_page, outcome.protocol)

    @staticmethod
    def _one(outcome: Outcome) -> ImageStatus:
        return outcome.records[0]

    @staticmethod
    def _query(kwargs: dict[str, Any]) -> tuple[ListQuery, int]:
        page = bounded_int("page", kwargs.pop("page", 1))
        return list_query(**kwargs), page

    @staticmethod
    def _iter_query(kwargs: dict[str, Any], prefetch: object) -> tuple[ListQuery, int]:
        if isinstance(prefetch, bool) or not isinstance(prefetch, int) or not 1 <= prefetch <= 32:
            raise InvalidArgumentError(
                f"invalid prefetch={prefetch!r}: expected an int from 1 to 32"
            )
        return list_query(**kwargs), prefetch

    @staticmethod
    def _result(
        transport: Transport, stats: Stats, page: ImagesPage | None, error: PixelzError | None
    ) -> ProtocolResult:
        from .compare import ProtocolResult, outcome_of  # on first use: import time (P4)

        return ProtocolResult(
            protocol=transport.protocol,
            outcome=outcome_of(error),
            error=error,
            latency=stats.latency,
            response_bytes=stats.response_bytes,
            page=page,
        )


class PageWalk:
    """Decides, page after page, whether ``iter_images`` goes on.

    A short or empty page ends the walk. A page identical to the previous one means the
    server ignores ``page``: that is an error, not a reason to loop forever.
    """

    def __init__(self) -> None:
        self._previous: ImagesPage | None = None

    def more_after(self, page: ImagesPage) -> bool:
        previous = self._previous
        if previous is not None and page.images and page.images == previous.images:
            raise ResponseParseError(
                f"page {page.page} repeats page {previous.page}: the server seems to ignore "
                "the page parameter",
                operation="GetImagesList",
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


def resolve_timeout(value: TimeoutArg) -> tuple[httpx.Timeout, float | None]:
    """The httpx timeout plus an overall deadline for one request (None: phases only)."""
    if isinstance(value, httpx.Timeout):
        phases = (value.connect, value.read, value.write, value.pool)
        if any(p is None or not 0 < p < math.inf for p in phases):
            raise InvalidArgumentError(
                f"invalid timeout={value!r}: every phase must be finite seconds > 0 "
                "(None would leave a request unbounded)"
            )
        return value, None
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not 0 < value < math.inf):
        raise InvalidArgumentError(
            f"invalid timeout={value!r}: expected seconds > 0 or an httpx.Timeout"
        )
    return httpx.Timeout(float(value)), float(value)
