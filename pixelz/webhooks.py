"""Receive Pixelz callbacks: check their signature, read them, serve them over WSGI.

When an image is delivered, Pixelz can POST a callback to a URL given at submission. The
signature scheme below is not in Pixelz's public documentation: it is what third-party
integrations check (docs/deliveries.md says how to report a mismatch). The body is
signed with HMAC-SHA256 under your Application Secret Code, and the base64 digest is sent
in ``X-RTB-Partner-HMAC-SHA256`` or ``X-RTB-Customer-HMAC-SHA256``.

- :func:`verify` checks a raw body against its headers (constant-time comparison).
- :func:`parse` reads a JSON or form body into a :class:`CallbackEvent`.
- :func:`app` is a WSGI application (PEP 3333, standard library only) that does both and
  hands each verified event to your function; mount it in any WSGI server.

The secret never appears in a repr, an error message or a log record.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from .errors import InvalidArgumentError, WebhookError

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = [
    "DEFAULT_MAX_BODY_SIZE",
    "SIGNATURE_HEADERS",
    "CallbackEvent",
    "Headers",
    "WebhookApp",
    "app",
    "parse",
    "sign",
    "verify",
]

logger = logging.getLogger("pixelz.webhooks")

#: The header names that may carry the signature (any case, ``-`` or ``_``, with or
#: without the ``HTTP_`` prefix that WSGI and CGI environments add).
SIGNATURE_HEADERS = ("X-RTB-Partner-HMAC-SHA256", "X-RTB-Customer-HMAC-SHA256")
#: The largest body :func:`app` reads; a callback is a few hundred bytes.
DEFAULT_MAX_BODY_SIZE = 1024 * 1024

#: Headers as a mapping (a dict, ``httpx.Headers``, a WSGI environ, Django's
#: ``request.META``) or as (name, value) pairs.
Headers = Mapping[str, Any] | Iterable[tuple[str, Any]]

_SIGNATURE_KEYS = frozenset(h.upper().replace("-", "_") for h in SIGNATURE_HEADERS)


def _key(secret: str | bytes) -> bytes:
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    if not isinstance(secret, (bytes, bytearray)):
        raise InvalidArgumentError("invalid secret: expected str or bytes")
    if not secret:
        # An unset environment variable would otherwise accept anything signed with "".
        raise InvalidArgumentError("invalid secret: it is empty")
    return bytes(secret)


def _body(body: object) -> bytes:
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    raise InvalidArgumentError(
        f"invalid body {type(body).__name__}: expected the raw bytes as received"
    )


def sign(body: bytes | str, secret: str | bytes) -> str:
    """The signature of ``body`` under ``secret``: base64 of its HMAC-SHA256 digest, the
    value a sender puts in ``X-RTB-Partner-HMAC-SHA256``. For tests and emulators."""
    digest = hmac.new(_key(secret), _body(body), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _signatures(headers: Headers) -> list[str]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    found = []
    for name, value in items:
        if not isinstance(name, str):
            continue
        key = name.strip().upper().replace("-", "_")
        key = key.removeprefix("HTTP_")
        if key in _SIGNATURE_KEYS:
            if isinstance(value, bytes):
                value = value.decode("latin-1")
            if isinstance(value, str):
                found.append(value)
    return found


def verify(body: bytes, headers: Headers, secret: str | bytes) -> bool:
    """True when a signature header holds the base64 HMAC-SHA256 of ``body`` under
    ``secret``. ``body`` must be the raw bytes as received (not re-encoded JSON).

    Looks for :data:`SIGNATURE_HEADERS` in any case, with ``-`` or ``_``, with or
    without an ``HTTP_`` prefix; compares in constant time (``hmac.compare_digest``).
    Missing or malformed signatures give False; only a bad argument raises
    (``InvalidArgumentError``: an empty secret, a body that is not bytes).
    """
    expected = sign(_body(body), secret).rstrip("=").encode("ascii")
    valid = False
    for candidate in _signatures(headers):
        text = candidate.strip().rstrip("=")
        if not text.isascii():
            continue
        # Every candidate is compared, so the time taken does not tell which one matched.
        valid |= hmac.compare_digest(expected, text.encode("ascii"))
    return valid


@attrs.frozen(slots=True)
class CallbackEvent:
    """One callback, as :func:`parse` read it.

    ``image_ticket``: the image; ``processed_image_url``: the final image URL, or None
    when the callback has none; ``template_id``: as sent, or None; ``raw``: every field
    of the body, read-only (JSON values as decoded, form values as text).
    """

    image_ticket: uuid.UUID
    processed_image_url: str | None
    template_id: str | None
    raw: Mapping[str, Any] = attrs.field(hash=False, repr=False)


# Field names are compared after dropping case, "_", "-" and spaces, so imageTicket,
# ImageTicket, image_ticket and image-ticket are one name.
_TICKET_NAMES = ("imageticket", "ticket")
_URL_NAMES = ("processedimageurl", "finalimageurl", "imageurl", "url")
_TEMPLATE_NAMES = ("templateid", "template")


def _folded(name: str) -> str:
    return "".join(c for c in name.lower() if c not in "_- ")


def parse(body: bytes | str, content_type: str | None = None) -> CallbackEvent:
    """Read a callback body: JSON (``application/json`` or any ``+json`` type) or a form
    (``application/x-www-form-urlencoded``). Without a content type, or with another one,
    a body starting with ``{`` is read as JSON and any other as a form.

    Field names are matched ignoring case, ``_``, ``-`` and spaces: the ticket from
    ``imageTicket`` (or ``ticket``), the URL from ``processedImageURL`` (or
    ``finalImageURL``, ``imageURL``, ``url``), the template from ``templateId`` (or
    ``template``). A JSON body must be an object; only the ticket is required.

    Raises:
        WebhookError: the body is not UTF-8 JSON or form text, or has no valid ticket.
    """
    data = _decode(_body(body), content_type)
    fields = {_folded(k): v for k, v in data.items()}

    def pick(names: tuple[str, ...]) -> Any:
        for name in names:
            value = fields.get(name)
            if value is not None and value != "":
                return value
        return None

    ticket = pick(_TICKET_NAMES)
    if ticket is None:
        raise WebhookError("the callback has no imageTicket field")
    try:
        image_ticket = uuid.UUID(ticket.strip() if isinstance(ticket, str) else "")
    except ValueError:
        raise WebhookError("the callback's imageTicket is not a GUID") from None
    url = pick(_URL_NAMES)
    template = pick(_TEMPLATE_NAMES)
    if url is not None and not isinstance(url, str):
        raise WebhookError("the callback's processedImageURL is not text")
    if template is not None and (isinstance(template, bool)
                                 or not isinstance(template, (str, int))):
        raise WebhookError("the callback's templateId is not text or a number")
    return CallbackEvent(
        image_ticket, url, None if template is None else str(template),
        MappingProxyType(data),  # _decode made it for this event alone
    )


def _decode(body: bytes, content_type: str | None) -> dict[str, Any]:
    media, _, params = (content_type or "").partition(";")
    media = media.strip().lower()
    charset = "utf-8"
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"').lower()
    try:
        text = body.decode(charset)
    except (LookupError, UnicodeDecodeError):
        raise WebhookError(f"the callback body is not valid {charset} text") from None
    is_json = media == "application/json" or media.endswith("+json")
    is_form = media == "application/x-www-form-urlencoded"
    if not is_json and not is_form:
        is_json = text.lstrip().startswith("{")
    if is_json:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            raise WebhookError("the callback body is not valid JSON") from None
        if not isinstance(data, dict):
            raise WebhookError("the callback body is JSON but not an object")
        return data
    try:
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=True,
                                       errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise WebhookError("the callback body is not a valid form") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        form.setdefault(name, value)  # the first of repeated fields wins
    return form


# -- WSGI ----------------------------------------------------------------------------------

Handler = Callable[[CallbackEvent], object]


class WebhookApp:
    """A WSGI application that receives callbacks; build it with :func:`app`."""

    __slots__ = ("_key", "handler", "max_body_size")

    def __init__(self, secret: str | bytes, handler: Handler, max_body_size: int) -> None:
        self._key = _key(secret)
        if not callable(handler):
            raise InvalidArgumentError("invalid handler: expected a callable")
        if (isinstance(max_body_size, bool) or not isinstance(max_body_size, int)
                or max_body_size < 1):
            raise InvalidArgumentError(
                f"invalid max_body_size={max_body_size!r}: expected bytes >= 1"
            )
        self.handler = handler
        self.max_body_size = max_body_size

    def __repr__(self) -> str:
        return f"WebhookApp(handler={self.handler!r}, max_body_size={self.max_body_size})"

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def answer(status: str, text: str = "", headers: tuple[tuple[str, str], ...] = ()
                   ) -> Iterator[bytes]:
            body = text.encode("utf-8")
            out = [*headers]
            if body:
                out += [("Content-Type", "text/plain; charset=utf-8"),
                        ("Content-Length", str(len(body)))]
            start_response(status, out)
            yield body

        if environ.get("REQUEST_METHOD", "GET").upper() != "POST":
            return answer("405 Method Not Allowed", "POST a callback here\n",
                          (("Allow", "POST"),))
        body = _read(environ, self.max_body_size)
        if body is None:
            return answer("400 Bad Request", "unreadable body\n")
        if isinstance(body, int):
            return answer("413 Content Too Large", f"body larger than {body} bytes\n")
        if not verify(body, environ, self._key):
            logger.warning("webhook rejected: missing or invalid signature")
            return answer("401 Unauthorized", "invalid signature\n")
        try:
            event = parse(body, environ.get("CONTENT_TYPE"))
        except WebhookError as exc:
            logger.warning("webhook rejected: %s", exc)
            return answer("400 Bad Request", f"{exc}\n")
        try:
            self.handler(event)
        except Exception:
            logger.exception("webhook handler failed for image %s", event.image_ticket)
            return answer("500 Internal Server Error", "handler failed\n")
        return answer("204 No Content")


def _read(environ: WSGIEnvironment, limit: int) -> bytes | int | None:
    """The request body; None when unreadable, ``limit`` when larger than it."""
    length_text = str(environ.get("CONTENT_LENGTH") or "").strip()
    stream = environ.get("wsgi.input")
    if stream is None:
        return b"" if length_text in ("", "0") else None
    if length_text:
        if not length_text.isdigit():
            return None
        length = int(length_text)
        if length > limit:
            return limit
    elif environ.get("wsgi.input_terminated"):
        length = limit + 1  # chunked: read to the end, at most one byte past the limit
    else:
        return b""  # PEP 3333: without a length there is no body to read
    chunks: list[bytes] = []
    size = 0
    try:
        while size < length:
            chunk = stream.read(min(length - size, 65536))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except (OSError, ValueError):
        return None
    if size > limit:
        return limit
    if length_text and size < length:
        return None  # the client sent less than it announced
    return b"".join(chunks)


def app(
    secret: str | bytes,
    handler: Handler,
    *,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
) -> WebhookApp:
    """A WSGI application that receives Pixelz callbacks and calls ``handler(event)``
    with each verified :class:`CallbackEvent`.

    Answers ``204`` once the handler returned, ``401`` for a missing or wrong signature,
    ``400`` for a body it cannot read or parse, ``413`` for a body over
    ``max_body_size``, ``405`` for anything but POST, and ``500`` when the handler
    raised (logged on the ``pixelz.webhooks`` logger), so that the sender tries again.
    Serve it with any WSGI server (gunicorn, waitress, ``wsgiref``) or mount it next
    to your own routes.

    Raises:
        InvalidArgumentError: an empty secret, a handler that is not callable.
    """
    return WebhookApp(secret, handler, max_body_size)
