"""Keep the API key out of log records, including those httpx and httpcore emit.

HTTP GET carries the key in the query string and httpx logs request URLs at INFO, so a
filter on those loggers rewrites ``contactAPIkey=...`` before any handler sees it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

__all__ = ["install_redaction", "scrub"]

_KEY_IN_QUERY = re.compile(r"(contactAPIkey=)[^&\s\"'<>]*", re.IGNORECASE)
_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
    "pixelz",
)


def scrub(value: Any) -> Any:
    """``value`` with any API key in a query string replaced by ``***``."""
    if isinstance(value, (str, bytes)):
        text = value if isinstance(value, str) else value.decode("latin-1")
    elif type(value).__name__ in ("URL", "Request", "Response"):
        text = str(value)
    else:
        return value
    return _KEY_IN_QUERY.sub(r"\1***", text) if "contactapikey" in text.lower() else value


class _RedactKey(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(scrub(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: scrub(v) for k, v in record.args.items()}
        return True


_FILTER = _RedactKey()


def install_redaction() -> None:
    """Attach the filter to each logger that can see a request URL (idempotent).

    Also gives the ``pixelz`` logger a NullHandler, as libraries should: an application
    without logging configured does not get fallback warnings on stderr by default.
    """
    library = logging.getLogger("pixelz")
    if not any(isinstance(h, logging.NullHandler) for h in library.handlers):
        library.addHandler(logging.NullHandler())
    for name in _LOGGERS:
        log = logging.getLogger(name)
        if _FILTER not in log.filters:
            log.addFilter(_FILTER)
