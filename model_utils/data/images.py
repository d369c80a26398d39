"""Afbeeldingen van schijf lezen als RGB-beelden, met Nederlandse foutmeldingen."""

import os
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError


class ImageFileError(ValueError):
    """Bestand dat PIL niet als afbeelding kan lezen. De melding noemt het bestand."""


def load_image(path: str | os.PathLike) -> Image.Image:
    """Lees een afbeelding van schijf en geef een RGB-beeld van PIL terug.

    De EXIF-oriëntatie wordt toegepast, zodat een staande foto van een smartphone staand blijft.
    Raises FileNotFoundError als het bestand niet bestaat en ImageFileError als het geen
    leesbare afbeelding is.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise FileNotFoundError(
            f"Het bestand {path} bestaat niet. Controleer het pad, of geef een absoluut pad op."
        )
    if path.is_dir():
        raise ImageFileError(
            f"{path} is een map en geen afbeelding. Geef het pad naar één foto op."
        )

    try:
        with Image.open(path) as image:
            upright = ImageOps.exif_transpose(image)
            return upright.convert("RGB")
    except (UnidentifiedImageError, OSError) as error:
        raise ImageFileError(
            f"Het bestand {path} is geen leesbare afbeelding ({error}). Kies een JPEG- of "
            "PNG-bestand, of download de foto opnieuw als ze beschadigd is."
        ) from error
