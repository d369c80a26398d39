"""Een kleine ingebouwde dataset met getekende producten, voor wie de echte foto's niet heeft.

Elke afbeelding wordt uit een eigen numpy-Generator getekend, die alleen van `seed`, de split,
de klasse en het volgnummer afhangt. Zo zijn de pixels bij elke run dezelfde, wat de globale
random-toestand van numpy of torch ook is.
NOTE: een andere versie van numpy of Pillow kan andere pixels geven, want numpy belooft geen
vaste getallenreeks voor Generator over versies heen en Pillow kan zijn tekenroutines wijzigen.
"""

import math
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw

from model_utils.data.cached import CachedImageDataset
from model_utils.data.validation import check_choice, check_positive_int, first_per_class
from model_utils.weights import preprocess

CLASSES = ("Appel", "Banaan", "Citroen", "Komkommer", "Melkpak", "Tomaat")
IMAGES_PER_CLASS = {"train": 24, "val": 8}
RAW_SIZE = 128  # breedte en hoogte in pixels, voor de voorbewerking

_SPLIT_IDS = {"train": 0, "val": 1}


def _jitter(rng: np.random.Generator, color: tuple[int, int, int], amount: int = 18):
    return tuple(int(np.clip(c + rng.integers(-amount, amount + 1), 0, 255)) for c in color) + (
        255,
    )


def _draw_apple(draw: ImageDraw.ImageDraw, rng: np.random.Generator, c: float, r: float) -> None:
    draw.ellipse(
        (c - r * 1.05, c - r * 0.9, c + r * 1.05, c + r), fill=_jitter(rng, (125, 185, 55))
    )
    draw.rectangle((c - r * 0.06, c - r * 1.25, c + r * 0.06, c - r * 0.8), fill=(95, 60, 30, 255))
    draw.ellipse((c + r * 0.05, c - r * 1.25, c + r * 0.55, c - r * 0.95), fill=(60, 140, 40, 255))


def _draw_banana(draw: ImageDraw.ImageDraw, rng: np.random.Generator, c: float, r: float) -> None:
    # Een gele schijf waar een verschoven transparante schijf uit gesneden wordt: een sikkel.
    draw.ellipse(
        (c - r * 1.3, c - r * 1.1, c + r * 1.3, c + r * 0.9), fill=_jitter(rng, (240, 205, 45))
    )
    draw.ellipse((c - r * 1.3, c - r * 1.45, c + r * 1.3, c + r * 0.35), fill=(0, 0, 0, 0))
    for x in (c - r * 1.22, c + r * 1.1):
        draw.ellipse((x, c - r * 0.2, x + r * 0.14, c - r * 0.04), fill=(80, 60, 25, 255))


def _draw_lemon(draw: ImageDraw.ImageDraw, rng: np.random.Generator, c: float, r: float) -> None:
    color = _jitter(rng, (250, 235, 90))
    draw.ellipse((c - r * 0.95, c - r * 0.7, c + r * 0.95, c + r * 0.7), fill=color)
    draw.polygon(
        [(c - r * 1.2, c), (c - r * 0.8, c - r * 0.25), (c - r * 0.8, c + r * 0.25)], fill=color
    )
    draw.polygon(
        [(c + r * 1.2, c), (c + r * 0.8, c - r * 0.25), (c + r * 0.8, c + r * 0.25)], fill=color
    )


def _draw_cucumber(draw: ImageDraw.ImageDraw, rng: np.random.Generator, c: float, r: float) -> None:
    body = (c - r * 1.5, c - r * 0.33, c + r * 1.5, c + r * 0.33)
    draw.rounded_rectangle(body, radius=r * 0.33, fill=_jitter(rng, (45, 115, 45)))
    for offset in np.linspace(-1.1, 1.1, 7):
        x = c + r * offset
        draw.ellipse((x - 2, c - r * 0.12, x + 2, c - r * 0.04), fill=(120, 175, 90, 255))


def _draw_milk_carton(
    draw: ImageDraw.ImageDraw, rng: np.random.Generator, c: float, r: float
) -> None:
    left, right, top, bottom = c - r * 0.6, c + r * 0.6, c - r * 0.55, c + r * 1.15
    draw.rectangle((left, top, right, bottom), fill=_jitter(rng, (240, 240, 235), 8))
    draw.polygon([(left, top), (right, top), (c, c - r * 1.2)], fill=(215, 215, 210, 255))
    draw.rectangle((left, c, right, c + r * 0.4), fill=_jitter(rng, (40, 90, 190)))
    draw.rectangle((c - r * 0.08, c - r * 1.3, c + r * 0.08, c - r * 1.1), fill=(40, 90, 190, 255))


def _draw_tomato(draw: ImageDraw.ImageDraw, rng: np.random.Generator, c: float, r: float) -> None:
    draw.ellipse(
        (c - r * 1.1, c - r * 0.85, c + r * 1.1, c + r * 0.9), fill=_jitter(rng, (215, 40, 30))
    )
    points = []
    for k in range(10):
        angle = math.pi * k / 5 - math.pi / 2
        radius = r * (0.4 if k % 2 == 0 else 0.14)
        points.append((c + radius * math.cos(angle), c - r * 0.75 + radius * math.sin(angle)))
    draw.polygon(points, fill=(50, 130, 40, 255))


