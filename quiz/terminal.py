"""De quiz in een terminal: vragen tonen, getypte antwoorden lezen en de uitslag schrijven.

Alle invoer komt regel per regel van `stdin`, zodat een test de antwoorden kan aanleveren.
Het einde van de invoer (Ctrl-D) stopt de sessie netjes met een uitslag.
"""

from __future__ import annotations

import re
import sys
from typing import Any, TextIO

from quiz.bank import Question, QuestionBank
from quiz.grading import InvalidResponse
from quiz.progress import ProgressError, ProgressStore
from quiz.scheduling import mastery, mastery_lines, utc_now
from quiz.session import Feedback, Results, Session, SessionError, TimeUp
from quiz.texts import (
    FALSE_TEXT,
    MODE_LABELS,
    TIME_UP_TEXT,
    TRUE_TEXT,
    TYPE_HINTS,
    format_points,
    link_text,
    score_text,
)

STOP_WORDS = {"stop", "q", "quit"}
SKIP_WORDS = {"over", "skip"}
TRUE_WORDS = {"1", "w", "waar", "j", "ja"}
FALSE_WORDS = {"2", "n", "nee", "niet waar", "nw", "onwaar"}
ANSWER_HELP = "Typ 'over' om de vraag over te slaan of 'stop' om te stoppen."
TYPED_HINTS = {
    "single": "Typ het nummer van je antwoord.",
    "code_output": "Typ het nummer van je antwoord.",
    "truefalse": "Typ 1 (waar) of 2 (niet waar).",
    "multiple": "Typ de nummers van alle juiste antwoorden, bv. 1 3.",
    "number": "Bijvoorbeeld 1519000, 1 519 000 of 0,5.",
    "order": "Typ de nummers van de stappen in de juiste volgorde, bv. 3 1 2.",
}


class EndOfInput(Exception):
    """De invoer is op (Ctrl-D of einde van een doorgestuurd bestand)."""


class StopRequested(Exception):
    """De deelnemer typte 'stop'."""


class SkipRequested(Exception):
    """De deelnemer typte 'over'."""


