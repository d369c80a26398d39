"""The sections of the benchmark page: one function per measurement, each with its targets."""

from dataclasses import dataclass

from quiz_timing import ImportTiming
from report import SUITE_BEGIN, SUITE_END, Target, mib, table
from suite import GROUPS, SuiteResult
from timing import Series
from training import (
    ACCURACY_LIMIT_PER_CLASS,
    BACKBONE_LEARNING_RATE,
    HEAD_LEARNING_RATE,
    MOMENTUM,
    THROUGHPUT_IMAGES,
    AccuracyResult,
    DataSpec,
    TrainingRun,
)

from notebooks import CellTiming, NotebookRun

OPTIMIZER_TEXT = (
    f"SGD with momentum {MOMENTUM}, learning rate {HEAD_LEARNING_RATE} for the head and "
    f"{BACKBONE_LEARNING_RATE} for a trainable backbone"
)

NOTEBOOK_TARGET_S = 60
CELL_TARGET_S = 15
MEMORY_TARGET_BYTES = 2 * 2**30
SUITE_TARGET_S = 600
CACHED_RATIO_TARGET = 10
IMPORT_TARGET_S = 0.5


def machine_section(rows: list[tuple[str, str]], runs: int, notebook_runs: int) -> str:
    text = "## Machine and method\n\n" + table(["", ""], [list(row) for row in rows]) + "\n\n"
    text += (
        f"Each figure is the median of {runs} runs with the min-max spread in brackets; a "
        "single value means one run. Notebook executions are slower, so they ran "
        f"{notebook_runs} {'time' if notebook_runs == 1 else 'times'} per notebook and "
        "dataset. Ratios are computed within each "
        "run, where both sides ran one after the other in the same process, and then "
        "summarised over the runs.\n"
    )
    return text


@dataclass
class NotebookSummary:
    """The executions of one notebook on one dataset, summarised over the runs."""

    first: NotebookRun
    wall: Series
    startup: Series
    peak: Series
    other_cpu: Series
    slowest: CellTiming | None
    slowest_seconds: Series | None
    error: str | None


def summarise(executions: list[NotebookRun]) -> NotebookSummary:
    """Summarise the runs of one notebook; the slowest cell is the one of the first run."""
    first = executions[0]
    slowest = first.slowest_cell
    slowest_seconds = None
    if slowest is not None:
        slowest_seconds = Series.of(
            next((cell.seconds for cell in run.cells if cell.index == slowest.index), 0.0)
            for run in executions
        )
    errors = [run.error for run in executions if run.error]
    return NotebookSummary(
        first=first,
        wall=Series.of(run.wall_seconds for run in executions),
        startup=Series.of(run.startup_seconds for run in executions),
        peak=Series.of(run.peak_rss_bytes for run in executions),
        other_cpu=Series.of(run.other_cpu_cores for run in executions),
        slowest=slowest,
        slowest_seconds=slowest_seconds,
        error=errors[0] if errors else None,
    )


def summaries_by_notebook(runs: list[list[NotebookRun]]) -> list[NotebookSummary]:
    by_name: dict[str, list[NotebookRun]] = {}
    for run in runs:
        for result in run:
            by_name.setdefault(result.name, []).append(result)
    return [summarise(executions) for executions in by_name.values()]


def cell_label(cell: CellTiming) -> str:
    return f"[{cell.execution_count}] `{cell.first_line}`"


def growth_text(result: NotebookRun) -> str:
    largest = result.largest_growth()
    if largest is None:
        return "-"
    cell, growth = largest
    return f"{cell_label(cell)} +{mib(growth)} MiB"


def slowest_cells_text(result: NotebookRun, count: int = 3) -> str:
    cells = sorted(result.cells, key=lambda cell: cell.seconds, reverse=True)[:count]
    return ", ".join(f"{cell_label(cell)} {cell.seconds:.1f} s" for cell in cells)


