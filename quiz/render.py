"""HTML voor de widgets: vragen, feedback, uitslag en voortgang als tekst met opmaak.

Markdown uit de vragenbank wordt met mistune omgezet. Ruwe HTML in de bank wordt
ge-escaped, zodat tekst uit de bank de pagina niet kan breken.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import mistune

from quiz.bank import Link, Question
from quiz.grading import expected_text
from quiz.links import notebook_url
from quiz.scheduling import TopicMastery, mastery_lines
from quiz.session import Feedback, Results
from quiz.texts import (
    CORRECT,
    FALSE_TEXT,
    INCORRECT,
    LETTERS,
    TRUE_TEXT,
    TYPE_HINTS,
    format_points,
    link_text,
    score_text,
)

_markdown = mistune.create_markdown(escape=True, plugins=["strikethrough", "table"])

CORRECT_STYLE = "color:#1b5e20"
INCORRECT_STYLE = "color:#b71c1c"


def markdown_html(text: str) -> str:
    return str(_markdown(text)).strip()


def code_html(code: str) -> str:
    return f"<pre><code>{html.escape(code)}</code></pre>"


def link_html(link: Link) -> str:
    url = html.escape(notebook_url(link.notebook, link.heading), quote=True)
    label = html.escape(link_text(link.notebook, link.heading))
    return f'<p>Lees meer: <a href="{url}" target="_blank">{label}</a></p>'


def question_html(question: Question, position: int, total: int, topic_title: str) -> str:
    """Geef kop, vraag, eventuele code en een korte aanwijzing over hoe je antwoordt."""
    header = html.escape(f"Vraag {position} van {total} · {topic_title}")
    parts = [f"<p><small>{header}</small></p>", markdown_html(question.prompt)]
    if question.code:
        parts.append(code_html(question.code))
    parts.append(f"<p><em>{html.escape(TYPE_HINTS[question.type])}</em></p>")
    return "".join(parts)


def feedback_html(feedback: Feedback) -> str:
    """Geef de feedback: in oefenmodus beginnend met 'Juist!' of 'Niet juist.', plus uitleg."""
    if not feedback.reveal:
        return f"<p>{html.escape(feedback.text)}</p>"
    verdict = CORRECT if feedback.grade.correct else INCORRECT
    style = CORRECT_STYLE if feedback.grade.correct else INCORRECT_STYLE
    rest = html.escape(feedback.text.removeprefix(verdict))
    return (
        f'<p><strong style="{style}">{verdict}</strong>{rest}</p>'
        f"{markdown_html(feedback.explanation)}{link_html(feedback.link)}"
    )


def message_html(message: str) -> str:
    return f"<p>{html.escape(message)}</p>"


def messages_html(messages: Iterable[str]) -> str:
    return "".join(f'<p style="{INCORRECT_STYLE}">{html.escape(text)}</p>' for text in messages)


def score_html(results: Results) -> str:
    """Geef de totaalscore en een tabel met de score per onderwerp."""
    total = html.escape(score_text(results.points, results.max_points))
    parts = [f"<h3>Score: {total}</h3>"]
    if results.timed_out:
        parts.append("<p>De tijd was om voor je alle vragen had beantwoord.</p>")
    rows = "".join(
        f"<tr><td>{html.escape(topic.title)}</td>"
        f"<td>{html.escape(format_points(topic.points, topic.max_points))}</td></tr>"
        for topic in results.topics
    )
    parts.append(f"<table><tr><th>Onderwerp</th><th>Score</th></tr>{rows}</table>")
    return "".join(parts)


def mistakes_html(results: Results) -> str:
    """Geef per fout de vraag, je antwoord, het juiste antwoord, de uitleg en de link."""
    if not results.mistakes:
        return "<p>Geen fouten. Goed gedaan!</p>" if results.answered else ""
    parts = [f"<h4>Overzicht van je fouten ({len(results.mistakes)})</h4>"]
    for mistake in results.mistakes:
        question = mistake.question
        expected_label = "Modelantwoord" if question.type == "open" else "Juist antwoord"
        parts.append(
            "<div style='margin-bottom:1em'>"
            f"{markdown_html(question.prompt)}"
            f"<p>Jouw antwoord: {html.escape(mistake.given)}</p>"
            f"<p>{expected_label}: {html.escape(mistake.expected)}</p>"
            f"{markdown_html(question.explanation)}{link_html(question.link)}</div>"
        )
    return "".join(parts)


def mastery_html(rows: Iterable[TopicMastery]) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in mastery_lines(rows))
    return f"<p><strong>Je voortgang per onderwerp</strong></p><ul>{items}</ul>"


PROJECTOR_STYLE = "font-size:1.8em;line-height:1.35"


def instructor_question_html(question: Question, position: int, total: int, title: str) -> str:
    """Geef de vraag groot, met opties of stappen als letters A, B, C, ... voor een projector."""
    header = html.escape(f"Vraag {position} van {total} · {title} · {question.id}")
    parts = [f"<p><small>{header}</small></p>", markdown_html(question.prompt)]
    if question.code:
        parts.append(code_html(question.code))
    choices = question.steps if question.type == "order" else question.options
    if question.type == "truefalse":
        choices = (TRUE_TEXT, FALSE_TEXT)
    if choices:
        items = "".join(f"<li>{html.escape(choice)}</li>" for choice in choices)
        parts.append(f'<ol type="A">{items}</ol>')
    return f'<div style="{PROJECTOR_STYLE}">{"".join(parts)}</div>'


def instructor_answer_html(question: Question) -> str:
    """Geef het antwoord groot, met uitleg en link. Letters verwijzen naar opties of stappen."""
    if question.type == "open":
        points = "".join(f"<li>{html.escape(point)}</li>" for point in question.key_points)
        answer = (
            f"<p><strong>Modelantwoord</strong></p>{markdown_html(question.model_answer)}"
            f"<p><strong>Kernpunten</strong></p><ul>{points}</ul>"
        )
    else:
        answer = f"<p><strong>Antwoord:</strong> {html.escape(_answer_label(question))}</p>"
    return (
        f'<div style="{PROJECTOR_STYLE}">{answer}'
        f"{markdown_html(question.explanation)}{link_html(question.link)}</div>"
    )


def _answer_label(question: Question) -> str:
    if question.type in ("single", "code_output"):
        return f"{LETTERS[question.answer]}. {question.options[question.answer]}"
    if question.type == "multiple":
        return ", ".join(f"{LETTERS[i]}. {question.options[i]}" for i in question.answer)
    if question.type == "order":
        return " → ".join(LETTERS[i] for i in question.answer)
    return expected_text(question)
