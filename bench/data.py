"""Deterministic GetImagesList / GetImageStatus responses, in the three wire shapes.

The records look like a real account's: lowercase GUID tickets, sku-style customer ids
and product ids holding ``&``, the service's status names, thumbnails and one to three
final URLs with ``&``-separated query strings, and the nil/empty/absent cases the parser
must tell apart. Every ``&`` goes on the wire as ``&amp;``, so the parser decodes entity
references in most records. The same seed gives the same bytes, so every run measures
the same input.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator

import attrs

from pixelz import ImageStatus

__all__ = [
    "CONTENT_TYPES",
    "LARGE",
    "PAGE",
    "SHAPES",
    "Shape",
    "image_status_body",
    "images_list_body",
    "queue_body",
    "records",
]

NAMESPACE = "http://removethebackground.com/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"

PAGE = 100  # the largest page the service returns
LARGE = 10_000  # a page the service cannot return: for the incremental reader and memory
Shape = str  # "soap11" | "soap12" | "http_get"
SHAPES: tuple[Shape, ...] = ("soap11", "soap12", "http_get")
CONTENT_TYPES = {
    "soap11": "text/xml; charset=utf-8",
    "soap12": "application/soap+xml; charset=utf-8",
    "http_get": "text/xml; charset=utf-8",
}

_STATUSES = ((10, "New"), (60, "InProduction"), (70, "ProductionFinished"), (80, "Delivered"))
_VIEWS = ("front", "back", "side", "detail", "model", "flat", "ghost", "top")
_CATEGORIES = ("tops", "shoes", "bags", "dresses", "jewelry", "outerwear", "denim")
_CDN = "https://cdn.pixelz.com"
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


@attrs.frozen
class _Wire:
    """One record as the server writes it: each field absent (None), nil, empty or a value."""

    record: ImageStatus
    customer: str  # "value", "absent", "nil" or "empty"
    product: str
    thumbnail: str
    finals: str  # "value", "absent", "nil", "empty" or "nil-item"


def records(count: int = PAGE, seed: int = 7) -> list[_Wire]:
    """``count`` records from a seeded generator; the same arguments give the same list."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        ticket = uuid.UUID(int=rng.getrandbits(128), version=4)
        status_id, status_name = _STATUSES[rng.randrange(len(_STATUSES))]
        style = rng.randrange(10_000, 99_999)
        view = _VIEWS[rng.randrange(len(_VIEWS))]
        category = _CATEGORIES[rng.randrange(len(_CATEGORIES))]
        customer_kind = _kind(rng, nil=0.03, empty=0.02, absent=0.05)
        product_kind = _kind(rng, nil=0.03, empty=0.03, absent=0.10)
        thumb_kind = _kind(rng, nil=0.02, empty=0.01, absent=0.03)
        customer = f"sku&{style}-{view}" if customer_kind == "value" else None
        product_value = f"{category}&{rng.randrange(1000, 9999)}"
        product = product_value if product_kind == "value" else None
        thumbnail = f"{_CDN}/thumb/{ticket}.jpg?w=100&h=100" if thumb_kind == "value" else None
        finals_kind = "absent"
        finals: tuple[str, ...] = ()
        if status_id >= 70:
            roll = rng.random()
            finals_kind = ("nil" if roll < 0.02 else "empty" if roll < 0.04
                           else "nil-item" if roll < 0.06 else "value")
            if finals_kind in ("value", "nil-item"):
                count = rng.randint(1, 3)
                finals = tuple(
                    f"{_CDN}/final/{ticket}/{view}_{n}.{ext}?w=2000&h=2000&sig={rng.getrandbits(48):012x}"
                    for n, ext in zip(range(1, count + 1), ("jpg", "png", "tif"), strict=False)
                )
        record = ImageStatus(
            ticket,
            "" if customer_kind == "empty" else customer,
            "" if product_kind == "empty" else product,
            status_name,
            status_id,
            status_id == 80 or rng.random() < 0.3,
            "" if thumb_kind == "empty" else thumbnail,
            finals,
        )
        out.append(_Wire(record, customer_kind, product_kind, thumb_kind, finals_kind))
    return out


def _kind(rng: random.Random, *, nil: float, empty: float, absent: float) -> str:
    roll = rng.random()
    if roll < nil:
        return "nil"
    if roll < nil + empty:
        return "empty"
    if roll < nil + empty + absent:
        return "absent"
    return "value"