def notebook_targets(short: str, summaries: list[NotebookSummary]) -> list[Target]:
    """Check each notebook against the targets; one row per target and dataset."""
    targets = []
    slow = [
        summary
        for summary in summaries
        if summary.wall.median >= NOTEBOOK_TARGET_S or summary.error
    ]
    worst = max(summaries, key=lambda summary: summary.wall.median)
    targets.append(
        Target(
            f"notebook wall time, {short}",
            f"< {NOTEBOOK_TARGET_S} s each, no error",
            f"max {worst.wall.median:.1f} s ({worst.first.name})",
            not slow,
            "; ".join(
                f"{summary.first.name} took {summary.wall.median:.0f} s"
                + (f" and failed with {summary.error}" if summary.error else "")
                + f", slowest cells {slowest_cells_text(summary.first)}"
                for summary in slow
            ),
        )
    )
    timed = [summary for summary in summaries if summary.slowest_seconds is not None]
    if timed:
        worst = max(timed, key=lambda summary: summary.slowest_seconds.median)
        long_cells = [
            summary for summary in timed if summary.slowest_seconds.median >= CELL_TARGET_S
        ]
        targets.append(
            Target(
                f"slowest cell, {short}",
                f"< {CELL_TARGET_S} s",
                f"max {worst.slowest_seconds.median:.1f} s ({worst.first.name})",
                not long_cells,
                "; ".join(
                    f"{summary.first.name} {cell_label(summary.slowest)} took "
                    f"{summary.slowest_seconds.median:.1f} s"
                    for summary in long_cells
                ),
            )
        )
    worst = max(summaries, key=lambda summary: summary.peak.median)
    large = [summary for summary in summaries if summary.peak.median >= MEMORY_TARGET_BYTES]
    targets.append(
        Target(
            f"kernel peak memory, {short}",
            f"< {mib(MEMORY_TARGET_BYTES)} MiB",
            f"max {mib(worst.peak.median)} MiB ({worst.first.name})",
            not large,
            "; ".join(
                f"{summary.first.name} reached {mib(summary.peak.median)} MiB, largest growth in "
                + growth_text(summary.first)
                for summary in large
            ),
        )
    )
    return targets


def notebook_section(
    results: dict[str, list[list[NotebookRun]]], specs: dict[str, DataSpec], font_cache_s: float
) -> tuple[str, list[Target]]:
    """Render the notebook table per dataset and check the time and memory targets."""
    text = (
        "## Notebooks from a fresh kernel\n\n"
        "Each notebook ran with nbclient in a new kernel, in a temporary copy of notebooks/, "
        "with an empty TORCH_HOME (so random initial weights), MODEL_UTILS_OFFLINE=1, a "
        "temporary HOME and quiz progress file. Wall time runs from starting the kernel to the "
        "reply of the last cell. Cell times are measured from sending a cell to its reply. Peak "
        "memory is the kernel's resident set (RSS, its children included) up to the last "
        "cell's reply, which counts the shared libraries that `import torch` maps in. The "
        "largest growth is the cell that raised that peak the most since the previous cell "
        "(since the kernel start for the first cell). Other CPU is how many cores processes "
        "other than the kernel and the benchmark kept busy meanwhile: 0 is an otherwise idle "
        "machine, and 1 means the notebook shared the 2 cores with one busy process.\n\n"
        f"matplotlib built its font cache once before the runs, in {font_cache_s:.1f} s (this "
        "time includes starting Python and importing matplotlib); a participant pays it once, "
        "on the first import of matplotlib ever.\n"
    )
    targets = []
    columns = ["notebook", "wall s", "kernel start s", "slowest cell", "slowest cell s"]
    columns += ["peak RSS MiB", "largest RSS growth", "other CPU, cores", "result"]
    for key, runs in results.items():
        summaries = summaries_by_notebook(runs)
        rows = [
            [
                summary.first.name,
                summary.wall.text(1),
                summary.startup.text(1),
                cell_label(summary.slowest) if summary.slowest else "-",
                summary.slowest_seconds.text(1) if summary.slowest_seconds else "-",
                summary.peak.text(0, 1 / 2**20),
                growth_text(summary.first),
                summary.other_cpu.text(2),
                f"FAILED: {summary.error}" if summary.error else "ok",
            ]
            for summary in summaries
        ]
        text += f"\n### {specs[key].label}\n\n" + table(columns, rows) + "\n"
        if summaries:
            targets += notebook_targets(specs[key].short, summaries)
    return text, targets


