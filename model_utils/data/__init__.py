"""Data voor de workshop: de Grocery Store Dataset, hoe je hem vindt, en een ingebouwde dataset.

Heb je de echte foto's niet, dan geeft load_grocery_datasets de synthetische dataset, zodat elk
notebook ook offline werkt.
"""

from model_utils.data.grocery import (
    DatasetFormatError,
    GroceryStoreDataset,
    sample_image_paths,
)
from model_utils.data.images import ImageFileError, load_image
from model_utils.data.loading import load_grocery_datasets, make_loader
from model_utils.data.locate import (
    CLONE_COMMAND,
    ENV_VAR,
    DatasetNotFoundError,
    find_dataset_root,
)
from model_utils.data.synthetic import SyntheticGroceryDataset

__all__ = [
    "CLONE_COMMAND",
    "ENV_VAR",
    "DatasetFormatError",
    "DatasetNotFoundError",
    "GroceryStoreDataset",
    "ImageFileError",
    "SyntheticGroceryDataset",
    "find_dataset_root",
    "load_grocery_datasets",
    "load_image",
    "make_loader",
    "sample_image_paths",
]
