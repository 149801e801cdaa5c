"""``products list``, ``invoices list``, ``templates list``, ``templates get`` and
``account``: every output format, paging, --all with its progress bar; in-process, against
the respx stand-in of _fake.py."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from ._fake import AT, FakeService, invoices, products, soap_fault
from .conftest import Run

HINT = "pixelz: run '{}' for the options and examples"
ANSI = re.compile(r"\x1b\[")


# -- products --------------------------------------------------------------------------------


def test_products_table_and_footer(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "products", "list", "--per-page", "5", tty=True)
    assert result.returncode == 0, result
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["PRODUCT", "DONE", "TO", "DO"]
    assert [line.split() for line in lines[1:]] == [
        [f"JKT-{n:05d}", str(n % 7), str(n % 3)] for n in range(1, 6)]
    assert not ANSI.search(result.stdout)  # stdout is not a terminal: plain text
    assert result.stderr == ("5 products on page 1, over soap11; more: --page 2, or --all for "
                             "every page\n")
    last = cli(*AT, "products", "list", "--per-page", "5", "--page", "2", tty=True)
    assert len(last.stdout.splitlines()) == 3
    assert last.stderr == "2 products on page 2, over soap11 (the last page)\n"
    assert [p.get("productIdsPerPage") for _, p in service.calls] == ["5", "5"]


def test_products_json_ndjson_csv(cli: Run, service: FakeService) -> None:
    first = {"product_id": "JKT-00001", "done_count": 1, "todo_count": 1}
    as_json = json.loads(cli(*AT, "products", "list", "--format", "json").stdout)
    assert len(as_json) == 7 and as_json[0] == first
    ndjson = cli(*AT, "products", "list", "--format", "ndjson").stdout.splitlines()
    assert [json.loads(line) for line in ndjson] == as_json
    rows = list(csv.reader(io.StringIO(cli(*AT, "products", "list", "--format", "csv").stdout,
                                       newline="")))
    assert rows[0] == ["product_id", "done_count", "todo_count"]
    assert rows[1] == ["JKT-00001", "1", "1"] and len(rows) == 8


def test_products_all_walks_every_page(cli: Run, service: FakeService) -> None:
    service.answers["GetProductIdsList"] = products(230)
    result = cli(*AT, "products", "list", "--all", "--format", "ndjson")
    assert result.returncode == 0, result
    ids = [json.loads(line)["product_id"] for line in result.stdout.splitlines()]
    assert ids == [f"JKT-{n:05d}" for n in range(1, 231)]
    assert result.stderr == ""  # not a terminal: no bar, no count
    assert [p["page"] for _, p in service.calls] == ["1", "2", "3"]
    assert {p["productIdsPerPage"] for _, p in service.calls} == {"100"}


def test_products_all_progress_bar(cli: Run, service: FakeService) -> None:
    service.answers["GetProductIdsList"] = products(230)
    result = cli(*AT, "products", "list", "--all", "--per-page", "50", "--format", "csv",
                 tty=True)
    assert result.returncode == 0, result
    assert " 200 products, fetching page 5, over soap11 " in result.stderr
    assert result.stderr.endswith("\x1b[2Kpixelz: 230 products over soap11\n")
    assert not ANSI.search(result.stdout)


def test_products_page_and_all_cannot_be_combined(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "products", "list", "--all", "--page", "2")
    assert result.returncode == 2
    assert result.stderr_lines == [
        "pixelz: error: --page and --all cannot be combined (--all starts at page 1)",
        HINT.format("pixelz products list --help")]
    assert service.calls == []


def test_products_per_page_is_checked(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "products", "list", "--per-page", "500")
    assert result.returncode == 2
    assert result.stderr_lines[0] == (
        "pixelz: error: --per-page: expected a number of product ids per page from 1 to 100, "
        "got '500'")


def test_products_api_error(cli: Run, service: FakeService) -> None:
    service.answers["GetProductIdsList"] = soap_fault("Invalid contact")
    result = cli(*AT, "products", "list")
    assert result.returncode == 1
    assert result.stderr_lines == ["pixelz: error: GetProductIdsList over soap11: Invalid "
                                   "contact"]


# -- invoices --------------------------------------------------------------------------------


def test_invoices_table_and_date_range(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "invoices", "list", "--from", "2026-01-01", "--to", "2026-06-30",
                 "--return-url", "https://shop.example.com/billing", columns="250")
    assert result.returncode == 0, result
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["INVOICE", "CREATED", "AMOUNT", "DUE", "PAID", "INVOICE",
                                "URL", "PAYMENT", "URL"]
    assert lines[1].split() == ["INV-2026-001", "2026-02-01", "10.50", "no",
                                "https://pay.pixelz.example/invoices/INV-2026-001.pdf",
                                "https://pay.pixelz.example/invoices/INV-2026-001/pay"]
    assert len(lines) == 11
    [(_, params)] = service.calls
    assert (params["fromDate"], params["toDate"], params["page"], params["returnUrl"]) == (
        "2026-01-01", "2026-06-30", "1", "https://shop.example.com/billing")


@pytest.mark.parametrize(
    ("columns", "headers"),
    [
        ("250", ["INVOICE", "CREATED", "AMOUNT DUE", "PAID", "INVOICE URL", "PAYMENT URL"]),
        ("120", ["INVOICE", "CREATED", "AMOUNT DUE", "PAID", "INVOICE URL"]),
        ("60", ["INVOICE", "CREATED", "AMOUNT DUE", "PAID"]),
    ],
)
def test_a_narrow_terminal_leaves_the_urls_out_rather_than_cut_them(
    cli: Run, service: FakeService, columns: str, headers: list[str]
) -> None:
    result = cli(*AT, "invoices", "list", columns=columns)
    lines = result.stdout.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == headers
    assert all(len(line) <= int(columns) for line in lines)
    assert "…" not in result.stdout


def test_invoices_json_schema(cli: Run, service: FakeService) -> None:
    records = json.loads(cli(*AT, "invoices", "list", "--format", "json").stdout)
    assert records[1] == {
        "invoice_id": "INV-2026-002", "created_date": "2026-03-01", "amount_due": "20.50",
        "is_paid": True, "payment_url": "https://pay.pixelz.example/invoices/INV-2026-002/pay",
        "invoice_url": "https://pay.pixelz.example/invoices/INV-2026-002.pdf"}


def test_invoices_all_stops_at_the_first_empty_page(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "invoices", "list", "--all", "--format", "csv")
    assert result.returncode == 0, result
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows[0] == ["invoice_id", "created_date", "amount_due", "is_paid", "payment_url",
                       "invoice_url"]
    assert [r[0] for r in rows[1:]] == [f"INV-2026-{n:03d}" for n in range(1, 26)]
    assert [p["page"] for _, p in service.calls] == ["1", "2", "3", "4"]


def test_invoices_all_progress_says_fetching_more(cli: Run, service: FakeService) -> None:
    # the service does not say its page size: the bar counts invoices, not pages
    service.answers["GetInvoiceList"] = invoices(25, per_page=25)
    result = cli(*AT, "invoices", "list", "--all", "--format", "ndjson", tty=True)
    assert result.returncode == 0, result
    assert " 0 invoices, fetching more " in result.stderr  # no protocol has answered yet
    assert result.stderr.endswith("\x1b[2Kpixelz: 25 invoices over soap11\n")


def test_invoices_footer_cannot_know_the_last_page(cli: Run, service: FakeService) -> None:
    first = cli(*AT, "invoices", "list", tty=True)
    assert first.stderr == ("10 invoices on page 1, over soap11; more: --page 2, or --all for "
                            "every page\n")
    empty = cli(*AT, "invoices", "list", "--page", "9", tty=True)
    assert empty.stdout.splitlines()[0].startswith("INVOICE")
    assert empty.stderr == "0 invoices on page 9, over soap11 (the last page)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-05-01", "--to", "2026-04-01"],
         "--from 2026-05-01 is after --to 2026-04-01: the range includes both days, so --from "
         "must not be later than --to"),
        (["--all", "--page", "3"], "--page and --all cannot be combined (--all starts at page 1)"),
        (["--return-url", "billing"],
         "--return-url: 'billing' is not an http(s) URL such as https://example.com/photo.jpg"),
        (["--to", "2026-13-01"],
         "--to: 2026-13-01 is not a day on the calendar (month must be in 1..12)"),
    ],
)
def test_invoices_usage_errors(
    cli: Run, service: FakeService, args: list[str], message: str
) -> None:
    result = cli(*AT, "invoices", "list", *args)
    assert result.returncode == 2
    assert result.stderr_lines == [f"pixelz: error: {message}",
                                   HINT.format("pixelz invoices list --help")]
    assert service.calls == []


# -- templates -------------------------------------------------------------------------------


def test_templates_table(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "templates", "list", columns="200")
    assert result.returncode == 0, result
    lines = result.stdout.splitlines()
    assert re.split(r"\s{2,}", lines[0].strip()) == ["ID", "NAME", "PRICES", "COMBINED",
                                             "COLOR ADJUSTMENT", "COLOR MATCHING"]
    assert re.split(r"\s{2,}", lines[1].strip()) == [
        "101", "White background", "1.45 USD & 0.20 USD <per extra>", "no", "no", "no"]
    assert re.split(r"\s{2,}", lines[2].strip()) == [
        "103", "Ghost mannequin – café", "-", "yes", "no", "yes"]
    narrow = cli(*AT, "templates", "list", columns="60").stdout.splitlines()
    assert re.split(r"\s{2,}", narrow[0].strip()) == ["ID", "NAME", "PRICES"]


def test_templates_json_keeps_extra_elements(cli: Run, service: FakeService) -> None:
    records = json.loads(cli(*AT, "templates", "list", "--format", "json").stdout)
    assert records[0] == {
        "template_id": 101, "contact_id": 7, "name": "White background",
        "prices": "1.45 USD & 0.20 USD <per extra>", "is_combined_images": False,
        "template_label_id": None, "is_recreate_detail": None, "color_adjustment": False,
        "color_adjustment_setting": None, "color_adjustment_comment": None,
        "color_matching": False, "color_matching_setting": None, "extra": {"Shadow": "drop"}}
    assert records[1]["extra"] == {}
    rows = list(csv.reader(io.StringIO(
        cli(*AT, "templates", "list", "--format", "csv").stdout, newline="")))
    assert rows[0][-1] == "extra" and rows[1][-1] == '{"Shadow": "drop"}' and rows[2][-1] == "{}"


def test_template_get_details_and_json(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "templates", "get", "101")
    assert result.returncode == 0, result
    assert service.calls[0][1]["templateId"] == "101"
    fields = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in result.stdout.splitlines())
    assert fields["template_id"] == "101" and fields["price"] == "1.450"
    assert fields["currency"] == "USD" and fields["is_deleted"] == "no"
    assert fields["resize_height"] == "-" and fields["extra.Shadow"] == "drop"
    record = json.loads(cli(*AT, "templates", "get", "101", "--format", "json").stdout)
    assert record["price"] == "1.450"  # a Decimal, exact, as a string
    assert record["delivery_time_hours"] == 24 and record["extra"] == {"Shadow": "drop"}
    assert list(record)[:4] == ["template_id", "name", "price", "currency"]


def test_template_get_unknown_and_invalid(cli: Run, service: FakeService) -> None:
    service.answers["GetTemplateSpec"] = soap_fault("Template not found")
    missing = cli(*AT, "templates", "get", "999")
    assert missing.returncode == 1
    assert missing.stderr_lines == ["pixelz: error: GetTemplateSpec over soap11: Template not "
                                    "found"]
    invalid = cli(*AT, "templates", "get", "white")
    assert invalid.returncode == 2
    assert invalid.stderr_lines[0] == ("pixelz: error: expected a template id (a whole number, "
                                       "as `pixelz templates list` shows), got 'white'")


# -- account -----------------------------------------------------------------------------------


def test_account_details(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "account")
    assert result.returncode == 0, result
    assert result.stdout == (
        "person           Dana Reviewer\n"
        "company          Example Imaging Ltd\n"
        "email            dana@example.com\n"
        "days_of_credit   30\n"
        "account_balance  125.50\n"
        "currency         USD\n"
        "trial_images     5\n"
    )
    assert service.operations == ["GetContactDetailed"]


def test_account_json_csv(cli: Run, service: FakeService) -> None:
    record = json.loads(cli(*AT, "account", "--format", "json").stdout)
    assert record == {"person": "Dana Reviewer", "company": "Example Imaging Ltd",
                      "email": "dana@example.com", "days_of_credit": 30,
                      "account_balance": "125.50", "currency": "USD", "trial_images": 5}
    rows = list(csv.reader(io.StringIO(cli(*AT, "account", "--format", "csv").stdout,
                                       newline="")))
    assert rows == [list(record), ["Dana Reviewer", "Example Imaging Ltd", "dana@example.com",
                                   "30", "125.50", "USD", "5"]]
