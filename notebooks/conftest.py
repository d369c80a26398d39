"""Pytest hooks for the nbval run of the teaching notebooks.

The stored outputs come from scripts/execute_notebooks.py: a clean offline run on the Grocery Store
Dataset (sample). These hooks give each nbval kernel that same environment, and skip the cells of
notebooks that load data when the dataset is not available, because their stored outputs show
real photos and real class counts.
"""

import importlib.util
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from nbval.plugin import IPyNbCell

DATASET_ENV = "GROCERY_STORE_DATASET"
# A notebook that calls one of these shows real photos or class counts in its stored output.
DATA_ENTRY_POINTS = ("load_grocery_datasets", "GroceryStoreDataset", "sample_image_paths")
NOTEBOOK_DIR = Path(__file__).resolve().parent
EXECUTE_SCRIPT = NOTEBOOK_DIR.parent / "scripts" / "execute_notebooks.py"


def load_execute_script():
    """Import scripts/execute_notebooks.py, which defines the environment of the stored run."""
    spec = importlib.util.spec_from_file_location("execute_notebooks", EXECUTE_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dataset_skip_reason() -> str | None:
    """Return why notebooks with data cannot be compared here, or None if the dataset exists."""
    value = os.environ.get(DATASET_ENV, "").strip()
    if not value:
        return (
            f"{DATASET_ENV} is not set; the stored outputs were made on the Grocery Store "
            "Dataset sample, so this notebook is only compared when it points to that dataset"
        )
    if not Path(value).expanduser().is_dir():
        return (
            f"{DATASET_ENV} points to {value}, which does not exist; the stored outputs were "
            "made on the Grocery Store Dataset sample"
        )
    return None


def uses_dataset(notebook_path: Path) -> bool:
    """Return True if a code cell of the notebook calls one of the data entry points."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    sources = (
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
    )
    return any(name in source for source in sources for name in DATA_ENTRY_POINTS)


def is_notebook_cell(item: pytest.Item) -> bool:
    return isinstance(item, IPyNbCell) and NOTEBOOK_DIR in Path(item.path).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = dataset_skip_reason()
    if reason is None:
        return
    checked: dict[Path, bool] = {}
    for item in items:
        if not is_notebook_cell(item):
            continue
        path = Path(item.path)
        if path not in checked:
            checked[path] = uses_dataset(path)
        if checked[path]:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    # nbval starts the kernel while it sets up the first cell of a notebook, and the kernel copies
    # os.environ at that moment. The variables of the scripted run are set only around that start.
    if not is_notebook_cell(item) or item.parent.kernel is not None:
        return (yield)
    scratch = Path(tempfile.mkdtemp(prefix="nbval-"))
    item.config.add_cleanup(lambda: shutil.rmtree(scratch, ignore_errors=True))
    clean = load_execute_script().clean_environment(scratch)
    saved = {name: os.environ.get(name) for name in clean}
    os.environ.update(clean)
    try:
        return (yield)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
