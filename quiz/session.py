"""Een quizsessie in oefenmodus of examenmodus, los van widgets of terminal.

Oefenmodus geeft na elk antwoord meteen feedback met uitleg en link. Examenmodus kiest een
vast aantal willekeurige vragen, geeft pas aan het einde een score per onderwerp en een
overzicht van elke fout, en kan een tijdslimiet hebben. Met een seed liggen de keuze van de
vragen en de volgorde van de opties vast.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from quiz.bank import Question, QuestionBank
from quiz.computed import ComputedError, resolve
from quiz.grading import Grade, describe_response, expected_text, grade
from quiz.progress import ProgressError, ProgressStore
from quiz.scheduling import due_order, utc_now
from quiz.texts import CORRECT, INCORRECT, NOT_ANSWERED, SAVED_TEXT

MODES = ("oefen", "examen")
DEFAULT_EXAM_COUNT = 10


class SessionError(RuntimeError):
    """Een handeling past niet bij de toestand van de sessie. De melding zegt waarom."""


class TimeUp(SessionError):
    """De tijd van het examen is om en de sessie is afgesloten."""


@dataclass(frozen=True)
class Feedback:
    """Reactie op één antwoord. In examenmodus is `reveal` onwaar en staat alleen `text` vast."""

    question: Question
    grade: Grade
    text: str
    reveal: bool

    @property
    def explanation(self) -> str:
        return self.question.explanation

    @property
    def link(self):
        return self.question.link


@dataclass(frozen=True)
class AnswerRecord:
    """Eén gegeven antwoord, met de tekst die een deelnemer bij een open vraag typte."""

    question: Question
    response: Any
    grade: Grade
    typed_text: str = ""


@dataclass(frozen=True)
class TopicScore:
    """Punten per onderwerp: een open vraag telt voor het aandeel aangevinkte kernpunten."""

    topic: str
    title: str
    points: float
    max_points: int

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.max_points) if self.max_points else 0


@dataclass(frozen=True)
class Mistake:
    """Een vraag zonder volle score, voor het overzicht aan het einde."""

    question: Question
    given: str
    expected: str
    score: float


@dataclass(frozen=True)
class Results:
    """Uitslag van een sessie: score per onderwerp en alle fouten."""

    mode: str
    topics: tuple[TopicScore, ...]
    mistakes: tuple[Mistake, ...]
    answered: int
    unanswered: int
    timed_out: bool

    @property
    def points(self) -> float:
        return sum(topic.points for topic in self.topics)

    @property
    def max_points(self) -> int:
        return sum(topic.max_points for topic in self.topics)

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.max_points) if self.max_points else 0


class Session:
    """Een reeks vragen met antwoorden, feedback en een uitslag.

    Gebruik: lees `current`, geef `answer(response)`, ga met `next()` naar de volgende vraag
    tot `finished`, en vraag dan `results()`. `time_limit` is in minuten. `clock` geeft de
    huidige tijd (timezone-aware, UTC) en is vervangbaar in tests.
    """

    def __init__(
        self,
        bank: QuestionBank,
        *,
        mode: str = "oefen",
        topics: Iterable[str] | str | None = None,
        notebook: str | None = None,
        count: int | None = None,
        seed: int | str | None = None,
        time_limit: float | None = None,
        progress: ProgressStore | None = None,
        due_only: bool = False,
        question_ids: Iterable[str] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if mode not in MODES:
            raise SessionError(f"Onbekende modus '{mode}'. Kies 'oefen' of 'examen'.")
        if count is not None and count < 1:
            raise SessionError(f"Het aantal vragen moet minstens 1 zijn, niet {count}.")
        if time_limit is not None and time_limit <= 0:
            raise SessionError(f"De tijdslimiet moet meer dan 0 minuten zijn, niet {time_limit}.")
        self.bank = bank
        self.mode = mode
        self.seed = seed
        self.progress = progress
        self.clock = clock or utc_now
        self.notices: list[str] = []
        self._rng = random.Random(seed)

        pool = self._pool(bank, topics, notebook, question_ids, due_only)
        if not pool:
            raise SessionError(
                "Er zijn geen vragen voor deze keuze. Kies een ander onderwerp of notebook, "
                "of zet 'alleen herhalen' uit."
            )
        if mode == "examen" and count is None:
            count = DEFAULT_EXAM_COUNT
        self.questions: list[Question] = pool[:count] if count else pool
        self.index = 0
        self.started = self.clock()
        self.deadline = self.started + timedelta(minutes=time_limit) if time_limit else None
        self.timed_out = False
        self._records: dict[int, AnswerRecord] = {}
        self._prepared: dict[int, Question] = {}
        self._ended = False
        self._skip_unresolvable()

    # Keuze en voorbereiding van de vragen

    def _pool(self, bank, topics, notebook, question_ids, due_only) -> list[Question]:
        selected = bank.filter(topics=topics, notebook=notebook).questions
        if question_ids is not None:
            requested = list(question_ids)
            by_id = {question.id: question for question in selected}
            selected = tuple(
                by_id[question_id] for question_id in requested if question_id in by_id
            )
        if due_only:
            cards = self._load_cards()
            by_id = {question.id: question for question in selected}
            ordered = due_order(by_id, cards, self.clock())
            return [by_id[question_id] for question_id in ordered]
        pool = list(selected)
        self._rng.shuffle(pool)
        return pool

    def _load_cards(self) -> dict:
        if self.progress is None:
            raise SessionError(
                "Alleen herhalen kan alleen met een voortgangsbestand. Start de quiz met voortgang."
            )
        try:
            cards = self.progress.cards()
        except ProgressError as error:
            self.notices.append(str(error))
            return {}
        self.notices.extend(self.progress.messages)
        self.progress.messages.clear()
        return cards

    def _prepare(self, index: int) -> Question:
        """Bereken het antwoord (bij computed) en schud opties of stappen, één keer per vraag."""
        if index not in self._prepared:
            question = resolve(self.questions[index])
            rng = (
                random.Random(f"{self.seed}:{question.id}") if self.seed is not None else self._rng
            )
            self._prepared[index] = shuffle_question(question, rng)
        return self._prepared[index]

    def _skip_unresolvable(self) -> None:
        # Een berekende vraag zonder werkend model_utils wordt overgeslagen met een melding,
        # zodat de rest van de quiz gewoon werkt.
        while self.index < len(self.questions):
            try:
                self._prepare(self.index)
                return
            except ComputedError as error:
                self.notices.append(
                    f"Vraag '{self.questions[self.index].id}' overgeslagen: {error}"
                )
                del self.questions[self.index]
                self._prepared = {
                    position - (position > self.index): question
                    for position, question in self._prepared.items()
                }

    # Verloop

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def finished(self) -> bool:
        if not self._ended and self.deadline is not None and self.clock() >= self.deadline:
            self.timed_out = True
            self._ended = True
        return self._ended or self.index >= len(self.questions)

    @property
    def current(self) -> Question | None:
        """De huidige vraag met geschudde opties, of None als de sessie klaar is."""
        if self.finished:
            return None
        return self._prepare(self.index)

    @property
    def answered(self) -> bool:
        """Of de huidige vraag al beantwoord is."""
        return self.index in self._records

    def time_left(self) -> timedelta | None:
        if self.deadline is None:
            return None
        return max(self.deadline - self.clock(), timedelta(0))

    def answer(self, response: Any, *, typed_text: str = "") -> Feedback:
        """Kijk het antwoord op de huidige vraag na, bewaar het en geef feedback.

        Gooit InvalidResponse (uit quiz.grading) als het antwoord niet bij de vraag past, en
        TimeUp als de tijd om is. Dan telt het antwoord niet mee.
        """
        if self.finished:
            if self.timed_out:
                raise TimeUp("De tijd is om. Dit antwoord telt niet meer mee.")
            raise SessionError("De sessie is al afgelopen.")
        if self.answered:
            raise SessionError("Deze vraag is al beantwoord. Ga naar de volgende vraag.")
        question = self._prepare(self.index)
        result = grade(question, response)
        self._records[self.index] = AnswerRecord(question, response, result, typed_text)
        self._save(question.id, result.score)
        if self.mode == "examen":
            return Feedback(question, result, SAVED_TEXT, reveal=False)
        return Feedback(question, result, feedback_text(question, result), reveal=True)

    def next(self) -> Question | None:
        """Ga naar de volgende vraag (een onbeantwoorde vraag wordt overgeslagen)."""
        if not self.finished:
            self.index += 1
            self._skip_unresolvable()
        return self.current

    def finish(self) -> None:
        """Stop de sessie voortijdig, bijvoorbeeld als de deelnemer 'stop' typt."""
        self._ended = True

    def _save(self, question_id: str, score: float) -> None:
        if self.progress is None:
            return
        try:
            self.progress.record(question_id, score, mode=self.mode, now=self.clock())
        except ProgressError as error:
            self.notices.append(str(error))
        self.notices.extend(self.progress.messages)
        self.progress.messages.clear()

    # Uitslag

    def results(self) -> Results:
        """Geef de score per onderwerp en de fouten.

        In examenmodus tellen alle gekozen vragen mee en is een onbeantwoorde vraag een fout.
        In oefenmodus tellen alleen de beantwoorde vragen.
        """
        points: dict[str, float] = {}
        counts: dict[str, int] = {}
        mistakes = []
        for index, question in enumerate(self.questions):
            record = self._records.get(index)
            if record is None and self.mode == "oefen":
                continue
            counts[question.topic] = counts.get(question.topic, 0) + 1
            score = record.grade.score if record else 0.0
            points[question.topic] = points.get(question.topic, 0.0) + score
            if score < 1.0:
                mistakes.append(self._mistake(index, question, record))
        topics = tuple(
            TopicScore(topic.id, topic.title, points[topic.id], counts[topic.id])
            for topic in self.bank.topics
            if topic.id in counts
        )
        answered = len(self._records)
        return Results(
            mode=self.mode,
            topics=topics,
            mistakes=tuple(mistakes),
            answered=answered,
            unanswered=len(self.questions) - answered,
            timed_out=self.timed_out,
        )

    def _mistake(self, index: int, question: Question, record: AnswerRecord | None) -> Mistake:
        if record is None:
            try:
                prepared = self._prepare(index)
                expected = expected_text(prepared)
            except ComputedError:
                prepared, expected = question, "(kon niet berekend worden)"
            return Mistake(prepared, NOT_ANSWERED, expected, 0.0)
        given = describe_response(record.question, record.response)
        typed = " ".join(record.typed_text.split())
        if typed:
            given = f"{typed} ({given})"
        return Mistake(record.question, given, record.grade.expected_text, record.grade.score)

    def retry_wrong(self) -> Session:
        """Start een oefensessie met alleen de vragen zonder volle score."""
        wrong = [mistake.question.id for mistake in self.results().mistakes]
        if not wrong:
            raise SessionError("Je hebt geen fouten om opnieuw te oefenen.")
        return Session(
            self.bank,
            mode="oefen",
            seed=self.seed,
            progress=self.progress,
            question_ids=wrong,
            clock=self.clock,
        )


def feedback_text(question: Question, result: Grade) -> str:
    """Geef de feedbackregel: altijd beginnend met 'Juist!' of 'Niet juist.'."""
    if question.type == "open":
        ticked = round(result.score * len(question.key_points))
        total = len(question.key_points)
        if result.correct:
            return f"{CORRECT} Je had alle {total} kernpunten."
        return f"{INCORRECT} Je had {ticked} van de {total} kernpunten."
    if result.correct:
        return CORRECT
    return f"{INCORRECT} Het juiste antwoord is: {result.expected_text}"


def handout_order(question: Question) -> Question:
    """Schud alleen de stappen van een order-vraag, met de vraag-id als seed.

    Hand-out en docentweergave tonen de opties in bankvolgorde. De stappen staan niet in de
    juiste volgorde, anders verraden ze het antwoord, maar wel elke keer in dezelfde.
    """
    if question.type != "order":
        return question
    return shuffle_question(question, random.Random(question.id))


def shuffle_question(question: Question, rng: random.Random) -> Question:
    """Schud de opties (single, multiple, code_output) of stappen (order) en pas `answer` aan.

    Bij order ligt de geschudde volgorde nooit gelijk aan de juiste volgorde, anders zou de
    vraag zichzelf beantwoorden.
    """
    if question.type in ("single", "code_output", "multiple"):
        order = list(range(len(question.options)))
        rng.shuffle(order)
        options = tuple(question.options[position] for position in order)
        if question.type == "multiple":
            answer = tuple(sorted(order.index(position) for position in question.answer))
        else:
            answer = order.index(question.answer)
        return replace(question, options=options, answer=answer)
    if question.type == "order":
        count = len(question.steps)
        order = list(range(count))
        while order == list(range(count)):
            rng.shuffle(order)
        steps = tuple(question.steps[position] for position in order)
        answer = tuple(order.index(position) for position in range(count))
        return replace(question, steps=steps, answer=answer)
    return question
