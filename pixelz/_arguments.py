"""Validation and serialization of call arguments, before any I/O.

Every public argument is checked here and turned into the ``xsd:string`` the service
expects, so each protocol sends the same values and a bad argument never reaches the wire.
"""

from __future__ import annotations

import datetime
import os
import re
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import attrs

from .errors import InvalidArgumentError
from .models import ColorChangeRequest, SortBy, Status

if TYPE_CHECKING:
    from ._operations import WireValue

__all__ = [
    "ENV_API_KEY",
    "ENV_EMAIL",
    "INT32_MAX",
    "ISO_DATE",
    "MAX_PER_PAGE",
    "STATUS_NAMES",
    "XML_FORBIDDEN",
    "Credentials",
    "color_change_requests",
    "extra_urls",
    "int_text",
    "non_empty_text",
    "parse_date",
    "parse_ticket",
    "resolve_credentials",
    "sequence",
    "status_filter",
    "text",
    "wire_bool",
    "wire_date",
    "wire_deadline",
    "wire_int",
    "wire_page",
    "wire_per_page",
    "wire_sort_by",
    "wire_ticket",
]

ENV_EMAIL = "PIXELZ_CONTACT_EMAIL"
ENV_API_KEY = "PIXELZ_CONTACT_API_KEY"
MAX_PER_PAGE = 100
INT32_MAX = 2**31 - 1  # the service parses ids and pages as .NET Int32

# Characters XML 1.0 cannot carry at all (not even as references): C0 controls other
# than tab/LF/CR, lone surrogates and the two non-characters U+FFFE/U+FFFF.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)


@attrs.frozen(slots=True, repr=False)
class Credentials:
    """The contact email and API key; the key never shows in repr or str."""

    email: str
    api_key: str

    def __repr__(self) -> str:
        return f"Credentials(email={self.email!r}, api_key='***')"

    __str__ = __repr__


def resolve_credentials(email: str | None, api_key: str | None) -> Credentials:
    """Take credentials from the arguments, else from the environment."""
    email = email if email is not None else os.environ.get(ENV_EMAIL)
    api_key = api_key if api_key is not None else os.environ.get(ENV_API_KEY)
    missing = [
        f"{name} (or the {env} environment variable)"
        for name, value, env in (
            ("contact_email", email, ENV_EMAIL),
            ("contact_api_key", api_key, ENV_API_KEY),
        )
        if not value
    ]
    if missing:
        raise InvalidArgumentError("missing credentials: set " + " and ".join(missing))
    assert email is not None and api_key is not None
    for name, value in (("contact_email", email), ("contact_api_key", api_key)):
        if not isinstance(value, str):
            raise InvalidArgumentError(f"{name} must be a str, got {type(value).__name__}")
        if XML_FORBIDDEN.search(value):
            # Never echo the value: it may be the key.
            raise InvalidArgumentError(f"{name} contains a character XML cannot carry")
    return Credentials(email, api_key)


