"""The typed error tree: every failure a caller can see is a :class:`PixelzError`.

Messages name the operation and the protocol and never contain the API key: errors are
built from redacted text only, and the httpx exception that caused a network failure is
summarized, not chained (its request URL carries the key on HTTP GET).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Protocol

__all__ = [
    "APIError",
    "AllProtocolsFailedError",
    "DownloadError",
    "InvalidArgumentError",
    "NetworkError",
    "OutcomeUnknownError",
    "PixelzError",
    "ProtocolBlockedError",
    "RequestTimeoutError",
    "ResponseParseError",
    "WebhookError",
]


class PixelzError(Exception):
    """Base class of every error raised by pixelz."""

    operation: str | None
    protocol: Protocol | str | None

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        protocol: Protocol | str | None = None,
    ) -> None:
        self.operation = operation
        self.protocol = protocol
        self.detail = message
        super().__init__(_prefixed(message, operation, protocol))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


def _prefixed(message: str, operation: str | None, protocol: Protocol | str | None) -> str:
    where = " over ".join(str(p) for p in (operation, _protocol_value(protocol)) if p)
    return f"{where}: {message}" if where else message


def _protocol_value(protocol: Protocol | str | None) -> str | None:
    return None if protocol is None else str(protocol)  # a Protocol prints its value


class InvalidArgumentError(PixelzError, ValueError):
    """An argument is invalid; raised before any I/O."""


class APIError(PixelzError):
    """The service answered with an error (a SOAP fault or ASMX error text).

    ``message`` is the human message without .NET type names or stack traces, identical
    whichever protocol carried it; ``code`` is the fault code (``"Client"``, ``"Server"``,
    ``"Sender"``, ``"Receiver"``) when the protocol carries one.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        protocol: Protocol | str | None = None,
        code: str | None = None,
        status_code: int | None = None,
    ) -> None:
        self.message = message
        self.code = code
        self.status_code = status_code
        super().__init__(message, operation=operation, protocol=protocol)


class ProtocolBlockedError(PixelzError):
    """This protocol's path is unavailable (block page, disabled protocol, wrong status).

    The client falls back to the next protocol when it sees this error. ``maybe_processed``
    is True when the answer does not prove the service never handled the request (a 200
    carrying something other than XML): a call that changes something is then not resent.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        protocol: Protocol | str | None = None,
        status_code: int | None = None,
        maybe_processed: bool = False,
    ) -> None:
        self.status_code = status_code
        self.maybe_processed = maybe_processed
        super().__init__(message, operation=operation, protocol=protocol)


class AllProtocolsFailedError(PixelzError):
    """Every protocol tried failed; ``attempts`` pairs each protocol with its error.

    When every attempt failed the same way the message says so once rather than once per
    protocol; a 404 on every protocol means the base URL is wrong, and the message says that.
    """

    def __init__(
        self,
        attempts: Iterable[tuple[Protocol | str, PixelzError]],
        *,
        operation: str | None = None,
    ) -> None:
        self.attempts = tuple(attempts)
        super().__init__(_attempts_summary(self.attempts), operation=operation)


#: What a base URL looks like; repeated here (not imported) so errors import nothing.
_EXAMPLE_BASE_URL = "https://api.pixelz.com/soap.asmx"


def _attempts_summary(attempts: tuple[tuple[Protocol | str, PixelzError], ...]) -> str:
    names = ", ".join(str(_protocol_value(protocol)) for protocol, _ in attempts)
    details = [getattr(error, "detail", str(error)) for _, error in attempts]
    kinds = {type(error) for _, error in attempts}
    statuses = {getattr(error, "status_code", None) for _, error in attempts}
    if len(attempts) > 1 and len(kinds) == 1 and len(statuses) == 1:
        if statuses == {404}:
            return (
                f"every protocol ({names}) got HTTP 404 Not Found: the base URL is probably "
                f"wrong; it should name the service's .asmx file, like {_EXAMPLE_BASE_URL}"
            )
        if len(set(details)) == 1:
            return f"every protocol ({names}) failed the same way: {details[0]}"
        first = _protocol_value(attempts[0][0])
        return f"every protocol ({names}) failed alike, {first} with: {details[0]}"
    lines = "; ".join(
        f"{_protocol_value(protocol)}: {detail}"
        for (protocol, _), detail in zip(attempts, details, strict=True)
    )
    return f"every protocol failed ({lines})"


class OutcomeUnknownError(PixelzError):
    """A call that changes something may or may not have been processed: the connection
    broke after the request was sent, or the answer could not be read. pixelz does not
    resend it (that could apply it twice); look the result up before trying again.
    ``operation`` and ``protocol`` say which call and where."""


class NetworkError(PixelzError):
    """The connection failed (after retries): unreachable host, reset, broken stream."""


class RequestTimeoutError(NetworkError):
    """The request did not complete within the configured timeout (after retries)."""


class ResponseParseError(PixelzError):
    """The response could not be understood.

    Carries ``status_code``, ``content_type`` and ``snippet``: the start of the body with
    the API key redacted, enough to recognize what came back.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        protocol: Protocol | str | None = None,
        status_code: int | None = None,
        content_type: str | None = None,
        snippet: str = "",
    ) -> None:
        self.status_code = status_code
        self.content_type = content_type
        self.snippet = snippet
        super().__init__(message, operation=operation, protocol=protocol)


class DownloadError(PixelzError):
    """A final image could not be downloaded: an HTTP error status, too many redirects, a
    body over the size limit, a URL that is not http(s), or a file that could not be
    written. ``url`` is the URL asked for; messages show it without its query string (a
    presigned URL's signature). ``status_code`` is the HTTP status when there was one.
    Network failures that outlast the retries are :class:`NetworkError` instead.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status_code: int | None = None,
        operation: str | None = None,
        protocol: Protocol | str | None = None,
    ) -> None:
        self.url = url
        self.status_code = status_code
        super().__init__(message, operation=operation, protocol=protocol)


class WebhookError(InvalidArgumentError):
    """A webhook callback could not be read: a body that is neither JSON nor a form, or
    one without an image ticket. Never carries the secret."""