# Elke tekenfunctie tekent rond het midden `c` met straal `r` (beide in pixels), in volgorde van
# CLASSES. Ze kiest met `rng` een kleine kleurvariatie.
_DRAWERS: tuple[Callable, ...] = (
    _draw_apple,
    _draw_banana,
    _draw_lemon,
    _draw_cucumber,
    _draw_milk_carton,
    _draw_tomato,
)


def _background(rng: np.random.Generator, size: int) -> np.ndarray:
    # Een schapkleur met zachte vlekken in helderheid, fijne ruis en twee donkere schapranden.
    base = rng.uniform(110, 210, size=3)
    coarse = rng.normal(0, 20, size=(8, 8)).astype(np.float32)
    blotches = np.asarray(Image.fromarray(coarse).resize((size, size), Image.Resampling.BICUBIC))
    fine = rng.normal(0, 6, size=(size, size, 3))
    image = base + blotches[..., None] + fine
    for row in rng.integers(0, size, size=2):
        image[row : row + 3] *= 0.7
    return image


def render_product(label: int, rng: np.random.Generator, size: int = RAW_SIZE) -> Image.Image:
    """Teken één product van klasse `label` op een getextureerde achtergrond.

    Positie, grootte, draaiing, kleur en belichting variëren met `rng`.
    """
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    radius = size * rng.uniform(0.2, 0.27)
    _DRAWERS[label](ImageDraw.Draw(layer), rng, size / 2, radius)
    shift = size * 0.12
    translate = (rng.uniform(-shift, shift), rng.uniform(-shift, shift))
    layer = layer.rotate(
        rng.uniform(-35, 35), resample=Image.Resampling.BICUBIC, translate=translate
    )

    background = Image.fromarray(np.clip(_background(rng, size), 0, 255).astype(np.uint8))
    background = background.convert("RGBA")
    background.alpha_composite(layer)

    # Belichting: een helderheidsfactor met een lineaire gradiënt in een willekeurige richting.
    pixels = np.asarray(background.convert("RGB"), dtype=np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ys, xs = np.mgrid[0:size, 0:size] / size - 0.5
    gradient = 1 + 0.3 * (xs * math.cos(angle) + ys * math.sin(angle))
    pixels *= rng.uniform(0.75, 1.15) * gradient[..., None]
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


class SyntheticGroceryDataset(CachedImageDataset):
    """Ingebouwde dataset met zes getekende producten, bruikbaar zonder download.

    De klassen zijn Appel, Banaan, Citroen, Komkommer, Melkpak en Tomaat, met 24
    trainingsafbeeldingen en 8 validatieafbeeldingen per klasse van 128 x 128 pixels. Dezelfde
    interface als GroceryStoreDataset: `.classes`, `.targets`, `.samples` (naam, label) en
    `__getitem__` geeft (tensor, label). Zonder `transform` gebruik je de voorbewerking van de
    voorgetrainde gewichten op `image_size`. `limit_per_class` houdt per klasse de eerste N
    afbeeldingen over, en `seed` kiest een andere reeks afbeeldingen. Met `cache=True` bewaart
    de dataset elke getekende afbeelding (48 KiB) in het geheugen, zodat ze maar één keer
    getekend wordt.
    """

    def __init__(
        self,
        split: str = "train",
        image_size: int = 224,
        transform: Callable | None = None,
        limit_per_class: int | None = None,
        seed: int = 0,
        cache: bool = True,
    ) -> None:
        super().__init__()
        check_choice("split", split, tuple(IMAGES_PER_CLASS))
        check_positive_int("limit_per_class", limit_per_class, allow_none=True)
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"Ongeldige waarde seed={seed!r}. Geef een geheel getal vanaf 0.")
        default_transform = preprocess(image_size)

        numbers = range(1, IMAGES_PER_CLASS[split] + 1)
        all_samples = [(label, number) for label in range(len(CLASSES)) for number in numbers]
        kept_indices = first_per_class([label for label, _ in all_samples], limit_per_class)

        self.root = None
        self.split = split
        self.seed = seed
        self.image_size = image_size
        self.classes = list(CLASSES)
        self.class_to_idx = {name: index for index, name in enumerate(self.classes)}
        self.samples = [
            (f"{split}/{CLASSES[label]}_{number:03d}", label)
            for label, number in (all_samples[i] for i in kept_indices)
        ]
        self.targets = [label for _, label in self.samples]
        self._numbers = [all_samples[i][1] for i in kept_indices]
        self.transform = default_transform if transform is None else transform
        self.cache = cache

    def image(self, index: int) -> Image.Image:
        """Teken afbeelding `index` (RGB, 128 x 128 pixels), zonder voorbewerking."""
        label = self.targets[index]
        number = self._numbers[index]
        rng = np.random.default_rng([self.seed, _SPLIT_IDS[self.split], label, number])
        return render_product(label, rng)

    def __repr__(self) -> str:
        return (
            f"SyntheticGroceryDataset(split={self.split!r}, {len(self)} afbeeldingen, "
            f"{len(self.classes)} klassen)"
        )
