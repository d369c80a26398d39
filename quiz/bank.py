"""De vragenbank: YAML-bestanden in quiz/questions/ laden, controleren en filteren.

Een docent past alleen de YAML-bestanden aan. Elke fout daarin wordt bij het laden een
BankError met een Nederlandse melding die bestand, vraag-id en veld noemt.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from quiz.links import notebook_headings
from quiz.schema import BankError, validate_topic_file

QUESTIONS_DIR = Path(__file__).with_name("questions")
NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
COURSE_ORDER = ("model", "opslaan", "modi", "bevriezen", "workflow")

__all__ = ["BankError", "Link", "Question", "QuestionBank", "Topic", "load_bank"]


@dataclass(frozen=True)
class Link:
    """Kop in een lesnotebook waar de uitleg van een vraag staat."""

    notebook: str
    heading: str


@dataclass(frozen=True)
class Question:
    """Eén vraag uit de bank.

    `answer` is een optie-index (single, code_output), een gesorteerde tuple van indexen
    (multiple), een bool (truefalse), een getal (number), de tuple 0..n-1 (order, de juiste
    volgorde is de volgorde van `steps`) of None (open, en berekende vragen vóór `resolve`).
    """

    id: str
    topic: str
    type: str
    prompt: str
    explanation: str
    link: Link
    code: str | None = None
    options: tuple[str, ...] = ()
    answer: Any = None
    steps: tuple[str, ...] = ()
    tolerance: float = 0.0
    model_answer: str | None = None
    key_points: tuple[str, ...] = ()
    computed: str | None = None
    exam: bool = False
    source: str = ""


@dataclass(frozen=True)
class Topic:
    """Onderwerp van de quiz, met de vragen uit één bestand."""

    id: str
    title: str
    source: str


@dataclass(frozen=True)
class QuestionBank:
    """Alle vragen en onderwerpen, in de volgorde van de bestanden."""

    questions: tuple[Question, ...]
    topics: tuple[Topic, ...]

    def by_id(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(f"Vraag '{question_id}' staat niet in de vragenbank.")

    def topic(self, topic_id: str) -> Topic:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise KeyError(f"Onderwerp '{topic_id}' staat niet in de vragenbank.")

    @property
    def notebooks(self) -> tuple[str, ...]:
        """De notebooks waarnaar vragen verwijzen, gesorteerd."""
        return tuple(sorted({question.link.notebook for question in self.questions}))

    def filter(
        self, topics: Iterable[str] | str | None = None, notebook: str | None = None
    ) -> QuestionBank:
        """Geef een bank met alleen de vragen van deze onderwerpen en/of dit notebook.

        `notebook` mag de volledige bestandsnaam zijn, de naam zonder .ipynb of alleen het
        nummer ("02"). Een onbekend onderwerp of notebook geeft een ValueError die de
        geldige keuzes noemt.
        """
        questions = self.questions
        if topics is not None:
            requested = {topics} if isinstance(topics, str) else set(topics)
            known = [topic.id for topic in self.topics]
            for topic_id in sorted(requested):
                if topic_id not in known:
                    raise ValueError(
                        f"Onbekend onderwerp '{topic_id}'. Kies uit: {', '.join(known)}."
                    )
            questions = tuple(question for question in questions if question.topic in requested)
        if notebook is not None:
            name = self.match_notebook(notebook)
            questions = tuple(question for question in questions if question.link.notebook == name)
        used = {question.topic for question in questions}
        topics_left = tuple(topic for topic in self.topics if topic.id in used)
        return QuestionBank(questions, topics_left)

    def match_notebook(self, notebook: str) -> str:
        """Zoek de volledige notebooknaam bij "02", "02_opslaan_en_laden" of de bestandsnaam."""
        for name in self.notebooks:
            if notebook in (name, name.removesuffix(".ipynb"), name.split("_", 1)[0]):
                return name
        raise ValueError(
            f"Geen vragen over notebook '{notebook}'. Kies uit: {', '.join(self.notebooks)}."
        )


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader die een dubbele sleutel meldt in plaats van de eerste stil te overschrijven."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
            seen.add(key)
        except TypeError:
            continue  # construct_mapping meldt een onhashbare sleutel zelf.
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"de sleutel {key!r} staat er twee keer", key_node.start_mark
            )
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise BankError(
            f"het bestand is geen UTF-8-tekst ({error.reason}). Bewaar het als UTF-8.",
            file=str(path),
        ) from None
    except OSError as error:
        raise BankError(f"het bestand kan niet gelezen worden: {error}.", file=str(path)) from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (SafeLoader-subklasse)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" op regel {mark.line + 1}, kolom {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise BankError(
            f"ongeldige YAML{where}: {problem}. Controleer inspringing, dubbele punten en quotes.",
            file=str(path),
        ) from None
    except (ValueError, OverflowError, RecursionError) as error:
        raise BankError(
            f"een waarde kan niet gelezen worden ({error}). Zet ze tussen quotes.",
            file=str(path),
        ) from None


def _course_order(path: Path) -> tuple[int, str]:
    """Sorteer de onderwerpen in de volgorde van de workshop, onbekende daarna op naam."""
    if path.stem in COURSE_ORDER:
        return COURSE_ORDER.index(path.stem), path.stem
    return len(COURSE_ORDER), path.stem


def _bank_files(paths) -> list[Path]:
    if paths is None:
        paths = [QUESTIONS_DIR]
    elif isinstance(paths, (str, Path)):
        paths = [paths]
    files: list[Path] = []
    for entry in map(Path, paths):
        if entry.is_dir():
            files.extend(sorted(entry.glob("*.yaml"), key=_course_order))
        elif entry.is_file():
            files.append(entry)
        else:
            raise BankError("het bestand of de map bestaat niet.", file=str(entry))
    if not files:
        where = ", ".join(str(Path(path)) for path in paths)
        raise BankError(f"geen vragenbestanden (*.yaml) gevonden in {where}.")
    return files


def load_bank(
    paths: str | Path | Iterable[str | Path] | None = None,
    *,
    check_links: bool = False,
    notebooks_dir: str | Path | None = None,
) -> QuestionBank:
    """Laad en controleer de vragenbank.

    `paths` is een map, een bestand of een lijst daarvan (standaard quiz/questions/). Met
    `check_links=True` moet elke link naar een bestaande markdown-kop wijzen in een notebook
    in `notebooks_dir` (standaard de map notebooks/ naast de package). Alle fouten samen
    komen terug als één BankError.
    """
    questions: list[Question] = []
    topics: list[Topic] = []
    seen: dict[str, str] = {}
    errors: list[BankError] = []
    for path in _bank_files(paths):
        try:
            topic_id, title, entries = validate_topic_file(
                _read_yaml(path), file=str(path), stem=path.stem
            )
        except BankError as error:
            errors.extend(error.errors)
            continue
        topics.append(Topic(topic_id, title, str(path)))
        for entry in entries:
            if entry["id"] in seen:
                errors.append(
                    BankError(
                        f"deze id komt ook voor in {seen[entry['id']]}. Kies een unieke id.",
                        file=str(path),
                        question_id=entry["id"],
                        field="id",
                    )
                )
                continue
            seen[entry["id"]] = str(path)
            notebook, heading = entry.pop("link")
            questions.append(Question(link=Link(notebook, heading), **entry))
    if check_links:
        errors.extend(_link_errors(questions, Path(notebooks_dir or NOTEBOOKS_DIR)))
    if errors:
        raise BankError.combine(errors)
    return QuestionBank(tuple(questions), tuple(topics))


def _link_errors(questions: Iterable[Question], notebooks_dir: Path) -> list[BankError]:
    headings: dict[str, set[str] | None] = {}
    errors = []
    for question in questions:
        name = question.link.notebook
        if name not in headings:
            try:
                headings[name] = notebook_headings(notebooks_dir / name)
            except (OSError, ValueError):
                headings[name] = None
        found = headings[name]
        if found is None:
            errors.append(
                BankError(
                    f"notebook {name} bestaat niet in {notebooks_dir} of is geen geldig notebook.",
                    file=question.source,
                    question_id=question.id,
                    field="link.notebook",
                )
            )
        elif question.link.heading not in found:
            close = difflib.get_close_matches(question.link.heading, sorted(found), n=1)
            hint = f" Bedoel je '{close[0]}'?" if close else ""
            errors.append(
                BankError(
                    f"de kop '{question.link.heading}' staat niet in {name}.{hint}",
                    file=question.source,
                    question_id=question.id,
                    field="link.heading",
                )
            )
    return errors
