"""The exam quiz notebook in JupyterLab: rendering, feedback, open questions, exam and progress.

The tests share one JupyterLab page with the quiz (fixture quiz_tab) and each one starts from
the quiz start screen.
"""

from __future__ import annotations

import dataclasses

import pytest

from quiz.render import plain_text

from .conftest import (
    CHOICE_TYPES,
    QUIZ_TOPIC,
    QuizDriver,
    markdown_text,
    read_progress,
    squash,
)

pytestmark = pytest.mark.browser

CLOSED_TYPES = (*CHOICE_TYPES, "multiple", "number", "order")
RAW_REPRS = ["QuizApp(", "VBox(", "HBox(", "RadioButtons(", "<quiz."]
# ipywidgets gives every line of an HTML widget the height of an input field (28 px) by default.
WIDGET_LINE_HEIGHT_PX = 28
_OVERFLOWING_JS = """(elements) => elements
    .filter((element) => element.scrollWidth > element.clientWidth + 1)
    .map((element) => element.textContent)"""
_LINE_HEIGHT_JS = "(element) => parseFloat(getComputedStyle(element).lineHeight)"


def shown_question(question):
    """Return `question` with options and steps as the quiz shows them: `code` without backticks."""
    return dataclasses.replace(
        question,
        options=tuple(plain_text(text) for text in question.options),
        steps=tuple(plain_text(text) for text in question.steps),
    )


class ShownTextQuizDriver(QuizDriver):
    """The conftest driver, matching options and steps by the text that the quiz shows.

    The quiz shows options, steps and key points as plain text, and the conftest driver compares
    labels with the raw markdown of the bank.
    """

    def choose(self, question, correct: bool) -> None:
        super().choose(shown_question(question), correct)

    def expected_option_text(self, question, correct: bool) -> str:
        return super().expected_option_text(shown_question(question), correct)


@pytest.fixture
def quiz(quiz_notebook, quiz_bank) -> ShownTextQuizDriver:
    """Return a quiz driver on the start screen of the shared quiz page."""
    driver = ShownTextQuizDriver(quiz_notebook.page, quiz_bank)
    driver.return_to_start()
    return driver


@pytest.fixture
def topic_title(quiz_bank) -> str:
    return quiz_bank.topic(QUIZ_TOPIC).title


def overflowing_texts(locator) -> list[str]:
    """Return the texts of the elements that are cut off (content wider than the element)."""
    return locator.evaluate_all(_OVERFLOWING_JS)


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

    question_line_height = quiz.app.locator(".quiz-question .widget-html-content").evaluate(
        _LINE_HEIGHT_JS
    )
    links = quiz.app.locator(".quiz-feedback a[href*='#cell-id=']")

    assert feedback.startswith("Juist!"), feedback
    assert markdown_text(question.explanation) in squash(feedback), "explanation missing"
    assert len(after) == len(before) + 1, "answer not added to the progress file"
    assert after[-1]["score"] == 1.0, after[-1]
    assert question_line_height < WIDGET_LINE_HEIGHT_PX, "question text has double spacing"
    assert links.count() == 1, "no link to the notebook cell in the feedback"


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
    cut_off = overflowing_texts(
        quiz.app.locator(".quiz-key-point .widget-label-basic, .quiz-selfgrade")
    )
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
    assert cut_off == [], "key points or button cut off"


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


def test_order_steps_not_cut_off(quiz, topic_title, save_screenshot):
    quiz.start(topic=topic_title)
    quiz.skip_to(lambda q: q.type == "order")

    cut_off = overflowing_texts(quiz.app.locator(".quiz-step"))
    steps = quiz.app.locator(".quiz-step").all_text_contents()
    save_screenshot(quiz.page, "volgorde")

    assert cut_off == [], "order steps cut off"
    assert [step for step in steps if "`" in step] == [], "raw backticks in the steps"


def test_exam_countdown_runs(quiz, topic_title, save_screenshot):
    time_limit = quiz.app.locator(".quiz-time-limit input")
    quiz.app.locator(".quiz-mode button", has_text="examenmodus").click()
    time_limit.fill("5")
    # BoundedIntText sends its value to the kernel on blur.
    time_limit.press("Tab")
    quiz.start(mode="examenmodus", topic=topic_title, count=2)
    timer = quiz.app.locator(".quiz-timer")
    first = timer.text_content() or ""

    quiz.page.wait_for_function(
        "(first) => document.querySelector('.quiz-app .quiz-timer').textContent !== first",
        arg=first,
    )
    later = timer.text_content() or ""
    save_screenshot(quiz.page, "klok")
    # Later tests on this page expect an exam without time limit.
    quiz.return_to_start()
    time_limit.fill("0")
    time_limit.press("Tab")

    assert "Resterende tijd: 5:00" in first or "Resterende tijd: 4:59" in first, first
    assert "Resterende tijd: 4:5" in later, f"countdown did not tick: {later!r}"


def test_feedback_link_opens_notebook(quiz, topic_title, save_screenshot):
    quiz.start(topic=topic_title)
    question = quiz.skip_to(lambda q: q.type in CLOSED_TYPES)
    quiz.answer(question, correct=True)
    page = quiz.page
    current_tab = page.locator(".lm-TabBar-tab.jp-mod-current")

    quiz.app.locator(".quiz-feedback a").click()
    current_tab.filter(has_text=question.link.notebook).wait_for()
    heading = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) :is(h1, h2, h3, h4)").filter(
        has_text=question.link.heading
    )
    heading.wait_for()
    page.wait_for_function(
        "(element) => { const box = element.getBoundingClientRect();"
        " return box.top >= 0 && box.bottom <= window.innerHeight; }",
        arg=heading.element_handle(),
    )
    shown = heading.is_visible()
    save_screenshot(page, "link")
    page.locator(".lm-TabBar-tab").filter(has_text="05_examenquiz.ipynb").click()

    assert shown, f"heading {question.link.heading!r} not shown"
