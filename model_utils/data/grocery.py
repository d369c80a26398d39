"""De Grocery Store Dataset (Klasson et al., WACV 2019) in zijn oorspronkelijke maplayout.

De map `dataset/` bevat classes.csv en per split een bestand (train.txt, val.txt, test.txt)
met regels `pad, fijne klasse, grove klasse`. De paden zijn relatief ten opzichte van `dataset/`.
"""

import csv
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torchvision.transforms.functional as F
from PIL import Image

from model_utils.data.cached import CachedImageDataset
from model_utils.data.images import load_image
from model_utils.data.locate import DatasetNotFoundError, require_dataset_root
from model_utils.data.validation import check_choice, check_positive_int, first_per_class
from model_utils.weights import preprocess

SPLITS = ("train", "val", "test")
LABEL_LEVELS = ("coarse", "fine")

# Kolomnamen zoals ze in de kopregel van classes.csv staan.
FINE_NAME = "Class Name (str)"
FINE_ID = "Class ID (int)"
COARSE_NAME = "Coarse Class Name (str)"
COARSE_ID = "Coarse Class ID (int)"
RESTORE_CLASSES = "Herstel het bestand met `git checkout -- classes.csv` in de gekloonde map."


class DatasetFormatError(ValueError):
    """Ongeldige regel in classes.csv of in een splitbestand. De melding noemt bestand en regel."""


@dataclass(frozen=True)
class ClassTable:
    """De klassen uit classes.csv: 81 fijne en 43 grove namen, in volgorde van hun ID."""

    fine: list[str]
    coarse: list[str]
    coarse_of_fine: list[int]


@dataclass(frozen=True)
class SplitEntry:
    """Eén regel van een splitbestand: het absolute pad van de foto en zijn twee labels."""

    path: Path
    fine: int
    coarse: int


def read_class_table(csv_path: Path) -> ClassTable:
    """Lees classes.csv. De fijne en de grove ID's moeten elk 0, 1, 2, ... zonder gaten zijn."""
    with csv_path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        columns = (FINE_NAME, FINE_ID, COARSE_NAME, COARSE_ID)
        missing = [column for column in columns if column not in (reader.fieldnames or [])]
        if missing:
            raise DatasetFormatError(
                f"In {csv_path} ontbreekt de kolom {' en '.join(missing)} in de kopregel. "
                f"{RESTORE_CLASSES}"
            )
        fine: dict[int, tuple[str, int]] = {}
        coarse: dict[int, str] = {}
        for row in reader:
            # Een te korte regel geeft None in de ontbrekende kolommen (TypeError/AttributeError).
            try:
                fine_id, coarse_id = int(row[FINE_ID]), int(row[COARSE_ID])
                fine_name, coarse_name = row[FINE_NAME].strip(), row[COARSE_NAME].strip()
            except (TypeError, ValueError, AttributeError):
                raise DatasetFormatError(
                    f"Regel {reader.line_num} van {csv_path} is ongeldig: verwacht een naam en een "
                    f"geheel getal als ID voor de fijne en de grove klasse. {RESTORE_CLASSES}"
                ) from None
            if fine_id in fine:
                raise DatasetFormatError(
                    f"Regel {reader.line_num} van {csv_path} herhaalt fijne klasse-ID {fine_id}. "
                    f"{RESTORE_CLASSES}"
                )
            if coarse.setdefault(coarse_id, coarse_name) != coarse_name:
                raise DatasetFormatError(
                    f"Regel {reader.line_num} van {csv_path} noemt grove klasse {coarse_id} "
                    f"{coarse_name!r}, maar eerder heette die {coarse[coarse_id]!r}. "
                    f"{RESTORE_CLASSES}"
                )
            fine[fine_id] = (fine_name, coarse_id)

    for name, ids in (("fijne", fine), ("grove", coarse)):
        if sorted(ids) != list(range(len(ids))):
            raise DatasetFormatError(
                f"De {name} klasse-ID's in {csv_path} lopen niet van 0 tot {len(ids) - 1} "
                f"zonder gaten. {RESTORE_CLASSES}"
            )
    return ClassTable(
        fine=[fine[i][0] for i in range(len(fine))],
        coarse=[coarse[i] for i in range(len(coarse))],
        coarse_of_fine=[fine[i][1] for i in range(len(fine))],
    )


def read_split(root: Path, split: str, table: ClassTable) -> list[SplitEntry]:
    """Lees het splitbestand `<split>.txt` en controleer elke regel en elke foto.

    Raises DatasetFormatError voor een regel met een ongeldig formaat of label, en
    DatasetNotFoundError als het splitbestand of een foto ontbreekt. Beide noemen het
    bestand en het regelnummer.
    """
    split_path = root / f"{split}.txt"
    if not split_path.is_file():
        raise DatasetNotFoundError(
            f"Het splitbestand {split_path} ontbreekt. Kies een split die in {root} staat, of "
            "kloon de dataset opnieuw als het bestand per ongeluk verwijderd is."
        )

    entries = []
    lines = split_path.read_text(encoding="utf-8-sig").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        entry = _parse_split_line(line, root, table, f"Regel {number} van {split_path}")
        if not entry.path.is_file():
            raise DatasetNotFoundError(
                f"Regel {number} van {split_path} noemt de foto {line.split(',')[0].strip()}, "
                f"maar {entry.path} bestaat niet. Kloon de dataset opnieuw, of verwijder die "
                "regel als je de foto bewust weggelaten hebt."
            )
        entries.append(entry)
    return entries


