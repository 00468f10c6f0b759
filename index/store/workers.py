"""Worker processes that end with the process that started them, even when it is killed.

A ProcessPoolExecutor's workers wait on a queue; when their parent is SIGKILLed nothing
tells them, and they lived on for minutes. Each worker asks Linux to SIGKILL it when its
parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere, and as a backstop for a parent
that died before the request was made, a thread polls the parent's pid.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

_PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    pool = ProcessPoolExecutor(workers, initializer=die_with_parent, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)  # Ctrl-C: no work left queued
        raise
    pool.shutdown(wait=True)


def die_with_parent(parent: int) -> None:
    """Run in each worker as it starts: end it when `parent` is gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the poll below still ends it
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watch").start()


def _watch(parent: int) -> None:
    # Orphans are re-parented (to init or a subreaper), so the parent pid changes.
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)
