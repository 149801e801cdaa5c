"""Fixtures for the unit tests: a respx router on the test base URL and a client factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import respx

import pixelz

from ._wire import BASE_URL, EMAIL, KEY


@pytest.fixture(scope="session", autouse=True)
def _one_ssl_context() -> Iterator[None]:
    """Build the default SSL context once: httpx builds one per client (~50 ms each),
    which would dominate this suite. Unit tests never open a connection anyway."""
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


@pytest.fixture(autouse=True)
def _no_env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests pass credentials explicitly; a developer's real ones must never leak in.
    monkeypatch.delenv("PIXELZ_CONTACT_EMAIL", raising=False)
    monkeypatch.delenv("PIXELZ_CONTACT_API_KEY", raising=False)


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    """Every request must hit a route (unmatched ones fail the test); none go out."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def make_client() -> Iterator[Callable[..., pixelz.Client]]:
    clients: list[pixelz.Client] = []

    def make(protocols: Any = None, **kwargs: Any) -> pixelz.Client:
        kwargs.setdefault("base_url", BASE_URL)
        kwargs.setdefault("max_retries", 0)
        client = pixelz.Client(EMAIL, KEY, protocols=protocols, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
