"""The ``pixelz`` command line, run in-process against a loopback emulator."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid

import pytest

import pixelz
from pixelz.cli import FIELDS, record_dict
from pixelz.emulator import Emulator
from pixelz.emulator.dataset import HARD_CASES, demo_dataset

from .conftest import EMAIL, KEY, Run, clean_env

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def sdk(emulator: Emulator) -> pixelz.Client:
    return pixelz.Client(EMAIL, KEY, base_url=emulator.base_url)


def expected_all(emulator: Emulator, **query: object) -> list[dict[str, object]]:
    with sdk(emulator) as client:
        return [record_dict(image) for image in client.iter_images(**query)]  # type: ignore[arg-type]


def base(emulator: Emulator) -> list[str]:
    return ["--base-url", emulator.base_url]


# -- help and usage ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["images"],
        ["images", "list"],
        ["images", "get"],
        ["images", "submit"],
        ["images", "delete"],
        ["images", "reject"],
        ["images", "wait"],
        ["images", "download"],
        ["products"],
        ["products", "list"],
        ["invoices"],
        ["invoices", "list"],
        ["templates"],
        ["templates", "list"],
        ["templates", "get"],
        ["account"],
        ["account", "edit"],
        ["compare"],
        ["webhook"],
        ["webhook", "verify"],
        ["webhook", "listen"],
        ["webhook", "sign"],
        ["emulator"],
    ],
    ids=lambda a: " ".join(a) or "top",
)
def test_help_at_every_level_has_examples(cli: Run, args: list[str]) -> None:
    result = cli(*args, "--help")
    assert result.returncode == 0
    assert "usage: pixelz" in result.stdout
    assert "examples:" in result.stdout
    assert result.stderr == ""


def test_list_help_names_statuses_as_the_service_prints_them(cli: Run) -> None:
    text = " ".join(cli("images", "list", "--help").stdout.split())
    assert "New (10), InProduction (60), ProductionFinished (70), Delivered (80), OnHold (55)" \
        in text


def test_version(cli: Run) -> None:
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"pixelz {pixelz.__version__}"


HINT = "pixelz: run '{}' for the options and examples"

# Every usage message: the arguments, the error line after "pixelz: error: ", and the
# command whose --help the hint names.
USAGE_MESSAGES = [
    ([], "a command is missing: images, products, invoices, templates, account, compare, "
     "webhook, emulator", "pixelz --help"),
    (["nope"], "unknown command 'nope': choose one of images, products, invoices, templates, "
     "account, compare, webhook, emulator", "pixelz --help"),
    (["images"], "a command is missing: list, get, submit, wait, download, reject, delete",
     "pixelz images --help"),
    (["--timeout", "abc", "images", "list"],
     "--timeout: expected a number of seconds greater than 0, such as 30, got 'abc'",
     "pixelz --help"),
    (["images", "list", "--timeout", "0"],
     "--timeout: expected a number of seconds greater than 0, such as 30, got '0'",
     "pixelz images list --help"),
    (["images", "list", "--from", "2024-13-01"],
     "--from: 2024-13-01 is not a day on the calendar (month must be in 1..12)",
     "pixelz images list --help"),
    (["images", "list", "--to", "2024/01/05"],
     "--to: '2024/01/05' is not a date written YYYY-MM-DD, such as 2026-03-01",
     "pixelz images list --help"),
    (["images", "list", "--per-page", "0"],
     "--per-page: expected a number of images per page from 1 to 100, got '0'",
     "pixelz images list --help"),
    (["images", "list", "--per-page", "101"],
     "--per-page: expected a number of images per page from 1 to 100, got '101'",
     "pixelz images list --help"),
    (["images", "list", "--page", "x"], "--page: expected a page number (1 or more), got 'x'",
     "pixelz images list --help"),
    (["images", "list", "--status", "shipped"],
     "--status: 'shipped' is not a status: give a status id (a whole number) or one of New, "
     "InProduction, ProductionFinished, Delivered, OnHold", "pixelz images list --help"),
    (["compare", "--exclude-status", "-1"],
     "--exclude-status: '-1' is not a status: give a status id (a whole number) or one of New, "
     "InProduction, ProductionFinished, Delivered, OnHold", "pixelz compare --help"),
    (["images", "list", "--sort-by", "size"], "--sort-by: 'size' is not one of id, date, status",
     "pixelz images list --help"),
    (["images", "list", "--format", "xml"],
     "--format: 'xml' is not one of table, json, ndjson, csv", "pixelz images list --help"),
    (["--protocol", "soap13", "images", "list"],
     "--protocol: 'soap13' is not one of auto, soap11, soap12, http_post, http_get",
     "pixelz --help"),
    (["images", "list", "--per-page"], "--per-page needs a value", "pixelz images list --help"),
    (["images", "list", "--desc=yes"], "--desc takes no value", "pixelz images list --help"),
    (["images", "list", "--bogus"], "unknown argument: --bogus", "pixelz images list --help"),
    (["images", "list", "--product-id", "a\x01b"],
     "--product-id: U+0001 at position 2 is a control character the service cannot receive",
     "pixelz images list --help"),
    (["images", "get"], "give an image ticket or --customer-image-id",
     "pixelz images get --help"),
    (["images", "get", "not-a-guid"],
     "'not-a-guid' is not an image ticket (a GUID such as 6f1c2d3e-0000-4000-8000-000000000001)",
     "pixelz images get --help"),
    (["images", "get", str(uuid.UUID(int=1)), "--customer-image-id", "x"],
     "--customer-image-id cannot be combined with TICKET", "pixelz images get --help"),
    (["images", "get", "--customer-image-id", ""],
     "--customer-image-id: an empty id matches no image; give the id you uploaded the image with",
     "pixelz images get --help"),
    (["--base-url", "ftp://example.com/soap.asmx", "images", "list"],
     "--base-url: 'ftp://example.com/soap.asmx' is not an http(s) URL such as "
     "https://api.pixelz.com/soap.asmx", "pixelz --help"),
    (["--base-url", "http://example.com:99999/soap.asmx", "images", "list"],
     "--base-url: 'http://example.com:99999/soap.asmx' is not an http(s) URL such as "
     "https://api.pixelz.com/soap.asmx", "pixelz --help"),
    (["--emulator", "--base-url", "http://x/soap.asmx", "images", "list"],
     "--base-url cannot be combined with --emulator", "pixelz --help"),
    (["--emulator", "images", "list", "--base-url", "http://x/soap.asmx"],
     "--emulator cannot be combined with --base-url", "pixelz images list --help"),
    (["--emulator", "emulator"],
     "--emulator does not apply to `pixelz emulator`, which is the emulator",
     "pixelz emulator --help"),
    (["--base-url", "http://x/soap.asmx", "emulator"],
     "--base-url does not apply to `pixelz emulator`: choose its address with --host and --port",
     "pixelz emulator --help"),
    (["--emulator", "images", "list", "--all", "--page", "2"],
     "--page and --all cannot be combined (--all starts at page 1)",
     "pixelz images list --help"),
    (["--emulator", "images", "list", "--from", "2026-05-01", "--to", "2026-04-01"],
     "--from 2026-05-01 is after --to 2026-04-01: the range includes both days, so --from must "
     "not be later than --to", "pixelz images list --help"),
    (["emulator", "--port", "99999"],
     "--port: expected a port number from 0 to 65535 (0 picks a free one), got '99999'",
     "pixelz emulator --help"),
    (["emulator", "--images", "-1"],
     "--images: expected a number of images from 0 to 1000000, got '-1'",
     "pixelz emulator --help"),
    (["emulator", "--seed", "x"], "--seed: expected a whole number, 0 or more, got 'x'",
     "pixelz emulator --help"),
    (["emulator", "--latency", "x"], "--latency: expected milliseconds from 0 to 600000, got 'x'",
     "pixelz emulator --help"),
    (["emulator", "--fail-rate", "2"],
     "--fail-rate: expected a share of requests from 0 to 1 (0.1 is 10%), got '2'",
     "pixelz emulator --help"),
    (["emulator", "--block", "soap13"],
     "--block: 'soap13' is not a comma-separated list of protocols (soap11, soap12, "
     "http_post, http_get)", "pixelz emulator --help"),
    (["emulator", "--dataset", "no-such-file.json"],
     "--dataset: 'no-such-file.json' is neither a data set (demo or hard-cases) nor a readable "
     "file: No such file or directory", "pixelz emulator --help"),
]


@pytest.mark.parametrize(
    ("args", "message", "hint"), USAGE_MESSAGES, ids=lambda a: " ".join(a) if isinstance(a, list)
    else None,
)
def test_usage_error_is_one_plain_line_and_a_hint(
    cli: Run, args: list[str], message: str, hint: str
) -> None:
    result = cli(*args)
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert result.stderr_lines == [f"pixelz: error: {message}", HINT.format(hint)]


def test_missing_credentials_is_a_usage_error(cli: Run) -> None:
    result = cli("images", "list", env=clean_env(credentials=False))
    assert result.returncode == 2
    assert result.stderr_lines == [
        "pixelz: error: set PIXELZ_CONTACT_EMAIL and PIXELZ_CONTACT_API_KEY in the environment "
        "(or use --emulator for demo data)",
        HINT.format("pixelz images list --help"),
    ]


def test_a_value_the_sdk_refuses_is_named_as_the_option(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Should the SDK refuse a value the parser let through, its parameter names are replaced
    # by the options the user typed.
    def refuse(self: object, **query: object) -> object:
        raise pixelz.InvalidArgumentError("invalid from_date: not after to_date; per_page 7")

    monkeypatch.setattr(pixelz.Client, "list_images", refuse)
    result = cli("--emulator", "images", "list")
    assert result.returncode == 2
    assert result.stderr_lines[0] == "pixelz: error: invalid --from: not after --to; --per-page 7"


# -- status names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "status_id"),
    [
        ("InProduction", 60),
        ("In Production", 60),
        ("in-production", 60),
        ("in_production", 60),
        ("IN_PRODUCTION", 60),
        ("ProductionFinished", 70),
        ("delivered", 80),
        ("New", 10),
        ("OnHold", 55),
        ("on hold", 55),
        ("55", 55),
    ],
)
def test_status_accepts_the_wire_spelling(cli: Run, spelling: str, status_id: int) -> None:
    result = cli("--emulator", "images", "list", "--status", spelling, "--per-page", "100",
                 "--format", "json")
    assert result.returncode == 0, result
    records = json.loads(result.stdout)
    assert records and {r["status_id"] for r in records} == {status_id}
    assert result.stderr == ""


def test_unknown_status_id_is_explained_not_refused(cli: Run) -> None:
    result = cli("--emulator", "images", "list", "--exclude-status", "12345", "--per-page", "3",
                 "--format", "json")
    assert result.returncode == 0, result
    assert len(json.loads(result.stdout)) == 3
    assert result.stderr_lines == [
        "pixelz: note: --exclude-status 12345 is not a status pixelz knows by name (New (10), "
        "InProduction (60), ProductionFinished (70), Delivered (80), OnHold (55)); it is sent to "
        "the service as is"
    ]


def test_table_explains_a_record_without_a_status_name(cli: Run, emulator: Emulator) -> None:
    unnamed = [r for r in emulator.dataset if not r.StatusName]
    assert unnamed and {r.StatusId for r in unnamed} == {55}
    result = cli(*base(emulator), "images", "list", "--all", columns="200")
    for record in unnamed:
        line = next(x for x in result.stdout.splitlines() if x.startswith(str(record.ImageTicket)))
        assert line.split()[3:5] == ["(OnHold)", "55"]
    for record in unnamed:
        details = cli(*base(emulator), "images", "get", str(record.ImageTicket))
        sent = "no name" if record.StatusName is None else "an empty name"
        assert f"status_name          ({sent} sent; pixelz knows id 55 as OnHold)\n" in \
            details.stdout


# -- the demo data set behind --emulator ------------------------------------------------------


def test_embedded_emulator_serves_the_demo_account(cli: Run) -> None:
    env = clean_env(credentials=False)
    listing = cli("--emulator", "images", "list", "--all", "--format", "ndjson", env=env)
    assert listing.returncode == 0, listing
    records = [json.loads(line) for line in listing.stdout.splitlines()]
    demo = demo_dataset()
    assert [r["image_ticket"] for r in records] == [str(r.ImageTicket) for r in demo]
    # no test fixture text in what a newcomer sees: readable SKUs or no id at all
    hard_texts = {case.get("CustomerImageId") for case in HARD_CASES} - {None}
    ids = [r["customer_image_id"] for r in records]
    assert not hard_texts & set(ids)
    assert all(i is None or re.fullmatch(r"[A-Z]{3}-\d{5}-[A-Z]{3}-[1-3]", i) for i in ids)
    assert 0 < ids.count(None) < len(ids) // 10  # a few nil fields, as in a real account
    assert {r["status_name"] for r in records} == {"New", "InProduction", "ProductionFinished",
                                                   "Delivered", "OnHold"}
    got = cli("--emulator", "images", "get", records[0]["image_ticket"], "--format", "json",
              env=env)
    assert json.loads(got.stdout) == records[0]
    compared = cli("--emulator", "compare", env=env)
    assert compared.returncode == 0, compared


def test_first_screen_of_the_quick_start(cli: Run) -> None:
    result = cli("--emulator", "images", "list", env=clean_env(credentials=False), tty=True)
    assert result.returncode == 0, result
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["IMAGE", "TICKET", "CUSTOMER", "ID", "PRODUCT", "STATUS", "ID",
                                "PAID", "FINALS"]
    assert len(lines) == 51
    assert result.stderr == (
        "50 images on page 1, over soap11; more: --page 2, or --all for every page\n"
    )


@pytest.mark.parametrize(
    ("columns", "headers"),
    [
        ("120", ["IMAGE", "TICKET", "CUSTOMER", "ID", "PRODUCT", "STATUS", "ID", "PAID",
                 "FINALS"]),
        ("95", ["IMAGE", "TICKET", "CUSTOMER", "ID", "PRODUCT", "STATUS", "ID", "PAID"]),
        ("80", ["IMAGE", "TICKET", "CUSTOMER", "ID", "PRODUCT", "STATUS"]),
    ],
)
def test_a_narrow_terminal_drops_counts_before_cutting_text(
    cli: Run, columns: str, headers: list[str]
) -> None:
    result = cli("--emulator", "images", "list", "--per-page", "20", columns=columns)
    lines = result.stdout.splitlines()
    assert lines[0].split() == headers
    assert all(len(line) <= int(columns) for line in lines)
    skus = {r.CustomerImageId for r in demo_dataset()[:20]} - {None}
    assert {line.split()[1] for line in lines[1:]} - {"-"} == skus  # whole, never cut


# -- images list ------------------------------------------------------------------------------


def test_list_json_matches_the_sdk(cli: Run, emulator: Emulator) -> None:
    result = cli(*base(emulator), "images", "list", "--per-page", "25", "--format", "json")
    assert result.returncode == 0, result
    records = json.loads(result.stdout)
    assert isinstance(records, list)
    assert len(records) == 25
    assert all(list(r) == list(FIELDS) for r in records)
    with sdk(emulator) as client:
        assert records == [record_dict(i) for i in client.list_images(per_page=25)]


def test_list_all_json_streams_every_page(cli: Run, emulator: Emulator) -> None:
    result = cli(*base(emulator), "images", "list", "--all", "--per-page", "40", "--format",
                 "json")
    assert result.returncode == 0, result
    records = json.loads(result.stdout)
    assert len(records) == len(emulator.dataset)
    assert records == expected_all(emulator, per_page=40)
    assert result.stderr == ""  # no terminal: no progress


def test_empty_result_is_valid_in_every_format(cli: Run, emulator: Emulator) -> None:
    args = [*base(emulator), "images", "list", "--product-id", "no-such-product"]
    assert json.loads(cli(*args, "--format", "json").stdout) == []
    assert cli(*args, "--format", "ndjson").stdout == ""
    rows = list(csv.reader(io.StringIO(cli(*args, "--format", "csv").stdout, newline="")))
    assert rows == [list(FIELDS)]
    table = cli(*args, "--format", "table")
    assert table.returncode == 0
    assert table.stdout.splitlines()[0].startswith("IMAGE TICKET")


def test_ndjson_one_object_per_line_with_hard_text(cli: Run, emulator: Emulator) -> None:
    result = cli(*base(emulator), "images", "list", "--all", "--format", "ndjson")
    assert result.returncode == 0, result
    lines = result.stdout.split("\n")
    assert lines[-1] == ""
    records = [json.loads(line) for line in lines[:-1]]
    # splitlines() (which also splits on U+2028, NEL, ...) must see the same lines
    assert len(result.stdout.splitlines()) == len(records)
    assert records == expected_all(emulator)
    ids = {r["customer_image_id"] for r in records}
    # non-ASCII, astral characters, newlines, tab and a control character survive (a CR
    # stored on the server arrives as LF: XML end-of-line normalization, docs/protocols.md)
    for text in ("café-Ünïcödé-日本語-Ελληνικά", "emoji-🎉📷-𝄞", "line one\nline two\n",
                 "carriage\nreturn and crlf\nend", "tab\tseparated", "ctl\x01char", "", None):
        assert text in ids


def test_csv_header_and_rows_round_trip(cli: Run, emulator: Emulator) -> None:
    result = cli(*base(emulator), "images", "list", "--all", "--format", "csv")
    assert result.returncode == 0, result
    assert result.stdout_bytes.startswith(",".join(FIELDS).encode() + b"\r\n")  # RFC 4180 rows
    assert result.stdout_bytes.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows[0] == list(FIELDS)
    expected = expected_all(emulator)
    assert len(rows) == len(expected) + 1
    for row, record in zip(rows[1:], expected, strict=True):
        assert row == [
            record["image_ticket"],
            record["customer_image_id"] or "",
            record["product_id"] or "",
            record["status_name"] or "",
            str(record["status_id"]),
            "true" if record["is_paid"] else "false",
            record["thumbnail_image_url"] or "",
            " ".join(record["final_image_urls"]),  # type: ignore[arg-type]
        ]
    assert any("\n" in r[1] for r in rows) and any("\x01" in r[1] for r in rows)


@pytest.mark.parametrize("columns", ["200", "60"])
def test_table_rows_stay_on_one_line_and_tickets_whole(
    cli: Run, emulator: Emulator, columns: str
) -> None:
    result = cli(*base(emulator), "images", "list", "--all", columns=columns)
    assert result.returncode == 0, result
    lines = result.stdout.split("\n")
    assert lines[-1] == ""
    header, rows = lines[0], lines[1:-1]
    assert header.split()[:2] == ["IMAGE", "TICKET"]
    expected = expected_all(emulator)
    assert len(rows) == len(expected)
    for row, record in zip(rows, expected, strict=True):
        assert row.startswith(str(record["image_ticket"]) + "  ")
    # no raw control characters anywhere: each record is exactly one line
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]", result.stdout)
    if int(columns) < 100:
        assert "…" in result.stdout
    else:
        assert "line one␊line two" in result.stdout


def test_table_shows_none_as_dash(cli: Run, emulator: Emulator) -> None:
    result = cli(*base(emulator), "images", "list", "--all", columns="200")
    none_rows = [r for r in expected_all(emulator) if r["customer_image_id"] is None]
    ticket = str(none_rows[0]["image_ticket"])
    line = next(x for x in result.stdout.splitlines() if x.startswith(ticket))
    assert line.split()[1] == "-"


def test_filters_sort_and_paging(cli: Run, emulator: Emulator) -> None:
    args = [*base(emulator), "images", "list", "--format", "json"]
    delivered = json.loads(cli(*args, "--status", "delivered", "--per-page", "100").stdout)
    assert delivered and {r["status_id"] for r in delivered} == {80}
    excluded = json.loads(cli(*args, "--exclude-status", "80", "--per-page", "100").stdout)
    assert excluded and 80 not in {r["status_id"] for r in excluded}
    page2 = json.loads(cli(*args, "--page", "2", "--per-page", "7", "--sort-by", "date",
                           "--desc").stdout)
    ranged = json.loads(cli(*args, "--from", "2026-03-01", "--to", "2026-06-30",
                            "--product-id", "shoe-pair", "--per-page", "100").stdout)
    with sdk(emulator) as client:
        assert page2 == [record_dict(i) for i in client.list_images(
            page=2, per_page=7, sort_by="date", descending=True)]
        assert ranged == [record_dict(i) for i in client.list_images(
            from_date="2026-03-01", to_date="2026-06-30", product_id="shoe-pair", per_page=100)]
    assert ranged and {r["product_id"] for r in ranged} == {"shoe-pair"}


@pytest.mark.parametrize("protocol", ["soap11", "soap12", "http_post", "http_get"])
def test_protocol_option_pins_one(cli: Run, emulator: Emulator, protocol: str) -> None:
    before = emulator.log.count(protocol)
    result = cli(*base(emulator), "--protocol", protocol, "images", "list", "--per-page", "3",
                 "--format", "ndjson")
    assert result.returncode == 0, result
    assert len(result.stdout.splitlines()) == 3
    assert emulator.log.count(protocol) == before + 1


def test_global_options_are_accepted_after_the_command(cli: Run, emulator: Emulator) -> None:
    result = cli("images", "list", "--per-page", "2", "--format", "json", *base(emulator),
                 "--protocol", "soap12", "--timeout", "5")
    assert result.returncode == 0, result
    assert len(json.loads(result.stdout)) == 2


# -- images get -------------------------------------------------------------------------------


def test_get_by_ticket_and_by_customer_id(cli: Run, emulator: Emulator) -> None:
    with sdk(emulator) as client:
        image = client.list_images(per_page=2)[1]
    by_ticket = cli(*base(emulator), "images", "get", str(image.image_ticket), "--format", "json")
    assert by_ticket.returncode == 0, by_ticket
    assert json.loads(by_ticket.stdout) == record_dict(image)
    assert image.customer_image_id
    by_id = cli(*base(emulator), "images", "get", "--customer-image-id", image.customer_image_id,
                "--format", "ndjson")
    assert [json.loads(x) for x in by_id.stdout.splitlines()] == [record_dict(image)]
    as_csv = cli(*base(emulator), "images", "get", str(image.image_ticket), "--format", "csv")
    rows = list(csv.reader(io.StringIO(as_csv.stdout, newline="")))
    assert rows[0] == list(FIELDS) and rows[1][0] == str(image.image_ticket)
    table = cli(*base(emulator), "images", "get", str(image.image_ticket))
    assert table.returncode == 0
    lines = dict(line.split(None, 1) for line in table.stdout.splitlines() if line[:1] != " ")
    assert lines["image_ticket"] == str(image.image_ticket)
    assert lines["status_id"] == str(image.status_id)


def test_get_table_neutralizes_control_characters(cli: Run, emulator: Emulator) -> None:
    record = next(r for r in emulator.dataset if r.CustomerImageId == "line one\nline two\n")
    result = cli(*base(emulator), "images", "get", str(record.ImageTicket))
    assert result.returncode == 0, result
    assert "customer_image_id    line one␊line two␊\n" in result.stdout


def test_get_unknown_ticket_is_an_api_error(cli: Run, emulator: Emulator) -> None:
    result = cli(*base(emulator), "images", "get", str(uuid.UUID(int=0)))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr_lines == ["pixelz: error: GetImageStatus over soap11: Image not found"]


# -- compare ----------------------------------------------------------------------------------


def _table(stdout: str) -> dict[str, list[str]]:
    lines = stdout.splitlines()
    assert lines[0].split() == ["PROTOCOL", "OUTCOME", "LATENCY", "BYTES", "RECORDS", "AGREES"]
    rows = {}
    for line in lines[1:]:
        if not line.strip():
            break
        cells = line.split()
        rows[cells[0]] = cells[1:]
    return rows


def test_compare_table(cli: Run, emulator: Emulator) -> None:
    result = cli(*base(emulator), "compare", "--status", "delivered", "--per-page", "20")
    assert result.returncode == 0, result
    rows = _table(result.stdout)
    assert list(rows) == ["soap11", "soap12", "http_post", "http_get"]
    for outcome, latency, unit, size, records, agrees in rows.values():
        assert outcome == "ok" and unit == "ms" and float(latency) >= 0
        assert int(size) > 0 and records == "20" and agrees == "yes"
    assert "consistent" in result.stdout.splitlines()[-1]


def test_compare_json(cli: Run, emulator: Emulator) -> None:
    result = cli(*base(emulator), "compare", "--per-page", "5", "--format", "json")
    assert result.returncode == 0, result
    report = json.loads(result.stdout)
    assert report["consistent"] is True and report["differences"] == []
    assert [r["protocol"] for r in report["results"]] == ["soap11", "soap12", "http_post",
                                                          "http_get"]
    assert all(r["outcome"] == "ok" and r["records"] == 5 and r["agrees"] is True
               for r in report["results"])


@pytest.mark.parametrize("blocked_emulator", ["soap12"], indirect=True)
def test_compare_reports_a_blocked_protocol(cli: Run, blocked_emulator: Emulator) -> None:
    result = cli(*base(blocked_emulator), "compare", "--per-page", "5")
    assert result.returncode == 0, result  # the ones that answered agree
    rows = _table(result.stdout)
    assert rows["soap12"][0] == "blocked"
    assert rows["soap12"][-2:] == ["-", "-"]
    assert rows["soap11"][0] == "ok" and rows["soap11"][-1] == "yes"
    assert "errors:" in result.stdout and "  soap12: " in result.stdout


@pytest.mark.parametrize(
    "blocked_emulator", ["soap11,soap12,http_post,http_get"], indirect=True
)
def test_compare_with_no_protocol_answering_exits_1(cli: Run, blocked_emulator: Emulator) -> None:
    result = cli(*base(blocked_emulator), "compare")
    assert result.returncode == 1
    assert {row[0] for row in _table(result.stdout).values()} == {"blocked"}
    assert result.stderr_lines == ["pixelz: error: no protocol answered successfully"]


def test_compare_single_protocol(cli: Run, emulator: Emulator) -> None:
    result = cli(*base(emulator), "--protocol", "http_post", "compare", "--per-page", "3")
    assert result.returncode == 0, result
    assert list(_table(result.stdout)) == ["http_post"]


# -- errors: exit 1, one line, never the key --------------------------------------------------


def test_wrong_credentials_exit_1_without_echoing_the_key(cli: Run, emulator: Emulator) -> None:
    wrong = "sk-WRONG-5d2b8e-also-never-printed"
    env = clean_env(PIXELZ_CONTACT_API_KEY=wrong)
    for protocol in ("auto", "http_get", "http_post"):
        result = cli(*base(emulator), "--protocol", protocol, "images", "list", env=env)
        assert result.returncode == 1, result
        assert result.stdout == ""
        assert len(result.stderr_lines) == 1
        assert result.stderr.startswith("pixelz: error: GetImagesList over ")
        assert wrong not in result.stderr


def test_network_error_exit_1(cli: Run) -> None:
    result = cli("--base-url", "http://127.0.0.1:9/soap.asmx", "--timeout", "2",
                 "images", "list")
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr_lines) == 1
    assert result.stderr.startswith("pixelz: error: GetImagesList over soap11: could not connect")


def test_a_base_url_without_the_asmx_file_is_said_once(cli: Run, emulator: Emulator) -> None:
    wrong = emulator.base_url.removesuffix("/soap.asmx") + "/"
    result = cli("--base-url", wrong, "images", "list")
    assert result.returncode == 1
    assert result.stderr_lines == [
        "pixelz: error: GetImagesList: every protocol (soap11, soap12, http_post, http_get) got "
        "HTTP 404 Not Found: the base URL is probably wrong; it should name the service's .asmx "
        "file, like https://api.pixelz.com/soap.asmx"
    ]


@pytest.mark.parametrize(
    "blocked_emulator", ["soap11,soap12,http_post,http_get"], indirect=True
)
def test_all_protocols_blocked_is_said_once(cli: Run, blocked_emulator: Emulator) -> None:
    result = cli(*base(blocked_emulator), "images", "list")
    assert result.returncode == 1
    assert len(result.stderr_lines) == 1
    line = result.stderr_lines[0]
    assert line.startswith("pixelz: error: GetImagesList: every protocol (soap11, soap12, "
                           "http_post, http_get) failed the same way: ")
    assert line.count("403") == 1


@pytest.mark.parametrize("blocked_emulator", ["soap11"], indirect=True)
def test_pinned_blocked_protocol_exit_1(cli: Run, blocked_emulator: Emulator) -> None:
    result = cli(*base(blocked_emulator), "--protocol", "soap11", "images", "list")
    assert result.returncode == 1
    assert len(result.stderr_lines) == 1
    fallback = cli(*base(blocked_emulator), "images", "list", "--format", "json")
    assert fallback.returncode == 0  # auto falls back past the block


def test_api_error_exit_1(cli: Run, emulator: Emulator) -> None:
    # the emulated service throws for this product id (an unexpected server failure)
    result = cli(*base(emulator), "images", "list", "--product-id", "__boom__")
    assert result.returncode == 1
    assert len(result.stderr_lines) == 1
    assert "Simulated server failure" in result.stderr
