"""Invoerwidgets per vraagtype. Elke klasse heeft `widget`, `response()`, `disable()` en `watch()`.

`response()` geeft het antwoord in de vorm die quiz.grading.grade verwacht, of None als de
deelnemer nog niets koos. Alle knoppen en keuzes zijn gewone HTML-invoer, dus met Tab en
Enter of spatie bedienbaar.

Opties, stappen en kernpunten staan als gewone tekst in hun widget: `code` verschijnt zonder
backticks. RadioButtons en Label tonen alleen tekst, en een Checkbox met HTML-beschrijving
zet die HTML met tags in zijn tooltip (title), dus ook daar blijft het gewone tekst.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from quiz.bank import Question
from quiz.render import markdown_html, plain_text
from quiz.texts import FALSE_TEXT, TRUE_TEXT

# flex 0 0 auto: een lange stap ernaast mag de knoppen niet smaller maken.
STEP_BUTTON_LAYOUT = widgets.Layout(width="8em", flex="0 0 auto")
Watcher = Callable[[], None]


def fitting_layout() -> widgets.Layout:
    """Geef een layout die de breedte aan de inhoud aanpast in plaats van tekst af te kappen."""
    return widgets.Layout(width="auto")


def button_layout() -> widgets.Layout:
    """Geef een layout waarin een knop even breed is als zijn tekst, en minstens 8em.

    Zonder align_self rekt een VBox een knop met breedte auto uit over de hele breedte.
    """
    return widgets.Layout(width="auto", min_width="8em", align_self="flex-start")


def choice_checkbox(text: str, dom_class: str) -> widgets.Checkbox:
    """Maak een Checkbox met een beschrijving die afbreekt over meer regels (zie QUIZ_CSS)."""
    checkbox = widgets.Checkbox(
        description=plain_text(text),
        value=False,
        indent=False,
        layout=fitting_layout(),
    )
    checkbox.add_class(dom_class)
    return checkbox


def _observe_values(controls: list[widgets.ValueWidget], callback: Watcher) -> None:
    for control in controls:
        control.observe(lambda _change: callback(), names="value")


class ChoiceInput:
    """Eén keuze uit RadioButtons: single, code_output en truefalse."""

    def __init__(self, question: Question) -> None:
        if question.type == "truefalse":
            options = [(TRUE_TEXT, True), (FALSE_TEXT, False)]
        else:
            options = [(plain_text(text), index) for index, text in enumerate(question.options)]
        self.radio = widgets.RadioButtons(options=options, value=None, layout=fitting_layout())
        self.radio.add_class("quiz-options")
        self.widget = self.radio

    def response(self) -> Any:
        return self.radio.value

    def disable(self) -> None:
        self.radio.disabled = True

    def watch(self, callback: Watcher) -> None:
        _observe_values([self.radio], callback)


class MultipleInput:
    """Eén Checkbox per optie."""

    def __init__(self, question: Question) -> None:
        self.checkboxes = [choice_checkbox(text, "quiz-option") for text in question.options]
        self.widget = widgets.VBox(self.checkboxes)

    def response(self) -> Any:
        return [index for index, checkbox in enumerate(self.checkboxes) if checkbox.value]

    def disable(self) -> None:
        for checkbox in self.checkboxes:
            checkbox.disabled = True

    def watch(self, callback: Watcher) -> None:
        _observe_values(self.checkboxes, callback)


class NumberInput:
    """Een tekstveld voor een getal. De grading leest ook "1 519 000" en "0,5"."""

    def __init__(self, question: Question) -> None:
        # continuous_update blijft aan. Met continuous_update=False stuurt de browser de
        # tekst pas als het veld de focus verliest, en in JupyterLab 4.6 kwam die tekst dan soms
        # pas na de klik op Controleer aan (gezien in de browsertests).
        self.text = widgets.Text(value="", placeholder="bv. 1519000", description="Antwoord")
        self.text.add_class("quiz-option")
        self.text.add_class("quiz-number")
        self.widget = self.text

    def response(self) -> Any:
        return self.text.value if self.text.value.strip() else None

    def disable(self) -> None:
        self.text.disabled = True

    def watch(self, callback: Watcher) -> None:
        _observe_values([self.text], callback)


class OrderInput:
    """De stappen onder elkaar, met per stap de knoppen omhoog en omlaag.

    De rijen blijven staan en alleen hun tekst wisselt. Na een verplaatsing krijgt dezelfde
    knop in de nieuwe rij de focus, zodat je met het toetsenbord een stap kunt blijven
    verschuiven.
    """

    def __init__(self, question: Question) -> None:
        self.steps = question.steps
        self.order = list(range(len(question.steps)))
        self.labels, self.up_buttons, self.down_buttons, rows = [], [], [], []
        for position in range(len(self.order)):
            up = widgets.Button(description="omhoog", icon="arrow-up", layout=STEP_BUTTON_LAYOUT)
            down = widgets.Button(
                description="omlaag", icon="arrow-down", layout=STEP_BUTTON_LAYOUT
            )
            up.on_click(lambda _button, at=position: self.move(at, -1))
            down.on_click(lambda _button, at=position: self.move(at, 1))
            label = widgets.Label()
            label.add_class("quiz-step")
            row = widgets.HBox([up, down, label], layout=widgets.Layout(align_items="center"))
            row.add_class("quiz-option")
            self.labels.append(label)
            self.up_buttons.append(up)
            self.down_buttons.append(down)
            rows.append(row)
        self.widget = widgets.VBox(rows)
        self._disabled = False
        self._refresh()

    def _refresh(self) -> None:
        last = len(self.order) - 1
        for position, step_index in enumerate(self.order):
            self.labels[position].value = f"{position + 1}. {plain_text(self.steps[step_index])}"
            self.up_buttons[position].disabled = self._disabled or position == 0
            self.down_buttons[position].disabled = self._disabled or position == last

    def move(self, position: int, offset: int) -> None:
        """Verwissel de stap op `position` met de stap erboven (-1) of eronder (+1)."""
        target = position + offset
        if self._disabled or not 0 <= target < len(self.order):
            return
        self.order[position], self.order[target] = self.order[target], self.order[position]
        self._refresh()
        buttons = self.up_buttons if offset < 0 else self.down_buttons
        if not buttons[target].disabled:
            buttons[target].focus()

    def response(self) -> Any:
        return list(self.order)

    def disable(self) -> None:
        self._disabled = True
        self._refresh()

    def watch(self, callback: Watcher) -> None:
        """Volg niets: verplaatsen gaat met knopklikken, en die komen in volgorde aan.

        Een klik op omhoog of omlaag kan een klik op Controleer dus niet inhalen.
        """


class OpenInput:
    """Open vraag: antwoord typen, modelantwoord tonen en kernpunten aanvinken."""

    def __init__(self, question: Question, on_selfgrade: Callable[[], None]) -> None:
        self.question = question
        self.answer = widgets.Textarea(
            placeholder="Typ hier je antwoord.", layout=widgets.Layout(width="100%", height="6em")
        )
        self.answer.add_class("quiz-open-answer")
        self.reveal_button = widgets.Button(
            description="Toon modelantwoord", layout=button_layout()
        )
        self.reveal_button.add_class("quiz-reveal")
        self.reveal_button.on_click(lambda _button: self.reveal())
        self.model_answer = widgets.HTML()
        self.model_answer.add_class("quiz-model-answer")
        self.key_points = [
            choice_checkbox(point, "quiz-key-point") for point in question.key_points
        ]
        self.selfgrade_button = widgets.Button(
            description="Bewaar zelfbeoordeling", button_style="primary", layout=button_layout()
        )
        self.selfgrade_button.add_class("quiz-selfgrade")
        self.selfgrade_button.on_click(lambda _button: on_selfgrade())
        self.grading_box = widgets.VBox()
        self.widget = widgets.VBox([self.answer, self.reveal_button, self.grading_box])

    def reveal(self) -> None:
        self.reveal_button.disabled = True
        self.model_answer.value = "<p><strong>Modelantwoord</strong></p>" + markdown_html(
            self.question.model_answer
        )
        intro = widgets.HTML("<p>Vink de kernpunten aan die in jouw antwoord staan.</p>")
        self.grading_box.children = [
            self.model_answer,
            intro,
            *self.key_points,
            self.selfgrade_button,
        ]
        self.key_points[0].focus()

    @property
    def revealed(self) -> bool:
        return self.reveal_button.disabled

    def response(self) -> Any:
        return [index for index, checkbox in enumerate(self.key_points) if checkbox.value]

    def disable(self) -> None:
        self.answer.disabled = True
        self.reveal_button.disabled = True
        self.selfgrade_button.disabled = True
        for checkbox in self.key_points:
            checkbox.disabled = True

    def watch(self, callback: Watcher) -> None:
        _observe_values(self.key_points, callback)


def make_input(question: Question, on_selfgrade: Callable[[], None]):
    """Kies de invoerwidget die bij het vraagtype past."""
    if question.type in ("single", "code_output", "truefalse"):
        return ChoiceInput(question)
    if question.type == "multiple":
        return MultipleInput(question)
    if question.type == "number":
        return NumberInput(question)
    if question.type == "order":
        return OrderInput(question)
    return OpenInput(question, on_selfgrade)
