"""Spaced repetition with fsrs: ratings, due order across days and mastery per topic."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Rating, State
from quiz_fixtures import write_bank

from quiz.bank import load_bank
from quiz.progress import ProgressStore
from quiz.scheduling import (
    STATUS_DUE,
    STATUS_LEARNING,
    STATUS_MASTERED,
    STATUS_NEW,
    card_status,
    due_order,
    mastery,
    mastery_lines,
    rating_for,
    review,
)
from quiz.session import Session

DAY_ONE = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        (1.0, Rating.Good),
        (0.75, Rating.Hard),
        (0.5, Rating.Hard),
        (0.49, Rating.Again),
        (0, Rating.Again),
    ],
)
def test_rating_for_score(score, rating):
    assert rating_for(score) == rating


def test_review_new_card_wrong_due_soon():
    card = review(None, "opslaan-inhoud", 0.0, DAY_ONE)

    assert card.due - DAY_ONE <= timedelta(minutes=10)
    assert card.last_review == DAY_ONE


def test_review_twice_right_reaches_review_state():
    card = review(None, "opslaan-inhoud", 1.0, DAY_ONE)
    card = review(card, "opslaan-inhoud", 1.0, card.due)

    assert card.state == State.Review
    assert card.due - card.last_review >= timedelta(days=1)


def test_review_is_deterministic():
    first = review(None, "opslaan-inhoud", 1.0, DAY_ONE)
    second = review(None, "opslaan-inhoud", 1.0, DAY_ONE)

    assert first.to_dict() == second.to_dict()


def learned_card(question_id: str, start: datetime):
    card = review(None, question_id, 1.0, start)
    return review(card, question_id, 1.0, card.due)


def test_card_status_sequence():
    card = review(None, "q", 1.0, DAY_ONE)
    learned = review(card, "q", 1.0, card.due)

    assert card_status(None, DAY_ONE) == STATUS_NEW
    assert card_status(card, DAY_ONE) == STATUS_LEARNING
    assert card_status(card, card.due) == STATUS_DUE
    assert card_status(learned, learned.last_review + timedelta(hours=1)) == STATUS_MASTERED
    assert card_status(learned, learned.due) == STATUS_DUE


def test_due_order_forgotten_first():
    # "vergeten" was answered wrong on day one, "geleerd" right twice, "nieuw" never seen.
    cards = {
        "geleerd": learned_card("geleerd", DAY_ONE),
        "vergeten": review(None, "vergeten", 0.0, DAY_ONE),
    }
    next_day = DAY_ONE + timedelta(days=1)

    order = due_order(["geleerd", "nieuw", "vergeten"], cards, next_day)

    assert order == ["vergeten", "nieuw"]


def test_due_order_after_interval():
    cards = {
        "geleerd": learned_card("geleerd", DAY_ONE),
        "vergeten": review(None, "vergeten", 0.0, DAY_ONE),
    }
    later = cards["geleerd"].due + timedelta(days=1)

    order = due_order(["geleerd", "vergeten"], cards, later)

    assert set(order) == {"geleerd", "vergeten"}
    assert order[0] == "vergeten"


def test_due_order_lowest_retrievability_first():
    cards = {
        "oud": learned_card("oud", DAY_ONE),
        "recent": learned_card("recent", DAY_ONE + timedelta(days=5)),
    }
    much_later = DAY_ONE + timedelta(days=400)

    order = due_order(["recent", "oud"], cards, much_later)

    assert order == ["oud", "recent"]


def test_session_due_only_across_days(tmp_path):
    bank = load_bank(write_bank(tmp_path / "bank"))
    store = ProgressStore(tmp_path / "voortgang.json")
    day = {"now": DAY_ONE}
    clock = lambda: day["now"]  # noqa: E731

    first = Session(bank, progress=store, topics="modi", seed=1, clock=clock)
    while not first.finished:
        question = first.current
        right = question.id != "modi-vergeten"
        first.answer(question.answer if right else (question.answer + 1) % 3)
        first.next()
    day["now"] = DAY_ONE + timedelta(days=1)
    second = Session(bank, progress=store, topics="modi", due_only=True, clock=clock)

    assert second.current.id == "modi-vergeten"
    assert [question.id for question in second.questions][0] == "modi-vergeten"


def test_mastery_counts(tmp_path):
    bank = load_bank(write_bank(tmp_path))
    cards = {
        "opslaan-inhoud": learned_card("opslaan-inhoud", DAY_ONE),
        "opslaan-pickle": review(None, "opslaan-pickle", 0.0, DAY_ONE),
        "modi-volgorde": review(None, "modi-volgorde", 1.0, DAY_ONE),
    }
    now = cards["opslaan-inhoud"].last_review + timedelta(hours=1)

    rows = {row.topic: row for row in mastery(bank, cards, now)}

    assert (rows["opslaan"].total, rows["opslaan"].mastered) == (5, 1)
    assert rows["opslaan"].due == 1
    assert rows["opslaan"].new == 3
    assert rows["modi"].due == 1
    assert rows["modi"].new == 2


def test_mastery_lines_dutch(tmp_path):
    bank = load_bank(write_bank(tmp_path))

    lines = mastery_lines(mastery(bank, {}, DAY_ONE))

    assert lines[0] == "Opslaan en laden: 0 van 5 beheerst, 0 te herhalen, 0 in leerfase, 5 nieuw"
