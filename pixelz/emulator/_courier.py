"""The emulator's worker thread: moves images on in real time and sends the callbacks.

It runs only while there is work (an image moving on a real-time clock, a callback
pending), so an emulator nobody stops leaves no busy thread behind; :meth:`Courier.wake`
starts it again. Requests never wait for it: a callback is sent from here, never from the
thread that answered the request which delivered the image.

Each callback is a JSON POST signed as :func:`pixelz.webhooks.verify` expects (the base64
HMAC-SHA256 of the body under the ``callback_secret`` knob, in
``X-RTB-Partner-HMAC-SHA256``). A 2xx answer delivers it; a 5xx, 408, 429 or a network
failure is tried again after ``callback_backoff`` seconds, doubling (at most a minute),
until ``callback_attempts`` tries were made; any other answer fails it at once. Redirects
are not followed. Log records name the URL without its query string and never the secret.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.parse
from collections.abc import Callable

import httpx

from pixelz.emulator._outbox import CallbackAttempt, CallbackDelivery, Outbox
from pixelz.emulator.config import EmulatorConfig
from pixelz.webhooks import SIGNATURE_HEADERS, sign

__all__ = ["CALLBACK_TIMEOUT", "MAX_BACKOFF", "RETRY_STATUSES", "Courier"]

logger = logging.getLogger("pixelz.emulator")

CALLBACK_TIMEOUT = 10.0  # seconds per phase (connect, each read) of one POST
MAX_BACKOFF = 60.0
RETRY_STATUSES = frozenset({408, 429})  # plus every 5xx
_IDLE_POLL = 0.5  # longest sleep while work remains, so knob changes are seen soon
_USER_AGENT = "pixelz-emulator"


def _shown(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class Courier:
    """Drives ``settle`` (the lifecycle steps due) and the callback outbox of ``config``."""

    def __init__(self, config: EmulatorConfig, settle: Callable[[], int]) -> None:
        self._config = config
        self._settle = settle
        self._lock = threading.Lock()
        self._wakeup = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        with self._lock:
            return self._thread is not None

    def wake(self) -> None:
        """Look for work now, starting the thread if it is not running."""
        with self._lock:
            self._wakeup.set()
            if self._thread is None:
                self._stopping = False
                self._thread = threading.Thread(target=self._run, name="pixelz-emulator-courier",
                                                daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (pending callbacks stay queued); a later :meth:`wake` starts it
        again."""
        with self._lock:
            thread = self._thread
            self._stopping = True
            self._wakeup.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    # -- the thread ----------------------------------------------------------------------

    def _run(self) -> None:
        opened: list[httpx.Client] = []  # this thread's, made for its first callback

        def http() -> httpx.Client:
            if not opened:
                opened.append(httpx.Client(
                    timeout=CALLBACK_TIMEOUT, follow_redirects=False, trust_env=False,
                    headers={"User-Agent": _USER_AGENT},
                ))
            return opened[0]

        try:
            while True:
                self._wakeup.clear()
                if self._stopping:
                    break
                try:
                    delay = self._work(http)
                except Exception:  # never let the thread die silently with work queued
                    logger.exception("emulator worker failed; retrying in a moment")
                    delay = _IDLE_POLL
                with self._lock:
                    if delay is None and not self._wakeup.is_set():
                        self._thread = None  # idle: end; wake() starts a new thread
                        return
                self._wakeup.wait(delay)
            with self._lock:
                self._thread = None
        finally:
            for client in opened:
                client.close()

    def _work(self, http: Callable[[], httpx.Client]) -> float | None:
        """Do what is due; return how long to sleep (None: nothing left to wait for)."""
        self._settle()
        settings = self._config.settings
        state = settings.state
        outbox = state.outbox
        taken = outbox.take(time.monotonic())
        if taken is not None:
            self._send(http(), outbox, *taken)
            return 0.0
        waits: list[float] = []
        due = outbox.next_due()
        if due is not None:
            waits.append(due - time.monotonic())
        step_at = state.next_step_at(settings.speed)
        if step_at is not None and not state.clock.manual:
            waits.append(step_at - state.clock.now())
        if not waits:
            return None
        return min(max(min(waits), 0.0), _IDLE_POLL)

    def _send(self, http: httpx.Client, outbox: Outbox, index: int,
              delivery: CallbackDelivery) -> None:
        settings = self._config.settings
        headers = (
            ("Content-Type", "application/json"),
            (SIGNATURE_HEADERS[0], sign(delivery.body, settings.callback_secret)),
        )
        shown = _shown(delivery.url)
        try:
            response = http.post(delivery.url, content=delivery.body, headers=headers)
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:  # a URL it cannot use
            reason = str(exc).replace(delivery.url, shown) or "no answer"
            attempt = CallbackAttempt(None, f"{type(exc).__name__}: {reason}")
            retry = (isinstance(exc, httpx.TransportError)
                     and not isinstance(exc, httpx.UnsupportedProtocol))
        else:
            attempt = CallbackAttempt(response.status_code)
            retry = response.status_code >= 500 or response.status_code in RETRY_STATUSES
        tries = len(delivery.attempts) + 1
        if attempt.status is not None and 200 <= attempt.status < 300:
            logger.info("callback for image %s delivered to %s (%s)",
                        delivery.image_ticket, shown, attempt.status)
            outbox.record(index, attempt, headers, "delivered")
        elif retry and tries < settings.callback_attempts:
            backoff = min(settings.callback_backoff * 2 ** (tries - 1), MAX_BACKOFF)
            logger.info("callback for image %s to %s failed (%s); retrying in %.2f s",
                        delivery.image_ticket, shown, attempt.error or attempt.status, backoff)
            outbox.record(index, attempt, headers, "pending", time.monotonic() + backoff)
        else:
            logger.warning("callback for image %s to %s failed after %d attempt(s): %s",
                           delivery.image_ticket, shown, tries, attempt.error or attempt.status)
            outbox.record(index, attempt, headers, "failed")
