"""Korte meldingen voor deelnemers, één keer per proces.

Meldingen gaan naar stdout en niet via `warnings`, omdat Jupyter stderr rood toont en een
verwachte situatie (offline werken) geen foutmelding is. Ze gaan ook naar de logger
`model_utils`, zodat een script ze via `logging` kan opvangen.
"""

import logging

logger = logging.getLogger("model_utils")

_shown: set[str] = set()


def notify(message: str, *, key: str | None = None) -> None:
    """Toon `message` als melding; met dezelfde `key` slechts één keer per proces."""
    logger.info(message)
    if key is not None:
        if key in _shown:
            return
        _shown.add(key)
    print(f"Let op: {message}", flush=True)


def reset_notices() -> None:
    """Vergeet welke meldingen al getoond zijn (voor tests en demo's)."""
    _shown.clear()
