"""Content checks for the real Dutch question bank in quiz/questions/.

The tests use only the public bank API: load_bank, QuestionBank.filter and the Question fields.
They check the question count, every topic and type, the three official exam questions and the
links to the fixed notebook headings. They also run every code_output snippet and compare its
output with the correct option.
"""

import contextlib
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from notebook_headings import FIXED_HEADINGS

from quiz.bank import load_bank

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"

TOPICS = ("model", "opslaan", "modi", "bevriezen", "workflow")
QUESTION_TYPES = ("single", "multiple", "truefalse", "code_output", "number", "order", "open")

# The three official course exam questions: prompt text and the topic each belongs to.
EXAM_QUESTIONS = {
    "Waarom is `state_dict()` vaak beter voor portability?": "opslaan",
    "Wat gebeurt er als je `model.eval()` vergeet tijdens inference?": "modi",
    "Wanneer zou je alleen de classifier trainen i.p.v. het hele netwerk?": "bevriezen",
}


HEADING_LINE = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*$")

BANK = load_bank()
CODE_OUTPUT_QUESTIONS = [question for question in BANK.questions if question.type == "code_output"]
LINKED_NOTEBOOKS = sorted({question.link.notebook for question in BANK.questions})


def markdown_headings(path: Path) -> set[str]:
    """Return the text of every markdown heading in the notebook at `path`."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    headings = set()
    for cell in notebook["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = cell["source"]
        text = "".join(source) if isinstance(source, list) else source
        for line in text.splitlines():
            match = HEADING_LINE.match(line)
            if match:
                headings.add(match.group(1))
    return headings


def run_snippet(code: str) -> str:
    """Execute a code_output snippet in a fresh namespace and return its stripped stdout."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, "<snippet>", "exec"), {"__name__": "__snippet__"})
    return output.getvalue().strip()


def test_bank_has_enough_questions():
    assert len(BANK.questions) >= 40


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_has_questions(topic):
    assert len(BANK.filter(topics=[topic]).questions) >= 5


@pytest.mark.parametrize("question_type", QUESTION_TYPES)
def test_type_occurs_several_times(question_type):
    counts = Counter(question.type for question in BANK.questions)
    assert counts[question_type] >= 3


def test_ids_unique():
    ids = [question.id for question in BANK.questions]
    duplicates = sorted(question_id for question_id, count in Counter(ids).items() if count > 1)
    assert duplicates == []


def test_computed_questions_present():
    assert sum(question.computed is not None for question in BANK.questions) >= 5


def test_exactly_three_exam_questions():
    exam_prompts = sorted(question.prompt for question in BANK.questions if question.exam)
    assert exam_prompts == sorted(EXAM_QUESTIONS)


@pytest.mark.parametrize("prompt", sorted(EXAM_QUESTIONS))
def test_exam_question_complete(prompt):
    matches = [question for question in BANK.questions if question.prompt == prompt]
    assert len(matches) == 1
    question = matches[0]
    assert question.type == "open"
    assert question.exam
    assert question.topic == EXAM_QUESTIONS[prompt]
    assert 4 <= len(question.key_points) <= 6
    assert question.model_answer.strip()


@pytest.mark.parametrize("question", BANK.questions, ids=lambda question: question.id)
def test_link_uses_fixed_heading(question):
    assert question.link.notebook in FIXED_HEADINGS
    assert question.link.heading in FIXED_HEADINGS[question.link.notebook]


@pytest.mark.parametrize("notebook", LINKED_NOTEBOOKS)
def test_linked_headings_in_notebook(notebook):
    path = NOTEBOOKS_DIR / notebook
    if not path.exists():
        pytest.skip(f"{notebook} does not exist yet, so only the fixed heading list is checked")
    headings = markdown_headings(path)
    linked = {
        question.link.heading for question in BANK.questions if question.link.notebook == notebook
    }
    assert sorted(linked - headings) == []


@pytest.mark.parametrize("question", CODE_OUTPUT_QUESTIONS, ids=lambda question: question.id)
def test_code_output_matches_answer(question, monkeypatch):
    # Snippets that import model_utils must never try to download pretrained weights.
    monkeypatch.setenv("MODEL_UTILS_OFFLINE", "1")
    assert run_snippet(question.code) == question.options[question.answer]
