"""De quiz als ipywidgets-app voor JupyterLab en Voilà.

Alle feedback komt in widgets terecht (HTML), nooit via print, zodat ze ook in Voilà
zichtbaar is. De CSS-klassen (quiz-app, quiz-question, ...) zijn vaste namen waarop de
browsertests zoeken.

ipywidgets 8.1 stuurt een nieuwe waarde van een widget pas naar de kernel als die de vorige
waarde van dezelfde widget verwerkt heeft, maar een knopklik meteen. Kies je snel na elkaar
twee opties en klik je meteen op Controleer, dan kan de klik de laatste keuze inhalen. De
kernel kijkt dan de vorige keuze na. Dat is in de kernel niet te voorkomen. Komt er na het
nakijken nog een keuze of toetsaanslag binnen, dan meldt de feedback welk antwoord de quiz
nakeek.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import ipywidgets as widgets
from IPython.display import display

from quiz.bank import BankError, Question, QuestionBank, load_bank
from quiz.computed import ComputedError
from quiz.grading import InvalidResponse, describe_response
from quiz.html_output import HTMLOutput
from quiz.inputs import OpenInput, button_layout, make_input
from quiz.instructor import InstructorView
from quiz.progress import ProgressError, ProgressStore
from quiz.render import (
    feedback_html,
    inline_html,
    mastery_html,
    message_html,
    messages_html,
    mistakes_html,
    question_html,
    score_html,
    style_html,
)
from quiz.scheduling import mastery, utc_now
from quiz.session import DEFAULT_EXAM_COUNT, Session, SessionError, TimeUp
from quiz.texts import LATE_CHANGE_TEXT, MODE_LABELS, TIME_UP_TEXT

__all__ = ["InstructorView", "QuizApp", "show_quiz"]

ALL_TOPICS = "Alle onderwerpen"
ALL_NOTEBOOKS = "Alle notebooks"
# Waarde van de keuze 'alle' in een Dropdown. Met None als waarde toont ipywidgets 8.1 een leeg
# veld (index None), dus start() zet deze lege tekst om naar None.
ALL = ""
HIDDEN = "none"
TICK_MS = 1000
# De Play-widget stopt als hij `max` bereikt, en de kernel sluit het examen pas af bij de eerste
# tel na de deadline. Daarom telt hij tot een minuut na de tijdslimiet.
TICK_MARGIN_S = 60


class AppBox(widgets.VBox):
    """Hoofdwidget met een vaste tekstweergave, zodat opgeslagen notebookuitvoer stabiel is."""

    def __repr__(self) -> str:
        return "Examenquiz (interactieve widget: open dit notebook in JupyterLab of Voilà)"


def _with_class(widget: widgets.DOMWidget, *classes: str) -> widgets.DOMWidget:
    for name in classes:
        widget.add_class(name)
    return widget


class QuizApp:
    """De quiz als widget: startscherm, vragen met feedback en de uitslag.

    `progress=None` gebruikt het standaard voortgangsbestand (of $QUIZ_PROGRESS_FILE),
    `progress=False` bewaart niets. De overige argumenten zijn de beginwaarden van het
    startscherm en gaan door naar quiz.session.Session.
    """

    def __init__(
        self,
        bank: QuestionBank | None = None,
        *,
        mode: str = "oefen",
        topics: Iterable[str] | str | None = None,
        notebook: str | None = None,
        count: int | None = None,
        seed: int | str | None = None,
        time_limit: float | None = None,
        progress: ProgressStore | bool | None = None,
        due_only: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.seed = seed
        self.clock = clock
        self.session: Session | None = None
        self.input = None
        # De vraag en het antwoord dat de sessie net nakeek, of None zolang er niets nagekeken is.
        self.graded: tuple[Question, Any] | None = None
        self.notice = _with_class(widgets.HTML(), "quiz-notice")
        self.style = widgets.HTML(style_html())
        self.widget = _with_class(AppBox(), "quiz-app")
        self.widget.layout = widgets.Layout(max_width="60em")
        try:
            self.bank = bank if bank is not None else load_bank()
        except BankError as error:
            self.bank = None
            self.notice.value = messages_html([str(error)])
            self.widget.children = [self.notice]
            return
        self.progress = self._progress_store(progress)
        self._build_start(mode, topics, notebook, count, time_limit, due_only)
        self._build_question()
        self._build_results()
        self.show_start()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    @staticmethod
    def _progress_store(progress) -> ProgressStore | None:
        if progress is False:
            return None
        if progress is None or progress is True:
            return ProgressStore()
        return progress

    # Opbouw

    def _build_start(self, mode, topics, notebook, count, time_limit, due_only) -> None:
        self.mode_toggle = _with_class(
            widgets.ToggleButtons(
                options=[(MODE_LABELS["oefen"], "oefen"), (MODE_LABELS["examen"], "examen")],
                value=mode,
                tooltips=[
                    "Meteen feedback met uitleg na elke vraag",
                    "Willekeurige vragen, uitslag pas aan het einde",
                ],
            ),
            "quiz-mode",
        )
        self.mode_toggle.observe(lambda _change: self._update_mode_options(), names="value")
        self._build_selection(topics, notebook, due_only)
        self._build_exam_options(count, time_limit)

        self.start_button = _with_class(
            widgets.Button(
                description="Start", button_style="primary", icon="play", layout=button_layout()
            ),
            "quiz-start",
        )
        self.start_button.on_click(self._guarded(self._on_start))
        self.mastery = _with_class(widgets.HTML(), "quiz-mastery")
        self.start_panel = widgets.VBox(
            [
                widgets.HTML("<h3>Examenquiz</h3>"),
                self.mode_toggle,
                self.topic_select,
                self.notebook_select,
                self.due_checkbox,
                self.exam_options,
                self.start_button,
                self.mastery,
            ]
        )
        self._update_mode_options()

    def _build_selection(self, topics, notebook, due_only) -> None:
        """Bouw de keuze van onderwerp, notebook en 'alleen herhalen'."""
        topic_options = [(ALL_TOPICS, ALL)]
        topic_options += [(topic.title, topic.id) for topic in self.bank.topics]
        topic_value = ALL
        if isinstance(topics, str):
            topic_value = topics
        elif topics is not None:
            # Een Dropdown kiest één waarde, dus meerdere onderwerpen worden één extra keuze.
            chosen = tuple(topics)
            topic_value = chosen[0] if len(chosen) == 1 else chosen
            if len(chosen) > 1:
                topic_options.append(("Gekozen onderwerpen", chosen))
        self.topic_select = _with_class(
            widgets.Dropdown(options=topic_options, value=topic_value, description="Onderwerp"),
            "quiz-topic",
        )

        notebook_options = [(ALL_NOTEBOOKS, ALL)]
        notebook_options += [(name, name) for name in self.bank.notebooks]
        notebook_value = self.bank.match_notebook(notebook) if notebook else ALL
        self.notebook_select = _with_class(
            widgets.Dropdown(
                options=notebook_options, value=notebook_value, description="Notebook"
            ),
            "quiz-notebook",
        )

        self.due_checkbox = _with_class(
            widgets.Checkbox(
                value=due_only, description="Alleen vragen die ik nu moet herhalen", indent=False
            ),
            "quiz-due",
        )

    def _build_exam_options(self, count, time_limit) -> None:
        """Bouw aantal vragen en tijdslimiet, die alleen in examenmodus zichtbaar zijn."""
        self.count_input = _with_class(
            widgets.BoundedIntText(
                value=count or DEFAULT_EXAM_COUNT,
                min=1,
                max=max(len(self.bank.questions), 1),
                description="Aantal vragen",
                style={"description_width": "initial"},
            ),
            "quiz-count",
        )
        self.time_input = _with_class(
            widgets.BoundedIntText(
                value=int(time_limit or 0),
                min=0,
                max=600,
                description="Tijdslimiet in minuten (0 = geen)",
                style={"description_width": "initial"},
            ),
            "quiz-time-limit",
        )
        self.exam_options = widgets.VBox([self.count_input, self.time_input])

    def _build_question(self) -> None:
        self.question_html = _with_class(widgets.HTML(), "quiz-question")
        self.answer_box = widgets.VBox()
        self.feedback = _with_class(HTMLOutput(), "quiz-feedback")

        self.timer = _with_class(widgets.HTML(), "quiz-timer")
        # De Play-widget telt in de browser elke seconde op, zonder thread in de kernel. Elke
        # tel is een bericht aan de kernel, die dan de resterende tijd opnieuw toont.
        self.ticker = _with_class(
            widgets.Play(
                interval=TICK_MS, show_repeat=False, layout=widgets.Layout(display=HIDDEN)
            ),
            "quiz-ticker",
        )
        self.ticker.observe(lambda _change: self._guarded(self._on_tick)(), names="value")

        self.submit_button = _with_class(
            widgets.Button(
                description="Controleer", button_style="primary", layout=button_layout()
            ),
            "quiz-submit",
        )
        self.submit_button.on_click(self._guarded(self._on_submit))
        self.next_button = _with_class(
            widgets.Button(description="Volgende vraag", layout=button_layout()), "quiz-next"
        )
        self.next_button.on_click(self._guarded(self._on_next))
        self.stop_button = _with_class(
            widgets.Button(description="Stoppen", layout=button_layout()), "quiz-stop"
        )
        self.stop_button.on_click(self._guarded(self._on_stop))

        self.buttons = widgets.HBox([self.submit_button, self.next_button, self.stop_button])
        self.question_panel = widgets.VBox(
            [self.timer, self.question_html, self.answer_box, self.buttons, self.feedback]
        )

    def _build_results(self) -> None:
        self.score = _with_class(widgets.HTML(), "quiz-score")
        self.review = _with_class(HTMLOutput(), "quiz-review")
        self.retry_button = _with_class(
            widgets.Button(description="Oefen je fouten opnieuw", layout=button_layout()),
            "quiz-retry",
        )
        self.retry_button.on_click(self._guarded(self._on_retry))
        self.restart_button = _with_class(
            widgets.Button(description="Nieuwe quiz", layout=button_layout()), "quiz-restart"
        )
        self.restart_button.on_click(self._guarded(lambda: self.show_start()))
        self.results_mastery = _with_class(widgets.HTML(), "quiz-mastery")
        self.results_panel = widgets.VBox(
            [
                self.score,
                self.review,
                widgets.HBox([self.retry_button, self.restart_button]),
                self.results_mastery,
            ]
        )

    def _guarded(self, handler: Callable[[], None]) -> Callable[[widgets.Button], None]:
        """Voer een knopactie uit en toon verwachte fouten in de widget, zonder traceback."""

        def on_click(_button=None) -> None:
            try:
                handler()
            except (SessionError, ProgressError, ComputedError, ValueError) as error:
                self._add_notices([str(error)])

        return on_click

    # Schermen

    def _set_panel(self, panel: widgets.Widget) -> None:
        # De ticker blijft altijd (onzichtbaar) getoond, want de browser start de klok alleen
        # voor een Play-widget die al getoond is op het moment dat `playing` aan gaat.
        self.widget.children = [self.style, self.notice, self.ticker, panel]

    def _add_notices(self, messages: Iterable[str]) -> None:
        messages = list(messages)
        if messages:
            self.notice.value += messages_html(messages)

    def _update_mode_options(self) -> None:
        exam = self.mode_toggle.value == "examen"
        self.exam_options.layout.display = None if exam else HIDDEN

    def _mastery_value(self) -> str:
        if self.progress is None:
            return ""
        try:
            cards = self.progress.cards()
        except ProgressError as error:
            self._add_notices([str(error)])
            return ""
        self._add_notices(self.progress.messages)
        self.progress.messages.clear()
        now = self.clock() if self.clock else utc_now()
        return mastery_html(mastery(self.bank, cards, now))

    def show_start(self) -> None:
        self._stop_ticker()
        self.session = None
        self.mastery.value = self._mastery_value()
        self._set_panel(self.start_panel)

    def start(self) -> None:
        """Start een sessie met de keuzes van het startscherm (zoals de knop Start)."""
        exam = self.mode_toggle.value == "examen"
        self.session = Session(
            self.bank,
            mode=self.mode_toggle.value,
            topics=self.topic_select.value or None,
            notebook=self.notebook_select.value or None,
            count=self.count_input.value if exam else None,
            seed=self.seed,
            time_limit=(self.time_input.value or None) if exam else None,
            progress=self.progress,
            due_only=self.due_checkbox.value,
            clock=self.clock,
        )
        self.notice.value = ""
        self._show_question()
        self._start_ticker()

    def _on_start(self) -> None:
        self.start()

    def _show_question(self) -> None:
        session = self.session
        self._add_notices(session.notices)
        session.notices.clear()
        question = session.current
        if question is None:
            self._show_results()
            return
        title = self.bank.topic(question.topic).title
        self.question_html.value = question_html(question, session.index + 1, session.total, title)
        self.input = make_input(question, self._guarded(self._on_selfgrade))
        self.input.watch(lambda watched=self.input: self._on_input_change(watched))
        self.graded = None
        self.answer_box.children = [self.input.widget]
        is_open = isinstance(self.input, OpenInput)
        self.submit_button.layout.display = HIDDEN if is_open else None
        self.submit_button.disabled = False
        self.feedback.value = ""
        self._update_timer()
        self._set_panel(self.question_panel)

    def _update_timer(self) -> None:
        left = self.session.time_left() if self.session else None
        if left is None:
            self.timer.value = ""
            return
        minutes, seconds = divmod(int(left.total_seconds()), 60)
        deadline = self.session.deadline.astimezone().strftime("%H:%M")
        self.timer.value = (
            f"<p>Resterende tijd: <strong>{minutes}:{seconds:02d}</strong>. "
            f"Het examen stopt om {deadline}.</p>"
        )

    # Klok van het examen

    def _start_ticker(self) -> None:
        if self.session is None or self.session.deadline is None:
            return
        left = self.session.time_left()
        self.ticker.playing = False
        self.ticker.max = int(left.total_seconds()) + TICK_MARGIN_S
        self.ticker.value = 0
        self.ticker.playing = True

    def _stop_ticker(self) -> None:
        self.ticker.playing = False

    def _on_tick(self) -> None:
        """Toon de resterende tijd, en de uitslag zodra de tijd om is."""
        if self.session is None or self.session.deadline is None:
            self._stop_ticker()
            return
        if self.widget.children[-1] is not self.question_panel:
            return
        if self.session.finished:
            self._add_notices([TIME_UP_TEXT])
            self._show_results()
            return
        self._update_timer()

    # Acties

    def _on_submit(self) -> None:
        self._answer(self.input.response())

    def _on_selfgrade(self) -> None:
        if not self.input.revealed:
            self.feedback.value = message_html("Toon eerst het modelantwoord.")
            return
        self._answer(self.input.response(), typed_text=self.input.answer.value)

    def _answer(self, response, typed_text: str = "") -> None:
        if self.session.answered:
            self.feedback.value = message_html("Je hebt deze vraag al beantwoord.")
            return
        if response is None:
            self.feedback.value = message_html("Kies of typ eerst een antwoord.")
            return
        try:
            feedback = self.session.answer(response, typed_text=typed_text)
        except InvalidResponse as error:
            self.feedback.value = message_html(str(error))
            return
        except TimeUp:
            self._add_notices([TIME_UP_TEXT])
            self._show_results()
            return
        self.graded = (feedback.question, response)
        self.input.disable()
        self.submit_button.disabled = True
        self.feedback.value = feedback_html(feedback)
        self._add_notices(self.session.notices)
        self.session.notices.clear()
        self._update_timer()
        self.next_button.focus()

    def _on_input_change(self, watched) -> None:
        """Meld een keuze die pas na het nakijken binnenkwam (zie de uitleg bovenaan)."""
        if watched is not self.input or self.graded is None:
            return
        question, response = self.graded
        if watched.response() == response:
            return
        graded = inline_html(describe_response(question, response))
        self.feedback.value += (
            f"{message_html(LATE_CHANGE_TEXT)}<p>Nagekeken antwoord: {graded}</p>"
        )
        # Eén melding per vraag is genoeg, ook als er nog meer keuzes binnenkomen.
        self.graded = None

    def _on_next(self) -> None:
        self.session.next()
        if self.session.timed_out:
            self._add_notices([TIME_UP_TEXT])
        self._show_question()

    def _on_stop(self) -> None:
        self.session.finish()
        self._show_results()

    def _on_retry(self) -> None:
        self.session = self.session.retry_wrong()
        self._show_question()

    def _show_results(self) -> None:
        self._stop_ticker()
        results = self.session.results()
        self.score.value = score_html(results)
        self.review.value = mistakes_html(results)
        self.retry_button.layout.display = None if results.mistakes else HIDDEN
        self.results_mastery.value = self._mastery_value()
        self._set_panel(self.results_panel)


def show_quiz(**kwargs) -> None:
    """Toon de quiz in JupyterLab of Voilà. De argumenten gaan naar QuizApp."""
    display(QuizApp(**kwargs).widget)


def show_instructor_view(**kwargs) -> None:
    """Toon de docentweergave (grote vraag met antwoord, voor een projector)."""
    display(InstructorView(**kwargs).widget)
