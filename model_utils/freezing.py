"""Lagen bevriezen en ontdooien, parameters tellen, en bevroren batchnorm stilhouden.

Bevriezen zet `requires_grad=False`: de optimizer krijgt dan geen gradiënt voor die gewichten.
Batchnorm-lagen passen hun running statistieken echter aan in trainingsmodus, ook als hun
gewichten bevroren zijn. set_frozen_batchnorm_eval zet zulke lagen daarom terug in evaluatiemodus.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from torch import nn


@dataclass(frozen=True)
class ParameterCount:
    """Aantal parameters (elementen, niet tensors) van een model."""

    total: int
    trainable: int

    @property
    def frozen(self) -> int:
        return self.total - self.trainable


def set_requires_grad(module: nn.Module, requires_grad: bool) -> nn.Module:
    """Zet requires_grad voor alle parameters van `module` en geef `module` terug."""
    for parameter in module.parameters():
        parameter.requires_grad_(requires_grad)
    return module


def freeze(module: nn.Module) -> nn.Module:
    """Bevries alle parameters van `module`."""
    return set_requires_grad(module, False)


def unfreeze(module: nn.Module) -> nn.Module:
    """Ontdooi alle parameters van `module`."""
    return set_requires_grad(module, True)


def freeze_backbone(model: nn.Module) -> nn.Module:
    """Bevries de backbone (`model.features`), zodat alleen de classifier traint.

    Geeft `model` terug.
    """
    freeze(model.features)
    return model


def unfreeze_backbone(model: nn.Module) -> nn.Module:
    """Ontdooi de hele backbone (`model.features`). Geeft `model` terug."""
    unfreeze(model.features)
    return model


def unfreeze_last_blocks(model: nn.Module, count: int) -> list[nn.Parameter]:
    """Ontdooi de laatste `count` blokken van `model.features` en geef hun parameters terug.

    Die lijst kan als aparte parametergroep naar de optimizer, met een kleinere learning rate:
    `optimizer.add_param_group({"params": parameters, "lr": 1e-4})`.
    """
    blocks = list(model.features.children())
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= len(blocks):
        raise ValueError(
            f"count moet een geheel getal van 1 tot en met {len(blocks)} zijn (het aantal blokken "
            f"in model.features), maar is {count!r}."
        )
    parameters = []
    for block in blocks[-count:]:
        unfreeze(block)
        parameters.extend(block.parameters())
    return parameters


def count_parameters(model: nn.Module) -> ParameterCount:
    """Tel alle en de trainbare parameters van `model`."""
    total = sum(parameter.numel() for parameter in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return ParameterCount(total=total, trainable=trainable)


def count_parameters_per_part(model: nn.Module) -> dict[str, ParameterCount]:
    """Tel de parameters per deel van `model` (bij MobileNetV3: features, avgpool, classifier)."""
    return {name: count_parameters(child) for name, child in model.named_children()}


def trainable_parameters(model: nn.Module) -> Iterator[nn.Parameter]:
    """Geef alleen de parameters met requires_grad=True, om aan een optimizer te geven."""
    return (parameter for parameter in model.parameters() if parameter.requires_grad)


def set_frozen_batchnorm_eval(model: nn.Module) -> int:
    """Zet elke batchnorm-laag waarvan alle parameters bevroren zijn in evaluatiemodus.

    Roep dit aan na elke `model.train()`. Zo blijven running_mean en running_var van een
    bevroren backbone ongewijzigd. Geeft het aantal lagen terug dat in evaluatiemodus staat.
    """
    count = 0
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            parameters = list(module.parameters())
            if parameters and not any(parameter.requires_grad for parameter in parameters):
                module.eval()
                count += 1
    return count
