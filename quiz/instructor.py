"""Docentweergave: één vraag groot in beeld, met het antwoord op commando, voor een projector."""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as widgets

from quiz.bank import QuestionBank, load_bank
from quiz.computed import ComputedError, resolve
from quiz.html_output import HTMLOutput
from quiz.render import (
    instructor_answer_html,
    instructor_question_html,
    messages_html,
    style_html,
)
from quiz.session import handout_order

SHOW_ANSWER = "Toon antwoord"
HIDE_ANSWER = "Verberg antwoord"


class InstructorView:
    """Blader door de vragen in bankvolgorde en toon het antwoord met de knop 'Toon antwoord'.

    Opties staan in de volgorde van de bank, de stappen van een order-vraag in de vaste
    volgorde van quiz.session.handout_order, net als in de hand-out.
    """

    def __init__(
        self,
        bank: QuestionBank | None = None,
        *,
        topics: Iterable[str] | str | None = None,
        notebook: str | None = None,
        show_answer: bool = False,
    ) -> None:
        bank = bank if bank is not None else load_bank()
        self.bank = bank
        self.questions = list(bank.filter(topics=topics, notebook=notebook).questions)
        if not self.questions:
            raise ValueError("Er zijn geen vragen voor deze keuze van onderwerp en notebook.")
        options = [
            (f"{number}. {question.id}", index)
            for number, (index, question) in enumerate(enumerate(self.questions), start=1)
        ]
        self.selector = widgets.Dropdown(options=options, value=0, description="Vraag")
        self.selector.add_class("quiz-instructor-select")
        self.previous_button = widgets.Button(description="Vorige", icon="arrow-left")
        self.next_button = widgets.Button(description="Volgende", icon="arrow-right")
        self.answer_toggle = widgets.ToggleButton(value=show_answer, description=SHOW_ANSWER)
        self.answer_toggle.add_class("quiz-instructor-toggle")
        self.question_html = widgets.HTML()
        self.question_html.add_class("quiz-instructor-question")
        # Het antwoord bevat de link 'Lees meer'. In een HTMLOutput opent JupyterLab die zelf.
        self.answer_html = HTMLOutput()
        self.answer_html.add_class("quiz-instructor-answer")

        self.previous_button.on_click(lambda _button: self.go(self.selector.value - 1))
        self.next_button.on_click(lambda _button: self.go(self.selector.value + 1))
        self.selector.observe(lambda _change: self._render(), names="value")
        self.answer_toggle.observe(lambda _change: self._render(), names="value")
        controls = widgets.HBox(
            [self.previous_button, self.selector, self.next_button, self.answer_toggle]
        )
        self.widget = widgets.VBox(
            [widgets.HTML(style_html()), controls, self.question_html, self.answer_html]
        )
        self.widget.add_class("quiz-instructor")
        self._render()

    def go(self, index: int) -> None:
        """Ga naar vraag `index` (vanaf 0) en verberg het antwoord weer."""
        if 0 <= index < len(self.questions):
            self.answer_toggle.value = False
            self.selector.value = index

    def _render(self) -> None:
        index = self.selector.value
        question = self.questions[index]
        title = self.bank.topic(question.topic).title
        self.previous_button.disabled = index == 0
        self.next_button.disabled = index == len(self.questions) - 1
        self.answer_toggle.description = HIDE_ANSWER if self.answer_toggle.value else SHOW_ANSWER
        try:
            question = resolve(question)
        except ComputedError as error:
            self.question_html.value = messages_html([str(error)])
            self.answer_html.value = ""
            return
        question = handout_order(question)
        total = len(self.questions)
        self.question_html.value = instructor_question_html(question, index + 1, total, title)
        self.answer_html.value = (
            instructor_answer_html(question) if self.answer_toggle.value else ""
        )
