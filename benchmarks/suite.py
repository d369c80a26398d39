"""Wall time of the test suite as `make test` runs it, split into unit, nbval and browser tests.

The suite runs once, exactly as `make test` does (ruff, then `python -m pytest` with the
project's pytest configuration). The split comes from pytest's JUnit XML report, whose time
per test includes its setup and teardown, so a server that a browser test fixture starts is
counted with the browser tests.
"""

import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

GROUPS = ("unit", "nbval", "browser")


@dataclass
class GroupResult:
    """Summed time and outcome counts of one group of tests."""

    seconds: float = 0.0
    tests: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass
class SuiteResult:
    """One run of the suite: lint and pytest wall times and the per-group split."""

    lint_seconds: float
    lint_exit_code: int
    pytest_seconds: float
    pytest_exit_code: int
    groups: dict[str, GroupResult] = field(default_factory=dict)
    log_tail: str = ""

    @property
    def total_seconds(self) -> float:
        return self.lint_seconds + self.pytest_seconds

    @property
    def unattributed_seconds(self) -> float:
        """Pytest time outside any test: start-up, collection and session teardown."""
        return self.pytest_seconds - sum(group.seconds for group in self.groups.values())


def group_of(classname: str) -> str:
    """Map a JUnit classname (tests.browser.test_voila, notebooks.01_x.ipynb) to a group."""
    if classname.startswith("notebooks"):
        return "nbval"
    if classname.startswith("tests.browser"):
        return "browser"
    return "unit"


def parse_junit(path: Path) -> dict[str, GroupResult]:
    """Sum the JUnit XML test cases of `path` per group."""
    groups = {name: GroupResult() for name in GROUPS}
    for case in ElementTree.parse(path).iter("testcase"):
        group = groups[group_of(case.get("classname", ""))]
        group.seconds += float(case.get("time", 0))
        group.tests += 1
        if case.find("failure") is not None or case.find("error") is not None:
            group.failed += 1
        elif case.find("skipped") is not None:
            group.skipped += 1
    return groups


def timed_command(command: list[str], repo: Path, env: dict, log) -> tuple[float, int]:
    """Run `command` in `repo` with output to `log`; return (wall seconds, exit code)."""
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=repo, env=env, stdout=log, stderr=subprocess.STDOUT)
    return time.perf_counter() - started, completed.returncode


def run_suite(repo: Path, env: dict[str, str]) -> SuiteResult:
    """Run lint and pytest like `make test` with environment `env` and time both."""
    ruff = Path(sys.executable).with_name("ruff")
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as scratch:
        log_path = Path(scratch) / "suite.log"
        junit = Path(scratch) / "junit.xml"
        with log_path.open("w", encoding="utf-8") as log:
            check, check_code = timed_command([str(ruff), "check", "."], repo, env, log)
            fmt, fmt_code = timed_command([str(ruff), "format", "--check", "."], repo, env, log)
            command = [sys.executable, "-m", "pytest", f"--junitxml={junit}"]
            pytest_seconds, exit_code = timed_command(command, repo, env, log)
        groups = parse_junit(junit) if junit.is_file() else {}
        # The JUnit line names a temporary file that is gone after the run.
        lines = [
            line
            for line in log_path.read_text(encoding="utf-8").splitlines()
            if "generated xml file" not in line
        ]
        tail = "\n".join(lines[-15:])
    return SuiteResult(check + fmt, check_code or fmt_code, pytest_seconds, exit_code, groups, tail)
