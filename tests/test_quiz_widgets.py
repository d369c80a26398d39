"""The ipywidgets front end, driven from Python: set values, click buttons, read the feedback."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import ipywidgets as widgets
import pytest
from quiz_fixtures import NOTEBOOK_02, topic_data, write_bank, write_topic

from quiz.bank import Link, load_bank
from quiz.inputs import ChoiceInput, MultipleInput, NumberInput, OpenInput, OrderInput
from quiz.links import VOILA_ENV_VARIABLES, notebook_cell_url, notebook_url
from quiz.progress import ProgressStore
from quiz.render import QUIZ_CSS, link_html
from quiz.widgets import InstructorView, QuizApp

DOM_CLASSES = (
    "quiz-app",
    "quiz-question",
    "quiz-submit",
    "quiz-next",
    "quiz-feedback",
    "quiz-mode",
    "quiz-start",
    "quiz-topic",
)


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    return load_bank(write_bank(tmp_path_factory.mktemp("bank")))


@pytest.fixture(scope="module")
def code_bank(tmp_path_factory):
    """Return the sample bank with `code` in an option, a step, a key point and a choice."""
    folder = tmp_path_factory.mktemp("code-bank")
    opslaan, modi = topic_data("opslaan"), topic_data("modi")
    questions = {question["id"]: question for question in opslaan["questions"] + modi["questions"]}
    questions["modi-vergeten"]["options"][0] = "Dropout blijft aan, zoals na `model.train()`"
    questions["modi-volgorde"]["steps"][1] = "`model.eval()`"
    questions["opslaan-buffers"]["options"][1] = "`running_mean`"
    questions["opslaan-portability"]["key_points"][0] = "alleen `tensors`"
    write_topic(folder, opslaan)
    write_topic(folder, modi)
    return load_bank(folder)


@pytest.fixture
def store(tmp_path):
    return ProgressStore(tmp_path / "voortgang.json")


@pytest.fixture
def jupyterlab_env(monkeypatch):
    """Remove the variables by which the quiz recognises a Voilà kernel."""
    for name in VOILA_ENV_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def walk(widget):
    """Yield a widget and all widgets inside it."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def with_class(app: QuizApp, name: str) -> list[widgets.Widget]:
    return [widget for widget in walk(app.widget) if name in getattr(widget, "_dom_classes", ())]


def start(app: QuizApp, *, mode="oefen", topic=None, count=None) -> None:
    app.mode_toggle.value = mode
    # The empty text is the value of "Alle onderwerpen", like a participant leaves it.
    app.topic_select.value = topic or ""
    if count is not None:
        app.count_input.value = count
    app.start_button.click()


def fill_answer(app: QuizApp, correct: bool) -> None:
    """Fill in the current question through its input widgets, without submitting."""
    question = app.session.current
    answer_input = app.input
    if isinstance(answer_input, ChoiceInput):
        if question.type == "truefalse":
            answer_input.radio.value = question.answer if correct else not question.answer
        else:
            answer_input.radio.value = question.answer if correct else (question.answer + 1) % 2
    elif isinstance(answer_input, MultipleInput):
        for index, checkbox in enumerate(answer_input.checkboxes):
            checkbox.value = (index in question.answer) == correct
    elif isinstance(answer_input, NumberInput):
        answer_input.text.value = str(question.answer if correct else question.answer + 7)
    elif isinstance(answer_input, OrderInput):
        if correct:
            sort_steps(answer_input, question)


def sort_steps(order_input: OrderInput, question) -> None:
    """Sort the steps with the up buttons only, like a participant would."""
    target = list(question.answer)
    for _ in range(len(target) ** 2):
        ranks = [target.index(step) for step in order_input.order]
        wrong = next((i for i in range(1, len(ranks)) if ranks[i] < ranks[i - 1]), None)
        if wrong is None:
            return
        order_input.up_buttons[wrong].click()


