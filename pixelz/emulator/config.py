"""Knobs and the request log, safe to change from a test while the server runs.

Every knob lives in one frozen :class:`Settings` value that is swapped atomically under a
lock, so a request reads one consistent snapshot even while a test thread changes knobs.
Random draws (failure rate, corruption rate, block page ids) come from one seeded RNG so a
run with the same seed and the same request order behaves the same.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Iterable
from typing import Any, Generic, Literal, TypeVar, overload

import attrs

from pixelz.emulator._clock import Clock
from pixelz.emulator._faults import ErrorStyle
from pixelz.emulator._files import MAX_FINAL_SIZE
from pixelz.emulator._state import ServiceState
from pixelz.emulator._xml import NilStyle
from pixelz.emulator.dataset import Account, Record, generate_account, generate_dataset
from pixelz.models import Protocol

__all__ = [
    "ALL_PROTOCOLS",
    "DEFAULT_FINAL_SIZE",
    "DEMO_CALLBACK_SECRET",
    "DEMO_CONTACT_API_KEY",
    "DEMO_CONTACT_EMAIL",
    "CorruptMode",
    "EmulatorConfig",
    "LogEntry",
    "RequestLog",
    "Settings",
    "parse_protocols",
]

DEMO_CONTACT_EMAIL = "demo@example.com"
DEMO_CONTACT_API_KEY = "demo-api-key"  # a public demo value, not a secret
DEMO_CALLBACK_SECRET = "demo-callback-secret"  # noqa: S105 (a public demo value too)
DEFAULT_FINAL_SIZE = 64 * 1024

ALL_PROTOCOLS: frozenset[Protocol] = frozenset(Protocol)

CorruptMode = Literal["truncate", "garbage", "html"]

T = TypeVar("T")


def parse_protocols(value: str | Protocol | Iterable[str | Protocol] | None) -> frozenset[Protocol]:
    """Protocols from values, members or a comma-separated string (``"soap12,http_get"``)."""
    if value is None:
        return frozenset()
    if isinstance(value, str):  # also a Protocol, which is a str
        value = [v for v in value.split(",") if v.strip()]
    return frozenset(Protocol(str(v).strip().lower()) for v in value)


def _rate(_: Any, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{attribute.name} must be between 0 and 1")


def _non_negative(_: Any, attribute: attrs.Attribute[float], value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0")


def _speed(_: Any, attribute: attrs.Attribute[float | None], value: float | None) -> None:
    if value is not None and not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{attribute.name} must be None (off) or seconds >= 0")


def _optional_float(value: float | str | None) -> float | None:
    return None if value is None else float(value)


def _whole(low: int, high: int) -> Any:
    def check(_: Any, attribute: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{attribute.name} must be a whole number from {low} to {high}")

    return check


def _secret(_: Any, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{attribute.name} must be a non-empty string")


def _dataset(value: Iterable[Record]) -> tuple[Record, ...]:
    return tuple(value)


def _default_account(settings: Settings) -> Account:
    return generate_account(settings.dataset)


def _fresh_state(settings: Settings) -> ServiceState:
    return ServiceState(settings.dataset, settings.account, manual_clock=settings.manual_clock)


@attrs.frozen(slots=True)
class Settings:
    """One consistent view of every knob; see :class:`EmulatorConfig` for their meaning."""

    contact_email: str = DEMO_CONTACT_EMAIL
    contact_api_key: str = attrs.field(default=DEMO_CONTACT_API_KEY, repr=False)
    dataset: tuple[Record, ...] = attrs.field(
        factory=generate_dataset, converter=_dataset, repr=lambda d: f"<{len(d)} records>"
    )
    enabled_protocols: frozenset[Protocol] = attrs.field(
        default=ALL_PROTOCOLS, converter=parse_protocols
    )
    blocked_protocols: frozenset[Protocol] = attrs.field(
        default=frozenset(), converter=parse_protocols
    )
    latency: float = attrs.field(default=0.0, converter=float, validator=_non_negative)
    fail_rate: float = attrs.field(default=0.0, converter=float, validator=_rate)
    retry_after: str = "1"
    errors: ErrorStyle = attrs.field(
        default="remote", validator=attrs.validators.in_(("local", "remote"))
    )
    escape_cr: bool = False
    nil_style: NilStyle = attrs.field(
        default="omit", validator=attrs.validators.in_(("omit", "nil"))
    )
    corrupt: CorruptMode | None = attrs.field(
        default=None, validator=attrs.validators.in_((None, "truncate", "garbage", "html"))
    )
    corrupt_remaining: int | None = None
    corrupt_rate: float = attrs.field(default=1.0, converter=float, validator=_rate)
    account: Account = attrs.field(
        default=attrs.Factory(_default_account, takes_self=True), repr=False
    )
    speed: float | None = attrs.field(default=None, converter=_optional_float, validator=_speed)
    manual_clock: bool = False
    final_size: int = attrs.field(default=DEFAULT_FINAL_SIZE,
                                  validator=_whole(0, MAX_FINAL_SIZE))
    callback_secret: str = attrs.field(default=DEMO_CALLBACK_SECRET, repr=False,
                                       validator=_secret)
    callback_attempts: int = attrs.field(default=5, validator=_whole(1, 100))
    callback_backoff: float = attrs.field(default=1.0, converter=float,
                                          validator=_non_negative)
    # Not a knob: the running account, made fresh from ``dataset`` and ``account``.
    state: ServiceState = attrs.field(
        default=attrs.Factory(_fresh_state, takes_self=True), eq=False, repr=False
    )


_KNOBS = frozenset(a.name for a in attrs.fields(Settings)) - {"state"}


class _Knob(Generic[T]):
    """A typed attribute of :class:`EmulatorConfig` backed by the current :class:`Settings`."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> _Knob[T]: ...
    @overload
    def __get__(self, obj: EmulatorConfig, owner: type) -> T: ...
    def __get__(self, obj: EmulatorConfig | None, owner: type) -> _Knob[T] | T:
        if obj is None:
            return self
        value: T = getattr(obj.settings, self.name)
        return value

    def __set__(self, obj: EmulatorConfig, value: T) -> None:
        obj.update(**{self.name: value})


