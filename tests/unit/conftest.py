"""Fixtures for the unit tests: a respx router on the test base URL and a client factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import respx

import pixelz

from ._wire import BASE_URL, EMAIL, KEY


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
