"""Tests for model_utils.freezing: freezing, unfreezing, counting and frozen batchnorm."""

import pytest
from torch import nn

from model_utils import (
    ParameterCount,
    count_parameters,
    count_parameters_per_part,
    create_model,
    freeze,
    freeze_backbone,
    set_frozen_batchnorm_eval,
    trainable_parameters,
    unfreeze,
    unfreeze_backbone,
    unfreeze_last_blocks,
)


def numel(parameters) -> int:
    return sum(parameter.numel() for parameter in parameters)


def batchnorm_layers(module: nn.Module) -> list[nn.Module]:
    return [layer for layer in module.modules() if isinstance(layer, nn.BatchNorm2d)]


def test_freeze_backbone_features_frozen(model):
    freeze_backbone(model)
    assert not any(parameter.requires_grad for parameter in model.features.parameters())


def test_freeze_backbone_classifier_trainable(model):
    freeze_backbone(model)
    assert all(parameter.requires_grad for parameter in model.classifier.parameters())


def test_freeze_backbone_returns_model(model):
    assert freeze_backbone(model) is model


def test_unfreeze_backbone(model):
    unfreeze_backbone(freeze_backbone(model))
    assert all(parameter.requires_grad for parameter in model.parameters())


def test_freeze_module(model):
    freeze(model.classifier)
    assert not any(parameter.requires_grad for parameter in model.classifier.parameters())


def test_unfreeze_module(model):
    unfreeze(freeze(model))
    assert all(parameter.requires_grad for parameter in model.parameters())


def test_count_total(model):
    assert count_parameters(model).total == numel(model.parameters())


def test_count_all_trainable(model):
    count = count_parameters(model)
    assert count.trainable == count.total


def test_count_after_freeze(model):
    freeze_backbone(model)
    assert count_parameters(model).trainable == numel(model.classifier.parameters())


def test_count_frozen(model):
    freeze_backbone(model)
    assert count_parameters(model).frozen == numel(model.features.parameters())


def test_count_mobilenet_total():
    """MobileNetV3-small with a 3-class head: 2,542,856 - 1,025,000 + 3,075 parameters."""
    assert count_parameters(create_model(3, pretrained=False)).total == 1_520_931


def test_count_type(model):
    assert isinstance(count_parameters(model), ParameterCount)


def test_count_per_part_names(model):
    assert list(count_parameters_per_part(model)) == ["features", "avgpool", "classifier"]


def test_count_per_part_sum(model):
    parts = count_parameters_per_part(model)
    assert sum(part.total for part in parts.values()) == count_parameters(model).total


def test_count_per_part_avgpool_empty(model):
    assert count_parameters_per_part(model)["avgpool"].total == 0


def test_trainable_parameters_identity(model):
    freeze_backbone(model)
    expected = {id(parameter) for parameter in model.classifier.parameters()}
    assert {id(parameter) for parameter in trainable_parameters(model)} == expected


def test_unfreeze_last_blocks_returns_block_parameters(model):
    freeze_backbone(model)
    parameters = unfreeze_last_blocks(model, 2)
    expected = [*model.features[-2].parameters(), *model.features[-1].parameters()]
    assert [id(parameter) for parameter in parameters] == [id(parameter) for parameter in expected]


def test_unfreeze_last_blocks_trainable(model):
    freeze_backbone(model)
    parameters = unfreeze_last_blocks(model, 2)
    assert all(parameter.requires_grad for parameter in parameters)


def test_unfreeze_last_blocks_earlier_frozen(model):
    freeze_backbone(model)
    unfreeze_last_blocks(model, 2)
    assert not any(parameter.requires_grad for parameter in model.features[-3].parameters())


def test_unfreeze_all_blocks(model):
    freeze_backbone(model)
    unfreeze_last_blocks(model, len(model.features))
    assert all(parameter.requires_grad for parameter in model.features.parameters())


@pytest.mark.parametrize("count", [0, -1, 14, True, 1.5, "2"])
def test_unfreeze_last_blocks_invalid(model, count):
    with pytest.raises(ValueError, match=f"maar is {count!r}"):
        unfreeze_last_blocks(model, count)


def test_frozen_batchnorm_count(model):
    freeze_backbone(model)
    model.train()
    assert set_frozen_batchnorm_eval(model) == len(batchnorm_layers(model.features))


def test_frozen_batchnorm_eval(model):
    freeze_backbone(model)
    model.train()
    set_frozen_batchnorm_eval(model)
    assert not any(layer.training for layer in batchnorm_layers(model))


def test_frozen_batchnorm_dropout_stays_train(model):
    freeze_backbone(model)
    model.train()
    set_frozen_batchnorm_eval(model)
    assert model.classifier[2].training is True


def test_frozen_batchnorm_convolutions_stay_train(model):
    freeze_backbone(model)
    model.train()
    set_frozen_batchnorm_eval(model)
    assert model.features[0][0].training is True


def test_trainable_batchnorm_untouched(model):
    model.train()
    assert set_frozen_batchnorm_eval(model) == 0


def test_partly_unfrozen_batchnorm(model):
    freeze_backbone(model)
    unfreeze_last_blocks(model, 1)
    model.train()
    set_frozen_batchnorm_eval(model)
    assert all(layer.training for layer in batchnorm_layers(model.features[-1]))
