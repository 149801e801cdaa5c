"""The command line's argument types: each turns one typed value into what the SDK takes, or
refuses it with a message that names the value and what is expected, in plain words (the
parser prefixes the option as typed)."""

from __future__ import annotations

import argparse
import datetime
import math
import re
import urllib.parse
from collections.abc import Callable
from typing import NoReturn

from ._arguments import (
    INT32_MAX,
    ISO_DATE,
    MAX_PER_PAGE,
    STATUS_NAMES,
    XML_FORBIDDEN,
    parse_ticket,
    status_filter,
)
from ._core import DEFAULT_BASE_URL, resolve_timeout
from .errors import InvalidArgumentError

__all__ = [
    "EXAMPLE_TICKET",
    "base_url",
    "count",
    "customer_image_id",
    "date",
    "deadline",
    "env_name",
    "field_text",
    "header",
    "image_url",
    "page",
    "per_page",
    "port",
    "status",
    "template_id",
    "text",
    "ticket",
    "timeout",
    "whole_number",
    "xml_text",
]

EXAMPLE_TICKET = "6f1c2d3e-0000-4000-8000-000000000001"
DEMO_SKU = "JKT-10463-WHT-1"  # a customer image id in the emulator's demo data set


def _type_error(message: str) -> NoReturn:
    raise argparse.ArgumentTypeError(message)


def whole_number(text: str, upper: int, expected: str, lower: int = 1) -> int:
    digits = text.strip()
    if (digits.isascii() and digits.isdigit() and len(digits) < 12
            and lower <= int(digits) <= upper):
        return int(digits)
    _type_error(f"expected {expected}, got {text!r}")


def page(text: str) -> int:
    return whole_number(text, INT32_MAX, "a page number (1 or more)")


def per_page(noun: str) -> Callable[[str], int]:
    """A type for a page size from 1 to 100, the ``noun`` (images, product ids) named."""

    def convert(text: str) -> int:
        return whole_number(text, MAX_PER_PAGE, f"a number of {noun} per page from 1 to "
                            f"{MAX_PER_PAGE}")

    return convert


def template_id(text: str) -> int:
    return whole_number(text, INT32_MAX, "a template id (a whole number, as `pixelz templates "
                        "list` shows)", lower=0)


def count(expected: str, lower: int = 0) -> Callable[[str], int]:
    """A type for a whole number from ``lower`` to the service's Int32 limit."""

    def convert(text: str) -> int:
        return whole_number(text, INT32_MAX, expected, lower=lower)

    return convert


def status(text: str) -> str:
    try:
        return status_filter("status", text)
    except InvalidArgumentError:
        names = ", ".join(STATUS_NAMES.values())
        _type_error(f"{text!r} is not a status: give a status id (a whole number) or one of "
                    f"{names}")


def date(text: str) -> datetime.date:
    if not ISO_DATE.match(text):
        _type_error(f"{text!r} is not a date written YYYY-MM-DD, such as 2026-03-01")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        _type_error(f"{text} is not a day on the calendar ({exc})")


_DEADLINE_FORM = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?\Z",
    re.ASCII | re.IGNORECASE,
)


def deadline(text: str) -> datetime.datetime:
    """An ISO 8601 date and time with its UTC offset (``Z`` or ``+02:00``): a deadline
    without one would depend on the clock of whoever reads it."""
    example = "2026-05-01T18:00+02:00 or 2026-05-01T16:00Z"
    value = text.strip()
    if not _DEADLINE_FORM.match(value):
        _type_error(f"{text!r} is not a date and time such as {example}")
    if value[-1] in "zZ":
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError as exc:
        _type_error(f"{text} is not a time on the calendar ({exc})")
    if parsed.tzinfo is None:
        _type_error(f"{text} has no UTC offset, so its moment is ambiguous: write it like "
                    f"{example}")
    return parsed


def timeout(text: str) -> float:
    """Seconds, more than 0, as the SDK takes them (``--timeout``, ``--poll-interval``)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    try:
        resolve_timeout(value)  # what the SDK accepts
    except InvalidArgumentError:
        _type_error(f"expected a number of seconds greater than 0, such as 30, got {text!r}")
    return value


def port(text: str) -> int:
    return whole_number(text, 65535, "a port number from 0 to 65535 (0 picks a free one)",
                        lower=0)


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")


def header(text: str) -> tuple[str, str]:
    """An HTTP header written ``Name: value``, as curl takes it."""
    name, colon, value = text.partition(":")
    if not colon or not _TOKEN.match(name.strip()):
        _type_error("expected a header written 'Name: value', such as "
                    "'X-RTB-Partner-HMAC-SHA256: <signature>'")
    return name.strip(), value.strip()


def base_url(text: str) -> str:
    if not _is_http_url(text):
        _type_error(f"{text!r} is not an http(s) URL such as {DEFAULT_BASE_URL}")
    return text


def _is_http_url(text: str) -> bool:
    try:
        url = urllib.parse.urlsplit(text)
        url.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return False
    return url.scheme in ("http", "https") and bool(url.hostname)


def image_url(text: str) -> str:
    """An http(s) URL the service can fetch (images, callbacks, markups)."""
    xml_text(text)
    if not _is_http_url(text.strip()) or any(c.isspace() for c in text.strip()):
        _type_error(f"{text!r} is not an http(s) URL such as https://example.com/photo.jpg")
    return text.strip()


def ticket(text: str) -> str:
    try:
        return parse_ticket(text)
    except InvalidArgumentError:
        _type_error(f"{text!r} is not an image ticket (a GUID such as {EXAMPLE_TICKET})")


def xml_text(text: str) -> str:
    bad = XML_FORBIDDEN.search(text)
    if bad:
        _type_error(f"U+{ord(bad.group()):04X} at position {bad.start() + 1} is a control "
                    "character the service cannot receive")
    return text


def text(text: str) -> str:
    """Text the service needs non-empty (a comment, an instruction, a partner code)."""
    if not text.strip():
        _type_error("an empty value is not accepted here")
    return xml_text(text)


def field_text(text: str) -> str:
    """A new value for an account field: the service keeps a field sent empty as it is, so
    an empty value would change nothing."""
    if not text:
        _type_error("an empty value changes nothing (the service keeps a field sent empty as "
                    "it is)")
    return xml_text(text)


def customer_image_id(text: str) -> str:
    if not text:
        _type_error("an empty id matches no image; give the id you uploaded the image with")
    return xml_text(text)


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def env_name(text: str) -> str:
    """The name of an environment variable (the value itself never goes on a command line)."""
    if not _ENV_NAME.match(text):  # never echoed: it may be the key itself
        _type_error("expected the name of an environment variable, such as "
                    "PIXELZ_DEVELOPER_API_KEY, that holds the key (not the key itself)")
    return text
