"""Schema van de vragenbank: controleert één onderwerpbestand en geeft nette Nederlandse fouten.

Elke fout is een BankError die het bestand, de vraag-id en het veld noemt, zodat een docent
het YAML-bestand kan verbeteren zonder Python te lezen.
"""

from __future__ import annotations

import difflib
import math
import re
from typing import Any

from quiz.computed import computed_type

QUESTION_TYPES = ("single", "multiple", "truefalse", "code_output", "number", "order", "open")
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TOPIC_PATTERN = re.compile(r"^[a-z][a-z0-9]*$")
TOP_LEVEL_FIELDS = ("topic", "title", "questions")

COMMON_REQUIRED = ("id", "type", "prompt", "explanation", "link")
COMMON_OPTIONAL = ("code", "computed", "exam")

# Toegestane velden per vraagtype, naast de gemeenschappelijke velden. Of `answer` en
# `options` verplicht zijn, beslist _answer_fields: `computed` vervangt ze.
TYPE_FIELDS = {
    "single": ("options", "answer"),
    "multiple": ("options", "answer"),
    "code_output": ("options", "answer"),
    "truefalse": ("answer",),
    "number": ("answer", "tolerance"),
    "order": ("steps",),
    "open": ("model_answer", "key_points"),
}
ALL_FIELDS = tuple(dict.fromkeys(COMMON_REQUIRED + COMMON_OPTIONAL + sum(TYPE_FIELDS.values(), ())))
OPTION_COUNT = (2, 6)
STEP_COUNT = (3, 6)
KEY_POINT_COUNT = (2, 6)


class BankError(ValueError):
    """Ongeldige vragenbank. De melding noemt bestand, vraag-id en veld, voor zover bekend."""

    def __init__(
        self,
        cause: str,
        *,
        file: str | None = None,
        question_id: str | None = None,
        field: str | None = None,
    ) -> None:
        self.cause = cause
        self.file = file
        self.question_id = question_id
        self.field = field
        self.errors: list[BankError] = [self]
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.file:
            where.append(f"bestand {self.file}")
        if self.question_id:
            where.append(f"vraag '{self.question_id}'")
        if self.field:
            where.append(f"veld '{self.field}'")
        prefix = "Fout in de vragenbank"
        if where:
            prefix += " (" + ", ".join(where) + ")"
        return f"{prefix}: {self.cause}"

    @classmethod
    def combine(cls, errors: list[BankError]) -> BankError:
        """Bundel meerdere fouten in één BankError met de gegevens van de eerste fout."""
        if len(errors) == 1:
            return errors[0]
        first = errors[0]
        lines = "\n".join(f"- {error}" for error in errors)
        combined = cls(
            f"{len(errors)} fouten gevonden.\n{lines}",
            file=first.file,
            question_id=first.question_id,
            field=first.field,
        )
        combined.errors = list(errors)
        return combined


def validate_topic_file(data: Any, *, file: str, stem: str) -> tuple[str, str, list[dict]]:
    """Controleer de inhoud van één onderwerpbestand en geef (topic, title, vragen) terug.

    De vragen komen terug als gecontroleerde dicts met genormaliseerde waarden (tuples in
    plaats van lijsten). Alle fouten in het bestand worden samen gemeld in één BankError.
    """
    if not isinstance(data, dict):
        raise BankError(
            "het bestand moet een mapping zijn met de sleutels topic, title en questions.",
            file=file,
        )
    _reject_unknown(data, TOP_LEVEL_FIELDS, file=file, question_id=None)
    topic = data.get("topic")
    if not isinstance(topic, str) or not TOPIC_PATTERN.match(topic):
        raise BankError(
            f"ongeldige onderwerp-id {topic!r}. Gebruik kleine letters en cijfers, "
            f"bijvoorbeeld '{stem}'.",
            file=file,
            field="topic",
        )
    if topic != stem:
        raise BankError(
            f"het onderwerp '{topic}' moet gelijk zijn aan de bestandsnaam '{stem}'. "
            "Pas het veld of de bestandsnaam aan.",
            file=file,
            field="topic",
        )
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise BankError("de titel ontbreekt of is geen tekst.", file=file, field="title")
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        raise BankError(
            "'questions' moet een niet-lege lijst van vragen zijn.", file=file, field="questions"
        )

    cleaned, errors = [], []
    for index, entry in enumerate(questions):
        try:
            cleaned.append(validate_question(entry, file=file, topic=topic, index=index))
        except BankError as error:
            errors.append(error)
    if errors:
        raise BankError.combine(errors)
    return topic, title.strip(), cleaned


