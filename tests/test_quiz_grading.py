"""Grading every question type: scores, the right answer in words and rejected responses."""

from __future__ import annotations

import dataclasses

import pytest
from quiz_fixtures import write_bank

from quiz.bank import load_bank
from quiz.grading import InvalidResponse, describe_response, expected_text, grade, parse_number


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    return load_bank(write_bank(tmp_path_factory.mktemp("bank")))


CASES = [
    # (question id, response, expected score)
    ("opslaan-inhoud", 0, 1.0),
    ("opslaan-inhoud", 2, 0.0),
    ("opslaan-buffers", [2, 1], 1.0),
    ("opslaan-buffers", {1}, 0.0),
    ("opslaan-buffers", [0, 1, 2], 0.0),
    ("opslaan-pickle", True, 1.0),
    ("opslaan-pickle", False, 0.0),
    ("opslaan-aantal", 1024, 1.0),
    ("opslaan-aantal", "1024", 1.0),
    ("opslaan-aantal", " 1 024 ", 1.0),
    ("opslaan-aantal", 1025, 0.0),
    ("modi-dropout-output", 1, 1.0),
    ("modi-dropout-output", 0, 0.0),
    ("modi-volgorde", [0, 1, 2, 3], 1.0),
    ("modi-volgorde", [1, 0, 2, 3], 0.0),
    ("opslaan-portability", [0, 1, 2], 1.0),
    ("opslaan-portability", [2], 1 / 3),
    ("opslaan-portability", [], 0.0),
]


@pytest.mark.parametrize(("question_id", "response", "score"), CASES)
def test_grade_score(bank, question_id, response, score):
    result = grade(bank.by_id(question_id), response)

    assert result.score == pytest.approx(score)
    assert result.correct == (score == 1.0)


def test_grade_number_tolerance(bank):
    question = bank.by_id("opslaan-aantal")
    lenient = dataclasses.replace(question, tolerance=2.0)

    assert grade(lenient, 1026).correct
    assert not grade(lenient, 1027).correct


EXPECTED = [
    ("opslaan-inhoud", "Tensors per naam"),
    ("opslaan-buffers", "running_mean; running_var"),
    ("opslaan-pickle", "Waar"),
    ("opslaan-aantal", "1024"),
    ("modi-volgorde", "model laden → model.eval() → torch.no_grad() → voorspellen"),
    ("opslaan-portability", "Het bevat alleen tensors, geen code."),
]


@pytest.mark.parametrize(("question_id", "text"), EXPECTED)
def test_expected_text(bank, question_id, text):
    question = bank.by_id(question_id)

    assert expected_text(question) == text
    assert grade(question, _wrong_response(question)).expected_text == text


def _wrong_response(question):
    return {
        "single": 1,
        "multiple": [0],
        "truefalse": False,
        "number": 1,
        "order": [3, 2, 1, 0],
        "open": [],
    }[question.type]


INVALID = [
    ("opslaan-inhoud", None, "Kies eerst"),
    ("opslaan-inhoud", 5, "1 tot en met 3"),
    ("opslaan-inhoud", True, "1 tot en met 3"),
    ("opslaan-buffers", [], "minstens één"),
    ("opslaan-buffers", "12", "nummers"),
    ("opslaan-buffers", [7], "tussen 1 en 4"),
    ("opslaan-pickle", "ja", "waar of niet waar"),
    ("opslaan-aantal", "veel", "geen getal"),
    ("opslaan-aantal", None, "Typ een getal"),
    ("modi-volgorde", [0, 0, 1, 2], "precies één keer"),
    ("modi-volgorde", [0, 1, 2], "precies één keer"),
    ("opslaan-portability", [3], "tussen 1 en 3"),
]


@pytest.mark.parametrize(("question_id", "response", "message"), INVALID)
def test_invalid_response(bank, question_id, response, message):
    with pytest.raises(InvalidResponse, match=message):
        grade(bank.by_id(question_id), response)


NUMBERS = [
    ("1519000", 1519000),
    ("1 519 000", 1519000),
    ("1.519.000", 1519000),
    ("1,519,000", 1519000),
    ("1_519_000", 1519000),
    ("0,5", 0.5),
    ("0.5", 0.5),
    ("-3", -3),
    ("1.234,5", 1234.5),
]


@pytest.mark.parametrize(("text", "value"), NUMBERS)
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "nan", "inf", "1..2"])
def test_parse_number_rejects(text):
    with pytest.raises(InvalidResponse):
        parse_number(text)


def test_describe_response_order(bank):
    question = bank.by_id("modi-volgorde")

    assert describe_response(question, [1, 0, 2, 3]).startswith("model.eval() → model laden")


def test_describe_response_open(bank):
    question = bank.by_id("opslaan-portability")

    assert describe_response(question, [0, 2]) == "2 van de 3 kernpunten aangevinkt"


def test_describe_response_missing(bank):
    assert describe_response(bank.by_id("opslaan-inhoud"), None) == "(niet beantwoord)"
