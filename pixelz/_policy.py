"""Retry and fallback decisions, with no I/O: one policy for the sync and async clients.

A call is a generator (:func:`execute`) that yields actions, :class:`Send` a request or
:class:`Sleep`, and receives what the sending produced. The sync client drives it with
blocking calls, the async client with ``await``; neither holds any decision of its own.

Decision table (docs/fallback.md explains it with examples):

=============================================  ========  ====================================
what happened                                  retried?  then
=============================================  ========  ====================================
connect error, connect/read timeout            yes       NetworkError / RequestTimeoutError
connection reset or broken stream              yes       next protocol (a firewall may reset)
408, 429, 502, 503, 504                        yes       APIError carrying the status
SOAP fault, ASMX error text                    no        APIError, no fallback
block page, other status, non-XML body         no        next protocol (ProtocolBlockedError)
GET/POST markup that ASP.NET would reject      not sent  next protocol (ProtocolBlockedError)
malformed or hostile XML                       no        next protocol (ResponseParseError)
=============================================  ========  ====================================

Calls that change something (``Operation.changes_state``: submissions, delete, reject,
edit_contact, add_template) are not idempotent. They are retried or moved to the next
protocol only when the failure proves the service did not process them: no connection was
made, or an answer the service itself never gives (a block page, a disabled-protocol page,
an unexpected status such as 403/405/415, 408, 429, a 503 with Retry-After). Anything
ambiguous (a timeout or reset after sending, 502, 504, a bare 503, an unreadable answer)
raises :class:`OutcomeUnknownError` at once.

A protocol that failed in a way that moved the call on is skipped for a cool-down; the
protocols ahead of a working one are then tried again, so a call that fell back to HTTP
GET (which puts credentials in the URL) returns to SOAP once SOAP works again.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Sequence
from typing import Any, NamedTuple

import attrs
import httpx

from ._operations import Call
from ._parser import redact
from .errors import (
    AllProtocolsFailedError,
    APIError,
    NetworkError,
    OutcomeUnknownError,
    PixelzError,
    ProtocolBlockedError,
    RequestTimeoutError,
    ResponseParseError,
)
from .models import Protocol
from .transports import Transport

__all__ = [
    "DEFAULT_COOLDOWN",
    "DEFAULT_MAX_RETRIES",
    "RETRY_STATUSES",
    "BodyReader",
    "Failure",
    "FallBack",
    "Fatal",
    "Outcome",
    "ProtocolSelector",
    "RetryPolicy",
    "Send",
    "Sleep",
    "Stats",
    "Stopped",
    "Success",
    "Verdict",
    "attempts_text",
    "execute",
]

logger = logging.getLogger("pixelz")

RETRY_STATUSES = frozenset({408, 429, 502, 503, 504})
DEFAULT_COOLDOWN = 300.0
DEFAULT_MAX_RETRIES = 2


@attrs.frozen(slots=True)
class RetryPolicy:
    """Exponential backoff with jitter: ``min(initial * 2**n, max_delay)``, less up to a
    quarter at random so that clients do not retry in lockstep. ``Retry-After`` is
    honoured, capped at ``max_retry_after`` seconds."""

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, retry_after: str | None, rng: random.Random) -> float:
        hinted = _retry_after_seconds(retry_after)
        if hinted is not None and hinted >= 0:
            return min(hinted, self.max_retry_after)
        backoff = min(self.initial_delay * 2.0**attempt, self.max_delay)
        return backoff * (1 - 0.25 * rng.random())


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return float(when.timestamp() - time.time())


class ProtocolSelector:
    """Which protocol to try first: sticky on success, cool-down after a path failure.

    Keyed by protocol, so clients made by ``with_options`` with another protocol order
    share what was learnt. Safe to share between threads and asyncio tasks: state changes
    under a lock that is never held across I/O.
    """

    def __init__(
        self,
        cooldown: float = DEFAULT_COOLDOWN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cooldown = cooldown
        self.clock = clock
        self._lock = threading.Lock()
        self._blocked_until: dict[Protocol | str, float] = {}
        self._last: Protocol | str | None = None

    @property
    def last(self) -> Protocol | str | None:
        """The protocol that served the last successful call."""
        return self._last

    def order(self, transports: Sequence[Transport]) -> list[Transport]:
        """``transports`` in their order, with protocols in cool-down moved to the end."""
        if not self._blocked_until:  # the usual case, without taking the lock
            return list(transports)
        now = self.clock()
        with self._lock:
            cooling = {p for p, until in self._blocked_until.items() if until > now}
        ready = [t for t in transports if t.protocol not in cooling]
        return ready + [t for t in transports if t.protocol in cooling]

    def failed(self, transport: Transport) -> None:
        with self._lock:
            self._blocked_until[transport.protocol] = self.clock() + self.cooldown

    def succeeded(self, transport: Transport) -> None:
        if self._last == transport.protocol and transport.protocol not in self._blocked_until:
            return  # nothing to change (the usual case)
        with self._lock:
            self._blocked_until.pop(transport.protocol, None)
            self._last = transport.protocol


# The messages between the policy and its drivers are NamedTuples, not attrs classes: they
# are private, and an attrs class costs ~0.4 ms of import time each (docs/performance.md).
class Send(NamedTuple):
    request: httpx.Request


class Sleep(NamedTuple):
    seconds: float


class Failure(NamedTuple):
    """A request that produced no response. ``kind``: "connect", "timeout", "reset",
    "too_large" or "other"; ``detail`` is already free of the API key; ``sent`` is False
    only when the request provably never left (no connection was made)."""

    kind: str
    detail: str
    sent: bool = True


Action = Send | Sleep
Feedback = httpx.Response | Failure | None


class Stats:
    """What a call cost, for ``compare_protocols``: time on the wire and bytes received."""

    __slots__ = ("latency", "response_bytes")

    def __init__(self) -> None:
        self.latency = 0.0
        self.response_bytes = 0


class Outcome(NamedTuple):
    """A successful call: the protocol that served it and the parsed result."""

    protocol: Protocol | str
    value: Any


# What one protocol's attempt ends in: the three verdicts the fallback walk acts on.
class Success(NamedTuple):
    outcome: Outcome


class FallBack(NamedTuple):
    """This protocol's path failed: try the next protocol."""

    error: PixelzError


