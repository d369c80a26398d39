"""Practice and exam sessions: feedback, shuffling, time limits, results and retries."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from quiz_fixtures import write_bank

from quiz.bank import load_bank
from quiz.computed import ComputedError
from quiz.grading import InvalidResponse
from quiz.progress import ProgressStore
from quiz.session import Session, SessionError, TimeUp, shuffle_question

START = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    return load_bank(write_bank(tmp_path_factory.mktemp("bank")))


def right_response(question):
    """Return a full-score response for a question as the session shows it."""
    if question.type == "open":
        return list(range(len(question.key_points)))
    if question.type == "multiple":
        return list(question.answer)
    return question.answer


def wrong_response(question):
    """Return a zero-score response for a question as the session shows it."""
    if question.type in ("single", "code_output"):
        return (question.answer + 1) % len(question.options)
    if question.type == "multiple":
        return [index for index in range(len(question.options)) if index not in question.answer]
    if question.type == "truefalse":
        return not question.answer
    if question.type == "number":
        return question.answer + 1000
    if question.type == "order":
        return list(reversed(question.answer))
    return []


def play(session, answer_for):
    while not session.finished:
        session.answer(answer_for(session.current))
        session.next()
    return session.results()


class FakeClock:
    def __init__(self, start=START):
        self.now = start

    def __call__(self):
        return self.now


# --------------------------------------------------------------------------- practice mode


def test_practice_right_feedback(bank):
    session = Session(bank, seed=1)
    question = session.current

    feedback = session.answer(right_response(question))

    assert feedback.text.startswith("Juist!")
    assert feedback.reveal
    assert feedback.explanation == question.explanation
    assert feedback.link == question.link


def test_practice_wrong_feedback_names_answer(bank):
    session = Session(bank, topics="modi", seed=2)
    while session.current.type == "order":
        session.next()
    question = session.current

    feedback = session.answer(wrong_response(question))

    assert feedback.text.startswith("Niet juist.")
    assert feedback.grade.expected_text in feedback.text


def test_open_feedback_counts_key_points(bank):
    session = Session(bank, question_ids=["opslaan-portability"])

    feedback = session.answer([0, 2], typed_text="Alleen tensors.")

    assert feedback.text == "Niet juist. Je had 2 van de 3 kernpunten."
    assert feedback.grade.score == pytest.approx(2 / 3)


def test_answer_twice_rejected(bank):
    session = Session(bank, seed=1)
    session.answer(right_response(session.current))

    with pytest.raises(SessionError, match="al beantwoord"):
        session.answer(right_response(session.current))


def test_invalid_response_not_recorded(bank):
    session = Session(bank, question_ids=["opslaan-inhoud"])

    with pytest.raises(InvalidResponse):
        session.answer(None)

    assert not session.answered


def test_practice_results_only_answered(bank):
    session = Session(bank, seed=3)
    session.answer(right_response(session.current))
    session.next()
    session.next()
    session.finish()

    results = session.results()

    assert results.max_points == 1
    assert results.points == 1
    assert results.mistakes == ()


def test_retry_wrong_only_mistakes(bank):
    session = Session(bank, seed=4)
    wrong_ids = []

    def answer_for(question):
        if question.type in ("single", "truefalse"):
            wrong_ids.append(question.id)
            return wrong_response(question)
        return right_response(question)

    play(session, answer_for)
    retry = session.retry_wrong()

    assert sorted(question.id for question in retry.questions) == sorted(wrong_ids)
    assert retry.mode == "oefen"


def test_retry_without_mistakes(bank):
    session = Session(bank, seed=5)
    play(session, right_response)

    with pytest.raises(SessionError, match="geen fouten"):
        session.retry_wrong()


# --------------------------------------------------------------------------- choice of questions


def test_topic_filter(bank):
    session = Session(bank, topics=["modi"], seed=1)

    assert {question.topic for question in session.questions} == {"modi"}


def test_notebook_filter(bank):
    session = Session(bank, notebook="02_opslaan_en_laden", seed=1)

    assert {question.topic for question in session.questions} == {"opslaan"}


def test_empty_selection(bank):
    with pytest.raises(SessionError, match="geen vragen"):
        Session(bank, question_ids=["bestaat-niet"])


def test_same_seed_same_session(bank):
    first = Session(bank, mode="examen", count=5, seed=42)
    second = Session(bank, mode="examen", count=5, seed=42)

    assert [q.id for q in first.questions] == [q.id for q in second.questions]
    assert first.current.options == second.current.options


def test_seeds_differ(bank):
    orders = {tuple(q.id for q in Session(bank, seed=seed).questions) for seed in range(5)}

    assert len(orders) > 1


def test_shuffle_keeps_right_answer(bank):
    import random

    original = bank.by_id("opslaan-buffers")
    for seed in range(20):
        shuffled = shuffle_question(original, random.Random(seed))
        chosen = {shuffled.options[index] for index in shuffled.answer}
        assert chosen == {"running_mean", "running_var"}


def test_shuffle_order_never_solved(bank):
    import random

    original = bank.by_id("modi-volgorde")
    for seed in range(20):
        shuffled = shuffle_question(original, random.Random(seed))
        assert shuffled.steps != original.steps
        assert [shuffled.steps[index] for index in shuffled.answer] == list(original.steps)


# --------------------------------------------------------------------------- exam mode


def test_exam_no_feedback(bank):
    session = Session(bank, mode="examen", count=3, seed=7)

    feedback = session.answer(right_response(session.current))

    assert not feedback.reveal
    assert not feedback.text.startswith(("Juist!", "Niet juist."))


def test_exam_count(bank):
    session = Session(bank, mode="examen", count=4, seed=7)

    assert session.total == 4


def test_exam_default_count_capped(bank):
    session = Session(bank, mode="examen", seed=7)

    assert session.total == len(bank.questions)


def test_exam_results_per_topic(bank):
    session = Session(bank, mode="examen", count=len(bank.questions), seed=8)

    def answer_for(question):
        return right_response(question) if question.topic == "modi" else wrong_response(question)

    results = play(session, answer_for)
    scores = {topic.topic: (topic.points, topic.max_points) for topic in results.topics}

    assert scores == {"opslaan": (0.0, 5), "modi": (3.0, 3)}
    assert results.percent == round(100 * 3 / 8)
    assert len(results.mistakes) == 5


def test_exam_unanswered_is_mistake(bank):
    session = Session(bank, mode="examen", count=3, seed=9)
    session.answer(right_response(session.current))
    session.finish()

    results = session.results()

    assert results.max_points == 3
    assert results.unanswered == 2
    assert [mistake.given for mistake in results.mistakes] == ["(niet beantwoord)"] * 2


def test_exam_mistake_review_content(bank):
    session = Session(bank, mode="examen", question_ids=["opslaan-inhoud"])
    session.answer(wrong_response(session.current))
    session.next()

    mistake = session.results().mistakes[0]

    assert mistake.expected == "Tensors per naam"
    assert mistake.given != mistake.expected
    assert mistake.question.explanation.startswith("Een state_dict")


def test_time_limit_stops_exam(bank):
    clock = FakeClock()
    session = Session(bank, mode="examen", count=3, seed=1, time_limit=2, clock=clock)
    session.answer(right_response(session.current))
    session.next()
    late_response = right_response(session.current)
    clock.now = START + timedelta(minutes=3)

    with pytest.raises(TimeUp):
        session.answer(late_response)

    results = session.results()
    assert results.timed_out
    assert results.points == 1
    assert session.finished


def test_time_left(bank):
    clock = FakeClock()
    session = Session(bank, mode="examen", time_limit=10, clock=clock)
    clock.now = START + timedelta(minutes=4)

    assert session.time_left() == timedelta(minutes=6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "toets"}, "Onbekende modus"),
        ({"count": 0}, "minstens 1"),
        ({"time_limit": 0}, "meer dan 0"),
        ({"due_only": True}, "voortgangsbestand"),
    ],
)
def test_invalid_arguments(bank, kwargs, message):
    with pytest.raises(SessionError, match=message):
        Session(bank, **kwargs)


# --------------------------------------------------------------------------- progress and computed


def test_answers_saved_to_progress(bank, tmp_path):
    store = ProgressStore(tmp_path / "voortgang.json")
    session = Session(bank, mode="examen", count=2, seed=3, progress=store, clock=FakeClock())
    ids = [question.id for question in session.questions]

    play(session, right_response)

    for question_id in ids:
        assert store.attempts(question_id)[0]["mode"] == "examen"


def test_progress_error_becomes_notice(bank, tmp_path):
    blocker = tmp_path / "bestand"
    blocker.write_text("x", encoding="utf-8")
    session = Session(bank, seed=1, progress=ProgressStore(blocker / "voortgang.json"))

    feedback = session.answer(right_response(session.current))

    assert feedback.text.startswith("Juist!")
    assert "voortgang" in session.notices[0]


def test_computed_question_resolved(bank, monkeypatch):
    import dataclasses

    from quiz import computed

    question = dataclasses.replace(bank.by_id("opslaan-aantal"), answer=None, computed="fake")
    monkeypatch.setattr(
        computed, "compute", lambda name: computed.ComputedAnswer(answer=576, options=())
    )
    computed_bank = dataclasses.replace(bank, questions=(question,))
    session = Session(computed_bank)

    assert session.current.answer == 576
    assert session.answer("576").text.startswith("Juist!")


def test_computed_failure_skipped(bank, monkeypatch):
    import dataclasses

    from quiz import computed

    def fail(name):
        raise ComputedError("model_utils ontbreekt")

    question = dataclasses.replace(bank.by_id("opslaan-aantal"), answer=None, computed="fake")
    monkeypatch.setattr(computed, "compute", fail)
    other = bank.by_id("opslaan-inhoud")
    mixed = dataclasses.replace(bank, questions=(question, other))
    session = Session(mixed, seed=None)
    shown = []
    while not session.finished:
        shown.append(session.current.id)
        session.next()

    assert shown == ["opslaan-inhoud"]
    assert "opslaan-aantal" in session.notices[0]