def _string(name: str, kind: str, value: str | None, nl: str) -> Iterator[str]:
    if kind == "absent":
        return
    if kind == "nil":
        yield f'{nl}<{name} xsi:nil="true" />'
    elif kind == "empty" or not value:
        yield f"{nl}<{name} />"
    else:
        yield f"{nl}<{name}>{value.translate(_ESCAPES)}</{name}>"


def _record_xml(wire: _Wire, indent: str | None) -> str:
    """One record element; ``indent`` is None for the one-line SOAP shape."""
    r = wire.record
    nl = "" if indent is None else "\n" + indent + "  "
    parts = ["<ImageStatus>", f"{nl}<ImageTicket>{r.image_ticket}</ImageTicket>"]
    parts += _string("CustomerImageId", wire.customer, r.customer_image_id, nl)
    parts += _string("ProductId", wire.product, r.product_id, nl)
    parts.append(f"{nl}<StatusName>{r.status_name}</StatusName>")
    parts.append(f"{nl}<StatusId>{r.status_id}</StatusId>")
    parts.append(f"{nl}<IsPaid>{'true' if r.is_paid else 'false'}</IsPaid>")
    parts += _string("ThumbnailImageURL", wire.thumbnail, r.thumbnail_image_url, nl)
    if wire.finals == "nil":
        parts.append(f'{nl}<FinalImagesURL xsi:nil="true" />')
    elif wire.finals == "empty":
        parts.append(f"{nl}<FinalImagesURL />")
    elif wire.finals in ("value", "nil-item"):
        inner = "" if indent is None else nl + "  "
        items = [f"{inner}<string>{u.translate(_ESCAPES)}</string>" for u in r.final_image_urls]
        if wire.finals == "nil-item":
            items.insert(len(items) // 2 + 1, f'{inner}<string xsi:nil="true" />')
        parts.append(f"{nl}<FinalImagesURL>{''.join(items)}{nl}</FinalImagesURL>")
    parts.append(f"{'' if indent is None else chr(10) + indent}</ImageStatus>")
    return "".join(parts)


def _envelope(shape: Shape, inner: str) -> bytes:
    soap_ns = SOAP11 if shape == "soap11" else SOAP12
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:soap="{soap_ns}" xmlns:xsi="{XSI}" xmlns:xsd="{XSD}">'
        f"<soap:Body>{inner}</soap:Body></soap:Envelope>"
    ).encode()


def images_list_body(shape: Shape, wires: list[_Wire]) -> bytes:
    """A GetImagesList response body holding ``wires``, in the given wire shape."""
    if shape == "http_get":
        body = "".join("\n    " + _record_xml(w, "    ") for w in wires)
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<ImagesListResponse xmlns:xsd="{XSD}" xmlns:xsi="{XSI}" xmlns="{NAMESPACE}">\n'
            f"  <Images>{body}\n  </Images>\n</ImagesListResponse>"
        ).encode()
    body = "".join(_record_xml(w, None) for w in wires)
    return _envelope(
        shape,
        f'<GetImagesListResponse xmlns="{NAMESPACE}"><GetImagesListResult>'
        f"<Images>{body}</Images></GetImagesListResult></GetImagesListResponse>",
    )


def image_status_body(wire: _Wire) -> bytes:
    """A SOAP 1.1 GetImageStatus response body for one record."""
    return _envelope(
        "soap11",
        f'<GetImageStatusResponse xmlns="{NAMESPACE}"><GetImageStatusResult>'
        f"{_record_xml(wire, None)}</GetImageStatusResult></GetImageStatusResponse>",
    )


def queue_body(ticket: uuid.UUID, customer_image_id: str) -> bytes:
    """A SOAP 1.1 AddImageToQueue response: the ticket the service gave the image."""
    return _envelope(
        "soap11",
        f'<AddImageToQueueResponse xmlns="{NAMESPACE}"><AddImageToQueueResult>'
        f"<ImageTicket>{ticket}</ImageTicket>"
        f"<CustomerImageId>{customer_image_id.translate(_ESCAPES)}</CustomerImageId>"
        "<IsTrial>false</IsTrial></AddImageToQueueResult></AddImageToQueueResponse>",
    )
