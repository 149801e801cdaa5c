"""The account and write commands end to end against a loopback emulator with per-account
state: what a command changes, the next one sees; what the command line prints, the SDK reads
the same. Each test gets its own emulator, so its changes stay its own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

import pixelz
from pixelz._cli_records import record_dict
from pixelz.emulator import Emulator, serve

from .conftest import EMAIL, KEY, Run, clean_env

URL = "https://img.example.com/jacket.jpg"
ENV = clean_env(PIXELZ_DEVELOPER_API_KEY="dev-key-for-the-emulator")


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with serve(contact_email=EMAIL, contact_api_key=KEY) as emulator:
        yield emulator


def at(emu: Emulator, protocol: str = "auto") -> list[str]:
    return ["--base-url", emu.base_url, "--protocol", protocol]


def _image(cli: Run, emu: Emulator, *how: str) -> dict[str, Any]:
    result = cli(*at(emu), "images", "get", *how, "--format", "json")
    assert result.returncode == 0, result
    record: dict[str, Any] = json.loads(result.stdout)
    return record


def test_submit_follow_and_delete(cli: Run, emu: Emulator) -> None:
    submitted = cli(*at(emu), "images", "submit", URL, "--template", "101",
                    "--customer-image-id", "CLI-1", "--product-id", "JKT-20001", env=ENV)
    assert submitted.returncode == 0, submitted
    ticket = submitted.stdout.strip()
    record = _image(cli, emu, "--customer-image-id", "CLI-1")
    assert (record["image_ticket"], record["status_name"], record["product_id"]) == (
        ticket, "New", "JKT-20001")
    again = cli(*at(emu), "images", "submit", URL, "--template", "101", "--customer-image-id",
                "CLI-1", env=ENV)
    assert again.returncode == 1
    assert again.stderr_lines == ["pixelz: error: AddImageToQueue over soap11: Duplicate "
                                  "customerImageId"]
    deleted = cli(*at(emu), "images", "delete", ticket, "--yes")
    assert deleted.returncode == 0, deleted
    gone = cli(*at(emu), "images", "get", ticket)
    assert gone.returncode == 1 and "Image not found" in gone.stderr


@pytest.mark.parametrize("protocol", ["soap11", "soap12", "http_post", "http_get"])
def test_a_stack_submission_on_every_protocol(cli: Run, emu: Emulator, protocol: str) -> None:
    result = cli(*at(emu, protocol), "images", "submit", URL, "--template", "101", "--stack",
                 "--colorway", "3", "--customer-image-id", f"STACK-{protocol}", env=ENV)
    assert result.returncode == 0, result
    assert _image(cli, emu, result.stdout.strip())["customer_image_id"] == (
        f"STACK-{protocol}")


@pytest.mark.parametrize("protocol", ["http_post", "http_get"])
def test_a_soap_only_submission_pinned_elsewhere_is_refused(
    cli: Run, emu: Emulator, protocol: str
) -> None:
    result = cli(*at(emu, protocol), "images", "submit", URL, "--template", "101", env=ENV)
    assert result.returncode == 1
    assert len(result.stderr_lines) == 1 and "AddImageToQueue" in result.stderr


def test_delete_in_production_is_refused(cli: Run, emu: Emulator) -> None:
    busy = next(r for r in emu.dataset if r.StatusId == 60)
    result = cli(*at(emu), "images", "delete", str(busy.ImageTicket), "--yes")
    assert result.returncode == 1
    assert result.stderr_lines == ["pixelz: error: DeleteImageFromQueue over soap11: Image is "
                                   "already in production"]


def test_reject_sends_a_delivered_image_back(cli: Run, emu: Emulator) -> None:
    delivered = next(r for r in emu.dataset if r.StatusId == 80)
    ticket = str(delivered.ImageTicket)
    result = cli(*at(emu), "images", "reject", ticket, "--comment", "crop tighter", "--yes")
    assert result.returncode == 0, result
    assert result.stdout == f"rejected image {ticket}: back to production\n"
    assert _image(cli, emu, ticket)["status_id"] == 60


def test_account_edit_is_what_account_then_shows(cli: Run, emu: Emulator) -> None:
    edited = cli(*at(emu), "account", "edit", "--name", "Sam Editor", "--yes")
    assert edited.returncode == 0, edited
    shown = json.loads(cli(*at(emu), "account", "--format", "json").stdout)
    assert shown["person"] == "Sam Editor"


def test_reads_print_what_the_sdk_reads(cli: Run, emu: Emulator) -> None:
    with pixelz.Client(EMAIL, KEY, base_url=emu.base_url) as client:
        expected = {
            ("products", "list", "--all"): [record_dict(s) for s in client.iter_product_ids()],
            ("invoices", "list", "--all"): [record_dict(i) for i in client.iter_invoices()],
            ("templates", "list"): [record_dict(t) for t in client.list_templates()],
        }
        template = client.list_templates()[0]
        spec = record_dict(client.get_template(template.template_id))
        contact = record_dict(client.get_contact())
    for args, records in expected.items():
        result = cli(*at(emu), *args, "--format", "ndjson")
        assert result.returncode == 0, result
        assert [json.loads(line) for line in result.stdout.splitlines()] == records, args
        assert records, args
    got = cli(*at(emu), "templates", "get", str(template.template_id), "--format", "json")
    assert json.loads(got.stdout) == spec
    assert json.loads(cli(*at(emu), "account", "--format", "json").stdout) == contact


def test_the_embedded_emulator_takes_a_submission_without_a_developer_key(cli: Run) -> None:
    result = cli("--emulator", "images", "submit", URL, "--template", "101",
                 env=clean_env(credentials=False))
    assert result.returncode == 0, result
    assert len(result.stdout.strip()) == 36
