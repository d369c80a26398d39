"""The machine and software versions that a benchmark run measured on."""

import datetime
import os
import platform
import sys
import time
from pathlib import Path

import psutil
import torch
import torchvision


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo, or platform.processor() elsewhere."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def load_average() -> tuple[float, float, float]:
    """Return the 1, 5 and 15 minute load averages."""
    return os.getloadavg()


def usable_cores() -> int:
    """Return the cores this process may run on (the affinity mask), which tools like nproc show."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def describe_machine() -> list[tuple[str, str]]:
    """Return (field, value) rows: date, CPU, cores, memory, load, versions and torch threads."""
    memory_gib = psutil.virtual_memory().total / 2**30
    load_1min, load_5min, _ = load_average()
    thread_env = {
        name: os.environ[name]
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
        if name in os.environ
    }
    return [
        ("date", datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("CPU", cpu_model()),
        ("cores", f"{usable_cores()} usable, {os.cpu_count()} logical in total"),
        ("memory", f"{memory_gib:.1f} GiB"),
        ("load average at start (1 / 5 min)", f"{load_1min:.2f} / {load_5min:.2f}"),
        ("Python", platform.python_version() + f" ({sys.implementation.name})"),
        ("torch", torch.__version__),
        ("torchvision", torchvision.__version__),
        (
            "torch threads (intra-op / inter-op)",
            f"{torch.get_num_threads()} / {torch.get_num_interop_threads()}",
        ),
        ("thread variables", ", ".join(f"{k}={v}" for k, v in thread_env.items()) or "none set"),
        ("OS", platform.platform()),
    ]


def busy_cpu_seconds() -> float:
    """Return the CPU seconds all cores spent outside idle and I/O wait since boot."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def process_cpu_seconds(process: psutil.Process) -> float:
    """Return the CPU seconds of `process` and of its children that have already ended."""
    times = process.cpu_times()
    return times.user + times.system + times.children_user + times.children_system


class OtherCpuMeter:
    """Measures how many cores processes other than `processes` kept busy during a period.

    0 means the machine was otherwise idle and 1 means another process used a whole core, so
    the figures of that period compete with it. Unlike the load average, this excludes the
    benchmark's own work.
    """

    def __init__(self, processes: list[psutil.Process]) -> None:
        self.processes = processes
        self.started = time.perf_counter()
        self.busy = busy_cpu_seconds()
        self.own = sum(process_cpu_seconds(process) for process in processes)

    def cores(self) -> float:
        elapsed = time.perf_counter() - self.started
        busy = busy_cpu_seconds() - self.busy
        own = sum(process_cpu_seconds(process) for process in self.processes) - self.own
        return max(busy - own, 0.0) / elapsed if elapsed > 0 else 0.0
