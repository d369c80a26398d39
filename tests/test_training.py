"""Tests for model_utils.training and progress_bar on tiny 32x32 batches."""

import copy
import math
import sys
import types

import pytest
import torch
from torch import nn

from model_utils import (
    EpochResult,
    backbone_features,
    compute_features,
    evaluate,
    evaluation_mode,
    freeze_backbone,
    predict,
    progress_bar,
    seed_everything,
    select_device,
    train_one_epoch,
    trainable_parameters,
)


def sgd(model: nn.Module) -> torch.optim.Optimizer:
    return torch.optim.SGD(trainable_parameters(model), lr=0.1)


def test_seed_everything_repeats():
    seed_everything(3)
    first = torch.rand(3)
    seed_everything(3)
    assert torch.equal(torch.rand(3), first)


def test_seed_everything_returns_seed():
    assert seed_everything(11) == 11


def test_select_device_type():
    assert select_device().type in {"cpu", "cuda"}


@pytest.fixture(scope="module")
def trained(base_model, tensor_loader):
    """Train a copy of the session model for one epoch, starting in evaluation mode."""
    model = copy.deepcopy(base_model).eval()
    head_before = model.classifier[3].weight.detach().clone()
    result = train_one_epoch(model, tensor_loader(8, 4), sgd(model), progress=False)
    return types.SimpleNamespace(model=model, head_before=head_before, result=result)


def test_train_one_epoch_result_type(trained):
    assert isinstance(trained.result, EpochResult)


def test_train_one_epoch_counts_images(trained):
    assert trained.result.images == 8


def test_train_one_epoch_nothing_skipped(trained):
    assert trained.result.skipped_images == 0


def test_train_one_epoch_loss_finite(trained):
    assert math.isfinite(trained.result.loss)


def test_train_one_epoch_accuracy_range(trained):
    assert 0.0 <= trained.result.accuracy <= 1.0


def test_train_one_epoch_changes_head(trained):
    assert not torch.equal(trained.model.classifier[3].weight, trained.head_before)


def test_train_one_epoch_ends_in_train_mode(trained):
    assert trained.model.training is True


def test_train_one_epoch_custom_loss(model, loader):
    calls = []

    def loss_fn(outputs, targets):
        calls.append(len(targets))
        return nn.functional.cross_entropy(outputs, targets)

    train_one_epoch(model, loader, sgd(model), loss_fn=loss_fn, progress=False)
    assert calls == [4, 4]


def test_train_progress_off_silent(model, loader, capsys):
    train_one_epoch(model, loader, sgd(model), progress=False)
    assert capsys.readouterr().err == ""


def test_train_all_single_batches_raises(model, tensor_loader):
    """With trainable batchnorm every batch of one image is skipped, so nothing would train."""
    with pytest.raises(ValueError, match="batch_size"):
        train_one_epoch(model, tensor_loader(3, 1), sgd(model), progress=False)


def test_train_single_batches_frozen_backbone(model, tensor_loader):
    """Frozen batchnorm uses its running statistics, so single images train normally."""
    freeze_backbone(model)
    result = train_one_epoch(model, tensor_loader(3, 1), sgd(model), progress=False)
    assert result.images == 3


def test_evaluate_counts_images(model, loader):
    assert evaluate(model, loader, progress=False).images == 8


def test_evaluate_loss_matches_manual(model, loader):
    model.eval()
    inputs, targets = (torch.cat(parts) for parts in zip(*loader, strict=True))
    with torch.no_grad():
        expected = nn.functional.cross_entropy(model(inputs), targets).item()
    assert evaluate(model, loader, progress=False).loss == pytest.approx(expected, rel=1e-5)


def test_evaluate_accuracy_matches_manual(model, loader):
    model.eval()
    inputs, targets = (torch.cat(parts) for parts in zip(*loader, strict=True))
    with torch.no_grad():
        expected = (model(inputs).argmax(dim=1) == targets).float().mean().item()
    assert evaluate(model, loader, progress=False).accuracy == pytest.approx(expected)


def test_predict_shape(model, images):
    assert predict(model, images).shape == (4, 3)


def test_predict_probabilities_sum(model, images):
    assert torch.allclose(predict(model, images).sum(dim=1), torch.ones(4))


def test_predict_single_image(model, images):
    assert predict(model, images[0]).shape == (1, 3)


def test_predict_single_matches_batch(model, images):
    assert torch.allclose(predict(model, images[0]), predict(model, images)[:1], atol=1e-6)


@pytest.mark.parametrize("shape", [(32, 32), (1, 1, 3, 32, 32)])
def test_predict_wrong_shape(model, shape):
    with pytest.raises(ValueError, match="predict verwacht"):
        predict(model, torch.zeros(shape))


def test_backbone_features_shape(model, images):
    assert backbone_features(model, images).shape == (4, 576)


def test_compute_features_shape(model, loader):
    features, _ = compute_features(model, loader, progress=False)
    assert features.shape == (8, 576)


def test_compute_features_labels(model, loader):
    _, labels = compute_features(model, loader, progress=False)
    assert labels.tolist() == [0, 1, 2, 0, 1, 2, 0, 1]


def test_compute_features_match_eval(model, loader):
    features, _ = compute_features(model, loader, progress=False)
    model.eval()
    with torch.no_grad():
        expected = backbone_features(model, next(iter(loader))[0])
    assert torch.allclose(features[:4], expected, atol=1e-6)


def test_compute_features_restores_mode(model, loader):
    model.train()
    compute_features(model, loader, progress=False)
    assert model.training is True


def test_compute_features_trainable_input(model, loader):
    """Features from compute_features can feed a layer that trains (no inference tensors)."""
    features, labels = compute_features(model, loader, progress=False)
    loss = nn.functional.cross_entropy(model.classifier(features), labels)
    loss.backward()
    assert model.classifier[3].weight.grad is not None


def test_evaluation_mode_inside(model):
    model.train()
    with evaluation_mode(model):
        assert not any(module.training for module in model.modules())


def test_evaluation_mode_restores_on_error(model):
    model.train()
    with pytest.raises(KeyError), evaluation_mode(model):
        raise KeyError("stop")
    assert all(module.training for module in model.modules())


def test_progress_bar_disabled_returns_iterable():
    items = [1, 2, 3]
    assert progress_bar(items, enabled=False) is items


def test_progress_bar_yields_items():
    assert list(progress_bar([1, 2, 3], disable=True)) == [1, 2, 3]


def test_evaluate_empty_loader_rejected(model):
    with pytest.raises(ValueError, match="loader zonder afbeeldingen"):
        evaluate(model, [], progress=False)


def test_train_empty_loader_rejected(model):
    with pytest.raises(ValueError, match="loader zonder afbeeldingen"):
        train_one_epoch(model, [], sgd(model), progress=False)


def test_progress_bar_text_without_ipywidgets(monkeypatch, recwarn):
    """Without ipywidgets the bar is tqdm's text bar, and no TqdmWarning is raised."""
    import tqdm.std

    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    bar = progress_bar(range(3), disable=True)
    assert type(bar) is tqdm.std.tqdm
    assert list(bar) == [0, 1, 2]
    assert len(recwarn) == 0


def test_progress_bar_auto_with_ipywidgets():
    """With ipywidgets installed the bar comes from tqdm.auto, which picks a widget in Jupyter."""
    import tqdm.auto

    bar = progress_bar(range(3), disable=True)
    assert isinstance(bar, tqdm.auto.tqdm)