def _parse_split_line(line: str, root: Path, table: ClassTable, where: str) -> SplitEntry:
    fields = [field.strip() for field in line.split(",")]
    expected = "Verwacht: 'pad, fijne klasse, grove klasse', bijvoorbeeld 'train/Fruit/a.jpg, 0, 0'"
    if len(fields) != 3 or not fields[0]:
        raise DatasetFormatError(f"{where} is ongeldig: {line!r}. {expected}. Herstel die regel.")
    try:
        fine, coarse = int(fields[1]), int(fields[2])
    except ValueError:
        raise DatasetFormatError(
            f"{where} heeft geen gehele getallen als labels: {line!r}. {expected}. "
            "Herstel die regel."
        ) from None
    if not 0 <= fine < len(table.fine):
        raise DatasetFormatError(
            f"{where} heeft fijne klasse {fine}, maar classes.csv kent alleen 0 tot "
            f"{len(table.fine) - 1}. Herstel die regel."
        )
    if coarse != table.coarse_of_fine[fine]:
        raise DatasetFormatError(
            f"{where} heeft grove klasse {coarse}, maar volgens classes.csv hoort fijne klasse "
            f"{fine} ({table.fine[fine]}) bij grove klasse {table.coarse_of_fine[fine]}. "
            "Herstel die regel."
        )
    return SplitEntry(path=root / fields[0], fine=fine, coarse=coarse)


class GroceryStoreDataset(CachedImageDataset):
    """Foto's van de Grocery Store Dataset als (tensor, label)-paren.

    `labels="coarse"` geeft 43 grove klassen (Apple, Milk, ...), `labels="fine"` 81 fijne
    (Golden-Delicious, ...). `.classes` bevat de namen uit classes.csv in volgorde van het
    label, `.samples` de paren (pad, label) en `.targets` de labels.

    Zonder `transform` gebruik je de voorbewerking van de voorgetrainde gewichten op
    `image_size`. Met `cache=True` bewaart de dataset elke foto na het eerste gebruik in het
    geheugen, verkleind tot de resize-maat van die voorbewerking (256 pixels aan de korte kant
    bij image_size=224). Vanaf de tweede epoch hoeft de JPEG dan niet meer gedecodeerd te worden.
    Voor de foto's van 348 x 348 en 348 x 464 pixels kost dat bij image_size=224 gemiddeld
    195 KiB per foto (gemeten: 241 MiB voor 972 trainings- en 296 validatiefoto's samen).
    De voorbewerking geeft met en zonder cache dezelfde tensors, want de resize van de cache is
    dezelfde als de eerste stap van de voorbewerking. Een eigen `transform` (zoals data
    augmentation) krijgt met cache de verkleinde foto in plaats van het origineel.
    NOTE: met num_workers > 0 vult elk workerproces van de DataLoader zijn eigen kopie van de
    cache, en die verdwijnt na elke epoch tenzij je persistent_workers=True zet.

    `limit_per_class` houdt per klasse alleen de eerste N foto's uit het splitbestand over.
    """

    def __init__(
        self,
        root: str | os.PathLike | None = None,
        split: str = "train",
        labels: str = "coarse",
        transform: Callable | None = None,
        image_size: int = 224,
        cache: bool = True,
        limit_per_class: int | None = None,
    ) -> None:
        super().__init__()
        check_choice("split", split, SPLITS)
        check_choice("labels", labels, LABEL_LEVELS)
        check_positive_int("limit_per_class", limit_per_class, allow_none=True)
        # preprocess controleert image_size, dus een ongeldige waarde faalt voor het zoeken.
        preset = preprocess(image_size)

        found = require_dataset_root(root)
        table = read_class_table(found / "classes.csv")
        entries = read_split(found, split, table)
        all_labels = [entry.fine if labels == "fine" else entry.coarse for entry in entries]
        kept_indices = first_per_class(all_labels, limit_per_class)

        self.root = found
        self.split = split
        self.labels = labels
        self.image_size = image_size
        self.classes = list(table.fine if labels == "fine" else table.coarse)
        self.class_to_idx = {name: index for index, name in enumerate(self.classes)}
        self.samples = [(entries[i].path, all_labels[i]) for i in kept_indices]
        self.targets = [label for _, label in self.samples]

        self.transform = preset if transform is None else transform
        self.cache = cache
        self._cache_resize_size = list(preset.resize_size)
        self._cache_interpolation = preset.interpolation

    def image(self, index: int) -> Image.Image:
        """Lees foto `index` van schijf, op volle grootte en zonder voorbewerking."""
        return load_image(self.samples[index][0])

    def prepare_for_cache(self, image: Image.Image) -> Image.Image:
        return F.resize(image, self._cache_resize_size, self._cache_interpolation)

    def __repr__(self) -> str:
        return (
            f"GroceryStoreDataset(split={self.split!r}, labels={self.labels!r}, "
            f"{len(self)} foto's, {len(self.classes)} klassen, root={str(self.root)!r})"
        )


def sample_image_paths(
    root: str | os.PathLike | None = None, n: int | None = None, split: str = "val"
) -> list[Path]:
    """Kies vaste voorbeeldfoto's: de eerste foto van elke grove klasse in `split`, hoogstens `n`.

    Zo toont een notebook bij elke run dezelfde echte foto's. Raises DatasetNotFoundError als
    de dataset niet gevonden wordt.
    """
    check_choice("split", split, SPLITS)
    check_positive_int("n", n, allow_none=True)
    found = require_dataset_root(root)
    entries = read_split(found, split, read_class_table(found / "classes.csv"))
    first = {}
    for entry in entries:
        first.setdefault(entry.coarse, entry.path)
    paths = [first[label] for label in sorted(first)]
    return paths if n is None else paths[:n]
