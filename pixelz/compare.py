"""Protocol comparison: the same call over each protocol, and how the answers differ."""

from __future__ import annotations

from typing import Any

import attrs

from .errors import APIError, NetworkError, PixelzError, ProtocolBlockedError
from .models import Protocol

__all__ = ["ProtocolComparison", "ProtocolResult", "outcome_of"]


def outcome_of(error: PixelzError | None) -> str:
    """``"ok"``, ``"blocked"``, ``"api_error"``, ``"network_error"`` or ``"parse_error"``."""
    if error is None:
        return "ok"
    if isinstance(error, ProtocolBlockedError):
        return "blocked"
    if isinstance(error, APIError):
        return "api_error"
    if isinstance(error, NetworkError):
        return "network_error"
    return "parse_error"


@attrs.frozen(slots=True)
class ProtocolResult:
    """One protocol's answer to the compared call: ``value`` is what the client method
    returned (an ``ImagesPage`` for ``list_images``), None when it failed."""

    protocol: Protocol | str
    outcome: str
    error: PixelzError | None
    latency: float
    response_bytes: int
    value: Any = None

    @property
    def page(self) -> Any:
        """The page, for a paged list (``ImagesPage``, ``ProductIdsPage``, ...), else None."""
        return self.value if hasattr(self.value, "is_last") else None

    @property
    def records(self) -> tuple[Any, ...]:
        """The records of the value: a page's or a tuple's items, or the one record."""
        if self.error is not None:
            return ()
        value = self.value
        if isinstance(value, tuple) or hasattr(value, "is_last"):
            return tuple(value)
        return () if value is None else (value,)


@attrs.frozen(slots=True)
class ProtocolComparison:
    """Every protocol's result; ``consistent`` when all successful ones agree."""

    results: tuple[ProtocolResult, ...]

    @property
    def agreement(self) -> tuple[bool | None, ...]:
        """Per result: None when it failed, else whether its records equal those of the
        first successful result."""
        ok = [r for r in self.results if r.error is None]
        base = ok[0].records if ok else ()
        return tuple(None if r.error is not None else r.records == base for r in self.results)

    @property
    def consistent(self) -> bool:
        return not self.differences

    @property
    def differences(self) -> tuple[str, ...]:
        """Lines naming protocol, record and field wherever a result differs from the
        first successful one."""
        ok = [r for r in self.results if r.error is None]
        if len(ok) < 2:
            return ()
        base = ok[0]
        lines: list[str] = []
        for other in ok[1:]:
            lines.extend(_diff(base.protocol, base.records, other.protocol, other.records))
        return tuple(lines)


def _label(record: Any, index: int) -> str:
    key = getattr(record, "image_ticket", None) or getattr(record, "template_id", None)
    return f"record {index}" + (f" ({key})" if key is not None else "")


def _diff(
    name_a: Protocol | str, a: tuple[Any, ...], name_b: Protocol | str, b: tuple[Any, ...]
) -> list[str]:
    lines = []
    if len(a) != len(b):
        lines.append(f"{name_b}: {len(b)} records, {name_a}: {len(a)}")
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        names = [f.name for f in attrs.fields(type(y))] if attrs.has(type(y)) else []
        for field in names:
            if getattr(x, field) != getattr(y, field):
                lines.append(
                    f"{name_b}: {_label(y, index)}: {field} "
                    f"{getattr(y, field)!r} != {getattr(x, field)!r} ({name_a})"
                )
        if not names and x != y:
            lines.append(f"{name_b}: {_label(y, index)}: {y!r} != {x!r} ({name_a})")
    return lines
