"""The ``pixelz`` command line, run as ``python -m pixelz`` against a loopback emulator."""

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

from .conftest import EMAIL, KEY, cli_env, run

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
        ["compare"],
        ["emulator"],
    ],
    ids=lambda a: " ".join(a) or "top",
)
def test_help_at_every_level_has_examples(args: list[str]) -> None:
    result = run(*args, "--help")
    assert result.returncode == 0
    assert "usage: pixelz" in result.stdout
    assert "examples:" in result.stdout
    assert result.stderr == ""


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"pixelz {pixelz.__version__}"


@pytest.mark.parametrize(
    "args",
    [
        [],  # no command
        ["nope"],
        ["images"],
        ["images", "list", "--per-page", "0"],
        ["images", "list", "--per-page", "101"],
        ["images", "list", "--page", "x"],
        ["images", "list", "--status", "shipped"],
        ["images", "list", "--from", "2026-13-01"],
        ["images", "list", "--sort-by", "size"],
        ["images", "list", "--format", "xml"],
        ["--protocol", "soap13", "images", "list"],
        ["--timeout", "0", "images", "list"],
        ["images", "get"],
        ["images", "get", "not-a-guid"],
        ["images", "get", str(uuid.uuid4()), "--customer-image-id", "x"],
        ["--emulator", "--base-url", "http://x/soap.asmx", "images", "list"],
        ["--emulator", "images", "list", "--base-url", "http://x/soap.asmx"],
        ["--emulator", "emulator"],
        ["--emulator", "images", "list", "--bogus"],
    ],
    ids=lambda a: " ".join(a) or "empty",
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert "error:" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["images", "list", "--all", "--page", "2"],
        ["images", "list", "--from", "2026-05-01", "--to", "2026-04-01"],
    ],
)
def test_semantic_usage_errors_are_one_line(args: list[str]) -> None:
    result = run("--emulator", *args)
    assert result.returncode == 2, result
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("pixelz: error: ")


def test_missing_credentials_is_a_usage_error() -> None:
    result = run("images", "list", env=cli_env(credentials=False))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "PIXELZ_CONTACT_EMAIL" in result.stderr
    assert "PIXELZ_CONTACT_API_KEY" in result.stderr
    assert "--emulator" in result.stderr


# -- images list ------------------------------------------------------------------------------


def test_list_json_matches_the_sdk(emulator: Emulator) -> None:
    result = run(*base(emulator), "images", "list", "--per-page", "25", "--format", "json")
    assert result.returncode == 0, result
    records = json.loads(result.stdout)
    assert isinstance(records, list)
    assert len(records) == 25
    assert all(list(r) == list(FIELDS) for r in records)
    with sdk(emulator) as client:
        assert records == [record_dict(i) for i in client.list_images(per_page=25)]


def test_list_all_json_streams_every_page(emulator: Emulator) -> None:
    result = run(*base(emulator), "images", "list", "--all", "--per-page", "40", "--format", "json")
    assert result.returncode == 0, result
    records = json.loads(result.stdout)
    assert len(records) == len(emulator.dataset)
    assert records == expected_all(emulator, per_page=40)
    assert result.stderr == ""  # no terminal: no progress


def test_empty_result_is_valid_in_every_format(emulator: Emulator) -> None:
    args = [*base(emulator), "images", "list", "--product-id", "no-such-product"]
    assert json.loads(run(*args, "--format", "json").stdout) == []
    assert run(*args, "--format", "ndjson").stdout == ""
    rows = list(csv.reader(io.StringIO(run(*args, "--format", "csv").stdout, newline="")))
    assert rows == [list(FIELDS)]
    table = run(*args, "--format", "table")
    assert table.returncode == 0
    assert table.stdout.splitlines()[0].startswith("IMAGE TICKET")


def test_ndjson_one_object_per_line_with_hard_text(emulator: Emulator) -> None:
    result = run(*base(emulator), "images", "list", "--all", "--format", "ndjson")
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


def test_csv_header_and_rows_round_trip(emulator: Emulator) -> None:
    result = run(*base(emulator), "images", "list", "--all", "--format", "csv")
    assert result.returncode == 0, result
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
def test_table_rows_stay_on_one_line_and_tickets_whole(emulator: Emulator, columns: str) -> None:
    result = run(*base(emulator), "images", "list", "--all", env=cli_env(COLUMNS=columns))
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
    assert "line one␊line two" in result.stdout or int(columns) < 100
    if int(columns) < 100:
        assert "…" in result.stdout


def test_table_shows_none_as_dash(emulator: Emulator) -> None:
    result = run(*base(emulator), "images", "list", "--all", env=cli_env(COLUMNS="200"))
    none_rows = [r for r in expected_all(emulator) if r["customer_image_id"] is None]
    ticket = str(none_rows[0]["image_ticket"])
    line = next(x for x in result.stdout.splitlines() if x.startswith(ticket))
    assert line.split()[1] == "-"


