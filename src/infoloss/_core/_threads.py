"""The threads infoloss starts: one shared pool, capped by ``INFOLOSS_NUM_THREADS``.

NumPy's ufuncs and SciPy's KD-tree queries release the GIL, so the kernels, the closed forms
over large batches and the nearest-neighbour queries share this pool. The environment variable
``INFOLOSS_NUM_THREADS=N`` (read once at import) caps it, so that a user and CI can run what a
machine with fewer cores runs.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

__all__ = ["get_pool", "n_threads"]

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _thread_cap() -> int | None:
    value = os.environ.get("INFOLOSS_NUM_THREADS", "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        msg = f"INFOLOSS_NUM_THREADS must be a whole number >= 1, found {value!r}"
        raise ValueError(msg)
    return int(value)


_THREAD_CAP = _thread_cap()


def n_threads() -> int:
    """How many threads infoloss uses: the CPUs this process may run on, capped at 32.

    Examples
    --------
    >>> n_threads() >= 1
    True
    """
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        n = os.cpu_count() or 1
    return max(1, min(n, 32, _THREAD_CAP or n))


def get_pool() -> ThreadPoolExecutor:
    """The shared pool of `n_threads` workers, started on first use."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=n_threads(), thread_name_prefix="infoloss")
        return _pool


def _forget_pool() -> None:
    """In a forked child the pool's threads do not exist: start afresh (e.g. data loaders)."""
    global _pool, _lock
    _pool, _lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)
