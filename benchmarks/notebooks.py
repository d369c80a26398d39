"""Execute each notebook from a fresh kernel: wall time, slowest cell and peak memory.

The kernel runs in a temporary copy of notebooks/ with its own HOME, an empty TORCH_HOME,
MODEL_UTILS_OFFLINE=1 and a temporary quiz progress file, so a run never changes the
repository, never downloads and starts from the state a new participant has.
"""

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
from machine import OtherCpuMeter
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

CELL_TIMEOUT_S = 600
MEMORY_POLL_INTERVAL_S = 0.05


@dataclass
class CellTiming:
    """Client-side time from sending a code cell to receiving its reply."""

    index: int
    execution_count: int
    first_line: str
    seconds: float
    # Peak RSS of the kernel from its start up to the reply of this cell.
    peak_rss_bytes: int


@dataclass
class NotebookRun:
    """One execution of one notebook in a fresh kernel."""

    name: str
    wall_seconds: float
    startup_seconds: float
    peak_rss_bytes: int
    start_rss_bytes: int = 0
    # Cores that other processes kept busy while the cells ran (machine.OtherCpuMeter).
    other_cpu_cores: float = 0.0
    cells: list[CellTiming] = field(default_factory=list)
    error: str | None = None

    @property
    def slowest_cell(self) -> CellTiming | None:
        return max(self.cells, key=lambda cell: cell.seconds, default=None)

    def largest_growth(self) -> tuple[CellTiming, int] | None:
        """Return the cell that raised the kernel's peak RSS the most, with that growth in bytes."""
        previous = self.start_rss_bytes
        largest = None
        for cell in self.cells:
            growth = cell.peak_rss_bytes - previous
            if largest is None or growth > largest[1]:
                largest = (cell, growth)
            previous = max(previous, cell.peak_rss_bytes)
        return largest


class TreeMemoryMonitor:
    """Polls the summed RSS of a process and its children in a thread and keeps the maximum.

    Polling misses peaks shorter than the interval, so callers also read the kernel's
    VmHWM (kernel-tracked peak RSS of that one process) and take the larger value.
    """

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def start(self) -> "TreeMemoryMonitor":
        self._thread.start()
        return self

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak

    def _poll(self) -> None:
        while not self._stop.is_set():
            try:
                processes = [self.process, *self.process.children(recursive=True)]
                total = 0
                for process in processes:
                    try:
                        total += process.memory_info().rss
                    except psutil.NoSuchProcess:
                        continue
                self.peak = max(self.peak, total)
            except psutil.NoSuchProcess:
                return
            self._stop.wait(MEMORY_POLL_INTERVAL_S)


