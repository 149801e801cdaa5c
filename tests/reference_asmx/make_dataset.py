"""Generate tests/reference_asmx/dataset.json and account.json: deterministic hard-case data.

Run:  python tests/reference_asmx/make_dataset.py          (rewrites both files)
      python tests/reference_asmx/make_dataset.py --check  (exit 1 if either file is stale)

Stdlib only, fixed seed, so the output is byte-for-byte reproducible.

dataset.json, the images (a JSON list):
  {"Id": int, "CreatedDate": "YYYY-MM-DD", "ImageTicket": "lowercase guid",
   "CustomerImageId": str|null, "ProductId": str|null, "StatusName": str|null,
   "StatusId": int, "IsPaid": bool, "ThumbnailImageURL": str|null,
   "FinalImagesURL": null | [str|null, ...]}

account.json, the rest of the account (a JSON object):
  {"contact": {"ContactPerson", "ContactCompany": str, "ContactDaysOfCredit": int,
               "ContactAccountBalance": "decimal text", "Currency": str,
               "NumberOfTrialImages": int},
   "templates": [{"TemplateId": int, "ContactId": int, "TemplateName": str, "Prices": str|null,
                  "IsCombinedImages": bool, "TemplateLabelId": int, "IsRecreateDetail": bool,
                  "ColorAdjustment": bool, "ColorAdjustmentSetting": str|null,
                  "ColorAdjustmentComment": str|null, "ColorMatching": bool,
                  "ColorMatchingSetting": str|null, "Price": "decimal text"|null,
                  "Currency": str|null, "CreatedDate": str, "ModifiedDate": str|null,
                  "IsDeleted": bool, "OutputFormat": str, "DeliveryTimeInHours": int,
                  "BackgroundType": int, "BackgroundColor": str|null,
                  "BackgroundVerticalGradientColor": str|null, "ResizeType": int,
                  "ResizeUnit": int, "ResizeWidth": int, "ResizeHeight": int,
                  "ResizeMaxSize": int, "ResizeMinSize": int, "MarginType": int,
                  "MarginTop": int, "MarginBottom": int, "MarginLeft": int,
                  "MarginRight": int}, ...],
   "invoices": [{"InvoiceId": str, "CreatedDate": "YYYY-MM-DD", "AmountDue": str,
                 "IsPaid": bool}, ...]}
The contact's email is the accepted contact email; an invoice's PaymentUrl and InvoiceUrl are
made from its id by the server (docs/reference-server.md).
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
ACCOUNT_OUT = Path(__file__).with_name("account.json")
INVOICES = 25

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


CONTACT = {
    "ContactPerson": "Dana Reviewer",
    "ContactCompany": "Example Imaging Ltd",
    "ContactDaysOfCredit": 30,
    "ContactAccountBalance": "125.50",
    "Currency": "USD",
    "NumberOfTrialImages": 5,
}

# Key order in the file: the wire order of GetTemplates' Template, then GetTemplateSpec's.
TEMPLATE_KEYS = [
    "TemplateId", "ContactId", "TemplateName", "Prices", "IsCombinedImages", "TemplateLabelId",
    "IsRecreateDetail", "ColorAdjustment", "ColorAdjustmentSetting", "ColorAdjustmentComment",
    "ColorMatching", "ColorMatchingSetting", "Price", "Currency", "CreatedDate", "ModifiedDate",
    "IsDeleted", "OutputFormat", "DeliveryTimeInHours", "BackgroundType", "BackgroundColor",
    "BackgroundVerticalGradientColor", "ResizeType", "ResizeUnit", "ResizeWidth", "ResizeHeight",
    "ResizeMaxSize", "ResizeMinSize", "MarginType", "MarginTop", "MarginBottom", "MarginLeft",
    "MarginRight",
]

_TEMPLATE_BASE = {
    "ContactId": 7,
    "IsCombinedImages": False,
    "TemplateLabelId": 0,
    "IsRecreateDetail": False,
    "ColorAdjustment": False,
    "ColorAdjustmentSetting": None,
    "ColorAdjustmentComment": None,
    "ColorMatching": False,
    "ColorMatchingSetting": None,
    "Currency": "USD",
    "IsDeleted": False,
    "BackgroundVerticalGradientColor": None,
    "ResizeType": 0,
    "ResizeUnit": 0,
    "ResizeWidth": 0,
    "ResizeHeight": 0,
    "ResizeMaxSize": 0,
    "ResizeMinSize": 0,
    "MarginType": 0,
    "MarginTop": 0,
    "MarginBottom": 0,
    "MarginLeft": 0,
    "MarginRight": 0,
}

# Three templates, each with a hard case: "&" and "<" in text, an empty string, a null, a
# non-ASCII name part, a price with trailing zeros, a large int.
TEMPLATES = [
    {
        "TemplateId": 101,
        "TemplateName": "White background",
        "Prices": "1.45 USD & 0.20 USD <per extra>",
        "Price": "1.450",
        "CreatedDate": "2026-01-05",
        "ModifiedDate": "2026-02-01",
        "OutputFormat": "JPG",
        "DeliveryTimeInHours": 24,
        "BackgroundType": 1,
        "BackgroundColor": "#FFFFFF",
        "ResizeType": 1,
        "ResizeUnit": 1,
        "ResizeWidth": 2000,
        "ResizeHeight": 2000,
        "MarginType": 1,
        "MarginTop": 5,
        "MarginBottom": 5,
        "MarginLeft": 3,
        "MarginRight": 3,
    },
    {
        "TemplateId": 102,
        "TemplateName": "Transparent PNG",
        "Prices": "",
        "Price": "0.95",
        "CreatedDate": "2026-03-10",
        "ModifiedDate": None,
        "OutputFormat": "PNG",
        "DeliveryTimeInHours": 48,
        "BackgroundType": 0,
        "BackgroundColor": None,
        "ColorAdjustment": True,
        "ColorAdjustmentSetting": "brightness+5",
        "ColorAdjustmentComment": "",
        "ResizeMaxSize": 2147483647,
    },
    {
        "TemplateId": 103,
        "TemplateName": "Ghost mannequin \u2013 caf\u00e9",
        "Prices": None,
        "Price": None,
        "Currency": None,
        "CreatedDate": "2026-06-30",
        "ModifiedDate": "2026-07-01",
        "OutputFormat": "TIF",
        "DeliveryTimeInHours": 72,
        "BackgroundType": 2,
        "BackgroundColor": "#F0F0F0",
        "BackgroundVerticalGradientColor": "#E0E0E0",
        "IsCombinedImages": True,
        "TemplateLabelId": 3,
        "IsRecreateDetail": True,
        "ColorMatching": True,
        "ColorMatchingSetting": "match to reference",
        "MarginType": 2,
        "MarginTop": 10,
    },
]


def build_account(records: list[dict]) -> dict:
    """Contact, templates and invoices; invoice dates spread over the images' date range."""
    rng = random.Random(SEED + 1)
    dates = sorted(r["CreatedDate"] for r in records)
    first = datetime.date.fromisoformat(dates[0])
    span = (datetime.date.fromisoformat(dates[-1]) - first).days
    invoices = []
    for n in range(1, INVOICES + 1):
        created = first + datetime.timedelta(days=span * (n - 1) // (INVOICES - 1))
        invoices.append(
            {
                "InvoiceId": f"INV-2026-{n:03d}",
                "CreatedDate": created.isoformat(),
                "AmountDue": f"{rng.randrange(100, 50000) / 100:.2f}",
                "IsPaid": n % 2 == 1,
            }
        )
    # Ties on CreatedDate (ordered by id) and an id out of date order.
    invoices[13]["CreatedDate"] = invoices[12]["CreatedDate"]
    invoices[14]["CreatedDate"] = invoices[12]["CreatedDate"]
    invoices[24]["CreatedDate"] = invoices[0]["CreatedDate"]
    invoices[9]["AmountDue"] = "49.90"
    rng.shuffle(invoices)
    templates = [{**_TEMPLATE_BASE, **t} for t in TEMPLATES]
    order = TEMPLATE_KEYS
    templates = [dict(sorted(t.items(), key=lambda kv: order.index(kv[0]))) for t in templates]
    return {"contact": CONTACT, "templates": templates, "invoices": invoices}


def render_account(account: dict) -> str:
    lines = ["{", '  "contact": ' + json.dumps(account["contact"], ensure_ascii=True) + ","]
    for key in ("templates", "invoices"):
        items = ",\n".join("    " + json.dumps(t, ensure_ascii=True) for t in account[key])
        end = "," if key == "templates" else ""
        lines.append(f'  "{key}": [\n{items}\n  ]{end}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(records: list[dict]) -> str:
    # ensure_ascii keeps the file pure ASCII (control chars and astral chars as \u escapes).
    body = ",\n".join("  " + json.dumps(r, ensure_ascii=True, sort_keys=False) for r in records)
    return "[\n" + body + "\n]\n"


def main(argv: list[str]) -> int:
    records = build()
    outputs = {OUT: render(records), ACCOUNT_OUT: render_account(build_account(records))}
    if "--check" in argv:
        stale = [p for p, text in outputs.items()
                 if not p.is_file() or p.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"{path} is stale; run {Path(__file__).name}", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {OUT} ({COUNT} records) and {ACCOUNT_OUT} ({INVOICES} invoices)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
