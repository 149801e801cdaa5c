"""The generated data set: deterministic, varied, holding every hard text case; JSON schema."""

from __future__ import annotations

import json
import uuid

import attrs
import pytest

from pixelz.emulator import dump_json, generate_dataset, load_json
from pixelz.emulator.dataset import HARD_CASES, Record


def test_deterministic_per_seed() -> None:
    assert generate_dataset(250, 0) == generate_dataset.__wrapped__(250, 0)
    assert generate_dataset(250, 1) != generate_dataset(250, 0)
    assert len(generate_dataset()) == 250


def test_ids_and_tickets_unique_and_ordered() -> None:
    records = generate_dataset()
    ids = [r.Id for r in records]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert len({r.ImageTicket for r in records}) == len(records)


def test_realistic_variety() -> None:
    records = generate_dataset()
    statuses = {r.StatusId for r in records}
    assert {10, 60, 70, 80, 55} <= statuses
    assert any(r.StatusName is None for r in records)
    assert len({r.ProductId for r in records if r.ProductId}) >= 4
    dates = [r.CreatedDate for r in records]
    assert all(d.year == 2026 for d in dates)
    assert len(set(dates)) < len(dates)  # shared dates
    assert any(r.IsPaid for r in records) and any(not r.IsPaid for r in records)


@pytest.mark.parametrize("count", [250, 40, len(HARD_CASES)])
def test_every_hard_case_present(count: int) -> None:
    records = generate_dataset(count, 7)
    for case in HARD_CASES:
        assert any(all(getattr(r, k) == v for k, v in case.items()) for r in records), case


def test_hard_case_shapes() -> None:
    records = generate_dataset()
    finals = [r.FinalImagesURL for r in records]
    assert None in finals and () in finals
    assert any(f and len(f) == 1 for f in finals) and any(f and len(f) >= 3 for f in finals)
    assert any(f and None in f for f in finals) and any(f and "" in f for f in finals)
    texts = [r.CustomerImageId for r in records]
    for needle in ("&", "<", ">", '"', "'", "\n", "\t", "\r", "\x01", "é", "🎉"):
        assert any(t and needle in t for t in texts), needle
    assert "" in texts and None in texts
    assert any(t and t != t.strip() for t in texts)


def test_small_dataset_gets_first_cases() -> None:
    records = generate_dataset(3, 0)
    assert [r.CustomerImageId for r in records] == [c["CustomerImageId"] for c in HARD_CASES[:3]]


def test_json_round_trip_and_schema() -> None:
    records = generate_dataset()
    text = dump_json(records)
    assert load_json(text) == records
    data = json.loads(text)
    first = data[0]
    assert list(first) == [
        "Id", "CreatedDate", "ImageTicket", "CustomerImageId", "ProductId", "StatusName",
        "StatusId", "IsPaid", "ThumbnailImageURL", "FinalImagesURL",
    ]  # fmt: skip
    assert first["ImageTicket"] == first["ImageTicket"].lower()
    assert len(first["CreatedDate"]) == 10
    assert any(item["FinalImagesURL"] is None for item in data)
    assert any(item["FinalImagesURL"] and None in item["FinalImagesURL"] for item in data)


def test_record_converts_final_urls_to_tuple() -> None:
    r = generate_dataset(1)[0]
    rec = Record(**{**attrs.asdict(r, recurse=False), "FinalImagesURL": ["a", None]})
    assert rec.FinalImagesURL == ("a", None)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(Id="1"),
        lambda d: d.update(IsPaid=1),
        lambda d: d.update(ImageTicket="nope"),
        lambda d: d.update(FinalImagesURL="x"),
        lambda d: d.update(CustomerImageId=5),
        lambda d: d.pop("StatusId"),
    ],
)
def test_load_json_rejects_bad_records(mutate: object) -> None:
    item = json.loads(dump_json(generate_dataset(1)))[0]
    mutate(item)  # type: ignore[operator]
    with pytest.raises(ValueError, match="record 0"):
        load_json(json.dumps([item]))


def test_load_json_rejects_a_non_list() -> None:
    with pytest.raises(ValueError, match="list"):
        load_json("{}")


def test_dump_json_writes_tickets_as_guids() -> None:
    ticket = json.loads(dump_json(generate_dataset(1)))[0]["ImageTicket"]
    assert str(uuid.UUID(ticket)) == ticket