def _fail(name: str, value: object, allowed: str) -> InvalidArgumentError:
    if isinstance(value, int) and value.bit_length() > 64:
        shown = f"<int of {value.bit_length()} bits>"  # repr() of a huge int raises
    else:
        shown = repr(value[:60] if isinstance(value, str) else value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return InvalidArgumentError(f"invalid {name}={shown}: expected {allowed}")


def text(name: str, value: object) -> str:
    """A str that XML can carry."""
    if not isinstance(value, str):
        raise _fail(name, value, "a str")
    bad = XML_FORBIDDEN.search(value)
    if bad:
        raise InvalidArgumentError(
            f"invalid {name}: character U+{ord(bad.group()):04X} at index {bad.start()} "
            "cannot be carried by XML (control characters other than tab, LF and CR, "
            "lone surrogates, U+FFFE and U+FFFF are not allowed)"
        )
    return value


def _status_key(text: str) -> str:
    """``text`` without case, spaces, "_" or "-": every spelling of a status name alike."""
    return re.sub(r"[\s_-]+", "", text).casefold()


#: The wire name of every status id the service is known to print (``Status`` members plus
#: ids it names that the SDK has no member for), as the records spell it.
STATUS_NAMES: dict[int, str] = {
    **{s.value: s.name.title().replace("_", "") for s in Status},
    55: "OnHold",
}
_STATUS_IDS = {_status_key(name): code for code, name in STATUS_NAMES.items()}
_STATUS_LIST = ", ".join(STATUS_NAMES.values())


def status_filter(name: str, value: object) -> str:
    """A status filter as the service's ``xsd:string``: an id, a ``Status``, or a name in
    any case and separator style ("InProduction", "in production", "in_production")."""
    allowed = f"a status id from 0 to {INT32_MAX}, a pixelz.Status, or one of {_STATUS_LIST}"
    if value is None:
        return ""
    given = value
    if isinstance(value, str):
        key = value.strip()
        code = _STATUS_IDS.get(_status_key(key))
        if code is not None:
            return str(code)
        # ASCII digits only ("²".isdigit() holds, yet int("²") fails), and few enough that
        # int() accepts them; the range is checked below, with the int case.
        if key.isascii() and key.isdigit() and len(key) <= 10:
            value = int(key)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= INT32_MAX:
        return str(int(value))
    raise _fail(name, given, allowed)


def parse_date(name: str, value: object) -> datetime.date | None:
    allowed = "a datetime.date or a 'YYYY-MM-DD' string"
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        # A datetime is a date subclass; silently dropping its time would surprise.
        raise _fail(name, value, allowed + " (not a datetime)")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail(name, value, allowed)


def bounded_int(name: str, value: object, upper: int = INT32_MAX) -> int:
    allowed = f"an int from 1 to {upper}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(name, value, allowed)
    if not 1 <= value <= upper:
        raise _fail(name, value, allowed)
    return int(value)


def wire_sort_by(name: str, value: object) -> str:
    allowed = "one of 'id', 'date', 'status' (or a pixelz.SortBy)"
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            return SortBy(value.strip().lower()).value
        except ValueError:
            pass
    raise _fail(name, value, allowed)


def wire_bool(name: str, value: object) -> str:
    """``true``/``false``, as .NET writes and parses booleans."""
    if not isinstance(value, bool):
        raise _fail(name, value, "True, False or None")
    return "true" if value else "false"


def parse_ticket(value: object, name: str = "image_ticket") -> str:
    """An image ticket (a UUID or a GUID string) in the service's canonical form."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value.strip()))
        except ValueError:
            pass
    raise _fail(name, value, "a UUID or a GUID string")


def wire_ticket(name: str, value: object) -> str:
    return parse_ticket(value, name)


def non_empty_text(name: str, value: object) -> str:
    result = text(name, value)
    if not result:
        raise _fail(name, value, "a non-empty str")
    return result


def wire_date(name: str, value: object) -> str:
    """``YYYY-MM-DD``, the form the service parses."""
    date = parse_date(name, value)
    return date.isoformat() if date else ""


def wire_int(name: str, value: object) -> str:
    """A .NET Int32 in decimal."""
    if (isinstance(value, bool) or not isinstance(value, int)
            or not -INT32_MAX - 1 <= value <= INT32_MAX):
        raise _fail(name, value, f"an int from {-INT32_MAX - 1} to {INT32_MAX}")
    return str(int(value))


def wire_page(name: str, value: object) -> str:
    return str(bounded_int(name, value))


def wire_per_page(name: str, value: object) -> str:
    return str(bounded_int(name, value, MAX_PER_PAGE))


def sequence(
    name: str, value: object, item: Callable[[str, Any], WireValue]
) -> tuple[WireValue, ...]:
    """An array parameter: each item converted; a str is refused (it is not a list of
    its characters)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise _fail(name, value, "a sequence")
    return tuple(item(f"{name}[{i}]", v) for i, v in enumerate(value))


def int_text(name: str, value: object) -> str:
    """A non-negative .NET Int32 sent as text (ids, sizes, hours)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= INT32_MAX:
        raise _fail(name, value, f"an int from 0 to {INT32_MAX}")
    return str(int(value))


def wire_deadline(name: str, value: object) -> str:
    """An aware datetime as the service's UTC ``yyyy-MM-dd HH:mm:ss``; a naive one is
    refused, since its time zone would be a guess."""
    if not isinstance(value, datetime.datetime):
        raise _fail(name, value, "a timezone-aware datetime.datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise _fail(name, value, "a timezone-aware datetime (a naive one is ambiguous)")
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def extra_urls(name: str, value: object) -> tuple[str, ...]:
    """Up to four more image URLs (imageURL2..5)."""
    urls = sequence(name, value, non_empty_text)
    if len(urls) > 4:
        raise _fail(name, value, "at most 4 URLs (imageURL2..imageURL5)")
    return urls  # type: ignore[return-value]


def color_change_requests(name: str, value: object) -> tuple[WireValue, ...]:
    """``ColorChangeRequest`` values as the complex type's members, in wire order."""
    def one(item_name: str, item: object) -> WireValue:
        if not isinstance(item, ColorChangeRequest):
            raise _fail(item_name, item, "a pixelz.ColorChangeRequest")
        markers = tuple(
            (wire_int(f"{item_name}.markers[{i}].x", m.x),
             wire_int(f"{item_name}.markers[{i}].y", m.y))
            for i, m in enumerate(item.markers)
        )
        color_id = item.customer_image_color_id
        file_name = item.output_file_name
        return (
            markers,
            None if color_id is None else text(f"{item_name}.customer_image_color_id", color_id),
            None if file_name is None else text(f"{item_name}.output_file_name", file_name),
        )

    return sequence(name, value, one)
