"""The demo data set behind ``pixelz --emulator``: deterministic and shaped like a real account."""

from __future__ import annotations

import datetime
import re

import pytest

from pixelz.emulator import dump_json, load_json
from pixelz.emulator.dataset import DATASETS, STATUS_NAMES, demo_dataset, generate_dataset


def test_named_data_sets() -> None:
    assert {"demo": demo_dataset, "hard-cases": generate_dataset} == DATASETS


def test_deterministic_per_seed_and_count() -> None:
    assert demo_dataset(250, 0) == demo_dataset.__wrapped__(250, 0)
    assert demo_dataset(250, 1) != demo_dataset(250, 0)
    assert [len(demo_dataset(n)) for n in (0, 1, 7, 250)] == [0, 1, 7, 250]
    with pytest.raises(ValueError, match="count"):
        demo_dataset(-1)


def test_looks_like_a_real_account() -> None:
    records = demo_dataset()
    ids = [r.Id for r in records]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert len({r.ImageTicket for r in records}) == len(records)
    dates = [r.CreatedDate for r in records]
    assert dates == sorted(dates) and len(set(dates)) < len(dates) / 2  # upload days
    assert datetime.date(2026, 1, 1) <= dates[0] and dates[-1] <= datetime.date(2026, 12, 31)
    skus = [r.CustomerImageId for r in records]
    assert all(s is None or re.fullmatch(r"[A-Z]{3}-\d{5}-[A-Z]{3}-[1-3]", s) for s in skus)
    assert 0 < skus.count(None) < len(records) // 10
    assert {r.ProductId for r in records} == {"ghost-mannequin", "flat-lay", "shoe-pair",
                                              "bg-removal", "jewelry-retouch"}
    assert {(r.StatusId, r.StatusName) for r in records} == set(STATUS_NAMES.items())
    # the oldest work is delivered; the newest is still in production
    assert sum(r.StatusId == 80 for r in records[:50]) >= 45
    assert sum(r.StatusId in (10, 60) for r in records[-25:]) >= 10


def test_fields_follow_the_status() -> None:
    for record in demo_dataset():
        delivered = record.StatusId == 80
        assert bool(record.FinalImagesURL) == delivered
        # Finals the emulator serves itself, once it knows its origin.
        assert all(u and u.startswith("emulator:/files/") and u.endswith(".png")
                   for u in record.FinalImagesURL or ())
        assert (record.ThumbnailImageURL is None) == (record.StatusId == 10)
        assert record.IsPaid == (record.StatusId != 10)


def test_json_round_trip() -> None:
    records = demo_dataset(60, 3)
    assert load_json(dump_json(records)) == records


def test_the_emulator_serves_the_demo_finals() -> None:
    import httpx

    import pixelz
    from pixelz.emulator import serve

    with serve(dataset=demo_dataset(40, 5)) as emu, pixelz.Client(
        *emu.credentials, base_url=emu.base_url
    ) as client:
        delivered = list(client.iter_images(status="delivered"))
        urls = [u for image in delivered for u in image.final_image_urls]
        assert urls and all(u.startswith(emu.base_url.rsplit("/", 1)[0] + "/files/")
                            for u in urls)
        answer = httpx.get(urls[0])
        assert answer.status_code == 200 and answer.content.startswith(b"\x89PNG")
