"""What the command line prints for each record type, without any terminal library: the JSON
form, the CSV cells, the field/value lines of one record, and the table columns (which
:mod:`pixelz._cli_render` lays out with rich).

JSON field names are the model's attribute names, in attribute order; a Decimal is written as
a string (exact, as the service sent it), a UUID as text, ``extra`` as an object.
"""

from __future__ import annotations

import decimal
import enum
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

from ._arguments import STATUS_NAMES
from .models import (
    Contact,
    ImageStatus,
    Invoice,
    ProductIdStatistic,
    SubmittedImage,
    Template,
    TemplateSpec,
)

__all__ = [
    "CONTACT",
    "IMAGES",
    "INVOICES",
    "PRODUCTS",
    "SUBMITTED",
    "TEMPLATES",
    "TEMPLATE_SPEC",
    "Column",
    "Kind",
    "csv_row",
    "field_names",
    "json_line",
    "neutralize",
    "record_dict",
    "render_details",
    "status_cell",
]

# Control characters would break a row over lines or drive the terminal: show C0 controls as
# their Unicode control pictures (LF as ␊) and C1 controls, line/paragraph separators and
# bidi overrides as \\uXXXX escapes.
_NEUTRAL: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
_NEUTRAL[0x7F] = "\u2421"
for _code in [
    *range(0x80, 0xA0), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029,
    *range(0x202A, 0x202F), *range(0x2066, 0x206A),
]:
    _NEUTRAL[_code] = f"\\u{_code:04x}"
del _code


def neutralize(text: str) -> str:
    """``text`` with every character that could break a line or steer the terminal made
    visible."""
    return text.translate(_NEUTRAL)


# -- JSON and CSV -----------------------------------------------------------------------------


def field_names(model: type) -> tuple[str, ...]:
    """The attribute names of a record model, in order: the JSON keys and the CSV header."""
    return tuple(field.name for field in attrs.fields(model))


def _json_value(value: object) -> Any:
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_json_value(v) for v in value]
    return value


def record_dict(record: object) -> dict[str, Any]:
    """The JSON form of a record: attribute names in order, ``None`` as ``null``."""
    return {name: _json_value(getattr(record, name)) for name in field_names(type(record))}


# U+2028/U+2029 and NEL are valid raw in JSON strings but split lines for many readers
# (Python's str.splitlines among them): escape them so every record stays on one line.
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def json_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).translate(_LINE_BREAKS)


def csv_row(record: object) -> list[str]:
    """The CSV cells of a record, in attribute order: null as "", booleans as true/false,
    lists joined by spaces, ``extra`` as a JSON object."""
    return [_csv_cell(value) for value in record_dict(record).values()]


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json_line(value)
    return str(value)


# -- text for people --------------------------------------------------------------------------


