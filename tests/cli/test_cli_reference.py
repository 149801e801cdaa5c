"""The CLI against the Mono-hosted reference ASMX service (skipped without Mono, except in CI)."""

from __future__ import annotations

import json

import pytest

from .conftest import Run, clean_env

pytestmark = pytest.mark.reference

ENV = clean_env(PIXELZ_CONTACT_EMAIL="demo@example.com", PIXELZ_CONTACT_API_KEY="demo-api-key")


def test_cli_against_the_reference_server(
    cli: Run, reference_server: str, reference_dataset: list[dict[str, object]]
) -> None:
    listing = cli("--base-url", reference_server, "images", "list", "--all", "--format",
                  "ndjson", env=ENV)
    assert listing.returncode == 0, listing
    records = [json.loads(line) for line in listing.stdout.split("\n")[:-1]]
    assert len(records) == len(reference_dataset)

    on_hold = cli("--base-url", reference_server, "images", "list", "--status", "On Hold",
                  "--format", "json", env=ENV)
    assert {r["status_id"] for r in json.loads(on_hold.stdout)} == {55}

    compared = cli("--base-url", reference_server, "compare", "--per-page", "25", env=ENV)
    assert compared.returncode == 0, compared
    lines = compared.stdout.splitlines()
    assert [line.split()[0] for line in lines[1:5]] == ["soap11", "soap12", "http_post",
                                                        "http_get"]
    assert all(line.split()[1] == "ok" and line.split()[-1] == "yes" for line in lines[1:5])

    missing = cli("--base-url", reference_server, "images", "get", "--customer-image-id",
                  "no-such-image", env=ENV)
    assert missing.returncode == 1
    assert len(missing.stderr_lines) == 1