def test_filters_sort_and_paging(emulator: Emulator) -> None:
    args = [*base(emulator), "images", "list", "--format", "json"]
    delivered = json.loads(run(*args, "--status", "delivered", "--per-page", "100").stdout)
    assert delivered and {r["status_id"] for r in delivered} == {80}
    excluded = json.loads(run(*args, "--exclude-status", "80", "--per-page", "100").stdout)
    assert excluded and 80 not in {r["status_id"] for r in excluded}
    page2 = json.loads(run(*args, "--page", "2", "--per-page", "7", "--sort-by", "date",
                           "--desc").stdout)
    ranged = json.loads(run(*args, "--from", "2026-03-01", "--to", "2026-06-30",
                            "--product-id", "shoe-pair", "--per-page", "100").stdout)
    with sdk(emulator) as client:
        assert page2 == [record_dict(i) for i in client.list_images(
            page=2, per_page=7, sort_by="date", descending=True)]
        assert ranged == [record_dict(i) for i in client.list_images(
            from_date="2026-03-01", to_date="2026-06-30", product_id="shoe-pair", per_page=100)]
    assert ranged and {r["product_id"] for r in ranged} == {"shoe-pair"}


@pytest.mark.parametrize("protocol", ["soap11", "soap12", "http_post", "http_get"])
def test_protocol_option_pins_one(emulator: Emulator, protocol: str) -> None:
    before = emulator.log.count(protocol)
    result = run(*base(emulator), "--protocol", protocol, "images", "list", "--per-page", "3",
                 "--format", "ndjson")
    assert result.returncode == 0, result
    assert len(result.stdout.splitlines()) == 3
    assert emulator.log.count(protocol) == before + 1


def test_global_options_are_accepted_after_the_command(emulator: Emulator) -> None:
    result = run("images", "list", "--per-page", "2", "--format", "json", *base(emulator),
                 "--protocol", "soap12", "--timeout", "5")
    assert result.returncode == 0, result
    assert len(json.loads(result.stdout)) == 2


# -- images get -------------------------------------------------------------------------------


def test_get_by_ticket_and_by_customer_id(emulator: Emulator) -> None:
    with sdk(emulator) as client:
        image = client.list_images(per_page=2)[1]
    by_ticket = run(*base(emulator), "images", "get", str(image.image_ticket), "--format", "json")
    assert by_ticket.returncode == 0, by_ticket
    assert json.loads(by_ticket.stdout) == record_dict(image)
    assert image.customer_image_id
    by_id = run(*base(emulator), "images", "get", "--customer-image-id", image.customer_image_id,
                "--format", "ndjson")
    assert [json.loads(x) for x in by_id.stdout.splitlines()] == [record_dict(image)]
    as_csv = run(*base(emulator), "images", "get", str(image.image_ticket), "--format", "csv")
    rows = list(csv.reader(io.StringIO(as_csv.stdout, newline="")))
    assert rows[0] == list(FIELDS) and rows[1][0] == str(image.image_ticket)
    table = run(*base(emulator), "images", "get", str(image.image_ticket))
    assert table.returncode == 0
    lines = dict(line.split(None, 1) for line in table.stdout.splitlines() if line[:1] != " ")
    assert lines["image_ticket"] == str(image.image_ticket)
    assert lines["status_id"] == str(image.status_id)


def test_get_table_neutralizes_control_characters(emulator: Emulator) -> None:
    record = next(r for r in emulator.dataset if r.CustomerImageId == "line one\nline two\n")
    result = run(*base(emulator), "images", "get", str(record.ImageTicket))
    assert result.returncode == 0, result
    assert "customer_image_id    line one␊line two␊\n" in result.stdout


def test_get_unknown_ticket_is_an_api_error(emulator: Emulator) -> None:
    result = run(*base(emulator), "images", "get", str(uuid.UUID(int=0)))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("pixelz: error: GetImageStatus over ")


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


def test_compare_table(emulator: Emulator) -> None:
    result = run(*base(emulator), "compare", "--status", "delivered", "--per-page", "20")
    assert result.returncode == 0, result
    rows = _table(result.stdout)
    assert list(rows) == ["soap11", "soap12", "http_post", "http_get"]
    for outcome, latency, unit, size, records, agrees in rows.values():
        assert outcome == "ok" and unit == "ms" and float(latency) >= 0
        assert int(size) > 0 and records == "20" and agrees == "yes"
    assert "consistent" in result.stdout.splitlines()[-1]


