"""pixelz: a Python client for the Pixelz image-editing ASMX web service.

Speaks SOAP 1.1, SOAP 1.2, HTTP POST and HTTP GET, falls back between them when a path
is blocked, and turns every answer into the same frozen :class:`ImageStatus` records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._client import Client
from ._version import __version__
from .errors import (
    AllProtocolsFailedError,
    APIError,
    DownloadError,
    InvalidArgumentError,
    NetworkError,
    OutcomeUnknownError,
    PixelzError,
    ProtocolBlockedError,
    RequestTimeoutError,
    ResponseParseError,
    WebhookError,
)
from .models import (
    AddedTemplate,
    ColorChangeRequest,
    Contact,
    Extra,
    ImagesPage,
    ImageStatus,
    Invoice,
    InvoicesPage,
    MarkerInfo,
    ProductIdsPage,
    ProductIdStatistic,
    Protocol,
    SortBy,
    Status,
    SubmittedImage,
    Template,
    TemplateSpec,
)

if TYPE_CHECKING:
    from . import webhooks
    from ._async_client import AsyncClient
    from ._deliveries import DownloadResult
    from .compare import ProtocolComparison, ProtocolResult
    from .webhooks import CallbackEvent


__all__ = [
    "APIError",
    "AddedTemplate",
    "AllProtocolsFailedError",
    "AsyncClient",
    "CallbackEvent",
    "Client",
    "ColorChangeRequest",
    "Contact",
    "DownloadError",
    "DownloadResult",
    "Extra",
    "ImageStatus",
    "ImagesPage",
    "InvalidArgumentError",
    "Invoice",
    "InvoicesPage",
    "MarkerInfo",
    "NetworkError",
    "OutcomeUnknownError",
    "PixelzError",
    "ProductIdStatistic",
    "ProductIdsPage",
    "Protocol",
    "ProtocolBlockedError",
    "ProtocolComparison",
    "ProtocolResult",
    "RequestTimeoutError",
    "ResponseParseError",
    "SortBy",
    "Status",
    "SubmittedImage",
    "Template",
    "TemplateSpec",
    "WebhookError",
    "__version__",
    "webhooks",
]


def __getattr__(name: str) -> Any:
    # Loaded on first use so that `import pixelz` stays light (docs/performance.md):
    # AsyncClient imports asyncio, and most programs never compare protocols, download
    # files or receive webhooks.
    if name == "AsyncClient":
        from ._async_client import AsyncClient

        return AsyncClient
    if name in ("ProtocolComparison", "ProtocolResult"):
        from . import compare

        return getattr(compare, name)
    if name == "DownloadResult":
        from ._deliveries import DownloadResult

        return DownloadResult
    if name in ("webhooks", "CallbackEvent"):
        import importlib

        # (Not ``from . import webhooks``: that asks this module for the name first, which
        # lands back here.)
        module = importlib.import_module(".webhooks", __name__)
        return module if name == "webhooks" else module.CallbackEvent
    raise AttributeError(f"module 'pixelz' has no attribute {name!r}")
