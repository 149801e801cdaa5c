"""The emulator's deterministic data sets, and their JSON form shared with the Mono reference
server.

Two named sets (:data:`DATASETS`):

- ``hard-cases`` (:func:`generate_dataset`), the default of :class:`~pixelz.emulator.Emulator`,
  :func:`~pixelz.emulator.serve` and the pytest fixtures: realistic records mixed with the
  text a parser must survive, so code tested against it meets the worst the service sends.
- ``demo`` (:func:`demo_dataset`), served by the command line's ``--emulator`` and
  ``pixelz emulator``: an account as a person expects to see it, with readable SKUs, a few
  products, recent upload days, work in progress and a few nil or empty fields.

Records carry the wire names of the ``ImageStatus`` record plus the two server-side fields the
list semantics need (``Id`` and ``CreatedDate``), so the serializer can read a field by its wire
name and both servers can load the very same file. The rest of the account (the contact, the
templates, the invoices: :class:`Account`) has its own JSON form, the one of
``tests/reference_asmx/account.json`` (schema in ``tests/reference_asmx/make_dataset.py``).

The hard-case generator mixes realistic variety (known and unknown statuses, several products,
dates over 2026 with shared days) with the hard text cases a parser must survive: XML specials,
non-ASCII and astral characters, significant whitespace, CR, tabs, a control character, empty
versus null strings and every FinalImagesURL shape. Hard cases sit at fixed, evenly spread
positions so any data set of at least ``len(HARD_CASES)`` records holds all of them whatever
the seed.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import json
import random
import re
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import attrs

__all__ = [
    "DATASETS",
    "HARD_CASES",
    "STATUS_NAMES",
    "Account",
    "ContactRecord",
    "InvoiceRecord",
    "Record",
    "TemplateRecord",
    "demo_dataset",
    "dump_account_json",
    "dump_json",
    "generate_account",
    "generate_dataset",
    "load_account_json",
    "load_json",
]

STATUS_NAMES: dict[int, str] = {
    10: "New",
    60: "InProduction",
    70: "ProductionFinished",
    80: "Delivered",
    55: "OnHold",  # unknown to the SDK's Status enum: must pass through unchanged
}

_PRODUCTS = ("bg-removal", "ghost-mannequin", "jewelry-retouch", "shoe-pair", "flat-lay")
_CDN = "https://cdn.pixelz.example"
#: Where the demo data set's delivered images keep their files: the emulator serves them
#: itself, at ``{its origin}/files/...`` (the prefix is replaced once it knows its origin).
EMULATOR_FILES = "emulator:"


def _final_urls(value: Any) -> tuple[str | None, ...] | None:
    return None if value is None else tuple(value)


@attrs.frozen(slots=True)
class Record:
    """One image as the emulated service stores it; field names are the wire names."""

    Id: int
    CreatedDate: datetime.date
    ImageTicket: uuid.UUID
    CustomerImageId: str | None
    ProductId: str | None
    StatusName: str | None
    StatusId: int
    IsPaid: bool
    ThumbnailImageURL: str | None
    FinalImagesURL: tuple[str | None, ...] | None = attrs.field(converter=_final_urls)


# (field, value) overrides; each lands on its own record. Keep the order stable: tests and
# the reference server's fixtures may refer to a case by its position.
HARD_CASES: tuple[dict[str, Any], ...] = (
    {"CustomerImageId": "Tom & Jerry <b>\"quoted\"</b> 'single' > ]]>"},
    {"CustomerImageId": "café-Ünïcödé-日本語-Ελληνικά"},
    {"CustomerImageId": "emoji-🎉📷-𝄞"},
    {"CustomerImageId": "  padded with spaces  "},
    {"CustomerImageId": "line one\nline two\n"},
    {"CustomerImageId": "tab\tseparated"},
    {"CustomerImageId": "carriage\rreturn and crlf\r\nend"},
    {"CustomerImageId": ""},
    {"CustomerImageId": None, "ProductId": None},
    {"ProductId": "", "ThumbnailImageURL": ""},
    {"CustomerImageId": "ctl\x01char"},
    {"CustomerImageId": "   "},
    {"StatusId": 55, "StatusName": None},
    {"StatusId": 55, "StatusName": ""},
    {"FinalImagesURL": None},
    {"FinalImagesURL": ()},
    {"FinalImagesURL": (f"{_CDN}/final/only.jpg",)},
    {"FinalImagesURL": tuple(f"{_CDN}/final/many-{n}.jpg" for n in range(1, 6))},
    {"FinalImagesURL": (f"{_CDN}/final/a.jpg", None, f"{_CDN}/final/b.jpg")},
    {"FinalImagesURL": (f"{_CDN}/final/c.jpg", "")},
    {"ThumbnailImageURL": f"{_CDN}/thumb/q.jpg?w=100&h=200&fit=<crop>"},
    {"StatusName": "Delivered \U0001f69a", "StatusId": 80},
)


@functools.lru_cache(maxsize=8)
def generate_dataset(count: int = 250, seed: int = 0) -> tuple[Record, ...]:
    """A deterministic data set of ``count`` records in Id order (same inputs, same records)."""
    if count < 0:
        raise ValueError("count must be >= 0")
    rng = random.Random(seed)
    statuses = (10, 60, 60, 70, 70, 80, 80, 80, 80, 55)
    records: list[Record] = []
    record_id = 1000
    day = datetime.date(2026, 1, 1)
    if count >= len(HARD_CASES):  # spread through the set
        hard_at = {(k * count) // len(HARD_CASES): case for k, case in enumerate(HARD_CASES)}
    else:  # a small set still gets the first cases, in order
        hard_at = dict(enumerate(HARD_CASES[:count]))
    for index in range(count):
        record_id += rng.choice((1, 1, 1, 2, 3, 7))
        if rng.random() < 0.6:  # several images per day: shared dates
            day = min(day + datetime.timedelta(days=rng.randint(1, 4)), datetime.date(2026, 12, 31))
        ticket = uuid.UUID(int=rng.getrandbits(128), version=4)
        status = rng.choice(statuses)
        finished = status in (70, 80)
        finals: tuple[str | None, ...] | None
        if status == 80:
            finals = tuple(
                f"{_CDN}/final/{ticket}-{n}.jpg" for n in range(1, rng.randint(1, 3) + 1)
            )
        else:
            finals = None if rng.random() < 0.7 else ()
        fields: dict[str, Any] = {
            "Id": record_id,
            "CreatedDate": day,
            "ImageTicket": ticket,
            "CustomerImageId": None if rng.random() < 0.1 else f"sku-{rng.randint(1, 9999):05d}",
            "ProductId": rng.choice(_PRODUCTS),
            "StatusName": STATUS_NAMES[status],
            "StatusId": status,
            "IsPaid": finished or rng.random() < 0.3,
            "ThumbnailImageURL": f"{_CDN}/thumb/{ticket}.jpg" if status != 10 else None,
            "FinalImagesURL": finals,
        }
        fields.update(hard_at.get(index, {}))
        records.append(Record(**fields))
    return tuple(records)


# The demo account: an apparel brand's catalogue shoots. Category code -> (product, shots).
_DEMO_CATEGORIES: tuple[tuple[str, str, int], ...] = (
    ("DRS", "ghost-mannequin", 2),
    ("TOP", "ghost-mannequin", 2),
    ("JKT", "ghost-mannequin", 3),
    ("DNM", "flat-lay", 2),
    ("SHO", "shoe-pair", 2),
    ("BAG", "bg-removal", 2),
    ("RNG", "jewelry-retouch", 1),
    ("NCK", "jewelry-retouch", 1),
)
_DEMO_COLORS = ("BLK", "WHT", "NVY", "OLV", "RED", "SND", "GRY", "CML")
_DEMO_START = datetime.date(2026, 1, 5)


@functools.lru_cache(maxsize=8)
def demo_dataset(count: int = 250, seed: int = 0) -> tuple[Record, ...]:
    """A deterministic demo account of ``count`` records in Id order: styles shot from one to
    three angles (the SKU's last part) on upload days a few days apart, older images
    delivered, the newest still in work."""
    if count < 0:
        raise ValueError("count must be >= 0")
    rng = random.Random(seed)
    records: list[Record] = []
    record_id = 40_000 + rng.randrange(1000)
    day = _DEMO_START
    style = 10_400 + rng.randrange(100)
    while len(records) < count:
        day += datetime.timedelta(days=rng.choice((1, 2, 2, 3, 4, 7)))
        for _ in range(rng.randint(2, 5)):  # styles shot that day
            code, product, views = rng.choice(_DEMO_CATEGORIES)
            style += rng.randint(1, 9)
            color = rng.choice(_DEMO_COLORS)
            for shot in range(1, rng.randint(1, views) + 1):
                if len(records) == count:
                    break
                record_id += rng.choice((1, 1, 1, 2, 5))
                sku = f"{code}-{style}-{color}-{shot}"
                records.append(_demo_record(rng, record_id, day, sku, product,
                                            len(records) / max(count, 1)))
    return tuple(records)


def _demo_record(
    rng: random.Random, record_id: int, day: datetime.date, sku: str, product: str, age: float
) -> Record:
    """One demo image; ``age`` runs from 0 (oldest) to 1 (newest) and drives its status."""
    roll = rng.random()
    if age < 0.8:  # older uploads: delivered, now and then held for a question or redone
        status = 55 if roll < 0.02 else 60 if roll < 0.05 else 80
    else:
        status = 10 if roll < 0.3 else 60 if roll < 0.7 else 70 if roll < 0.85 else 80
    ticket = uuid.UUID(int=rng.getrandbits(128), version=4)
    finals: tuple[str | None, ...] | None = None
    if status == 80:
        finals = (f"{EMULATOR_FILES}/files/{ticket}/{sku}.png",)
        if rng.random() < 0.25:  # a web-sized copy next to the full-size one
            finals += (f"{EMULATOR_FILES}/files/{ticket}/{sku}-web.png",)
    elif status == 70:
        finals = ()
    return Record(
        Id=record_id,
        CreatedDate=day,
        ImageTicket=ticket,
        # Uploaded through the web app, not the API: no customer image id.
        CustomerImageId=None if rng.random() < 0.04 else sku,
        ProductId=product,
        StatusName=STATUS_NAMES[status],
        StatusId=status,
        IsPaid=status != 10,
        ThumbnailImageURL=None if status == 10 else f"{_CDN}/thumb/{ticket}.jpg",
        FinalImagesURL=finals,
    )


#: The named data sets: ``name -> generator(count, seed)``.
DATASETS: dict[str, Callable[[int, int], tuple[Record, ...]]] = {
    "demo": demo_dataset,
    "hard-cases": generate_dataset,
}


def _record_to_json(record: Record) -> dict[str, Any]:
    finals = record.FinalImagesURL
    return {
        "Id": record.Id,
        "CreatedDate": record.CreatedDate.isoformat(),
        "ImageTicket": str(record.ImageTicket),
        "CustomerImageId": record.CustomerImageId,
        "ProductId": record.ProductId,
        "StatusName": record.StatusName,
        "StatusId": record.StatusId,
        "IsPaid": record.IsPaid,
        "ThumbnailImageURL": record.ThumbnailImageURL,
        "FinalImagesURL": None if finals is None else list(finals),
    }


def dump_json(records: tuple[Record, ...] | list[Record]) -> str:
    """Serialize records to the JSON schema shared with the Mono reference server."""
    return json.dumps([_record_to_json(r) for r in records], ensure_ascii=False, indent=1)


def _string(item: dict[str, Any], key: str) -> str | None:
    value = item[key]
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{key} must be a string or null")
    return value


def _integer(item: dict[str, Any], key: str) -> int:
    value = item[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{key} must be an integer")
    return value


def _record_from_json(item: Any) -> Record:
    if not isinstance(item, dict):
        raise TypeError("each record must be an object")
    finals = item["FinalImagesURL"]
    if finals is not None and (
        not isinstance(finals, list)
        or any(u is not None and not isinstance(u, str) for u in finals)
    ):
        raise TypeError("FinalImagesURL must be null or a list of strings/nulls")
    if not isinstance(item["IsPaid"], bool):
        raise TypeError("IsPaid must be a boolean")
    return Record(
        Id=_integer(item, "Id"),
        CreatedDate=datetime.date.fromisoformat(str(item["CreatedDate"])),
        ImageTicket=uuid.UUID(str(item["ImageTicket"])),
        CustomerImageId=_string(item, "CustomerImageId"),
        ProductId=_string(item, "ProductId"),
        StatusName=_string(item, "StatusName"),
        StatusId=_integer(item, "StatusId"),
        IsPaid=item["IsPaid"],
        ThumbnailImageURL=_string(item, "ThumbnailImageURL"),
        FinalImagesURL=finals,
    )


def load_json(text: str) -> tuple[Record, ...]:
    """Parse the shared JSON schema; raises ``ValueError`` naming the bad record."""
    data = json.loads(text)
    if not isinstance(data, list):
        raise ValueError("dataset JSON must be a list of records")
    records = []
    for index, item in enumerate(data):
        try:
            records.append(_record_from_json(item))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"dataset record {index}: {exc!r}") from None
    return tuple(records)


# -- the rest of the account: contact, templates, invoices --------------------------------------


@attrs.frozen(slots=True)
class ContactRecord:
    """The account's contact as stored; the email shown is the accepted contact email."""

    ContactPerson: str | None
    ContactCompany: str | None
    ContactDaysOfCredit: int
    ContactAccountBalance: decimal.Decimal | None
    Currency: str | None
    NumberOfTrialImages: int


@attrs.frozen(slots=True)
class TemplateRecord:
    """One template: the fields of GetTemplates' ``Template`` then of GetTemplateSpec's
    (``Id`` and ``Name`` are ``TemplateId`` and ``TemplateName``; ``Price`` and ``Currency``
    make the ``<Price Currency="...">`` element)."""

    TemplateId: int
    ContactId: int
    TemplateName: str | None
    Prices: str | None
    IsCombinedImages: bool
    TemplateLabelId: int
    IsRecreateDetail: bool
    ColorAdjustment: bool
    ColorAdjustmentSetting: str | None
    ColorAdjustmentComment: str | None
    ColorMatching: bool
    ColorMatchingSetting: str | None
    Price: decimal.Decimal | None
    Currency: str | None
    CreatedDate: str | None
    ModifiedDate: str | None
    IsDeleted: bool
    OutputFormat: str | None
    DeliveryTimeInHours: int
    BackgroundType: int
    BackgroundColor: str | None
    BackgroundVerticalGradientColor: str | None
    ResizeType: int
    ResizeUnit: int
    ResizeWidth: int
    ResizeHeight: int
    ResizeMaxSize: int
    ResizeMinSize: int
    MarginType: int
    MarginTop: int
    MarginBottom: int
    MarginLeft: int
    MarginRight: int


@attrs.frozen(slots=True)
class InvoiceRecord:
    """One invoice; its PaymentUrl and InvoiceUrl are made from the id when served."""

    InvoiceId: str
    CreatedDate: datetime.date
    AmountDue: str | None
    IsPaid: bool


@attrs.frozen(slots=True)
class Account:
    """Everything but the images: the state GetContactDetailed, GetTemplates,
    GetTemplateSpec and GetInvoiceList read (and EditContact and AddTemplate change)."""

    contact: ContactRecord
    templates: tuple[TemplateRecord, ...]
    invoices: tuple[InvoiceRecord, ...]


# The JSON value kind of every field, for strict loading.
_KINDS: dict[type, dict[str, str]] = {
    ContactRecord: {
        "ContactPerson": "text", "ContactCompany": "text", "ContactDaysOfCredit": "int",
        "ContactAccountBalance": "decimal", "Currency": "text", "NumberOfTrialImages": "int",
    },
    TemplateRecord: {
        f.name: {"int": "int", "bool": "bool", "decimal.Decimal | None": "decimal"}.get(
            str(f.type), "text")
        for f in attrs.fields(TemplateRecord)
    },
    InvoiceRecord: {"InvoiceId": "text", "CreatedDate": "date", "AmountDue": "text",
                    "IsPaid": "bool"},
}  # fmt: skip

_TEMPLATE_DEFAULTS: dict[str, Any] = {
    "ContactId": 7, "Prices": None, "IsCombinedImages": False, "TemplateLabelId": 0,
    "IsRecreateDetail": False, "ColorAdjustment": False, "ColorAdjustmentSetting": None,
    "ColorAdjustmentComment": None, "ColorMatching": False, "ColorMatchingSetting": None,
    "Price": None, "Currency": "USD", "ModifiedDate": None, "IsDeleted": False,
    "BackgroundType": 0, "BackgroundColor": None, "BackgroundVerticalGradientColor": None,
    "ResizeType": 0, "ResizeUnit": 0, "ResizeWidth": 0, "ResizeHeight": 0, "ResizeMaxSize": 0,
    "ResizeMinSize": 0, "MarginType": 0, "MarginTop": 0, "MarginBottom": 0, "MarginLeft": 0,
    "MarginRight": 0,
}  # fmt: skip

# The seeded templates: text with XML specials, an empty and a null string, non-ASCII, a
# price with a trailing zero, a null price, an Int32.MaxValue.
_TEMPLATES: tuple[dict[str, Any], ...] = (
    {"TemplateId": 101, "TemplateName": "White background", "Prices": "1.45 USD & <extra>",
     "Price": decimal.Decimal("1.450"), "CreatedDate": "2026-01-05",
     "ModifiedDate": "2026-02-01", "OutputFormat": "JPG", "DeliveryTimeInHours": 24,
     "BackgroundType": 1, "BackgroundColor": "#FFFFFF", "ResizeType": 1, "ResizeUnit": 1,
     "ResizeWidth": 2000, "ResizeHeight": 2000, "MarginType": 1, "MarginTop": 5,
     "MarginBottom": 5, "MarginLeft": 3, "MarginRight": 3},
    {"TemplateId": 102, "TemplateName": "Transparent PNG", "Prices": "",
     "Price": decimal.Decimal("0.95"), "CreatedDate": "2026-03-10", "OutputFormat": "PNG",
     "DeliveryTimeInHours": 48, "ColorAdjustment": True,
     "ColorAdjustmentSetting": "brightness+5", "ColorAdjustmentComment": "",
     "ResizeMaxSize": 2**31 - 1},
    {"TemplateId": 103, "TemplateName": "Ghost mannequin \u2013 caf\u00e9", "Currency": None,
     "CreatedDate": "2026-06-30", "ModifiedDate": "2026-07-01", "OutputFormat": "TIF",
     "DeliveryTimeInHours": 72, "BackgroundType": 2, "BackgroundColor": "#F0F0F0",
     "BackgroundVerticalGradientColor": "#E0E0E0", "IsCombinedImages": True,
     "TemplateLabelId": 3, "IsRecreateDetail": True, "ColorMatching": True,
     "ColorMatchingSetting": "match to reference", "MarginType": 2, "MarginTop": 10},
)  # fmt: skip

INVOICE_COUNT = 25
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")


def template_record(**fields: Any) -> TemplateRecord:
    """A template with every field not given at its default (ContactId 7, zeros, nulls)."""
    return TemplateRecord(**{**_TEMPLATE_DEFAULTS, **fields})


@functools.lru_cache(maxsize=8)
def _generate_account(first: datetime.date, last: datetime.date, seed: int) -> Account:
    rng = random.Random(f"account:{seed}")
    span = (last - first).days
    invoices = [
        InvoiceRecord(
            InvoiceId=f"INV-2026-{n:03d}",
            CreatedDate=first + datetime.timedelta(days=span * (n - 1) // (INVOICE_COUNT - 1)),
            AmountDue="49.90" if n == 10 else f"{rng.randrange(100, 50000) / 100:.2f}",
            IsPaid=n % 2 == 1,
        )
        for n in range(1, INVOICE_COUNT + 1)
    ]
    # Ties on CreatedDate (ordered by id) and ids out of date order.
    for n in (13, 14):
        invoices[n] = attrs.evolve(invoices[n], CreatedDate=invoices[12].CreatedDate)
    invoices[24] = attrs.evolve(invoices[24], CreatedDate=invoices[0].CreatedDate)
    rng.shuffle(invoices)
    contact = ContactRecord(
        ContactPerson="Dana Reviewer",
        ContactCompany="Example Imaging Ltd",
        ContactDaysOfCredit=30,
        ContactAccountBalance=decimal.Decimal("125.50"),
        Currency="USD",
        NumberOfTrialImages=5,
    )
    return Account(contact, tuple(template_record(**t) for t in _TEMPLATES), tuple(invoices))


def generate_account(records: Sequence[Record] = (), seed: int = 0) -> Account:
    """The default contact, the three seeded templates (101, 102, 103) and 25 invoices
    spread over the records' date range (2026 when there are none)."""
    dates = [r.CreatedDate for r in records]
    first = min(dates, default=datetime.date(2026, 1, 1))
    last = max(dates, default=datetime.date(2026, 12, 31))
    return _generate_account(first, last, seed)


def _to_json(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in attrs.fields(type(obj)):
        value = getattr(obj, field.name)
        if isinstance(value, decimal.Decimal):
            value = format(value, "f")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        out[field.name] = value
    return out


def dump_account_json(account: Account) -> str:
    """The account in the JSON form of ``tests/reference_asmx/account.json``."""
    data = {
        "contact": _to_json(account.contact),
        "templates": [_to_json(t) for t in account.templates],
        "invoices": [_to_json(i) for i in account.invoices],
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


def _from_json(cls: type[Any], item: Any) -> Any:
    if not isinstance(item, dict):
        raise TypeError(f"a {cls.__name__} must be an object")
    values: dict[str, Any] = {}
    for name, kind in _KINDS[cls].items():
        value = item.get(name)
        if kind == "int":
            values[name] = _integer(item, name)
        elif kind == "bool":
            if not isinstance(value, bool):
                raise TypeError(f"{name} must be a boolean")
            values[name] = value
        elif kind == "date":
            values[name] = datetime.date.fromisoformat(str(item[name]))
        elif value is None:
            values[name] = None
        elif not isinstance(value, str):
            raise TypeError(f"{name} must be a string or null")
        elif kind == "decimal":  # digits and a point, as decimal.Parse(AllowDecimalPoint)
            if not _DECIMAL.fullmatch(value):
                raise ValueError(f"{name} must be a decimal number")
            values[name] = decimal.Decimal(value)
        else:
            values[name] = value
    return cls(**values)


def load_account_json(text: str) -> Account:
    """Parse the account JSON (``{"contact": {...}, "templates": [...], "invoices": [...]}``);
    raises ``ValueError`` naming what is wrong."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("account JSON must be an object")
    try:
        contact = _from_json(ContactRecord, data["contact"])
        templates = tuple(_from_json(TemplateRecord, t) for t in data["templates"])
        invoices = tuple(_from_json(InvoiceRecord, i) for i in data["invoices"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"account JSON: {exc!r}") from None
    return Account(contact, templates, invoices)