class Fatal(NamedTuple):
    """The failure would be the same on every protocol (an API error, an unreachable
    host): raise it."""

    error: PixelzError


Verdict = Success | FallBack | Fatal


def execute(
    call: Call,
    base_url: httpx.URL,
    transports: Sequence[Transport],
    retry: RetryPolicy,
    *,
    selector: ProtocolSelector | None = None,
    rng: random.Random | None = None,
    stats: Stats | None = None,
) -> Generator[Action, Feedback, Outcome]:
    """Run ``call`` over ``transports`` in order, falling back as the table above says.

    With a ``selector`` the order comes from it and successes and failures update it;
    without one (protocol comparison) the given order is used as is.
    """
    rng = rng or random.Random()
    op = call.operation.name
    order = selector.order(transports) if selector else list(transports)
    attempts: list[tuple[Protocol | str, PixelzError]] = []
    for position, transport in enumerate(order):
        verdict = yield from _attempt(call, base_url, transport, retry, rng, stats)
        if isinstance(verdict, Success):
            if selector:
                selector.succeeded(transport)
            return verdict.outcome
        error = verdict.error
        attempts.append((transport.protocol, error))
        if isinstance(verdict, Fatal):
            raise error
        if selector:
            selector.failed(transport)
        if position + 1 < len(order):
            logger.warning(
                "%s: %s failed (%s); falling back to %s",
                op, transport.protocol, error.detail, order[position + 1].protocol,
            )
    if len(attempts) == 1:
        raise attempts[0][1]
    raise AllProtocolsFailedError(attempts, operation=op)


