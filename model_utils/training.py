"""Kleine trainingshulp: seeds, apparaatkeuze, één epoch trainen, evalueren, voorspellen, features.

Elke functie zet zelf de juiste modus: train_one_epoch traint in trainingsmodus (met bevroren
batchnorm in evaluatiemodus), evaluate en predict rekenen in evaluatiemodus en zetten daarna elke
laag terug in de modus die ze had.
"""

import contextlib
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .freezing import count_parameters, set_frozen_batchnorm_eval
from .notices import notify
from .progress import progress_bar

Batch = tuple[torch.Tensor, torch.Tensor]


@dataclass(frozen=True)
class EpochResult:
    """Gemiddelde loss en accuracy over de getrainde afbeeldingen van één epoch."""

    loss: float
    accuracy: float
    images: int
    seconds: float
    skipped_images: int = 0


@dataclass(frozen=True)
class EvalResult:
    """Gemiddelde loss en accuracy over een evaluatieset."""

    loss: float
    accuracy: float
    images: int


def seed_everything(seed: int = 0) -> int:
    """Zet de seeds van random, NumPy en PyTorch, zodat een nieuwe run dezelfde getallen geeft."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return seed


def select_device() -> torch.device:
    """Kies CUDA als er een GPU is, anders de CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _device_of(model: nn.Module, device: torch.device | str | None) -> torch.device:
    if device is not None:
        return torch.device(device)
    parameter = next(model.parameters(), None)
    return parameter.device if parameter is not None else torch.device("cpu")


@contextlib.contextmanager
def evaluation_mode(model: nn.Module) -> Iterator[nn.Module]:
    """Zet `model` tijdelijk in evaluatiemodus en herstel daarna de modus van elke laag apart.

    Per laag herstellen (en niet met één model.train()) houdt bevroren batchnorm-lagen die
    bewust in evaluatiemodus stonden ook daarna in evaluatiemodus.
    """
    modes = {module: module.training for module in model.modules()}
    model.eval()
    try:
        yield model
    finally:
        for module, training in modes.items():
            module.training = training


def _check_trainable(model: nn.Module, optimizer: torch.optim.Optimizer) -> None:
    if count_parameters(model).trainable == 0:
        raise ValueError(
            "Het model heeft geen trainbare parameters: alle lagen zijn bevroren, ook de head. "
            "Ontdooi minstens de classifier, bijvoorbeeld met unfreeze(model.classifier), "
            "en maak daarna een nieuwe optimizer met trainable_parameters(model)."
        )
    in_optimizer = [p for group in optimizer.param_groups for p in group["params"]]
    if not any(parameter.requires_grad for parameter in in_optimizer):
        raise ValueError(
            "De optimizer bevat geen enkele trainbare parameter, dus een trainingsstap verandert "
            "niets. Maak de optimizer na het bevriezen opnieuw, met trainable_parameters(model)."
        )


def _check_not_empty(images: int, function: str) -> None:
    # Zonder deze controle zou een lege loader loss 0.0 geven, wat op een perfect model lijkt.
    if images == 0:
        raise ValueError(
            f"{function} kreeg een loader zonder afbeeldingen, dus er is niets berekend. "
            "Controleer de dataset (len(dataset) > 0) en limit_per_class."
        )


def _has_training_batchnorm(model: nn.Module) -> bool:
    return any(
        isinstance(module, nn.modules.batchnorm._BatchNorm) and module.training
        for module in model.modules()
    )


