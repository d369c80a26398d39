"""model_utils: het model, checkpoints, bevriezen, data en training voor de workshop.

De drie functies van de workshop blijven precies zo aanroepbaar:

    model = create_model(num_classes)
    save_model(model, path="model.pth")
    model = load_model(num_classes, path="model.pth")
"""

from .checkpoint import (
    Checkpoint,
    load_model,
    load_training_checkpoint,
    read_checkpoint,
    save_model,
    save_training_checkpoint,
)
from .data import (
    CLONE_COMMAND,
    DatasetFormatError,
    DatasetNotFoundError,
    GroceryStoreDataset,
    ImageFileError,
    SyntheticGroceryDataset,
    find_dataset_root,
    load_grocery_datasets,
    load_image,
    make_loader,
    sample_image_paths,
)
from .errors import CheckpointError
from .freezing import (
    ParameterCount,
    count_parameters,
    count_parameters_per_part,
    freeze,
    freeze_backbone,
    set_frozen_batchnorm_eval,
    trainable_parameters,
    unfreeze,
    unfreeze_backbone,
    unfreeze_last_blocks,
)
from .model import ARCHITECTURE, HEAD_INDEX, create_model, replace_head
from .progress import progress_bar
from .training import (
    EpochResult,
    EvalResult,
    backbone_features,
    compute_features,
    evaluate,
    evaluation_mode,
    predict,
    seed_everything,
    select_device,
    train_one_epoch,
)
from .weights import (
    DEFAULT_WEIGHTS,
    WeightsFileError,
    WeightsUnavailableError,
    download_weights,
    imagenet_categories,
    preprocess,
    pretrained_weights_available,
    weights_file,
)

__all__ = [
    "ARCHITECTURE",
    "CLONE_COMMAND",
    "DatasetFormatError",
    "DatasetNotFoundError",
    "ImageFileError",
    "make_loader",
    "sample_image_paths",
    "DEFAULT_WEIGHTS",
    "HEAD_INDEX",
    "Checkpoint",
    "CheckpointError",
    "EpochResult",
    "EvalResult",
    "GroceryStoreDataset",
    "ParameterCount",
    "SyntheticGroceryDataset",
    "WeightsFileError",
    "WeightsUnavailableError",
    "backbone_features",
    "compute_features",
    "count_parameters",
    "count_parameters_per_part",
    "create_model",
    "download_weights",
    "evaluate",
    "evaluation_mode",
    "find_dataset_root",
    "freeze",
    "freeze_backbone",
    "imagenet_categories",
    "load_grocery_datasets",
    "load_image",
    "load_model",
    "load_training_checkpoint",
    "predict",
    "preprocess",
    "pretrained_weights_available",
    "progress_bar",
    "read_checkpoint",
    "replace_head",
    "save_model",
    "save_training_checkpoint",
    "seed_everything",
    "select_device",
    "set_frozen_batchnorm_eval",
    "train_one_epoch",
    "trainable_parameters",
    "unfreeze",
    "unfreeze_backbone",
    "unfreeze_last_blocks",
    "weights_file",
]
