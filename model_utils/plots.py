"""Kleine tekenfuncties voor de notebooks, zodat de lescellen kort blijven.

Elke functie tekent in een nieuwe figuur en geeft de assen terug. De notebookcel sluit af met
`plt.show()`, zodat je in de cel zelf ziet waar de figuur verschijnt.
"""

from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.axes import Axes
from PIL import Image


def show_image(image: Image.Image, title: str | None = None, *, size: float = 3.5) -> Axes:
    """Toon één foto zonder assen, met `title` erboven."""
    _, axes = plt.subplots(figsize=(size, size))
    axes.imshow(image)
    axes.set_axis_off()
    if title:
        axes.set_title(title)
    return axes


def show_probabilities(
    probabilities: torch.Tensor,
    class_names: Sequence[str],
    *,
    title: str | None = None,
) -> Axes:
    """Teken de kans per klasse als staafdiagram, met een stippellijn op 1 / aantal klassen.

    `probabilities` is één rij kansen (vorm (K,) of (1, K)), bijvoorbeeld de uitvoer van predict.
    """
    values = probabilities.detach().reshape(-1).cpu()
    if len(values) != len(class_names):
        raise ValueError(
            f"Er zijn {len(values)} kansen maar {len(class_names)} klassenamen. "
            "Geef één rij kansen en de klassenamen van dezelfde dataset."
        )
    _, axes = plt.subplots(figsize=(max(4.0, 0.22 * len(values)), 3.0))
    axes.bar(range(len(values)), values.numpy())
    axes.axhline(1 / len(values), color="black", linestyle="--", label=f"1 / {len(values)}")
    axes.set_xticks(range(len(values)), list(class_names), rotation=90, fontsize=7)
    axes.set_ylabel("kans")
    # Ruimte boven de hoogste staaf, zodat de legende geen staven bedekt.
    axes.set_ylim(0, max(values.max().item(), 1 / len(values)) * 1.3)
    axes.legend(loc="upper right")
    if title:
        axes.set_title(title)
    plt.tight_layout()
    return axes
