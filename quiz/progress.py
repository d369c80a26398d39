"""Voortgang per gebruiker: één JSON-bestand met per vraag de FSRS-card en alle pogingen.

Het bestand staat standaard in de gebruikersmap van platformdirs. De omgevingsvariabele
QUIZ_PROGRESS_FILE kiest een ander pad. Elke wijziging leest het bestand opnieuw, voegt het
antwoord toe en schrijft het terug, en dat alles onder een bestandslock. Zo verliezen twee
quizzen die tegelijk naar hetzelfde bestand schrijven (bv. twee open notebooks) geen antwoord.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs
from filelock import FileLock, Timeout
from fsrs import Card

from quiz.files import atomic_write_text
from quiz.scheduling import review, utc_now

ENV_VAR = "QUIZ_PROGRESS_FILE"
APP_NAME = "grocery-quiz"
FILE_NAME = "voortgang.json"
FORMAT = "grocery-quiz-voortgang"
VERSION = 1

log = logging.getLogger(__name__)


class ProgressError(RuntimeError):
    """De voortgang kon niet gelezen of bewaard worden. De melding noemt pad en oplossing."""


class DamagedProgress(ValueError):
    """Ongeldig voortgangsbestand. Alleen intern: load en record vangen deze fout op."""


def default_progress_path() -> Path:
    """Geef $QUIZ_PROGRESS_FILE, of anders voortgang.json in de gebruikersmap."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path(APP_NAME) / FILE_NAME


def empty_progress() -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "questions": {}}


