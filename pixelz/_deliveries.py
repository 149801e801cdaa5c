"""Decisions behind ``wait_for``, ``download`` and ``download_all``, with no network I/O.

The clients (pixelz/_async_client.py and the generated pixelz/_client.py) only send what
these helpers ask for, sleep when told, and stream bodies into :class:`Part` files; every
choice (when to poll next, whether a status is reached, which name a file gets, whether to
follow, retry, skip or give up) is made here, once for both clients. Loaded on first use,
so ``import pixelz`` does not pay for it.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import pathlib
import random
import re
import stat
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import Literal, NamedTuple

import attrs
import httpx

from ._arguments import status_filter
from ._core import DEFAULT_POLL_INTERVAL, FIRST_POLL_DELAY, MAX_CONCURRENCY, USER_AGENT
from ._policy import RETRY_STATUSES, RetryPolicy, Send, Sleep, attempts_text
from .errors import (
    DownloadError,
    InvalidArgumentError,
    NetworkError,
    PixelzError,
    RequestTimeoutError,
)
from .models import ImageStatus, Status

__all__ = [
    "DEFAULT_MAX_DOWNLOAD_SIZE",
    "DOWNLOAD_RETRY_STATUSES",
    "FIRST_POLL_DELAY",
    "MAX_REDIRECTS",
    "DownloadJob",
    "DownloadOutcome",
    "DownloadResult",
    "FetchAction",
    "FetchFailure",
    "FetchFeedback",
    "FetchPlan",
    "Part",
    "Progress",
    "ProgressCallback",
    "Stopped",
    "Store",
    "Waiter",
    "check_concurrency",
    "check_download_args",
    "download_timeout",
    "failure",
    "fetch_plan",
    "plan_downloads",
    "prepare_dest",
    "safe_name",
    "shown_url",
    "too_large",
]

logger = logging.getLogger("pixelz")

#: Default ``max_size`` of one downloaded file: large enough for layered TIFF or PSD finals,
#: small enough that a misbehaving server cannot fill a disk.
DEFAULT_MAX_DOWNLOAD_SIZE = 1024 * 1024 * 1024
#: Statuses retried when downloading: the API's transient ones, plus 500, which object
#: stores (S3's InternalError) return for failures that a retry usually clears.
DOWNLOAD_RETRY_STATUSES = RETRY_STATUSES | {500}
MAX_REDIRECTS = 10
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_OK_STATUSES = frozenset({200, 203})

#: ``progress(files_done, files_total, bytes_done)``.
ProgressCallback = Callable[[int, int, int], object]
DownloadOutcome = Literal["downloaded", "skipped", "failed"]

# -- wait_for ------------------------------------------------------------------------------


def _seconds(name: str, value: object) -> float | None:
    if value is None:
        return None
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not 0 < value < math.inf):
        raise InvalidArgumentError(f"invalid {name}={value!r}: expected seconds > 0 or None")
    return float(value)


class Waiter:
    """When ``wait_for`` returns, polls again, or gives up.

    Polls start ``FIRST_POLL_DELAY`` apart (or ``poll_interval`` if that is shorter) and
    the gap doubles, less up to a tenth at random, until it reaches ``poll_interval``.
    The last sleep is cut so that one poll happens at the deadline itself.
    """

    def __init__(
        self,
        status: object,
        timeout: object,
        poll_interval: object,
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        if status is None:
            raise InvalidArgumentError("invalid status=None: expected a status to wait for")
        self.target = int(status_filter("status", status))
        self.timeout = _seconds("timeout", timeout)
        self.max_delay = _seconds("poll_interval", poll_interval) or DEFAULT_POLL_INTERVAL
        self.clock = clock
        self.rng = rng or random.Random()
        self.polls = 0
        self.deadline = None if self.timeout is None else clock() + self.timeout

    def reached(self, image: ImageStatus) -> bool:
        """Status ids are ordered (New 10 < In Production 60 < Production Finished 70 <
        Delivered 80): a later status than the target counts as reached."""
        return image.status_id >= self.target

    def after(self, image: ImageStatus, reference: str) -> float | None:
        """None when ``image`` reached the target; else the seconds to sleep before the
        next poll. Raises RequestTimeoutError when the deadline has passed."""
        if self.reached(image):
            return None
        now = self.clock()
        if self.deadline is not None and now >= self.deadline:
            raise RequestTimeoutError(
                f"image {reference} is still {_status_text(image.status_id)} after "
                f"{self.timeout:g} s, waiting for {_status_text(self.target)}",
                operation="GetImageStatus",
            )
        delay = min(FIRST_POLL_DELAY * 2.0**self.polls, self.max_delay)
        delay *= 1 - 0.1 * self.rng.random()
        self.polls += 1
        if self.deadline is not None:
            delay = min(delay, self.deadline - now)
        return max(delay, 0.0)


def _status_text(status_id: int) -> str:
    try:
        return Status(status_id).name.lower().replace("_", " ")
    except ValueError:
        return f"status {status_id}"


# -- names and jobs ------------------------------------------------------------------------


@attrs.frozen(slots=True)
class DownloadJob:
    """One final image URL and the file it goes to."""

    image_ticket: uuid.UUID
    url: str
    path: pathlib.Path


@attrs.frozen(slots=True)
class DownloadResult:
    """What became of one final image URL.

    ``outcome``: ``"downloaded"`` (written and renamed into place), ``"skipped"`` (a file
    of the same size was already there) or ``"failed"`` (``error`` says why; nothing was
    left at ``path`` by this attempt). ``size``: bytes now at ``path`` (0 when failed).
    """

    image_ticket: uuid.UUID
    url: str
    path: pathlib.Path
    outcome: DownloadOutcome
    size: int = 0
    error: PixelzError | None = None

    @property
    def ok(self) -> bool:
        return self.outcome != "failed"


_UNSAFE = re.compile(r"[^\w.\-]+")
_MAX_NAME_BYTES = 200  # well under the usual 255-byte limit, leaving room for the .part name


def safe_name(url: str, index: int = 1) -> str:
    """A file name from the last segment of ``url``'s path: percent-decoded, then reduced
    to letters, digits, ``.``, ``-`` and ``_`` (anything else becomes ``_``), without
    leading dots, and short enough for any file system. Never empty, never a path."""
    try:
        path = httpx.URL(url).path
    except (TypeError, httpx.InvalidURL):
        path = ""
    segment = path.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", segment)).strip("._ -")
    if not name:
        name = f"final-{index}"
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 16:
        stem, ext = name, ""
    return _fit(stem, f".{ext}" if ext else "")


def _fit(stem: str, ext: str) -> str:
    budget = _MAX_NAME_BYTES - len(ext.encode())
    while len(stem.encode()) > budget:
        stem = stem[: max(1, len(stem) - max(1, (len(stem.encode()) - budget) // 4))]
    return stem + ext


def plan_downloads(images: Iterable[ImageStatus], dest: pathlib.Path) -> list[DownloadJob]:
    """One job per final image URL, in order, each with its own file under ``dest``.

    A name is the image ticket, ``_``, then :func:`safe_name` of the URL (the ticket is
    left out when the URL's name already holds it), so finals of different images never
    clash. Names equal but for case (two finals with the same name) get ``-2``, ``-3``...
    """
    jobs: list[DownloadJob] = []
    taken: set[str] = set()
    for image in images:
        if not isinstance(image, ImageStatus):
            raise InvalidArgumentError(
                f"invalid image {type(image).__name__}: expected a pixelz.ImageStatus"
            )
        ticket = str(image.image_ticket)
        for index, url in enumerate(image.final_image_urls, 1):
            name = safe_name(url, index)
            if ticket not in name.lower():
                name = _fit(f"{ticket}_{name}", "")
            stem, dot, ext = name.rpartition(".")
            stem, ext = (stem, dot + ext) if stem else (name, "")
            count = 1
            while name.lower() in taken:
                count += 1
                name = _fit(f"{stem}-{count}", ext)
            taken.add(name.lower())
            jobs.append(DownloadJob(image.image_ticket, url, dest / name))
    return jobs


def check_download_args(dest: object, max_size: object) -> pathlib.Path:
    """``dest`` as a path, after checking both arguments (before any I/O)."""
    if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1:
        raise InvalidArgumentError(f"invalid max_size={max_size!r}: expected bytes >= 1")
    if not isinstance(dest, (str, os.PathLike)) or not os.fspath(dest):
        raise InvalidArgumentError(f"invalid dest={dest!r}: expected a directory path")
    return pathlib.Path(os.fspath(dest))


def check_concurrency(concurrency: object, progress: object) -> int:
    if (isinstance(concurrency, bool) or not isinstance(concurrency, int)
            or not 1 <= concurrency <= MAX_CONCURRENCY):
        raise InvalidArgumentError(
            f"invalid concurrency={concurrency!r}: expected an int from 1 to {MAX_CONCURRENCY}"
        )
    if progress is not None and not callable(progress):
        raise InvalidArgumentError("invalid progress: expected a callable or None")
    return concurrency


def make_dest(dest: pathlib.Path) -> None:
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(
            f"cannot create the directory {str(dest)!r}: {exc.strerror or exc}",
            operation="download",
        ) from None


def prepare_dest(dest: pathlib.Path, jobs: Sequence[DownloadJob]) -> list[int | None]:
    """Create ``dest`` and size every job's file already there: the file system calls
    before the downloads, made in one go (one trip to a worker thread for AsyncClient,
    where a trip per file costs more CPU than the call itself)."""
    make_dest(dest)
    return [existing_size(job.path) for job in jobs]


def existing_size(path: pathlib.Path) -> int | None:
    """The size of the regular file at ``path``, or None when there is none."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def download_timeout(client_timeout: httpx.Timeout | None, http_timeout: httpx.Timeout) -> dict[
    str, float | None
]:
    """Per-phase timeouts for a download: the client's own, else its http_client's. There
    is no whole-download deadline: a large file on a slow link may take long, and each
    read is bounded anyway."""
    return (client_timeout if client_timeout is not None else http_timeout).as_dict()


