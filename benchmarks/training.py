"""Throughput of training and inference, and validation accuracy after a short training.

Every function builds its models with model_utils and trains with model_utils.train_one_epoch,
so the figures are those of the code the notebooks call. Ratios are taken within one run: the
variants of a run alternate in one process, so a machine that gets slower during a run slows
both sides of a ratio alike.
"""

import copy
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import torch
from timing import Series, busy_core, single_thread, timed
from torch.utils.data import Dataset, Subset, TensorDataset

from model_utils import (
    compute_features,
    create_model,
    evaluate,
    freeze_backbone,
    predict,
    seed_everything,
    train_one_epoch,
    trainable_parameters,
)
from model_utils.data import make_loader

# Image size, batch size, optimizer and the accuracy run's training subset follow notebooks 03 and
# 04, so the figures predict their training cells.
IMAGE_SIZE = 128
BATCH_SIZE = 32
# Images per timed training epoch. A subset keeps a run short: full fine-tuning ran at 4 to 300
# images/s on the 2-core machine of docs/benchmarks.md, depending on its load.
THROUGHPUT_IMAGES = 128
# Epochs of the head on cached features per run; one such epoch takes milliseconds, so the rate
# is the median over several.
HEAD_EPOCHS = 20
HEAD_LEARNING_RATE = 0.01
BACKBONE_LEARNING_RATE = 0.001
MOMENTUM = 0.9
ACCURACY_LIMIT_PER_CLASS = 4


@dataclass
class DataSpec:
    """A dataset to measure: how to build its splits and how to describe it on the page."""

    key: str
    label: str
    short: str
    make_train: Callable[..., Dataset]
    make_val: Callable[..., Dataset]
    num_classes: int


def evenly_spaced(dataset: Dataset, count: int) -> Subset:
    """Return `count` images spread evenly over `dataset`, so every part of it occurs."""
    size = len(dataset)
    count = min(count, size)
    indices = [round(i * (size - 1) / max(count - 1, 1)) for i in range(count)]
    return Subset(dataset, indices)


def iterate(loader) -> int:
    """Load every batch of `loader` and return the number of images."""
    return sum(len(targets) for _, targets in loader)


def fresh_copy(model: torch.nn.Module) -> torch.nn.Module:
    """Return an independent copy, so each variant starts from the same weights."""
    return copy.deepcopy(model)


def make_optimizer(model: torch.nn.Module) -> torch.optim.SGD:
    """Return SGD over the trainable parameters, with a smaller learning rate for the backbone."""
    features = getattr(model, "features", None)
    backbone = set(features.parameters()) if features is not None else set()
    head = [parameter for parameter in trainable_parameters(model) if parameter not in backbone]
    groups = [{"params": head, "lr": HEAD_LEARNING_RATE}]
    if features is not None:
        tuned = [parameter for parameter in features.parameters() if parameter.requires_grad]
        if tuned:
            groups.append({"params": tuned, "lr": BACKBONE_LEARNING_RATE})
    return torch.optim.SGD(groups, momentum=MOMENTUM)


def timed_epoch(model, loader) -> tuple[float, float]:
    """Train one warm-up batch, then one timed epoch; return (first batch s, images/s)."""
    optimizer = make_optimizer(model)
    first_batch = [next(iter(loader))]
    warmup = train_one_epoch(model, first_batch, optimizer, progress=False)
    result = train_one_epoch(model, loader, optimizer, progress=False)
    return warmup.seconds, result.images / result.seconds


@dataclass
class TrainingRun:
    """One run of the training variants: rates in images/s, first-batch times in seconds."""

    full: float
    full_one_thread: float
    full_contended: float
    full_contended_one_thread: float
    frozen: float
    cached_epoch: float
    cached_sliced: float
    features: float
    first_batch_full: float
    first_batch_frozen: float

    @property
    def ratio(self) -> float:
        return self.cached_epoch / self.frozen

    def break_even_epochs(self) -> float:
        """Return after how many epochs caching (features once, then the head) is faster in total.

        Caching costs 1/features s per image once and 1/cached_epoch per epoch, the frozen model
        1/frozen per epoch, so it is faster from 1/features / (1/frozen - 1/cached_epoch) on.
        """
        saving = 1 / self.frozen - 1 / self.cached_epoch
        return (1 / self.features) / saving if saving > 0 else float("inf")


def training_run(base: torch.nn.Module, loader) -> TrainingRun:
    """Time full fine-tuning, a frozen backbone and the head on cached features, in that order."""
    full = fresh_copy(base)
    first_full, full_rate = timed_epoch(full, loader)
    with single_thread():
        _, full_one_thread_rate = timed_epoch(fresh_copy(base), loader)
    with busy_core():
        _, full_contended_rate = timed_epoch(fresh_copy(base), loader)
        with single_thread():
            _, full_contended_one_thread_rate = timed_epoch(fresh_copy(base), loader)

    frozen = freeze_backbone(fresh_copy(base))
    first_frozen, frozen_rate = timed_epoch(frozen, loader)

    cached = freeze_backbone(fresh_copy(base))
    seconds, (features, labels) = timed(compute_features, cached, loader, progress=False)
    head = cached.classifier
    feature_loader = make_loader(TensorDataset(features, labels), BATCH_SIZE, shuffle=True)
    optimizer = make_optimizer(head)
    train_one_epoch(head, feature_loader, optimizer, progress=False)  # warm-up epoch
    epochs = [
        train_one_epoch(head, feature_loader, optimizer, progress=False) for _ in range(HEAD_EPOCHS)
    ]
    cached_rate = Series.of(result.images / result.seconds for result in epochs).median

    # Reference: the same head epochs over batches sliced once from the feature tensors, without
    # a DataLoader, which shows how much of the cached epoch is DataLoader overhead.
    batches = [
        (features[start : start + BATCH_SIZE], labels[start : start + BATCH_SIZE])
        for start in range(0, len(labels), BATCH_SIZE)
    ]
    sliced = [train_one_epoch(head, batches, optimizer, progress=False) for _ in range(HEAD_EPOCHS)]
    sliced_rate = Series.of(result.images / result.seconds for result in sliced).median

    return TrainingRun(
        full=full_rate,
        full_one_thread=full_one_thread_rate,
        full_contended=full_contended_rate,
        full_contended_one_thread=full_contended_one_thread_rate,
        frozen=frozen_rate,
        cached_epoch=cached_rate,
        cached_sliced=sliced_rate,
        features=len(labels) / seconds,
        first_batch_full=first_full,
        first_batch_frozen=first_frozen,
    )