def answer_current(app: QuizApp, correct: bool) -> str:
    if isinstance(app.input, OpenInput):
        app.input.reveal_button.click()
        for checkbox in app.input.key_points:
            checkbox.value = correct
        app.input.selfgrade_button.click()
    else:
        fill_answer(app, correct)
        app.submit_button.click()
    return app.feedback.value


def visible_text(html: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", html)


def skip_to_type(app: QuizApp, question_type: str) -> None:
    while app.session.current.type != question_type:
        app.next_button.click()


def fake_clock():
    """Return a settable clock: a dict with the current time and a function that reads it."""
    now = {"value": datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)}
    return now, lambda: now["value"]


# --------------------------------------------------------------------------- structure


def test_dom_classes_present(bank):
    app = QuizApp(bank, progress=False)
    on_start_screen = {name for name in DOM_CLASSES if with_class(app, name)}
    start(app)
    on_question_screen = {name for name in DOM_CLASSES if with_class(app, name)}

    assert on_start_screen | on_question_screen == set(DOM_CLASSES)


def test_start_screen_dutch(bank):
    app = QuizApp(bank, progress=False)

    topic_labels = [label for label, _value in app.topic_select.options]

    assert [label for label, _value in app.mode_toggle.options] == ["oefenmodus", "examenmodus"]
    assert app.start_button.description == "Start"
    assert topic_labels[0] == "Alle onderwerpen"
    assert "Opslaan en laden" in topic_labels


def test_topic_dropdown_shows_all(bank):
    app = QuizApp(bank, progress=False)

    assert app.topic_select.index == 0
    assert app.topic_select.label == "Alle onderwerpen"


def test_notebook_dropdown_shows_all(bank):
    app = QuizApp(bank, progress=False)

    assert app.notebook_select.index == 0
    assert app.notebook_select.label == "Alle notebooks"


def test_all_choice_starts_every_question(bank):
    app = QuizApp(bank, progress=False)

    app.start_button.click()

    assert app.session.total == len(bank.questions)


def test_topic_argument_selects_dropdown(bank):
    app = QuizApp(bank, progress=False, topics="modi", notebook="02")

    assert app.topic_select.label == "train() en eval()"
    assert app.notebook_select.label == NOTEBOOK_02


def test_button_texts(bank):
    app = QuizApp(bank, progress=False)
    start(app)

    assert app.submit_button.description == "Controleer"
    assert app.next_button.description == "Volgende vraag"


def test_widget_repr_stable(bank):
    first = repr(QuizApp(bank, progress=False).widget)
    second = repr(QuizApp(bank, progress=False, seed=3).widget)

    assert first == second
    assert "VBox(" not in first


def test_keyboard_focusable(bank):
    app = QuizApp(bank, progress=False, topics="opslaan", seed=1)
    start(app, topic="opslaan")
    controls = [app.start_button, app.submit_button, app.next_button, app.mode_toggle]

    for control in controls:
        assert control.tabbable is not False, control.description
    assert isinstance(app.start_button, widgets.Button)
    assert isinstance(app.submit_button, widgets.Button)


def test_buttons_fit_their_text(bank):
    app = QuizApp(bank, progress=False, seed=2)
    start(app, topic="opslaan")
    skip_to_type(app, "open")
    buttons = [
        app.start_button,
        app.submit_button,
        app.next_button,
        app.stop_button,
        app.input.reveal_button,
        app.input.selfgrade_button,
    ]

    for button in buttons:
        assert button.layout.width == "auto", button.description


def test_style_block_first_child(bank):
    app = QuizApp(bank, progress=False)

    first = app.widget.children[0]

    assert first is app.style
    assert first.value.startswith("<style>")
    assert ".quiz-app" in first.value


def test_style_fixes_line_height():
    rules = QUIZ_CSS.replace("\n", " ")

    assert ".quiz-app .widget-html-content" in rules
    assert "line-height: 1.5" in rules
    assert "white-space: pre;" in rules


