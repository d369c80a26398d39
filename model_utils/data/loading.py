"""De train- en validatieset kiezen (echt of synthetisch) en er een DataLoader van maken."""

import logging
import os
from collections.abc import Callable

import torch
from torch.utils.data import DataLoader, Dataset

from model_utils.data.grocery import LABEL_LEVELS, GroceryStoreDataset
from model_utils.data.locate import CLONE_COMMAND, ENV_VAR, find_dataset_root
from model_utils.data.synthetic import SyntheticGroceryDataset
from model_utils.data.validation import check_choice

logger = logging.getLogger(__name__)

LABEL_WORDS = {"coarse": "grove", "fine": "fijne"}


def load_grocery_datasets(
    root: str | os.PathLike | None = None,
    *,
    labels: str = "coarse",
    image_size: int = 224,
    train_transform: Callable | None = None,
    limit_per_class: int | None = None,
    cache: bool = True,
    verbose: bool = True,
) -> tuple[Dataset, Dataset]:
    """Laad de train- en validatieset: de echte Grocery Store Dataset, anders de synthetische.

    De dataset wordt gezocht zoals bij find_dataset_root. Een opgegeven pad dat niet klopt geeft
    een DatasetNotFoundError, en alleen zonder opgegeven pad valt de functie terug op
    SyntheticGroceryDataset. `train_transform` geldt alleen voor de trainset, want de
    validatieset krijgt altijd de voorbewerking van de voorgetrainde gewichten. `labels` geldt
    alleen voor de echte dataset, want de synthetische heeft één niveau van klassen. Met
    `verbose` staat op stdout één regel die zegt welke data je gebruikt.
    """
    check_choice("labels", labels, LABEL_LEVELS)
    found = find_dataset_root(root)
    options = dict(image_size=image_size, cache=cache, limit_per_class=limit_per_class)
    if found is not None:
        train = GroceryStoreDataset(found, "train", labels, train_transform, **options)
        val = GroceryStoreDataset(found, "val", labels, **options)
        message = (
            f"Dataset: Grocery Store Dataset uit {found} ({len(train)} trainingsfoto's, "
            f"{len(val)} validatiefoto's, {len(train.classes)} {LABEL_WORDS[labels]} klassen)."
        )
    else:
        train = SyntheticGroceryDataset("train", transform=train_transform, **options)
        val = SyntheticGroceryDataset("val", **options)
        message = (
            f"Dataset: de ingebouwde synthetische dataset ({len(train)} trainingsafbeeldingen, "
            f"{len(val)} validatieafbeeldingen, {len(train.classes)} klassen), want de Grocery "
            f"Store Dataset is niet gevonden. Voor echte foto's: {CLONE_COMMAND} (of zet "
            f"{ENV_VAR} op de map dataset/ van een bestaande kloon)."
        )

    logger.info(message)
    if verbose:
        print(message, flush=True)
    return train, val


def make_loader(
    dataset: Dataset,
    batch_size: int = 32,
    *,
    shuffle: bool = False,
    seed: int = 0,
    num_workers: int = 0,
    drop_last: bool = False,
) -> DataLoader:
    """Maak een DataLoader met een eigen torch.Generator, zodat `shuffle` bij elke run dezelfde
    volgorde geeft, los van de globale random-toestand.

    `num_workers=0` laadt in het hoofdproces. Op een laptop met twee cores winnen extra
    workerprocessen weinig, want ze delen die cores met het model. Ze starten bovendien traag in
    Jupyter en krijgen elk een eigen kopie van de cache van GroceryStoreDataset.
    Met `drop_last=False` (standaard) komt elke afbeelding aan bod en is de laatste batch
    kleiner als `len(dataset)` geen veelvoud van `batch_size` is. Met `drop_last=True` valt die
    onvolledige laatste batch weg: dat houdt de batchgrootte voor batchnorm gelijk, maar die
    afbeeldingen worden in die epoch niet gebruikt. Gebruik het dus nooit voor evaluatie.
    """
    generator = torch.Generator()
    generator.manual_seed(seed)
    return DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=shuffle,
        num_workers=num_workers,
        drop_last=drop_last,
        generator=generator,
    )
