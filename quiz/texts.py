"""Nederlandse teksten en getalnotatie die de widgets en de terminal allebei tonen."""

from __future__ import annotations

CORRECT = "Juist!"
INCORRECT = "Niet juist."
TRUE_TEXT = "Waar"
FALSE_TEXT = "Niet waar"
SAVED_TEXT = "Antwoord bewaard. Je ziet de uitslag aan het einde van het examen."
TIME_UP_TEXT = "De tijd is om. Je antwoorden tot nu toe tellen mee."
LATE_CHANGE_TEXT = (
    "Let op: je antwoord veranderde nog nadat je het had ingestuurd. Die wijziging telt niet mee."
)
NOT_ANSWERED = "(niet beantwoord)"

LETTERS = "ABCDEF"
MODE_LABELS = {"oefen": "oefenmodus", "examen": "examenmodus"}
TYPE_HINTS = {
    "single": "Kies één antwoord.",
    "code_output": "Wat geeft deze code? Kies één antwoord.",
    "truefalse": "Waar of niet waar?",
    "multiple": "Kies alle juiste antwoorden.",
    "number": "Typ een getal.",
    "order": "Zet de stappen in de juiste volgorde.",
    "open": "Typ je antwoord, bekijk het modelantwoord en vink de kernpunten aan die je had.",
}


def format_number(value: float) -> str:
    """Schrijf een getal zonder overbodige decimalen, met een decimale komma."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.10g}".replace(".", ",")


def format_points(points: float, maximum: float) -> str:
    """Geef bv. '7,5 van 10 (75%)'."""
    percent = round(100 * points / maximum) if maximum else 0
    return f"{format_number(round(points, 1))} van {format_number(maximum)} ({percent}%)"


def score_text(points: float, maximum: float) -> str:
    """Geef de totaalscore, of zeg dat er nog niets beantwoord is."""
    if not maximum:
        return "je hebt nog geen vraag beantwoord"
    return format_points(points, maximum)


def link_text(notebook: str, heading: str) -> str:
    return f"{notebook}, kop '{heading}'"
