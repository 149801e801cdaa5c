"""How a submitted image moves on: the steps, the files it gets, the callback it sends.

An image submitted to the emulator moves New (10) → InProduction (60) → ProductionFinished
(70) → Delivered (80), one step every ``speed`` seconds of the emulator's clock (status
names as the data sets write them). Entering InProduction it is paid and gets a thumbnail;
entering ProductionFinished its final list is empty (as the data sets show finished
images); entering Delivered it gets one final per image URL it was submitted with, and its
callback URL, if any, is due a callback. The files live on the emulator's own HTTP server
under ``/files/{ticket}/{name}``.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from pixelz.emulator.dataset import STATUS_NAMES, Record

__all__ = [
    "DELIVERED",
    "FILES_PATH",
    "IN_PRODUCTION",
    "STEPS",
    "THUMBNAIL_NAME",
    "Submission",
    "callback_body",
    "file_path",
    "final_names",
    "next_step",
    "submission_from",
]

FILES_PATH = "/files/"
THUMBNAIL_NAME = "thumbnail.png"
DELIVERED = 80

IN_PRODUCTION = 60
#: status id -> the next one
STEPS: dict[int, int] = {10: IN_PRODUCTION, IN_PRODUCTION: 70, 70: DELIVERED}

_IMAGE_URLS = ("imageURL", "imageURL2", "imageURL3", "imageURL4", "imageURL5")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_MAX_STEM = 60


@attrs.frozen(slots=True)
class Submission:
    """What a submission said that the lifecycle needs later."""

    callback_url: str | None
    template_id: int | None
    final_names: tuple[str, ...]


def final_names(image_urls: Sequence[str]) -> tuple[str, ...]:
    """One ``.png`` name per source image: its file name without extension, reduced to
    letters, digits, ``-`` and ``_`` (``final`` when nothing is left), made unique and
    never the thumbnail's name."""
    names: list[str] = []
    taken = {THUMBNAIL_NAME}
    for url in image_urls or ("",):
        last = urllib.parse.unquote(urllib.parse.urlsplit(url).path).rsplit("/", 1)[-1]
        stem = _UNSAFE.sub("-", last.rsplit(".", 1)[0] if "." in last else last)
        stem = stem.strip("-_")[:_MAX_STEM] or "final"
        name, n = f"{stem}.png", 1
        while name in taken:
            n += 1
            name = f"{stem}-{n}.png"
        taken.add(name)
        names.append(name)
    return tuple(names)


def submission_from(values: Mapping[str, Any], template_id: int | None) -> Submission:
    """The lifecycle's part of a submission's parameters (already checked; the template id
    as the checks read it)."""
    return Submission(
        callback_url=values.get("imageCallbackURL") or None,
        template_id=template_id,
        final_names=final_names([values[k] for k in _IMAGE_URLS if values.get(k)]),
    )


def file_path(ticket: uuid.UUID, name: str) -> str:
    return f"{FILES_PATH}{ticket}/{name}"


def next_step(record: Record, origin: str, names: Sequence[str]) -> Record:
    """``record`` one status further; ``origin`` (``http://host:port``) prefixes its files."""
    status = STEPS[record.StatusId]
    changes: dict[str, Any] = {"StatusId": status, "StatusName": STATUS_NAMES[status]}
    if status == IN_PRODUCTION:
        changes.update(IsPaid=True,
                       ThumbnailImageURL=origin + file_path(record.ImageTicket, THUMBNAIL_NAME))
    elif status == 70:
        changes["FinalImagesURL"] = ()
    else:
        changes["FinalImagesURL"] = tuple(
            origin + file_path(record.ImageTicket, n) for n in names
        )
    return attrs.evolve(record, **changes)


def callback_body(record: Record, template_id: int | None) -> bytes:
    """The JSON a delivered image's callback carries (the fields ``pixelz.webhooks.parse``
    reads): imageTicket, customerImageId, templateId, processedImageURL (the first final)."""
    finals = [url for url in record.FinalImagesURL or () if url]
    body = {
        "imageTicket": str(record.ImageTicket),
        "customerImageId": record.CustomerImageId,
        "templateId": template_id,
        "processedImageURL": finals[0] if finals else None,
    }
    return json.dumps(body, separators=(",", ":")).encode("utf-8")
