"""Repeated measurements and how they are printed: median with the min-max spread."""

import contextlib
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import torch

T = TypeVar("T")


@dataclass(frozen=True)
class Series:
    """Values of one quantity from repeated runs, in the order they were measured."""

    values: tuple[float, ...]

    @classmethod
    def of(cls, values) -> "Series":
        return cls(tuple(float(value) for value in values))

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    def text(self, digits: int = 1, scale: float = 1.0) -> str:
        """Format as `median (min-max)`, or the bare value when there is one run."""
        median = f"{self.median * scale:.{digits}f}"
        if len(self.values) == 1:
            return median
        return f"{median} ({self.min * scale:.{digits}f}-{self.max * scale:.{digits}f})"


def timed(function: Callable[..., T], *args, **kwargs) -> tuple[float, T]:
    """Call `function(*args, **kwargs)` and return (wall seconds, result)."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


@contextlib.contextmanager
def single_thread():
    """Run the block with one torch intra-op thread and restore the previous count after it.

    A reference for loaded machines: torch's parallel operations wait for all their threads,
    so one descheduled thread stalls every operation.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


# A busy loop that ends by itself, so it cannot outlive a benchmark that crashed.
BUSY_LOOP = (
    "import time\nend = time.monotonic() + {limit}\nwhile time.monotonic() < end:\n    pass\n"
)


@contextlib.contextmanager
def busy_core(limit_seconds: float = 120):
    """Keep one core busy with a second Python process while the block runs.

    This reproduces a loaded machine on purpose, for example a browser that renders next to
    the notebook kernel. The process is ended when the block ends.
    """
    process = subprocess.Popen([sys.executable, "-c", BUSY_LOOP.format(limit=limit_seconds)])
    try:
        time.sleep(0.5)  # lets the process start and occupy its core
        yield
    finally:
        process.kill()
        process.wait()