def _cell(value: object) -> str:
    """A value as a table cell: ``-`` for null, yes/no for booleans, text made safe."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return neutralize(str(value))


def status_cell(image: ImageStatus) -> str:
    """The status name as sent; when the record has none, the name pixelz knows for the id in
    parentheses, or ``(no name)``: an explanation rather than a blank."""
    if image.status_name and image.status_name.strip():
        return neutralize(image.status_name)
    known = STATUS_NAMES.get(image.status_id)
    return f"({known})" if known else "(no name)"


def _status_detail(image: ImageStatus) -> str | None:
    if not status_cell(image).startswith("("):
        return None
    known = STATUS_NAMES.get(image.status_id)
    why = f"pixelz knows id {image.status_id} as {known}" if known else "unknown id"
    sent = "no name" if image.status_name is None else "an empty name"
    return f"({sent} sent; {why})"


def render_details(record: object) -> str:
    """One record as ``field  value`` lines: every field, nothing truncated; a list takes
    one line per item, and each ``extra`` element a line of its own (``extra.Name``)."""
    values: list[tuple[str, str]] = []
    for name, value in record_dict(record).items():
        if isinstance(value, list):
            items = [_cell(item) for item in value] or ["-"]
            values.append((name, items[0]))
            values.extend(("", item) for item in items[1:])
        elif isinstance(value, dict):
            values.extend((f"extra.{neutralize(k)}", _cell(v)) for k, v in value.items())
        elif name == "status_name" and isinstance(record, ImageStatus) \
                and _status_detail(record) is not None:
            values.append((name, _status_detail(record) or ""))
        else:
            values.append((name, _cell(value)))
    width = max(len(name) for name in field_names(type(record))) + 2
    width = max([width, *(len(name) + 2 for name, _ in values)])
    return "".join(f"{name:<{width}}{value}".rstrip() + "\n" for name, value in values)


# -- table columns ------------------------------------------------------------------------------


@attrs.frozen
class Column:
    """One table column: its header, its cell text, and how it behaves on a narrow terminal.

    ``cap`` is the widest it grows; ``minimum`` the width it always gets (a ticket is never
    cut). Columns with a ``drop`` rank are left out, lowest rank first, before any text is
    cut; columns with a ``shrink`` bias are then narrowed, the one with the largest
    ``width - shrink`` first (so a higher bias gives way later)."""

    header: str
    cell: Callable[[Any], str]
    cap: int
    minimum: int = 0
    justify: Literal["left", "right"] = "left"
    drop: int | None = None
    shrink: int | None = None


@attrs.frozen
class Kind:
    """A record type as the command line shows it: what it is called and its table."""

    model: type
    noun: str
    plural: str
    columns: tuple[Column, ...] = ()

    def count(self, number: int) -> str:
        return f"{number} {self.noun if number == 1 else self.plural}"

    def cells(self, record: object) -> tuple[str, ...]:
        return tuple(column.cell(record) for column in self.columns)


def _attr(name: str) -> Callable[[Any], str]:
    return lambda record: _cell(getattr(record, name))


IMAGES = Kind(ImageStatus, "image", "images", (
    Column("IMAGE TICKET", lambda i: str(i.image_ticket), 36, minimum=36),
    Column("CUSTOMER ID", _attr("customer_image_id"), 40, shrink=4),
    Column("PRODUCT", _attr("product_id"), 24, shrink=0),
    Column("STATUS", status_cell, 20, shrink=0),
    Column("ID", _attr("status_id"), 6, drop=3),
    Column("PAID", _attr("is_paid"), 4, drop=2),
    Column("FINALS", lambda i: str(len(i.final_image_urls)), 6, drop=1),
))

PRODUCTS = Kind(ProductIdStatistic, "product", "products", (
    Column("PRODUCT", _attr("product_id"), 60, shrink=0),
    Column("DONE", _attr("done_count"), 10, justify="right"),
    Column("TO DO", _attr("todo_count"), 10, justify="right"),
))

INVOICES = Kind(Invoice, "invoice", "invoices", (
    Column("INVOICE", _attr("invoice_id"), 24, shrink=4),
    Column("CREATED", _attr("created_date"), 25, shrink=0),
    Column("AMOUNT DUE", _attr("amount_due"), 14, justify="right"),
    Column("PAID", _attr("is_paid"), 4),
    Column("INVOICE URL", _attr("invoice_url"), 200, drop=2),
    Column("PAYMENT URL", _attr("payment_url"), 200, drop=1),
))

TEMPLATES = Kind(Template, "template", "templates", (
    Column("ID", _attr("template_id"), 11, justify="right"),
    Column("NAME", _attr("name"), 40, shrink=4),
    Column("PRICES", _attr("prices"), 40, shrink=0),
    Column("COMBINED", _attr("is_combined_images"), 8, drop=3),
    Column("COLOR ADJUSTMENT", _attr("color_adjustment"), 16, drop=2),
    Column("COLOR MATCHING", _attr("color_matching"), 14, drop=1),
))

TEMPLATE_SPEC = Kind(TemplateSpec, "template", "templates")
CONTACT = Kind(Contact, "account", "accounts")
SUBMITTED = Kind(SubmittedImage, "submitted image", "submitted images")

