"""Importing the quiz stays light: no torch and no model_utils until a computed question runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "module", ["quiz", "quiz.widgets", "quiz.session", "quiz.__main__", "quiz.computed"]
)
def test_import_without_torch(module):
    code = (
        f"import {module}, sys; "
        "heavy = sorted(name for name in ('torch', 'model_utils') if name in sys.modules); "
        "print(','.join(heavy))"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_load_bank_without_torch():
    code = (
        "import sys; from quiz.bank import load_bank; load_bank(); "
        "assert 'torch' not in sys.modules"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60
    )

    assert result.returncode == 0, result.stderr