def test_score_table_has_padding_rule(bank):
    app = QuizApp(bank, progress=False, seed=8)
    start(app, mode="examen", count=1)
    app.stop_button.click()

    assert 'class="quiz-score-table"' in app.score.value
    assert ".quiz-app .quiz-score-table td" in QUIZ_CSS


def test_exam_options_only_in_exam_mode(bank):
    app = QuizApp(bank, progress=False)

    hidden = app.exam_options.layout.display
    app.mode_toggle.value = "examen"

    assert hidden == "none"
    assert app.exam_options.layout.display is None


# --------------------------------------------------------------------------- practice mode


@pytest.mark.parametrize("correct", [True, False])
def test_practice_feedback_every_type(bank, correct):
    app = QuizApp(bank, progress=False, seed=11)
    start(app)
    seen = set()

    while app.session is not None and not app.session.finished:
        question = app.session.current
        feedback = visible_text(answer_current(app, correct))
        seen.add(question.type)
        expected = "Juist!" if correct else "Niet juist."
        if question.type == "order" and not correct:
            # The shuffled order is never the right one, so leaving it is a wrong answer.
            expected = "Niet juist."
        assert feedback.startswith(expected), (question.id, feedback)
        assert visible_text(question.explanation.replace("`", "")) in feedback.replace("`", "")
        app.next_button.click()

    assert len(seen) == 7


def test_practice_link_in_feedback(bank, jupyterlab_env):
    app = QuizApp(bank, progress=False)
    start(app, topic="opslaan")

    feedback = answer_current(app, True)

    assert 'href="02_opslaan_en_laden.ipynb#' in feedback


def test_feedback_is_output_widget(bank):
    app = QuizApp(bank, progress=False)
    start(app, topic="opslaan")

    answer_current(app, True)
    output = app.feedback.outputs[0]

    assert isinstance(app.feedback, widgets.Output)
    assert output["data"]["text/html"] == app.feedback.value
    assert output["data"]["text/plain"].startswith("Juist!")