class EmulatorConfig:
    """The emulator's mutable, thread-safe knobs.

    ``contact_email`` / ``contact_api_key``: accepted credentials (email case-insensitive).
    ``dataset``: the images the account starts with. ``account``: its contact, templates and
    invoices (default: :func:`~pixelz.emulator.dataset.generate_account` of the data set).
    Submissions, deletes, rejects, EditContact and AddTemplate change the running
    :attr:`state`, which starts again from ``dataset`` and ``account`` whenever either is
    set and on :meth:`reset`. ``enabled_protocols``: the others answer as a server
    whose configuration removed them. ``blocked_protocols``: answered by a WAF-style 403 page.
    ``latency``: seconds added to every request. ``fail_rate``: share of protocol requests
    answered 503 with ``Retry-After: retry_after``. ``errors``: ``"remote"`` (messages only)
    or ``"local"`` (.NET type names and stack traces). ``nil_style``: null strings and arrays
    ``"omit"``-ted or written ``"nil"`` (``xsi:nil="true"``). ``escape_cr``: write CR as
    ``&#xD;`` (survives parsing) instead of raw like Mono (read back as LF). ``corrupt``:
    damage successful operation responses (``"truncate"``, ``"garbage"``, ``"html"``), for
    the next ``corrupt_remaining`` of them (``None``: no limit) at ``corrupt_rate``.

    The lifecycle (:mod:`pixelz.emulator._lifecycle`): ``speed``, seconds of the emulator's
    :attr:`clock` per step from New to Delivered (``None``, the default: submitted images
    stay New; ``0``: delivered at once). ``manual_clock``: the clock moves only when a test
    advances it. ``final_size``: bytes of each final served. ``callback_secret``: the key
    callbacks are signed with; ``callback_attempts`` tries per callback, the first retry
    after ``callback_backoff`` seconds, doubling.
    """

    contact_email = _Knob[str]()
    contact_api_key = _Knob[str]()
    dataset = _Knob[tuple[Record, ...]]()
    account = _Knob[Account]()
    enabled_protocols = _Knob[frozenset[Protocol]]()
    blocked_protocols = _Knob[frozenset[Protocol]]()
    latency = _Knob[float]()
    fail_rate = _Knob[float]()
    retry_after = _Knob[str]()
    errors = _Knob[ErrorStyle]()
    nil_style = _Knob[NilStyle]()
    escape_cr = _Knob[bool]()
    corrupt = _Knob["CorruptMode | None"]()
    corrupt_remaining = _Knob["int | None"]()
    corrupt_rate = _Knob[float]()
    speed = _Knob["float | None"]()
    manual_clock = _Knob[bool]()
    final_size = _Knob[int]()
    callback_secret = _Knob[str]()
    callback_attempts = _Knob[int]()
    callback_backoff = _Knob[float]()

    def __init__(self, *, seed: int = 0, **knobs: Any) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        self._rng = random.Random(seed)
        self._check(knobs)
        self._defaults = knobs
        self.settings = Settings(**knobs)

    @staticmethod
    def _check(knobs: dict[str, Any]) -> None:
        unknown = set(knobs) - _KNOBS
        if unknown:
            raise TypeError(f"unknown emulator knob(s): {', '.join(sorted(unknown))}")

    @property
    def state(self) -> ServiceState:
        """The account as the web methods have left it (images, contact, templates)."""
        return self.settings.state

    @property
    def clock(self) -> Clock:
        """The emulator's clock (fresh with the state): ``now()``, ``advance(seconds)``."""
        return self.settings.state.clock

    def update(self, **knobs: Any) -> None:
        """Change several knobs at once, atomically; a new ``dataset`` or ``account``
        starts the account's state again from them."""
        self._check(knobs)
        with self._lock:
            settings = attrs.evolve(self.settings, **knobs)
            if "dataset" in knobs or "account" in knobs:
                settings = attrs.evolve(settings, state=_fresh_state(settings))
            else:
                settings.state.clock.set_manual(settings.manual_clock)
            self.settings = settings

    def reset(self) -> None:
        """Back to the knobs given at construction and the account's first state (a fresh
        clock, no callbacks queued), with a fresh RNG."""
        with self._lock:
            self.settings = Settings(**self._defaults)
            self._rng = random.Random(self._seed)

    def corrupt_next(self, count: int = 1, mode: CorruptMode = "truncate") -> None:
        """Damage the next ``count`` successful operation responses."""
        self.update(corrupt=mode, corrupt_remaining=count, corrupt_rate=1.0)

    def draw(self, rate: float) -> bool:
        """One seeded Bernoulli draw."""
        if rate <= 0.0:
            return False
        with self._lock:
            return self._rng.random() < rate

    def token(self) -> str:
        """A seeded hex id, for block page references."""
        with self._lock:
            return f"{self._rng.getrandbits(64):016x}"

    def take_corruption(self) -> CorruptMode | None:
        """The corruption to apply to this successful response, consuming one if counted."""
        with self._lock:
            s = self.settings
            if s.corrupt is None or s.corrupt_remaining == 0:
                return None
            if s.corrupt_rate < 1.0 and self._rng.random() >= s.corrupt_rate:
                return None
            if s.corrupt_remaining is not None:
                self.settings = attrs.evolve(s, corrupt_remaining=s.corrupt_remaining - 1)
            return s.corrupt

    def __repr__(self) -> str:
        return f"EmulatorConfig({self.settings!r})"


@attrs.frozen(slots=True)
class LogEntry:
    """One request: the query string is never kept (HTTP GET carries the API key)."""

    method: str
    path: str
    protocol: Protocol | None
    operation: str | None
    status: int


class RequestLog:
    """Thread-safe record of the requests served, for tests that count calls."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LogEntry] = []

    def append(self, entry: LogEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    @property
    def entries(self) -> tuple[LogEntry, ...]:
        with self._lock:
            return tuple(self._entries)

    def count(self, protocol: Protocol | str | None = None, *, status: int | None = None) -> int:
        """Requests seen, optionally only those of one protocol and/or status."""
        wanted = None if protocol is None else Protocol(protocol)
        return sum(
            1
            for e in self.entries
            if (wanted is None or e.protocol == wanted) and (status is None or e.status == status)
        )

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