def validate_question(entry: Any, *, file: str, topic: str, index: int) -> dict:
    """Controleer één vraag en geef een genormaliseerde dict terug, of gooi BankError."""
    label = f"nr. {index + 1} (zonder geldige id)"
    if not isinstance(entry, dict):
        raise BankError(
            f"een vraag moet een mapping met velden zijn, niet {_type_name(entry)}.",
            file=file,
            question_id=label,
            field="id",
        )
    raw_id = entry.get("id")
    question_id = raw_id if isinstance(raw_id, str) and raw_id.strip() else label

    def fail(field: str, cause: str) -> BankError:
        return BankError(cause, file=file, question_id=question_id, field=field)

    _check_id(raw_id, topic, fail)
    _reject_unknown(entry, ALL_FIELDS, file=file, question_id=question_id)
    qtype = entry.get("type")
    if qtype not in QUESTION_TYPES:
        raise fail("type", f"onbekend vraagtype {qtype!r}. Kies uit: {', '.join(QUESTION_TYPES)}.")
    allowed = set(COMMON_REQUIRED + COMMON_OPTIONAL + TYPE_FIELDS[qtype])
    for field in entry:
        if field not in allowed:
            raise fail(field, f"dit veld hoort niet bij vraagtype '{qtype}'. Verwijder het.")

    result: dict[str, Any] = {"id": raw_id, "topic": topic, "type": qtype, "source": file}
    result["prompt"] = _text(entry, "prompt", fail)
    result["explanation"] = _text(entry, "explanation", fail)
    result["link"] = _link(entry.get("link"), fail)
    if "code" in entry or qtype == "code_output":
        result["code"] = _text(entry, "code", fail)
    exam = entry.get("exam", False)
    if not isinstance(exam, bool):
        raise fail("exam", f"moet true of false zijn, niet {exam!r}.")
    result["exam"] = exam

    computed = _computed(entry, qtype, fail)
    result["computed"] = computed
    if computed is None:
        _answer_fields(entry, qtype, fail, result)
    else:
        for field in ("answer", "options"):
            if field in entry:
                raise fail(
                    field,
                    f"de vraag wordt berekend met '{computed}', dus laat '{field}' weg.",
                )
    if qtype == "number":
        tolerance = entry.get("tolerance", 0)
        if not _is_number(tolerance) or tolerance < 0:
            raise fail("tolerance", f"moet een getal van 0 of meer zijn, niet {tolerance!r}.")
        result["tolerance"] = float(tolerance)
    if qtype == "order":
        result["steps"] = _text_list(entry, "steps", STEP_COUNT, fail)
        result["answer"] = tuple(range(len(result["steps"])))
    if qtype == "open":
        result["model_answer"] = _text(entry, "model_answer", fail)
        result["key_points"] = _text_list(entry, "key_points", KEY_POINT_COUNT, fail)
    return result


def _check_id(raw_id: Any, topic: str, fail) -> None:
    if raw_id is None:
        raise fail("id", "de id ontbreekt. Geef elke vraag een unieke id.")
    if not isinstance(raw_id, str) or not ID_PATTERN.match(raw_id):
        raise fail(
            "id",
            f"ongeldige id {raw_id!r}. Gebruik kleine letters, cijfers en koppeltekens, "
            f"bijvoorbeeld '{topic}-mijn-vraag'.",
        )
    if not raw_id.startswith(topic + "-"):
        raise fail("id", f"de id moet beginnen met het onderwerp, dus met '{topic}-'.")


def _answer_fields(entry: dict, qtype: str, fail, result: dict) -> None:
    if "answer" not in entry and qtype not in ("order", "open"):
        raise fail("answer", "het juiste antwoord ontbreekt.")
    answer = entry.get("answer")
    if qtype in ("single", "multiple", "code_output"):
        options = _text_list(entry, "options", OPTION_COUNT, fail)
        result["options"] = options
        result["answer"] = _option_answer(answer, qtype, len(options), fail)
    elif qtype == "truefalse":
        if not isinstance(answer, bool):
            raise fail("answer", f"moet true of false zijn, niet {answer!r}.")
        result["answer"] = answer
    elif qtype == "number":
        if not _is_number(answer):
            raise fail("answer", f"moet een getal zijn, niet {answer!r}.")
        result["answer"] = answer