def test_link_uses_cell_id(tmp_path):
    notebook = {
        "cells": [
            {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": "# Titel"},
            {"cell_type": "markdown", "id": "kop-1", "metadata": {}, "source": "## Een van één"},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "01_a.ipynb").write_text(json.dumps(notebook), encoding="utf-8")

    url = notebook_cell_url(tmp_path, "01_a.ipynb", "Een van één")

    assert url == "01_a.ipynb#cell-id=kop-1"


def test_link_without_cell_id_uses_anchor(tmp_path):
    url = notebook_cell_url(tmp_path, NOTEBOOK_02, "Wat zit er in een state_dict?")

    assert url == notebook_url(NOTEBOOK_02, "Wat zit er in een state_dict?")


def test_link_in_voila_is_text(monkeypatch):
    monkeypatch.setenv("VOILA_KERNEL_ID", "kernel-1")

    html = link_html(Link(NOTEBOOK_02, "Wat zit er in een state_dict?"))

    assert "<a " not in html
    assert "Lees meer in JupyterLab: 02_opslaan_en_laden.ipynb" in html


def test_link_in_jupyterlab_is_anchor(jupyterlab_env):
    html = link_html(Link(NOTEBOOK_02, "Wat zit er in een state_dict?"))

    assert '<a href="02_opslaan_en_laden.ipynb#' in html
    assert 'target="_blank"' not in html


def test_option_labels_plain_text(code_bank):
    app = QuizApp(code_bank, progress=False, seed=2)
    start(app, topic="modi")
    skip_to_type(app, "single")

    labels = app.input.radio._options_labels

    assert "Dropout blijft aan, zoals na model.train()" in labels
    assert not [label for label in labels if "`" in label]


def test_checkbox_labels_plain_text(code_bank):
    app = QuizApp(code_bank, progress=False, seed=2)
    start(app, topic="opslaan")
    skip_to_type(app, "multiple")

    descriptions = [checkbox.description for checkbox in app.input.checkboxes]

    assert "running_mean" in descriptions
    assert not [text for text in descriptions if "`" in text]


def test_key_points_plain_text_and_wrap(code_bank):
    app = QuizApp(code_bank, progress=False, seed=2)
    start(app, topic="opslaan")
    skip_to_type(app, "open")
    app.input.reveal_button.click()
    first = app.input.key_points[0]

    assert first.description == "alleen tensors"
    assert first.indent is False
    assert first.layout.width == "auto"


def test_step_labels_plain_text(code_bank):
    app = QuizApp(code_bank, progress=False, seed=2)
    start(app, topic="modi")
    skip_to_type(app, "order")

    labels = [label.value for label in app.input.labels]

    assert [label for label in labels if label.endswith(". model.eval()")] != []
    assert not [label for label in labels if "`" in label]


def test_feedback_renders_code(code_bank):
    app = QuizApp(code_bank, progress=False, seed=2)
    start(app, topic="modi")
    skip_to_type(app, "single")

    feedback = answer_current(app, False)

    assert "zoals na <code>model.train()</code>" in feedback
    assert "`" not in feedback


def test_submit_without_choice(bank):
    app = QuizApp(bank, progress=False, seed=2)
    start(app, topic="modi")
    while app.session.current.type != "single":
        app.next_button.click()

    app.submit_button.click()

    assert "Kies" in app.feedback.value
    assert not app.session.answered


def test_invalid_number_message(bank):
    app = QuizApp(bank, progress=False, seed=2)
    start(app, topic="opslaan")
    while app.session.current.type != "number":
        app.next_button.click()

    app.input.text.value = "heel veel"
    app.submit_button.click()

    assert "geen getal" in app.feedback.value
    assert not app.session.answered


def test_open_question_flow(bank, store):
    app = QuizApp(bank, progress=store, seed=2)
    start(app, topic="opslaan")
    while app.session.current.type != "open":
        app.next_button.click()
    open_input = app.input

    open_input.answer.value = "Alleen tensors, dus geen klasse nodig."
    open_input.selfgrade_button.click()
    blocked = app.feedback.value
    open_input.reveal_button.click()
    open_input.key_points[0].value = True
    open_input.key_points[2].value = True
    open_input.selfgrade_button.click()

    assert "Toon eerst het modelantwoord" in blocked
    assert "Het bevat alleen tensors" in open_input.model_answer.value
    assert visible_text(app.feedback.value).startswith("Niet juist. Je had 2 van de 3 kernpunten")
    assert store.attempts("opslaan-portability")[0]["score"] == pytest.approx(0.6667)


def test_open_question_classes(bank):
    app = QuizApp(bank, progress=False, seed=2)
    start(app, topic="opslaan")
    while app.session.current.type != "open":
        app.next_button.click()
    app.input.reveal_button.click()

    names = ("quiz-open-answer", "quiz-reveal", "quiz-model-answer", "quiz-selfgrade")
    for name in names:
        assert with_class(app, name), name
    assert len(with_class(app, "quiz-key-point")) == 3


def test_retry_wrong_button(bank):
    app = QuizApp(bank, progress=False, seed=5)
    start(app, topic="modi")
    wrong = app.session.current.id
    answer_current(app, False)
    app.next_button.click()
    while app.session is not None and not app.session.finished:
        answer_current(app, True)
        app.next_button.click()

    app.retry_button.click()

    assert app.session.total == 1
    assert app.session.current.id == wrong


def test_callbacks_print_nothing(bank, capsys, store):
    app = QuizApp(bank, progress=store, seed=5)
    start(app, topic="modi")
    while app.session is not None and not app.session.finished:
        answer_current(app, False)
        app.next_button.click()
    app.restart_button.click()

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""


def test_late_choice_change_noted(bank):
    app = QuizApp(bank, progress=False, seed=2)
    start(app, topic="modi")
    skip_to_type(app, "single")
    fill_answer(app, False)
    app.submit_button.click()
    graded = app.session.current.options[app.input.radio.value]

    app.input.radio.value = app.session.current.answer

    assert "Let op: je antwoord veranderde nog" in app.feedback.value
    assert f"Nagekeken antwoord: {graded}" in app.feedback.value


def test_no_late_notice_without_change(bank):
    app = QuizApp(bank, progress=False, seed=2)
    start(app, topic="modi")
    skip_to_type(app, "single")

    feedback = answer_current(app, True)

    assert "Let op" not in feedback


def test_late_number_keystroke_noted(bank):
    app = QuizApp(bank, progress=False, seed=2)
    start(app, topic="opslaan")
    skip_to_type(app, "number")
    app.input.text.value = "102"
    app.submit_button.click()

    app.input.text.value = "1024"

    assert "Let op: je antwoord veranderde nog" in app.feedback.value
    assert "Nagekeken antwoord: 102</p>" in app.feedback.value


def test_text_fields_send_every_keystroke(bank):
    app = QuizApp(bank, progress=False, seed=2)
    start(app, topic="opslaan")
    skip_to_type(app, "number")
    number = app.input.text
    skip_to_type(app, "open")

    assert number.continuous_update is True
    assert app.input.answer.continuous_update is True


# --------------------------------------------------------------------------- exam mode


def test_exam_no_feedback_then_score(bank, store):
    app = QuizApp(bank, progress=store, seed=8)
    start(app, mode="examen", count=3)
    for _ in range(3):
        feedback = visible_text(answer_current(app, True))
        assert not feedback.startswith(("Juist!", "Niet juist.")), feedback
        app.next_button.click()

    score = visible_text(app.score.value)

    assert "Score: 3 van 3 (100%)" in score
    assert app.widget.children[-1] is app.results_panel
    assert "quiz-score" in app.score._dom_classes


def test_exam_review_lists_mistakes(bank):
    app = QuizApp(bank, progress=False, seed=8)
    start(app, mode="examen", count=2)
    prompts = []
    for _ in range(2):
        prompts.append(app.session.current.prompt)
        answer_current(app, False)
        app.next_button.click()

    review = app.review.value

    assert "Overzicht van je fouten (2)" in review
    assert review.count("Juist antwoord") + review.count("Modelantwoord") == 2


def test_review_shows_code(bank):
    app = QuizApp(bank, progress=False, seed=8)
    start(app, mode="examen", topic="modi", count=3)
    for _ in range(3):
        answer_current(app, False)
        app.next_button.click()

    review = app.review.value

    assert "<pre><code>model.eval()\nprint(model.training)</code></pre>" in review
    assert review.count('<div class="quiz-mistake">') == 3


def test_exam_stop_counts_unanswered(bank):
    app = QuizApp(bank, progress=False, seed=8)
    start(app, mode="examen", count=4)
    answer_current(app, True)

    app.stop_button.click()

    assert "Score: 1 van 4 (25%)" in visible_text(app.score.value)


def test_exam_time_limit(bank):
    now, clock = fake_clock()
    app = QuizApp(bank, progress=False, seed=8, clock=clock)
    app.time_input.value = 1
    start(app, mode="examen", count=3)
    answer_current(app, True)
    app.next_button.click()
    fill_answer(app, True)
    now["value"] += timedelta(minutes=2)

    app.submit_button.click()

    assert "De tijd is om" in app.notice.value
    assert "Score: 1 van 3" in visible_text(app.score.value)


def test_countdown_starts_in_exam(bank):
    now, clock = fake_clock()
    app = QuizApp(bank, progress=False, seed=8, clock=clock)
    app.time_input.value = 1

    start(app, mode="examen", count=3)

    assert app.ticker.playing is True
    assert app.ticker.interval == 1000
    assert "Resterende tijd: <strong>1:00</strong>" in app.timer.value


def test_countdown_tick_updates_timer(bank):
    now, clock = fake_clock()
    app = QuizApp(bank, progress=False, seed=8, clock=clock)
    app.time_input.value = 1
    start(app, mode="examen", count=3)

    now["value"] += timedelta(seconds=5)
    app.ticker.value += 1

    assert "Resterende tijd: <strong>0:55</strong>" in app.timer.value


def test_countdown_ends_exam(bank):
    now, clock = fake_clock()
    app = QuizApp(bank, progress=False, seed=8, clock=clock)
    app.time_input.value = 1
    start(app, mode="examen", count=3)

    now["value"] += timedelta(seconds=61)
    app.ticker.value += 1

    assert app.widget.children[-1] is app.results_panel
    assert app.ticker.playing is False
    assert "De tijd is om" in app.notice.value
    assert "Score: 0 van 3" in visible_text(app.score.value)


def test_countdown_stops_on_stop(bank):
    now, clock = fake_clock()
    app = QuizApp(bank, progress=False, seed=8, clock=clock)
    app.time_input.value = 1
    start(app, mode="examen", count=3)

    app.stop_button.click()

    assert app.ticker.playing is False


def test_no_countdown_in_practice(bank):
    app = QuizApp(bank, progress=False, seed=8)

    start(app)

    assert app.ticker.playing is False
    assert app.timer.value == ""


# --------------------------------------------------------------------------- progress and errors


def test_mastery_after_answers(bank, store):
    app = QuizApp(bank, progress=store, seed=1)
    start(app, topic="modi")
    answer_current(app, True)
    app.stop_button.click()

    assert "train() en eval(): 0 van 3 beheerst" in app.results_mastery.value
    assert "1 in leerfase" in app.results_mastery.value


def test_damaged_progress_notice(bank, tmp_path):
    path = tmp_path / "voortgang.json"
    path.write_text("{half", encoding="utf-8")

    app = QuizApp(bank, progress=ProgressStore(path))

    assert "beschadigd" in app.notice.value
    assert list(tmp_path.glob("voortgang.json.beschadigd-*"))


def test_bank_error_shown_in_widget(tmp_path, monkeypatch):
    from quiz import widgets as quiz_widgets

    write_topic(tmp_path, {"topic": "opslaan", "title": "x", "questions": [{"id": "fout"}]})
    monkeypatch.setattr(quiz_widgets, "load_bank", lambda: load_bank(tmp_path))

    app = QuizApp(progress=False)

    assert "Fout in de vragenbank" in app.notice.value
    assert app.widget.children == (app.notice,)


def test_empty_selection_notice(bank, store):
    app = QuizApp(bank, progress=store)
    app.due_checkbox.value = True
    store.record("opslaan-inhoud", 1.0)
    app.topic_select.value = "opslaan"
    for question in bank.filter(topics="opslaan").questions:
        store.record(question.id, 1.0)

    app.start_button.click()

    assert "geen vragen" in app.notice.value
    assert app.session is None


# --------------------------------------------------------------------------- instructor view


def test_instructor_view_hides_answer(bank):
    view = InstructorView(bank, topics="opslaan")

    assert "Wat bewaart" in view.question_html.value
    assert view.answer_html.value == ""


def test_instructor_view_shows_answer(bank):
    view = InstructorView(bank, topics="opslaan")

    view.answer_toggle.value = True

    assert "A. Tensors per naam" in view.answer_html.value
    assert "font-size" in view.question_html.value
    assert view.answer_toggle.description == "Verberg antwoord"


def test_instructor_view_navigation(bank):
    view = InstructorView(bank)
    view.answer_toggle.value = True

    view.next_button.click()

    assert view.selector.value == 1
    assert view.answer_toggle.value is False
    assert view.previous_button.disabled is False