class Console:
    """Terminal: regels van `stdin`, tekst naar `stdout` en meldingen naar `stderr`."""

    def __init__(self, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> None:
        self.stdin, self.stdout, self.stderr = stdin, stdout, stderr

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def warn(self, text: str) -> None:
        self.stderr.write(f"Let op: {text}\n")
        self.stderr.flush()

    def ask(self, prompt: str = "> ") -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            raise EndOfInput
        return line.rstrip("\r\n")


def run_quiz(
    bank: QuestionBank,
    *,
    progress: ProgressStore | None,
    console: Console | None = None,
    **session_args: Any,
) -> int:
    """Speel een volledige sessie in de terminal en geef de exitcode terug (0 of 2)."""
    console = console or Console(sys.stdin, sys.stdout, sys.stderr)
    if progress is not None:
        _check_progress(progress, console)
    try:
        session = Session(bank, progress=progress, **session_args)
    except (SessionError, ValueError) as error:
        console.warn(str(error))
        return 2
    mode = MODE_LABELS[session.mode]
    questions = "vraag" if session.total == 1 else "vragen"
    console.say(f"Examenquiz in {mode}: {session.total} {questions}. {ANSWER_HELP}")
    if session.deadline is not None:
        deadline = session.deadline.astimezone().strftime("%H:%M")
        console.say(f"Je hebt tot {deadline}. Daarna telt een antwoord niet meer mee.")
    try:
        while True:
            results = play(session, console)
            print_results(results, console)
            if not _offer_retry(session, results, console):
                break
            session = session.retry_wrong()
    except EndOfInput:
        pass
    except KeyboardInterrupt:
        console.say()
        console.warn("quiz gestopt met Ctrl+C. Je antwoorden tot nu toe zijn bewaard.")
        return 130
    print_mastery(bank, progress, console)
    return 0


def _check_progress(progress: ProgressStore, console: Console) -> None:
    """Lees het voortgangsbestand vóór de eerste vraag, zodat een beschadigd bestand meteen
    opzij gezet en gemeld wordt, en niet pas aan het einde van de sessie."""
    try:
        progress.cards()
    except ProgressError as error:
        console.warn(str(error))
    for message in progress.messages:
        console.warn(message)
    progress.messages.clear()


def play(session: Session, console: Console) -> Results:
    """Stel alle vragen van de sessie en geef de uitslag, ook na 'stop' of einde van de invoer."""
    try:
        while not session.finished:
            _notices(session, console)
            _ask_question(session, console)
            session.next()
    except (StopRequested, EndOfInput):
        session.finish()
    except TimeUp:
        pass  # session.timed_out is nu waar, dus de melding volgt hieronder.
    if session.timed_out:
        console.say(TIME_UP_TEXT)
    _notices(session, console)
    return session.results()


def _ask_question(session: Session, console: Console) -> None:
    question = session.current
    title = session.bank.topic(question.topic).title
    console.say()
    console.say(f"Vraag {session.index + 1} van {session.total} · {title}")
    console.say(question.prompt)
    if question.code:
        console.say()
        for line in question.code.splitlines():
            console.say(f"    {line}")
    console.say()
    for number, choice in enumerate(_choices(question), start=1):
        console.say(f"  {number}) {choice}")
    if question.type != "open":
        console.say(f"{TYPE_HINTS[question.type]} {TYPED_HINTS[question.type]}")
    while True:
        try:
            if question.type == "open":
                response, typed = _ask_open(question, console)
            else:
                response, typed = _parse(question, _read_answer(console)), ""
            feedback = session.answer(response, typed_text=typed)
        except SkipRequested:
            return
        except InvalidResponse as error:
            console.say(f"{error} {ANSWER_HELP}")
            continue
        print_feedback(feedback, console)
        return


def _read_answer(console: Console) -> str:
    while True:
        text = console.ask().strip()
        lowered = text.lower()
        if lowered in STOP_WORDS:
            raise StopRequested
        if lowered in SKIP_WORDS:
            raise SkipRequested
        if text:
            return text
        console.say(f"Typ een antwoord. {ANSWER_HELP}")


def _choices(question: Question) -> tuple[str, ...]:
    if question.type == "truefalse":
        return (TRUE_TEXT, FALSE_TEXT)
    if question.type == "order":
        return question.steps
    return question.options


def _numbers(text: str) -> list[int]:
    parts = [part for part in re.split(r"[\s,;]+", text) if part]
    if not parts or not all(part.isdigit() for part in parts):
        raise InvalidResponse(f"'{text}' bevat iets anders dan nummers.")
    return [int(part) - 1 for part in parts]


def _parse(question: Question, text: str) -> Any:
    """Zet getypte tekst om in de antwoordvorm van quiz.grading.grade."""
    if question.type in ("single", "code_output"):
        numbers = _numbers(text)
        if len(numbers) != 1:
            raise InvalidResponse("Typ één nummer.")
        return numbers[0]
    if question.type == "truefalse":
        lowered = text.lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        raise InvalidResponse(f"'{text}' is geen keuze. Typ 1 (waar) of 2 (niet waar).")
    if question.type in ("multiple", "order"):
        return _numbers(text)
    return text


def _ask_open(question: Question, console: Console) -> tuple[list[int], str]:
    console.say("Typ je antwoord. Sluit af met een lege regel.")
    lines = []
    while True:
        line = console.ask("  ")
        command = line.strip().lower() if not lines else ""
        if command in STOP_WORDS:
            raise StopRequested
        if command in SKIP_WORDS:
            raise SkipRequested
        if not line.strip():
            break
        lines.append(line)
    console.say("Modelantwoord:")
    console.say(question.model_answer)
    console.say("Kernpunten:")
    for number, point in enumerate(question.key_points, start=1):
        console.say(f"  {number}) {point}")
    while True:
        text = console.ask(
            "Welke kernpunten stonden in je antwoord? Typ de nummers, of - voor geen: "
        )
        text = text.strip()
        if text in ("-", "0", "geen"):
            return [], "\n".join(lines)
        try:
            return _numbers(text), "\n".join(lines)
        except InvalidResponse as error:
            console.say(str(error))


def print_feedback(feedback: Feedback, console: Console) -> None:
    console.say(feedback.text)
    if feedback.reveal:
        console.say(f"Uitleg: {feedback.explanation}")
        console.say(f"Lees meer: {link_text(feedback.link.notebook, feedback.link.heading)}")


def print_results(results: Results, console: Console) -> None:
    console.say()
    console.say(f"Uitslag ({MODE_LABELS[results.mode]})")
    console.say(f"Score: {score_text(results.points, results.max_points)}")
    for topic in results.topics:
        console.say(f"  {topic.title}: {format_points(topic.points, topic.max_points)}")
    if not results.mistakes:
        if results.answered:
            console.say("Geen fouten. Goed gedaan!")
        return
    console.say(f"Overzicht van je fouten ({len(results.mistakes)}):")
    for number, mistake in enumerate(results.mistakes, start=1):
        question = mistake.question
        expected_label = "Modelantwoord" if question.type == "open" else "Juist antwoord"
        console.say(f"{number}. {question.prompt}")
        console.say(f"   Jouw antwoord: {mistake.given}")
        console.say(f"   {expected_label}: {mistake.expected}")
        console.say(f"   Uitleg: {question.explanation}")
        console.say(f"   Lees meer: {link_text(question.link.notebook, question.link.heading)}")


def print_mastery(bank: QuestionBank, progress: ProgressStore | None, console: Console) -> None:
    if progress is None:
        return
    try:
        cards = progress.cards()
    except ProgressError as error:
        console.warn(str(error))
        return
    console.say()
    console.say(f"Je voortgang per onderwerp (bewaard in {progress.path}):")
    for line in mastery_lines(mastery(bank, cards, utc_now())):
        console.say(f"  {line}")


def _offer_retry(session: Session, results: Results, console: Console) -> bool:
    if session.mode != "oefen" or not results.mistakes or results.timed_out:
        return False
    answer = console.ask("Wil je je fouten opnieuw oefenen? (j/n) ").strip().lower()
    return answer in ("j", "ja", "y")


def _notices(session: Session, console: Console) -> None:
    for notice in session.notices:
        console.warn(notice)
    session.notices.clear()
