"""Herhalen op het juiste moment met FSRS (package fsrs): welke vragen zijn nu aan de beurt?

Elke vraag heeft een fsrs.Card in het voortgangsbestand. Na elk antwoord plant de Scheduler
de volgende herhaling: een fout antwoord komt snel terug, een vraag die je goed kent pas na
dagen of weken.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from fsrs import Card, Rating, Scheduler, State

# Zonder fuzz geven dezelfde antwoorden op dezelfde momenten altijd dezelfde planning.
SCHEDULER = Scheduler(enable_fuzzing=False)

STATUS_NEW = "nieuw"
STATUS_DUE = "herhalen"
STATUS_LEARNING = "lerend"
STATUS_MASTERED = "beheerst"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def rating_for(score: float) -> Rating:
    """Zet een score (0..1) om in een FSRS-Rating.

    Volle score is Good, minstens de helft (een open vraag met de meeste kernpunten) is Hard,
    minder is Again. Easy geeft de quiz nooit, want een juist antwoord zegt niet hoe makkelijk
    het ging.
    """
    if score >= 1.0:
        return Rating.Good
    if score >= 0.5:
        return Rating.Hard
    return Rating.Again


def new_card(question_id: str, now: datetime) -> Card:
    # Een vaste card_id per vraag. Card() zonder id gebruikt de klok en wacht daarvoor 1 ms.
    return Card(card_id=zlib.crc32(question_id.encode("utf-8")), due=now)


def review(card: Card | None, question_id: str, score: float, now: datetime) -> Card:
    """Verwerk één antwoord en geef de bijgewerkte Card met de volgende herhaaldatum."""
    current = card if card is not None else new_card(question_id, now)
    updated, _log = SCHEDULER.review_card(current, rating_for(score), review_datetime=now)
    return updated


def card_status(card: Card | None, now: datetime) -> str:
    """Geef 'nieuw', 'herhalen' (nu aan de beurt), 'lerend' of 'beheerst'."""
    if card is None:
        return STATUS_NEW
    if card.due <= now:
        return STATUS_DUE
    if card.state == State.Review:
        return STATUS_MASTERED
    return STATUS_LEARNING


def due_order(question_ids: Iterable[str], cards: Mapping[str, Card], now: datetime) -> list[str]:
    """Geef de vragen die nu aan de beurt zijn: eerst wat je het snelst vergeet, dan nieuwe.

    Vragen met een Card die nu vervalt komen eerst, gesorteerd op de kleinste kans dat je het
    antwoord nog weet (retrievability). Nieuwe vragen volgen in hun oorspronkelijke volgorde.
    Vragen die pas later vervallen vallen weg.
    """
    due, new = [], []
    for question_id in question_ids:
        card = cards.get(question_id)
        if card is None:
            new.append(question_id)
        elif card.due <= now:
            retrievability = SCHEDULER.get_card_retrievability(card, now)
            due.append((retrievability, card.due, question_id))
    due.sort()
    return [question_id for _, _, question_id in due] + new


@dataclass(frozen=True)
class TopicMastery:
    """Hoeveel vragen van een onderwerp nieuw, aan de beurt, in leerfase of beheerst zijn."""

    topic: str
    title: str
    total: int
    new: int
    due: int
    learning: int
    mastered: int


def mastery(bank, cards: Mapping[str, Card], now: datetime) -> list[TopicMastery]:
    """Vat de voortgang per onderwerp samen, in de volgorde van de bank."""
    rows = []
    for topic in bank.topics:
        counts = {STATUS_NEW: 0, STATUS_DUE: 0, STATUS_LEARNING: 0, STATUS_MASTERED: 0}
        questions = [question for question in bank.questions if question.topic == topic.id]
        for question in questions:
            counts[card_status(cards.get(question.id), now)] += 1
        rows.append(
            TopicMastery(
                topic=topic.id,
                title=topic.title,
                total=len(questions),
                new=counts[STATUS_NEW],
                due=counts[STATUS_DUE],
                learning=counts[STATUS_LEARNING],
                mastered=counts[STATUS_MASTERED],
            )
        )
    return rows


def mastery_lines(rows: Iterable[TopicMastery]) -> list[str]:
    """Schrijf de samenvatting per onderwerp als regels tekst voor terminal en widgets."""
    return [
        f"{row.title}: {row.mastered} van {row.total} beheerst, {row.due} te herhalen, "
        f"{row.learning} in leerfase, {row.new} nieuw"
        for row in rows
    ]
