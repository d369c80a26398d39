"""The progress file: location, atomic writes, locking between quizzes and damaged files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import platformdirs
import pytest
from fsrs import State

from quiz.progress import ENV_VAR, ProgressError, ProgressStore, default_progress_path

DAY_ONE = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
REPO_ROOT = Path(__file__).resolve().parents[1]


def test_default_path_platformdirs(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)

    path = default_progress_path()

    assert path == platformdirs.user_data_path("grocery-quiz") / "voortgang.json"


def test_env_var_overrides_path(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "eigen.json"))

    assert ProgressStore().path == tmp_path / "eigen.json"


def test_missing_file_empty(tmp_path):
    store = ProgressStore(tmp_path / "voortgang.json")

    assert store.load()["questions"] == {}
    assert store.cards() == {}


def test_record_saves_attempt_and_card(tmp_path):
    store = ProgressStore(tmp_path / "sub" / "voortgang.json")

    card = store.record("opslaan-inhoud", 1.0, mode="examen", now=DAY_ONE)

    attempts = store.attempts("opslaan-inhoud")
    assert attempts == [{"time": DAY_ONE.isoformat(), "score": 1.0, "mode": "examen"}]
    assert store.cards()["opslaan-inhoud"].to_dict() == card.to_dict()
    assert card.state == State.Learning


def test_record_reviews_existing_card(tmp_path):
    store = ProgressStore(tmp_path / "voortgang.json")
    first = store.record("q", 1.0, now=DAY_ONE)

    second = store.record("q", 1.0, now=first.due)

    assert second.state == State.Review
    assert len(store.attempts("q")) == 2


def test_write_leaves_no_temp_files(tmp_path):
    store = ProgressStore(tmp_path / "voortgang.json")
    for index in range(3):
        store.record(f"q{index}", 1.0, now=DAY_ONE)

    names = sorted(path.name for path in tmp_path.iterdir())

    assert names == ["voortgang.json", "voortgang.json.lock"]


def test_file_is_valid_json(tmp_path):
    path = tmp_path / "voortgang.json"
    ProgressStore(path).record("q", 0.5, now=DAY_ONE)

    data = json.loads(path.read_text(encoding="utf-8"))

    assert data["format"] == "grocery-quiz-voortgang"
    assert data["questions"]["q"]["attempts"][0]["score"] == 0.5


def test_two_stores_lose_nothing(tmp_path):
    path = tmp_path / "voortgang.json"
    first, second = ProgressStore(path), ProgressStore(path)

    first.record("a", 1.0, now=DAY_ONE)
    second.record("b", 0.0, now=DAY_ONE)
    first.record("b", 1.0, now=DAY_ONE + timedelta(minutes=5))
    second.record("a", 1.0, now=DAY_ONE + timedelta(minutes=20))

    reader = ProgressStore(path)
    assert len(reader.attempts("a")) == 2
    assert len(reader.attempts("b")) == 2
    assert reader.cards()["a"].state == State.Review


# Each writer reports that it is ready, then waits for the go file, so both write at once.
WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from quiz.progress import ProgressStore

    path, name, count, folder = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    store = ProgressStore(path)
    (folder / f"{name}.ready").touch()
    while not (folder / "go").exists():
        time.sleep(0.005)
    for index in range(count):
        store.record(f"{name}-{index % 3}", 1.0)
    """
)


def wait_for(paths, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not all(path.exists() for path in paths):
        assert time.monotonic() < deadline, "writer processes did not start"
        time.sleep(0.01)


def test_two_processes_lose_nothing(tmp_path):
    path = tmp_path / "data" / "voortgang.json"
    count = 40
    names = ("links", "rechts")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name, str(count), str(tmp_path)],
            env=env,
            cwd=REPO_ROOT,
        )
        for name in names
    ]
    wait_for([tmp_path / f"{name}.ready" for name in names])
    (tmp_path / "go").touch()
    codes = [process.wait(timeout=60) for process in processes]

    data = ProgressStore(path).load()["questions"]
    total = sum(len(entry["attempts"]) for entry in data.values())
    assert codes == [0, 0]
    assert total == 2 * count
    assert len(data) == 6
    assert list(path.parent.glob("*.beschadigd-*")) == []


@pytest.mark.parametrize(
    "content",
    [
        b'{"format": "grocery-quiz-voortgang", "version": 1, "questions": {"q": {"card"',
        b"",
        b"\xff\xfe niet utf-8",
        b'{"format": "iets anders"}',
        b'{"format": "grocery-quiz-voortgang", "version": 1, "questions": {"q": {"attempts": 3}}}',
        b'{"format": "grocery-quiz-voortgang", "version": 1, '
        b'"questions": {"q": {"card": {"state": 9}, "attempts": []}}}',
        b"[1, 2, 3]",
    ],
    ids=["half", "empty", "binary", "foreign", "attempts", "card", "list"],
)
def test_damaged_file_moved_aside(tmp_path, content):
    path = tmp_path / "voortgang.json"
    path.write_bytes(content)
    store = ProgressStore(path)

    data = store.load()

    aside = list(tmp_path.glob("voortgang.json.beschadigd-*"))
    assert data["questions"] == {}
    assert len(aside) == 1
    assert aside[0].read_bytes() == content
    assert not path.exists()
    assert "beschadigd" in store.messages[0]
    assert aside[0].name in store.messages[0]


def test_damaged_file_then_record(tmp_path):
    path = tmp_path / "voortgang.json"
    path.write_text("{kapot", encoding="utf-8")
    store = ProgressStore(path)

    store.record("q", 1.0, now=DAY_ONE)

    assert len(store.attempts("q")) == 1
    assert len(list(tmp_path.glob("voortgang.json.beschadigd-*"))) == 1
    assert len(store.messages) == 1


def test_two_damaged_files_kept(tmp_path):
    path = tmp_path / "voortgang.json"
    for text in ("{eerste", "{tweede"):
        path.write_text(text, encoding="utf-8")
        ProgressStore(path).load()

    kept = sorted(aside.read_text() for aside in tmp_path.glob("voortgang.json.beschadigd-*"))

    assert kept == ["{eerste", "{tweede"]


def test_unwritable_location(tmp_path):
    blocker = tmp_path / "bestand"
    blocker.write_text("geen map", encoding="utf-8")
    store = ProgressStore(blocker / "voortgang.json")

    with pytest.raises(ProgressError, match=ENV_VAR):
        store.record("q", 1.0)


def test_read_missing_creates_nothing(tmp_path):
    store = ProgressStore(tmp_path / "nieuw" / "voortgang.json")

    store.load()
    store.cards()

    assert not (tmp_path / "nieuw").exists()
