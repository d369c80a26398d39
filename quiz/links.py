"""Koppelingen van een vraag naar een kop in een lesnotebook."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

HEADING_PATTERN = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE_PATTERN = re.compile(r"^ {0,3}(```|~~~)")
# Voilà 0.5 zet deze variabelen in de omgeving van zijn kernels. JupyterLab zet ze niet.
VOILA_ENV_VARIABLES = ("VOILA_KERNEL_ID", "VOILA_REQUEST_URL", "VOILA_BASE_URL")


def _heading_cells(notebook: dict) -> Iterator[tuple[dict, str]]:
    """Geef (cel, kop) voor elke markdown-kop (# tot ######) in de markdowncellen.

    Regels binnen een codeblok (``` of ~~~) tellen niet mee.
    """
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        in_fence = False
        for line in text.splitlines():
            if FENCE_PATTERN.match(line):
                in_fence = not in_fence
                continue
            match = None if in_fence else HEADING_PATTERN.match(line)
            if match:
                yield cell, match.group(2)


def notebook_headings(path: Path) -> set[str]:
    """Lees alle markdown-koppen uit de markdowncellen van een notebook.

    Gooit OSError of ValueError als het bestand ontbreekt of geen geldig notebook is.
    """
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    return {heading for _cell, heading in _heading_cells(notebook)}


@lru_cache(maxsize=16)
def _heading_cell_ids(path: Path, _modified_ns: int) -> dict[str, str]:
    # De wijzigingstijd hoort bij de cachesleutel, zodat een bewaard notebook opnieuw gelezen wordt.
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cell_ids: dict[str, str] = {}
    for cell, heading in _heading_cells(notebook):
        if cell.get("id"):
            cell_ids.setdefault(heading, cell["id"])
    return cell_ids


def heading_cell_id(path: Path, heading: str) -> str | None:
    """Geef de id van de markdowncel met deze kop, of None als cel, kop of bestand ontbreekt."""
    path = Path(path).resolve()
    try:
        return _heading_cell_ids(path, path.stat().st_mtime_ns).get(heading)
    except (OSError, ValueError):
        return None


def heading_anchor(heading: str) -> str:
    """Geef het anker dat JupyterLab aan een kop geeft: spaties worden koppeltekens."""
    return quote(heading.replace(" ", "-"), safe="-_.~()!*'")


def notebook_url(notebook: str, heading: str) -> str:
    """Geef een relatieve link vanuit notebooks/ naar een kop in een ander notebook."""
    return f"{quote(notebook)}#{heading_anchor(heading)}"


def notebook_cell_url(notebooks_dir: Path, notebook: str, heading: str) -> str:
    """Geef een relatieve link naar de markdowncel met de kop, in de vorm die JupyterLab volgt.

    Bij een link `notebook.ipynb#cell-id=<id>` scrolt JupyterLab 4.6 naar die cel, ook als het
    notebook nog niet open was en ook bij een kop met é. Een kopanker (#Kop-tekst) volgt
    JupyterLab 4.6 alleen in een notebook dat al open is, en alleen bij een kop in ASCII. Zonder
    cel-id (notebook niet gevonden of zonder ids) valt de link terug op het kopanker.
    """
    cell_id = heading_cell_id(Path(notebooks_dir) / notebook, heading)
    if cell_id is None:
        return notebook_url(notebook, heading)
    return f"{quote(notebook)}#cell-id={quote(cell_id, safe='-_')}"


def running_in_voila() -> bool:
    """Geef True als deze kernel voor Voilà draait, waar links naar notebooks niet werken."""
    return any(name in os.environ for name in VOILA_ENV_VARIABLES)
