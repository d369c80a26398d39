"""The exam quiz notebook in JupyterLab: rendering, feedback, open questions, exam and progress.

The tests share one JupyterLab page with the quiz (fixture quiz_tab) and each one starts from
the quiz start screen.
"""

from __future__ import annotations

import pytest

from .conftest import CHOICE_TYPES, QUIZ_TOPIC, markdown_text, read_progress, squash

pytestmark = pytest.mark.browser

CLOSED_TYPES = (*CHOICE_TYPES, "multiple", "number", "order")
RAW_REPRS = ["QuizApp(", "VBox(", "HBox(", "RadioButtons(", "<quiz."]


@pytest.fixture
def topic_title(quiz_bank) -> str:
    return quiz_bank.topic(QUIZ_TOPIC).title


def attempts(quiz_notebook, question_id: str) -> list[dict]:
    progress = read_progress(quiz_notebook.server.progress_file)
    return progress.get(question_id, {}).get("attempts", [])


def test_quiz_renders(quiz_notebook, quiz, save_screenshot):
    outputs = quiz_notebook.output_texts()
    save_screenshot(quiz.page, "start")

    assert quiz.app.count() == 1, "expected exactly one quiz app"
    assert quiz.app.locator(".quiz-mode").is_visible(), "mode toggle not shown"
    assert quiz.app.locator(".quiz-topic select").is_visible(), "topic selector not shown"
    for selector in (".quiz-topic select", ".quiz-notebook select"):
        chosen = quiz.app.locator(selector).evaluate("(select) => select.selectedIndex")
        assert chosen >= 0, f"{selector} shows no choice (empty field)"
    assert [text for text in outputs if "Error displaying widget" in text] == []
    for raw in RAW_REPRS:
        assert [text for text in outputs if raw in text] == [], f"raw repr {raw!r} shown"


def test_practice_right_answer(quiz_notebook, quiz, topic_title, save_screenshot):
    quiz.start(topic=topic_title)
    question = quiz.skip_to(lambda q: q.type in CLOSED_TYPES)
    before = attempts(quiz_notebook, question.id)

    feedback = quiz.answer(question, correct=True)
    save_screenshot(quiz.page, "juist")
    after = attempts(quiz_notebook, question.id)

    assert feedback.startswith("Juist!"), feedback
    assert markdown_text(question.explanation) in squash(feedback), "explanation missing"
    assert len(after) == len(before) + 1, "answer not added to the progress file"
    assert after[-1]["score"] == 1.0, after[-1]


def test_practice_wrong_answer(quiz_notebook, quiz, topic_title, save_screenshot):
    quiz.start(topic=topic_title)
    question = quiz.skip_to(lambda q: q.type in CHOICE_TYPES)
    right = quiz.expected_option_text(question, correct=True)
    before = attempts(quiz_notebook, question.id)

    feedback = quiz.answer(question, correct=False)
    save_screenshot(quiz.page, "niet-juist")
    after = attempts(quiz_notebook, question.id)

    assert feedback.startswith("Niet juist."), feedback
    assert squash(right) in squash(feedback), "right answer not named"
    assert markdown_text(question.explanation) in squash(feedback), "explanation missing"
    assert len(after) == len(before) + 1, "answer not added to the progress file"
    assert after[-1]["score"] == 0.0, after[-1]


def test_open_question_selfgrade(quiz_notebook, quiz, topic_title, save_screenshot):
    quiz.start(topic=topic_title)
    question = quiz.skip_to(lambda q: q.type == "open")
    before = attempts(quiz_notebook, question.id)
    quiz.app.locator(".quiz-open-answer textarea").fill("Dropout blijft aan.")

    model_answer = quiz.reveal_model_answer()
    quiz.tick_key_points(1)
    quiz.app.locator(".quiz-selfgrade").click()
    feedback = quiz.feedback_text()
    save_screenshot(quiz.page, "open-vraag")
    after = attempts(quiz_notebook, question.id)

    assert markdown_text(question.model_answer) in squash(model_answer), "model answer missing"
    assert quiz.app.locator(".quiz-key-point").count() == len(question.key_points)
    assert feedback.startswith("Niet juist."), feedback
    assert f"1 van de {len(question.key_points)}" in feedback, feedback
    assert len(after) == len(before) + 1, "self-grade not added to the progress file"
    assert after[-1]["score"] == round(1 / len(question.key_points), 4), after[-1]


def test_exam_shows_score(quiz_notebook, quiz, topic_title, save_screenshot):
    quiz.start(mode="examenmodus", topic=topic_title, count=2)
    answered = []
    for _ in range(2):
        question = quiz.current_question()
        feedback = quiz.answer(question, correct=True)
        answered.append(question.id)
        assert not feedback.startswith(("Juist!", "Niet juist.")), "exam mode gave feedback"
        quiz.next_question()

    score = quiz.score_text()
    save_screenshot(quiz.page, "score")

    assert "Score" in score, score
    assert "2 van 2" in score, score
    for question_id in answered:
        modes = [attempt["mode"] for attempt in attempts(quiz_notebook, question_id)]
        assert "examen" in modes, f"{question_id} not saved as an exam answer"


def test_keyboard_answer(quiz, topic_title, save_screenshot):
    quiz.start(topic=topic_title)
    question = quiz.skip_to(lambda q: q.type in CHOICE_TYPES)
    target = quiz.option_labels().index(quiz.expected_option_text(question, correct=True))

    checked = quiz.select_option_with_keyboard(target)
    quiz.press_tab_until(".quiz-submit")
    quiz.page.keyboard.press("Enter")
    feedback = quiz.feedback_text()
    save_screenshot(quiz.page, "toetsenbord")

    assert checked == target, "arrow keys did not select the right option"
    assert feedback.startswith("Juist!"), feedback
