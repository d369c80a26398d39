"""Koppelingen van een vraag naar een kop in een lesnotebook."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

HEADING_PATTERN = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE_PATTERN = re.compile(r"^ {0,3}(```|~~~)")


def notebook_headings(path: Path) -> set[str]:
    """Lees alle markdown-koppen (# tot ######) uit de markdowncellen van een notebook.

    Regels binnen een codeblok (``` of ~~~) tellen niet mee. Gooit OSError of ValueError
    als het bestand ontbreekt of geen geldig notebook is.
    """
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    headings = set()
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
                headings.add(match.group(2))
    return headings


def heading_anchor(heading: str) -> str:
    """Geef het anker dat JupyterLab aan een kop geeft: spaties worden koppeltekens."""
    return quote(heading.replace(" ", "-"), safe="-_.~()!*'")


def notebook_url(notebook: str, heading: str) -> str:
    """Geef een relatieve link vanuit notebooks/ naar een kop in een ander notebook."""
    return f"{quote(notebook)}#{heading_anchor(heading)}"
