"""JupyterLab in Chromium: Dutch interface and every notebook runs without errors."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import NOTEBOOKS_DIR, QUIZ_NOTEBOOK, WIDGET_TIMEOUT_MS, code_cell_sources

pytestmark = pytest.mark.browser

TEACHING_NOTEBOOKS = [
    "01_model_bouwen.ipynb",
    "02_opslaan_en_laden.ipynb",
    "03_train_en_eval.ipynb",
    "04_lagen_bevriezen.ipynb",
]
# The expected names are always tested, so a missing notebook fails instead of vanishing.
NOTEBOOK_NAMES = sorted(
    set(TEACHING_NOTEBOOKS)
    | {QUIZ_NOTEBOOK}
    | {path.name for path in NOTEBOOKS_DIR.glob("*.ipynb")}
)
# Menu labels of the main menu bar as jupyterlab-language-pack-nl-NL 4.5 translates them.
DUTCH_MENU_LABELS = ["Bestand", "Bewerk", "Weergave", "Uitvoeren", "Instellingen"]
ENGLISH_MENU_LABELS = ["File", "Edit", "View", "Run", "Settings"]
# Code that draws a matplotlib figure. The notebooks end every cell that draws with
# plt.show(), also after the helpers of model_utils.plots.
FIGURE_CODE = re.compile(r"\bplt\.|\bmatplotlib\b")


def _error_outputs(notebook: dict) -> list[str]:
    errors = []
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(f"{output.get('ename')}: {output.get('evalue')}")
    return errors


def _png_output_count(notebook: dict) -> int:
    return sum(
        1
        for cell in notebook.get("cells", [])
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    )


def test_menu_bar_dutch(lab):
    lab.page.goto(lab.server.url("/lab?reset"))
    menu_items = lab.page.locator("#jp-MainMenu .lm-MenuBar-itemLabel")
    menu_items.first.wait_for()
    labels = [label.strip() for label in menu_items.all_text_contents()]

    for label in DUTCH_MENU_LABELS:
        assert label in labels, f"Dutch menu label {label!r} missing, menu bar shows {labels}"
    for label in ENGLISH_MENU_LABELS:
        assert label not in labels, f"English menu label {label!r} shown: {labels}"


def test_status_bar_dutch(lab):
    lab.open_notebook(TEACHING_NOTEBOOKS[0])
    status_bar = lab.page.locator("#jp-main-statusbar")

    # The status bar shows the kernel state a moment after the notebook toolbar does.
    expect(status_bar).to_contain_text("Inactief", timeout=WIDGET_TIMEOUT_MS)


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_notebook_runs_clean(lab, name):
    assert (lab.server.root_dir / name).is_file(), f"notebooks/{name} is missing"
    original = json.loads((NOTEBOOKS_DIR / name).read_text(encoding="utf-8"))

    lab.open_notebook(name)
    lab.run_all_cells()

    assert lab.traceback_outputs() == [], "an output shows a Python traceback"
    assert lab.unexecuted_code_cells() == [], "code cells (by index) did not run"
    assert [text for text in lab.output_texts() if "Error displaying widget" in text] == [], (
        "a widget did not render"
    )
    assert [text for text in lab.output_texts() if "<Figure size" in text] == [], (
        "a matplotlib figure is shown as text instead of an image"
    )

    executed = lab.save_and_read(name)
    assert _error_outputs(executed) == [], "the saved notebook has error outputs"

    image_count = lab.output_images().count()
    assert image_count >= _png_output_count(executed), "a PNG output is not shown as an image"
    if any(FIGURE_CODE.search(source) for source in code_cell_sources(original)):
        assert image_count > 0, "the notebook draws figures, but no image is shown"
