"""Voer de notebooks in notebooks/ uit en bewaar ze met hun uitvoer, zoals nbval ze vergelijkt.

Elke run is een schone, offline run: de kernel krijgt een lege TORCH_HOME (dus geen voorgetrainde
gewichten in de cache), MODEL_UTILS_OFFLINE=1 (geen download), een tijdelijk voortgangsbestand
voor de quiz en PYTHONHASHSEED=0. GROCERY_STORE_DATASET moet naar de (voorbeeld)dataset wijzen,
want de bewaarde uitvoer toont echte foto's. De uitvoeringsnummers blijven in het notebook staan.

Gebruik:
    python scripts/execute_notebooks.py                       # alle notebooks
    python scripts/execute_notebooks.py notebooks/01_model_bouwen.ipynb
"""

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
DATASET_ENV = "GROCERY_STORE_DATASET"
KERNEL_NAME = "python3"


@dataclass
class RunReport:
    """Meetwaarden van één uitgevoerd notebook, per cel op uitvoeringsnummer (zoals In [n]).

    CPU-tijd is die van het kernelproces (user + system, over alle threads). Op een machine die
    ook ander werk doet, zegt ze meer over de kost van een cel dan de verstreken tijd.
    """

    seconds: float = 0.0
    cpu_seconds: float = 0.0
    cell_seconds: dict[int, float] = field(default_factory=dict)
    cell_cpu_seconds: dict[int, float] = field(default_factory=dict)
    stderr_cells: list[int] = field(default_factory=list)
    peak_rss_mib: float | None = None


def peak_rss_mib(pid: int) -> float | None:
    """Geef het hoogste geheugengebruik (VmHWM) van proces `pid` in MiB, of None buiten Linux."""
    status = Path(f"/proc/{pid}/status")
    try:
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int | None) -> float:
    """Geef de CPU-tijd (user + system) van proces `pid` in seconden, of 0 als het niet bestaat."""
    if pid is None:
        return 0.0
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return times.user + times.system


def clean_environment(scratch: Path) -> dict[str, str]:
    """Geef de omgevingsvariabelen van een schone, offline run, met mappen in `scratch`."""
    torch_home = scratch / "torch"
    torch_home.mkdir()
    return {
        "TORCH_HOME": str(torch_home),
        "MODEL_UTILS_OFFLINE": "1",
        "QUIZ_PROGRESS_FILE": str(scratch / "quiz-voortgang.json"),
        # Een vaste hashseed geeft sets van tekst bij elke run dezelfde volgorde, ook in meldingen
        # van bibliotheken, zoals de lijst van get_unsafe_globals_in_checkpoint in torch.
        "PYTHONHASHSEED": "0",
    }


def execute_notebook(path: Path, *, timeout: int) -> RunReport:
    """Voer `path` uit met de kernel python3 in notebooks/ en schrijf het resultaat atomair terug.

    Bij een fout blijft het bestand ongewijzigd en volgt een CellExecutionError.
    """
    notebook = nbformat.read(path, as_version=4)
    report = RunReport()
    started: dict[int, tuple[float, float]] = {}

    def kernel_pid() -> int | None:
        return getattr(client.km.provisioner, "pid", None)

    def on_cell_start(cell, cell_index):
        started[cell_index] = (time.perf_counter(), cpu_seconds(kernel_pid()))

    def on_cell_executed(cell, cell_index, execute_reply):
        number = cell.get("execution_count") or -cell_index
        wall_start, cpu_start = started[cell_index]
        report.cell_seconds[number] = time.perf_counter() - wall_start
        report.cell_cpu_seconds[number] = cpu_seconds(kernel_pid()) - cpu_start
        report.cpu_seconds = cpu_seconds(kernel_pid())
        if any(output.get("name") == "stderr" for output in cell.get("outputs", [])):
            report.stderr_cells.append(number)
        if kernel_pid() is not None:
            report.peak_rss_mib = peak_rss_mib(kernel_pid()) or report.peak_rss_mib

    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
        record_timing=False,
        on_cell_start=on_cell_start,
        on_cell_executed=on_cell_executed,
    )
    begin = time.perf_counter()
    client.execute()
    report.seconds = time.perf_counter() - begin

    temporary = path.with_name(f".{path.name}.tmp")
    nbformat.write(notebook, temporary)
    os.replace(temporary, path)
    return report


