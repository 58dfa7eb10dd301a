"""A progress bar on stderr for long estimates: only on a terminal, only after a delay."""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """``with Progress(8) as bar: bar.step("KL(P ‖ Q)")`` draws ``[###.....] 3/8 KL(P ‖ Q)``.

    Nothing is drawn unless `stream` is a terminal and the work has taken longer than `delay`
    seconds, so quick runs and pipes see no output; the line is erased when the work ends.
    """

    def __init__(
        self, total: int, *, stream: TextIO | None = None, delay: float = 1.5, width: int = 20
    ) -> None:
        self.total, self.delay, self.width = total, delay, width
        self.stream = sys.stderr if stream is None else stream
        self.enabled = _isatty(self.stream)
        self.done, self.label = 0, ""
        self._start = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._drawn = False
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Progress:
        self._start = time.monotonic()
        if self.enabled:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            if self._drawn:
                self.stream.write("\r\033[K")
                self.stream.flush()

    def step(self, label: str) -> None:
        """Start the next piece of work, called `label` (the previous one is done)."""
        with self._lock:
            if self.label:
                self.done += 1
            self.label = label

    def line(self) -> str:
        """The current bar: ``[#####...............] 1/4 H(P) 2.0s``."""
        filled = round(self.width * self.done / self.total) if self.total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = time.monotonic() - self._start
        return f"[{bar}] {self.done}/{self.total} {self.label} {elapsed:.1f}s"

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        while not self._stop.is_set():
            with self._lock:
                self.stream.write("\r\033[K" + self.line())
                self.stream.flush()
                self._drawn = True
            self._stop.wait(0.1)


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
