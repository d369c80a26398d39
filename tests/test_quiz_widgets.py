"""The ipywidgets front end, driven from Python: set values, click buttons, read the feedback."""

from __future__ import annotations

import ipywidgets as widgets
import pytest
from quiz_fixtures import write_bank, write_topic

from quiz.bank import load_bank
from quiz.inputs import ChoiceInput, MultipleInput, NumberInput, OpenInput, OrderInput
from quiz.progress import ProgressStore
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


@pytest.fixture
def store(tmp_path):
    return ProgressStore(tmp_path / "voortgang.json")


def walk(widget):
    """Yield a widget and all widgets inside it."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def with_class(app: QuizApp, name: str) -> list[widgets.Widget]:
    return [widget for widget in walk(app.widget) if name in getattr(widget, "_dom_classes", ())]


def start(app: QuizApp, *, mode="oefen", topic=None, count=None) -> None:
    app.mode_toggle.value = mode
    app.topic_select.value = topic
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


def test_practice_link_in_feedback(bank):
    app = QuizApp(bank, progress=False)
    start(app, topic="opslaan")

    feedback = answer_current(app, True)

    assert 'href="02_opslaan_en_laden.ipynb#' in feedback


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


def test_exam_stop_counts_unanswered(bank):
    app = QuizApp(bank, progress=False, seed=8)
    start(app, mode="examen", count=4)
    answer_current(app, True)

    app.stop_button.click()

    assert "Score: 1 van 4 (25%)" in visible_text(app.score.value)


def test_exam_time_limit(bank):
    from datetime import datetime, timedelta, timezone

    now = {"value": datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)}
    app = QuizApp(bank, progress=False, seed=8, clock=lambda: now["value"])
    app.time_input.value = 1
    start(app, mode="examen", count=3)
    answer_current(app, True)
    app.next_button.click()
    fill_answer(app, True)
    now["value"] += timedelta(minutes=2)

    app.submit_button.click()

    assert "De tijd is om" in app.notice.value
    assert "Score: 1 van 3" in visible_text(app.score.value)


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
