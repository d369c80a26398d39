"""Voortgangsbalken die in Jupyter en in een terminal werken."""

import importlib.util
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def _widgets_available() -> bool:
    return importlib.util.find_spec("ipywidgets") is not None


def progress_bar(iterable: Iterable[T], *, enabled: bool = True, **kwargs) -> Iterable[T]:
    """Wikkel `iterable` in een tqdm-balk, of geef het ongewijzigd terug als `enabled` False is.

    `tqdm.auto` kiest in Jupyter een widgetbalk, maar waarschuwt op stderr als ipywidgets
    ontbreekt. Zonder ipywidgets valt deze functie daarom stil terug op de tekstbalk.
    """
    if not enabled:
        return iterable
    if _widgets_available():
        from tqdm.auto import tqdm
    else:
        from tqdm.std import tqdm
    kwargs.setdefault("leave", False)
    kwargs.setdefault("dynamic_ncols", True)
    return tqdm(iterable, **kwargs)
