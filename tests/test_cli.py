"""Command line `python -m model_utils`: help, argument errors, download, train and predict."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from model_utils import cli

SAMPLE = os.environ.get("GROCERY_STORE_DATASET")
needs_sample = pytest.mark.skipif(
    not SAMPLE or not Path(SAMPLE).exists(),
    reason="GROCERY_STORE_DATASET is not set to the Grocery Store sample",
)


def run_cli(*args: str, tmp_path: Path, extra_env: dict | None = None):
    env = {
        **os.environ,
        "MODEL_UTILS_OFFLINE": "1",
        "TORCH_HOME": str(tmp_path / "torch-home"),
        **(extra_env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "model_utils", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=600,
    )


def test_help_is_dutch(tmp_path):
    result = run_cli("--help", tmp_path=tmp_path)
    assert result.returncode == 0
    assert "gebruik: python -m model_utils" in result.stdout
    assert "toon deze hulp en stop" in result.stdout


def test_bad_epochs_exit_code_two(tmp_path):
    result = run_cli("train", "--epochs", "0", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "ongeldige waarde '0'" in result.stderr


def test_missing_command_is_dutch(tmp_path):
    result = run_cli(tmp_path=tmp_path)
    assert result.returncode == 2
    assert "deze argumenten ontbreken" in result.stderr


def test_predict_missing_checkpoint(tmp_path):
    result = run_cli("predict", "geen.pth", "foto.jpg", tmp_path=tmp_path)
    assert result.returncode == 1
    assert "geen.pth bestaat niet" in result.stderr
    assert "Traceback" not in result.stderr


def test_train_bad_data_folder(tmp_path):
    result = run_cli("train", "--data", str(tmp_path / "leeg"), tmp_path=tmp_path)
    assert result.returncode == 1
    assert str(tmp_path / "leeg") in result.stderr
    assert "Traceback" not in result.stderr


def test_download_weights_offline_fails_clearly(tmp_path, capsys, monkeypatch):
    def reject_connection(*args, **kwargs):
        raise OSError("geen netwerk in deze test")

    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.setattr("urllib.request.urlopen", reject_connection)
    assert cli.main(["download", "--weights"]) == 1
    error = capsys.readouterr().err
    assert "download.pytorch.org" in error
    assert str(tmp_path / "hub" / "checkpoints") in error


def test_download_dataset_clones(tmp_path, capsys, monkeypatch):
    origin = tmp_path / "origin"
    (origin / "dataset").mkdir(parents=True)
    (origin / "dataset" / "classes.csv").write_text("x\n")
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "init"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *command],
            cwd=origin,
            check=True,
        )
    monkeypatch.setattr(cli, "DATASET_REPOSITORY", origin.as_uri())
    target = tmp_path / "kloon"
    assert cli.main(["download", "--dataset", "--target", str(target)]) == 0
    assert (target / "dataset" / "classes.csv").is_file()
    assert cli.main(["download", "--dataset", "--target", str(target)]) == 0
    assert "staat al in" in capsys.readouterr().out


@needs_sample
def test_train_then_predict_real_photo(tmp_path):
    trained = run_cli(
        "train",
        "--epochs",
        "1",
        "--image-size",
        "96",
        "--output",
        "uit/model.pth",
        tmp_path=tmp_path,
    )
    assert trained.returncode == 0, trained.stderr
    assert "epoch 1/1: train-loss" in trained.stdout
    checkpoint = tmp_path / "uit" / "model.pth"
    assert checkpoint.is_file()

    photo = Path(SAMPLE) / "val" / "Fruit" / "Banana" / "Banana_001.jpg"
    predicted = run_cli("predict", str(checkpoint), str(photo), "--top", "1", tmp_path=tmp_path)
    assert predicted.returncode == 0, predicted.stderr
    lines = predicted.stdout.strip().splitlines()
    assert lines[0] == f"{photo}:"
    coarse_classes = {
        line.split(",")[2].strip()
        for line in (Path(SAMPLE) / "classes.csv").read_text().splitlines()[1:]
    }
    predicted_class = lines[1].strip().rsplit(":", 1)[0]
    assert predicted_class in coarse_classes