def train_one_epoch(
    model: nn.Module,
    loader: Iterable[Batch],
    optimizer: torch.optim.Optimizer,
    *,
    device: torch.device | str | None = None,
    loss_fn: nn.Module | None = None,
    progress: bool = True,
) -> EpochResult:
    """Train `model` één epoch op `loader` en geef de gemiddelde loss en accuracy terug.

    Bevroren batchnorm-lagen blijven in evaluatiemodus. Een batch van één afbeelding wordt
    overgeslagen zolang er batchnorm-lagen trainen: hun statistieken van één afbeelding zijn
    onbetrouwbaar, en bij kleine beelden geeft PyTorch dan "Expected more than 1 value per channel".
    Het aantal overgeslagen afbeeldingen staat in `EpochResult.skipped_images`. Is elke batch
    overgeslagen, dan volgt een ValueError, want dan is er niets getraind.
    """
    _check_trainable(model, optimizer)
    device = _device_of(model, device)
    loss_fn = loss_fn or nn.CrossEntropyLoss()
    model.train()
    set_frozen_batchnorm_eval(model)
    skip_single = _has_training_batchnorm(model)
    total_loss, correct, seen, skipped = 0.0, 0, 0, 0
    started = time.perf_counter()
    for inputs, targets in progress_bar(loader, enabled=progress, desc="training"):
        if skip_single and len(inputs) == 1:
            skipped += 1
            continue
        inputs, targets = inputs.to(device), targets.to(device)
        optimizer.zero_grad(set_to_none=True)
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(targets)
        correct += (outputs.argmax(dim=1) == targets).sum().item()
        seen += len(targets)
    if skipped and not seen:
        # Anders geeft de epoch loss 0.0 terug, wat op een perfect model lijkt.
        raise ValueError(
            f"Geen enkele batch getraind: alle {skipped} batches bevatten één afbeelding, en "
            "batchnorm kan geen statistieken schatten uit één afbeelding. Gebruik een batch_size "
            "van minstens 2 in je DataLoader, of bevries de backbone met freeze_backbone(model)."
        )
    if skipped:
        batches = "batch" if skipped == 1 else "batches"
        notify(
            f"{skipped} {batches} van één afbeelding overgeslagen tijdens het trainen, omdat "
            "batchnorm geen statistieken kan schatten uit één afbeelding. Gebruik "
            "drop_last=True in je DataLoader om dit te vermijden.",
            key="skipped-single-batch",
        )
    seconds = time.perf_counter() - started
    _check_not_empty(seen + skipped, "train_one_epoch")
    return EpochResult(
        loss=total_loss / max(seen, 1),
        accuracy=correct / max(seen, 1),
        images=seen,
        seconds=seconds,
        skipped_images=skipped,
    )


def evaluate(
    model: nn.Module,
    loader: Iterable[Batch],
    *,
    device: torch.device | str | None = None,
    loss_fn: nn.Module | None = None,
    progress: bool = True,
) -> EvalResult:
    """Bereken loss en accuracy van `model` op `loader` in evaluatiemodus, zonder gradiënten."""
    device = _device_of(model, device)
    loss_fn = loss_fn or nn.CrossEntropyLoss()
    total_loss, correct, seen = 0.0, 0, 0
    with evaluation_mode(model), torch.inference_mode():
        for inputs, targets in progress_bar(loader, enabled=progress, desc="evaluatie"):
            inputs, targets = inputs.to(device), targets.to(device)
            outputs = model(inputs)
            total_loss += loss_fn(outputs, targets).item() * len(targets)
            correct += (outputs.argmax(dim=1) == targets).sum().item()
            seen += len(targets)
    _check_not_empty(seen, "evaluate")
    return EvalResult(loss=total_loss / max(seen, 1), accuracy=correct / max(seen, 1), images=seen)


def predict(
    model: nn.Module, images: torch.Tensor, *, device: torch.device | str | None = None
) -> torch.Tensor:
    """Geef de kansen (softmax) per klasse voor een batch (N, 3, H, W) of één beeld (3, H, W).

    Rekent altijd in evaluatiemodus, dus het resultaat hangt niet af van de andere beelden in de
    batch en de batchnorm-statistieken blijven ongewijzigd.
    """
    if images.dim() == 3:
        images = images.unsqueeze(0)
    if images.dim() != 4:
        raise ValueError(
            f"predict verwacht beelden met vorm (N, 3, H, W) of (3, H, W), maar kreeg "
            f"{tuple(images.shape)}. Gebruik de voorbewerking uit preprocess()."
        )
    device = _device_of(model, device)
    with evaluation_mode(model), torch.inference_mode():
        return torch.softmax(model(images.to(device)), dim=1).cpu()


def backbone_features(model: nn.Module, inputs: torch.Tensor) -> torch.Tensor:
    """Geef de gepoolde features van de backbone (bij MobileNetV3-small 576 per beeld)."""
    return torch.flatten(model.avgpool(model.features(inputs)), 1)


def compute_features(
    model: nn.Module,
    loader: Iterable[Batch],
    *,
    device: torch.device | str | None = None,
    progress: bool = True,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Bereken één keer de features van de (bevroren) backbone voor alle beelden in `loader`.

    Train daarna alleen `model.classifier` op deze features: elke epoch slaat dan de dure
    backbone over. Geeft (features, labels) terug, op de CPU.
    """
    device = _device_of(model, device)
    features, labels = [], []
    # no_grad en niet inference_mode: tensors uit inference_mode kunnen later niet als invoer
    # dienen voor een laag die wel traint.
    with evaluation_mode(model), torch.no_grad():
        for inputs, targets in progress_bar(loader, enabled=progress, desc="features"):
            features.append(backbone_features(model, inputs.to(device)).cpu())
            labels.append(targets)
    return torch.cat(features), torch.cat(labels)
