"""The exam quiz as a Voilà app: no code on the page, answering works as in JupyterLab."""

from __future__ import annotations

import json

import pytest

from .conftest import (
    CHOICE_TYPES,
    QUIZ_NOTEBOOK,
    QUIZ_TOPIC,
    code_cell_sources,
    markdown_text,
    read_progress,
    squash,
)
from .test_quiz_browser import ShownTextQuizDriver

pytestmark = pytest.mark.browser

VOILA_LOAD_TIMEOUT_MS = 60_000


@pytest.fixture
def voila_quiz(page, voila_server, quiz_bank) -> ShownTextQuizDriver:
    """Open the Voilà app and return a driver on the quiz start screen."""
    page.goto(voila_server.url("/"), timeout=VOILA_LOAD_TIMEOUT_MS)
    driver = ShownTextQuizDriver(page, quiz_bank)
    driver.wait_until_shown(timeout_ms=VOILA_LOAD_TIMEOUT_MS)
    return driver


def _code_lines(notebook_path) -> list[str]:
    """Return the source lines of the code cells that are long enough to be recognised."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    lines = []
    for source in code_cell_sources(notebook):
        lines.extend(line.strip() for line in source.splitlines() if len(line.strip()) > 8)
    return lines


def test_voila_hides_code(page, voila_server, voila_quiz, save_screenshot):
    body = page.locator("body").inner_text()
    save_screenshot(page, "start")

    assert page.locator(".jp-CodeCell .jp-InputArea").count() == 0, "code cell inputs shown"
    assert page.locator(".cm-editor, .jp-InputArea-editor, .CodeMirror").count() == 0
    code_lines = _code_lines(voila_server.root_dir / QUIZ_NOTEBOOK)
    assert [line for line in code_lines if line in body] == [], "notebook code is visible"
    assert "There was an error" not in body, body
    assert "Traceback" not in body, body
    assert "Voer de cel hieronder uit" not in body, "JupyterLab instruction shown in the app"


def test_voila_practice_feedback(page, voila_server, voila_quiz, quiz_bank, save_screenshot):
    voila_quiz.start(topic=quiz_bank.topic(QUIZ_TOPIC).title)
    first = voila_quiz.skip_to(lambda q: q.type in CHOICE_TYPES)
    right_feedback = voila_quiz.answer(first, correct=True)
    voila_quiz.next_question()
    second = voila_quiz.skip_to(lambda q: q.type in CHOICE_TYPES)
    wrong_feedback = voila_quiz.answer(second, correct=False)
    save_screenshot(page, "feedback")
    progress = read_progress(voila_server.progress_file)
    feedback_links = page.locator(".quiz-app .quiz-feedback a").count()

    assert right_feedback.startswith("Juist!"), right_feedback
    assert markdown_text(first.explanation) in squash(right_feedback), "explanation missing"
    assert wrong_feedback.startswith("Niet juist."), wrong_feedback
    assert markdown_text(second.explanation) in squash(wrong_feedback), "explanation missing"
    assert first.id in progress, "right answer not in the progress file"
    assert second.id in progress, "wrong answer not in the progress file"
    assert feedback_links == 0, "link to a notebook that Voilà does not serve"
    assert f"Lees meer in JupyterLab: {second.link.notebook}" in wrong_feedback


def test_voila_keyboard_answer(page, voila_quiz, quiz_bank, save_screenshot):
    voila_quiz.start(topic=quiz_bank.topic(QUIZ_TOPIC).title)
    question = voila_quiz.skip_to(lambda q: q.type in CHOICE_TYPES)
    target = voila_quiz.option_labels().index(
        voila_quiz.expected_option_text(question, correct=True)
    )

    checked = voila_quiz.select_option_with_keyboard(target)
    voila_quiz.press_tab_until(".quiz-submit")
    page.keyboard.press("Enter")
    feedback = voila_quiz.feedback_text()
    save_screenshot(page, "toetsenbord")

    assert checked == target, "arrow keys did not select the right option"
    assert feedback.startswith("Juist!"), feedback
