"""Calling an unreliable brain: deadlines, bounded retries with backoff, a circuit breaker."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import TypeVar

from edgeagent.errors import BrainError

T = TypeVar("T")
Clock = Callable[[], float]


class CircuitBreaker:
    """Opens after ``failures`` consecutive failures; half-opens after ``cooldown_s``.

    While open, :meth:`allow` is False and callers skip the remote call entirely. After the
    cooldown one trial call is allowed: success closes the breaker, failure re-opens it.
    """

    def __init__(
        self, failures: int = 3, cooldown_s: float = 30.0, clock: Clock = time.monotonic
    ) -> None:
        self.failures = failures
        self.cooldown_s = cooldown_s
        self.clock = clock
        self._consecutive = 0
        self._opened_at: float | None = None
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        with self._lock:
            if self._opened_at is None:
                return "closed"
            if self.clock() - self._opened_at >= self.cooldown_s:
                return "half-open"
            return "open"

    def allow(self) -> bool:
        return self.state != "open"

    def record_success(self) -> None:
        with self._lock:
            self._consecutive = 0
            self._opened_at = None

    def record_failure(self) -> None:
        with self._lock:
            self._consecutive += 1
            if self._consecutive >= self.failures or self._opened_at is not None:
                self._opened_at = self.clock()


@dataclass
class CallBudget:
    """Sliding-window limits on calls per hour and per day."""

    per_hour: int | None = None
    per_day: int | None = None
    clock: Clock = time.time
    _calls: deque[float] = field(default_factory=deque)

    def _trim(self, now: float) -> None:
        while self._calls and now - self._calls[0] > 86400:
            self._calls.popleft()

    def available(self) -> bool:
        now = self.clock()
        self._trim(now)
        if self.per_day is not None and len(self._calls) >= self.per_day:
            return False
        if self.per_hour is not None:
            last_hour = sum(1 for t in self._calls if now - t <= 3600)
            if last_hour >= self.per_hour:
                return False
        return True

    def spend(self) -> None:
        self._calls.append(self.clock())


class DeadlineExceeded(BrainError):
    def __init__(self, seconds: float) -> None:
        if seconds <= 0:
            message = "the deadline passed before the cloud could be asked"
        else:
            message = f"no answer within {seconds * 1000:.0f} ms"
        super().__init__(message, retryable=True)


class Caller:
    """Runs calls in their own threads so the caller never waits past a deadline.

    A call that overruns keeps its thread until the client's own timeout (or the server)
    ends it; the caller has long moved on. At most ``max_pending`` such calls may still be
    running: past that, a new call fails at once (a cloud that hangs every request must not
    pile up threads), which counts as a cloud failure. A fresh thread per call means a hung
    call never delays the next one (a fixed pool would queue it behind the hung ones).
    """

    def __init__(self, max_pending: int = 8) -> None:
        self.max_pending = max_pending
        self._running = 0
        self._lock = threading.Lock()

    @property
    def running(self) -> int:
        """Calls still running (including those the caller gave up on)."""
        with self._lock:
            return self._running

    def call(self, fn: Callable[[], T], timeout_s: float) -> T:
        if timeout_s <= 0:
            raise NoTimeLeft()
        with self._lock:
            if self._running >= self.max_pending:
                raise BrainError(
                    f"{self._running} earlier cloud calls are still running", retryable=False
                )
            self._running += 1
        future: Future[T] = Future()

        def run() -> None:
            try:
                future.set_result(fn())
            except BaseException as exc:  # handed to the caller, if it still waits
                future.set_exception(exc)
            finally:
                with self._lock:
                    self._running -= 1

        threading.Thread(target=run, name="edgeagent-cloud", daemon=True).start()
        try:
            return future.result(timeout=timeout_s)
        except FutureTimeout:
            raise DeadlineExceeded(timeout_s) from None

    def close(self) -> None:
        """Nothing to free: running calls end with their clients' timeouts."""


class NoTimeLeft(DeadlineExceeded):
    """The deadline passed before the call could be made: nothing was asked."""

    def __init__(self) -> None:
        super().__init__(0.0)


def retry_with_backoff(
    fn: Callable[[], T],
    *,
    retries: int,
    backoff_s: float,
    deadline: float,
    clock: Clock = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[BaseException, int], None] | None = None,
) -> T:
    """Call ``fn``; retry retryable :class:`BrainError` s up to ``retries`` times with
    exponential backoff (or after the ``retry_after_s`` the server asked for, when longer),
    never sleeping past ``deadline`` (a ``clock()`` time): when the wait would end after it,
    the error is raised at once."""
    attempt = 0
    while True:
        try:
            return fn()
        except BrainError as exc:
            if not exc.retryable or attempt >= retries:
                raise
            delay = max(backoff_s * (2**attempt), exc.retry_after_s or 0.0)
            if clock() + delay >= deadline:
                raise
            attempt += 1
            if on_retry is not None:
                on_retry(exc, attempt)
            sleep(delay)
