"""The emulator's deterministic data sets, and their JSON form shared with the Mono reference
server.

Two named sets (:data:`DATASETS`):

- ``hard-cases`` (:func:`generate_dataset`), the default of :class:`~pixelz.emulator.Emulator`,
  :func:`~pixelz.emulator.serve` and the pytest fixtures: realistic records mixed with the
  text a parser must survive, so code tested against it meets the worst the service sends.
- ``demo`` (:func:`demo_dataset`), served by the command line's ``--emulator`` and
  ``pixelz emulator``: an account as a person expects to see it, with readable SKUs, a few
  products, recent upload days, work in progress and a few nil or empty fields.

Records carry the wire names of ``pixelz._operations.RECORD_FIELDS`` plus the two server-side
fields the list semantics need (``Id`` and ``CreatedDate``), so the serializer can read a field
by its wire name and both servers can load the very same file.

The hard-case generator mixes realistic variety (known and unknown statuses, several products,
dates over 2026 with shared days) with the hard text cases a parser must survive: XML specials,
non-ASCII and astral characters, significant whitespace, CR, tabs, a control character, empty
versus null strings and every FinalImagesURL shape. Hard cases sit at fixed, evenly spread
positions so any data set of at least ``len(HARD_CASES)`` records holds all of them whatever
the seed.
"""

from __future__ import annotations

import datetime
import functools
import json
import random
import uuid
from collections.abc import Callable
from typing import Any

import attrs

__all__ = [
    "DATASETS",
    "HARD_CASES",
    "STATUS_NAMES",
    "Record",
    "demo_dataset",
    "dump_json",
    "generate_dataset",
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
        finals = (f"{_CDN}/final/{ticket}/{sku}.jpg",)
        if rng.random() < 0.25:  # a web-sized copy next to the full-size one
            finals += (f"{_CDN}/final/{ticket}/{sku}-web.jpg",)
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
