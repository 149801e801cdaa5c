"""Generate tests/reference_asmx/dataset.json: a deterministic hard-case data set.

Run:  python tests/reference_asmx/make_dataset.py          (rewrites dataset.json)
      python tests/reference_asmx/make_dataset.py --check  (exit 1 if dataset.json is stale)

Stdlib only, fixed seed, so the output is byte-for-byte reproducible. Schema (a JSON list):
  {"Id": int, "CreatedDate": "YYYY-MM-DD", "ImageTicket": "lowercase guid",
   "CustomerImageId": str|null, "ProductId": str|null, "StatusName": str|null,
   "StatusId": int, "IsPaid": bool, "ThumbnailImageURL": str|null,
   "FinalImagesURL": null | [str|null, ...]}
"""

from __future__ import annotations

import datetime
import json
import random
import sys
import uuid
from pathlib import Path

SEED = 20260101
COUNT = 250
OUT = Path(__file__).with_name("dataset.json")

KNOWN = [(10, "New"), (60, "InProduction"), (70, "ProductionFinished"), (80, "Delivered")]
PRODUCTS = ["prod-a", "prod-b", "prod-c", "PROD-A", "shoes & bags"]

# Hand-written hard cases, merged into the records with these ids (fields override).
SPECIAL: dict[int, dict] = {
    1: {
        "CustomerImageId": "c1 <&> \"quoted\" 'apos'",
        "ProductId": "prod-a",
        "FinalImagesURL": [
            "https://cdn.example.com/1/a.jpg?x=1&y=2",
            "https://cdn.example.com/1/b.jpg",
        ],
    },
    2: {
        "CustomerImageId": None,
        "ProductId": None,
        "StatusName": "InProduction",
        "StatusId": 60,
        "ThumbnailImageURL": None,
        "FinalImagesURL": None,
    },
    3: {
        "CustomerImageId": "",
        "ProductId": "",
        "StatusName": "",
        "ThumbnailImageURL": "",
        "FinalImagesURL": [],
    },
    4: {
        "CustomerImageId": "  leading and trailing  ",
        "FinalImagesURL": ["https://cdn.example.com/4/only.jpg"],
    },
    5: {
        "CustomerImageId": "line1\nline2",
        "FinalImagesURL": [None, "https://cdn.example.com/5/b.jpg", None],
    },
    6: {"CustomerImageId": "tab\there", "FinalImagesURL": ["", "https://cdn.example.com/6/b.jpg"]},
    7: {
        "CustomerImageId": "carriage\rreturn",
        "ThumbnailImageURL": "https://cdn.example.com/7/t.jpg",
    },
    8: {"CustomerImageId": "ctrl\u0001char"},
    9: {
        "CustomerImageId": "caf\u00e9 \u65e5\u672c \U0001f600 \U0001f4f7",
        "ProductId": "prod-\u00e9",
    },
    10: {"StatusId": 55, "StatusName": "OnHold"},
    11: {"StatusId": 55, "StatusName": None},
    12: {"StatusId": 99, "StatusName": "FutureStatus", "IsPaid": True},
    13: {"CustomerImageId": "dup-id", "ProductId": "prod-b"},
    14: {"CustomerImageId": "dup-id", "ProductId": "prod-c"},
    15: {"CustomerImageId": "<x>markup</x>", "FinalImagesURL": ["<b>&amp;</b>"]},
    16: {"CustomerImageId": "]]> cdata end", "StatusName": "Delivered", "StatusId": 80},
    17: {"CustomerImageId": "\r\n crlf \r\n", "ProductId": "prod-a"},
    18: {"CustomerImageId": " ", "ProductId": " prod-a "},
    19: {
        "CustomerImageId": "many-urls",
        "FinalImagesURL": [f"https://cdn.example.com/19/{i}.jpg" for i in range(12)],
    },
    20: {"CustomerImageId": "tab-lead\tand trail\t", "StatusId": 0, "StatusName": "Zero"},
}


def _dates(rng: random.Random) -> list[datetime.date]:
    start = datetime.date(2026, 1, 1)
    return [start + datetime.timedelta(days=rng.randrange(365)) for _ in range(COUNT)]


def build() -> list[dict]:
    rng = random.Random(SEED)
    dates = _dates(rng)
    records = []
    for rid in range(1, COUNT + 1):
        status_id, status_name = KNOWN[rng.randrange(len(KNOWN))]
        ticket = uuid.UUID(int=rng.getrandbits(128), version=4)
        nurls = rng.choice([0, 0, 1, 1, 2, 3])
        final = (
            None
            if nurls == 0
            else [f"https://cdn.example.com/{rid}/final-{i}.jpg" for i in range(nurls)]
        )
        rec = {
            "Id": rid,
            "CreatedDate": dates[rid - 1].isoformat(),
            "ImageTicket": str(ticket),
            "CustomerImageId": f"sku-{rid:04d}" if rng.random() < 0.9 else None,
            "ProductId": PRODUCTS[rng.randrange(len(PRODUCTS))] if rng.random() < 0.85 else None,
            "StatusName": status_name,
            "StatusId": status_id,
            "IsPaid": rng.random() < 0.5,
            "ThumbnailImageURL": f"https://cdn.example.com/{rid}/thumb.jpg"
            if rng.random() < 0.8
            else None,
            "FinalImagesURL": final,
        }
        records.append(rec)

    # Tie-break groups: same date and same status on several records.
    for rid in (30, 31, 32, 33, 130, 230):
        records[rid - 1]["CreatedDate"] = "2026-03-15"
        records[rid - 1]["StatusId"], records[rid - 1]["StatusName"] = 70, "ProductionFinished"
    for rid in (40, 41, 140):
        records[rid - 1]["CreatedDate"] = "2026-12-31"
    for rid in (50, 51):
        records[rid - 1]["CreatedDate"] = "2026-01-01"

    for rid, fields in SPECIAL.items():
        records[rid - 1].update(fields)

    # Ids are not in insertion order on purpose: the server must sort, not trust file order.
    rng.shuffle(records)
    return records


def render(records: list[dict]) -> str:
    # ensure_ascii keeps the file pure ASCII (control chars and astral chars as \u escapes).
    body = ",\n".join("  " + json.dumps(r, ensure_ascii=True, sort_keys=False) for r in records)
    return "[\n" + body + "\n]\n"


def main(argv: list[str]) -> int:
    text = render(build())
    if "--check" in argv:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is stale; run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {OUT} ({COUNT} records)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
