"""List semantics against a plain-Python oracle over the data set, through the core handler."""

from __future__ import annotations

import datetime
import random
import re
import urllib.parse
import uuid

import pytest

from pixelz.emulator import Emulator, Record

from ._helpers import full_values


def tickets(emu: Emulator, **values: str) -> list[uuid.UUID]:
    query = urllib.parse.urlencode(full_values("GetImagesList", **values))
    response = emu.handle("GET", "/soap.asmx/GetImagesList", query)
    assert response.status == 200, response.body
    # not lxml: bodies may hold &#x1;, which strict XML parsers reject
    return [uuid.UUID(t.decode()) for t in re.findall(rb"<ImageTicket>([^<]+)<", response.body)]


def oracle(records: tuple[Record, ...], q: dict[str, str]) -> list[uuid.UUID]:
    rows = list(records)
    if q.get("imageStatus"):
        rows = [r for r in rows if r.StatusId == int(q["imageStatus"])]
    if q.get("excludeImageStatus"):
        rows = [r for r in rows if r.StatusId != int(q["excludeImageStatus"])]
    if q.get("productId"):
        rows = [r for r in rows if r.ProductId == q["productId"]]
    if q.get("fromDate"):
        rows = [r for r in rows if r.CreatedDate >= datetime.date.fromisoformat(q["fromDate"])]
    if q.get("toDate"):
        rows = [r for r in rows if r.CreatedDate <= datetime.date.fromisoformat(q["toDate"])]
    sort_by = q.get("sortBy", "").lower()
    primary = {"date": lambda r: r.CreatedDate, "status": lambda r: r.StatusId}.get(
        sort_by, lambda r: r.Id
    )
    rows.sort(key=lambda r: (primary(r), r.Id))
    if q.get("isDescending", "").lower() == "true":
        rows.reverse()
    per_page = min(int(q.get("imagesPerPage") or 50), 100)
    page = int(q.get("page") or 1)
    return [r.ImageTicket for r in rows[(page - 1) * per_page : page * per_page]]


def random_queries(count: int) -> list[dict[str, str]]:
    rng = random.Random(42)
    out = []
    for _ in range(count):
        q: dict[str, str] = {}
        if rng.random() < 0.4:
            q["imageStatus"] = rng.choice(["10", "60", "70", "80", "55", "3"])
        if rng.random() < 0.3:
            q["excludeImageStatus"] = rng.choice(["10", "80", "55"])
        if rng.random() < 0.3:
            q["productId"] = rng.choice(["bg-removal", "flat-lay", "shoe-pair", "none"])
        if rng.random() < 0.4:
            q["fromDate"] = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if rng.random() < 0.4:
            q["toDate"] = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        q["page"] = rng.choice(["", "1", "2", "3", "7"])
        q["imagesPerPage"] = rng.choice(["", "1", "7", "25", "100", "250"])
        q["sortBy"] = rng.choice(["", "id", "date", "status", "DATE", "Status"])
        q["isDescending"] = rng.choice(["", "true", "false", "TRUE", "False"])
        out.append(q)
    return out


@pytest.mark.parametrize("query", random_queries(150))
def test_matches_oracle(query: dict[str, str], emu: Emulator) -> None:
    assert tickets(emu, **query) == oracle(emu.dataset, query)


@pytest.mark.parametrize("sort_by", ["id", "date", "status"])
@pytest.mark.parametrize("descending", ["true", "false"])
def test_pages_concatenate_to_the_whole(sort_by: str, descending: str, emu: Emulator) -> None:
    whole = tickets(emu, sortBy=sort_by, isDescending=descending, imagesPerPage="100", page="1")
    whole += tickets(emu, sortBy=sort_by, isDescending=descending, imagesPerPage="100", page="2")
    whole += tickets(emu, sortBy=sort_by, isDescending=descending, imagesPerPage="100", page="3")
    assert len(whole) == len(set(whole)) == len(emu.dataset)
    paged = []
    for page in range(1, 20):
        paged += tickets(
            emu, sortBy=sort_by, isDescending=descending, imagesPerPage="17", page=str(page)
        )
    assert paged == whole


def test_descending_reverses_ties_too(emu: Emulator) -> None:
    asc = tickets(emu, sortBy="status", imagesPerPage="100")
    desc_all = []
    for page in ("1", "2", "3"):
        desc_all += tickets(
            emu, sortBy="status", isDescending="true", imagesPerPage="100", page=page
        )
    assert desc_all[::-1][:100] == asc


def test_page_size_defaults_and_clamp(emu: Emulator) -> None:
    assert len(tickets(emu)) == 50
    assert len(tickets(emu, imagesPerPage="1000")) == 100
    assert tickets(emu, page="2147483647") == []


def test_date_range_inclusive(emu: Emulator) -> None:
    day = emu.dataset[10].CreatedDate.isoformat()
    same_day = {r.ImageTicket for r in emu.dataset if r.CreatedDate.isoformat() == day}
    assert set(tickets(emu, fromDate=day, toDate=day, imagesPerPage="100")) == same_day
    assert tickets(emu, fromDate="2026-12-31", toDate="2026-01-01") == []


def test_credentials(emu: Emulator) -> None:
    assert tickets(emu, contactEmail="DEMO@Example.COM")
    emu.config.update(contact_email="me@shop.example", contact_api_key="s3cret")
    assert tickets(emu, contactEmail="Me@Shop.example", contactAPIkey="s3cret")
    query = urllib.parse.urlencode(full_values("GetImagesList"))
    assert emu.handle("GET", "/soap.asmx/GetImagesList", query).status == 500


def test_get_image_status_lookup(emu: Emulator) -> None:
    def status(**values: str) -> bytes:
        query = urllib.parse.urlencode(full_values("GetImageStatus", **values))
        response = emu.handle("GET", "/soap.asmx/GetImageStatus", query)
        assert response.status == 200, response.body
        return response.body

    record = emu.dataset[5]
    ticket = record.ImageTicket
    for form in (str(ticket), str(ticket).upper()):
        assert str(ticket).encode() in status(imageTicket=form)
    for form in (ticket.hex, f"{{{ticket}}}", f"({ticket})", f" {ticket}", f"urn:uuid:{ticket}"):
        query = urllib.parse.urlencode(full_values("GetImageStatus", imageTicket=form))
        response = emu.handle("GET", "/soap.asmx/GetImageStatus", query)
        assert response.body == b"Invalid imageTicket\n"
    # the ticket wins over the customer image id
    other = emu.dataset[6]
    body = status(imageTicket=str(ticket), customerImageId=other.CustomerImageId or "x")
    assert str(ticket).encode() in body
    # duplicate customer ids: the lowest Id wins
    emu.config.dataset = (
        emu.dataset[9],
        *(r.__class__(**{**_asdict(r), "CustomerImageId": "dup"}) for r in emu.dataset[7:9]),
    )
    assert str(emu.dataset[1].ImageTicket).encode() in status(customerImageId="dup")


def _asdict(record: Record) -> dict[str, object]:
    import attrs

    return attrs.asdict(record, recurse=False)
