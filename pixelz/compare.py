"""Protocol comparison: the same query over each protocol, and how the answers differ."""

from __future__ import annotations

import attrs

from ._operations import IMAGE_STATUS
from .errors import APIError, NetworkError, PixelzError, ProtocolBlockedError
from .models import ImagesPage, ImageStatus, Protocol

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
    """One protocol's answer to the compared query."""

    protocol: Protocol | str
    outcome: str
    error: PixelzError | None
    latency: float
    response_bytes: int
    page: ImagesPage | None


@attrs.frozen(slots=True)
class ProtocolComparison:
    """Every protocol's result; ``consistent`` when all successful ones agree."""

    results: tuple[ProtocolResult, ...]

    @property
    def agreement(self) -> tuple[bool | None, ...]:
        """Per result: None when it failed, else whether its records equal those of the
        first successful result."""
        base = next((r.page.images for r in self.results if r.page is not None), None)
        return tuple(None if r.page is None else r.page.images == base for r in self.results)

    @property
    def consistent(self) -> bool:
        return not self.differences

    @property
    def differences(self) -> tuple[str, ...]:
        """Lines naming protocol, record and field wherever a result differs from the
        first successful one."""
        ok = [r for r in self.results if r.page is not None]
        if len(ok) < 2:
            return ()
        base = ok[0]
        assert base.page is not None
        lines: list[str] = []
        for other in ok[1:]:
            assert other.page is not None
            lines.extend(_diff(base.protocol, base.page.images, other.protocol, other.page.images))
        return tuple(lines)


def _diff(
    name_a: Protocol | str,
    a: tuple[ImageStatus, ...],
    name_b: Protocol | str,
    b: tuple[ImageStatus, ...],
) -> list[str]:
    lines = []
    if len(a) != len(b):
        lines.append(f"{name_b}: {len(b)} records, {name_a}: {len(a)}")
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        for field in IMAGE_STATUS.attributes:
            if getattr(x, field) != getattr(y, field):
                lines.append(
                    f"{name_b}: record {index} ({y.image_ticket}): {field} "
                    f"{getattr(y, field)!r} != {getattr(x, field)!r} ({name_a})"
                )
    return lines