def shown_url(url: str | httpx.URL) -> str:
    """``url`` fit for a message or a log: no user info, query or fragment (a presigned
    URL's query holds its signature)."""
    try:
        parsed = httpx.URL(url)
        return str(parsed.copy_with(username=None, password=None, query=None, fragment=None))
    except (TypeError, ValueError, httpx.InvalidURL):
        return "<invalid URL>"


# -- progress ------------------------------------------------------------------------------


class Progress:
    """Counts files and bytes for the ``progress`` callback; serialized by a lock, since
    the blocking client calls it from worker threads."""

    def __init__(self, callback: ProgressCallback | None, total: int) -> None:
        self.callback = callback
        self.total = total
        self.files = 0
        self.bytes = 0
        self.stopped = False
        self._lock = threading.Lock()

    def stop(self) -> None:
        """Make every download still running give up at its next chunk (the batch failed:
        an exception in the progress callback, Ctrl-C)."""
        self.stopped = True

    def add_bytes(self, count: int) -> None:
        """``count`` more bytes written (negative: a failed attempt's bytes withdrawn)."""
        if self.stopped:
            if count > 0:
                raise Stopped("the downloads were stopped")
            return  # the batch failed: no more reports
        if self.callback is None:
            return
        with self._lock:
            self.bytes += count
            self.callback(self.files, self.total, self.bytes)

    def file_done(self) -> None:
        if self.callback is None or self.stopped:
            return
        with self._lock:
            self.files += 1
            self.callback(self.files, self.total, self.bytes)