def training_section(
    results: dict[str, list[TrainingRun]],
    specs: dict[str, DataSpec],
    train_sizes: dict[str, int],
    image_size: int,
    threads: int,
) -> tuple[str, list[Target]]:
    """Render training throughput per dataset and check the cached-features ratio."""
    text = (
        "## Training throughput\n\n"
        f"One timed epoch over {THROUGHPUT_IMAGES} training images spread over the split, at "
        f"{image_size} x {image_size} pixels and batch size 32, after one untimed warm-up "
        f"batch. The optimizer is {OPTIMIZER_TEXT}. The image cache is warm, as from the "
        "second epoch of a notebook. All variants use `model_utils.train_one_epoch`. "
        "Images/s.\n"
    )
    targets = []
    for key, runs in results.items():

        def series(attribute: str, runs=runs) -> Series:
            return Series.of(getattr(run, attribute) for run in runs)

        ratio = Series.of(run.ratio for run in runs)
        break_even = Series.of(run.break_even_epochs() for run in runs)
        features = series("features")
        full_epoch_estimate = train_sizes[key] / features.median
        rows = [
            ["full fine-tuning", series("full").text(1), ""],
            [
                "full fine-tuning, torch.set_num_threads(1)",
                series("full_one_thread").text(1),
                f"reference; the default is {threads} threads",
            ],
            [
                "full fine-tuning while another process keeps one core busy",
                series("full_contended").text(1),
                f"{threads} threads",
            ],
            [
                "the same, torch.set_num_threads(1)",
                series("full_contended_one_thread").text(1),
                "1 thread",
            ],
            ["frozen backbone, run every epoch", series("frozen").text(1), ""],
            ["head on cached features, per epoch", series("cached_epoch").text(0), ""],
            [
                "feature computation, once",
                features.text(1),
                f"about {full_epoch_estimate:.1f} s for all {train_sizes[key]} training "
                "images (estimate from this rate)",
            ],
            [
                "ratio cached per epoch / frozen per epoch",
                ratio.text(1) + " x",
                f"target >= {CACHED_RATIO_TARGET} x",
            ],
            [
                "head on cached features, pre-sliced batches without DataLoader",
                series("cached_sliced").text(0),
                "reference: the DataLoader share of a cached epoch",
            ],
            [
                "epochs after which caching is faster in total",
                break_even.text(1),
                "feature computation included",
            ],
            [
                "first batch of full fine-tuning, seconds",
                series("first_batch_full").text(2),
                "warm-up: one-off operator set-up",
            ],
        ]
        text += (
            f"\n### {specs[key].label}\n\n" + table(["variant", "images/s", "note"], rows) + "\n"
        )
        sliced = series("cached_sliced").median
        cached = series("cached_epoch").median
        targets.append(
            Target(
                f"cached features / frozen backbone per epoch ({specs[key].short})",
                f">= {CACHED_RATIO_TARGET} x",
                f"{ratio.median:.1f} x",
                ratio.median >= CACHED_RATIO_TARGET,
                f"a head epoch on cached features runs at {cached:.0f} images/s through a "
                f"DataLoader and {sliced:.0f} images/s over pre-sliced tensors, against "
                f"{series('frozen').median:.1f} images/s for the frozen backbone",
            )
        )
    return text, targets


def inference_section(results: dict[str, dict[str, Series]], specs: dict[str, DataSpec]) -> str:
    rows = [
        [
            specs[key].short,
            result["eval"].text(1),
            result["train"].text(1),
            result["ratio"].text(2) + " x",
        ]
        for key, result in results.items()
    ]
    columns = ["data", "eval() + inference_mode (predict)", "train() + autograd", "ratio"]
    return (
        "## Inference throughput\n\n"
        f"Forward passes over the same {THROUGHPUT_IMAGES} preloaded images in batches of 32, "
        "images/s. The eval() column calls `model_utils.predict`.\n\n" + table(columns, rows) + "\n"
    )


def loading_section(
    rates: dict[str, dict[str, Series]],
    stages: dict[str, dict[str, Series]],
    specs: dict[str, DataSpec],
) -> str:
    text = (
        "## Data loading\n\n"
        "One pass of `make_loader(dataset, 32)` (num_workers=0, as in the notebooks) over an "
        "evenly spread subset of the training split, images/s. Cache cold is the first pass "
        "of a new dataset object with `cache=True`, cache warm the second pass.\n"
    )
    for key, result in rates.items():
        rows = [
            [name, series.text(1)] for name, series in result.items() if name.startswith("cache")
        ]
        build = result["build the dataset object"]
        rows.append(["build the dataset object, seconds", build.text(3)])
        text += f"\n### {specs[key].label}\n\n" + table(["pass", "images/s"], rows) + "\n"
        stage_rows = [[name, series.text(2, 1000)] for name, series in stages[key].items()]
        text += "\nTime per image by step, ms, median (min-max) over 64 images:\n\n"
        text += table(["step", "ms per image"], stage_rows) + "\n"
    return text


def accuracy_section(
    results: dict[str, list[AccuracyResult]], specs: dict[str, DataSpec], weights: str
) -> str:
    """Render the validation accuracy of each variant; `weights` names the starting weights."""
    rows = [
        [
            specs[key].short,
            result.variant,
            str(result.train_images) if result.epochs else "-",
            str(result.epochs) if result.epochs else "-",
            f"{result.accuracy:.1%}",
            f"{result.seconds:.1f}" if result.epochs else "-",
        ]
        for key, results_of_key in results.items()
        for result in results_of_key
    ]
    columns = ["data", "variant", "training images", "epochs", "val accuracy", "training s"]
    return (
        "## Validation accuracy after short training\n\n"
        f"Starting weights: {weights}. Each variant ran once from the same start, on the first "
        f"{ACCURACY_LIMIT_PER_CLASS} training images of each class, and was evaluated on the "
        f"whole validation split. The optimizer is {OPTIMIZER_TEXT}. The head on cached "
        "features counts its feature computation in its training seconds.\n\n"
        + table(columns, rows)
        + "\n"
    )


