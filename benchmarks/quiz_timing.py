"""Start-up costs of the quiz: import time, loading the question bank, building the widgets.

This module is not called quiz.py because run.py puts benchmarks/ first on sys.path, where a
quiz.py would hide the quiz package.
"""

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from timing import Series, timed

IMPORT_SNIPPET = (
    "import sys, time\n"
    "started = time.perf_counter()\n"
    "import {module}\n"
    "print(time.perf_counter() - started, 'torch' in sys.modules)\n"
)


@dataclass
class ImportTiming:
    """Import time of one module in fresh interpreters, and what that import pulls in."""

    module: str
    seconds: Series
    torch_imported: bool
    slowest_packages: list[tuple[str, float]]


def run_python(code: str, *options: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter of this environment, outside the repository."""
    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        return subprocess.run(
            [sys.executable, *options, "-c", code],
            cwd=scratch,
            capture_output=True,
            text=True,
            check=True,
        )


def slowest_imports(module: str, count: int = 6) -> list[tuple[str, float]]:
    """Return the packages that `import module` spends most time in, as (name, seconds).

    `python -X importtime` writes one stderr line per imported module with its own ("self")
    time in microseconds, nested imports indented below the top-level import that caused them.
    The self times of everything imported under `module` are summed per top-level package name.
    """
    stderr = run_python(f"import {module}", "-X", "importtime").stderr
    pending: dict[str, int] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, _, name = line.split(":", 1)[1].split("|")
        package = name.strip().split(".")[0]
        pending[package] = pending.get(package, 0) + int(self_us)
        top_level = name.startswith(" ") and not name.startswith("  ")
        if top_level and name.strip() == module:
            totals = pending
            break
        if top_level:
            pending = {}
    else:
        return []
    ranked = sorted(totals.items(), key=lambda item: item[1], reverse=True)[:count]
    return [(package, micros / 1e6) for package, micros in ranked]


def measure_import(module: str, runs: int) -> ImportTiming:
    """Time `import module` in `runs` fresh interpreters and check whether torch came along."""
    seconds, torch_imported = [], False
    for _ in range(runs):
        elapsed, loaded_torch = run_python(IMPORT_SNIPPET.format(module=module)).stdout.split()
        seconds.append(float(elapsed))
        torch_imported = torch_imported or loaded_torch == "True"
    return ImportTiming(module, Series.of(seconds), torch_imported, slowest_imports(module))


def measure_bank(runs: int) -> dict:
    """Time loading and validating the bank, without and with the check of notebook links.

    The link check raises a BankError when a linked notebook or heading is missing, for example
    while notebooks are still being written. Its time still counts, and the error count is kept.
    """
    from quiz import BankError, load_bank

    def load_with_links() -> int:
        try:
            load_bank(check_links=True)
        except BankError as error:
            return len(error.errors)
        return 0

    plain = [timed(load_bank)[0] for _ in range(runs)]
    links, link_errors = [], 0
    for _ in range(runs):
        seconds, link_errors = timed(load_with_links)
        links.append(seconds)
    return {
        "questions": len(load_bank().questions),
        "link_errors": link_errors,
        "load": Series.of(plain),
        "load with link check": Series.of(links),
    }


def measure_widgets(runs: int) -> dict[str, Series]:
    """Time building the QuizApp, showing its first question and producing its widget state.

    The render step is what a notebook front end needs: the mime bundle of the app and the
    state of every widget, as stored in a saved notebook.
    """
    import ipywidgets

    from quiz import ProgressStore, load_bank
    from quiz.widgets import QuizApp

    bank = load_bank()
    build, start, render_times, state_bytes = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-quiz-") as scratch:
        progress_path = Path(scratch) / "progress.json"
        for _ in range(runs):
            # Only the widgets of this app go into the state: widgets of earlier runs stay
            # registered, and closing them all would also close widgets that quiz shares.
            existing = set(ipywidgets.Widget.widgets)
            seconds, app = timed(QuizApp, bank, seed=0, progress=ProgressStore(progress_path))
            build.append(seconds)
            start.append(timed(app.start)[0])

            def render(app: QuizApp, existing: set) -> dict:
                app._repr_mimebundle_()
                ours = [
                    widget
                    for key, widget in ipywidgets.Widget.widgets.items()
                    if key not in existing
                ]
                return ipywidgets.Widget.get_manager_state(widgets=ours)

            seconds, state = timed(render, app, existing)
            render_times.append(seconds)
            state_bytes.append(len(json.dumps(state)))
    return {
        "build QuizApp (start screen)": Series.of(build),
        "show first question": Series.of(start),
        "mime bundle and widget state": Series.of(render_times),
        "state_bytes": Series.of(state_bytes),
    }
