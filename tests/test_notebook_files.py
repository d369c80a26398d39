"""Checks on the stored notebooks in notebooks/, plus one smoke run of notebook 01 offline.

The stored outputs are those of scripts/execute_notebooks.py; nbval compares them cell by cell.
These tests check what nbval does not: that the files were stored after a clean run, hold no
machine paths, and have the structure every teaching notebook shares (fixed headings, learning
goals, exercises with solutions, a pointer to the quiz).
"""

import ast
import os
import re
from pathlib import Path

import matplotlib
import nbformat
import pytest
from nbclient import NotebookClient
from notebook_headings import FIXED_HEADINGS

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"

QUIZ_TOPICS = {
    "01_model_bouwen.ipynb": "model",
    "02_opslaan_en_laden.ipynb": "opslaan",
    "03_train_en_eval.ipynb": "modi",
    "04_lagen_bevriezen.ipynb": "bevriezen",
}
# Absolute folders of a developer or CI machine, and the shared folder beside the repository.
MACHINE_PATH = re.compile(r"(?<![\w.~-])/(?:work|root|home)(?=/|\b)|\.\./shared")
SOLUTION_BLOCK = "<details><summary>Oplossing</summary>"
OUTPUT_CALLS = {"print", "display", "show"}
SMOKE_TIMEOUT_SECONDS = 300

ALL_NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
TEACHING_NOTEBOOKS = [path for path in ALL_NOTEBOOKS if path.name in FIXED_HEADINGS]


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(notebook: nbformat.NotebookNode) -> list[tuple[int, nbformat.NotebookNode]]:
    return [(i, cell) for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]


def markdown_text(notebook: nbformat.NotebookNode) -> str:
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def headings(notebook: nbformat.NotebookNode, level: str) -> list[str]:
    pattern = re.compile(rf"^{level} (.+?)\s*$", re.MULTILINE)
    return pattern.findall(markdown_text(notebook))


def expects_output(source: str) -> bool:
    """Return True if the cell calls print, display or plt.show, so a run must leave output."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else None
            name = function.id if isinstance(function, ast.Name) else name
            if name in OUTPUT_CALLS:
                return True
    return False


def error_outputs(notebook: nbformat.NotebookNode) -> list[int]:
    return [
        index
        for index, cell in code_cells(notebook)
        if "raises-exception" not in cell.metadata.get("tags", [])
        and any(output.output_type == "error" for output in cell.outputs)
    ]


def stderr_outputs(notebook: nbformat.NotebookNode) -> list[int]:
    return [
        index
        for index, cell in code_cells(notebook)
        if any(output.get("name") == "stderr" for output in cell.outputs)
    ]


def notebook_id(path: Path) -> str:
    return path.name


@pytest.mark.parametrize("name", sorted(FIXED_HEADINGS))
def test_teaching_notebook_present(name):
    assert (NOTEBOOK_DIR / name).is_file(), f"notebooks/{name} is missing"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=notebook_id)
def test_stored_without_errors(path):
    assert error_outputs(read(path)) == [], "cells with an error output (not raises-exception)"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=notebook_id)
def test_stored_without_stderr(path):
    assert stderr_outputs(read(path)) == [], "cells that wrote to stderr"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=notebook_id)
def test_code_cells_executed(path):
    missing = [
        index
        for index, cell in code_cells(read(path))
        if cell.source.strip() and cell.execution_count is None
    ]
    assert missing == [], "code cells without execution_count: run scripts/execute_notebooks.py"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=notebook_id)
def test_printing_cells_have_output(path):
    empty = [
        index
        for index, cell in code_cells(read(path))
        if expects_output(cell.source) and not cell.outputs
    ]
    assert empty == [], "cells that print or plot but were stored without output"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=notebook_id)
def test_kernelspec_python3(path):
    assert read(path).metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=notebook_id)
def test_no_machine_paths(path):
    found = sorted({match.group(0) for match in MACHINE_PATH.finditer(path.read_text("utf-8"))})
    assert found == [], "machine paths in the stored notebook (source or output)"


@pytest.mark.parametrize("path", TEACHING_NOTEBOOKS, ids=notebook_id)
def test_fixed_headings_present(path):
    present = set(headings(read(path), "##"))
    missing = [heading for heading in FIXED_HEADINGS[path.name] if heading not in present]
    assert missing == []


@pytest.mark.parametrize("path", TEACHING_NOTEBOOKS, ids=notebook_id)
def test_learning_goals_listed(path):
    text = markdown_text(read(path))
    goals = text.split("## Leerdoelen", 1)[-1].split("\n## ", 1)[0]
    bullets = re.findall(r"^- ", goals, re.MULTILINE)
    assert 3 <= len(bullets) <= 5, "Leerdoelen needs 3 to 5 bullet points"
    assert "**Tijd:**" in goals, "Leerdoelen needs the time line (**Tijd:** ...)"


@pytest.mark.parametrize("path", TEACHING_NOTEBOOKS, ids=notebook_id)
def test_exercises_have_solutions(path):
    notebook = read(path)
    exercises = [h for h in headings(notebook, "###") if re.fullmatch(r"Opdracht \d+", h)]
    assert exercises[:2] == ["Opdracht 1", "Opdracht 2"]
    assert markdown_text(notebook).count(SOLUTION_BLOCK) >= len(exercises)


@pytest.mark.parametrize("path", TEACHING_NOTEBOOKS, ids=notebook_id)
def test_quiz_pointer_present(path):
    summary = markdown_text(read(path)).split("## Samenvatting", 1)[-1]
    assert "05_examenquiz.ipynb" in summary
    assert f"python -m quiz --topic {QUIZ_TOPICS[path.name]}" in summary


def offline_participant_environment(home: Path) -> dict[str, str]:
    """Return the environment of a participant without dataset, weights or network."""
    env = dict(os.environ)
    env.pop("GROCERY_STORE_DATASET", None)
    (home / "torch").mkdir()
    env.update(
        HOME=str(home),
        TORCH_HOME=str(home / "torch"),
        MODEL_UTILS_OFFLINE="1",
        QUIZ_PROGRESS_FILE=str(home / "quiz-voortgang.json"),
        # A new HOME would make matplotlib rebuild its font cache, with a notice on stderr that
        # only a first install shows. The test process's cache folder is reused instead.
        MPLCONFIGDIR=matplotlib.get_cachedir(),
    )
    return env


def test_notebook_01_runs_on_synthetic_data(tmp_path):
    import matplotlib.font_manager  # noqa: F401 - builds the font cache in this process first

    path = NOTEBOOK_DIR / "01_model_bouwen.ipynb"
    notebook = read(path)
    client = NotebookClient(
        notebook,
        timeout=SMOKE_TIMEOUT_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute(env=offline_participant_environment(tmp_path))

    _, setup_cell = code_cells(notebook)[0]
    setup_output = "".join(output.get("text", "") for output in setup_cell.outputs)
    assert "SyntheticGroceryDataset" in setup_output
    assert error_outputs(notebook) == []
    assert stderr_outputs(notebook) == []
