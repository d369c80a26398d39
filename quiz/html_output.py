"""Een Output-widget die HTML toont zoals JupyterLab de uitvoer van een cel toont."""

from __future__ import annotations

import ipywidgets as widgets

from quiz.render import html_text


class HTMLOutput(widgets.Output):
    """HTML in een Output-widget, met `value` zoals bij widgets.HTML.

    JupyterLab toont de inhoud met zijn rendermime. Daardoor opent een relatieve link naar een
    notebook in dezelfde JupyterLab, op de cel uit het anker. Een widgets.HTML laat de link aan
    de browser over: die opent een nieuw tabblad, en vindt het notebook alleen als de URL van de
    pagina toevallig /lab/tree/<map van de notebooks>/... is. `value` is een gewone property en
    geen trait, dus observe() ziet wijzigingen niet.
    """

    @property
    def value(self) -> str:
        for output in self.outputs:
            return output.get("data", {}).get("text/html", "")
        return ""

    @value.setter
    def value(self, html: str) -> None:
        if not html:
            self.outputs = ()
            return
        data = {"text/html": html, "text/plain": html_text(html)}
        self.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)
