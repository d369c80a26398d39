"""Antwoorden nakijken: elke vraag krijgt een score van 0 tot 1.

Een open vraag scoort het aandeel aangevinkte kernpunten (de zelfbeoordeling). Alle andere
types scoren 1 of 0: multiple alleen met precies de juiste opties, order alleen in exact de
juiste volgorde.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from quiz.texts import FALSE_TEXT, NOT_ANSWERED, TRUE_TEXT, format_number

THOUSANDS_PATTERN = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
# Komma's als duizendtalscheiding (Engelse notatie) zijn alleen eenduidig vanaf twee groepen.
COMMA_THOUSANDS_PATTERN = re.compile(r"^[+-]?\d{1,3}(,\d{3}){2,}$")


@dataclass(frozen=True)
class Grade:
    """Resultaat van het nakijken. `correct` is alleen waar bij de volle score."""

    score: float
    correct: bool
    expected_text: str


class InvalidResponse(ValueError):
    """Het antwoord past niet bij het vraagtype. De melding zegt welke vorm wel kan."""


def grade(question, response: Any) -> Grade:
    """Kijk `response` na voor `question`.

    Vorm van `response` per vraagtype: single en code_output een optie-index, multiple een
    verzameling optie-indexen, truefalse een bool, number een getal of tekst ("1519", "0,5"),
    order de stapindexen in de gekozen volgorde, open de indexen van de aangevinkte
    kernpunten. Gooit InvalidResponse als die vorm niet klopt.
    """
    if question.computed is not None and question.answer is None:
        from quiz.computed import resolve

        question = resolve(question)
    score = _score(question, response)
    return Grade(score=score, correct=score >= 1.0, expected_text=expected_text(question))


def _score(question, response: Any) -> float:
    qtype = question.type
    if qtype in ("single", "code_output"):
        return float(_option_index(response, len(question.options)) == question.answer)
    if qtype == "multiple":
        chosen = _index_set(response, len(question.options), "optie")
        if not chosen:
            raise InvalidResponse("Kies minstens één antwoord.")
        return float(chosen == set(question.answer))
    if qtype == "truefalse":
        if not isinstance(response, bool):
            raise InvalidResponse("Kies waar of niet waar.")
        return float(response == question.answer)
    if qtype == "number":
        value = parse_number(response) if isinstance(response, str) else response
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidResponse("Typ een getal.")
        return float(abs(value - question.answer) <= question.tolerance)
    if qtype == "order":
        order = _order(response, len(question.steps))
        return float(order == tuple(question.answer))
    if qtype == "open":
        ticked = _index_set(response, len(question.key_points), "kernpunt")
        return len(ticked) / len(question.key_points)
    raise InvalidResponse(f"Onbekend vraagtype '{qtype}'.")


def parse_number(text: str) -> float:
    """Lees een getal zoals een deelnemer het typt: "1519000", "1 519 000", "1.519.000", "0,5".

    Een punt gevolgd door groepjes van precies drie cijfers geldt als duizendtalscheiding,
    zoals in het Nederlands. Gooit InvalidResponse als er geen getal staat.
    """
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").replace("_", "")
    if THOUSANDS_PATTERN.match(cleaned):
        cleaned = cleaned.replace(".", "")
    elif COMMA_THOUSANDS_PATTERN.match(cleaned):
        cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise InvalidResponse(f"'{text.strip()}' is geen getal. Typ bv. 1519000 of 0,5.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidResponse(f"'{text.strip()}' is geen eindig getal.")
    return value


def expected_text(question) -> str:
    """Beschrijf het juiste antwoord in woorden, zoals de feedback het toont."""
    qtype = question.type
    if qtype in ("single", "code_output"):
        return question.options[question.answer]
    if qtype == "multiple":
        return "; ".join(question.options[index] for index in question.answer)
    if qtype == "truefalse":
        return TRUE_TEXT if question.answer else FALSE_TEXT
    if qtype == "number":
        text = format_number(question.answer)
        if question.tolerance:
            text += f" (marge {format_number(question.tolerance)})"
        return text
    if qtype == "order":
        return " → ".join(question.steps[index] for index in question.answer)
    return question.model_answer or ""


def describe_response(question, response: Any) -> str:
    """Beschrijf een gegeven antwoord in woorden, voor het overzicht van je fouten."""
    if response is None:
        return NOT_ANSWERED
    qtype = question.type
    if qtype in ("single", "code_output"):
        return question.options[response]
    if qtype == "multiple":
        return "; ".join(question.options[index] for index in sorted(response))
    if qtype == "truefalse":
        return TRUE_TEXT if response else FALSE_TEXT
    if qtype == "number":
        return response.strip() if isinstance(response, str) else format_number(response)
    if qtype == "order":
        return " → ".join(question.steps[index] for index in response)
    ticked = len(set(response))
    return f"{ticked} van de {len(question.key_points)} kernpunten aangevinkt"


def _option_index(response: Any, count: int) -> int:
    if response is None:
        raise InvalidResponse("Kies eerst een antwoord.")
    if isinstance(response, bool) or not isinstance(response, int) or not 0 <= response < count:
        raise InvalidResponse(f"Kies een optie van 1 tot en met {count}.")
    return response


def _index_set(response: Any, count: int, noun: str) -> set[int]:
    if response is None or isinstance(response, (str, bytes)) or not isinstance(response, Iterable):
        raise InvalidResponse(f"Geef de nummers van de gekozen {noun}en.")
    chosen = set()
    for value in response:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < count:
            raise InvalidResponse(f"Elk {noun}nummer moet tussen 1 en {count} liggen.")
        chosen.add(value)
    return chosen


def _order(response: Any, count: int) -> tuple[int, ...]:
    if response is None or isinstance(response, (str, bytes)) or not isinstance(response, Iterable):
        raise InvalidResponse("Geef de stappen in de volgorde die jij kiest.")
    order = tuple(response)
    valid = all(isinstance(value, int) and not isinstance(value, bool) for value in order)
    if not valid or sorted(order) != list(range(count)):
        raise InvalidResponse(f"Gebruik elke stap van 1 tot en met {count} precies één keer.")
    return order