def _option_answer(answer: Any, qtype: str, count: int, fail):
    valid = f"0 tot en met {count - 1}"
    if qtype != "multiple":
        if not _is_index(answer) or not 0 <= answer < count:
            raise fail(
                "answer",
                f"moet de index van de juiste optie zijn ({valid}, de eerste optie is 0), "
                f"niet {answer!r}.",
            )
        return answer
    if not isinstance(answer, list) or not answer:
        raise fail("answer", f"moet een niet-lege lijst van optie-indexen ({valid}) zijn.")
    for value in answer:
        if not _is_index(value) or not 0 <= value < count:
            raise fail("answer", f"{value!r} is geen geldige optie-index ({valid}).")
    if len(set(answer)) != len(answer):
        raise fail("answer", "dezelfde optie staat meer dan één keer in de lijst.")
    return tuple(sorted(answer))


def _computed(entry: dict, qtype: str, fail) -> str | None:
    if "computed" not in entry:
        return None
    name = entry["computed"]
    expected = computed_type(name) if isinstance(name, str) else None
    if expected is None:
        raise fail("computed", f"onbekende berekening {name!r}.{_suggest(name, _computed_names())}")
    if expected != qtype:
        raise fail("computed", f"'{name}' levert een vraag van type '{expected}', niet '{qtype}'.")
    return name


def _computed_names() -> tuple[str, ...]:
    from quiz.computed import COMPUTED_NAMES

    return COMPUTED_NAMES


def _link(link: Any, fail) -> tuple[str, str]:
    if not isinstance(link, dict):
        raise fail(
            "link",
            "ontbreekt of is geen mapping. Schrijf bv. "
            '{notebook: 02_opslaan_en_laden.ipynb, heading: "Samenvatting"}.',
        )
    for key in link:
        if key not in ("notebook", "heading"):
            raise fail(f"link.{key}", "onbekend veld. Alleen notebook en heading zijn toegestaan.")
    notebook, heading = link.get("notebook"), link.get("heading")
    if not isinstance(notebook, str) or not notebook.endswith(".ipynb") or "/" in notebook:
        raise fail(
            "link.notebook",
            f"moet de bestandsnaam van een notebook in notebooks/ zijn, niet {notebook!r}.",
        )
    if not isinstance(heading, str) or not heading.strip():
        raise fail("link.heading", "moet de tekst van een kop in dat notebook zijn.")
    return notebook, heading.strip()


def _text(entry: dict, field: str, fail) -> str:
    value = entry.get(field)
    if value is None:
        raise fail(field, "dit veld ontbreekt of is leeg.")
    if not isinstance(value, str):
        raise fail(field, f"moet tekst zijn, niet {_type_name(value)}. Zet de tekst tussen quotes.")
    if not value.strip():
        raise fail(field, "dit veld is leeg.")
    return value.strip("\n") if field == "code" else value.strip()


def _text_list(entry: dict, field: str, bounds: tuple[int, int], fail) -> tuple[str, ...]:
    low, high = bounds
    values = entry.get(field)
    if not isinstance(values, list) or not low <= len(values) <= high:
        raise fail(field, f"moet een lijst van {low} tot {high} teksten zijn.")
    for position, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            raise fail(
                field,
                f"element {position} moet niet-lege tekst zijn, niet {value!r}. "
                "Zet waarden als yes, no of getallen tussen quotes.",
            )
    stripped = tuple(value.strip() for value in values)
    if len(set(stripped)) != len(stripped):
        raise fail(field, "twee elementen hebben dezelfde tekst. Maak ze verschillend.")
    return stripped


def _reject_unknown(data: dict, allowed: tuple[str, ...], *, file: str, question_id) -> None:
    for key in data:
        if key not in allowed:
            raise BankError(
                f"onbekend veld.{_suggest(key, allowed)}",
                file=file,
                question_id=question_id,
                field=str(key),
            )


def _suggest(value: Any, choices: tuple[str, ...]) -> str:
    matches = difflib.get_close_matches(str(value), choices, n=1)
    if matches:
        return f" Bedoel je '{matches[0]}'?"
    return f" Kies uit: {', '.join(choices)}."


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return isinstance(value, int) or math.isfinite(value)


def _is_index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _type_name(value: Any) -> str:
    names = {dict: "een mapping", list: "een lijst", bool: "true/false", type(None): "leeg"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return f"{type(value).__name__} ({value!r})"
