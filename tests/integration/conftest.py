"""Integration fixtures: the reference ASMX server (Mono System.Web.Services on loopback).

- ``reference_server``: instance "all" (SOAP 1.1, SOAP 1.2, HTTP GET, HTTP POST), base URL.
- ``reference_server_soap_only``: instance "soap-only" (GET/POST removed, customErrors On).
- ``reference_server_remote``: instance "all", but the host reports the caller as 192.0.2.10,
  so ASP.NET treats it as a remote caller (error texts without type names or stack traces).
- ``reference_dataset``: the records the servers serve (list of dicts, sorted by Id).

Without Mono these skip, except when env CI=true, where they fail.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

try:
    from ._reference import ReferenceServer, load_dataset, start_or_skip
except ImportError:  # tests/integration is not a package
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _reference import (  # type: ignore[import-not-found,no-redef]
        ReferenceServer,
        load_dataset,
        start_or_skip,
    )


def _serve(
    tmp_path_factory: pytest.TempPathFactory, instance: str, **kwargs: Any
) -> Iterator[ReferenceServer]:
    server = start_or_skip(instance, workdir=tmp_path_factory.mktemp(f"asmx-{instance}"), **kwargs)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def reference_server_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    yield from _serve(tmp_path_factory, "all")


@pytest.fixture(scope="session")
def reference_server(reference_server_process: ReferenceServer) -> str:
    """Base URL (``http://127.0.0.1:PORT/soap.asmx``) of the all-protocols instance."""
    assert reference_server_process.base_url
    return reference_server_process.base_url


@pytest.fixture(scope="session")
def reference_server_soap_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the instance with HttpGet/HttpPost removed and custom errors on."""
    for server in _serve(tmp_path_factory, "soap-only"):
        assert server.base_url
        yield server.base_url


@pytest.fixture(scope="session")
def reference_server_remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of an all-protocols instance that sees every caller as remote (192.0.2.10)."""
    for server in _serve(tmp_path_factory, "all", remote_address="192.0.2.10"):
        assert server.base_url
        yield server.base_url


@pytest.fixture(scope="session")
def reference_dataset() -> list[dict[str, Any]]:
    return load_dataset()