def test_compare_json(emulator: Emulator) -> None:
    result = run(*base(emulator), "compare", "--per-page", "5", "--format", "json")
    assert result.returncode == 0, result
    report = json.loads(result.stdout)
    assert report["consistent"] is True and report["differences"] == []
    assert [r["protocol"] for r in report["results"]] == ["soap11", "soap12", "http_post",
                                                          "http_get"]
    assert all(r["outcome"] == "ok" and r["records"] == 5 and r["agrees"] is True
               for r in report["results"])


@pytest.mark.parametrize("blocked_emulator", ["soap12"], indirect=True)
def test_compare_reports_a_blocked_protocol(blocked_emulator: Emulator) -> None:
    result = run(*base(blocked_emulator), "compare", "--per-page", "5")
    assert result.returncode == 0, result  # the ones that answered agree
    rows = _table(result.stdout)
    assert rows["soap12"][0] == "blocked"
    assert rows["soap12"][-2:] == ["-", "-"]
    assert rows["soap11"][0] == "ok" and rows["soap11"][-1] == "yes"
    assert "errors:" in result.stdout and "  soap12: " in result.stdout


@pytest.mark.parametrize(
    "blocked_emulator", ["soap11,soap12,http_post,http_get"], indirect=True
)
def test_compare_with_no_protocol_answering_exits_1(blocked_emulator: Emulator) -> None:
    result = run(*base(blocked_emulator), "compare")
    assert result.returncode == 1
    assert {row[0] for row in _table(result.stdout).values()} == {"blocked"}
    assert result.stderr.count("\n") == 1


def test_compare_single_protocol(emulator: Emulator) -> None:
    result = run(*base(emulator), "--protocol", "http_post", "compare", "--per-page", "3")
    assert result.returncode == 0, result
    assert list(_table(result.stdout)) == ["http_post"]


# -- --emulator -------------------------------------------------------------------------------


def test_embedded_emulator_needs_no_credentials() -> None:
    env = cli_env(credentials=False)
    listing = run("--emulator", "images", "list", "--per-page", "5", "--format", "json", env=env)
    assert listing.returncode == 0, listing
    records = json.loads(listing.stdout)
    assert len(records) == 5
    got = run("--emulator", "images", "get", records[0]["image_ticket"], "--format", "json",
              env=env)
    assert json.loads(got.stdout) == records[0]
    compared = run("--emulator", "compare", env=env)
    assert compared.returncode == 0, compared
    everything = run("--emulator", "images", "list", "--all", "--format", "ndjson", env=env)
    assert len(everything.stdout.splitlines()) == 250


# -- errors: exit 1, one line, never the key --------------------------------------------------


def test_wrong_credentials_exit_1_without_echoing_the_key(emulator: Emulator) -> None:
    wrong = "sk-WRONG-5d2b8e-also-never-printed"
    env = cli_env(PIXELZ_CONTACT_API_KEY=wrong)
    for protocol in ("auto", "http_get", "http_post"):
        result = run(*base(emulator), "--protocol", protocol, "images", "list", env=env)
        assert result.returncode == 1, result
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1
        assert result.stderr.startswith("pixelz: error: GetImagesList over ")
        assert wrong not in result.stderr


def test_network_error_exit_1() -> None:
    result = run("--base-url", "http://127.0.0.1:9/soap.asmx", "--timeout", "2",
                 "images", "list")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("pixelz: error: ")


@pytest.mark.parametrize(
    "blocked_emulator", ["soap11,soap12,http_post,http_get"], indirect=True
)
def test_all_protocols_failed_exit_1(blocked_emulator: Emulator) -> None:
    result = run(*base(blocked_emulator), "images", "list")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "every protocol failed" in result.stderr


@pytest.mark.parametrize("blocked_emulator", ["soap11"], indirect=True)
def test_pinned_blocked_protocol_exit_1(blocked_emulator: Emulator) -> None:
    result = run(*base(blocked_emulator), "--protocol", "soap11", "images", "list")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    fallback = run(*base(blocked_emulator), "images", "list", "--format", "json")
    assert fallback.returncode == 0  # auto falls back past the block


def test_api_error_exit_1(emulator: Emulator) -> None:
    # the emulated service throws for this product id (an unexpected server failure)
    result = run(*base(emulator), "images", "list", "--product-id", "__boom__")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "Simulated server failure" in result.stderr


def test_broken_pipe_is_quiet(emulator: Emulator) -> None:
    import subprocess
    import sys

    from .conftest import REPO

    proc = subprocess.Popen(
        [sys.executable, "-m", "pixelz", *base(emulator), "images", "list", "--all",
         "--format", "ndjson", "--per-page", "10"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(), cwd=REPO,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert json.loads(proc.stdout.readline())
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=30) == 0
    assert stderr == ""