def measure_training(spec: DataSpec, runs: int) -> list[TrainingRun]:
    """Run `runs` interleaved training runs on a warm-cache subset of the training set."""
    subset = evenly_spaced(spec.make_train(cache=True), THROUGHPUT_IMAGES)
    loader = make_loader(subset, BATCH_SIZE)
    iterate(loader)  # fills the image cache, as the first epoch of a notebook does
    seed_everything(0)
    base = create_model(spec.num_classes)
    return [training_run(base, loader) for _ in range(runs)]


def measure_inference(spec: DataSpec, runs: int) -> dict[str, Series]:
    """Compare forward passes in eval() with inference_mode (predict) and in train() with autograd.

    Both run on the same preloaded batches, so only the mode differs.
    """
    subset = evenly_spaced(spec.make_train(cache=True), THROUGHPUT_IMAGES)
    batches = [inputs for inputs, _ in make_loader(subset, BATCH_SIZE)]
    images = sum(len(batch) for batch in batches)
    seed_everything(0)
    model = create_model(spec.num_classes)

    def eval_pass() -> None:
        for batch in batches:
            predict(model, batch)

    def train_pass() -> None:
        model.train()
        for batch in batches:
            model(batch)

    predict(model, batches[0])  # first-call overhead outside the timed runs
    model.train()(batches[0])
    eval_rates, train_rates, ratios = [], [], []
    for _ in range(runs):
        eval_rate = images / timed(eval_pass)[0]
        train_rate = images / timed(train_pass)[0]
        eval_rates.append(eval_rate)
        train_rates.append(train_rate)
        ratios.append(eval_rate / train_rate)
    return {
        "eval": Series.of(eval_rates),
        "train": Series.of(train_rates),
        "ratio": Series.of(ratios),
    }


@dataclass
class AccuracyResult:
    """Validation accuracy of one training variant after a short training."""

    variant: str
    accuracy: float
    epochs: int
    train_images: int
    seconds: float


def measure_accuracy(spec: DataSpec, epochs: int) -> list[AccuracyResult]:
    """Train each variant `epochs` epochs from the same start and evaluate it on the val split.

    The frozen-backbone model and the head on cached features see the same features, so
    their accuracies should be close. One run only, because full fine-tuning dominates the time.
    """
    train_set = spec.make_train(cache=True, limit_per_class=ACCURACY_LIMIT_PER_CLASS)
    val_set = spec.make_val(cache=True)
    train_loader = make_loader(train_set, BATCH_SIZE, shuffle=True)
    val_loader = make_loader(val_set, BATCH_SIZE)
    iterate(make_loader(train_set, BATCH_SIZE))  # warm the caches outside the timed part
    iterate(val_loader)
    seed_everything(0)
    base = create_model(spec.num_classes)
    results = []

    for variant in ("full fine-tuning", "frozen backbone"):
        seed_everything(1)
        model = fresh_copy(base)
        if variant == "frozen backbone":
            freeze_backbone(model)
        optimizer = make_optimizer(model)
        seconds = sum(
            train_one_epoch(model, train_loader, optimizer, progress=False).seconds
            for _ in range(epochs)
        )
        accuracy = evaluate(model, val_loader, progress=False).accuracy
        results.append(AccuracyResult(variant, accuracy, epochs, len(train_set), seconds))

    seed_everything(1)
    model = freeze_backbone(fresh_copy(base))
    feature_seconds, (train_features, train_labels) = timed(
        compute_features, model, train_loader, progress=False
    )
    val_features, val_labels = compute_features(model, val_loader, progress=False)
    head = model.classifier
    feature_loader = make_loader(
        TensorDataset(train_features, train_labels), BATCH_SIZE, shuffle=True
    )
    optimizer = make_optimizer(head)
    seconds = feature_seconds + sum(
        train_one_epoch(head, feature_loader, optimizer, progress=False).seconds
        for _ in range(epochs)
    )
    val_feature_loader = make_loader(TensorDataset(val_features, val_labels), BATCH_SIZE)
    accuracy = evaluate(head, val_feature_loader, progress=False).accuracy
    results.append(
        AccuracyResult("head on cached features", accuracy, epochs, len(train_set), seconds)
    )
    majority = max(Counter(val_set.targets).values()) / len(val_set)
    results.append(AccuracyResult("baseline: always the most frequent class", majority, 0, 0, 0))
    return results
