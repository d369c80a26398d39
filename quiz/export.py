"""De vragenbank als Markdown-hand-out, met of zonder antwoorden."""

from __future__ import annotations

from pathlib import Path

from quiz.bank import Question, QuestionBank
from quiz.computed import ComputedError, resolve
from quiz.files import atomic_write_text
from quiz.grading import expected_text
from quiz.session import handout_order
from quiz.texts import FALSE_TEXT, LETTERS, TRUE_TEXT, TYPE_HINTS, link_text

NOT_COMPUTED = "Opties en antwoord worden berekend met model_utils, maar dat lukte nu niet: {error}"


def export_markdown(bank: QuestionBank, *, with_answers: bool = False) -> str:
    """Schrijf alle vragen per onderwerp als Markdown.

    Opties staan in de volgorde van de bank, de stappen van een order-vraag in de vaste
    volgorde van quiz.session.handout_order.
    """
    title = "Examenquiz: vragen en antwoorden" if with_answers else "Examenquiz: vragen"
    lines = [f"# {title}", ""]
    number = 0
    for topic in bank.topics:
        lines += [f"## {topic.title}", ""]
        for question in bank.questions:
            if question.topic == topic.id:
                number += 1
                lines += _question_lines(question, number, with_answers)
    return "\n".join(lines).rstrip() + "\n"


def write_export(bank: QuestionBank, path: str | Path, *, with_answers: bool = False) -> Path:
    """Schrijf de hand-out atomair naar `path` en geef het pad terug."""
    return atomic_write_text(path, export_markdown(bank, with_answers=with_answers))


def _question_lines(question: Question, number: int, with_answers: bool) -> list[str]:
    marker = " (examenvraag)" if question.exam else ""
    lines = [f"### Vraag {number}{marker}", "", question.prompt, ""]
    if question.code:
        lines += ["```python", question.code, "```", ""]
    error = None
    try:
        question = resolve(question)
    except ComputedError as failure:
        error = failure
    lines += [f"*{TYPE_HINTS[question.type]}*", ""]
    if question.type == "order":
        shuffled = handout_order(question)
        lines += [f"{LETTERS[index]}. {step}" for index, step in enumerate(shuffled.steps)]
        lines.append("")
    elif question.options:
        lines += [f"{LETTERS[index]}. {option}" for index, option in enumerate(question.options)]
        lines.append("")
    elif question.type == "truefalse":
        lines += [f"A. {TRUE_TEXT}", f"B. {FALSE_TEXT}", ""]
    if error is not None:
        lines += [f"*{NOT_COMPUTED.format(error=error)}*", ""]
    if with_answers:
        lines += _answer_lines(question, error)
    lines += [f"Meer lezen: {link_text(question.link.notebook, question.link.heading)}", ""]
    return lines


def _answer_lines(question: Question, error: ComputedError | None) -> list[str]:
    if error is not None:
        return [f"**Uitleg:** {question.explanation}", ""]
    if question.type == "open":
        lines = ["**Modelantwoord:**", "", question.model_answer, "", "**Kernpunten:**", ""]
        lines += [f"- {point}" for point in question.key_points]
        lines.append("")
    else:
        lines = [f"**Antwoord:** {expected_text(question)}", ""]
    return lines + [f"**Uitleg:** {question.explanation}", ""]