class ProgressStore:
    """Leest en bewaart de voortgang in één JSON-bestand.

    `messages` verzamelt Nederlandse meldingen voor de deelnemer, bijvoorbeeld dat een
    beschadigd bestand opzij is gezet. De front ends tonen ze.
    """

    def __init__(self, path: str | Path | None = None, *, lock_timeout: float = 10.0) -> None:
        self.path = Path(path).expanduser() if path is not None else default_progress_path()
        self.lock_timeout = lock_timeout
        self.messages: list[str] = []

    # Lezen

    def load(self) -> dict[str, Any]:
        """Lees de voortgang. Een beschadigd bestand wordt opzij gezet en geeft lege voortgang.

        Lezen kan zonder lock, want schrijven vervangt het bestand atomair. Alleen om een
        beschadigd bestand opzij te zetten neemt load de lock en leest het opnieuw, zodat
        twee quizzen niet allebei hetzelfde bestand verplaatsen.
        """
        try:
            return self._read(move_damaged=False)
        except DamagedProgress:
            with self._locked():
                return self._read()

    def cards(self) -> dict[str, Card]:
        """Geef de FSRS-card van elke vraag die al eens beantwoord is."""
        data = self.load()
        return {
            question_id: Card.from_dict(entry["card"])
            for question_id, entry in data["questions"].items()
        }

    def attempts(self, question_id: str) -> list[dict[str, Any]]:
        """Geef alle pogingen voor één vraag: tijd (ISO 8601, UTC), score en modus."""
        entry = self.load()["questions"].get(question_id)
        return list(entry["attempts"]) if entry else []

    # Schrijven

    def record(
        self, question_id: str, score: float, *, mode: str = "oefen", now: datetime | None = None
    ) -> Card:
        """Bewaar één antwoord, plan de volgende herhaling en geef de nieuwe Card terug.

        Het bestand wordt onder de lock opnieuw gelezen, zodat antwoorden van een andere quiz
        die intussen schreef behouden blijven.
        """
        moment = now or utc_now()
        with self._locked():
            data = self._read()
            entry = data["questions"].setdefault(question_id, {"card": None, "attempts": []})
            previous = Card.from_dict(entry["card"]) if entry["card"] else None
            card = review(previous, question_id, score, moment)
            entry["card"] = card.to_dict()
            entry["attempts"].append(
                {"time": moment.isoformat(), "score": round(float(score), 4), "mode": mode}
            )
            self._write(data)
        return card

    # Intern

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ProgressError(self._unwritable(error)) from error
        lock = FileLock(str(self.path) + ".lock", timeout=self.lock_timeout)
        try:
            lock.acquire()
        except Timeout:
            raise ProgressError(
                f"Het voortgangsbestand {self.path} is al {self.lock_timeout:g} s vergrendeld door "
                "een andere quiz. Probeer het opnieuw, of verwijder het .lock-bestand ernaast als "
                "er geen quiz meer draait."
            ) from None
        except OSError as error:
            raise ProgressError(self._unwritable(error)) from error
        try:
            yield
        finally:
            lock.release()

    def _read(self, *, move_damaged: bool = True) -> dict[str, Any]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return empty_progress()
        except OSError as error:
            raise ProgressError(
                f"Het voortgangsbestand {self.path} kan niet gelezen worden: {error}. "
                f"Controleer de rechten of kies een ander bestand met {ENV_VAR}."
            ) from error
        try:
            return _validated(raw)
        except DamagedProgress as damage:
            if not move_damaged:
                raise
            self._move_aside(str(damage))
            return empty_progress()

    def _move_aside(self, cause: str) -> None:
        stamp = utc_now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.beschadigd-{stamp}")
        counter = 2
        while aside.exists():
            aside = self.path.with_name(f"{self.path.name}.beschadigd-{stamp}-{counter}")
            counter += 1
        try:
            os.replace(self.path, aside)
        except OSError as error:
            raise ProgressError(
                f"Het voortgangsbestand {self.path} is beschadigd ({cause}) en kan niet opzij "
                f"gezet worden: {error}. Verplaats het zelf of kies een ander bestand met "
                f"{ENV_VAR}."
            ) from error
        message = (
            f"Je voortgangsbestand {self.path} was beschadigd ({cause}). Het is bewaard als "
            f"{aside.name} in dezelfde map. De quiz begint met een lege voortgang."
        )
        # INFO en niet WARNING: zonder logconfiguratie zou Python WARNING zelf op stderr zetten,
        # naast de melding die de quiz al toont.
        log.info(message)
        self.messages.append(message)

    def _write(self, data: dict[str, Any]) -> None:
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
        try:
            atomic_write_text(self.path, text)
        except OSError as error:
            raise ProgressError(self._unwritable(error)) from error

    def _unwritable(self, error: OSError) -> str:
        return (
            f"De voortgang kan niet bewaard worden in {self.path}: {error}. Kies een map waarin "
            f"je mag schrijven met de omgevingsvariabele {ENV_VAR}."
        )


def _validated(raw: bytes) -> dict[str, Any]:
    """Controleer de structuur van het bestand en gooi anders DamagedProgress met de oorzaak."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DamagedProgress(f"geen geldige JSON: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DamagedProgress("geen voortgangsbestand van deze quiz")
    if data.get("version") != VERSION:
        raise DamagedProgress(f"onbekende versie {data.get('version')!r}")
    questions = data.get("questions")
    if not isinstance(questions, dict):
        raise DamagedProgress("het veld 'questions' ontbreekt")
    for question_id, entry in questions.items():
        _check_entry(question_id, entry)
    return data


def _check_entry(question_id: str, entry: Any) -> None:
    if not isinstance(entry, dict) or not isinstance(entry.get("attempts"), list):
        raise DamagedProgress(f"ongeldige gegevens voor vraag '{question_id}'")
    for attempt in entry["attempts"]:
        valid = isinstance(attempt, dict) and isinstance(attempt.get("score"), (int, float))
        if not valid:
            raise DamagedProgress(f"ongeldige poging bij vraag '{question_id}'")
    try:
        if entry.get("card") is not None:
            Card.from_dict(entry["card"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise DamagedProgress(f"ongeldige card bij vraag '{question_id}'") from None
