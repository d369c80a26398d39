"""Packaging: environment.yml, constraints.txt and pyproject.toml name the same dependencies."""

import re
import sys
from pathlib import Path

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
# conda-forge spells a few PyPI names differently.
CONDA_NAMES = {"torch": "pytorch"}


def requirement_name(requirement: str) -> str:
    name = re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_dependencies() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [requirement_name(requirement) for requirement in project["dependencies"]]


def environment_names() -> set[str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = set()
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):
            names.update(requirement_name(item) for item in entry["pip"] if item != "-e .")
        else:
            names.add(requirement_name(entry))
    return names


def test_environment_names_every_dependency():
    names = environment_names()
    missing = [
        dependency
        for dependency in runtime_dependencies()
        if CONDA_NAMES.get(dependency, dependency) not in names
    ]
    assert missing == []


def test_environment_installs_project():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_entries = next(
        entry["pip"] for entry in environment["dependencies"] if isinstance(entry, dict)
    )
    assert "-e ." in pip_entries


def test_constraints_pin_every_dependency():
    pinned = {
        requirement_name(line)
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line
    }
    missing = [dependency for dependency in runtime_dependencies() if dependency not in pinned]
    assert missing == []


def test_torch_range_not_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    torch_requirement = next(r for r in project["dependencies"] if requirement_name(r) == "torch")
    assert "==" not in torch_requirement
    assert ">=2.6" in torch_requirement


def test_ci_runs_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci_script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert ci_script.strip().splitlines()[-1] == "make test"
