"""Basis van de datasets: elk beeld één keer decoderen en in het geheugen houden."""

import torch
from PIL import Image
from torch.utils.data import Dataset


class CachedImageDataset(Dataset):
    """Dataset die `image(index)` één keer per beeld oproept als `cache` aan staat.

    Subklassen zetten `samples`, `targets`, `transform` en `cache`, en implementeren `image`.
    `prepare_for_cache` mag een beeld verkleinen voor het in de cache gaat.
    """

    samples: list
    targets: list[int]
    cache: bool

    def __init__(self) -> None:
        self._cached: dict[int, Image.Image] = {}

    def image(self, index: int) -> Image.Image:
        raise NotImplementedError

    def prepare_for_cache(self, image: Image.Image) -> Image.Image:
        return image

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        if index < 0:
            index += len(self)
        image = self._cached.get(index)
        if image is None:
            image = self.image(index)
            if self.cache:
                image = self.prepare_for_cache(image)
                self._cached[index] = image
        return self.transform(image), self.targets[index]
