"""Shared fixtures, here so every test folder gets the same session servers.

The reference ASMX server (Mono System.Web.Services on loopback):

- ``reference_server``: instance "all" (SOAP 1.1, SOAP 1.2, HTTP GET, HTTP POST), base URL.
- ``reference_server_soap_only``: instance "soap-only" (GET/POST removed, customErrors On).
- ``reference_server_remote``: instance "all", but the host reports the caller as 192.0.2.10,
  so ASP.NET treats it as a remote caller (error texts without type names or stack traces).
- ``reference_dataset``: the records the servers serve (list of dicts, sorted by Id).
- ``emulator_server`` / ``emulator_server_local`` / ``emulator_server_soap_only``: the in-package
  emulator loaded with the same data set (remote / local error detail; GET/POST disabled).
- ``server`` / ``soap_only_server`` / ``fault_server``: parametrized over the reference service
  and the emulator (``ServerUnderTest``), so one test checks both and their parity.

Without Mono these skip, except when env CI=true, where they fail.

Hypothesis profiles, for every property test: ``ci`` (selected by ``CI=true``) runs
:data:`CI_EXAMPLES` examples per test, ``dev`` (the default elsewhere) a quick
:data:`DEV_EXAMPLES`; ``HYPOTHESIS_PROFILE=ci`` (or ``dev``) picks one explicitly.
``deadline=None``: an example drives a whole client, whose timing varies with the machine,
and the tests assert outcomes, not speed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from ._ci import in_ci
from .integration._reference import ACCOUNT_PATH as ACCOUNT_FILE
from .integration._reference import DATASET_PATH as DATASET_FILE
from .integration._reference import load_dataset, start_or_skip

CI_EXAMPLES = 50
DEV_EXAMPLES = 20

settings.register_profile(
    "ci",
    max_examples=CI_EXAMPLES,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", max_examples=DEV_EXAMPLES, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if in_ci() else "dev"))


@pytest.fixture(scope="session", autouse=True)
def _one_ssl_context() -> Iterator[None]:
    """Build the default SSL context once: httpx builds one per client (~50 ms each),
    which would dominate the suite. The tests only talk plain HTTP on loopback."""
    import httpx._transports.default as default

    real = default.create_ssl_context
    cached = real()

    def create_ssl_context(*args: Any, **kwargs: Any) -> Any:
        return cached if not args and set(kwargs) <= {"verify", "cert", "trust_env"} and (
            kwargs.get("verify", True) is True and kwargs.get("cert") is None
        ) else real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(default, "create_ssl_context", create_ssl_context)
        yield


def _serve(
    tmp_path_factory: pytest.TempPathFactory, instance: str, **kwargs: Any
) -> Iterator[str]:
    """A reference server for the session; yields its base URL, stops it afterwards."""
    server = start_or_skip(instance, workdir=tmp_path_factory.mktemp(f"asmx-{instance}"), **kwargs)
    try:
        assert server.base_url
        yield server.base_url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def reference_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:PORT/soap.asmx``) of the all-protocols instance."""
    yield from _serve(tmp_path_factory, "all")


@pytest.fixture(scope="session")
def reference_server_soap_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the instance with HttpGet/HttpPost removed and custom errors on."""
    yield from _serve(tmp_path_factory, "soap-only")


@pytest.fixture(scope="session")
def reference_server_remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of an all-protocols instance that sees every caller as remote (192.0.2.10)."""
    yield from _serve(tmp_path_factory, "all", remote_address="192.0.2.10")


@pytest.fixture(scope="session")
def reference_dataset() -> list[dict[str, Any]]:
    return load_dataset()


# --------------------------------------------------------------------------- servers under test
#
# ``server`` / ``soap_only_server`` run a test against the Mono reference service AND the
# in-package emulator (pixelz.emulator), both loaded with tests/reference_asmx/dataset.json and
# account.json and the demo credentials, so every such test also checks that the two agree.


class ServerUnderTest:
    """A running service: ``kind`` ("reference", "reference-remote", "emulator", ...) and
    ``base_url``."""

    def __init__(self, kind: str, base_url: str) -> None:
        self.kind = kind
        self.base_url = base_url

    def __repr__(self) -> str:
        return f"<{self.kind} {self.base_url}>"


SERVER_KINDS = [pytest.param("reference", marks=pytest.mark.reference), "emulator"]


def _emulate(**knobs: Any) -> Iterator[str]:
    from pixelz.emulator import serve
    from pixelz.emulator.dataset import load_account_json, load_json

    records = load_json(DATASET_FILE.read_text(encoding="utf-8"))
    account = load_account_json(ACCOUNT_FILE.read_text(encoding="utf-8"))
    with serve(dataset=records, account=account, **knobs) as emulator:
        yield emulator.base_url


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[str]:
    """Base URL of an emulator with every protocol, the reference data set, remote errors."""
    yield from _emulate(errors="remote")


@pytest.fixture(scope="session")
def emulator_server_local() -> Iterator[str]:
    """Like ``emulator_server`` but with local (.NET type + stack trace) error detail."""
    yield from _emulate(errors="local")


@pytest.fixture(scope="session")
def emulator_server_soap_only() -> Iterator[str]:
    """The emulator counterpart of ``reference_server_soap_only``: GET/POST disabled."""
    yield from _emulate(enabled_protocols="soap11,soap12", errors="remote")


@pytest.fixture(scope="session", params=SERVER_KINDS)
def server(request: pytest.FixtureRequest) -> ServerUnderTest:
    """All four protocols enabled: the reference service (local caller) or the emulator."""
    if request.param == "reference":
        return ServerUnderTest("reference", request.getfixturevalue("reference_server"))
    return ServerUnderTest("emulator", request.getfixturevalue("emulator_server"))


@pytest.fixture(scope="session", params=SERVER_KINDS)
def soap_only_server(request: pytest.FixtureRequest) -> ServerUnderTest:
    """HTTP GET and HTTP POST disabled on the server: reference instance B or the emulator."""
    if request.param == "reference":
        url = request.getfixturevalue("reference_server_soap_only")
        return ServerUnderTest("reference-soap-only", url)
    url = request.getfixturevalue("emulator_server_soap_only")
    return ServerUnderTest("emulator-soap-only", url)


@pytest.fixture(
    scope="session",
    params=[
        pytest.param("reference", marks=pytest.mark.reference),
        pytest.param("reference-remote", marks=pytest.mark.reference),
        "emulator",
        "emulator-local",
    ],
)
def fault_server(request: pytest.FixtureRequest) -> ServerUnderTest:
    """Every protocol enabled, with both error-detail styles of both implementations."""
    fixture = {
        "reference": "reference_server",
        "reference-remote": "reference_server_remote",
        "emulator": "emulator_server",
        "emulator-local": "emulator_server_local",
    }[request.param]
    return ServerUnderTest(request.param, request.getfixturevalue(fixture))