def resolve_notebooks(names: list[str]) -> list[Path]:
    """Zet de opgegeven namen om naar paden; zonder namen alle notebooks in notebooks/."""
    if not names:
        return sorted(NOTEBOOK_DIR.glob("*.ipynb"))
    paths = []
    for name in names:
        path = Path(name)
        if not path.exists() and (NOTEBOOK_DIR / path.name).exists():
            path = NOTEBOOK_DIR / path.name
        if path.suffix != ".ipynb" or not path.is_file():
            raise SystemExit(
                f"Het notebook {name} bestaat niet. Geef een .ipynb-bestand uit notebooks/, "
                "bijvoorbeeld notebooks/01_model_bouwen.ipynb."
            )
        paths.append(path.resolve())
    return paths


def check_dataset() -> None:
    """Stop met een duidelijke melding als GROCERY_STORE_DATASET ontbreekt of niet bestaat."""
    value = os.environ.get(DATASET_ENV, "").strip()
    if not value:
        raise SystemExit(
            f"{DATASET_ENV} is niet gezet. De bewaarde uitvoer hoort bij de echte foto's: zet "
            f"{DATASET_ENV} op de map van de Grocery Store Dataset (of de voorbeeldset) en "
            "probeer opnieuw."
        )
    if not Path(value).expanduser().is_dir():
        raise SystemExit(
            f"{DATASET_ENV} wijst naar {value}, maar die map bestaat niet. Zet de variabele "
            "op de map van de Grocery Store Dataset."
        )


def print_report(path: Path, report: RunReport) -> None:
    slowest = max(report.cell_seconds, key=report.cell_seconds.get, default=None)
    parts = [f"{path.name}: {report.seconds:.1f} s ({report.cpu_seconds:.1f} s CPU-tijd kernel)"]
    if slowest is not None:
        parts.append(
            f"traagste cel In [{slowest}] ({report.cell_seconds[slowest]:.1f} s, "
            f"{report.cell_cpu_seconds[slowest]:.1f} s CPU-tijd)"
        )
    if report.peak_rss_mib is not None:
        parts.append(f"piekgeheugen kernel {report.peak_rss_mib:.0f} MiB")
    print(", ".join(parts), flush=True)
    if report.stderr_cells:
        cells = ", ".join(f"In [{number}]" for number in report.stderr_cells)
        print(
            f"  Let op: {cells} schreef naar stderr, en daarop faalt de test van de "
            "notebookbestanden. Los de waarschuwing op bij de bron.",
            flush=True,
        )


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "Voer de notebooks uit in een schone, offline omgeving en bewaar ze met hun uitvoer."
        )
    )
    parser.add_argument(
        "notebooks",
        nargs="*",
        help="notebooks om uit te voeren (standaard: alle .ipynb-bestanden in notebooks/)",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=300,
        help="maximale tijd per cel in seconden (standaard: 300)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    check_dataset()
    paths = resolve_notebooks(arguments.notebooks)
    failures = 0
    for path in paths:
        # Elk notebook krijgt lege mappen. De kernel erft de omgeving van dit proces.
        with tempfile.TemporaryDirectory(prefix="notebook-run-") as scratch:
            os.environ.update(clean_environment(Path(scratch)))
            try:
                report = execute_notebook(path, timeout=arguments.timeout)
            except (CellExecutionError, CellTimeoutError) as error:
                failures += 1
                print(
                    f"{path.name}: uitvoeren mislukt, het bestand is niet gewijzigd.\n{error}",
                    file=sys.stderr,
                    flush=True,
                )
                continue
        print_report(path, report)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