class Stopped(Exception):
    """Raised inside a download that must end because its batch failed; never seen by
    callers, who get the exception that failed the batch."""


# -- one file: the fetch plan --------------------------------------------------------------


class Store(NamedTuple):
    """Stream the body of the response just fed back into a :class:`Part` for ``path``,
    at most ``limit`` bytes, and feed back the byte count or a failure."""

    path: pathlib.Path
    limit: int


class FetchFailure(NamedTuple):
    """What went wrong while sending or storing: ``kind`` is "connect", "timeout",
    "reset" (retried), "too_large", "decode" or "local" (not retried)."""

    kind: str
    detail: str


_RETRIED = frozenset({"connect", "timeout", "reset"})
FetchAction = Send | Sleep | Store
FetchFeedback = httpx.Response | int | FetchFailure | None
FetchPlan = Generator[FetchAction, FetchFeedback, "DownloadResult"]


def failure(exc: httpx.HTTPError | OSError) -> FetchFailure:
    """Summarize an exception raised while sending (httpx) or storing (the file)."""
    if isinstance(exc, httpx.TimeoutException):
        return FetchFailure("timeout", "timed out")
    if isinstance(exc, httpx.ConnectError):
        return FetchFailure("connect", "could not connect")
    if isinstance(exc, httpx.DecodingError):
        return FetchFailure("decode", "could not decode the response body")
    if isinstance(exc, httpx.HTTPError):
        return FetchFailure("reset", f"connection failed ({type(exc).__name__})")
    return FetchFailure("local", f"cannot write the file: {exc.strerror or exc}")


def too_large(limit: int) -> FetchFailure:
    return FetchFailure("too_large", f"larger than max_size ({limit} bytes)")


