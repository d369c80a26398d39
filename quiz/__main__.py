"""Opdrachtregel: `python -m quiz` speelt de quiz in de terminal of maakt een hand-out.

Zelfde vragenbank, modi en voortgangsbestand als de widgets in 05_examenquiz.ipynb.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from argparse_nl import DutchArgumentParser
from quiz.bank import BankError, load_bank
from quiz.export import write_export
from quiz.progress import ProgressStore
from quiz.terminal import run_quiz

DESCRIPTION = """\
Examenquiz over de workshop: het model bouwen, opslaan en laden, train() en eval(),
lagen bevriezen en de weg van config tot inference.

In oefenmodus krijg je na elke vraag meteen feedback met uitleg en een link naar het
notebook. In examenmodus krijg je een vast aantal willekeurige vragen en pas aan het
einde je score per onderwerp en een overzicht van je fouten."""

EPILOG = """\
voorbeelden:
  python -m quiz --topic opslaan
  python -m quiz --mode examen --count 10 --time-limit 15
  python -m quiz --due
  python -m quiz --export vragen.md --with-answers

Je voortgang staat in een bestand per gebruiker. De omgevingsvariabele
QUIZ_PROGRESS_FILE kiest een ander bestand."""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is geen geheel getal van minstens 1")
    return value


def _positive_minutes(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"'{text}' is geen aantal minuten groter dan 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = DutchArgumentParser(
        prog="python -m quiz",
        description=DESCRIPTION,
        epilog=EPILOG,
    )
    choice = parser.add_argument_group("keuze van de vragen")
    choice.add_argument(
        "--topic",
        action="append",
        metavar="ID",
        help="alleen vragen over dit onderwerp (model, opslaan, modi, bevriezen of workflow). "
        "Herhaal de optie voor meer onderwerpen.",
    )
    choice.add_argument(
        "--notebook",
        metavar="NAAM",
        help="alleen vragen die naar dit notebook verwijzen, bv. 02 of 02_opslaan_en_laden.ipynb",
    )
    choice.add_argument(
        "--due",
        action="store_true",
        help="alleen vragen die je nu moet herhalen (wat je bijna vergeet), en nieuwe vragen",
    )
    choice.add_argument(
        "--seed",
        type=int,
        metavar="GETAL",
        help="vaste keuze en volgorde van vragen en opties, voor herhaalbare sessies",
    )
    choice.add_argument(
        "--bank",
        metavar="PAD",
        help="map of YAML-bestand met vragen in plaats van de ingebouwde vragenbank",
    )

    session = parser.add_argument_group("modus")
    session.add_argument(
        "--mode",
        choices=("oefen", "examen"),
        default="oefen",
        help="oefen geeft meteen feedback, examen pas aan het einde een uitslag (standaard: oefen)",
    )
    session.add_argument(
        "--count",
        type=_positive_int,
        metavar="N",
        help="aantal vragen (standaard: alle in oefenmodus, 10 in examenmodus)",
    )
    session.add_argument(
        "--time-limit",
        type=_positive_minutes,
        metavar="MINUTEN",
        help="tijdslimiet in minuten. Daarna telt een antwoord niet meer mee.",
    )
    session.add_argument(
        "--no-progress",
        action="store_true",
        help="bewaar geen voortgang voor deze sessie",
    )

    export = parser.add_argument_group("hand-out")
    export.add_argument(
        "--export",
        metavar="BESTAND",
        help="schrijf de vragen als Markdown naar BESTAND en stop (speelt geen quiz)",
    )
    export.add_argument(
        "--with-answers",
        action="store_true",
        help="zet bij --export ook antwoorden, modelantwoorden en uitleg in het bestand",
    )

    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.with_answers and not args.export:
        parser.error("--with-answers werkt alleen samen met --export BESTAND")
    try:
        bank = load_bank(args.bank)
        if args.topic or args.notebook:
            bank = bank.filter(topics=args.topic, notebook=args.notebook)
    except (BankError, ValueError) as error:
        print(error, file=sys.stderr)
        return 2

    if args.export:
        folder = Path(args.export).expanduser().parent
        if not folder.is_dir():
            print(
                f"De map {folder} bestaat niet, dus de hand-out {args.export} kan er niet in. "
                "Maak de map eerst aan of kies een andere plaats.",
                file=sys.stderr,
            )
            return 1
        try:
            path = write_export(bank, args.export, with_answers=args.with_answers)
        except OSError as error:
            print(
                f"De hand-out kan niet geschreven worden naar {args.export} "
                f"({error.strerror or error}). Controleer of je in die map mag schrijven.",
                file=sys.stderr,
            )
            return 1
        print(f"Hand-out met {len(bank.questions)} vragen geschreven naar {path}.")
        return 0

    progress = None if args.no_progress else ProgressStore()
    return run_quiz(
        bank,
        progress=progress,
        mode=args.mode,
        count=args.count,
        seed=args.seed,
        time_limit=args.time_limit,
        due_only=args.due,
    )


if __name__ == "__main__":
    sys.exit(main())