def _attempt(
    call: Call,
    base_url: httpx.URL,
    transport: Transport,
    retry: RetryPolicy,
    rng: random.Random,
    stats: Stats | None,
) -> Generator[Action, Feedback, Verdict]:
    """One protocol, with retries. A call that changes something is retried or moved on
    only when the failure proves the service did not process it (see module docstring)."""
    op, protocol = call.operation.name, transport.protocol
    where: dict[str, Any] = {"operation": op, "protocol": protocol}
    unsafe = call.operation.changes_state
    for attempt in range(retry.max_retries + 1):
        try:
            request = transport.build_request(call, base_url)
        except ProtocolBlockedError as exc:
            return FallBack(exc)
        started = time.perf_counter()
        feedback = yield Send(request)
        elapsed = time.perf_counter() - started
        if stats is not None:
            stats.latency += elapsed
        last_try = attempt == retry.max_retries
        if isinstance(feedback, Failure):
            logger.debug("%s over %s: %s after %.1f ms (attempt %d)",
                         op, protocol, feedback.kind, elapsed * 1000, attempt + 1)
            if unsafe and feedback.sent:
                return Fatal(_unknown(feedback.detail, where))
            if feedback.kind in ("too_large", "other"):
                return FallBack(ResponseParseError(feedback.detail, **where))
            if not last_try:
                yield Sleep(retry.delay(attempt, None, rng))
                continue
            detail = f"{feedback.detail} ({attempts_text(attempt + 1)})"
            if feedback.kind == "timeout":
                return Fatal(RequestTimeoutError(detail, **where))
            if feedback.kind == "connect":
                return Fatal(NetworkError(detail, **where))
            return FallBack(NetworkError(detail, **where))  # a firewall may reset
        assert feedback is not None
        status = feedback.status_code
        if stats is not None:
            stats.response_bytes = len(feedback.content)
        logger.debug("%s over %s: HTTP %d, %d bytes in %.1f ms (attempt %d)",
                     op, protocol, status, len(feedback.content), elapsed * 1000, attempt + 1)
        if status in RETRY_STATUSES:
            retry_after = feedback.headers.get("retry-after")
            if unsafe and not _unprocessed(status, retry_after):
                return Fatal(_unknown(f"HTTP {status} {feedback.reason_phrase}", where))
            if not last_try:
                yield Sleep(retry.delay(attempt, retry_after, rng))
                continue
            reason = feedback.reason_phrase or "error"
            return Fatal(APIError(f"HTTP {status} {reason} ({attempts_text(attempt + 1)})",
                                  status_code=status, **where))
        try:
            value = transport.parse_response(call, feedback)
        except APIError as exc:
            return Fatal(exc)
        except ProtocolBlockedError as exc:
            if unsafe and exc.maybe_processed:
                return Fatal(_unknown(exc.detail, where))
            return FallBack(exc)
        except PixelzError as exc:
            if unsafe:  # an unreadable answer to a write: it may have been applied
                return Fatal(_unknown(exc.detail, where))
            return FallBack(exc)
        return Success(Outcome(protocol, value))
    raise AssertionError("unreachable")  # pragma: no cover


def _unprocessed(status: int, retry_after: str | None) -> bool:
    """Whether a retryable status proves the request was not processed: a timeout or
    rate limit answered before processing, or a 503 that says when to come back. A 502,
    a 504 or a bare 503 may come after the service did the work."""
    return status in (408, 429) or (status == 503 and bool(retry_after))


def _unknown(detail: str, where: dict[str, Any]) -> OutcomeUnknownError:
    return OutcomeUnknownError(
        f"{detail}; the request may have been processed, so it was not sent again "
        "(look the result up before retrying)", **where,
    )


def attempts_text(count: int) -> str:
    """``after 1 attempt``, ``after 3 attempts``: for error messages."""
    return "after 1 attempt" if count == 1 else f"after {count} attempts"


