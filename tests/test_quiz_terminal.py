"""`python -m quiz` in a subprocess: typed answers on stdin, output, progress file and export."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from quiz_fixtures import write_bank

from quiz.bank import load_bank
from quiz.session import Session

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def bank_dir(tmp_path):
    return write_bank(tmp_path / "bank")


@pytest.fixture
def progress_file(tmp_path):
    return tmp_path / "voortgang.json"


def run_quiz(args, *, stdin="", progress_file=None, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONIOENCODING": "utf-8"}
    if progress_file is not None:
        env["QUIZ_PROGRESS_FILE"] = str(progress_file)
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd or REPO_ROOT,
        timeout=60,
    )


def typed_answer(question, correct: bool) -> list[str]:
    """Return the lines a participant types for `question` as the session shows it."""
    if question.type == "open":
        points = " ".join(str(i + 1) for i in range(len(question.key_points)))
        return ["Alleen tensors.", "", points if correct else "-"]
    if question.type == "truefalse":
        return ["1" if question.answer == correct else "2"]
    if question.type == "number":
        return [str(question.answer if correct else question.answer + 5)]
    if question.type == "multiple":
        chosen = (
            question.answer
            if correct
            else [i for i in range(len(question.options)) if i not in question.answer]
        )
        return [" ".join(str(index + 1) for index in chosen)]
    if question.type == "order":
        order = question.answer if correct else list(reversed(question.answer))
        return [" ".join(str(index + 1) for index in order)]
    index = question.answer if correct else (question.answer + 1) % len(question.options)
    return [str(index + 1)]


def scripted_lines(bank_dir, *, seed, correct, **session_args) -> tuple[list[str], list]:
    """Build the same session as the subprocess will and return the lines to type."""
    session = Session(load_bank(bank_dir), seed=seed, **session_args)
    lines, questions = [], []
    while not session.finished:
        question = session.current
        questions.append(question)
        lines += typed_answer(question, correct(question))
        session.next()
    return lines, questions


def test_help_dutch():
    result = run_quiz(["--help"])

    assert result.returncode == 0
    assert result.stdout.startswith("gebruik: python -m quiz")
    assert "toon deze hulp en stop" in result.stdout
    assert "--with-answers" in result.stdout
    assert "usage:" not in result.stdout


def test_bad_option_dutch():
    result = run_quiz(["--mode", "toets"])

    assert result.returncode == 2
    assert "fout: argument --mode: ongeldige keuze" in result.stderr


def test_bad_count_dutch():
    result = run_quiz(["--count", "nul"])

    assert result.returncode == 2
    assert "geen geheel getal van minstens 1" in result.stderr


def test_practice_all_right(bank_dir, progress_file):
    lines, questions = scripted_lines(bank_dir, seed=5, correct=lambda q: True)

    result = run_quiz(
        ["--bank", str(bank_dir), "--seed", "5"],
        stdin="\n".join(lines) + "\n",
        progress_file=progress_file,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Juist!") == len(questions)
    assert "Niet juist." not in result.stdout
    assert "Score: 8 van 8 (100%)" in result.stdout
    assert "Je voortgang per onderwerp" in result.stdout
    saved = json.loads(progress_file.read_text(encoding="utf-8"))["questions"]
    assert sorted(saved) == sorted(question.id for question in questions)


def test_practice_wrong_then_retry(bank_dir, progress_file):
    def correct(question):
        return question.id != "modi-vergeten"

    lines, _questions = scripted_lines(bank_dir, seed=6, correct=correct, topics=["modi"])
    retry = Session(load_bank(bank_dir), question_ids=["modi-vergeten"], seed=6).current
    lines += ["j", *typed_answer(retry, True), "n"]

    result = run_quiz(
        ["--bank", str(bank_dir), "--seed", "6", "--topic", "modi"],
        stdin="\n".join(lines) + "\n",
        progress_file=progress_file,
    )

    assert result.returncode == 0, result.stderr
    assert "Niet juist. Het juiste antwoord is: Dropout blijft aan" in result.stdout
    assert "Overzicht van je fouten (1):" in result.stdout
    assert "Score: 1 van 1 (100%)" in result.stdout
    attempts = json.loads(progress_file.read_text())["questions"]["modi-vergeten"]["attempts"]
    assert [attempt["score"] for attempt in attempts] == [0.0, 1.0]


def test_exam_mode_score_at_end(bank_dir, progress_file):
    lines, questions = scripted_lines(
        bank_dir, seed=9, correct=lambda q: q.topic == "opslaan", mode="examen", count=4
    )

    result = run_quiz(
        ["--bank", str(bank_dir), "--seed", "9", "--mode", "examen", "--count", "4"],
        stdin="\n".join(lines) + "\n",
        progress_file=progress_file,
    )

    right = sum(question.topic == "opslaan" for question in questions)
    assert result.returncode == 0, result.stderr
    assert "Juist!" not in result.stdout
    assert result.stdout.count("Antwoord bewaard.") == 4
    assert f"Score: {right} van 4" in result.stdout
    assert "Uitslag (examenmodus)" in result.stdout
    modes = {
        attempt["mode"]
        for entry in json.loads(progress_file.read_text())["questions"].values()
        for attempt in entry["attempts"]
    }
    assert modes == {"examen"}


def test_invalid_input_asks_again(bank_dir, progress_file):
    lines, _questions = scripted_lines(bank_dir, seed=1, correct=lambda q: True, topics=["modi"])
    lines = ["zeven", "99", *lines]

    result = run_quiz(
        ["--bank", str(bank_dir), "--seed", "1", "--topic", "modi"],
        stdin="\n".join(lines) + "\n",
        progress_file=progress_file,
    )

    assert result.returncode == 0, result.stderr
    assert "bevat iets anders dan nummers" in result.stdout
    assert "Score: 3 van 3 (100%)" in result.stdout


def test_end_of_input_shows_results(bank_dir, progress_file):
    lines, _questions = scripted_lines(bank_dir, seed=2, correct=lambda q: True, topics=["opslaan"])

    result = run_quiz(
        ["--bank", str(bank_dir), "--seed", "2", "--topic", "opslaan"],
        stdin="\n".join(lines[:1]) + "\n",
        progress_file=progress_file,
    )

    assert result.returncode == 0, result.stderr
    assert "Uitslag (oefenmodus)" in result.stdout
    assert "Traceback" not in result.stderr


def test_stop_word(bank_dir, progress_file):
    result = run_quiz(
        ["--bank", str(bank_dir), "--mode", "examen", "--count", "3"],
        stdin="stop\n",
        progress_file=progress_file,
    )

    assert result.returncode == 0, result.stderr
    assert "Score: 0 van 3 (0%)" in result.stdout
    assert "(niet beantwoord)" in result.stdout


def test_damaged_progress_warning(bank_dir, progress_file):
    progress_file.write_text("{half", encoding="utf-8")
    lines, _questions = scripted_lines(bank_dir, seed=1, correct=lambda q: True, topics=["modi"])

    result = run_quiz(
        ["--bank", str(bank_dir), "--seed", "1", "--topic", "modi"],
        stdin="\n".join(lines) + "\n",
        progress_file=progress_file,
    )

    assert result.returncode == 0, result.stderr
    assert "beschadigd" in result.stderr
    assert list(progress_file.parent.glob("voortgang.json.beschadigd-*"))


def test_unknown_topic(bank_dir):
    result = run_quiz(["--bank", str(bank_dir), "--topic", "nergens"])

    assert result.returncode == 2
    assert "Onbekend onderwerp 'nergens'" in result.stderr


def test_bank_error_no_traceback(tmp_path):
    (tmp_path / "opslaan.yaml").write_text("topic: opslaan\nquestions: [\n", encoding="utf-8")

    result = run_quiz(["--bank", str(tmp_path)])

    assert result.returncode == 2
    assert "Fout in de vragenbank" in result.stderr
    assert "Traceback" not in result.stderr


def test_export_without_answers(bank_dir, tmp_path):
    target = tmp_path / "handout.md"

    result = run_quiz(["--bank", str(bank_dir), "--export", str(target)])

    text = target.read_text(encoding="utf-8")
    assert result.returncode == 0, result.stderr
    assert text.startswith("# Examenquiz: vragen\n")
    assert "## Opslaan en laden" in text
    assert "Wat bewaart `state_dict()`?" in text
    assert "**Antwoord:**" not in text
    assert "Het bevat alleen tensors" not in text


def test_export_with_answers(bank_dir, tmp_path):
    target = tmp_path / "handout.md"

    result = run_quiz(["--bank", str(bank_dir), "--export", str(target), "--with-answers"])

    text = target.read_text(encoding="utf-8")
    assert result.returncode == 0, result.stderr
    assert "**Antwoord:** Tensors per naam" in text
    assert "**Modelantwoord:**" in text
    assert "- geen pickle van klassen" in text
    assert "(examenvraag)" in text


def test_with_answers_needs_export():
    result = run_quiz(["--with-answers"])

    assert result.returncode == 2
    assert "--export" in result.stderr


def test_practice_stop_before_answer(bank_dir, progress_file):
    result = run_quiz(["--bank", str(bank_dir)], stdin="stop\n", progress_file=progress_file)

    assert result.returncode == 0, result.stderr
    assert "Score: je hebt nog geen vraag beantwoord" in result.stdout
    assert not progress_file.exists()


def test_open_question_skip(bank_dir, progress_file):
    result = run_quiz(
        ["--bank", str(bank_dir), "--topic", "opslaan", "--seed", "1"],
        stdin="over\n" * 5,
        progress_file=progress_file,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Vraag ") >= 5
    assert "Score: je hebt nog geen vraag beantwoord" in result.stdout


def test_damaged_progress_moved_before_first_question(bank_dir, progress_file):
    """The damaged file is moved aside at start-up, once, even when the session stops at once."""
    progress_file.write_text("{half", encoding="utf-8")

    result = run_quiz(
        ["--bank", str(bank_dir), "--seed", "1", "--count", "1", "--due"],
        stdin="stop\n",
        progress_file=progress_file,
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr.count("was beschadigd") == 1
    assert "was beschadigd" not in result.stdout
    assert list(progress_file.parent.glob("voortgang.json.beschadigd-*"))


def test_single_question_singular(bank_dir):
    result = run_quiz(
        ["--bank", str(bank_dir), "--seed", "1", "--count", "1", "--no-progress"],
        stdin="stop\n",
    )

    assert "1 vraag." in result.stdout
    assert "1 vragen" not in result.stdout


def test_export_missing_folder_dutch(bank_dir, tmp_path):
    target = tmp_path / "bestaat-niet" / "handout.md"

    result = run_quiz(["--bank", str(bank_dir), "--export", str(target)])

    assert result.returncode == 1
    assert f"De map {target.parent} bestaat niet" in result.stderr
    assert ".tmp" not in result.stderr


def test_ctrl_c_no_traceback(bank_dir, progress_file):
    """Ctrl+C (SIGINT) during a question ends with a Dutch line and exit code 130."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "QUIZ_PROGRESS_FILE": str(progress_file)}
    process = subprocess.Popen(
        [sys.executable, "-m", "quiz", "--bank", str(bank_dir), "--seed", "1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO_ROOT,
    )
    first_line = process.stdout.readline()
    time.sleep(1)  # Let the quiz reach its first prompt.
    process.send_signal(signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=60)

    assert first_line.startswith("Examenquiz in")
    assert process.returncode == 130
    assert "Traceback" not in stderr
    assert "Ctrl+C" in stderr