def peak_rss_of(pid: int) -> int:
    """Return VmHWM (peak resident set size) of one process in bytes, or 0 if unreadable."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def find_notebooks(directory: Path) -> list[Path]:
    """Return the notebooks in `directory`, sorted by name (01_..., 02_..., ...)."""
    return sorted(directory.glob("*.ipynb"))


def copy_notebooks(source: Path, destination: Path) -> Path:
    """Copy the regular files of `source` (no sockets, checkpoints or caches) to `destination`."""

    def skipped(directory: str, names: list[str]) -> set[str]:
        result = {".ipynb_checkpoints", "__pycache__"}
        for name in names:
            mode = os.lstat(os.path.join(directory, name)).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                result.add(name)
        return result

    shutil.copytree(source, destination, ignore=skipped)
    return destination


def kernel_environment(scratch: Path, dataset: Path | None, matplotlib_dir: Path) -> dict[str, str]:
    """Build the kernel's environment: a temporary HOME, no weights cache, offline, own progress.

    `dataset` None removes GROCERY_STORE_DATASET and the temporary HOME has no
    ~/GroceryStoreDataset, so the notebooks fall back to the synthetic dataset.
    `matplotlib_dir` is a font cache that the caller built once beforehand, because a participant
    pays for building it only on the very first import of matplotlib.
    """
    home = scratch / "home"
    torch_home = scratch / "torch"
    home.mkdir(parents=True, exist_ok=True)
    torch_home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.pop("GROCERY_STORE_DATASET", None)
    if dataset is not None:
        env["GROCERY_STORE_DATASET"] = str(dataset)
    env.update(
        HOME=str(home),
        TORCH_HOME=str(torch_home),
        MODEL_UTILS_OFFLINE="1",
        QUIZ_PROGRESS_FILE=str(scratch / "quiz-progress.json"),
        MPLCONFIGDIR=str(matplotlib_dir),
    )
    return env


def first_line(source: str, width: int = 70) -> str:
    """Return the first non-blank line of a cell, shortened to `width` characters."""
    for line in source.splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= width else line[: width - 3] + "..."
    return ""


def run_notebook(path: Path, env: dict[str, str], kernel_log: Path) -> NotebookRun:
    """Execute the notebook at `path` in a new kernel with the notebook's folder as cwd.

    The kernel's own stdout and stderr (start-up warnings, not cell output) go to `kernel_log`.
    """
    notebook = nbformat.read(path, as_version=4)
    cells: list[CellTiming] = []
    state: dict = {"started": time.perf_counter(), "first_cell": None, "last_end": None}

    def on_cell_execute(cell, cell_index) -> None:
        if state["first_cell"] is None:
            state["first_cell"] = time.perf_counter()
            state["pid"] = client.km.provisioner.process.pid
            kernel = psutil.Process(state["pid"])
            state["start_rss"] = kernel.memory_info().rss
            state["meter"] = OtherCpuMeter([kernel, psutil.Process()])
            state["monitor"] = TreeMemoryMonitor(state["pid"]).start()
        state["cell_start"] = time.perf_counter()

    def on_cell_executed(cell, cell_index, execute_reply) -> None:
        now = time.perf_counter()
        state["last_end"] = now
        state["vmhwm"] = peak_rss_of(state["pid"])
        state["other_cpu"] = state["meter"].cores()
        cells.append(
            CellTiming(
                index=cell_index,
                execution_count=cell.get("execution_count") or 0,
                first_line=first_line(cell.source),
                seconds=now - state["cell_start"],
                peak_rss_bytes=max(state["vmhwm"], state["monitor"].peak),
            )
        )

    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_execute=on_cell_execute,
        on_cell_executed=on_cell_executed,
    )
    error = None
    try:
        with kernel_log.open("a", encoding="utf-8") as log:
            client.execute(env=env, stdout=log, stderr=log)
    except CellExecutionError as failure:
        error = f"{failure.ename}: {failure.evalue}".splitlines()[0][:200]
    except (CellTimeoutError, DeadKernelError) as failure:
        error = f"{type(failure).__name__}: {str(failure).splitlines()[0][:200]}"
    ended = state["last_end"] or time.perf_counter()
    polled_peak = state["monitor"].stop() if "monitor" in state else 0
    first_cell = state["first_cell"] or ended
    # The peak counts up to the reply of the last cell: the kernel's RSS can still grow while
    # it shuts down, which no participant waits for.
    peak = cells[-1].peak_rss_bytes if cells else polled_peak
    return NotebookRun(
        name=path.name,
        wall_seconds=ended - state["started"],
        startup_seconds=first_cell - state["started"],
        peak_rss_bytes=peak,
        start_rss_bytes=state.get("start_rss", 0),
        other_cpu_cores=state.get("other_cpu", 0.0),
        cells=cells,
        error=error,
    )


def warm_matplotlib(cache_dir: Path) -> float:
    """Build matplotlib's font cache in `cache_dir`; return the seconds the first import took.

    A participant pays this once, on the very first import of matplotlib, so the notebook
    timings start with a warm cache and this cost is reported on its own.
    """
    code = "import matplotlib.pyplot as plt; plt.figure()"
    env = dict(os.environ, MPLCONFIGDIR=str(cache_dir), MPLBACKEND="Agg")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def measure_notebooks(
    source: Path, datasets: dict[str, Path | None], runs: int, progress
) -> tuple[dict[str, list[list[NotebookRun]]], float]:
    """Run every notebook in `source` `runs` times per dataset, each in a new kernel.

    Each dataset gets its own copy of the notebooks folder, shared by its notebooks in name
    order as in a workshop. Returns the runs per dataset key (one list of notebooks per run)
    and the seconds of the matplotlib font-cache build.
    """
    results: dict[str, list[list[NotebookRun]]] = {key: [] for key in datasets}
    with tempfile.TemporaryDirectory(prefix="bench-notebooks-") as scratch_name:
        scratch = Path(scratch_name)
        matplotlib_dir = scratch / "matplotlib"
        matplotlib_dir.mkdir()
        font_cache_seconds = warm_matplotlib(matplotlib_dir)
        for run in range(runs):
            for key, dataset in datasets.items():
                folder = scratch / f"{key}-{run}"
                copy = copy_notebooks(source, folder / "notebooks")
                env = kernel_environment(folder, dataset, matplotlib_dir)
                finished = []
                for path in find_notebooks(copy):
                    progress(f"notebook {path.name} on {key} data (run {run + 1}/{runs})")
                    result = run_notebook(path, env, folder / "kernel.log")
                    peak_mib = result.peak_rss_bytes / 2**20
                    failure = f", FAILED: {result.error}" if result.error else ""
                    progress(f"  {result.wall_seconds:.1f} s, peak {peak_mib:.0f} MiB{failure}")
                    finished.append(result)
                results[key].append(finished)
    return results, font_cache_seconds