def failure_from_exception(exc: httpx.HTTPError, call: Call) -> Failure:
    """Summarize an httpx exception without keeping it: its request URL may hold the key."""
    # No connection, no request: a refused or unreachable host, a connect or pool timeout.
    sent = not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout,
                                httpx.ProxyError))
    if isinstance(exc, httpx.TimeoutException):
        kind = "timeout"
    elif isinstance(exc, httpx.ConnectError):
        kind = "connect"
    elif isinstance(exc, (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError,
                          httpx.ProxyError, httpx.CloseError)):
        kind = "reset"
    elif isinstance(exc, httpx.DecodingError):
        kind = "other"
    else:
        kind = "reset"
    label = {
        "connect": "could not connect",
        "timeout": "timed out",
        "reset": "connection failed",
        "other": "could not decode the response",
    }[kind]
    text = redact(str(exc), call) or type(exc).__name__
    return Failure(kind, f"{label}: {text}", sent)


_TRANSFER = frozenset({b"content-encoding", b"transfer-encoding", b"content-length"})


class Stopped(Exception):
    """Raised out of a guarded stream: the body broke a limit (``failure`` says which)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.detail)
        self.failure = failure


class _Guard(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response stream that applies a :class:`BodyReader`'s limits as httpx reads it."""

    def __init__(self, stream: Any, reader: BodyReader) -> None:
        self._stream = stream
        self._reader = reader

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            self._check(chunk)
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            self._check(chunk)
            yield chunk

    def _check(self, chunk: bytes) -> None:
        failure = self._reader.count(chunk)
        if failure is not None:
            raise Stopped(failure)

    def close(self) -> None:
        self._stream.close()

    async def aclose(self) -> None:
        await self._stream.aclose()


class BodyReader:
    """Collects a streamed body under ``max_response_size`` and the overall deadline: the
    same decisions for the sync and the async driver, which only feed it chunks."""

    def __init__(self, limit: int, deadline: float | None) -> None:
        self.limit = limit
        self.deadline = deadline
        self.started = time.monotonic()
        self.chunks: list[bytes] = []
        self.size = 0

    def begin(self, response: httpx.Response) -> Failure | None:
        """Refuse at once a body whose announced Content-Length passes the limit."""
        length = response.headers.get("content-length", "")
        return self._too_large() if length.isdigit() and int(length) > self.limit else None

    def add(self, chunk: bytes) -> Failure | None:
        """Keep ``chunk``, or the reason to stop reading."""
        failure = self.count(chunk)
        if failure is None:
            self.chunks.append(chunk)
        return failure

    def count(self, chunk: bytes) -> Failure | None:
        """Account for ``chunk`` without keeping it: the reason to stop reading, or None."""
        self.size += len(chunk)
        if self.size > self.limit:
            return self._too_large()
        if self.deadline and time.monotonic() - self.started > self.deadline:
            return Failure(
                "timeout", f"timed out: response not complete within {self.deadline:g} s"
            )
        return None

    def watch(self, response: httpx.Response) -> bool:
        """Let httpx read the body itself, through a guard on its stream that applies the
        limits, when the body is not encoded (so its size on the wire is its size). The
        driver then reads the response in one call; an encoded body is read chunk by chunk
        instead, so that its decoded size is what counts."""
        if "content-encoding" in response.headers:
            return False
        response.stream = _Guard(response.stream, self)
        return True

    def finish(self, response: httpx.Response) -> httpx.Response:
        """A response holding the body read under the limits. The body is already decoded,
        so the headers that described its transfer encoding are left out."""
        headers = [(k, v) for k, v in response.headers.raw if k.lower() not in _TRANSFER]
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=b"".join(self.chunks),
            request=response.request,
            extensions=response.extensions,
        )

    def _too_large(self) -> Failure:
        return Failure("too_large", f"response larger than max_response_size ({self.limit} bytes)")