def fetch_plan(
    job: DownloadJob,
    *,
    existing: int | None,
    overwrite: bool,
    limit: int,
    retry: RetryPolicy,
    rng: random.Random,
    timeout: dict[str, float | None],
) -> FetchPlan:
    """Fetch one file: a plain GET (only User-Agent and Accept: nothing of the client's
    headers, cookies or auth), redirects followed by hand up to ``MAX_REDIRECTS``,
    transient failures retried from the original URL with the client's backoff.

    A response whose Content-Length equals the ``existing`` file's size is not read
    (outcome "skipped") unless ``overwrite``.
    """

    def failed(error: PixelzError) -> DownloadResult:
        logger.debug("download failed: %s", error.detail)
        return DownloadResult(job.image_ticket, job.url, job.path, "failed", 0, error)

    def error(message: str, status_code: int | None = None) -> DownloadResult:
        return failed(DownloadError(f"{shown}: {message}", url=job.url,
                                    status_code=status_code, operation="download"))

    try:
        first: httpx.URL | None = httpx.URL(job.url)
    except (TypeError, httpx.InvalidURL):
        first = None
    shown = shown_url(job.url if first is None else first)
    if first is None or first.scheme not in ("http", "https") or not first.host:
        return error("not an http(s) URL")
    url = first
    attempt = redirects = 0
    while True:
        request = httpx.Request(
            "GET", url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"},
            extensions={"timeout": timeout},
        )
        feedback = yield Send(request)
        status: int | None = None
        retry_after: str | None = None
        if isinstance(feedback, httpx.Response):
            status = feedback.status_code
            if status in _REDIRECT_STATUSES and "location" in feedback.headers:
                redirects += 1
                if redirects > MAX_REDIRECTS:
                    return error(f"more than {MAX_REDIRECTS} redirects", status)
                try:
                    url = url.join(feedback.headers["location"]).copy_with(fragment=None)
                except (TypeError, ValueError, httpx.InvalidURL):
                    return error(f"HTTP {status} with an invalid Location", status)
                if url.scheme not in ("http", "https") or not url.host:
                    return error(f"HTTP {status} redirects to a non-http(s) URL", status)
                continue
            if status in _OK_STATUSES:
                length = _announced_length(feedback)
                if length is not None and length > limit:
                    return error(too_large(limit).detail)
                if not overwrite and existing is not None and length == existing:
                    return DownloadResult(job.image_ticket, job.url, job.path, "skipped",
                                          existing)
                feedback = yield Store(job.path, limit)
                if isinstance(feedback, int):
                    return DownloadResult(job.image_ticket, job.url, job.path, "downloaded",
                                          feedback)
            elif status not in DOWNLOAD_RETRY_STATUSES or attempt >= retry.max_retries:
                reason = feedback.reason_phrase or "error"
                return error(f"HTTP {status} {reason} ({attempts_text(attempt + 1)})", status)
            else:
                retry_after = feedback.headers.get("retry-after")
        if isinstance(feedback, FetchFailure):
            if feedback.kind not in _RETRIED:
                return error(feedback.detail)
            if attempt >= retry.max_retries:
                kind = RequestTimeoutError if feedback.kind == "timeout" else NetworkError
                detail = f"{shown}: {feedback.detail} ({attempts_text(attempt + 1)})"
                return failed(kind(detail, operation="download"))
        delay = retry.delay(attempt, retry_after, rng)
        what = feedback.detail if isinstance(feedback, FetchFailure) else f"HTTP {status}"
        logger.debug("download of %s: %s; retrying in %.2f s", shown, what, delay)
        yield Sleep(delay)
        attempt += 1
        url, redirects = first, 0


def _announced_length(response: httpx.Response) -> int | None:
    """Content-Length as the size on disk: unknown when a content coding changes it."""
    if response.headers.get("content-encoding", "identity").lower() not in ("identity", ""):
        return None
    length = response.headers.get("content-length", "")
    return int(length) if length.isdigit() else None


# -- files ---------------------------------------------------------------------------------


class Part:
    """A file being written under a hidden temporary name next to its final path, and
    renamed into place only when complete: a crash never leaves a file that looks done.

    Created with the process's usual permissions (unlike ``tempfile.mkstemp``'s 0600), so
    the renamed file is like any other the user creates.
    """

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path
        for _ in range(100):
            temp = path.with_name(f".{path.name}.{os.urandom(4).hex()}.part")
            try:
                self._file = open(temp, "xb")  # noqa: SIM115 (closed by commit/discard)
            except FileExistsError:
                continue
            self.temp = temp
            return
        raise FileExistsError(f"no free temporary name next to {path.name}")

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)

    def commit(self) -> None:
        """Close and rename into place (replacing what was there)."""
        self._file.close()
        os.replace(self.temp, self.path)

    def discard(self) -> None:
        """Close and remove the temporary file; never raises."""
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(OSError):
            os.unlink(self.temp)