def packages_text(timing: ImportTiming) -> str:
    return ", ".join(f"{name} {value * 1000:.0f} ms" for name, value in timing.slowest_packages)


def quiz_section(
    imports: list[ImportTiming], bank: dict, widget_times: dict[str, Series]
) -> tuple[str, list[Target]]:
    """Render the quiz timings; `imports` starts with `import quiz`, which has a target."""
    rows = []
    for timing in imports:
        imported = "yes" if timing.torch_imported else "no"
        rows.append(
            [
                f"`import {timing.module}` in a fresh interpreter",
                timing.seconds.text(3),
                f"torch imported: {imported}; most time in: {packages_text(timing)}",
            ]
        )

    link_note = "no errors"
    if bank["link_errors"]:
        link_note = f"{bank['link_errors']} link errors reported"
    rows.append([f"load_bank() ({bank['questions']} questions)", bank["load"].text(3), ""])
    rows.append(["load_bank(check_links=True)", bank["load with link check"].text(3), link_note])

    for name, series in widget_times.items():
        if name != "state_bytes":
            rows.append([name, series.text(3), ""])
    state_kib = widget_times["state_bytes"].median / 1024
    rows[-1][2] = f"widget state {state_kib:.0f} KiB as JSON"

    quiz_import = imports[0]
    target = Target(
        "`import quiz`",
        f"< {IMPORT_TARGET_S} s, torch not imported",
        f"{quiz_import.seconds.median:.3f} s, torch "
        + ("imported" if quiz_import.torch_imported else "not imported"),
        quiz_import.seconds.median < IMPORT_TARGET_S and not quiz_import.torch_imported,
        f"module self-times under `python -X importtime`: {packages_text(quiz_import)}",
    )
    text = "## Quiz\n\nSeconds.\n\n" + table(["step", "seconds", "note"], rows) + "\n"
    return text, [target]


def checkpoint_section(result: dict) -> str:
    rows = [
        ["state_dict file (save_model)", f"{result['state_dict_bytes'] / 2**20:.2f}"],
        ["whole model (torch.save(model))", f"{result['whole_model_bytes'] / 2**20:.2f}"],
    ]
    times = [
        [name, result[name].text(3)]
        for name in ("save_model", "load_model", "torch.load(whole model)")
    ]
    return (
        f"## Checkpoints\n\nMobileNetV3-small with a head for {result['num_classes']} classes.\n\n"
        + table(["file", "MiB"], rows)
        + "\n\n"
        + table(["operation", "seconds"], times)
        + "\n\n`load_model` builds the model and loads with weights_only=True; "
        "torch.load of the whole model unpickles the classes instead.\n"
    )


def suite_section(result: SuiteResult | None, previous: str | None, date: str) -> str:
    """Render the suite block; without a new result keep the block of an earlier run."""
    if result is None:
        if previous:
            return previous
        return (
            f"{SUITE_BEGIN}\n## Test suite\n\nNot measured yet: run "
            "`.venv/bin/python benchmarks/run.py --suite` (takes minutes).\n"
            f"{SUITE_END}"
        )
    lint_note = "passed" if result.lint_exit_code == 0 else "FAILED"
    rows = [["ruff check and ruff format --check", "", f"{result.lint_seconds:.2f}", lint_note]]
    for name in GROUPS:
        group = result.groups.get(name)
        if group is None:
            continue
        counts = f"{group.tests} ({group.failed} failed, {group.skipped} skipped)"
        rows.append([name, counts, f"{group.seconds:.1f}", ""])
    rows.append(
        ["pytest start-up, collection, teardown", "", f"{result.unattributed_seconds:.1f}", ""]
    )
    met = result.total_seconds < SUITE_TARGET_S
    rows.append(
        [
            "**total (make test)**",
            "",
            f"{result.total_seconds:.1f}",
            f"target < {SUITE_TARGET_S} s: {'met' if met else 'MISSED'}",
        ]
    )
    text = (
        f"{SUITE_BEGIN}\n## Test suite\n\nMeasured on {date}, one run of `make test`'s "
        f"commands (pytest exit code {result.pytest_exit_code}). The split comes from "
        "pytest's JUnit report; a test's time includes its setup and teardown.\n\n"
        + table(["part", "tests", "seconds", "note"], rows)
        + "\n"
    )
    if result.pytest_exit_code not in (0,):
        text += "\nLast lines of the pytest output:\n\n```\n" + result.log_tail + "\n```\n"
    return text + SUITE_END
