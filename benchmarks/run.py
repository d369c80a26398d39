"""Measure the workshop's speed and memory and write docs/benchmarks.md (`make bench`).

Real-data rows need GROCERY_STORE_DATASET (the Grocery Store Dataset folder); without it only
the built-in synthetic dataset is measured. The test suite is measured only with --suite,
because it takes minutes.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

# The benchmark never downloads weights; set before model_utils reads it.
ORIGINAL_ENVIRONMENT = dict(os.environ)
os.environ["MODEL_UTILS_OFFLINE"] = "1"

import checkpoints  # noqa: E402
import loading  # noqa: E402
import psutil  # noqa: E402
import quiz_timing  # noqa: E402
import report  # noqa: E402
import sections  # noqa: E402
import suite  # noqa: E402
import torch  # noqa: E402
import training  # noqa: E402
from machine import OtherCpuMeter, describe_machine, load_average  # noqa: E402

import notebooks  # noqa: E402
from model_utils import (  # noqa: E402
    GroceryStoreDataset,
    SyntheticGroceryDataset,
    pretrained_weights_available,
    weights_file,
)
from model_utils.data import DatasetNotFoundError, find_dataset_root  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "docs" / "benchmarks.md"
SECTIONS = ("quiz", "checkpoints", "loading", "training", "inference", "accuracy", "notebooks")
STARTED = time.perf_counter()
# Above this many cores busy with other processes at the start, the run prints a warning.
QUIET_LIMIT_CORES = 0.2


# (section, cores that other processes kept busy during it), for the machine table.
SECTION_OTHER_CPU: list[tuple[str, float]] = []
_running_section: dict = {}


def progress(message: str) -> None:
    elapsed = time.perf_counter() - STARTED
    print(f"[bench {elapsed:6.0f} s] {message}", flush=True)


def finish_section() -> None:
    """Record how busy other processes kept the CPU during the section that is running."""
    if _running_section:
        meter = _running_section.pop("meter")
        SECTION_OTHER_CPU.append((_running_section.pop("title"), meter.cores()))


def start_section(title: str, description: str = "") -> None:
    """Finish the previous section, print the start of this one and start measuring its CPU."""
    finish_section()
    _running_section.update(title=title, meter=OtherCpuMeter([psutil.Process()]))
    progress(f"{title}{': ' + description if description else ''}")


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])

    parser.add_argument("--runs", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument(
        "--notebook-runs",
        type=int,
        default=2,
        help="executions of each notebook per dataset (default 2; each takes up to a minute)",
    )
    parser.add_argument(
        "--accuracy-epochs", type=int, default=3, help="epochs per variant in the accuracy run"
    )
    parser.add_argument(
        "--image-size",
        type=int,
        default=training.IMAGE_SIZE,
        help=f"image size in pixels for loading and training (default {training.IMAGE_SIZE})",
    )
    parser.add_argument(
        "--suite",
        action="store_true",
        help="also time the test suite as `make test` runs it (several minutes)",
    )
    parser.add_argument(
        "--only",
        help=f"comma-separated sections to run, from: {', '.join(SECTIONS)}; a partial run "
        "prints its tables but writes the page only with --output",
    )
    parser.add_argument(
        "--output", type=Path, help=f"page to write (default {PAGE.relative_to(REPO)})"
    )
    parser.add_argument("--no-write", action="store_true", help="print only, write no page")

    arguments = parser.parse_args(argv)
    if arguments.runs < 1 or arguments.notebook_runs < 1 or arguments.accuracy_epochs < 1:
        parser.error("--runs, --notebook-runs and --accuracy-epochs must be at least 1")

    arguments.sections = SECTIONS
    if arguments.only:
        arguments.sections = tuple(name.strip() for name in arguments.only.split(","))
        unknown = sorted(set(arguments.sections) - set(SECTIONS))
        if unknown:
            parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {SECTIONS}")
    return arguments


def real_data_spec(image_size: int) -> training.DataSpec | None:
    """Return the spec of the Grocery Store Dataset from GROCERY_STORE_DATASET, or None if unset.

    A set but invalid path stops the run, since it is a mistake rather than a choice.
    """
    if not ORIGINAL_ENVIRONMENT.get("GROCERY_STORE_DATASET", "").strip():
        return None
    try:
        root = find_dataset_root()
    except DatasetNotFoundError as error:
        raise SystemExit(f"GROCERY_STORE_DATASET is invalid: {error}") from None

    def make_train(cache: bool = True, **options) -> GroceryStoreDataset:
        return GroceryStoreDataset(
            root, "train", "coarse", image_size=image_size, cache=cache, **options
        )

    def make_val(cache: bool = True) -> GroceryStoreDataset:
        return GroceryStoreDataset(root, "val", "coarse", image_size=image_size, cache=cache)

    train = make_train()
    return training.DataSpec(
        key="real",
        label=f"Grocery Store sample ({len(train)} training photos, 43 coarse classes)",
        short="Grocery sample",
        make_train=make_train,
        make_val=make_val,
        num_classes=len(train.classes),
    )


def synthetic_spec(image_size: int) -> training.DataSpec:
    def make_train(cache: bool = True, **options) -> SyntheticGroceryDataset:
        return SyntheticGroceryDataset("train", image_size=image_size, cache=cache, **options)

    def make_val(cache: bool = True) -> SyntheticGroceryDataset:
        return SyntheticGroceryDataset("val", image_size=image_size, cache=cache)

    train = make_train()
    return training.DataSpec(
        key="synthetic",
        label=f"synthetic dataset ({len(train)} training images, {len(train.classes)} classes)",
        short="synthetic",
        make_train=make_train,
        make_val=make_val,
        num_classes=len(train.classes),
    )


def weights_description() -> str:
    if pretrained_weights_available():
        return f"ImageNet weights ({weights_file().name} in the torch cache)"
    return (
        "random initialisation, because the torch cache (TORCH_HOME) holds no ImageNet "
        "weights and the benchmark runs offline"
    )


def measure(arguments, specs: list[training.DataSpec]) -> tuple[list[str], list[report.Target]]:
    """Run the chosen sections and return their Markdown texts and targets."""
    runs = arguments.runs
    by_key = {spec.key: spec for spec in specs}
    texts, targets = [], []
    chosen = set(arguments.sections)

    if "quiz" in chosen:
        start_section("quiz", "import time, bank, widgets")
        imports = [quiz_timing.measure_import(name, runs) for name in ("quiz", "quiz.widgets")]
        text, found = sections.quiz_section(
            imports, quiz_timing.measure_bank(runs), quiz_timing.measure_widgets(runs)
        )
        texts.append(text)
        targets += found

    if "checkpoints" in chosen:
        start_section("checkpoints", "sizes and load times")
        texts.append(sections.checkpoint_section(checkpoints.measure_checkpoints(43, runs)))

    if "loading" in chosen:
        rates, stages = {}, {}
        for spec in specs:
            start_section(f"data loading, {spec.short}")
            rates[spec.key] = loading.measure_loading(spec, runs)
            stages[spec.key] = loading.measure_stages(spec)
        texts.append(sections.loading_section(rates, stages, by_key))

    if "training" in chosen:
        results, sizes = {}, {}
        for spec in specs:
            start_section(f"training, {spec.short}")
            results[spec.key] = training.measure_training(spec, runs)
            sizes[spec.key] = len(spec.make_train())
        text, found = sections.training_section(
            results, by_key, sizes, arguments.image_size, torch.get_num_threads()
        )
        texts.append(text)
        targets += found

    if "inference" in chosen:
        results = {}
        for spec in specs:
            start_section(f"inference, {spec.short}")
            results[spec.key] = training.measure_inference(spec, runs)
        texts.append(sections.inference_section(results, by_key))

    if "accuracy" in chosen:
        results = {}
        for spec in specs:
            start_section(f"accuracy, {spec.short}")
            results[spec.key] = training.measure_accuracy(spec, arguments.accuracy_epochs)
        texts.append(sections.accuracy_section(results, by_key, weights_description()))

    if "notebooks" in chosen:
        start_section("notebooks")
        datasets = {spec.key: getattr(spec.make_train(), "root", None) for spec in specs}
        results, font_cache_s = notebooks.measure_notebooks(
            REPO / "notebooks", datasets, arguments.notebook_runs, progress
        )
        text, found = sections.notebook_section(results, by_key, font_cache_s)
        texts.append(text)
        targets += found
    return texts, targets


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    real = real_data_spec(arguments.image_size)
    if real is None:
        progress(
            "GROCERY_STORE_DATASET is not set, so the real-data rows are skipped and only the "
            "synthetic dataset is measured. Set it to the dataset/ folder of the Grocery Store "
            "Dataset for the full page."
        )
    specs = [spec for spec in (real, synthetic_spec(arguments.image_size)) if spec is not None]
    machine_rows = describe_machine()
    meter = OtherCpuMeter([psutil.Process()])
    time.sleep(1)
    if meter.cores() > QUIET_LIMIT_CORES:
        progress(
            f"other processes keep {meter.cores():.1f} cores busy, so the absolute figures "
            "will be pessimistic; ratios are less affected. Close them for a clean run."
        )

    texts, targets = measure(arguments, specs)
    suite_result = None
    if arguments.suite:
        start_section("test suite", "ruff and pytest as `make test` runs them")
        suite_result = suite.run_suite(REPO, ORIGINAL_ENVIRONMENT)

    load_1min, load_5min, _ = load_average()
    machine_rows.append(("load average at end (1 / 5 min)", f"{load_1min:.2f} / {load_5min:.2f}"))
    finish_section()
    other_cpu = "; ".join(f"{title} {cores:.2f}" for title, cores in SECTION_OTHER_CPU)
    machine_rows.append(("cores kept busy by other processes, per section", other_cpu))
    machine_rows.append(("datasets", "; ".join(spec.label for spec in specs)))
    machine_rows.append(("run time of this benchmark", f"{time.perf_counter() - STARTED:.0f} s"))
    page = arguments.output or PAGE
    intro, previous_suite = report.read_page(page)
    date = datetime.date.today().isoformat()
    generated = "\n".join(
        [
            sections.machine_section(machine_rows, arguments.runs, arguments.notebook_runs),
            report.targets_section(targets),
            *texts,
            sections.suite_section(suite_result, previous_suite, date),
        ]
    )
    print("\n" + generated, flush=True)

    partial = arguments.only is not None and arguments.output is None
    if arguments.no_write or partial:
        progress("page not written (partial run or --no-write)")
    else:
        report.write_page(page, intro, generated)
        progress(f"wrote {page}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        progress("interrupted: the page was not written")
        sys.exit(130)
