"""HTML voor de widgets: vragen, feedback, uitslag en voortgang als tekst met opmaak.

Markdown uit de vragenbank wordt met mistune omgezet. Ruwe HTML in de bank wordt
ge-escaped, zodat tekst uit de bank de pagina niet kan breken.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import mistune
from mistune.core import BlockState

from quiz.bank import NOTEBOOKS_DIR, Link, Question
from quiz.grading import expected_text
from quiz.links import notebook_cell_url, running_in_voila
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
_TAG = re.compile(r"<[^>]+>")

CORRECT_STYLE = "color:#1b5e20"
INCORRECT_STYLE = "color:#b71c1c"

# De standaard-CSS van ipywidgets 8.1 geeft elke regel in een HTML-widget de hoogte van een
# invoerveld (28 px), laat labels niet afbreken maar afkappen met "…" en zet geen ruimte tussen
# tabelkolommen. Deze regels gelden alleen binnen de quiz en de docentweergave.
QUIZ_CSS = """
.quiz-app .widget-html-content, .quiz-instructor .widget-html-content {
  font-size: var(--jp-content-font-size1, 14px); line-height: 1.5; white-space: normal;
}
.quiz-app .widget-html-content p, .quiz-instructor .widget-html-content p { margin: 0.5em 0; }
.quiz-app pre, .quiz-instructor pre {
  white-space: pre; overflow-x: auto; line-height: 1.4; margin: 0.5em 0; padding: 0.5em 0.75em;
  background: var(--jp-layout-color2, #f3f3f3); border-radius: 3px;
}
.quiz-app code, .quiz-instructor code {
  font-family: var(--jp-code-font-family, monospace); font-size: 0.95em;
}
.quiz-app pre code, .quiz-instructor pre code { background: none; padding: 0; }
.quiz-app :not(pre) > code, .quiz-instructor :not(pre) > code {
  background: var(--jp-layout-color2, #f3f3f3); padding: 0 0.25em; border-radius: 3px;
}
.quiz-app .quiz-score-table { border-collapse: collapse; margin: 0.5em 0; }
.quiz-app .quiz-score-table th, .quiz-app .quiz-score-table td {
  padding: 0.3em 2em 0.3em 0; text-align: left;
  border-bottom: 1px solid var(--jp-border-color2, #e0e0e0);
}
.quiz-app .quiz-mistake {
  margin: 1em 0; padding-left: 0.75em; border-left: 3px solid var(--jp-border-color2, #e0e0e0);
}
.quiz-app .widget-checkbox { height: auto; line-height: 1.4; }
.quiz-app .widget-checkbox .widget-label-basic {
  display: flex; align-items: baseline; white-space: normal; overflow: visible;
  line-height: 1.4; padding: 0.25em 0;
}
.quiz-app .widget-checkbox input[type="checkbox"] { flex-grow: 0; align-self: baseline; }
.quiz-app .widget-radio-box label {
  display: flex; align-items: baseline; height: auto; line-height: 1.4; white-space: normal;
  padding: 0.25em 0;
}
.quiz-app .widget-radio-box input { order: -1; float: none; height: auto; flex-shrink: 0; }
.quiz-app .quiz-step {
  flex: 1 1 auto; min-width: 0; height: auto; white-space: normal; overflow: visible;
  line-height: 1.4;
}
"""


def style_html() -> str:
    """Geef het <style>-blok voor de quiz, bedoeld als inhoud van een HTML-widget."""
    return f"<style>{QUIZ_CSS}</style>"


def markdown_html(text: str) -> str:
    return str(_markdown(text)).strip()


def inline_html(text: str) -> str:
    """Zet één regel markdown om naar HTML zonder alinea of lijst, voor opties en stappen."""
    return str(_markdown.renderer(_markdown.inline(text, {}), BlockState())).strip()


def html_text(fragment: str) -> str:
    """Geef de zichtbare tekst van een stuk HTML zonder tags."""
    return html.unescape(_TAG.sub("", fragment))


def plain_text(text: str) -> str:
    """Geef één regel markdown als gewone tekst (`code` zonder backticks), voor tekstlabels."""
    return html_text(inline_html(text))


def code_html(code: str) -> str:
    return f"<pre><code>{html.escape(code)}</code></pre>"


def link_html(link: Link) -> str:
    """Geef de regel 'Lees meer' met een link naar de kop, of alleen de tekst onder Voilà.

    Onder Voilà bestaan de lesnotebooks niet als pagina, dus een link zou nergens heen gaan.
    """
    label = html.escape(link_text(link.notebook, link.heading))
    if running_in_voila():
        return f"<p>Lees meer in JupyterLab: {label}</p>"
    url = html.escape(notebook_cell_url(NOTEBOOKS_DIR, link.notebook, link.heading), quote=True)
    return f'<p>Lees meer: <a href="{url}">{label}</a></p>'


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
    rest = inline_html(feedback.text.removeprefix(verdict).strip())
    return (
        f'<p><strong style="{style}">{verdict}</strong> {rest}</p>'
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
    parts.append(
        f'<table class="quiz-score-table"><tr><th>Onderwerp</th><th>Score</th></tr>{rows}</table>'
    )
    return "".join(parts)


def mistakes_html(results: Results) -> str:
    """Geef per fout de vraag, je antwoord, het juiste antwoord, de uitleg en de link."""
    if not results.mistakes:
        return "<p>Geen fouten. Goed gedaan!</p>" if results.answered else ""
    parts = [f"<h4>Overzicht van je fouten ({len(results.mistakes)})</h4>"]
    for mistake in results.mistakes:
        question = mistake.question
        if question.type == "open":
            expected = f"<p>Modelantwoord:</p>{markdown_html(mistake.expected)}"
        else:
            expected = f"<p>Juist antwoord: {inline_html(mistake.expected)}</p>"
        code = code_html(question.code) if question.code else ""
        parts.append(
            '<div class="quiz-mistake">'
            f"{markdown_html(question.prompt)}{code}"
            f"<p>Jouw antwoord: {inline_html(mistake.given)}</p>"
            f"{expected}"
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
        items = "".join(f"<li>{inline_html(choice)}</li>" for choice in choices)
        parts.append(f'<ol type="A">{items}</ol>')
    return f'<div style="{PROJECTOR_STYLE}">{"".join(parts)}</div>'


def instructor_answer_html(question: Question) -> str:
    """Geef het antwoord groot, met uitleg en link. Letters verwijzen naar opties of stappen."""
    if question.type == "open":
        points = "".join(f"<li>{inline_html(point)}</li>" for point in question.key_points)
        answer = (
            f"<p><strong>Modelantwoord</strong></p>{markdown_html(question.model_answer)}"
            f"<p><strong>Kernpunten</strong></p><ul>{points}</ul>"
        )
    else:
        answer = f"<p><strong>Antwoord:</strong> {inline_html(_answer_label(question))}</p>"
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
